"""The live path over real HTTP: a replay set served on loopback as the real site
(crawler.replay_server), crawled with real Scrapy requests through its proxy support, archives
exactly what replaying the set archives; what it records replays to the same archive again.
"""

from __future__ import annotations

import gzip
import http.client
import json
import socket
import ssl
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from protego import Protego
from scrapy import Request
from scrapy.http import Response

from archive import open_archive
from crawler.fetch.replay import RecorderMiddleware, load_manifest, replay_key
from crawler.settings import RETRY_TIMES, USER_AGENT
from tests.replay_server import DROPPED, Hit, serve

SITE = "https://nghean.dcs.vn"
NGHEAN = Path(__file__).resolve().parents[1] / "fixtures" / "nghean"
TRIES = RETRY_TIMES + 1
# Politeness (1 s delay, AutoThrottle) would make the crawls of the replay sets take a second a
# page; test_live_crawl_is_polite_by_default checks it on its own, with the project's settings.
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")


# --- a small site, written by the test: every trap with a known answer ------------------------

ROBOTS = "User-agent: *\nDisallow: /vi-vn/chuyen-muc/noi-bo/\nDisallow: /vi-vn/tin/an/\n"
FORBIDDEN = [f"{SITE}/vi-vn/chuyen-muc/noi-bo/1-3", f"{SITE}/vi-vn/tin/an/1-2-102"]
FAILING = f"{SITE}/vi-vn/tin/loi/1-2-500"
# Error kinds a robots-forbidden request may be reported under: Scrapy's exception, or the spider's name for it.
ROBOTS_KINDS = {"IgnoreRequest", "robots_forbidden"}


def _article(title: str, day: int, author: str) -> str:
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head><body>
<ul class="breadcrumb"><a href="/vi-vn">Trang chủ</a><a href="/vi-vn/chuyen-muc/thoi-su/1-2">Thời sự</a></ul>
<div class="news-detail"><h1 class="news-title">{title}</h1>
<div class="news-date">Thứ Hai, {day:02d}/05/2025 08:30</div>
<div class="news-sapo">Ngày {day}/5, Ban Chấp hành Đảng bộ tỉnh Nghệ An tổ chức {title.lower()}.</div>
<div class="news-content"><p>Đồng chí Bí thư Tỉnh ủy chủ trì hội nghị, cùng các đồng chí trong Ban Thường vụ dự.</p>
<p>Hội nghị cho ý kiến vào các báo cáo về tình hình kinh tế - xã hội của tỉnh trong tháng {day}.</p>
<p>{author}</p></div></div></body></html>"""


def _listing(*paths: str) -> str:
    links = "".join(f'<li><a href="{path}">{path}</a></li>' for path in paths)
    return f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"></head><body><ul>{links}</ul></body></html>'


def write_replay_set(root: Path, pages: dict[str, tuple[int, dict[str, str], str | None]]) -> Path:
    """url -> (status, headers, body) as a replay set in `root`."""
    entries: list[dict[str, Any]] = []
    for number, (url, (status, headers, body)) in enumerate(pages.items()):
        entry: dict[str, Any] = {"url": url, "status": status, "headers": headers}
        if body is not None:
            entry["file"] = f"pages/{number}.html"
            (root / "pages").mkdir(parents=True, exist_ok=True)
            (root / entry["file"]).write_text(body, encoding="utf-8")
        entries.append(entry)
    (root / "manifest.json").write_text(json.dumps({"pages": entries}, ensure_ascii=False), encoding="utf-8")
    return root


HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    return write_replay_set(tmp_path / "small", {
        f"{SITE}/robots.txt": (200, {"Content-Type": "text/plain"}, ROBOTS),
        f"{SITE}/": (302, {"Location": f"{SITE}/vi-vn"}, None),
        f"{SITE}/vi-vn": (200, HTML, _listing(
            "/vi-vn/chuyen-muc/thoi-su/1-2", "/vi-vn/chuyen-muc/noi-bo/1-3", "/vi-vn/tin/bai-mot/1-2-101",
            "/vi-vn/tin/an/1-2-102", "/vi-vn/tin/loi/1-2-500", "/vi-vn/tin/mat/1-2-404",
        )),
        f"{SITE}/vi-vn/chuyen-muc/thoi-su/1-2": (200, HTML, _listing(
            "/vi-vn/tin/bai-hai/1-2-103", "/vi-vn/tin/bai-ba/1-2-104", "/vi-vn/chuyen-muc/thoi-su/1-2?page=2",
        )),
        f"{SITE}/vi-vn/chuyen-muc/thoi-su/1-2?page=2": (200, HTML, _listing(
            "/vi-vn/tin/bai-bon/1-2-105", "/vi-vn/tin/bai-mot/1-2-101",
        )),
        # Disallowed by robots.txt, yet served: only robots.txt keeps the crawler out (and away
        # from 1-3-900, which is allowed but linked from nowhere else).
        FORBIDDEN[0]: (200, HTML, _listing("/vi-vn/tin/noi-bo/1-3-900")),
        f"{SITE}/vi-vn/tin/noi-bo/1-3-900": (200, HTML, _article("Tài liệu nội bộ", 1, "Văn phòng")),
        FORBIDDEN[1]: (200, HTML, _article("Bài bị chặn", 2, "Hoài Thu")),
        FAILING: (500, HTML, "<h1>Server Error in '/' Application.</h1>"),
        f"{SITE}/vi-vn/tin/bai-mot/1-2-101": (200, HTML, _article("Hội nghị lần thứ năm", 12, "Nguyễn Văn An")),
        f"{SITE}/vi-vn/tin/bai-hai/1-2-103": (200, HTML, _article("Hội nghị giao ban quý hai", 13, "Thành Duy")),
        f"{SITE}/vi-vn/tin/bai-ba/1-2-104": (200, HTML, _article("Hội nghị sơ kết công tác", 14, "Quang Minh")),
        f"{SITE}/vi-vn/tin/bai-bon/1-2-105": (200, HTML, _article("Hội nghị tổng kết năm", 15, "Hoài Thu")),
    })


@pytest.fixture(params=["small", "nghean"])
def replay_set(request: pytest.FixtureRequest) -> Path:
    if request.param == "nghean":
        return NGHEAN
    return request.getfixturevalue("small_site")


# --- helpers -----------------------------------------------------------------------------------


def crawl(tinbai: Any, db: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """`tinbai crawl nghean --db DB ARGS...`; returns the run's summary."""
    result = tinbai("crawl", "nghean", "--db", str(db), *args, env=env)
    # Exit code 1: the run finished with errors, which the replay sets have on purpose (404, 500).
    assert result.returncode in (0, 1), result.stderr[-3000:]
    [summary] = json.loads(result.stdout)
    assert summary["status"] in ("ok", "errors"), summary
    return summary


