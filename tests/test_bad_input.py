"""Bad input: each hostile page is one counted, logged error; the run goes on and the archive is
sound. A corrupt, locked or unwritable archive is one clear line and exit code 2."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from archive import open_archive
from tests.fixtures import saved_page
from tests.replay_server import serve
from tests.test_faults import check_sound
from tests.test_live import FAST, HTML, SITE, _article, _listing

LIMIT = 200_000  # DOWNLOAD_MAXSIZE for these crawls
LEGACY = f"{SITE}/vi-vn/tin/trien-khai-tuyen-truyen-ky-niem-125-nam-ngay-sinh-chu-tich-ho-chi-minh/1-8-1864"


def _article_path(slug: str, number: int) -> str:
    return f"/vi-vn/tin/{slug}/1-2-{number}"


# path -> (status, headers, body bytes or None)
def hostile_pages() -> dict[str, tuple[int, dict[str, str], bytes | None]]:
    good = _article("Hội nghị lần thứ năm", 12, "Nguyễn Văn An").encode()
    legacy = saved_page("nghean", LEGACY).body  # windows-1258, its <meta> says so
    pages: dict[str, tuple[int, dict[str, str], bytes | None]] = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n"),
        "/": (200, HTML, _listing(*[_article_path(slug, n) for n, slug in enumerate(TRAPS, start=100)],
                                  "https://nghean.dcs.vn:99999/vi-vn/tin/cong/1-2-1", "http://[::1",
                                  "/vi-vn/tin/" + "dai" * 1000 + "/1-2-2", "javascript:window.print();",
                                  "https://evil.example/vi-vn/tin/ngoai/1-2-3").encode()),
    }
    bodies: dict[str, tuple[int, dict[str, str], bytes | None]] = {
        "tot": (200, HTML, good),
        "tot-hai": (200, HTML, _article("Hội nghị giao ban quý hai", 13, "Thành Duy").encode()),
        "cat-ngang": (200, HTML, good[: len(good) // 2]),  # truncated mid-paragraph
        "rong": (200, HTML, b""),
        # The label says utf-8, the bytes are windows-1258 (the page's <meta> knows better).
        "sai-bang-ma": (200, HTML, legacy),
        # No <meta> to set it right: archived correctly, or refused; never mojibake.
        "sai-bang-ma-tran": (200, HTML, legacy.replace(b'charset=windows-1258', b'')),
        "qua-lon": (200, HTML, good.replace(b"</body>", b"<p>" + b"x" * (LIMIT + 1000) + b"</p></body>")),
        "bom": (200, {**HTML, "Content-Encoding": "gzip"}, gzip.compress(b"<p>" + b"0" * 50 * LIMIT, 9)),
        "vong": (302, {"Location": _article_path("vong-hai", 200)}, None),
        "ra-ngoai": (302, {"Location": "https://evil.example/vi-vn/tin/ngoai/1-2-3"}, None),
        "pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        "json": (200, {"Content-Type": "application/json"}, '{"title": "Hội nghị"}'.encode()),
        "anh": (200, {"Content-Type": "image/jpeg"}, b"\xff\xd8\xff\xe0" + b"\0" * 100),
    }
    for number, slug in enumerate(TRAPS, start=100):
        pages[_article_path(slug, number)] = bodies[slug]
    pages[_article_path("vong-hai", 200)] = (302, {"Location": _article_path("vong", TRAPS.index("vong") + 100)}, None)
    return pages


TRAPS = ["tot", "tot-hai", "cat-ngang", "rong", "sai-bang-ma", "sai-bang-ma-tran", "qua-lon", "bom", "vong",
         "ra-ngoai", "pdf", "json", "anh"]
EXPECTED_ERRORS = {
    "truncated": 1, "empty_page": 1, "too_large": 2, "redirect_loop": 1, "offsite_redirect": 1, "not_html": 3,
    "malformed_link": 3,
}
BAD_ENTRIES = [
    {"file": "pages/0.html"},  # no url
    {"url": "ftp://nghean.dcs.vn/x", "file": "pages/0.html"},
    {"url": f"{SITE}/a", "status": 999},
    {"url": f"{SITE}/b", "file": "../../../etc/passwd"},
    {"url": f"{SITE}/c", "file": "pages/khong-co.html"},
    {"url": f"{SITE}/d", "headers": ["Content-Type", "text/html"]},
    "not an object",
]


def write_hostile_set(root: Path) -> Path:
    entries: list[Any] = []
    (root / "pages").mkdir(parents=True)
    for number, (path, (status, headers, body)) in enumerate(hostile_pages().items()):
        entry: dict[str, Any] = {"url": SITE + path, "status": status, "headers": headers}
        if body is not None:
            entry["file"] = f"pages/{number}.html"
            (root / entry["file"]).write_bytes(body)
        entries.append(entry)
    (root / "manifest.json").write_text(json.dumps({"pages": entries + BAD_ENTRIES}), encoding="utf-8")
    return root


def _crawl(tinbai: Any, db: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = tinbai("crawl", "nghean", "--db", str(db), "--start", f"{SITE}/", "-s", f"DOWNLOAD_MAXSIZE={LIMIT}",
                    *args, env=env)
    assert result.returncode == 1, result.stderr[-3000:]  # finished, with errors
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    [summary] = json.loads(result.stdout)
    return summary


def _texts(db: Path) -> dict[str, str]:
    archive = open_archive(db, readonly=True)
    try:
        return dict(archive.execute("SELECT url, title || ' ' || text FROM articles").fetchall())
    finally:
        archive.close()


def test_hostile_pages_are_counted_errors_and_the_archive_stays_sound(tmp_path: Path, tinbai: Any) -> None:
    hostile = write_hostile_set(tmp_path / "hostile")
    db = tmp_path / "replay.db"
    summary = _crawl(tinbai, db, "--replay", str(hostile))
    errors = summary["errors_by_kind"]
    # A mislabelled page without <meta> is either decoded right or refused as undecodable.
    refused = errors.pop("undecodable", 0)
    assert errors == {**EXPECTED_ERRORS, "bad_manifest_entry": len(BAD_ENTRIES)}
    texts = _texts(db)
    # Both mislabelled pages are the legacy article (their rel=canonical says so): one article, one
    # version, its text intact.
    assert len(texts) == 3
    assert not any("\ufffd" in text for text in texts.values())
    assert "Hồ Chí Minh" in texts[LEGACY], "the windows-1258 page lost its text"
    assert sqlite3.connect(db).execute("SELECT count(*) FROM article_versions").fetchone()[0] == 3
    assert summary["new"] == 3 and summary["updated"] == 0 and summary["duplicates"] == 1 - refused
    check_sound(db)

    # The same site over real HTTP, gzip on: the same archive, the same errors (the manifest's
    # bad entries are the server's business there), and nothing ever asked of another host.
    with serve(hostile, gzip=True) as site:
        live = _crawl(tinbai, tmp_path / "live.db", *FAST, env=site.proxy_env())
    assert {kind: n for kind, n in live["errors_by_kind"].items() if kind != "undecodable"} == EXPECTED_ERRORS
    assert _texts(tmp_path / "live.db") == texts
    assert set(site.tunnels) == {"nghean.dcs.vn"}
    assert all(hit.url.startswith(SITE) for hit in site.log)


def test_a_second_run_over_hostile_pages_asks_again_only_for_what_may_pass(tmp_path: Path, tinbai: Any) -> None:
    hostile = write_hostile_set(tmp_path / "hostile")
    db = tmp_path / "again.db"
    _crawl(tinbai, db, "--replay", str(hostile))
    second = _crawl(tinbai, db, "--replay", str(hostile))
    # Permanent faults (not HTML, too large, loops, offsite) are not fetched again until the refresh
    # schedule says so; a truncated or empty answer may be a passing fault and is tried again.
    assert set(second["errors_by_kind"]) <= {"truncated", "empty_page", "malformed_link", "bad_manifest_entry",
                                             "undecodable"}


# --- the archive file itself ------------------------------------------------------------------------


def _one_line_exit_2(result: Any, *words: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def test_corrupt_archive(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "corrupt.db"
    db.write_bytes(os.urandom(8192))
    _one_line_exit_2(tinbai("crawl", "nghean", "--replay", "fixtures/nghean", "--db", str(db)), "not a SQLite database")
    _one_line_exit_2(tinbai("runs", "--db", str(db)), "not a SQLite database")


def test_locked_archive(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "locked.db"
    open_archive(db).close()
    holder = sqlite3.connect(db)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = tinbai("crawl", "nghean", "--replay", "fixtures/nghean", "--db", str(db))
    finally:
        holder.rollback()
        holder.close()
    _one_line_exit_2(result, "locked")


def test_unwritable_archive(tmp_path: Path, tinbai: Any) -> None:
    missing = tmp_path / "no-such-directory" / "archive.db"
    _one_line_exit_2(tinbai("crawl", "nghean", "--replay", "fixtures/nghean", "--db", str(missing)), "cannot open")
    _one_line_exit_2(tinbai("crawl", "nghean", "--replay", "fixtures/nghean", "--db", str(tmp_path)), "directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files")
def test_read_only_archive(tmp_path: Path, tinbai: Any) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    db = directory / "archive.db"
    open_archive(db).close()
    db.chmod(0o444)
    directory.chmod(0o555)
    try:
        _one_line_exit_2(tinbai("crawl", "nghean", "--replay", "fixtures/nghean", "--db", str(db)))
    finally:
        directory.chmod(0o755)


# --- security -----------------------------------------------------------------------------------------


# Installed in every Python process of a crawl (the crawl's and its archive writer's) through
# sitecustomize: each class an unpickler looks up raises the audit event "pickle.find_class".
_AUDIT = """
import os, sys

