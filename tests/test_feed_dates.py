"""A page that shows only how long ago ("Cách đây 2 ngày"), dated by the time its portal's feed gives
it, under any address the archive knows the article by: whichever of the feed and the page the
writer reads first, at re-extraction and after a merge, on a profiled portal as on any other."""

from __future__ import annotations

from pathlib import Path

import pytest
import scrapy
from scrapy.http import HtmlResponse, XmlResponse

from archive import open_archive, start_run
from archive.merge import merge_archive
from crawler.apply.items import FetchedArticle, ListingRead
from crawler.apply.recorder import Recorder
from crawler.extract import Page, extract
from crawler.extract.urls import address_key
from crawler.fetch.spider import PortalSpider
from crawler.reextract import reextract
from crawler.sites import get

CANONICAL = "https://nghean.dcs.vn/vi-vn/tin/gap-mat-ky-niem/1-2-34999"
FEED = "https://nghean.dcs.vn/rss/xay-dung-dang.rss"
# Read at 09:30 on 16/06/2025, "Cách đây 2 ngày" lies between the 13th and the 14th (the page names
# the 13th); the feed's "Sat, 14 Jun 2025 02:00:00 GMT" is 09:00 on the 14th.
LISTED = "2025-06-14T02:00:00+00:00"
DATED = ("2025-06-14T09:00:00+07:00", None)
UNDATED = ("2025-06-13", "2025-06-13/2025-06-14")
PAGE = f"""<html><head><title>Gặp mặt kỷ niệm 100 năm Ngày Báo chí cách mạng Việt Nam</title>
<link rel="canonical" href="{CANONICAL}"></head><body>
<div class="breadcrumb"><a href="/">Trang chủ</a> <a href="/vi-vn/chuyen-muc/xay-dung-dang/1-2">Xây dựng Đảng</a></div>
<div class="news-detail"><h1 class="news-title">Gặp mặt kỷ niệm 100 năm Ngày Báo chí cách mạng Việt Nam</h1>
<div class="news-date">Cách đây 2 ngày</div>
<div class="news-sapo">Sáng 14/6, Ban Tuyên giáo Tỉnh ủy gặp mặt các cơ quan báo chí nhân kỷ niệm 100 năm.</div>
<div class="news-content"><p>Dự buổi gặp mặt có lãnh đạo các cơ quan báo chí trung ương và địa phương trên địa bàn.</p>
<p>Đồng chí Trưởng ban Tuyên giáo Tỉnh ủy ghi nhận những đóng góp của đội ngũ người làm báo.</p></div></div>
<div class="col-side"></div></body></html>""".encode()

# Addresses of the same article a feed may list: tracking parameters; http and "www."; another case
# and a trailing slash.
ALIASES = [
    f"{CANONICAL}?utm_source=rss&utm_medium=feed",
    CANONICAL.replace("https://", "http://www."),
    CANONICAL.replace("/vi-vn/tin/gap-mat-ky-niem/", "/Vi-VN/Tin/Gap-Mat-Ky-Niem/") + "/",
]
# The physical path behind the friendly URL: a page the crawl fetched and found to be the article.
PHYSICAL = "https://nghean.dcs.vn/Default.aspx?tabid=110&NewsID=34999"


def fetched(url: str = CANONICAL, *, at: str | None = None) -> FetchedArticle:
    """The page asked for at `url`, served at `at` (where a redirect ended; else `url`)."""
    page = Page(url=at or url, body=PAGE, headers={"Content-Type": "text/html; charset=utf-8",
                                                    "Date": "Mon, 16 Jun 2025 02:30:00 GMT"})
    return FetchedArticle(page=page, article=extract(page, get("nghean").page_class), url=url)


def feed(url: str, listed: str = LISTED) -> ListingRead:
    return ListingRead(FEED, 200, [], kind="feed", dates={url: listed})


def written(path: Path, *items: FetchedArticle | ListingRead) -> tuple[str, str | None]:
    db = open_archive(path)
    run_id = start_run(db, "nghean")
    db.close()
    writer = Recorder(str(path), "nghean", run_id)
    for item in items:
        writer.apply(item)
        writer.commit()
    writer.db.close()
    return published(path)


