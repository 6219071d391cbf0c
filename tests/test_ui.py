"""The browser UI end to end: crawl the saved portal, `tinbai serve` it, search it in headless Chromium.

Needs Debian's chromium and chromium-driver (.ci/run installs them); without them the test is
skipped on a developer's machine and fails in CI.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from archive import open_archive, search
from tests.conftest import REPO, tinbai_command

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(base URL of the archive in Datasette, archive path) for the crawled saved portal."""
    db = tmp_path_factory.mktemp("ui") / "nghean.db"
    env = {key: value for key, value in os.environ.items() if key.lower() not in ("http_proxy", "https_proxy")}
    crawl = subprocess.run(
        [tinbai_command(), "crawl", "nghean", "--replay", str(REPO / "fixtures" / "nghean"), "--db", str(db)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert crawl.returncode in (0, 1), crawl.stderr
    port = _free_port()
    server = subprocess.Popen(
        [tinbai_command(), "serve", "--db", str(db), "--port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}/nghean"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base, timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read() if server.stdout else ""
                    raise AssertionError(f"tinbai serve did not start: {output}") from None
                time.sleep(0.2)
        yield base, db
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not (CHROMIUM and CHROMEDRIVER):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromedriver are missing: .ci/run installs Debian's chromium chromium-driver")
        pytest.skip("needs Debian's chromium and chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(argument)
    # Both paths given: Selenium Manager has nothing to look up or download.
    os.environ.setdefault("SE_OFFLINE", "true")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(10)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the page did not get there in time")
        time.sleep(0.1)


def test_searching_dang_uy_without_diacritics_in_the_browser(served: tuple[str, Path], browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, db = served
    driver = browser
    driver.get(f"{base}/search")
    box = driver.find_element(By.CSS_SELECTOR, 'input[name="q"]')
    box.clear()
    box.send_keys("dang uy", Keys.ENTER)
    wait_for(lambda: "q=dang+uy" in driver.current_url)

    titles = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "td.col-title")]
    archive = open_archive(db, readonly=True)
    expected = [result["title"] for result in search(archive, "dang uy", limit=50)]
    archive.close()
    # The same articles in the same order as `tinbai search`: "Đảng ủy" together first.
    assert titles == expected and len(titles) >= 10
    assert titles[0].startswith("Ban Tuyên giáo Tỉnh ủy và Đảng ủy Khối các cơ quan tỉnh")
    first_snippet = driver.find_element(By.CSS_SELECTOR, "td.col-snippet")
    marked = [mark.text for mark in first_snippet.find_elements(By.TAG_NAME, "mark")]
    assert "Đảng" in marked and "ủy" in marked

    # The title opens the article's page, which links to its versions.
    driver.find_element(By.CSS_SELECTOR, "td.col-title a").click()
    wait_for(lambda: "/nghean/articles/" in driver.current_url)
    driver.find_element(By.CSS_SELECTOR, 'a[href*="/article_versions?article_id="]').click()
    wait_for(lambda: "/article_versions" in driver.current_url)
    assert driver.find_element(By.CSS_SELECTOR, "td.col-version").text == "1"


def test_table_search_box_folds_and_facets_are_there(served: tuple[str, Path], browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, _ = served
    driver = browser
    driver.get(f"{base}/articles")
    facets = {el.get_attribute("data-column") for el in driver.find_elements(By.CSS_SELECTOR, ".facet-info")}
    assert facets == {"site", "category", "published_month"}
    driver.find_element(By.ID, "_search").send_keys("Đảng ủy Khối", Keys.ENTER)
    wait_for(lambda: "_search=" in driver.current_url)
    titles = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "td.col-title")]
    assert any(title.startswith("Ban Tuyên giáo Tỉnh ủy và Đảng ủy Khối") for title in titles)
    assert len(titles) < 16


def test_serve_refuses_a_missing_archive(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from crawler.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "archive not found" in result.output
