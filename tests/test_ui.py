"""The reading room end to end, as a person uses it: `tinbai serve` an archive with versions, months
and a re-post (tests/reading_room.py), then in headless Chromium search without diacritics, filter,
page to the second page, open a hit and read it, compare two versions, open the portal's chart and
follow the feeds.

Needs Debian's chromium and chromium-driver (.ci/run installs them); without them the browser tests
are skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from archive import open_archive
from archive.query.filters import Filters
from archive.query.search import SearchPage, search_page
from tests.browser import CHROMEDRIVER, CHROMIUM, serving, start_chromium
from tests.reading_room import EDIT, EDITED_URL, REPOST_URL, build_reading_archive


@pytest.fixture(scope="module")
def archive_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_reading_archive(tmp_path_factory.mktemp("reading-room"))


@pytest.fixture(scope="module")
def served(archive_file: Path) -> Iterator[str]:
    """The base URL of the archive in `tinbai serve`."""
    with serving(archive_file) as base:
        yield base


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not (CHROMIUM and CHROMEDRIVER):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromedriver are missing: .ci/run installs Debian's chromium chromium-driver")
        pytest.skip("needs Debian's chromium and chromium-driver")
    pytest.importorskip("selenium.webdriver")
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the page did not get there in time")
        time.sleep(0.1)


def expected(db: Path, query: str, **options: Any) -> SearchPage:
    """What `tinbai search` finds: the browser must show the same."""
    archive = open_archive(db, readonly=True)
    try:
        return search_page(archive, query, **options)
    finally:
        archive.close()


def texts(driver: Any, selector: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [element.text for element in driver.find_elements(By.CSS_SELECTOR, selector)]


def submit_search(driver: Any) -> None:
    from selenium.webdriver.common.by import By

    before = driver.current_url
    driver.find_element(By.CSS_SELECTOR, ".tinbai-search-form button[type=submit]").click()
    wait_for(lambda: driver.current_url != before)


def test_search_without_diacritics_then_the_second_page(served: str, archive_file: Path, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.get(f"{served}/search")
    driver.find_element(By.CSS_SELECTOR, 'input[name="q"]').send_keys("dang uy", Keys.ENTER)
    wait_for(lambda: "q=dang+uy" in driver.current_url)

    first = expected(archive_file, "dang uy", limit=20)
    # More than a page: the new articles all mention "Đảng ủy xã".
    assert first.total > 40
    assert driver.find_element(By.CSS_SELECTOR, ".tinbai-total").text == str(first.total)
    assert driver.find_element(By.CSS_SELECTOR, ".tinbai-shown").text == "1–20"
    titles = texts(driver, ".tinbai-result-title")
    # The same articles in the same order as `tinbai search`: "Đảng ủy" together first.
    assert titles == [result["title"] for result in first.results]
    # The snippet shows the words where they stand together, highlighted.
    first_snippet = driver.find_element(By.CSS_SELECTOR, ".tinbai-result:first-child .tinbai-snippet")
    marked = [mark.text.lower() for mark in first_snippet.find_elements(By.TAG_NAME, "mark")]
    assert "đảng" in marked and "ủy" in marked and "đảng ủy" in first_snippet.text.lower()
    # The results come first: the first hit is on screen without scrolling.
    top = driver.find_element(By.CSS_SELECTOR, ".tinbai-result-title").location["y"]
    assert top < driver.execute_script("return window.innerHeight")

    driver.find_element(By.CSS_SELECTOR, "a.tinbai-next").click()
    wait_for(lambda: "page=2" in driver.current_url)
    second = expected(archive_file, "dang uy", limit=20, offset=20)
    assert texts(driver, ".tinbai-result-title") == [result["title"] for result in second.results]
    assert driver.find_element(By.CSS_SELECTOR, ".tinbai-shown").text == "21–40"
    assert not set(titles) & set(texts(driver, ".tinbai-result-title"))
    assert driver.find_element(By.CSS_SELECTOR, ".tinbai-pager .current").text == "2"


def test_filters_by_category_dates_and_reposts(served: str, archive_file: Path, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    driver.get(f"{served}/search?q=dang+uy")
    Select(driver.find_element(By.NAME, "category")).select_by_value("Tuyên giáo")
    submit_search(driver)
    found = expected(archive_file, "dang uy", filters=Filters(category="tuyen giao"), limit=20)
    assert 0 < found.total < 20
    assert driver.find_element(By.CSS_SELECTOR, ".tinbai-total").text == str(found.total)
    assert set(texts(driver, ".tinbai-category")) == {"Tuyên giáo"}

    Select(driver.find_element(By.NAME, "category")).select_by_value("")
    driver.find_element(By.NAME, "since").send_keys("2026-06")
    driver.find_element(By.NAME, "until").send_keys("2026-07")
    submit_search(driver)
    published = [element.get_attribute("datetime") for element in
                 driver.find_elements(By.CSS_SELECTOR, ".tinbai-meta time")]
    # Five new articles a month (tests/reading_room.py), every one of them in these two months.
    assert len(published) == 10 and all(value[:7] in ("2026-06", "2026-07") for value in published)

    driver.get(f"{served}/search?q=dang+uy")
    Select(driver.find_element(By.NAME, "status")).select_by_value("reposts")
    submit_search(driver)
    assert texts(driver, ".tinbai-result-title") == [
        "Ban Tuyên giáo Tỉnh ủy và Đảng ủy Khối các cơ quan tỉnh triển khai chương trình phối hợp giai đoạn"
        " 2023 - 2025 (đăng lại)"
    ]
    # A malformed date is said on the page, not a server error.
    driver.get(f"{served}/search?q=dang+uy&since=8/7/2026")
    assert "YYYY-MM-DD" in driver.find_element(By.CSS_SELECTOR, ".tinbai-error").text


def test_open_a_hit_and_read_it_then_compare_its_versions(served: str, archive_file: Path, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.get(f"{served}/search")
    driver.find_element(By.CSS_SELECTOR, 'input[name="q"]').send_keys("chuong trinh phoi hop giai doan", Keys.ENTER)
    wait_for(lambda: "q=chuong" in driver.current_url)
    title = driver.find_element(By.CSS_SELECTOR, ".tinbai-result-title")
    expected_title = title.text
    title.click()
    wait_for(lambda: "/articles/" in driver.current_url)

    archive = open_archive(archive_file, readonly=True)
    article = next(archive.query("SELECT * FROM articles WHERE url = ?", [EDITED_URL]))
    captions = [row["caption"] for row in archive.query(
        "SELECT caption FROM images WHERE article_id = ? ORDER BY position", [article["id"]])]
    archive.close()
    assert driver.find_element(By.CSS_SELECTOR, "h1.tinbai-title").text == expected_title == article["title"]
    assert driver.find_element(By.CSS_SELECTOR, ".tinbai-byline .tinbai-author").text == article["author"]
    assert driver.find_element(By.CSS_SELECTOR, ".tinbai-byline time").text == "20/09/2023 08:15"
    assert driver.find_element(By.CSS_SELECTOR, ".tinbai-lead").text == article["summary"]
    shown = texts(driver, ".tinbai-text p")
    # The latest version's text, the lead once (above), every other paragraph in order.
    assert EDIT in shown and "\n\n".join([article["summary"], *shown]) == article["text"]
    assert texts(driver, ".tinbai-figure figcaption") == [caption for caption in captions if caption]
    # A readable column, not Datasette's table cell.
    width = driver.find_element(By.CSS_SELECTOR, ".tinbai-article").size["width"]
    assert 400 <= width <= 42 * 16
    assert EDITED_URL in texts(driver, ".tinbai-urls a")
    assert len(texts(driver, ".tinbai-versions li")) == 2
    assert [link.get_attribute("href") for link in driver.find_elements(By.CSS_SELECTOR, ".tinbai-reposts a")]
    assert any(text.endswith("(đăng lại)") for text in texts(driver, ".tinbai-reposts a"))

    driver.find_element(By.CSS_SELECTOR, "a.tinbai-compare").click()
    wait_for(lambda: "/versions" in driver.current_url)
    assert driver.find_element(By.CSS_SELECTOR, ".tinbai-diff-title").text == "What changed from v1 to v2"
    assert texts(driver, ".tinbai-diff ins") == [EDIT]
    assert texts(driver, ".tinbai-diff del") == []

    # Any two, either way round: from v2 to v1 the paragraph was removed.
    driver.find_element(By.CSS_SELECTOR, 'input[name="from"][value="2"]').click()
    driver.find_element(By.CSS_SELECTOR, 'input[name="to"][value="1"]').click()
    driver.find_element(By.CSS_SELECTOR, ".tinbai-compare-button").click()
    wait_for(lambda: "from=2" in driver.current_url)
    assert texts(driver, ".tinbai-diff del") == [EDIT] and texts(driver, ".tinbai-diff ins") == []


def test_the_portal_page_charts_months_and_lists_runs(served: str, archive_file: Path, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(f"{served}/articles/1")
    driver.find_element(By.CSS_SELECTOR, ".tinbai-kicker a").click()
    wait_for(lambda: "/portal/nghean" in driver.current_url)
    archive = open_archive(archive_file, readonly=True)
    months = dict(archive.execute(
        "SELECT substr(published, 1, 7), count(*) FROM articles WHERE site = 'nghean' GROUP BY 1").fetchall())
    archive.close()
    bars = driver.find_elements(By.CSS_SELECTOR, "svg.month-chart rect.bar")
    assert {bar.get_attribute("data-month"): int(bar.get_attribute("data-count")) for bar in bars} == months
    assert months["2026-06"] == 5
    heights = {bar.get_attribute("data-month"): float(bar.get_attribute("height")) for bar in bars}
    assert heights["2026-11"] > heights["2026-06"] > heights["2026-01"]
    runs = driver.find_elements(By.CSS_SELECTOR, "tr.tinbai-run")
    assert len(runs) == 2
    assert texts(driver, "tr.tinbai-run .tinbai-errors") == ["http_404: 1, http_500: 1"] * 2
    assert len(texts(driver, ".tinbai-newest li")) == 20

    # A month's bar opens that month's articles.
    driver.find_element(By.CSS_SELECTOR, 'svg.month-chart rect.bar[data-month="2026-06"]').click()
    wait_for(lambda: "published_month=2026-06" in driver.current_url)
    assert len(driver.find_elements(By.CSS_SELECTOR, "td.col-title")) == 5


def test_follow_the_feeds(served: str, archive_file: Path, browser: Any) -> None:
    import feedparser
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(f"{served}/search?q=dang+uy")
    href = driver.find_element(By.CSS_SELECTOR, "a.tinbai-feed").get_attribute("href")
    assert driver.find_element(By.CSS_SELECTOR, 'link[rel="alternate"][type="application/atom+xml"]')
    with urllib.request.urlopen(href, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("application/atom+xml")
        feed = feedparser.parse(response.read())
    assert feed.bozo == 0 and feed.version == "atom10"
    newest = expected(archive_file, "dang uy", limit=50, order="newest")
    # The newest matches first (new articles for a media monitor), each with its own id and times.
    assert [entry.id for entry in feed.entries] == [result["url"] for result in newest.results]
    assert all(entry.updated_parsed and entry.title and entry.link for entry in feed.entries)
    first = feed.entries[0]
    driver.get(first.link)
    assert driver.find_element(By.CSS_SELECTOR, "h1.tinbai-title").text == first.title

    with urllib.request.urlopen(f"{served}/portal/nghean.atom", timeout=10) as response:
        portal = feedparser.parse(response.read())
    assert portal.bozo == 0 and portal.version == "atom10"
    archive = open_archive(archive_file, readonly=True)
    articles = archive.execute("SELECT count(*) FROM articles WHERE site = 'nghean'").fetchone()[0]
    archive.close()
    # Every article the portal published, its re-post of one of its own articles too: a feed hides none.
    assert len(portal.entries) == articles and REPOST_URL in {entry.id for entry in portal.entries}
    assert portal.entries[0].published_parsed is not None


def test_internal_tables_are_out_of_the_way_but_reachable(served: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(served)
    listed = set(texts(driver, ".db-table h3 a"))
    # article_events: the takedowns, returns and pages refused, each article's history beside its versions.
    assert listed == {"articles", "article_versions", "article_urls", "images", "runs", "sites", "article_events"}
    # The reading room's way in comes first.
    assert driver.find_element(By.CSS_SELECTOR, ".tinbai-way-in input[name=q]")
    for table in ("_sqlite_migrations", "crawl_state", "raw_pages", "article_minhash", "articles_fts_data",
                  "url_shapes", "templates"):
        with urllib.request.urlopen(f"{served}/{table}.json?_size=1", timeout=10) as response:
            assert response.status == 200
    with urllib.request.urlopen(f"{served}.json?sql=select+count(*)+from+crawl_state&_shape=array",
                                timeout=10) as response:
        assert response.read().startswith(b'[{"count(*)": ')


def test_table_search_box_folds_and_facets_are_there(served: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.get(f"{served}/articles")
    facets = {el.get_attribute("data-column") for el in driver.find_elements(By.CSS_SELECTOR, ".facet-info")}
    assert facets == {"site", "category", "published_month"}
    driver.find_element(By.ID, "_search").send_keys("Đảng ủy Khối", Keys.ENTER)
    wait_for(lambda: "_search=" in driver.current_url)
    titles = texts(driver, "td.col-title")
    assert any(title.startswith("Ban Tuyên giáo Tỉnh ủy và Đảng ủy Khối") for title in titles)
    assert len(titles) < 16


def test_the_search_json_api_stays(served: str, archive_file: Path) -> None:
    import json

    with urllib.request.urlopen(f"{served}/search.json?q=dang+uy&_shape=array", timeout=10) as response:
        rows = json.loads(response.read())
    # Datasette's canned query, as before the reading room: the CLI's ranking, 50 rows at most, each
    # match a row (the re-post too, saying which article it re-posts).
    ranked = expected(archive_file, "dang uy", limit=50, fold=False).results
    assert [row["id"] for row in rows] == [result["id"] for result in ranked]
    assert len(rows) == 43 and [row["near_duplicate_of"] for row in rows if row["near_duplicate_of"]]


def test_serve_refuses_a_missing_archive(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from crawler.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "archive not found" in result.output


def _render(db: Path, path: str) -> str:
    """A page of the reading room, rendered in this process by Datasette with the plugin (no server)."""
    import asyncio

    from archive.query import ui

    response = asyncio.run(ui.make_datasette(db).client.get(path))
    assert response.status_code == 200, response.text[:2000]
    return response.text


def test_removed_articles_are_marked_and_listed_and_reposts_folded_honestly(tmp_path: Path) -> None:
    from archive import save_article
    from archive.store import utc_now
    from archive.takedowns import mark_gone
    from archive.transaction import write_transaction
    from crawler.extract.record import Article
    from tests.conftest import REPO
    from tests.fixtures import load_gold

    db = tmp_path / "ui.db"
    archive = open_archive(db)
    gold = load_gold(REPO / "fixtures" / "nghean" / "expected" / "34871.json")
    original = save_article(archive, Article(url=gold["url"], site="nghean", title=gold["title"], text=gold["text"]))
    repost = save_article(archive, Article(url="https://dienchau.nghean.dcs.vn/tin/34871.html", site="dienchau",
                                           title=gold["title"], text=gold["text"] + "\n\nTheo Cổng thông tin Tỉnh ủy."))
    other = load_gold(REPO / "fixtures" / "nghean" / "expected" / "34866.json")
    gone = save_article(archive, Article(url=other["url"], site="nghean", title=other["title"], text=other["text"]))
    when = utc_now()
    with write_transaction(archive):
        assert mark_gone(archive, gone.article_id, url=other["url"], reason="http_404", when=when) == "removed"
    archive.close()

    def title_links(page: str) -> list[str]:
        return re.findall(r'class="tinbai-result-title" href="[^"]*/articles/(\d+)"', page)

    # Both match "du thao bao cao": one row, the re-post named and linked under its original; both counted.
    page = _render(db, "/ui/search?q=du+thao+bao+cao")
    assert str(original.article_id) in title_links(page) and str(repost.article_id) not in title_links(page)
    assert "1 similar article" in page and f'/ui/articles/{repost.article_id}"' in page
    # Only the re-post has the words "Theo Cổng thông tin Tỉnh ủy" together: shown as itself, not
    # hidden behind its original, and saying which article it re-posts.
    page = _render(db, "/ui/search?q=%22theo+cong+thong+tin+tinh+uy%22")
    assert title_links(page) == [str(repost.article_id)] and "similar article" not in page
    assert f"a re-post of <a href=\"/ui/articles/{original.article_id}\"" in page
    # The removed article: marked in the search results, and listed by the "taken down" filter.
    page = _render(db, "/ui/search?q=phien+thuong+ky")
    assert "taken down by the portal" in page
    listed = _render(db, "/ui/search?status=removed")
    assert title_links(listed) == [str(gone.article_id)]


def test_a_portals_articles_by_month_computes_no_suggested_facets(served: str) -> None:
    """Datasette's suggested facets try every column of the page: at national scale they were most
    of the time of a portal's articles by month. The month facet itself is there."""
    base = served
    with urllib.request.urlopen(f"{base}/articles.json?site=nghean&_facet=published_month", timeout=30) as response:
        page = json.loads(response.read())
    assert page["suggested_facets"] == []
    facets = page["facet_results"].get("results", page["facet_results"])
    months = facets["published_month"]
    assert months["results"] and not months.get("timed_out")