def archived(db: Path) -> dict[str, Any]:
    """What an archive holds, independent of the order pages were fetched in."""
    archive = open_archive(db, readonly=True)
    try:
        articles = archive.execute(
            "SELECT url, title, published, author, text, content_hash FROM articles ORDER BY url"
        ).fetchall()
        urls = archive.execute(
            "SELECT article_urls.url, articles.url FROM article_urls JOIN articles ON articles.id = article_id"
            " ORDER BY article_urls.url"
        ).fetchall()
        [errors] = archive.execute("SELECT errors_json FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        archive.close()
    return {"articles": articles, "article_urls": urls, "errors": json.loads(errors)}


def check_site_was_treated_right(directory: Path, log: list[Hit], errors: dict[str, int]) -> dict[str, int]:
    """Against the manifest: robots.txt first and obeyed, redirects followed, 5xx retried then
    counted once. Returns how many of each there were, so a test can insist there were some."""
    pages = load_manifest(directory)
    asked = Counter(hit.url for hit in log)
    robots_url = f"{SITE}/robots.txt"
    assert log[0].url == robots_url
    robots = pages[replay_key(robots_url)]
    assert robots.file is not None
    rules = Protego.parse(robots.file.read_text(encoding="utf-8"))
    assert [url for url in asked if not rules.can_fetch(url, USER_AGENT)] == []
    forbidden = [url for url in pages if not rules.can_fetch(url, USER_AGENT)]

    served = {url: pages[replay_key(url)] for url in asked if replay_key(url) in pages}
    redirects = [page for page in served.values() if 300 <= page.status < 400]
    for page in redirects:
        assert page.headers["Location"] in asked, f"{page.url} redirects to an URL never requested"

    failing = [url for url, page in served.items() if page.status >= 500]
    assert {url: asked[url] for url in failing} == {url: TRIES for url in failing}
    assert {url: n for url, n in asked.items() if url not in failing and n != 1} == {}, "a page fetched twice"
    assert sum(n for kind, n in errors.items() if kind.startswith("http_5")) == len(failing)
    return {"forbidden": len(forbidden), "redirects": len(redirects), "retried": len(failing)}


# --- the live crawl equals the replay ------------------------------------------------------------


def test_live_crawl_archives_what_replay_archives(replay_set: Path, tmp_path: Path, tinbai: Any) -> None:
    record = tmp_path / "recorded"
    with serve(replay_set, gzip=True) as site:
        live = crawl(tinbai, tmp_path / "live.db", "--record", str(record), *FAST, env=site.proxy_env())
    replayed = crawl(tinbai, tmp_path / "replay.db", "--replay", str(replay_set))
    expected = archived(tmp_path / "replay.db")

    assert expected["articles"], "the replay archived nothing: nothing to compare"
    assert archived(tmp_path / "live.db") == expected
    assert live["errors_by_kind"] == replayed["errors_by_kind"] == expected["errors"]
    # Every https page came through a CONNECT tunnel in TLS, none as plain http.
    assert set(site.tunnels) == {"nghean.dcs.vn"}
    assert {hit.url.split("://")[0] for hit in site.log} == {"https"}

    treated = check_site_was_treated_right(replay_set, site.log, live["errors_by_kind"])
    # Both sets answer / with a 302 to /vi-vn and link an article that answers 500.
    assert treated["redirects"] >= 1 and treated["retried"] >= 1
    if replay_set.name == "small":
        assert treated == {"forbidden": 2, "redirects": 1, "retried": 1}
        assert not set(FORBIDDEN) & {hit.url for hit in site.log}
        assert Counter(hit.url for hit in site.log)[FAILING] == TRIES
        # The spider decides how a link robots.txt forbids is reported (if at all); each at most once.
        errors = live["errors_by_kind"]
        assert {kind: n for kind, n in errors.items() if kind not in ROBOTS_KINDS} == {"http_404": 1, "http_500": 1}
        assert sum(n for kind, n in errors.items() if kind in ROBOTS_KINDS) in (0, len(FORBIDDEN))
        assert len(expected["articles"]) == 4

    # The recording is a replay set of its own, every file inside it, and replays to the same archive.
    root = record.resolve()
    files = {path.resolve() for path in record.rglob("*") if path.is_file()}
    assert all(path.is_relative_to(root) for path in files)
    recorded = load_manifest(record)
    assert {page.file for page in recorded.values() if page.file} | {root / "manifest.json"} == files
    crawl(tinbai, tmp_path / "again.db", "--replay", str(record))
    assert archived(tmp_path / "again.db") == expected


def test_live_crawl_is_polite_by_default(tmp_path: Path, tinbai: Any) -> None:
    """The project's settings, only a shorter delay: one request at a time to the host, spaced."""
    delay = 0.2
    site_dir = write_replay_set(tmp_path / "tiny", {
        f"{SITE}/robots.txt": (200, {"Content-Type": "text/plain"}, "User-agent: *\nDisallow:\n"),
        f"{SITE}/": (200, HTML, _listing("/vi-vn/tin/bai-mot/1-2-101", "/vi-vn/tin/bai-hai/1-2-103")),
        f"{SITE}/vi-vn/tin/bai-mot/1-2-101": (200, HTML, _article("Hội nghị lần thứ năm", 12, "Nguyễn Văn An")),
        f"{SITE}/vi-vn/tin/bai-hai/1-2-103": (200, HTML, _article("Hội nghị giao ban quý hai", 13, "Thành Duy")),
    })
    # Each answer takes longer than the delay, so two requests let out together would overlap.
    with serve(site_dir, delay=0.3) as site:
        summary = crawl(tinbai, tmp_path / "polite.db", "-s", f"DOWNLOAD_DELAY={delay}", env=site.proxy_env())
    assert summary["new"] == 2
    hits = sorted(site.log, key=lambda hit: hit.started)
    assert len(hits) == 4
    for before, after in zip(hits, hits[1:], strict=False):
        assert after.started >= before.finished, f"{after.url} was requested while {before.url} was loading"
        # Scrapy spaces requests by the delay, randomised to 0.5-1.5 times it.
        assert after.started - before.started >= 0.5 * delay


def test_polite_defaults() -> None:
    from crawler import settings

    assert settings.ROBOTSTXT_OBEY is True
    assert settings.CONCURRENT_REQUESTS_PER_DOMAIN == 1
    assert settings.DOWNLOAD_DELAY >= 1 and settings.AUTOTHROTTLE_ENABLED
    assert "tinbai" in settings.USER_AGENT and settings.TINBAI_CONTACT_URL in settings.USER_AGENT
    assert "crawler.fetch.middlewares.RetryAfterMiddleware" in settings.DOWNLOADER_MIDDLEWARES


def test_user_agent_names_the_contact_url(small_site: Path, tmp_path: Path, tinbai: Any) -> None:
    contact = "https://example.org/lien-he"
    with serve(small_site) as site:
        crawl(tinbai, tmp_path / "ua.db", "-s", f"TINBAI_CONTACT_URL={contact}", *FAST, env=site.proxy_env())
    agents = {hit.user_agent for hit in site.log}
    assert agents == {f"tinbai/0.1 (news archive crawler; +{contact})"}


# --- the server's fault hooks, with a plain HTTP client -------------------------------------------


def _fetch(site: Any, path: str, **headers: str) -> http.client.HTTPResponse:
    host, port = site.url.removeprefix("http://").split(":")
    context = ssl.create_default_context(cafile=str(site.ca_file))  # the certificate really is for the host
    connection = http.client.HTTPSConnection(host, int(port), context=context, timeout=5)
    connection.set_tunnel("nghean.dcs.vn", 443)
    connection.request("GET", path, headers=headers)
    return connection.getresponse()


def test_replay_server_faults(small_site: Path) -> None:
    article = f"{SITE}/vi-vn/tin/bai-mot/1-2-101"
    page = load_manifest(small_site)[replay_key(article)]
    assert page.file is not None
    with serve(small_site, gzip=True, validators=True, unavailable={article: 1}, retry_after=7) as site:
        first = _fetch(site, "/vi-vn/tin/bai-mot/1-2-101", **{"Accept-Encoding": "gzip"})
        assert (first.status, first.headers["Retry-After"]) == (503, "7")
        second = _fetch(site, "/vi-vn/tin/bai-mot/1-2-101", **{"Accept-Encoding": "gzip"})
        assert second.status == 200 and second.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(second.read()) == page.file.read_bytes()
        etag = second.headers["ETag"]
        assert _fetch(site, "/vi-vn/tin/bai-mot/1-2-101", **{"If-None-Match": etag}).status == 304
        last_modified = second.headers["Last-Modified"]
        assert _fetch(site, "/vi-vn/tin/bai-mot/1-2-101", **{"If-Modified-Since": last_modified}).status == 304
        assert _fetch(site, "/vi-vn/tin/bai-mot/1-2-101", **{"If-None-Match": '"other"'}).status == 200
        assert _fetch(site, "/khong-co").status == 404
    assert [(hit.method, hit.status) for hit in site.log] == [("GET", s) for s in (503, 200, 304, 304, 200, 404)]

    with serve(small_site, drop={article: 1}, delay={article: 0.3}) as site:
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError, socket.timeout)):
            _fetch(site, "/vi-vn/tin/bai-mot/1-2-101")
        answer = _fetch(site, "/vi-vn/tin/bai-mot/1-2-101")
        assert answer.status == 200 and answer.read() == page.file.read_bytes()
    assert [hit.status for hit in site.log] == [DROPPED, 200]
    assert all(hit.finished - hit.started >= 0.3 for hit in site.log)


