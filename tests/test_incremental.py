"""Incremental crawling: what a second, third... run fetches, counted in the loopback site's log.

A listing's pagination stops after a page whose articles are all known; known articles are
fetched again only on the refresh schedule, with If-None-Match / If-Modified-Since; --full
fetches everything.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from archive import load_plan, open_archive, record_fetch, record_listing
from archive.crawlstate import refresh_interval
from tests.replay_server import serve
from tests.test_live import FAST, HTML, NGHEAN, SITE, _article, _listing, archived, crawl, write_replay_set

ROBOTS = (200, {"Content-Type": "text/plain"}, "User-agent: *\nDisallow:\n")
LISTING = f"{SITE}/vi-vn/chuyen-muc/thoi-su/1-2"


def _paged_site(root: Path, pages: list[list[int]]) -> Path:
    """A home page linking one listing whose page N lists the article ids in pages[N-1]."""
    site: dict[str, tuple[int, dict[str, str], str | None]] = {
        f"{SITE}/robots.txt": ROBOTS,
        f"{SITE}/": (200, HTML, _listing("/vi-vn/chuyen-muc/thoi-su/1-2")),
    }
    for number, ids in enumerate(pages, start=1):
        url = LISTING if number == 1 else f"{LISTING}?page={number}"
        links = [f"/vi-vn/tin/bai-{i}/1-2-{i}" for i in ids]
        links += [f"/vi-vn/chuyen-muc/thoi-su/1-2?page={n}" for n in range(2, len(pages) + 1) if n != number]
        site[url] = (200, HTML, _listing(*links))
        for i in ids:
            body = _article(f"Hội nghị số {i}", 1 + i % 27, "Hoài Thu")
            site[f"{SITE}/vi-vn/tin/bai-{i}/1-2-{i}"] = (200, HTML, body)
    return write_replay_set(root, site)


def _asked(log: list[Any]) -> Counter[str]:
    return Counter(hit.url.removeprefix(SITE) for hit in log)


def test_second_run_over_an_unchanged_portal_fetches_the_first_pages_only(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "nghean.db"
    with serve(NGHEAN, validators=True) as site:
        first = crawl(tinbai, db, *FAST, env=site.proxy_env())
        first_requests = len(site.log)
        del site.log[:]
        second = crawl(tinbai, db, *FAST, env=site.proxy_env())
    asked = _asked(site.log)
    listings = {"/vi-vn/chuyen-muc/xay-dung-dang/1-2", "/vi-vn/chuyen-muc/chinh-quyen/1-5",
                "/vi-vn/chuyen-muc/tuyen-giao/1-8"}
    failing = ("/vi-vn/tin/ban-to-chuc-tinh-uy-huong-dan-danh-gia-xep-loai-chat-luong-to-chuc-dang-dang-vien-nam-2026"
               "/1-2-34779")
    # robots.txt, the home page (a redirect), each listing's first page; and the article that
    # answered 500 last time, retried (3 tries) because a 5xx may pass.
    assert set(asked) == {"/robots.txt", "/", "/vi-vn", *listings, failing}
    assert sum(asked.values()) == 6 + 3
    assert first_requests >= 30, first_requests
    assert (first["new"], second["new"], second["updated"]) == (16, 0, 0)
    assert second["errors_by_kind"] == {"http_500": 1}


def test_pagination_stops_after_a_page_of_known_articles(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "paged.db"
    before = _paged_site(tmp_path / "before", [[9, 8], [7, 6], [5, 4], [3, 2]])
    # Two new articles on top push everything down by one page.
    after = _paged_site(tmp_path / "after", [[11, 10], [9, 8], [7, 6], [5, 4], [3, 2]])
    with serve(before) as site:
        assert crawl(tinbai, db, *FAST, env=site.proxy_env())["new"] == 8
    with serve(after) as site:
        summary = crawl(tinbai, db, *FAST, env=site.proxy_env())
    asked = _asked(site.log)
    assert summary["new"] == 2
    # Page 1 had new articles, so page 2 was read; page 2's were all known: no page 3.
    assert {url for url in asked if "chuyen-muc" in url} == {"/vi-vn/chuyen-muc/thoi-su/1-2",
                                                            "/vi-vn/chuyen-muc/thoi-su/1-2?page=2"}
    assert {url for url in asked if "/tin/" in url} == {"/vi-vn/tin/bai-11/1-2-11", "/vi-vn/tin/bai-10/1-2-10"}
    assert len(archived(db)["articles"]) == 10

    # --full reads every page and fetches every article again.
    with serve(after) as site:
        full = crawl(tinbai, db, "--full", *FAST, env=site.proxy_env())
    asked = _asked(site.log)
    assert len([url for url in asked if "chuyen-muc" in url]) == 5
    assert len([url for url in asked if "/tin/" in url]) == 10
    assert (full["new"], full["duplicates"]) == (0, 10)


def test_known_articles_are_refetched_on_schedule_with_conditional_requests(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "refresh.db"
    site_dir = _paged_site(tmp_path / "site", [[3, 2, 1]])
    articles = {f"/vi-vn/tin/bai-{i}/1-2-{i}" for i in (1, 2, 3)}
    with serve(site_dir, validators=True) as site:
        crawl(tinbai, db, *FAST, env=site.proxy_env())
        # Not due (fetched a moment ago): not fetched at all.
        del site.log[:]
        crawl(tinbai, db, *FAST, env=site.proxy_env())
        assert not set(_asked(site.log)) & articles
        # A schedule that makes every article due: fetched again, conditionally, and unchanged.
        del site.log[:]
        summary = crawl(tinbai, db, "-s", "TINBAI_REFRESH=[[36500, 0]]", *FAST, env=site.proxy_env())
    refetched = [hit for hit in site.log if hit.url.removeprefix(SITE) in articles]
    assert [hit.status for hit in refetched] == [304, 304, 304]
    assert (summary["not_modified"], summary["new"], summary["updated"], summary["status"]) == (3, 0, 0, "ok")
    archive = open_archive(db, readonly=True)
    assert archive.execute("SELECT count(*) FROM article_versions").fetchone()[0] == 3
    validators = archive.execute("SELECT count(*) FROM crawl_state WHERE etag IS NOT NULL AND kind = 'article'")
    assert validators.fetchone()[0] == 3


def test_refresh_schedule_by_age() -> None:
    schedule = ((2, 0.25), (14, 2), (90, 14))
    assert refresh_interval(timedelta(hours=5), schedule) == timedelta(hours=6)
    assert refresh_interval(timedelta(days=10), schedule) == timedelta(days=2)
    assert refresh_interval(timedelta(days=89), schedule) == timedelta(days=14)
    assert refresh_interval(timedelta(days=400), schedule) is None

    db = open_archive(":memory:")
    now = datetime(2026, 11, 22, tzinfo=UTC)
    fetched = (now - timedelta(days=3)).isoformat()
    for url in ("https://x/new", "https://x/old"):
        record_fetch(db, url, site="x", kind="article", status=200, when=fetched)
    # discovered = first fetch; make the old one old.
    db.execute("UPDATE crawl_state SET discovered = ? WHERE url = ?", [(now - timedelta(days=200)).isoformat(),
                                                                      "https://x/old"])
    record_listing(db, "https://x/list", site="x", status=200, queued=[("https://x/pending", "article")])
    record_fetch(db, "https://x/down", site="x", kind="article", status=503, error="http_503")
    record_fetch(db, "https://x/gone", site="x", kind="article", status=404, error="http_404")
    plan = load_plan(db, "x", now=now, schedule=schedule)
    # 3 days old, fetched 3 days ago: due (every 2 days). 200 days old: only --full. Pending and
    # transient failures: due. A 404 fetched just now: not due.
    assert {url for url, _ in plan.due} == {"https://x/new", "https://x/pending", "https://x/down"}
    assert plan.known >= {"https://x/new", "https://x/old", "https://x/gone", "https://x/list"}
    assert "https://x/pending" not in plan.known
    full = load_plan(db, "x", now=now, schedule=schedule, full=True)
    assert {url for url, _ in full.due} >= {"https://x/old", "https://x/gone"}


def test_tinbai_runs_shows_what_each_run_did(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "runs.db"
    crawl(tinbai, db, "--replay", str(NGHEAN))
    crawl(tinbai, db, "--replay", str(NGHEAN))
    listed = tinbai("runs", "--db", str(db), "--json")
    assert listed.returncode == 0, listed.stderr
    second, first = json.loads(listed.stdout)
    assert set(first) >= {"id", "site", "started", "finished", "status", "pages", "new", "updated", "duplicates",
                          "not_modified", "errors", "errors_by_kind"}
    assert (first["new"], first["pages"], first["errors_by_kind"]) == (16, 30, {"http_404": 1, "http_500": 1})
    assert (second["new"], second["pages"], second["errors_by_kind"]) == (0, 9, {"http_500": 1})
    assert first["started"] <= first["finished"] <= second["started"]
    # For a person (the default; --table is the same): a header, a rule, one line per run.
    table = tinbai("runs", "--db", str(db), "--limit", "1").stdout.strip().splitlines()
    assert len(table) == 3 and table[0].split()[:2] == ["run", "portal"]
    assert table[2].split()[:2] == ["2", "nghean"] and table[2].endswith("http_500: 1")
    assert tinbai("runs", "--db", str(db), "--table", "--limit", "1").stdout.strip().splitlines() == table
    rows = tinbai("runs", "--db", str(db), "--csv").stdout.strip().splitlines()
    assert len(rows) == 3 and rows[0].startswith("id,site,started") and rows[0].endswith(",errors_by_kind")
    assert rows[2].endswith(',"http_404: 1, http_500: 1"')


def test_an_archive_from_before_the_crawl_state_knows_its_articles() -> None:
    from sqlite_utils import Database

    from archive import save_article
    from archive.schema import migrations
    from crawler.extract.record import Article

    db = Database(memory=True)
    migrations.apply(db, stop_before="m100_crawl_state")
    url = f"{SITE}/vi-vn/tin/bai-mot/1-2-101"
    save_article(db, Article(url=url, site="nghean", title="Hội nghị", text="Đồng chí Bí thư chủ trì."))
    migrations.apply(db)
    plan = load_plan(db, "nghean")
    # Known (a listing showing only it stops there), and fetched again only when due.
    assert url in plan.known
    assert db.execute("SELECT kind, status FROM crawl_state WHERE url = ?", [url]).fetchone() == ("article", 200)


def test_a_page_that_failed_is_fetched_again_once_it_answers(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "retry.db"
    failing = f"{SITE}/vi-vn/tin/bai-9/1-2-9"
    down = _paged_site(tmp_path / "down", [[9, 8]])
    manifest = json.loads((down / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["pages"]:
        if entry["url"] == failing:
            entry["status"] = 500
    (down / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    up = _paged_site(tmp_path / "up", [[9, 8]])
    first = crawl(tinbai, db, "--replay", str(down))
    assert (first["new"], first["errors_by_kind"]) == (1, {"http_500": 1})
    second = crawl(tinbai, db, "--replay", str(up))
    assert (second["new"], second["status"]) == (1, "ok")
    # Fetched and archived: the next run does not ask for it again (not due for days).
    with serve(up) as site:
        third = crawl(tinbai, db, *FAST, env=site.proxy_env())
    assert failing.removeprefix(SITE) not in _asked(site.log)
    assert (third["new"], third["status"]) == (0, "ok")
