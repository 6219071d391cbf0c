"""A portal and dates as words of the full-text index (archive/facets.py, migration m123): the
search narrowed by them finds exactly what the filter on `articles` alone finds, through every
write that changes an article's portal or date, and in an archive migrated from before m123; the
browser's count stops at a bound."""

from __future__ import annotations

import importlib
import random
from collections.abc import Iterator
from dataclasses import replace

import pytest
import sqlite_utils

from archive import open_archive, save_article, search
from archive.facets import date_words, facet_expression, facet_words, site_word
from archive.query.filters import Filters
from archive.query.search import search_page
from archive.schema import FTS_EXACT_TABLE, FTS_TABLE, migrations
from crawler.extract.record import Article

SEARCH_MODULE = importlib.import_module("archive.query.search")
SITES = ("nghean", "thanhhoa.dcs.vn", "hatinh")
WORDS = ("dang", "uy", "tinh", "hop", "xa", "nong", "thon")


def test_facet_words_of_an_article() -> None:
    assert facet_words("nghean", "2026-03-05T08:00:00+07:00") == "s6e676865616e y2026 m202603"
    assert facet_words("thanhhoa.dcs.vn", None) == site_word("thanhhoa.dcs.vn")
    assert facet_words("nghean", "hôm qua").endswith(" zdate")


def test_date_words_take_whole_years_and_the_months_of_the_others() -> None:
    first, last = "2010-01-01", "2026-11-30"
    assert date_words("2024-07-08", "2025", first, last) == [*(f"m2024{m:02d}" for m in range(7, 13)), "y2025"]
    assert date_words("2024", "2024", first, last) == ["y2024"]
    assert date_words(None, "2010-02", first, last) == ["m201001", "m201002"]
    # Open ends and ends past the archive's are clipped to its months.
    assert date_words("2026-10", None, first, last) == ["m202610", "m202611"]
    assert date_words("1990", "2010-01", first, last) == ["m201001"]
    assert date_words("2025", "2024", first, last) == []
    assert date_words(None, None, first, last) is None
    assert facet_expression(None, None) is None
    assert facet_expression("nghean", ["y2024"]) == 'facets : "s6e676865616e" AND facets : ("y2024" OR "zdate")'


def _random_articles(count: int, seed: int = 7) -> list[Article]:
    chooser = random.Random(seed)
    articles = []
    for number in range(1, count + 1):
        year, month, day = chooser.choice((2023, 2024, 2025)), chooser.randint(1, 12), chooser.randint(1, 28)
        published = chooser.choice((f"{year}-{month:02d}-{day:02d}T08:00:00+07:00", f"{year}-{month:02d}-{day:02d}",
                                    None))
        text = " ".join(chooser.choice(WORDS) for _ in range(12)) + f" bai{number}"
        articles.append(Article(url=f"https://a.vn/{number}", site=chooser.choice(SITES), title=f"Tin {number}",
                                text=text, published=published))
    return articles


FILTERS = [
    Filters(site="thanhhoa.dcs.vn"),
    Filters(site="nghean", since="2024"),
    Filters(since="2024-03-15", until="2024-07-08"),
    Filters(until="2023-02"),
    Filters(since="2025-12-31"),
    Filters(site="hatinh", since="2023-06", until="2024"),
    Filters(site="hatinh", category="khong co"),
]


def _expected(articles: list[Article], words: list[str], filters: Filters) -> set[int]:
    """The filter applied to the records themselves, as the filter on `articles` reads it."""
    found = set()
    for number, article in enumerate(articles, start=1):
        if not all(word in article.text.split() for word in words):
            continue
        if filters.category is not None or (filters.site and article.site != filters.site):
            continue
        if (filters.since or filters.until) and article.published is None:
            continue
        if filters.since and article.published < filters.since:  # type: ignore[operator]
            continue
        if filters.until and article.published > filters.until + "\uffff":  # type: ignore[operator]
            continue
        found.add(number)
    return found


@pytest.fixture(scope="module")
def archive() -> Iterator[tuple[sqlite_utils.Database, list[Article]]]:
    database = open_archive(":memory:")
    articles = _random_articles(400)
    for article in articles:
        save_article(database, article)
    yield database, articles
    database.close()


