"""The whole path over the saved portal: replay -> spider -> extraction -> dedup -> archive -> CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
import zstandard

from tests.fixtures import FIXTURES, gold_records, load_gold, saved_page

NGHEAN = FIXTURES / "nghean"
EXPECTED = load_gold(NGHEAN / "expected" / "crawl.json")
TINBAI = [sys.executable, "-m", "crawler.cli"]


def tinbai(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(FIXTURES.parent)}
    return subprocess.run([*TINBAI, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    db = tmp_path_factory.mktemp("crawl") / "nghean.db"
    return db, tinbai("crawl", "nghean", "--replay", str(NGHEAN), "--db", str(db))


def test_crawl_reports_what_it_did(crawled: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _, result = crawled
    # The snapshot holds a 404 and a 500 on purpose: the run finishes, with errors.
    assert result.returncode == 1, result.stderr
    (summary,) = json.loads(result.stdout)
    assert summary["new"] == len(EXPECTED["articles"]) == 16
    assert summary["updated"] == 0
    assert summary["errors_by_kind"] == {f"http_{status}": 1 for status in EXPECTED["errors"].values()}
    assert summary["status"] == "errors"
    assert result.stderr.strip() == ""


def test_archive_holds_each_article_once_with_its_gold_fields(crawled: tuple[Path, object]) -> None:
    db = sqlite_utils.Database(crawled[0])
    rows = {row["url"]: row for row in db["articles"].rows}
    assert set(rows) == set(EXPECTED["articles"])
    for _, path in gold_records():
        gold = load_gold(path)
        row = rows[gold["url"]]
        for field in ("site", "title", "published", "author", "category", "summary", "source", "text"):
            assert row[field] == gold[field], f"{path.stem}: {field}"
        images = [
            {"src": image["src"], "caption": image["caption"]}
            for image in db["images"].rows_where("article_id = ?", [row["id"]], order_by="position")
        ]
        assert images == gold["images"], path.stem
        assert row["extraction"] == "profile:nghean"


def test_every_url_an_article_was_seen_under_is_an_alias_not_a_copy(crawled: tuple[Path, object]) -> None:
    db = sqlite_utils.Database(crawled[0])
    by_article: dict[str, set[str]] = {}
    for url, canonical in db.execute(
        "SELECT article_urls.url, articles.url FROM article_urls JOIN articles ON articles.id = article_id"
    ).fetchall():
        by_article.setdefault(canonical, set()).add(url)
    for canonical, expected in EXPECTED["articles"].items():
        assert by_article[canonical] == {canonical, *expected["aliases"]}
    seen = {url for urls in by_article.values() for url in urls}
    assert not any("utm_" in url or "fbclid" in url for url in seen)
    assert not seen & set(EXPECTED["errors"])


def test_raw_pages_are_kept_compressed_and_byte_identical(crawled: tuple[Path, object]) -> None:
    db = sqlite_utils.Database(crawled[0])
    for row in db.query(
        "SELECT raw_pages.url, raw_pages.body, raw_pages.compression FROM articles"
        " JOIN article_versions ON article_versions.article_id = articles.id"
        " JOIN raw_pages ON raw_pages.id = article_versions.raw_page_id"
    ):
        # Standard Zstandard frames: any zstd tool reads them back.
        assert row["compression"] == "zstd" and row["body"][:4] == b"\x28\xb5\x2f\xfd"
        assert zstandard.ZstdDecompressor().decompress(row["body"]) == saved_page("nghean", row["url"]).body
    assert db["article_versions"].count == 16


def test_second_crawl_adds_nothing(crawled: tuple[Path, object], tmp_path: Path) -> None:
    db = tmp_path / "again.db"
    tinbai("crawl", "nghean", "--replay", str(NGHEAN), "--db", str(db))
    # --full: every article fetched again (an incremental run would not fetch them at all).
    second = tinbai("crawl", "nghean", "--replay", str(NGHEAN), "--db", str(db), "--full")
    (summary,) = json.loads(second.stdout)
    assert (summary["new"], summary["updated"], summary["duplicates"]) == (0, 0, 17)
    archive = sqlite_utils.Database(db)
    assert archive["articles"].count == 16
    assert archive["article_versions"].count == 16
    assert archive["runs"].count == 2


def test_search_without_diacritics(crawled: tuple[Path, object]) -> None:
    result = tinbai("search", "dang uy khoi", "--db", str(crawled[0]), "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    urls = [hit["url"] for hit in hits]
    seed = load_gold(NGHEAN / "expected" / "21523.json")["url"]
    assert seed in urls
    hit = hits[urls.index(seed)]
    assert set(hit) >= {"url", "title", "published", "snippet"}
    assert "Đảng" in hit["snippet"] and "[" in hit["snippet"]


def test_malformed_search_is_one_line_exit_2(crawled: tuple[Path, object]) -> None:
    result = tinbai("search", '"dang uy', "--db", str(crawled[0]))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_robots_txt_is_obeyed_in_replay(tmp_path: Path) -> None:
    forbidden = EXPECTED["not_fetched"][0]
    assert "/vi-vn/tim-kiem" in forbidden
    result = tinbai("crawl", "nghean", "--replay", str(NGHEAN), "--db", str(tmp_path / "r.db"), "--start", forbidden)
    (summary,) = json.loads(result.stdout)
    # Obeying robots.txt is policy, not a fault: nothing fetched but robots.txt, no error.
    assert summary["pages"] == 1
    assert (summary["status"], summary["errors_by_kind"], summary["new"]) == ("ok", {}, 0)
    assert result.returncode == 0


def test_bad_replay_directory_is_one_line_exit_2(tmp_path: Path) -> None:
    result = tinbai("crawl", "nghean", "--replay", str(tmp_path), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert "manifest" in result.stderr and "Traceback" not in result.stderr


def test_scrapy_list_and_crawl_use_the_same_spider(tmp_path: Path) -> None:
    root = FIXTURES.parent
    listed = subprocess.run([sys.executable, "-m", "scrapy", "list"], capture_output=True, text=True, cwd=root)
    assert listed.stdout.split() == ["nghean"]
    db = tmp_path / "scrapy.db"
    crawled = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "nghean", "-s", f"TINBAI_REPLAY={NGHEAN}", "-s", f"TINBAI_DB={db}",
         "-s", "LOG_LEVEL=CRITICAL"],
        capture_output=True, text=True, cwd=root, timeout=120,
    )
    # As `tinbai crawl`: finished with errors (the saved portal's 404 and 500), said in one line.
    assert crawled.returncode == 1, crawled.stderr
    assert crawled.stderr.strip().splitlines() == [
        f"the crawl of nghean finished with status errors: `tinbai runs --db {db}` says what it met"
    ]
    assert sqlite_utils.Database(db)["articles"].count == 16
    # A setting Scrapy cannot read: could not run, one line, exit 2.
    bad = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "nghean", "-s", f"TINBAI_REPLAY={NGHEAN}", "-s", f"TINBAI_DB={db}",
         "-s", "LOG_LEVEL=CRITICAL", "-s", "DOWNLOAD_DELAY=soon"],
        capture_output=True, text=True, cwd=root, timeout=120,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines() == [
        "Error: could not start the crawl of nghean: ValueError: could not convert string to float: 'soon'"
    ]


def test_extract_prints_one_record(tmp_path: Path) -> None:
    gold = load_gold(NGHEAN / "expected" / "12847.json")
    page = tmp_path / "page.html"
    page.write_bytes(saved_page("nghean", gold["url"]).body)
    result = tinbai("extract", str(page), "--url", gold["url"])
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert {k: record[k] for k in ("title", "published", "author", "text")} == {
        k: gold[k] for k in ("title", "published", "author", "text")
    }
    assert len(record["content_hash"]) == 64


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://nghean.dcs.vn/vi-vn/chuyen-muc/xay-dung-dang/1-2", "listing"),
        ("https://nghean.dcs.vn/vi-vn", "no article"),
    ],
)
def test_extract_refuses_pages_without_an_article(url: str, reason: str, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(saved_page("nghean", url).body)
    result = tinbai("extract", str(page), "--url", url)
    assert result.returncode == 1
    assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_replay_retries_what_a_live_crawl_retries_but_a_proxy_tunnel(tmp_path: Path) -> None:
    from scrapy.settings import Settings

    from crawler.fetch.replay import ReplayAddon

    def retried(*overrides: tuple[str, str]) -> list[str]:
        settings = Settings()
        settings.setmodule("crawler.settings", priority="project")
        for name, value in overrides:
            settings.set(name, value, priority="cmdline")
        ReplayAddon().update_settings(settings)
        return [str(name) for name in settings.getlist("RETRY_EXCEPTIONS")]

    live, replay = retried(), retried(("TINBAI_REPLAY", str(NGHEAN)))
    # A replay has no proxy to tunnel through: naming the error would import the HTTP/1.1 handler.
    assert [name for name in live if name not in replay] == ["scrapy.core.downloader.handlers.http11.TunnelError"]
    assert len(replay) == len(live) - 1 >= 8
