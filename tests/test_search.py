"""Searching the archive without diacritics, and what a user's query may and may not do."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest
import sqlite_utils

from archive import SearchError, open_archive, save_article, search
from archive.query.filters import Filters
from archive.query.search import parse_query, snippet, to_fts_expression
from crawler.extract.record import Article

FILLER = " ".join(f"từ{n}" for n in range(60))


@pytest.fixture
def db() -> Iterator[sqlite_utils.Database]:
    database = open_archive(":memory:")
    articles = [
        Article(
            url="https://nghean.dcs.vn/tin/1.html",
            site="nghean",
            title="Hội nghị Ban Chấp hành lần thứ 15",
            text=f"{FILLER}\n\nSáng nay, Ban Thường vụ Đảng ủy Khối cơ quan tỉnh Nghệ An họp. {FILLER}",
            published="2024-07-08T11:38:00+07:00",
        ),
        Article(
            url="https://hatinh.dcs.vn/tin/2.html",
            site="hatinh",
            title="Giá lúa gạo tăng ở đồng bằng",
            text="Nông dân phấn khởi vì giá lúa tăng. Thời tiết nắng đẹp.",
            summary="Tin kinh tế.",
        ),
        Article(
            url="https://hatinh.dcs.vn/tin/3.html",
            site="hatinh",
            title="Đảng ủy xã Thạch Hà tổng kết năm",
            text="Hội nghị tổng kết công tác năm 2023.",
        ),
    ]
    for article in articles:
        save_article(database, article)
    yield database
    database.close()


def ids(results: list[dict[str, object]]) -> list[object]:
    return [result["id"] for result in results]


def test_query_without_diacritics_finds_dang_uy(db: sqlite_utils.Database) -> None:
    results = search(db, "dang uy")
    # Article 3 has it in its title, which weighs more than article 1's body.
    assert ids(results) == [3, 1]
    assert set(results[0]) == {"id", "url", "title", "published", "site", "category", "author", "removed",
                               "near_duplicate_of", "position", "similar", "snippet"}
    assert results[0]["removed"] is None and results[0]["similar"] == []
    assert results[1]["url"] == "https://nghean.dcs.vn/tin/1.html"


def test_nghe_an_finds_nghe_an_with_diacritics(db: sqlite_utils.Database) -> None:
    assert ids(search(db, "Nghe An")) == [1]
    assert ids(search(db, '"nghe an"')) == [1]


def test_query_with_diacritics_and_nfd_query_find_nfc_text(db: sqlite_utils.Database) -> None:
    assert ids(search(db, "Nghệ An")) == [1]
    nfd = unicodedata.normalize("NFD", "Thường vụ")
    assert nfd != unicodedata.normalize("NFC", nfd)
    assert ids(search(db, nfd)) == [1]


def test_folded_query_does_not_match_unrelated_text(db: sqlite_utils.Database) -> None:
    # "dong bang" (đồng bằng) is in article 2 only; "dang" is not in it.
    assert ids(search(db, "dong bang")) == [2]
    assert 2 not in ids(search(db, "dang uy"))
    assert search(db, "Quang Binh") == []
    # A phrase needs its words together: both words are in article 1, apart.
    assert ids(search(db, "ban nghe")) == [1]
    assert search(db, '"ban nghe"') == []


def test_snippet_is_original_text_around_first_match(db: sqlite_utils.Database) -> None:
    results = search(db, '"dang uy" nghe')
    assert ids(results) == [1]
    result = results[0]
    text_snippet = str(result["snippet"])
    assert "[Đảng ủy]" in text_snippet
    assert "[Nghệ] An" in text_snippet
    assert text_snippet.startswith("… ") and text_snippet.endswith(" …")
    words = text_snippet.replace("[", "").replace("]", "").split()
    assert len([w for w in words if w != "…"]) == 30
    assert "\n" not in text_snippet


def test_title_only_match_snippet_shows_title(db: sqlite_utils.Database) -> None:
    assert search(db, '"thach ha"')[0]["snippet"] == "Đảng ủy xã [Thạch Hà] tổng kết năm"
    assert search(db, "thach ha")[0]["snippet"] == "Đảng ủy xã [Thạch] [Hà] tổng kết năm"


def test_site_filter_and_limit(db: sqlite_utils.Database) -> None:
    assert ids(search(db, "dang uy", site="nghean")) == [1]
    assert ids(search(db, "dang uy", site="quangbinh")) == []
    assert ids(search(db, "dang uy", limit=1)) == [3]
    with pytest.raises(SearchError):
        search(db, "dang", limit=0)


def test_updated_article_is_reindexed(db: sqlite_utils.Database) -> None:
    result = save_article(
        db,
        Article(
            url="https://hatinh.dcs.vn/tin/2.html", site="hatinh", title="Giá cà phê giảm", text="Giá cà phê giảm mạnh."
        ),
    )
    assert result.status == "updated"
    assert search(db, "lua gao") == []
    assert ids(search(db, "ca phe")) == [2]


@pytest.mark.parametrize(
    "query",
    ['"dang uy', 'dang "uy" "', "", "   ", "-", "***", '""', "AND", "OR", "dang OR uy", "NOT dang", "NEAR"],
)
def test_malformed_query_raises_search_error(db: sqlite_utils.Database, query: str) -> None:
    with pytest.raises(SearchError) as raised:
        search(db, query)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    "query",
    [
        "title:dang",
        "NEAR(dang uy)",
        "dang*",
        "^dang",
        "dang) (uy",
        "'; DROP TABLE articles; --",
        "{title} : uy",
        "dang AND uy",
    ],
)
def test_fts_syntax_in_user_input_is_only_text(db: sqlite_utils.Database, query: str) -> None:
    results = search(db, query)
    assert isinstance(results, list)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 3


def test_column_filter_syntax_is_searched_as_words(db: sqlite_utils.Database) -> None:
    # "title:dang" is not a column filter: it is the two words "title" and "dang".
    assert search(db, "title:dang") == []
    assert ids(search(db, "dang AND uy")) == [3, 1]


def test_parse_query_folds_terms_and_keeps_phrases() -> None:
    assert parse_query('Đảng ủy "Nghệ  An"') == ["dang", "uy", "nghe an"]
    # Looked for in the text columns only, not among the facet words (archive/facets.py).
    assert to_fts_expression(["dang", "nghe an"]) == '{title summary text} : ("dang" AND "nghe an")'


def test_snippet_brackets_every_match_in_window() -> None:
    text = "Đảng ủy tỉnh họp.\n\nĐảng ủy xã cũng họp."
    assert snippet(text, [(0, 7), (19, 26)]) == "[Đảng ủy] tỉnh họp. [Đảng ủy] xã cũng họp."
    assert snippet(text, []) == "Đảng ủy tỉnh họp. Đảng ủy xã cũng họp."


# --- ranking: the words together first --------------------------------------------------------


def test_phrase_then_near_then_scattered_words() -> None:
    database = open_archive(":memory:")
    def filler(word: str) -> str:
        return " ".join(f"{word}{n}" for n in range(60))

    scattered = Article(
        url="https://a.vn/1", site="nghean", title="Tỉnh ủy họp bàn nhiều việc về công tác Đảng",
        text="Tỉnh ủy Nghệ An họp. " + filler("một") + " Công tác xây dựng Đảng được bàn.",
    )
    near = Article(url="https://a.vn/2", site="nghean", title="Sinh hoạt chi bộ",
                   text=f"{filler('hai')} Đảng bộ xã và Ủy ban nhân dân cùng làm. {filler('ba')}")
    phrase = Article(url="https://a.vn/3", site="nghean", title="Sinh hoạt chi bộ ở xã",
                     text=f"{filler('bốn')} Đảng ủy xã họp. {filler('năm')}")
    for article in (scattered, near, phrase):
        save_article(database, article)
    # The scattered article has both words in its title, which bm25 alone would rank first.
    assert ids(search(database, "dang uy")) == [3, 2, 1]
    database.close()


# --- exact diacritics ---------------------------------------------------------------------------


def test_exact_matching_keeps_diacritics(db: sqlite_utils.Database) -> None:
    save_article(db, Article(url="https://a.vn/4", site="nghean", title="Đăng ký cư trú", text="Người dân đăng ký."))
    assert sorted(ids(search(db, "dang"))) == [1, 3, 4]
    assert sorted(ids(search(db, "Đảng", exact=True))) == [1, 3]
    assert ids(search(db, "đăng", exact=True)) == [4]
    assert search(db, "dang", exact=True) == []
    # Case still does not matter, and an NFD query is the same query.
    assert sorted(ids(search(db, unicodedata.normalize("NFD", "ĐẢNG ỦY"), exact=True))) == [1, 3]
    snippet_text = search(db, '"Nghệ An"', exact=True)[0]["snippet"]
    assert "[Nghệ An]" in snippet_text


def test_exact_index_follows_a_new_version_and_a_retitled_fetch(db: sqlite_utils.Database) -> None:
    url = "https://nghean.dcs.vn/vi-vn/tin/hoi-nghi/1-2-9"
    text = "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ mười ba bàn nhiệm vụ năm 2025."
    first = save_article(db, Article(url=url, site="nghean", title="Hội nghị lần thứ mười ba", text=text))
    # The same text fetched again at its URL under a corrected heading: the row's metadata is
    # refreshed, and the exact index with it.
    save_article(db, Article(url=url, site="nghean", title="Hội nghị Tỉnh ủy khóa mới", text=text), fetched_url=url)
    assert ids(search(db, "khóa", exact=True)) == [first.article_id]
    assert search(db, "mười", exact=True) and search(db, "mười", exact=True)[0]["title"] == "Hội nghị Tỉnh ủy khóa mới"
    # A new version: its words are found, the old version's only words are not.
    save_article(db, Article(url=url, site="nghean", title="Hội nghị Tỉnh ủy khóa mới", text=text + " Bổ sung."))
    assert ids(search(db, "Bổ sung", exact=True)) == [first.article_id]
    rows = db.execute("SELECT rowid, title, text FROM articles_fts_exact").fetchall()
    assert rows == db.execute("SELECT id, title, text FROM articles").fetchall()


# --- filters -----------------------------------------------------------------------------------


def test_filters_category_author_and_published_range() -> None:
    database = open_archive(":memory:")
    rows = [
        ("2023-12-30T08:00:00+07:00", "Xây dựng Đảng", "Quang Minh"),
        ("2024-01-15T08:00:00+07:00", "Chính quyền", "Thành Duy - Hoài Thu"),
        ("2024-07-08", "Xây dựng Đảng", None),
    ]
    for number, (published, category, author) in enumerate(rows, start=1):
        save_article(database, Article(
            url=f"https://a.vn/{number}", site="nghean", title=f"Đảng ủy họp lần {number}",
            text=f"Nội dung {number}.", published=published, category=category, author=author,
        ))
    # Each title holds the phrase: the same tier and field, so newest first.
    assert ids(search(database, "dang uy", filters=Filters(category="xay dung dang"))) == [3, 1]
    assert ids(search(database, "dang uy", filters=Filters(author="hoai thu"))) == [2]
    assert ids(search(database, "dang uy", filters=Filters(since="2024"))) == [3, 2]
    assert ids(search(database, "dang uy", filters=Filters(until="2024-01"))) == [2, 1]
    assert ids(search(database, "dang uy", filters=Filters(since="2024-01-16", until="2024-07-08"))) == [3]
    with pytest.raises(SearchError, match="YYYY-MM-DD"):
        search(database, "dang uy", filters=Filters(since="15/01/2024"))
    database.close()