# --- the recorder keeps every file inside its directory ----------------------------------------------


HOSTILE_URLS = [
    "https://x/../../etc/passwd",
    "https://x/%2e%2e/%2e%2e/etc/passwd",
    "https://x/a/..%2f..%2f..%2fetc%2fpasswd",
    "https://x/C:\\Windows\\win.ini",
    "https://x/" + "dài/" * 5000,  # a path far longer than any file name
    "https://x/?q=" + "a" * 100_000,
    "https://nghean.dcs.vn/manifest.json",
]


def test_recorder_keeps_files_inside_its_directory(tmp_path: Path) -> None:
    root = tmp_path / "rec"
    recorder = RecorderMiddleware(str(root))
    bodies = {}
    for number, url in enumerate(HOSTILE_URLS):
        request = Request(url)
        body = f"trang {number}".encode()
        recorder.process_response(request, Response(request.url, body=body, headers=HTML, request=request))
        bodies[request.url] = body
    recorder.write_manifest()

    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert all(path.resolve().is_relative_to(root.resolve()) for path in files)
    assert sorted(path.name for path in files if path.parent == root) == ["manifest.json"]
    assert len(files) == len(bodies) + 1  # one a URL as requested (w3lib 2.6 resolves "/../" and "/%2e%2e/")
    assert max(len(path.name) for path in files) < 100
    replayed = load_manifest(root)
    for url, body in bodies.items():
        saved = replayed[replay_key(url)]
        assert saved.file is not None and saved.file.read_bytes() == body, url


