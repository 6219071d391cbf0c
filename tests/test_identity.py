"""Where an edit (a new version) ends and "not this article" begins (archive/identity.py, the
README's "Edits, takedowns and pages that are not the article"), tested on both sides, and what a
refused page leaves in the archive: nothing but its raw page, flagged, and an event."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlite_utils

from archive import open_archive, save_article, search
from archive.identity import Archived, not_this_article
from bench.near import report
from crawler.extract.record import Article, Page
from tests.fixtures import FIXTURES, load_gold

GOLD = FIXTURES / "nghean" / "expected"
URL = "https://nghean.dcs.vn/vi-vn/tin/ban-thuong-vu-tinh-uy-cho-y-kien/1-2-34871"


def gold(article_id: str) -> dict:
    return load_gold(GOLD / f"{article_id}.json")


ARCHIVED = Archived(title=gold("34871")["title"], text=gold("34871")["text"], site_article_id="34871")


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


# --- the line, one page at a time ---------------------------------------------------------------------

EDITS = {
    "a paragraph added at the top": (ARCHIVED.title, "Cập nhật: toàn văn báo cáo được đăng dưới đây.\n\n"
                                     + ARCHIVED.text),
    "the headline corrected": (ARCHIVED.title.replace("cho ý kiến vào", "góp ý"), ARCHIVED.text),
    "a text rewritten under the same headline": (ARCHIVED.title, gold("34858")["text"]),
    "a text cut to its first paragraphs": (ARCHIVED.title, "\n\n".join(paragraphs(ARCHIVED.text)[:2])),
    "a new headline over the same text, a sentence added": (
        "Tỉnh ủy họp bàn báo cáo năm", ARCHIVED.text + "\n\nHội nghị kết thúc trong ngày."),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_an_edit_is_a_version(case: str) -> None:
    title, text = EDITS[case]
    assert not_this_article(ARCHIVED, title, text, "34871") is None, case
    assert not_this_article(ARCHIVED, title, text, None) is None, case


NOT_THIS = {
    "another article of the portal (another id), same title": (ARCHIVED.title, ARCHIVED.text, "34900"),
    "another title over another text": (gold("34858")["title"], gold("34858")["text"], None),
    "another title over a stub": ("Thông báo", "Bài viết đang được cập nhật, mời bạn đọc quay lại sau. "
                                  + paragraphs(ARCHIVED.text)[0][:60], None),
}


@pytest.mark.parametrize("case", sorted(NOT_THIS))
def test_another_page_is_not_this_article(case: str) -> None:
    title, text, site_id = NOT_THIS[case]
    assert not_this_article(ARCHIVED, title, text, site_id) is not None, case


def test_another_districts_report_on_the_same_template_is_not_this_article() -> None:
    import random

    archived = Archived(title="Huyện ủy Kỳ Sơn sơ kết 6 tháng thực hiện Nghị quyết 21",
                        text=report(0, "Kỳ Sơn", 3, random.Random(1)), site_article_id=None)
    other = report(0, "Thanh Chương", 3, random.Random(2))
    reason = not_this_article(archived, "Huyện ủy Thanh Chương sơ kết 6 tháng thực hiện Nghị quyết 21", other, None)
    assert reason is not None
    # The same report with a figure of its headline and its text corrected is a version.
    corrected = archived.text.replace("Nghị quyết số 21-NQ/TW", "Nghị quyết số 21-NQ/TW (khóa XIII)")
    assert not_this_article(archived, archived.title, corrected, None) is None


# --- what the archive does with a refused page -------------------------------------------------------


@pytest.fixture
def db() -> Iterator[sqlite_utils.Database]:
    database = open_archive(":memory:")
    yield database
    database.close()


def page(body: str, url: str = URL) -> Page:
    return Page(url=url, body=f"<html><body>{body}</body></html>".encode(), headers={"Content-Type": "text/html"})


def test_a_refused_page_changes_nothing_but_is_kept_for_audit(db: sqlite_utils.Database) -> None:
    first = save_article(db, Article(url=URL, site="nghean", title=ARCHIVED.title, text=ARCHIVED.text),
                         page=page("v1"), site_article_id="34871", requested_url=URL)
    other = gold("34858")
    # The CMS serves another article at this URL; its canonical link echoes the URL asked for.
    refused = save_article(db, Article(url=URL, site="nghean", title=other["title"], text=other["text"]),
                           page=page("another"), site_article_id="34871", requested_url=URL)
    assert refused.status == "refused" and refused.article_id == first.article_id and refused.version == 1
    assert "another title" in (refused.reason or "")
    row = db.execute("SELECT title, text, last_seen FROM articles WHERE id = ?", [first.article_id]).fetchone()
    assert row[:2] == (ARCHIVED.title, ARCHIVED.text)
    assert db.execute("SELECT count(*) FROM article_versions").fetchone()[0] == 1
    assert [r["id"] for r in search(db, "cho y kien vao du thao")] == [first.article_id]
    assert search(db, "ban chap hanh dang bo tinh lan thu 8") == []
    [(event, reason, raw_page_id)] = db.execute("SELECT event, reason, raw_page_id FROM article_events").fetchall()
    assert (event, reason) == ("not_this_article", "not_this_article")
    assert db.execute("SELECT refused, article_id FROM raw_pages WHERE id = ?", [raw_page_id]).fetchone() == (
        "not_this_article", first.article_id)
    # An edit at the same URL afterwards is a version as ever.
    edited = save_article(db, Article(url=URL, site="nghean", title=ARCHIVED.title,
                                      text=ARCHIVED.text + "\n\nĐã cập nhật."),
                          page=page("v2"), site_article_id="34871", requested_url=URL)
    assert edited.status == "updated" and edited.version == 2


def test_a_url_that_now_shows_another_archived_article_is_refused(db: sqlite_utils.Database) -> None:
    other_url = "https://nghean.dcs.vn/vi-vn/tin/hoi-nghi/1-2-34858"
    first = save_article(db, Article(url=URL, site="nghean", title=ARCHIVED.title, text=ARCHIVED.text),
                         site_article_id="34871", requested_url=URL)
    second = save_article(db, Article(url=other_url, site="nghean", title=gold("34858")["title"],
                                      text=gold("34858")["text"]), site_article_id="34858", requested_url=other_url)
    # 34871's URL redirects to 34858, or serves its page (rel=canonical 34858): neither article changes.
    moved = save_article(db, Article(url=other_url, site="nghean", title=gold("34858")["title"],
                                     text=gold("34858")["text"] + "\n\nThêm."),
                         page=page("moved", other_url), site_article_id="34858", requested_url=URL)
    assert moved.status == "refused" and moved.article_id == first.article_id
    assert f"archived article {second.article_id}" in (moved.reason or "")
    assert db.execute("SELECT count(*) FROM article_versions").fetchone()[0] == 2
    # The page's own URL, fetched as itself, is that article's, as before.
    again = save_article(db, Article(url=other_url, site="nghean", title=gold("34858")["title"],
                                     text=gold("34858")["text"]), site_article_id="34858", requested_url=other_url)
    assert again.status == "duplicate" and again.article_id == second.article_id


def test_a_first_sight_is_never_refused(db: sqlite_utils.Database) -> None:
    # Unknown URL, unknown id: a new article, whatever it looks like.
    result = save_article(db, Article(url=URL, site="nghean", title="Thông báo", text="Nội dung ngắn. " * 10),
                          site_article_id="34871", requested_url=URL)
    assert result.status == "new"