def published(path: Path) -> tuple[str, str | None]:
    with open_archive(path, readonly=True) as db:
        [row] = db.execute("SELECT published, published_range FROM articles").fetchall()
    return row[0], row[1]


def test_the_page_alone_names_its_window() -> None:
    assert (fetched().article.published, fetched().article.published_range) == UNDATED


def test_the_addresses_of_one_page_are_one_key_and_other_pages_are_not() -> None:
    assert {address_key(url) for url in [CANONICAL, *ALIASES]} == {address_key(CANONICAL)}
    assert address_key(CANONICAL.replace("34999", "35000")) != address_key(CANONICAL)
    assert address_key("https://tinhuy.example/?p=12") != address_key("https://tinhuy.example/?p=123")
    assert address_key(CANONICAL.replace("nghean.", "hatinh.")) != address_key(CANONICAL)


@pytest.mark.parametrize("alias", ALIASES)
def test_a_feed_item_under_another_spelling_dates_the_page_read_after_it(tmp_path: Path, alias: str) -> None:
    assert written(tmp_path / "a.db", feed(alias), fetched()) == DATED


@pytest.mark.parametrize("alias", ALIASES)
def test_a_feed_item_under_another_spelling_dates_the_page_read_before_it(tmp_path: Path, alias: str) -> None:
    assert written(tmp_path / "a.db", fetched(), feed(alias)) == DATED


def test_a_feed_item_under_an_address_the_archive_learned_later_dates_the_article(tmp_path: Path) -> None:
    # The feed lists the physical path; the crawl read the friendly URL, then the physical path
    # (a duplicate of the article: its record is not rewritten by that fetch).
    assert written(tmp_path / "a.db", feed(PHYSICAL), fetched(), fetched(PHYSICAL)) == DATED
    assert written(tmp_path / "b.db", fetched(), fetched(PHYSICAL), feed(PHYSICAL)) == DATED


def test_a_feed_item_at_a_url_that_redirected_to_the_article_dates_it_either_way(tmp_path: Path) -> None:
    assert written(tmp_path / "a.db", feed(PHYSICAL), fetched(PHYSICAL, at=CANONICAL)) == DATED
    assert written(tmp_path / "b.db", fetched(PHYSICAL, at=CANONICAL), feed(PHYSICAL)) == DATED


def in_runs(path: Path, *runs: list[FetchedArticle | ListingRead]) -> tuple[str, str | None]:
    """Each list of items written by a run of its own, one after the other."""
    for items in runs:
        db = open_archive(path)
        run_id = start_run(db, "nghean")
        db.close()
        writer = Recorder(str(path), "nghean", run_id)
        for item in items:
            writer.apply(item)
            writer.commit()
        writer.db.close()
    return published(path)


def test_a_feed_read_in_a_later_run_dates_the_article_under_the_address_it_was_read_first(tmp_path: Path) -> None:
    assert in_runs(tmp_path / "a.db", [feed(PHYSICAL)], [fetched(PHYSICAL, at=CANONICAL)]) == DATED
    assert in_runs(tmp_path / "b.db", [fetched()], [feed(PHYSICAL), fetched(PHYSICAL, at=CANONICAL)]) == DATED


def test_a_feed_read_in_a_later_run_dates_the_article_a_redirect_led_to(tmp_path: Path) -> None:
    # The feed lists a shortlink the crawl read before, in an earlier run, and was redirected by to
    # the article: the archive keeps that URL as one of the article's (article_urls).
    assert in_runs(tmp_path / "a.db", [fetched(PHYSICAL, at=CANONICAL)], [feed(PHYSICAL)]) == DATED
    with open_archive(tmp_path / "a.db", readonly=True) as db:
        assert db.execute("SELECT url FROM article_urls ORDER BY url").fetchall() == [(PHYSICAL,), (CANONICAL,)]