# --- faults on: Retry-After, 503s, dropped connections, slow answers, validators ------------------


def test_retry_after_pauses_the_host(small_site: Path, tmp_path: Path, tinbai: Any) -> None:
    article = f"{SITE}/vi-vn/tin/bai-hai/1-2-103"
    # A delay, not FAST: with DOWNLOAD_DELAY=0 Scrapy 2.19 lets every queued request of a host go
    # at once (Downloader._process_queue schedules them before any counts as transferring).
    polite = ("-s", "DOWNLOAD_DELAY=0.1", "-s", "AUTOTHROTTLE_ENABLED=False")
    with serve(small_site, unavailable={article: 1}, retry_after=2) as site:
        summary = crawl(tinbai, tmp_path / "wait.db", *polite, env=site.proxy_env())
    hits = [hit for hit in site.log if hit.url == article]
    assert [hit.status for hit in hits] == [503, 200]
    refused = hits[0]
    # Scrapy would retry at once; the server said two seconds, for the whole host.
    assert hits[1].started - refused.finished >= 1.9
    # Nothing else either, but the one request the downloader sends the moment the 503 is read,
    # before the middleware sees it.
    during = [hit.url for hit in site.log if refused.finished < hit.started < refused.finished + 1.9]
    assert len(during) <= 1, during
    assert summary["new"] == 4 and "http_503" not in summary["errors_by_kind"]


