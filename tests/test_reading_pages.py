"""The reading room's pages and their parts without a browser: Datasette in this process over an
archive built from code, the chart, the feed, paging through a search."""

from __future__ import annotations

import asyncio
import importlib
import re
from pathlib import Path
from typing import Any

import feedparser
import pytest

from archive import finish_run, open_archive, save_article, start_run
from archive.query.filters import Filters
from archive.query.history import around_changes, diff_paragraphs, word_diff
from archive.query.search import SearchError, search, search_page
from archive.query.ui import make_datasette, utc_time, vietnamese_date
from archive.query.ui.chart import month_chart, month_range
from archive.query.ui.feed import Entry, atom_feed, rfc3339
from archive.query.ui.views import SearchForm, pager
from crawler.extract.record import Article, Image

SEARCH_MODULE = importlib.import_module("archive.query.search")
LONG = " ".join(f"Câu thứ {n} nói về công tác xây dựng Đảng ở cơ sở và phong trào thi đua." for n in range(12))


def article(number: int, **fields: Any) -> Article:
    values: dict[str, Any] = {
        "url": f"https://nghean.dcs.vn/vi-vn/tin/bai-{number}/1-2-{number}", "site": "nghean",
        "title": f"Đảng ủy xã họp lần {number}",
        "published": f"2026-{1 + number % 6:02d}-0{1 + number % 9}T08:00:00+07:00",
        "category": "Xây dựng Đảng" if number % 2 else "Chính quyền", "author": "Hoài Thu",
        "text": f"Bài số {number}. Hội nghị Đảng ủy xã bàn việc thôn {number}. {' '.join(['Nội dung'] * number)}",
    }
    values.update(fields)
    return Article(**values)


@pytest.fixture(scope="module")
def archive_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pages") / "tinbai.db"
    db = open_archive(path)
    for number in range(1, 31):
        save_article(db, article(number), fetched_at="2026-07-01T00:00:00+00:00")
    # Article 1 changes twice: three versions.
    save_article(db, article(1, text="Bài số 1. Hội nghị Đảng ủy xã bàn việc thôn 1. Thêm một câu mới."),
                 fetched_at="2026-07-02T00:00:00+00:00")
    save_article(db, article(1, title="Đảng ủy xã họp lần 1 (cập nhật)", text="Bài số 1. Câu đã sửa hẳn."),
                 fetched_at="2026-07-03T00:00:00+00:00")
    # A long article with a lead and an image, then its re-post on another portal.
    save_article(db, article(40, text=f"Lời dẫn của bài.\n\n{LONG}", summary="Lời dẫn của bài.",
                             images=(Image("https://nghean.dcs.vn/anh/1.jpg", "Quang cảnh hội nghị"),),
                             published="2025-12-24"))
    save_article(db, article(41, site="dienchau", url="https://dienchau.nghean.dcs.vn/tin/41.html",
                             text=f"Lời dẫn của bài.\n\n{LONG} Nguồn: Tỉnh ủy.", title="Bài đăng lại"))
    # The long article gains a closing paragraph: a second version.
    save_article(db, article(40, text=f"Lời dẫn của bài.\n\n{LONG}\n\nĐoạn kết mới.", summary="Lời dẫn của bài.",
                             images=(Image("https://nghean.dcs.vn/anh/1.jpg", "Quang cảnh hội nghị"),),
                             published="2025-12-24"))
    run = start_run(db, "nghean")
    finish_run(db, run, status="errors", counts={"pages": 40, "new": 31}, errors={"http_500": 2, "http_404": 1})
    db.close()
    return path


def get(archive_file: Path, path: str) -> Any:
    async def fetch() -> Any:
        datasette = make_datasette(archive_file)
        await datasette.invoke_startup()
        return await datasette.client.get(path)

    return asyncio.run(fetch())


