"""The bounded ranking plan: every match ranked by tier (phrase, near, the rest), then title, then
summary, then newest, up to CANDIDATES matches (or as many as asked for), the newest CANDIDATES
beyond; filters applied before the bound;
re-posts folded under an original that is among the results, never left out; the browser UI's
query ranks as the CLI does."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
import sqlite_utils

from archive import open_archive, save_article, search
from archive.query.filters import Filters
from archive.query.search import search_page
from archive.query.ui import SEARCH_LIMIT, SEARCH_SQL, register_functions
from crawler.extract.record import Article

# `archive.search` is also the name of the function archive/__init__.py exports.
SEARCH_MODULE = importlib.import_module("archive.query.search")


def filler(word: str, count: int = 40) -> str:
    return " ".join(f"{word}{n}" for n in range(count))


def ids(results: list[dict[str, object]]) -> list[object]:
    return [result["id"] for result in results]


# (title, text, published): saved in this order, so the id is the position + 1.
ARTICLES = [
    # 1, the oldest: the phrase in its title, which ranks it first over every match.
    ("Đảng ủy tỉnh họp phiên đầu năm", f"{filler('a')} Đảng ủy tỉnh họp. {filler('b')}", "2023-01-05"),
    # 2: the words only apart.
    ("Tin tức trong tuần", f"Tỉnh ủy họp. {filler('c')} Công tác Đảng.", "2023-03-01"),
    # 3: the phrase in the text.
    ("Sinh hoạt chi bộ", f"{filler('d')} Đảng ủy xã họp. {filler('e')}", "2023-06-01"),
    # 4: the words apart, both in the title.
    ("Ủy ban nhân dân tỉnh bàn kế hoạch năm mới về công tác Đảng", f"Ủy ban họp. {filler('f')} Công tác Đảng.",
     "2024-01-01"),
    # 5: the words near each other in the text.
    ("Hội nghị cán bộ", f"{filler('g')} Đảng bộ và Ủy ban cùng làm. {filler('h')}", "2024-02-01"),
    # 6, the newest: the phrase in the text.
    ("Tổng kết năm", f"{filler('i')} Đảng ủy khối họp. {filler('j')}", "2024-03-01"),
]


@pytest.fixture
def db() -> Iterator[sqlite_utils.Database]:
    database = open_archive(":memory:")
    for number, (title, text, published) in enumerate(ARTICLES, start=1):
        save_article(database, Article(
            url=f"https://nghean.dcs.vn/tin/{number}.html", site="nghean" if number != 2 else "hatinh",
            title=title, text=text, published=published,
        ))
    yield database
    database.close()


def test_up_to_candidates_every_match_is_ranked_by_tier_then_title(db: sqlite_utils.Database) -> None:
    # Phrase (1: in the title, before 3 and 6), then near (5), then the rest (4: title, before 2).
    assert ids(search(db, "dang uy")) == [1, 6, 3, 5, 4, 2]


def test_more_matches_than_candidates_ranks_the_newest_by_tier_title_then_age(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SEARCH_MODULE, "CANDIDATES", 4)
    # The four newest (3-6): phrase (6 newer than 3), near (5), then the rest (4).
    assert ids(search(db, "dang uy", limit=4)) == [6, 3, 5, 4]
    assert ids(search(db, "dang uy", limit=2)) == [6, 3]
    monkeypatch.setattr(SEARCH_MODULE, "CANDIDATES", 2)
    # Asking for more results than CANDIDATES ranks as many as asked for.
    assert ids(search(db, "dang uy", limit=4)) == [6, 3, 5, 4]
    assert ids(search(db, "dang uy", limit=6)) == [1, 6, 3, 5, 4, 2]


# SCAN_FACTOR 1: the filters pass none of the newest matches looked up one by one, so the older
# ones are checked against the set of articles that pass; 100: every match is looked up.
@pytest.mark.parametrize("scan_factor", [1, 100])
def test_filters_apply_before_the_bound(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch, scan_factor: int
) -> None:
    monkeypatch.setattr(SEARCH_MODULE, "CANDIDATES", 2)
    monkeypatch.setattr(SEARCH_MODULE, "SCAN_FACTOR", scan_factor)
    assert ids(search(db, "dang uy", limit=2)) == [6, 5]
    # The older articles stay reachable: the bound counts only matches that pass the filters.
    assert ids(search(db, "dang uy", limit=2, filters=Filters(until="2023"))) == [3, 2]
    assert ids(search(db, "dang uy", limit=2, filters=Filters(until="2023-03"))) == [1, 2]
    assert ids(search(db, "dang uy", limit=2, site="hatinh")) == [2]
    assert ids(search(db, "dang uy", limit=2, site="quangbinh")) == []
    # A filter that passes most matches: found among the newest.
    assert ids(search(db, "dang uy", limit=2, site="nghean")) == [6, 5]
    assert ids(search(db, "dang uy", limit=1, filters=Filters(until="2023"))) == [3]


def test_a_repost_is_folded_under_its_original_only_when_the_original_is_a_result(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    db.execute("UPDATE articles SET near_duplicate_of = 1 WHERE id IN (5, 6)")
    # Every match ranked (1, 6, 3, 5, 4, 2): 6 and 5 under 1, which matches too.
    results = search(db, "dang uy")
    assert ids(results) == [1, 3, 4, 2]
    assert [similar["id"] for similar in results[0]["similar"]] == [6, 5]
    assert results[0]["similar"][0]["url"] == "https://nghean.dcs.vn/tin/6.html"
    assert ids(search(db, "dang uy", fold=False)) == [1, 6, 3, 5, 4, 2]
    # The original beyond the newest CANDIDATES: the re-posts stand as themselves, never hidden.
    monkeypatch.setattr(SEARCH_MODULE, "CANDIDATES", 2)
    results = search(db, "dang uy", limit=2)
    assert ids(results) == [6, 5]
    assert all(result["similar"] == [] and result["near_duplicate_of"] == 1 for result in results)
    monkeypatch.setattr(SEARCH_MODULE, "CANDIDATES", 1000)
    # A filter the original does not pass (published 2023): the re-posts are not hidden behind it.
    assert ids(search(db, "dang uy", filters=Filters(since="2024"))) == [6, 5, 4]
    # Nor a query the original does not match ("khoi" is only in 6).
    assert ids(search(db, "dang uy khoi")) == [6]


def test_a_folded_group_takes_the_place_of_its_best_ranked_member(db: sqlite_utils.Database) -> None:
    # 6 ranks second, its original 2 last: the original is shown second, with 6 under it.
    db.execute("UPDATE articles SET near_duplicate_of = 2 WHERE id = 6")
    results = search(db, "dang uy")
    assert ids(results) == [1, 2, 3, 5, 4]
    assert [similar["id"] for similar in results[1]["similar"]] == [6]
    # A re-post of a re-post: folded under the article it re-posts only when that one is shown itself.
    db.execute("UPDATE articles SET near_duplicate_of = 6 WHERE id = 3")
    results = search(db, "dang uy")
    assert ids(results) == [1, 2, 3, 5, 4]
    assert results[2]["near_duplicate_of"] == 6 and results[2]["similar"] == []


def test_snippets_of_the_bounded_plan_come_from_the_returned_rows(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SEARCH_MODULE, "CANDIDATES", 2)
    results = search(db, "dang uy", limit=2)
    assert ids(results) == [6, 5]
    assert "[Đảng] [ủy] khối họp" in results[0]["snippet"]
    assert "[Đảng] bộ và [Ủy] ban" in results[1]["snippet"]
    exact = search(db, "Đảng ủy", exact=True, limit=2)
    assert ids(exact) == [6, 5] and "[Đảng] [ủy] khối họp" in exact[0]["snippet"]


def test_no_match_and_a_word_in_one_article(db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SEARCH_MODULE, "CANDIDATES", 2)
    assert search(db, "quang binh", limit=2) == []
    assert ids(search(db, "chi bo", limit=2)) == [3]


def ui_search(db: sqlite_utils.Database, query: str) -> list[int]:
    register_functions(db.conn)
    return [row[0] for row in db.execute(SEARCH_SQL, {"q": query}).fetchall()]


def test_the_browser_query_ranks_as_the_cli(db: sqlite_utils.Database) -> None:
    db.execute("UPDATE articles SET near_duplicate_of = 3 WHERE id = 6")
    # The JSON query lists every match as a row (the re-post saying what it re-posts): the CLI's
    # order, unfolded.
    for query in ("dang uy", "Đảng ủy", '"dang uy"', "ban hop", "quang binh"):
        assert ui_search(db, query) == ids(search(db, query, limit=SEARCH_LIMIT, fold=False))
    assert ui_search(db, "dang uy") == [1, 6, 3, 5, 4, 2]
    # Folded, the re-post 6 is under its original 3, in the place of the better ranked of the two.
    assert ids(search(db, "dang uy", limit=SEARCH_LIMIT)) == [1, 3, 5, 4, 2]
    # An unusable query matches nothing rather than failing.
    assert ui_search(db, '"') == [] and ui_search(db, "") == []


def test_within_a_tier_title_then_summary_then_newest(monkeypatch: pytest.MonkeyPatch) -> None:
    database = open_archive(":memory:")
    apart = "Ủy ban nhân dân tỉnh bàn kế hoạch năm mới về công tác Đảng"
    rows = [
        # (title, summary): every text has the words apart, so every article is in the last tier.
        ("Tin trong ngày", None),
        (apart, None),
        ("Tin trong tuần", apart),
        ("Tin trong tháng", None),
        ("Tin trong năm", None),
    ]
    for number, (title, summary) in enumerate(rows, start=1):
        save_article(database, Article(url=f"https://a.vn/{number}", site="nghean", title=title,
                                       summary=summary, text=f"Ủy ban. {filler(chr(96 + number))} Đảng."))
    monkeypatch.setattr(SEARCH_MODULE, "CANDIDATES", 5)
    # Every match (within the bound): the title first, then the summary, then the newest.
    assert ids(search(database, "dang uy", limit=5)) == [2, 3, 5, 4, 1]
    monkeypatch.setattr(SEARCH_MODULE, "CANDIDATES", 4)
    # Beyond the bound, the newest four (2-5): the title first, then the summary, then the newest.
    assert ids(search(database, "dang uy", limit=4)) == [2, 3, 5, 4]
    database.close()


def test_dates_are_read_through_indexes_not_passes_over_the_whole_archive(db: sqlite_utils.Database) -> None:
    """At national scale a pass over every article to compare its date cost more than the rest of a
    search: none is made."""
    from archive.query.search import parse_query, ranking_expressions, search_sql, to_fts_expression
    from archive.schema import FTS_TABLE

    terms = parse_query("dang uy")
    phrase, near = ranking_expressions(terms)
    for filters in (Filters(), Filters(since="2023-02", until="2023-06"), Filters(site="x", until="2024")):
        where, params = filters.where()
        sql = search_sql(fts_table=FTS_TABLE, match=":expression", phrase=":phrase", near=":near", where=where,
                         limit=":limit")
        params.update(expression=to_fts_expression(terms), phrase=phrase, near=near, limit=20)
        plan = [row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
        assert not [step for step in plan if step.split()[:2] == ["SCAN", "articles"]], plan


@pytest.mark.parametrize(("until", "inside", "outside"), [
    ("2023-06", "2023-06-30T23:59:00+07:00", "2023-07-01T00:00:00+07:00"),
    ("2023", "2023-12-31", "2024-01-01T00:00:00+07:00"),
    ("2023-06-01", "2023-06-01T23:59:00+07:00", "2023-06-02"),
])
def test_until_takes_the_whole_day_month_or_year(until: str, inside: str, outside: str) -> None:
    db = open_archive(":memory:")
    for number, published in enumerate((inside, outside), start=1):
        save_article(db, Article(url=f"https://x.vn/{number}", site="x", title=f"Đảng ủy {number}",
                                 text=f"Đảng ủy họp lần {number}.", published=published))
    assert [hit["published"] for hit in search(db, "dang uy", filters=Filters(until=until))] == [inside]
    db.close()


def _one_statement(db: sqlite_utils.Database, query: str, filters: Filters, limit: int, offset: int = 0) -> list[int]:
    """search_sql() as the browser's canned query runs it: the plan in one statement."""
    prepared = SEARCH_MODULE._prepare(db, query, filters, False)
    sql = SEARCH_MODULE.search_sql(
        fts_table=prepared.fts_table, match=":expression", phrase=":phrase", near=":near", where=prepared.where,
        limit=":limit", offset=":offset", candidates=SEARCH_MODULE.CANDIDATES, facets=prepared.facets,
    )
    return [row[0] for row in db.execute(sql, {**prepared.params, "limit": limit, "offset": offset})]