def test_a_long_retry_after_is_not_waited_for(small_site: Path, tmp_path: Path, tinbai: Any) -> None:
    article = f"{SITE}/vi-vn/tin/bai-hai/1-2-103"
    with serve(small_site, unavailable={article: 10}, retry_after=3600) as site:
        summary = crawl(tinbai, tmp_path / "late.db", *FAST, env=site.proxy_env())
    assert [hit.status for hit in site.log if hit.url == article] == [503]
    assert summary["errors_by_kind"]["http_503"] == 1 and summary["new"] == 3
    assert site.log[-1].finished - site.log[0].started < 30


def test_live_crawl_with_faults_on_archives_what_replay_archives(tmp_path: Path, tinbai: Any) -> None:
    listing = f"{SITE}/vi-vn/chuyen-muc/chinh-quyen/1-5"
    dropped = [f"{SITE}/vi-vn/tin/giao-ban-cong-tac-xay-dung-dang-6-thang-dau-nam-2023/1-2-21066",
               f"{SITE}/vi-vn/tin/hoi-nghi-bao-cao-vien-tinh-uy-thang-11-2026/1-8-34805"]
    faults: dict[str, Any] = dict(gzip=True, validators=True, unavailable={listing: 1}, retry_after=1,
                                  drop={url: 1 for url in dropped}, delay={dropped[0]: 0.5, listing: 0.3})
    crawl(tinbai, tmp_path / "replay.db", "--replay", str(NGHEAN))
    expected = archived(tmp_path / "replay.db")
    with serve(NGHEAN, **faults) as site:
        live = crawl(tinbai, tmp_path / "live.db", *FAST, env=site.proxy_env())
    assert archived(tmp_path / "live.db") == expected
    assert live["errors_by_kind"] == expected["errors"]
    statuses = Counter(hit.status for hit in site.log)
    assert statuses[DROPPED] == 2 and statuses[503] == 1

    # Again, every article due: conditional requests, 304s, the archive unchanged.
    with serve(NGHEAN, **faults) as site:
        again = crawl(tinbai, tmp_path / "live.db", "-s", "TINBAI_REFRESH=[[36500, 0]]", *FAST, env=site.proxy_env())
    assert again["not_modified"] >= 16 and (again["new"], again["updated"]) == (0, 0)
    assert archived(tmp_path / "live.db")["articles"] == expected["articles"]