def test_every_page_of_a_search_in_one_order(archive_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_archive(archive_file, readonly=True)
    everything = [result["id"] for result in search(db, "dang uy", limit=100, fold=False)]
    # Thirty articles, the long one and its re-post: no match is left out.
    assert len(everything) == 32 and search_page(db, "dang uy").total == 32
    # Within the ranked window, the pages are search()'s order cut in pieces.
    assert [r["id"] for page in range(4)
            for r in search_page(db, "dang uy", offset=10 * page, limit=10, fold=False).results] == everything
    # Folded, every match is on its page once: a row, or under its original when that is on the page too.
    folded = [[r["id"], *(other["id"] for other in r["similar"])]
              for page in range(4) for r in search_page(db, "dang uy", offset=10 * page, limit=10).results]
    assert sorted(sum(folded, [])) == sorted(everything)
    # Beyond it: the window's articles ranked, then the older ones newest first, each exactly once.
    monkeypatch.setattr(SEARCH_MODULE, "CANDIDATES", 12)
    paged = [r["id"] for page in range(7)
             for r in search_page(db, "dang uy", offset=5 * page, limit=5, fold=False).results]
    assert sorted(paged) == sorted(everything) and len(paged) == 32
    newest_twelve = sorted(everything, reverse=True)[:12]
    assert sorted(paged[:12]) == sorted(newest_twelve)
    assert paged[12:] == sorted(set(everything) - set(newest_twelve), reverse=True)
    last = search_page(db, "dang uy", offset=30, limit=5)
    assert last.total == 32 and last.shown == 2 and not last.has_next
    db.close()


def test_search_page_count_filters_order_and_listing(archive_file: Path) -> None:
    db = open_archive(archive_file, readonly=True)
    odd = search_page(db, "dang uy", filters=Filters(category="xay dung dang"), limit=5)
    assert odd.total == 16 and odd.shown == 5  # articles 1, 3, ..., 29, and the re-post 41
    newest = search_page(db, "dang uy", order="newest", limit=3)
    # The three newest: the re-post (32), under its original (31), then 30.
    assert [r["id"] for r in newest.results] == [31, 30] and newest.results[0]["similar"][0]["id"] == 32
    reposts = search_page(db, "dang", filters=Filters(only_near_duplicates=True))
    assert [r["title"] for r in reposts.results] == ["Bài đăng lại"]
    listed = search_page(db, "", filters=Filters(site="nghean", since="2026-06"), limit=50)
    assert listed.total == 5 and all(r["published"] >= "2026-06" for r in listed.results)
    marked = search_page(db, "thon 7", marks=("<", ">")).results[0]["snippet"]
    assert "<thôn> <7>" in marked
    with pytest.raises(SearchError, match="YYYY-MM-DD"):
        search_page(db, "dang", filters=Filters(since="8/7/2026"))
    with pytest.raises(SearchError, match="order"):
        search_page(db, "dang", order="oldest")
    db.close()


def test_the_search_page_counts_up_to_a_bound(archive_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.import_module("archive.query.ui.views"), "COUNT_LIMIT", 10)
    monkeypatch.setattr(importlib.import_module("archive.query.search"), "CANDIDATES", 10)
    # 32 matches, counted up to the first page's end (20): "more than 20", and a pager to page 2.
    first = get(archive_file, "/tinbai/search?q=dang+uy").text
    assert re.search(r'more than <strong class="tinbai-total">20<', first) and "1–20" in first
    assert 'href="?q=dang+uy&amp;page=2"' in first or 'href="?q=dang+uy&page=2"' in first
    # Page 2 counts to its own end (40): all 32, exact.
    second = get(archive_file, "/tinbai/search?q=dang+uy&page=2").text
    assert re.search(r'class="tinbai-total">32<', second) and "more than" not in second and "21–32" in second


def test_the_search_page_shows_count_pages_and_errors(archive_file: Path) -> None:
    page = get(archive_file, "/tinbai/search?q=dang+uy&page=2")
    assert page.status_code == 200
    html = page.text
    # 32 matches: the thirty, the long article (the newest, on page 1) and its re-post (its phrase
    # apart: last), listed as itself since its original is on another page.
    assert re.search(r'class="tinbai-total">32<', html) and "21–32" in html
    assert html.count('class="tinbai-result"') == 12 and "similar article" not in html
    # Both on one page: the re-post under its original.
    lead = get(archive_file, "/tinbai/search?q=loi+dan+cua+bai").text
    assert lead.count('class="tinbai-result"') == 1 and "1 similar article" in lead
    assert 'href="?q=dang+uy"' in html  # the pager's page 1
    assert "<mark>Đảng</mark>" in html and "[Đảng]" not in html
    bad = get(archive_file, "/tinbai/search?q=dang&until=2026/07")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
    unbalanced = get(archive_file, '/tinbai/search?q="dang')
    assert unbalanced.status_code == 400 and "unbalanced quote" in unbalanced.text
    empty = get(archive_file, "/tinbai/search")
    assert empty.status_code == 200 and "tinbai-intro" in empty.text and "tinbai-result" not in empty.text


def test_the_article_and_versions_pages(archive_file: Path) -> None:
    page = get(archive_file, "/tinbai/articles/31").text
    assert '<p class="tinbai-lead">Lời dẫn của bài.</p>' in page
    # The lead once: not again as the first paragraph of the text.
    assert page.count("Lời dẫn của bài.") == 1
    assert "<figcaption>Quang cảnh hội nghị</figcaption>" in page and 'referrerpolicy="no-referrer"' in page
    assert "24/12/2025" in page and "Bài đăng lại" in page  # the bare date, day first; its re-post
    repost = get(archive_file, "/tinbai/articles/32").text
    assert "A re-post of an earlier article" in repost
    versions = get(archive_file, "/tinbai/articles/1/versions").text
    assert "What changed from v2 to v3" in versions
    assert "<ins>(cập nhật)</ins>" in versions and "<del>Hội nghị Đảng ủy xã bàn việc thôn 1. Thêm một câu mới.</del>" \
        in versions and "<ins>Câu đã sửa hẳn.</ins>" in versions
    chosen = get(archive_file, "/tinbai/articles/1/versions?from=1&to=3").text
    assert "What changed from v1 to v3" in chosen
    # Paragraphs far from the changes (the title, the lead) are counted; a link shows the whole text.
    longer = get(archive_file, "/tinbai/articles/31/versions").text
    assert "<ins>Đoạn kết mới.</ins>" in longer and "2 unchanged paragraphs" in longer
    assert 'href="?from=1&amp;to=2&amp;whole=1"' in longer and "Lời dẫn của bài." not in longer
    whole = get(archive_file, "/tinbai/articles/31/versions?from=1&to=2&whole=1").text
    assert "unchanged paragraph" not in whole and "Lời dẫn của bài." in whole
    missing = get(archive_file, "/tinbai/articles/1/versions?from=1&to=9")
    assert missing.status_code == 404 and "no version 9" in missing.text
    assert get(archive_file, "/tinbai/articles/999/versions").status_code == 404
    # Other tables keep Datasette's row page, and an article's row stays there as data.
    assert "tinbai-article" not in get(archive_file, "/tinbai/runs/1").text
    row = get(archive_file, "/tinbai/articles/31.json?_shape=objects").json()
    assert row["rows"][0]["summary"] == "Lời dẫn của bài." and 'href="/tinbai/articles/31.json"' in page
    assert get(archive_file, "/tinbai/articles/999").status_code == 404


def test_an_unknown_article_or_portal_is_a_404_page_without_a_traceback(
    archive_file: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    for path in ("/tinbai/portal/quangbinh", "/tinbai/portal/quangbinh.atom", "/tinbai/articles/999",
                 "/tinbai/articles/999/versions", "/nowhere/search?q=dang"):
        answer = get(archive_file, path)
        assert answer.status_code == 404 and "Error 404" in answer.text, path
    printed = capfd.readouterr()
    assert "Traceback" not in printed.out + printed.err and "NotFound" not in printed.out + printed.err


def test_the_portal_page_and_feed(archive_file: Path) -> None:
    page = get(archive_file, "/tinbai/portal/nghean")
    assert page.status_code == 200
    assert page.text.count('<rect class="bar"') == 7  # 2025-12, then six months of 2026
    assert "http_500: 2, http_404: 1" in page.text
    assert get(archive_file, "/tinbai/portal/quangbinh").status_code == 404
    feed = feedparser.parse(get(archive_file, "/tinbai/portal/nghean.atom").content)
    assert feed.bozo == 0 and feed.version == "atom10" and len(feed.entries) == 31
    assert feed.entries[0].title == "Đảng ủy xã họp lần 40" and feed.entries[0].summary == "Lời dẫn của bài."
    searched = feedparser.parse(get(archive_file, "/tinbai/search.atom?q=thon+7&site=nghean").content)
    assert [entry.title for entry in searched.entries] == ["Đảng ủy xã họp lần 7"]
    assert get(archive_file, "/tinbai/search.atom?q=dang&since=x").status_code == 400


def test_a_portal_keyed_by_its_host_has_its_page_and_feed(tmp_path: Path) -> None:
    # A portal crawled by its URL is keyed by its host, dots and all (`tinbai crawl https://thanhhoa.dcs.vn/`).
    path = tmp_path / "tinbai.db"
    db = open_archive(path)
    for number in (1, 2):
        save_article(db, article(number, site="thanhhoa.dcs.vn", url=f"https://thanhhoa.dcs.vn/tin/{number}.html"),
                     fetched_at="2026-07-01T00:00:00+00:00")
    db.close()
    page = get(path, "/tinbai/portal/thanhhoa.dcs.vn")
    assert page.status_code == 200 and page.text.count('<rect class="bar"') == 2
    assert 'href="/tinbai/portal/thanhhoa.dcs.vn.atom"' in page.text
    feed = feedparser.parse(get(path, "/tinbai/portal/thanhhoa.dcs.vn.atom").content)
    assert feed.bozo == 0 and sorted(entry.title for entry in feed.entries) == ["Đảng ủy xã họp lần 1",
                                                                               "Đảng ủy xã họp lần 2"]
    assert get(path, "/tinbai/portal/thanhhoa.dcs").status_code == 404


def test_month_chart_draws_a_bar_per_month_with_articles() -> None:
    assert month_range("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    svg = str(month_chart({"2025-11": 4, "2026-02": 2}, link=lambda month: f"/m/{month}"))
    bars = re.findall(r'data-month="([^"]+)" data-count="(\d+)" x="[^"]+" y="[^"]+" width="[^"]+"'
                      r' height="([^"]+)"', svg)
    assert [(month, count) for month, count, _ in bars] == [("2025-11", "4"), ("2026-02", "2")]
    assert float(bars[0][2]) == pytest.approx(2 * float(bars[1][2]))
    assert '<a href="/m/2026-02">' in svg and "<title>2026-02: 2 articles</title>" in svg
    assert str(month_chart({})) == ""


def test_atom_feed_is_valid_with_bare_dates_and_no_entries() -> None:
    assert rfc3339("2025-01-02") == "2025-01-02T00:00:00+07:00"
    assert rfc3339("2026-07-01T00:00:00+00:00") == "2026-07-01T00:00:00+00:00"
    body = atom_feed(feed_id="http://x/feed", title="t", self_url="http://x/feed.atom", page_url="http://x/",
                     author="tinbai", entries=[Entry(id="https://a.vn/1", title="Tin <1> & 2", link="http://x/1",
                                                     original="https://a.vn/1", updated="2026-07-01T00:00:00+00:00",
                                                     published="2025-01-02", author="Hải Yến")])
    feed = feedparser.parse(body)
    assert feed.bozo == 0 and feed.version == "atom10"
    assert feed.entries[0].title == "Tin <1> & 2" and feed.entries[0].author == "Hải Yến"
    assert feed.feed.updated == "2026-07-01T00:00:00+00:00"
    empty = feedparser.parse(atom_feed(feed_id="http://x/f", title="t", self_url="http://x/f", page_url="http://x/",
                                       author="tinbai", entries=[]))
    assert empty.bozo == 0 and empty.feed.updated_parsed is not None


def test_a_diff_shows_the_paragraphs_around_its_changes() -> None:
    old = "\n\n".join(f"Đoạn {n} không đổi." for n in range(1, 11))
    new = old.replace("Đoạn 5 không đổi.", "Đoạn 5 đã sửa.")
    shown = around_changes(diff_paragraphs(word_diff(old, new)))
    assert shown[0] == 3 and shown[-1] == 4 and len(shown) == 5
    assert ("-", "không đổi.") in shown[2] and ("+", "đã sửa.") in shown[2]
    assert shown[1] == [("=", "Đoạn 4 không đổi.")] and shown[3] == [("=", "Đoạn 6 không đổi.")]
    assert around_changes(diff_paragraphs(word_diff(old, old))) == [10]


def test_small_pieces() -> None:
    assert pager(1, 1) == [1]
    assert pager(6, 20) == [1, None, 3, 4, 5, 6, 7, 8, 9, None, 20]
    assert vietnamese_date("2026-11-19T10:05:00+07:00") == "19/11/2026 10:05"
    assert vietnamese_date("2025-01-02") == "02/01/2025" and vietnamese_date(None) == ""
    assert utc_time("2026-12-05T10:00:00+00:00") == "2026-12-05 10:00 UTC"
    form = SearchForm.from_args({"q": " dang   uy ", "page": "x", "status": "bogus", "order": "newest"})
    assert (form.q, form.page, form.status, form.order) == ("dang uy", 1, "", "newest")
    assert form.query_string(page=3) == "q=dang+uy&order=newest&page=3"


def test_the_removed_filter_lists_the_articles_taken_down(tmp_path: Path) -> None:
    path = tmp_path / "tinbai.db"
    db = open_archive(path)
    for number in (1, 2, 3):
        save_article(db, article(number))
    db.close()
    # Every archive records takedowns (migration m104): the filter is offered, and finds none yet.
    none = get(path, "/tinbai/search?q=dang&status=removed")
    assert 'value="removed" selected' in none.text and "tinbai-result-title" not in none.text

    db = open_archive(path)
    db.execute("UPDATE articles SET removed = '2026-08-01T00:00:00+00:00' WHERE id = 2")
    db.conn.commit()
    db.close()
    page = get(path, "/tinbai/search?q=dang&status=removed")
    assert 'value="removed" selected' in page.text
    assert re.findall(r'class="tinbai-result-title" href="[^"]+">([^<]+)<', page.text) == ["Đảng ủy xã họp lần 2"]
    assert "Taken down by the portal: found gone on 2026-08-01 00:00 UTC" in get(path, "/tinbai/articles/2").text
    assert "Taken down" not in get(path, "/tinbai/articles/1").text