@pytest.mark.parametrize(("candidates", "scan_factor"), [(1000, 4), (7, 4), (7, 1), (3, 100)])
def test_the_plan_in_steps_ranks_as_the_plan_in_one_statement(
    monkeypatch: pytest.MonkeyPatch, candidates: int, scan_factor: int
) -> None:
    import random

    chooser = random.Random(23)
    words = ("Đảng", "ủy", "tỉnh", "họp", "xã", "nông", "thôn")
    database = open_archive(":memory:")
    for number in range(1, 121):
        def line(count: int) -> str:
            return " ".join(chooser.choice(words) for _ in range(count))

        save_article(database, Article(
            url=f"https://a.vn/{number}", site=chooser.choice(("nghean", "hatinh", "thanhhoa.dcs.vn")),
            title=line(3), summary=chooser.choice((None, line(5))), text=f"{line(14)} bai{number}",
            published=f"{chooser.choice((2023, 2024))}-{chooser.randint(1, 12):02d}-10",
            category=chooser.choice(("Xây dựng Đảng", "Chính quyền")),
        ))
    monkeypatch.setattr(SEARCH_MODULE, "CANDIDATES", candidates)
    monkeypatch.setattr(SEARCH_MODULE, "SCAN_FACTOR", scan_factor)
    queries = ("dang uy", "tinh", '"dang uy"', "uy tinh hop", '"nong thon" xa', "bai7")
    filters = (Filters(), Filters(site="hatinh"), Filters(since="2024-03", until="2024-09"),
               Filters(site="nghean", until="2023"), Filters(category="chinh quyen"))
    compared = 0
    for query in queries:
        for chosen in filters:
            for limit, offset in ((5, 0), (20, 0), (candidates, 0), (3, 4)):
                expected = _one_statement(database, query, chosen, limit, offset)
                page = search_page(database, query, filters=chosen, limit=limit, offset=offset, fold=False)
                if offset + limit <= candidates:
                    assert [result["id"] for result in page.results] == expected, (query, chosen, limit, offset)
                if offset == 0:
                    assert ids(search(database, query, filters=chosen, limit=limit, fold=False)) == _one_statement(
                        database, query, chosen, limit)
                compared += bool(expected)
    assert compared > 40  # most cases find something: the comparison is not of empty lists
    database.close()