def test_another_article_or_a_time_outside_the_window_dates_nothing(tmp_path: Path) -> None:
    assert written(tmp_path / "a.db", feed(CANONICAL.replace("34999", "35000")), fetched()) == UNDATED
    assert written(tmp_path / "b.db", fetched(), feed(ALIASES[0], "2025-06-15T02:00:00+00:00")) == UNDATED


@pytest.mark.parametrize("items", ["alias", "redirect"])
def test_reextraction_dates_the_page_as_the_crawl_did(tmp_path: Path, items: str) -> None:
    path = tmp_path / "a.db"
    if items == "alias":
        assert written(path, fetched(), feed(ALIASES[1])) == DATED
    else:
        assert written(path, feed(PHYSICAL), fetched(PHYSICAL, at=CANONICAL)) == DATED
    db = open_archive(path)
    counts = reextract(db, str(path), processes=1)
    db.close()
    assert counts["unchanged"] == 1, counts
    assert published(path) == DATED


def test_a_merge_dates_an_article_by_the_feed_another_machine_read(tmp_path: Path) -> None:
    assert written(tmp_path / "pages.db", fetched()) == UNDATED
    db = open_archive(tmp_path / "feeds.db")
    run_id = start_run(db, "nghean")
    db.close()
    writer = Recorder(str(tmp_path / "feeds.db"), "nghean", run_id)
    writer.apply(feed(ALIASES[0]))
    writer.commit()
    writer.db.close()
    target = open_archive(tmp_path / "national.db")
    for source in ("pages.db", "feeds.db"):
        with open_archive(tmp_path / source, readonly=True) as db:
            merge_archive(target, db, source_path=tmp_path / source)
    target.close()
    assert published(tmp_path / "national.db") == DATED


@pytest.mark.parametrize("order", ["pages first", "feeds first"])
def test_a_merge_dates_an_article_by_another_machine_s_feed_that_lists_the_url_which_redirected_to_it(
        tmp_path: Path, order: str) -> None:
    # One machine was redirected from the physical path to the article, the other read the feed
    # that lists the physical path: the merged archive knows the article by that address.
    assert written(tmp_path / "pages.db", fetched(PHYSICAL, at=CANONICAL)) == UNDATED
    db = open_archive(tmp_path / "feeds.db")
    run_id = start_run(db, "nghean")
    db.close()
    writer = Recorder(str(tmp_path / "feeds.db"), "nghean", run_id)
    writer.apply(feed(PHYSICAL))
    writer.commit()
    writer.db.close()
    target = open_archive(tmp_path / "national.db")
    sources = ["pages.db", "feeds.db"] if order == "pages first" else ["feeds.db", "pages.db"]
    for source in sources:
        with open_archive(tmp_path / source, readonly=True) as db:
            merge_archive(target, db, source_path=tmp_path / source)
    target.close()
    assert published(tmp_path / "national.db") == DATED


def test_a_profiled_portal_reads_the_feeds_its_home_page_announces_for_their_times() -> None:
    spider = PortalSpider(profile=get("nghean"))
    home = "https://nghean.dcs.vn/"
    body = (b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss/tin-moi.rss">'
            b"</head><body></body></html>")
    request = scrapy.Request(home, meta={"tinbai_url": home})
    out = list(spider.parse(HtmlResponse(home, body=body, request=request)))
    [asked] = [each for each in out if isinstance(each, scrapy.Request)]
    assert asked.url == "https://nghean.dcs.vn/rss/tin-moi.rss" and asked.meta["page_type"] == "feed"
    rss = ("<?xml version='1.0'?><rss version='2.0'><channel><title>Tin mới</title>"
           f"<item><title>Gặp mặt</title><link>{ALIASES[0].replace('&', '&amp;')}</link>"
           "<pubDate>Sat, 14 Jun 2025 02:00:00 GMT</pubDate></item></channel></rss>").encode()
    [read] = spider.parse_feed(XmlResponse(asked.url, body=rss, request=asked))
    assert isinstance(read, ListingRead)
    assert (read.kind, read.queued, read.dates) == ("feed", [], {ALIASES[0]: LISTED})
