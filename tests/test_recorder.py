"""Items written in groups without savepoints: one failing item is left out alone and counted once,
whatever its place in the group, and the group's other items are archived as if written one by one."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import crawler.apply.recorder
from archive import open_archive, start_run
from archive.crawlstate import load_plan
from archive.query.history import article_history
from crawler.apply.items import CrawlError, FetchedArticle, ListingRead
from crawler.apply.recorder import Recorder
from crawler.extract.record import Article, Page

SITE = "https://nghean.dcs.vn/vi-vn/tin"


def fetched(n: int) -> FetchedArticle:
    url = f"{SITE}/bai-{n}/1-2-{n}"
    text = f"Bài số {n}: Ban Thường vụ Đảng ủy xã họp phiên thường kỳ tháng {n}, bàn nhiệm vụ trọng tâm."
    page = Page(url=url, body=f"<html><body><p>{text}</p></body></html>".encode())
    return FetchedArticle(page=page, article=Article(url=url, site="nghean", title=f"Bài {n}", text=text), url=url,
                          site_article_id=str(n))


def recorder(tmp_path: Path) -> Recorder:
    path = tmp_path / "a.db"
    db = open_archive(path)
    run_id = start_run(db, "nghean")
    db.close()
    return Recorder(str(path), "nghean", run_id)


def archived(tmp_path: Path) -> list[str]:
    connection = sqlite3.connect(tmp_path / "a.db")
    return [row[0] for row in connection.execute("SELECT title FROM articles ORDER BY id")]


def fetched_urls(tmp_path: Path) -> set[str]:
    connection = sqlite3.connect(tmp_path / "a.db")
    return {row[0] for row in connection.execute("SELECT url FROM crawl_state WHERE fetched IS NOT NULL")}


@pytest.mark.parametrize("failing", [1, 3, 5])
def test_a_failing_save_is_left_out_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int) -> None:
    real = crawler.apply.recorder.save_article

    def save(db: Any, article: Article, **kwargs: Any) -> Any:
        result = real(db, article, **kwargs)  # half-written when it then fails
        if article.title == f"Bài {failing}":
            raise sqlite3.IntegrityError("a save that fails after writing")
        return result

    monkeypatch.setattr(crawler.apply.recorder, "save_article", save)
    writer = recorder(tmp_path)
    for n in range(1, 6):
        writer.apply(fetched(n))
    writer.apply(ListingRead(f"{SITE}/../chuyen-muc/x/1-2", 200, [(f"{SITE}/bai-9/1-2-9", "article")]))
    assert writer.pending == 6
    writer.commit()
    for n in range(6, 8):  # the next group is written without savepoints again
        writer.apply(fetched(n))
    status = writer.finish(reason="finished", pages=8, errors={})
    writer.close()
    assert archived(tmp_path) == [f"Bài {n}" for n in range(1, 8) if n != failing]
    # The failed article's URL is not marked fetched: the next run fetches it again.
    assert fetched(failing).url not in fetched_urls(tmp_path)
    assert {fetched(n).url for n in range(1, 8) if n != failing} <= fetched_urls(tmp_path)
    run = sqlite3.connect(tmp_path / "a.db").execute("SELECT status, new, errors_json FROM runs").fetchone()
    assert run == ("errors", 6, '{"save_failed": 1}')
    assert status == "errors"


def test_a_group_is_written_in_one_transaction_without_savepoints(tmp_path: Path) -> None:
    writer = recorder(tmp_path)
    statements: list[str] = []
    writer.db.conn.set_trace_callback(statements.append)
    for n in range(1, 4):
        writer.apply(fetched(n))
    writer.apply(CrawlError(f"{SITE}/loi/1-2-404", "http_404", status=404))
    writer.commit()
    writer.db.conn.set_trace_callback(None)
    assert sum(s.startswith("BEGIN") for s in statements) == 1
    assert sum(s.startswith("COMMIT") for s in statements) == 1
    assert not any("SAVEPOINT" in s for s in statements)
    status = writer.finish(reason="finished", pages=4, errors={"bad_manifest_entry": 1})
    writer.close()
    assert status == "errors"
    run = sqlite3.connect(tmp_path / "a.db").execute("SELECT new, errors, errors_json FROM runs").fetchone()
    assert run == (3, 2, '{"bad_manifest_entry": 1, "http_404": 1}')


def _relative(n: int) -> FetchedArticle:
    """An article whose page said only "Cách đây 2 Ngày" at 09:30 on 16/06/2025: the 13th or the 14th."""
    item = fetched(n)
    item.article = replace(item.article, published="2025-06-13", published_range="2025-06-13/2025-06-14")
    return item


def _dates(tmp_path: Path) -> list[tuple[str, str | None]]:
    connection = sqlite3.connect(tmp_path / "a.db")
    return connection.execute("SELECT published, published_range FROM articles ORDER BY id").fetchall()


@pytest.mark.parametrize("feed_first", [True, False])
def test_a_page_that_shows_only_how_long_ago_is_dated_by_its_feed_whichever_comes_first(
    tmp_path: Path, feed_first: bool
) -> None:
    # The spider reads pages as they come: an article linked from the home page is often fetched
    # before the feed that dates it, or handed over later (held while its URL shape was on trial).
    item = _relative(1)
    feed = ListingRead(f"{SITE}/rss", 200, [], kind="feed", dates={item.url: "2025-06-14T02:00:00+00:00"})
    writer = recorder(tmp_path)
    for each in ([feed, item] if feed_first else [item, feed]):
        writer.apply(each)
    writer.commit()
    writer.finish(reason="finished", pages=2, errors={})
    assert _dates(tmp_path) == [("2025-06-14T09:00:00+07:00", None)]


def test_a_feed_time_outside_the_pages_window_leaves_its_day(tmp_path: Path) -> None:
    item = _relative(1)
    writer = recorder(tmp_path)
    writer.apply(item)
    writer.apply(ListingRead(f"{SITE}/rss", 200, [], kind="feed", dates={item.url: "2025-06-16T01:00:00+00:00"}))
    writer.commit()
    writer.finish(reason="finished", pages=2, errors={})
    assert _dates(tmp_path) == [("2025-06-13", "2025-06-13/2025-06-14")]


ASKED = "https://nghean.dcs.vn/Default.aspx?tabid=110&NewsID=4"


def redirected_then(tmp_path: Path, *gone: str) -> sqlite3.Connection:
    """The crawl asked for the physical path ASKED and was redirected to article 4's friendly URL;
    in a later run each of `gone` answers 404."""
    writer = recorder(tmp_path)
    writer.apply(replace(fetched(4), url=ASKED))
    writer.commit()
    writer.finish(reason="finished", pages=1, errors={})
    writer.close()
    for url in gone:
        db = open_archive(tmp_path / "a.db")
        run_id = start_run(db, "nghean")
        db.close()
        later = Recorder(str(tmp_path / "a.db"), "nghean", run_id)
        later.apply(CrawlError(url, "http_404", status=404), run_id)
        later.commit()
        later.close()
    return sqlite3.connect(tmp_path / "a.db")


def test_a_url_that_redirected_to_an_article_is_one_of_its_addresses_in_later_runs(tmp_path: Path) -> None:
    connection = redirected_then(tmp_path)
    assert connection.execute("SELECT url, redirected FROM article_urls ORDER BY url").fetchall() == [
        (ASKED, 1), (f"{SITE}/bai-4/1-2-4", 0)]


def test_a_dead_redirect_to_a_live_article_does_not_take_it_down(tmp_path: Path) -> None:
    # The portal dropped its old addresses' redirects and kept the article: the physical path that
    # only ever redirected to it answering 404 (twice, on two runs) says nothing of the article.
    # It is kept in its history once, and the article's own URL is due, to decide by what it answers.
    own = f"{SITE}/bai-4/1-2-4"
    connection = redirected_then(tmp_path, ASKED, ASKED)
    assert connection.execute("SELECT removed FROM articles").fetchall() == [(None,)]
    assert connection.execute("SELECT event, reason, url FROM article_events").fetchall() == [
        ("redirect_gone", "http_404", ASKED)]
    assert connection.execute("SELECT sum(removed), sum(removals) FROM site_counts").fetchone() == (0, 0)
    db = open_archive(tmp_path / "a.db")
    assert load_plan(db, "nghean").is_due(own)
    assert article_history(db, 1)["redirects"] == [ASKED]
    db.close()


def test_an_article_whose_own_url_answers_404_is_removed_though_a_redirect_leads_to_it(tmp_path: Path) -> None:
    own = f"{SITE}/bai-4/1-2-4"
    connection = redirected_then(tmp_path, ASKED, own)
    assert connection.execute("SELECT removed IS NOT NULL FROM articles").fetchall() == [(1,)]
    assert connection.execute("SELECT event, url FROM article_events ORDER BY id").fetchall() == [
        ("redirect_gone", ASKED), ("removed", own)]


def test_a_redirect_that_leads_to_the_article_again_is_back_in_its_history(tmp_path: Path) -> None:
    connection = redirected_then(tmp_path, ASKED)
    connection.close()
    db = open_archive(tmp_path / "a.db")
    run_id = start_run(db, "nghean")
    db.close()
    later = Recorder(str(tmp_path / "a.db"), "nghean", run_id)
    later.apply(replace(fetched(4), url=ASKED), run_id)
    later.apply(CrawlError(ASKED, "http_404", status=404), run_id)
    later.commit()
    later.close()
    connection = sqlite3.connect(tmp_path / "a.db")
    assert [row[0] for row in connection.execute("SELECT event FROM article_events ORDER BY id")] == [
        "redirect_gone", "redirect_back", "redirect_gone"]
    assert connection.execute("SELECT removed FROM articles").fetchall() == [(None,)]


def test_a_redirect_to_the_same_address_over_https_is_the_article_s_own_url(tmp_path: Path) -> None:
    # http:// answering 301 to https:// is the article's own address, not an alias that only
    # redirected: its 404 is the article's own URL gone.
    plain = f"{SITE}/bai-4/1-2-4".replace("https://", "http://")
    writer = recorder(tmp_path)
    writer.apply(replace(fetched(4), url=plain))
    writer.commit()
    writer.finish(reason="finished", pages=1, errors={})
    writer.close()
    db = open_archive(tmp_path / "a.db")
    run_id = start_run(db, "nghean")
    db.close()
    later = Recorder(str(tmp_path / "a.db"), "nghean", run_id)
    later.apply(CrawlError(plain, "http_404", status=404), run_id)
    later.commit()
    later.close()
    connection = sqlite3.connect(tmp_path / "a.db")
    assert connection.execute("SELECT redirected FROM article_urls WHERE url = ?", [plain]).fetchall() == [(0,)]
    assert connection.execute("SELECT removed IS NOT NULL FROM articles").fetchall() == [(1,)]


def test_a_redirect_given_to_another_article_later_archives_that_article(tmp_path: Path) -> None:
    # The shortlink that led to article 4 leads to a newer article now: that page is archived as
    # its own, not refused as "not article 4", and article 4 keeps its record.
    connection = redirected_then(tmp_path)
    connection.close()
    db = open_archive(tmp_path / "a.db")
    run_id = start_run(db, "nghean")
    db.close()
    writer = Recorder(str(tmp_path / "a.db"), "nghean", run_id)
    writer.apply(replace(fetched(7), url=ASKED), run_id)
    writer.commit()
    writer.close()
    assert archived(tmp_path) == ["Bài 4", "Bài 7"]
    connection = sqlite3.connect(tmp_path / "a.db")
    assert connection.execute("SELECT count(*) FROM article_events").fetchone() == (0,)