def _unpickled(event, args):
    if event == "pickle.find_class":
        with open(os.environ["TINBAI_AUDIT_LOG"], "a") as out:
            out.write(f"{os.getpid()} {args[0]} {args[1]}\\n")

sys.addaudithook(_unpickled)
"""
# What the crawl's processes may unpickle: the items the crawl hands its own writer, and the
# process object multiprocessing hands a spawned child. A page's bytes are never among them.
_OWN_TYPES = ("crawler.", "multiprocessing.", "builtins", "copyreg", "_codecs", "collections", "__main__")


def test_a_crawl_unpickles_only_its_own_items(tinbai: Any, tmp_path: Path) -> None:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_AUDIT, encoding="utf-8")
    log = tmp_path / "unpickled.log"
    result = tinbai("crawl", "nghean", "--replay", "fixtures/nghean", "--db", str(tmp_path / "audit.db"),
                    env={"PYTHONPATH": str(hook), "TINBAI_AUDIT_LOG": str(log)})
    assert result.returncode == 1, result.stderr  # the saved portal's 404 and 500
    looked_up = [line.split(" ", 2) for line in log.read_text(encoding="utf-8").splitlines()]
    # The writer process unpickled the crawl's articles: the hook saw them.
    assert ("crawler.extract.record", "Article") in {(module, name) for _, module, name in looked_up}
    foreign = sorted({f"{module}.{name}" for _, module, name in looked_up if not module.startswith(_OWN_TYPES)})
    assert foreign == []


def test_nothing_fetched_is_evaluated() -> None:
    from crawler import settings

    root = Path(__file__).resolve().parents[1]
    sources = [path for folder in ("crawler", "archive") for path in (root / folder).rglob("*.py")]
    assert sources
    forbidden = ("marshal.load", "shelve", "eval(", "exec(", "yaml.load(", "jsonpickle", "dill")
    for path in sources:
        assert not [word for word in forbidden if word in path.read_text(encoding="utf-8")], path
    # Scrapy's HTTP cache and job directory pickle what they keep: off.
    assert settings.HTTPCACHE_ENABLED is False and not hasattr(settings, "JOBDIR")


def test_start_urls_off_the_portal_are_refused(tinbai: Any, tmp_path: Path) -> None:
    result = tinbai("crawl", "nghean", "--db", str(tmp_path / "x.db"), "--start", "https://evil.example/vi-vn")
    _one_line_exit_2(result, "not on")


def test_values_reach_sql_only_as_parameters(tmp_path: Path, tinbai: Any) -> None:
    from archive import record_fetch

    db = tmp_path / "quoted.db"
    archive = open_archive(db)
    hostile = f"{SITE}/vi-vn/tin/x'); DROP TABLE runs; --/1-2-1"
    record_fetch(archive, hostile, site="nghean'--", kind="article", status=200)
    archive.close()
    listed = tinbai("runs", "--db", str(db), "--site", "x' OR '1'='1", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
    connection = sqlite3.connect(db)
    assert connection.execute("SELECT url, site FROM crawl_state").fetchall() == [(hostile, "nghean'--")]
    assert connection.execute("SELECT count(*) FROM runs").fetchone() == (0,)


def test_recorder_refuses_a_pages_directory_that_points_elsewhere(tmp_path: Path) -> None:
    from scrapy import Request
    from scrapy.http import Response

    from crawler.fetch.replay import ManifestError, RecorderMiddleware

    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "rec"
    root.mkdir()
    (root / "pages").symlink_to(outside)
    recorder = RecorderMiddleware(str(root))
    request = Request(f"{SITE}/vi-vn")
    with pytest.raises(ManifestError, match="outside"):
        recorder.process_response(request, Response(request.url, body=b"<html></html>", request=request))
    assert list(outside.iterdir()) == []


def test_replay_entries_reaching_outside_through_links_are_skipped(tmp_path: Path) -> None:
    from crawler.fetch.replay import load_manifest

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_bytes(b"<html>secret</html>")
    root = tmp_path / "set"
    (root / "pages").mkdir(parents=True)
    (root / "pages" / "real.html").write_bytes(b"<html>real</html>")
    (root / "pages" / "alias.html").symlink_to(root / "pages" / "real.html")  # a link that stays inside
    (root / "pages" / "leak.html").symlink_to(outside / "secret.html")
    (root / "linked").symlink_to(outside)
    entries = [
        {"url": f"{SITE}/real", "file": "pages/real.html"},
        {"url": f"{SITE}/alias", "file": "pages/alias.html"},
        {"url": f"{SITE}/leak", "file": "pages/leak.html"},
        {"url": f"{SITE}/linked", "file": "linked/secret.html"},
        {"url": f"{SITE}/up", "file": "pages/../../outside/secret.html"},
        {"url": f"{SITE}/absolute", "file": str(outside / "secret.html")},
    ]
    (root / "manifest.json").write_text(json.dumps({"pages": entries}), encoding="utf-8")
    skipped: list[str] = []
    pages = load_manifest(root, skipped=skipped)
    assert sorted(url.rsplit("/", 1)[1] for url in pages) == ["alias", "real"]
    assert pages[f"{SITE}/alias"].path == str((root / "pages" / "real.html").resolve())
    assert len(skipped) == 4 and all("outside the replay directory" in problem for problem in skipped)