@pytest.mark.parametrize("filters", FILTERS, ids=lambda filters: repr(filters))
@pytest.mark.parametrize("query", ["dang uy", "xa", '"tinh hop"'])
def test_narrowed_search_finds_what_the_filter_alone_finds(
    archive: tuple[sqlite_utils.Database, list[Article]], query: str, filters: Filters,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, articles = archive
    words = query.strip('"').split()
    if len(words) > 1 and query.startswith('"'):
        expected = {number for number, article in enumerate(articles, start=1)
                    if " ".join(words) in article.text} & _expected(articles, [], filters)
    else:
        expected = _expected(articles, words, filters)
    page = search_page(db, query, filters=filters, limit=500)
    assert page.total == len(expected)
    assert {result["id"] for result in page.results} | {
        similar["id"] for result in page.results for similar in result["similar"]} == expected
    # The bounded plan (fewer candidates than matches) reads the newest that pass, as before.
    monkeypatch.setattr(SEARCH_MODULE, "CANDIDATES", 5)
    newest = sorted(expected, reverse=True)[:5]
    assert sorted((result["id"] for result in search(db, query, filters=filters, limit=5, fold=False)),
                  reverse=True) == newest


def test_a_typed_facet_word_finds_no_portal(archive: tuple[sqlite_utils.Database, list[Article]]) -> None:
    db, _ = archive
    assert search(db, site_word("nghean")) == []
    assert search(db, "y2024") == []


def test_a_new_portal_or_date_moves_the_articles_facet_words() -> None:
    db = open_archive(":memory:")
    first = Article(url="https://a.vn/1", site="nghean", title="Đảng ủy họp", text="Đảng ủy xã họp phiên đầu.",
                    published="2024-01-05")
    save_article(db, first)
    # The same text fetched again at its canonical URL, its page now read as another portal's and
    # another day's: the metadata is rewritten, the text (and so its index words) is not.
    moved = Article(url="https://a.vn/1", site="hatinh", title="Đảng ủy họp", text="Đảng ủy xã họp phiên đầu.",
                    published="2025-06-01")
    assert save_article(db, moved, fetched_url="https://a.vn/1").status == "duplicate"
    assert db.execute("SELECT site, published FROM articles").fetchone() == ("hatinh", "2025-06-01")
    for table in (FTS_TABLE, FTS_EXACT_TABLE):
        assert db.execute(f"SELECT facets FROM [{table}]").fetchone()[0] == facet_words("hatinh", "2025-06-01")
    assert [r["id"] for r in search(db, "dang uy", filters=Filters(site="hatinh", since="2025-06"))] == [1]
    assert search(db, "dang uy", filters=Filters(since="2024-01", until="2024-01")) == []
    # A new version with a new date.
    save_article(db, Article(url="https://a.vn/1", site="hatinh", title="Đảng ủy họp", published="2023-02-02",
                             text="Đảng ủy xã họp phiên đầu năm."))
    assert [r["id"] for r in search(db, "dang uy", filters=Filters(until="2023"))] == [1]
    assert search(db, "dang uy", filters=Filters(since="2025")) == []


def test_m123_gives_an_older_archives_articles_their_facet_words() -> None:
    db = sqlite_utils.Database(memory=True)
    migrations.apply(db, stop_before="m123_search_facets")
    articles = _random_articles(60, seed=3)
    for article in articles:
        save_article(db, article)  # today's code into the older index, without facet words
    migrations.apply(db)
    for number, article in enumerate(articles, start=1):
        for table in (FTS_TABLE, FTS_EXACT_TABLE):
            assert db.execute(f"SELECT facets FROM [{table}] WHERE rowid = ?", [number]).fetchone()[0] == \
                facet_words(article.site, article.published)
    filters = Filters(site="nghean", since="2024")
    assert search_page(db, "xa", filters=filters, limit=100).total == len(_expected(articles, ["xa"], filters))
    assert [row[0] for row in db.execute(f"SELECT rowid FROM [{FTS_TABLE}] WHERE [{FTS_TABLE}] MATCH ?",
                                         ['{title summary text} : "bai7"'])] == [7]


def test_a_bounded_count_says_more_than_and_pages_on(
    archive: tuple[sqlite_utils.Database, list[Article]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, articles = archive
    monkeypatch.setattr(SEARCH_MODULE, "CANDIDATES", 10)
    everything = search_page(db, "xa", limit=10)
    assert everything.counted_all and everything.total > 40
    bounded = search_page(db, "xa", limit=10, count_limit=20)
    assert not bounded.counted_all and bounded.total == 20 and bounded.has_next
    assert [r["id"] for r in bounded.results] == [r["id"] for r in everything.results]
    # A page past the bound counts to its end, and the last page knows it is the last.
    last_offset = (everything.total - 1) // 10 * 10
    page = search_page(db, "xa", offset=last_offset, limit=10, count_limit=20)
    assert page.counted_all and page.total == everything.total and not page.has_next
    assert [r["id"] for r in page.results] == [
        r["id"] for r in search_page(db, "xa", offset=last_offset, limit=10).results]
    few = search_page(db, "xa", filters=Filters(site="hatinh", since="2025-12"), limit=10, count_limit=20)
    assert few.counted_all and few.total == len(_expected(articles, ["xa"], Filters(site="hatinh", since="2025-12")))


def test_check_names_an_article_whose_facet_words_are_not_its_own() -> None:
    from archive.check import check_archive

    db = open_archive(":memory:")
    for article in _random_articles(5, seed=5):
        save_article(db, article)
    assert check_archive(db).problems == []
    # A date written behind the index's back (no write of the archive does that).
    db.execute("UPDATE articles SET published = '2031-01-01' WHERE id = 2")
    problems = check_archive(db).problems
    assert any(f"{FTS_TABLE}: 1 article(s) indexed with other words" in problem for problem in problems), problems
    assert any(f"{FTS_EXACT_TABLE}: 1 article(s) indexed with other words" in problem for problem in problems)


def _passes(article: Article, filters: Filters) -> bool:
    """The filter of `filters` applied to one record as the filter on `articles` reads it."""
    if filters.site and article.site != filters.site:
        return False
    if (filters.since or filters.until) and article.published is None:
        return False
    if filters.since and article.published < filters.since:  # type: ignore[operator]
        return False
    return not (filters.until and article.published > filters.until + "\uffff")  # type: ignore[operator]


@pytest.fixture(scope="module")
def ranked_archive() -> Iterator[tuple[sqlite_utils.Database, list[Article]]]:
    """Articles whose titles and summaries hold some of the words, so that every test of the ranking
    (phrase, near, title, summary) decides some places."""
    chooser = random.Random(13)
    database = open_archive(":memory:")
    articles = []
    for article in _random_articles(400, seed=13):
        title = " ".join(chooser.choice(WORDS) for _ in range(chooser.randint(1, 5)))
        summary = chooser.choice((None, " ".join(chooser.choice(WORDS) for _ in range(chooser.randint(2, 8)))))
        articles.append(replace(article, title=title, summary=summary))
        save_article(database, articles[-1])
    yield database, articles
    database.close()


@pytest.mark.parametrize("filters", [f for f in FILTERS if f.category is None], ids=lambda filters: repr(filters))
@pytest.mark.parametrize("query", ["dang uy", "xa", '"tinh hop"', "dang uy tinh hop xa", "nong thon"])
def test_a_narrowed_search_ranks_as_the_whole_search_filtered_afterwards(
    ranked_archive: tuple[sqlite_utils.Database, list[Article]], query: str, filters: Filters,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same articles in the same order: the unfiltered search, every match ranked, then the
    filter applied to its results in Python; page by page, and the page's rows with their tiers."""
    db, articles = ranked_archive
    monkeypatch.setattr(SEARCH_MODULE, "CANDIDATES", len(articles))
    whole = search_page(db, query, limit=len(articles), fold=False)
    assert whole.counted_all and whole.total == len(whole.results)
    expected = [result["id"] for result in whole.results if _passes(articles[result["id"] - 1], filters)]
    narrowed = search_page(db, query, filters=filters, limit=len(articles), fold=False)
    assert [result["id"] for result in narrowed.results] == expected
    assert narrowed.total == len(expected)
    # Page by page, and through search() with the window the benchmark's searches use.
    for offset in range(0, len(expected), 7):
        page = search_page(db, query, filters=filters, offset=offset, limit=7, fold=False)
        assert [result["id"] for result in page.results] == expected[offset:offset + 7]
    assert [result["id"] for result in search(db, query, filters=filters, limit=20, fold=False)] == expected[:20]
    by_id = {result["id"]: result for result in whole.results}
    assert [result["snippet"] for result in narrowed.results] == [by_id[i]["snippet"] for i in expected]
