"""WARC and WACZ in and out, checked by readers that are not tinbai's: warcio's own `check` and `index`
commands, py-wacz's validator, and pywb serving what tinbai wrote.

The crawls go over real HTTP on loopback (tests/replay_server.py, gzip and validators on), so the
WARC is compared with what the server saw: every request it answered is in the WARC once, with the
bytes it sent.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive import open_archive, save_article
from crawler.extract.record import Article, Page
from crawler.fetch.replay import load_manifest
from crawler.settings import USER_AGENT
from tests.replay_server import serve
from tests.test_live import FAST, NGHEAN, SITE, archived, crawl

BIN = Path(sys.executable).parent
ARTICLE = (f"{SITE}/vi-vn/tin/hoi-nghi-ban-chap-hanh-dang-bo-tinh-lan-thu-8-xem-xet-cho-y-kien-nhieu-noi-dung"
           "-quan-trong/1-2-34858")
ARTICLE_FILE = NGHEAN / "pages" / "tin" / "34858.html"
# The saved portal's article that answers 500 (fixtures/nghean/README.md).
[FAILING] = [page.url for page in load_manifest(NGHEAN).values() if page.status == 500]
REVISIT_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
REVISIT_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
INDEX_FIELDS = "warc-type,warc-target-uri,warc-record-id,warc-date,http:status,warc-refers-to,warc-profile,offset"


# --- independent readers ---------------------------------------------------------------------------


def warcio_check(path: Path) -> str:
    """`warcio check -v`: every digest verifies; returns what it printed."""
    result = subprocess.run([str(BIN / "warcio"), "check", "-v", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "digest pass" in result.stdout
    return result.stdout


def warcio_index(path: Path) -> list[dict[str, str]]:
    result = subprocess.run([str(BIN / "warcio"), "index", "-f", INDEX_FIELDS, str(path)],
                            capture_output=True, text=True, check=True)
    # Fields a record lacks (a warcinfo's target URI) as "".
    return [{name: "" for name in INDEX_FIELDS.split(",")} | json.loads(line) for line in result.stdout.splitlines()]


def warc_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.warc.gz"))


def index_all(directory: Path) -> list[dict[str, str]]:
    records: list[dict[str, str]] = []
    for path in warc_files(directory):
        warcio_check(path)
        records.extend({**record, "file": path.name} for record in warcio_index(path))
    return records


def read_record(path: Path, offset: int) -> tuple[Any, bytes]:
    """The record at `offset` of a WARC file: (record, its payload as stored)."""
    with path.open("rb") as file:
        file.seek(offset)
        record = next(iter(ArchiveIterator(file)))
        return record, record.raw_stream.read()


def db_rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    archive = open_archive(db, readonly=True)
    try:
        return [tuple(row) for row in archive.execute(sql).fetchall()]
    finally:
        archive.close()


# --- crawl --warc over real HTTP --------------------------------------------------------------------


def test_every_fetch_is_in_the_warc_once_as_received(tmp_path: Path, tinbai: Any) -> None:
    warc = tmp_path / "warc"
    with serve(NGHEAN, gzip=True) as site:
        summary = crawl(tinbai, tmp_path / "live.db", "--warc", str(warc), *FAST, env=site.proxy_env())
    records = index_all(warc)
    assert [path.name for path in warc.iterdir() if path.name.endswith(".open")] == []

    # Every request the server answered: one request record and one response (or revisit) record.
    hits = Counter((hit.url, str(hit.status)) for hit in site.log)
    requests = Counter(r["warc-target-uri"] for r in records if r["warc-type"] == "request")
    answers = Counter((r["warc-target-uri"], r["http:status"]) for r in records
                      if r["warc-type"] in ("response", "revisit"))
    assert requests == Counter(hit.url for hit in site.log)
    assert answers == hits
    assert summary["pages"] == len(site.log) == sum(answers.values())
    assert {url for url, status in hits if status == "302"} and {url for url, status in hits if status == "500"}

    # The article's record: the real headers and the bytes as the server sent them, gzip and all.
    [article] = [r for r in records if r["warc-target-uri"] == ARTICLE and r["warc-type"] == "response"]
    record, payload = read_record(warc / article["file"], int(article["offset"]))
    assert record.http_headers.get_header("Content-Encoding") == "gzip"
    assert record.http_headers.get_header("Content-Length") == str(len(payload))
    assert record.http_headers.get_header("X-Aspnet-Version") == "4.0.30319"  # as Scrapy spells it
    assert payload[:2] == b"\x1f\x8b" and gzip.decompress(payload) == ARTICLE_FILE.read_bytes()
    # Its request as sent: the user agent, the encodings offered, the Host.
    [request] = [r for r in records if r["warc-target-uri"] == ARTICLE and r["warc-type"] == "request"]
    sent, _ = read_record(warc / request["file"], int(request["offset"]))
    assert sent.http_headers.protocol == "GET" and sent.http_headers.statusline.startswith("/vi-vn/tin/")
    assert sent.http_headers.get_header("User-Agent") == USER_AGENT
    assert "gzip" in sent.http_headers.get_header("Accept-Encoding")
    assert sent.http_headers.get_header("Host") == "nghean.dcs.vn"
    assert sent.rec_headers.get_header("WARC-Concurrent-To") == article["warc-record-id"]

    # The page that answers 500 three times (two retries): the same payload again is a revisit.
    failing = [r for r in records if r["warc-target-uri"] == FAILING and r["warc-type"] in ("response", "revisit")]
    assert [r["warc-type"] for r in failing] == ["response", "revisit", "revisit"]
    assert {r["warc-refers-to"] for r in failing[1:]} == {failing[0]["warc-record-id"]}
    assert {r["warc-profile"] for r in failing[1:]} == {REVISIT_IDENTICAL}

    # The archive's raw pages name their records, which hold those very pages.
    responses = {r["warc-record-id"]: r for r in records if r["warc-type"] == "response"}
    raw_pages = db_rows(tmp_path / "live.db", "SELECT url, sha256, warc_record_id FROM raw_pages")
    assert len(raw_pages) == summary["new"] > 0
    for url, sha256, record_id in raw_pages:
        found = responses[record_id]
        assert found["warc-target-uri"] == url
        record, payload = read_record(warc / found["file"], int(found["offset"]))
        assert record.http_headers.get_header("Content-Encoding") == "gzip"
        assert hashlib.sha256(gzip.decompress(payload)).hexdigest() == sha256

    # Each file begins with a warcinfo naming tinbai, its version and the run.
    [run] = db_rows(tmp_path / "live.db", "SELECT max(id) FROM runs")[0]
    for path in warc_files(warc):
        with path.open("rb") as file:
            info = next(iter(ArchiveIterator(file)))
            fields = info.content_stream().read().decode()
        assert info.rec_type == "warcinfo" and info.rec_headers.get_header("WARC-Filename") == path.name
        assert info.rec_headers.protocol == "WARC/1.1"
        assert "software: tinbai/0.1.0" in fields and f"tinbai-run: {run}" in fields


def test_a_second_run_writes_revisits(tmp_path: Path, tinbai: Any) -> None:
    """--full again: a 304 is a server-not-modified revisit, an unchanged listing an identical-payload
    one, both referring to the first run's record of that URL."""
    warc = tmp_path / "warc"
    with serve(NGHEAN, validators=True) as site:
        crawl(tinbai, tmp_path / "a.db", "--warc", str(warc), *FAST, env=site.proxy_env())
        first_files = set(warc_files(warc))
        first = {r["warc-target-uri"]: r for r in index_all(warc) if r["warc-type"] == "response"}
        site.log.clear()
        summary = crawl(tinbai, tmp_path / "a.db", "--warc", str(warc), "--full", *FAST, env=site.proxy_env())
    assert summary["not_modified"] > 0
    second = [r for path in sorted(set(warc_files(warc)) - first_files) for r in warcio_index(path)]
    for path in set(warc_files(warc)) - first_files:
        warcio_check(path)
    answers = [(r["warc-target-uri"], r["http:status"]) for r in second if r["warc-type"] in ("response", "revisit")]
    assert Counter(answers) == Counter((hit.url, str(hit.status)) for hit in site.log)
    revisits = [r for r in second if r["warc-type"] == "revisit"]
    not_modified = [r for r in revisits if r["warc-profile"] == REVISIT_NOT_MODIFIED]
    assert len(not_modified) == summary["not_modified"] == sum(hit.status == 304 for hit in site.log)
    assert {r["warc-profile"] for r in revisits} == {REVISIT_NOT_MODIFIED, REVISIT_IDENTICAL}
    for record in revisits:
        assert record["warc-refers-to"] == first[record["warc-target-uri"]]["warc-record-id"]
    # The home page is the same bytes again: not stored twice.
    assert not [r for r in second if r["warc-type"] == "response" and r["warc-target-uri"] == f"{SITE}/vi-vn"]


def test_files_are_rotated_by_size(tmp_path: Path, tinbai: Any) -> None:
    warc = tmp_path / "warc"
    crawl(tinbai, tmp_path / "a.db", "--replay", str(NGHEAN), "--warc", str(warc), "--warc-max-size", "64K")
    files = warc_files(warc)
    assert len(files) >= 4 and [path.name[-14:] for path in files] == [f"-{n:05d}.warc.gz" for n in range(len(files))]
    assert all(path.stat().st_size >= 64 * 1024 for path in files[:-1])
    records = []
    for path in files:
        indexed = warcio_index(path)
        warcio_check(path)
        assert indexed[0]["warc-type"] == "warcinfo" and "warcinfo" not in [r["warc-type"] for r in indexed[1:]]
        # A file is closed once full: at most one response and its request past the limit.
        over = [r for r in indexed if int(r["offset"]) >= 64 * 1024]
        assert len(over) <= 2
        records += indexed
    # The same records as one file holds them, none lost or doubled at a file's end.
    whole = tmp_path / "whole"
    crawl(tinbai, tmp_path / "b.db", "--replay", str(NGHEAN), "--warc", str(whole))
    [single] = warc_files(whole)
    assert Counter((r["warc-type"], r.get("warc-target-uri")) for r in records if r["warc-type"] != "warcinfo") \
        == Counter((r["warc-type"], r.get("warc-target-uri")) for r in warcio_index(single)[1:])


# --- replay from web archives ------------------------------------------------------------------------


def test_replay_from_the_warc_archives_the_same_articles(tmp_path: Path, tinbai: Any) -> None:
    warc = tmp_path / "warc"
    with serve(NGHEAN, gzip=True) as site:
        original = crawl(tinbai, tmp_path / "live.db", "--warc", str(warc), *FAST, env=site.proxy_env())
    expected = archived(tmp_path / "live.db")
    assert len(expected["articles"]) == 16

    from_directory = crawl(tinbai, tmp_path / "dir.db", "--replay", str(warc))
    assert archived(tmp_path / "dir.db") == expected
    assert from_directory["errors_by_kind"] == original["errors_by_kind"]
    assert from_directory["pages"] == original["pages"]
    [single] = warc_files(warc)
    crawl(tinbai, tmp_path / "file.db", "--replay", str(single))
    assert archived(tmp_path / "file.db") == expected

    # py-wacz packages the crawl's WARC; the WACZ replays to the same archive too.
    wacz = tmp_path / "crawl.wacz"
    subprocess.run([str(BIN / "wacz"), "create", "-o", str(wacz), str(single)], capture_output=True, check=True)
    crawl(tinbai, tmp_path / "wacz.db", "--replay", str(wacz))
    assert archived(tmp_path / "wacz.db") == expected


def test_replay_answers_conditional_requests_as_the_server_did(tmp_path: Path, tinbai: Any) -> None:
    """A second, --full run replayed from a WARC: known articles are asked for with their validators
    and answered 304 where the live server answered 304 to the same second run."""
    warc = tmp_path / "warc"
    with serve(NGHEAN, validators=True) as site:
        crawl(tinbai, tmp_path / "live.db", "--warc", str(warc), *FAST, env=site.proxy_env())
        live = crawl(tinbai, tmp_path / "live.db", "--full", *FAST, env=site.proxy_env())
    crawl(tinbai, tmp_path / "replay.db", "--replay", str(warc))
    replayed = crawl(tinbai, tmp_path / "replay.db", "--replay", str(warc), "--full")
    assert replayed["not_modified"] == live["not_modified"] > 0
    assert (replayed["new"], replayed["updated"]) == (live["new"], live["updated"]) == (0, 0)


def _chunked(data: bytes, size: int = 1000) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def test_replay_of_a_warc_written_by_another_tool(tmp_path: Path, tinbai: Any) -> None:
    """A recorder that keeps the chunked transfer coding (wget, warcprox), uncompressed WARC: served
    without it, the gzip content coding left to Scrapy as live."""
    path = tmp_path / "other.warc"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=False)
        robots = b"User-agent: *\nDisallow:\n"
        writer.write_record(writer.create_warc_record(
            f"{SITE}/robots.txt", "response", payload=io.BytesIO(robots), length=len(robots),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/plain")], protocol="HTTP/1.1")))
        body = _chunked(gzip.compress(ARTICLE_FILE.read_bytes()))
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                   ("Transfer-Encoding", "chunked")]
        writer.write_record(writer.create_warc_record(
            ARTICLE, "response", payload=io.BytesIO(body), length=len(body),
            http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")))
    summary = crawl(tinbai, tmp_path / "other.db", "--replay", str(path), "--start", ARTICLE)
    assert summary["new"] == 1 and summary["errors"] == 0
    [(url, text)] = db_rows(tmp_path / "other.db", "SELECT url, text FROM articles")
    expected = json.loads((NGHEAN / "expected" / "34858.json").read_text(encoding="utf-8"))
    assert (url, text) == (expected["url"], expected["text"])


# --- export ------------------------------------------------------------------------------------------


def _page(url: str, text: str) -> Page:
    html = f"<html><head><title>{text}</title></head><body><p>{text}</p></body></html>".encode()
    return Page(url=url, body=html, status=200, headers={
        "Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip", "Content-Length": "99",
        "X-Powered-By": "ASP.NET", "Set-Cookie": "ASP.NET_SessionId=k3v0; path=/; HttpOnly"})


@pytest.fixture
def versions_db(tmp_path: Path) -> Path:
    """Two articles, the first in two versions fetched a day apart."""
    path = tmp_path / "versions.db"
    db = open_archive(path)
    first = f"{SITE}/vi-vn/tin/hoi-nghi/1-2-1"
    for number, (url, text, when) in enumerate([
        (first, "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ tám.", "2026-11-20T01:00:00+00:00"),
        (f"{SITE}/vi-vn/tin/giao-ban/1-2-2", "Giao ban công tác xây dựng Đảng quý IV.", "2026-11-20T01:00:05+00:00"),
        (first, "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ tám, bế mạc.", "2026-11-21T01:00:00+00:00"),
    ]):
        article = Article(url=url, site="nghean", title=f"Tin {number}: {text[:20]}", text=text)
        save_article(db, article, page=_page(url, text), fetched_at=when)
    db.close()
    return path


def test_export_warc_holds_every_versions_page(versions_db: Path, tmp_path: Path, tinbai: Any) -> None:
    out = tmp_path / "export.warc.gz"
    result = tinbai("export", "--db", str(versions_db), "--format", "warc", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "3 stored page(s) of 2 article(s)" in result.stderr
    warcio_check(out)
    records = warcio_index(out)
    assert [r["warc-type"] for r in records] == ["warcinfo", "response", "response", "response"]
    stored = db_rows(versions_db, "SELECT url, fetched_at, sha256 FROM raw_pages ORDER BY fetched_at")
    for (url, fetched_at, sha256), record in zip(stored, records[1:], strict=True):
        assert record["warc-target-uri"] == url and record["http:status"] == "200"
        assert record["warc-date"].startswith(fetched_at.removesuffix("+00:00"))
        warc_record, payload = read_record(out, int(record["offset"]))
        assert hashlib.sha256(payload).hexdigest() == sha256
        headers = warc_record.http_headers
        assert headers.get_header("X-Powered-By") == "ASP.NET"
        assert headers.get_header("Set-Cookie") == "ASP.NET_SessionId=k3v0; path=/; HttpOnly"
        # The stored body is decoded: no Content-Encoding, and its own length.
        assert headers.get_header("Content-Encoding") is None
        assert headers.get_header("Content-Length") == str(len(payload))


def test_export_wacz_follows_the_spec(versions_db: Path, tmp_path: Path, tinbai: Any) -> None:
    out = tmp_path / "nghean.wacz"
    result = tinbai("export", "--db", str(versions_db), "--format", "wacz", "-o", str(out))
    assert result.returncode == 0, result.stderr
    validated = subprocess.run([str(BIN / "wacz"), "validate", "-f", str(out)], capture_output=True, text=True)
    assert validated.returncode == 0 and "is valid" in validated.stdout, validated.stdout
    with zipfile.ZipFile(out) as wacz:
        names = set(wacz.namelist())
        [warc_name] = [name for name in names if name.startswith("archive/")]
        assert warc_name == "archive/nghean.warc.gz"
        assert {"datapackage.json", "pages/pages.jsonl"} <= names and any(n.startswith("indexes/") for n in names)
        assert wacz.getinfo(warc_name).compress_type == zipfile.ZIP_STORED  # read by range requests
        package = json.loads(wacz.read("datapackage.json"))
        assert package["profile"] == "data-package" and package["wacz_version"] == "1.1.1"
        for resource in package["resources"]:
            data = wacz.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["bytes"] == len(data)
        assert {r["path"] for r in package["resources"]} == names - {"datapackage.json", "datapackage-digest.json"}
        warc = wacz.read(warc_name)
        cdxj = b"".join(gzip.decompress(wacz.read(n)) for n in names if n.endswith(".cdx.gz"))
        cdxj += b"".join(wacz.read(n) for n in names if n.endswith((".cdx", ".cdxj")))
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").decode().splitlines()]

    # The CDXJ index against its WARC: each line points at the record it describes, each response once.
    warc_path = tmp_path / "inside.warc.gz"
    warc_path.write_bytes(warc)
    responses = {(r["warc-target-uri"], int(r["offset"]))
                 for r in warcio_index(warc_path) if r["warc-type"] == "response"}
    indexed = set()
    for line in cdxj.decode().splitlines():
        surt, timestamp, fields = line.split(" ", 2)
        entry = json.loads(fields)
        if entry.get("mime") == "warc/warcinfo" or entry["url"].startswith("urn:"):
            continue
        assert entry["filename"] == warc_name.removeprefix("archive/")
        record = next(iter(ArchiveIterator(io.BytesIO(warc[int(entry["offset"]):][:int(entry["length"])]))))
        assert record.rec_headers.get_header("WARC-Target-URI") == entry["url"]
        assert record.rec_headers.get_header("WARC-Date").replace("-", "").replace(":", "").replace("T", "")[:14] \
            == timestamp
        assert record.rec_headers.get_header("WARC-Payload-Digest").removeprefix("sha1:") == \
            entry["digest"].removeprefix("sha1:")
        assert record.http_headers.get_statuscode() == entry["status"]
        assert surt.startswith("vn,dcs,nghean)/vi-vn/tin/")
        indexed.add((entry["url"], int(entry["offset"])))
    assert indexed == responses and len(indexed) == 3

    # pages.jsonl: a header line, then every version's page with its fetch time and title.
    assert pages[0]["format"] == "json-pages-1.0"
    titles = db_rows(versions_db, "SELECT title FROM article_versions ORDER BY fetched_at")
    assert [(p["url"].rsplit("/", 1)[-1], p["ts"][:19], p["title"]) for p in pages[1:]] == [
        ("1-2-1", "2026-11-20T01:00:00", titles[0][0]), ("1-2-2", "2026-11-20T01:00:05", titles[1][0]),
        ("1-2-1", "2026-11-21T01:00:00", titles[2][0]),
    ]


def test_export_of_the_crawl_replays_its_articles(tmp_path: Path, tinbai: Any) -> None:
    """The round trip the README shows: crawl, export the WACZ, replay its articles from it."""
    crawl(tinbai, tmp_path / "a.db", "--replay", str(NGHEAN))
    out = tmp_path / "a.wacz"
    assert tinbai("export", "--db", str(tmp_path / "a.db"), "--format", "wacz", "-o", str(out)).returncode == 0
    urls = [url for (url,) in db_rows(tmp_path / "a.db", "SELECT url FROM raw_pages ORDER BY id")]
    starts = [arg for url in urls for arg in ("--start", url)]
    summary = crawl(tinbai, tmp_path / "b.db", "--replay", str(out), *starts)
    assert summary["errors"] == 0
    first = db_rows(tmp_path / "a.db", "SELECT url, title, text FROM articles ORDER BY url")
    assert db_rows(tmp_path / "b.db", "SELECT url, title, text FROM articles ORDER BY url") == first


# --- pywb serves what tinbai wrote -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_pywb_replays_an_article_from_the_crawls_warc_and_the_exported_wacz(tmp_path: Path, tinbai: Any) -> None:
    warc = tmp_path / "warc"
    crawl(tinbai, tmp_path / "a.db", "--replay", str(NGHEAN), "--warc", str(warc))
    [path] = warc_files(warc)
    wacz = tmp_path / "nghean.wacz"
    assert tinbai("export", "--db", str(tmp_path / "a.db"), "--format", "wacz", "-o", str(wacz)).returncode == 0
    root = tmp_path / "pywb"
    root.mkdir()
    for args in (["init", "crawl"], ["add", "crawl", str(path)],
                 ["init", "export"], ["add", "--unpack-wacz", "export", str(wacz)]):
        subprocess.run([str(BIN / "wb-manager"), *args], cwd=root, capture_output=True, check=True, timeout=60)
    port = _free_port()
    server = subprocess.Popen([str(BIN / "wayback"), "-b", "127.0.0.1", "-p", str(port)], cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "pywb did not start"
                time.sleep(0.2)
        expected = json.loads((NGHEAN / "expected" / "34858.json").read_text(encoding="utf-8"))
        for collection in ("crawl", "export"):
            base = f"http://127.0.0.1:{port}/{collection}"
            # id_: the page as archived, byte for byte; mp_: pywb's rewritten replay of it.
            original = urllib.request.urlopen(f"{base}/id_/{ARTICLE}", timeout=10).read()
            assert original == ARTICLE_FILE.read_bytes(), collection
            replayed = urllib.request.urlopen(f"{base}/mp_/{ARTICLE}", timeout=10).read().decode("utf-8")
            assert expected["title"] in replayed and expected["text"].split("\n\n")[1] in replayed, collection
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", ["text", "empty", "missing", "bad_gzip", "zip"])
def test_a_replay_that_is_no_web_archive_is_refused_in_one_line(make: str, tmp_path: Path, tinbai: Any) -> None:
    path = tmp_path / "replay.warc.gz"
    if make == "text":
        path.write_text("không phải WARC\n", encoding="utf-8")
    elif make == "empty":
        path.write_bytes(b"")
    elif make == "bad_gzip":
        path.write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(200))
    elif make == "zip":
        path = tmp_path / "empty.wacz"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("datapackage.json", "{}")
    result = tinbai("crawl", "nghean", "--db", str(tmp_path / "a.db"), "--replay", str(path))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert str(path.name) in result.stderr


@pytest.mark.parametrize("args", [
    ["crawl", "nghean", "--warc", "{file}"],
    ["crawl", "nghean", "--warc", "{dir}", "--warc-max-size", "lớn"],
    ["crawl", "nghean", "--warc", "{dir}", "--warc-max-size", "10"],
    ["export", "--format", "wacz"],
    ["export", "--format", "warc", "-o", "{dir}/khong-co/x.warc.gz"],
])
def test_bad_warc_options_are_refused_in_one_line(args: list[str], tmp_path: Path, tinbai: Any) -> None:
    if args[0] == "export":
        crawl(tinbai, tmp_path / "a.db", "--replay", str(NGHEAN))
    (tmp_path / "a-file").write_text("x")
    filled = [arg.format(file=tmp_path / "a-file", dir=tmp_path) for arg in args]
    result = tinbai(*filled, "--db", str(tmp_path / "a.db"), *(["--replay", str(NGHEAN)] if args[0] == "crawl" else []))
    assert result.returncode == 2, result.stdout + result.stderr
    # One "Error:" line (click puts its usage lines before it when an option's value is the wrong kind).
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert "Traceback" not in result.stderr and len(errors) == 1, result.stderr
    assert not list(tmp_path.glob("*.warc.gz")) and not list(tmp_path.glob("*.wacz"))


def test_the_manifest_replay_still_imports_no_warc_code(tmp_path: Path) -> None:
    """A crawl without --warc, replayed from a manifest, never loads warcio (56 ms of every start)."""
    code = ("import sys; from scrapy.utils.test import get_crawler; from crawler.fetch.replay import "
            "ReplayDownloadHandler; import crawler.fetch.spider, crawler.fetch.pipeline; "
            f"ReplayDownloadHandler(get_crawler(settings_dict={{'TINBAI_REPLAY': {str(NGHEAN)!r}}})); "
            "print([m for m in sys.modules if m.startswith('warcio')])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.stdout.strip() == "[]"



# --- kill -9 -----------------------------------------------------------------------------------------


def _records_of(path: Path) -> list[Any]:
    """(type, record id, target URI) of every whole record of a WARC, also one a kill cut short."""
    found = []
    with path.open("rb") as file:
        try:
            for record in ArchiveIterator(file):
                record.content_stream().read()
                found.append((record.rec_type, record.rec_headers.get_header("WARC-Record-ID"),
                              record.rec_headers.get_header("WARC-Target-URI")))
        except Exception:  # noqa: BLE001 - the record being written when the process died
            pass
    return found


@pytest.mark.slow
def test_kill_9_leaves_whole_records_that_the_archive_names(tmp_path: Path, tinbai: Any) -> None:
    """Crawls killed with -9 at random moments, then one to the end, into one WARC directory: every
    stored page names a record that is in the WARC files, and every closed file checks."""
    from tests.test_faults import KILLABLE, start_crawl_recorded

    rng = random.Random(21)
    warc = tmp_path / "warc"
    db = tmp_path / "killed.db"
    for _ in range(4):
        process = start_crawl_recorded(db, NGHEAN, "--warc", str(warc), "--full", *KILLABLE)
        time.sleep(rng.uniform(0.5, 4.0))
        process.kill()
        process.communicate()
    crawl(tinbai, db, "--replay", str(NGHEAN), "--warc", str(warc), "--full")
    opened = sorted(warc.glob("*.warc.gz.open"))
    assert opened, "no crawl was killed while writing"
    for path in warc_files(warc):
        warcio_check(path)
    records = [record for path in [*warc_files(warc), *opened] for record in _records_of(path)]
    responses = {record_id: uri for kind, record_id, uri in records if kind == "response"}
    stored = db_rows(db, "SELECT url, warc_record_id FROM raw_pages")
    assert stored and all(record_id is not None for _, record_id in stored)
    assert [(url, record_id) for url, record_id in stored if responses.get(record_id) != url] == []
    # A killed run's revisits refer to records written before them.
    ids = [record_id for _, record_id, _ in records]
    assert len(ids) == len(set(ids))


def test_the_warc_benchmark_runs_on_a_tiny_portal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench import warc as bench_warc

    assert bench_warc.main(["--articles", "30", "--rounds", "1", "--keep", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    [archived_by] = re.findall(r"articles archived by each kind: (.*)", printed)
    assert archived_by == "{'plain': {30}, 'warc': {30}, 'replay_warc': {30}}"
    assert [line.split()[0] for line in printed.splitlines()[-3:]] == ["plain", "warc", "replay_warc"]


# --- the middleware alone ----------------------------------------------------------------------------


def _middleware(directory: Path) -> Any:
    from scrapy.utils.test import get_crawler

    from crawler.fetch.warc import WarcMiddleware

    return WarcMiddleware.from_crawler(get_crawler(settings_dict={"TINBAI_WARC": str(directory)}))


def test_header_bytes_are_recorded_as_received(tmp_path: Path) -> None:
    """A header in UTF-8 (a portal's attachment name) is kept byte for byte, not %-escaped."""
    from scrapy import Request
    from scrapy.http import Response

    middleware = _middleware(tmp_path)
    disposition = "attachment; filename=Nghị quyết số 12.pdf".encode()
    request = Request(f"{SITE}/files/nghi-quyet-12.pdf")
    response = Response(request.url, status=200, body=b"%PDF-1.4", request=request,
                        headers={"Content-Type": "application/pdf", "Content-Disposition": disposition})
    assert middleware.process_response(request, response) is response
    middleware.spider_closed()
    [path] = warc_files(tmp_path)
    warcio_check(path)
    assert b"Content-Disposition: " + disposition + b"\r\n" in gzip.decompress(path.read_bytes())
    [record] = [r for r in warcio_index(path) if r["warc-type"] == "response"]
    assert request.meta["warc_record_id"] == record["warc-record-id"]


def test_a_warc_that_cannot_be_written_stops_the_crawl_not_the_page(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy import Request
    from scrapy.http import Response

    from crawler.fetch.warc import WarcFiles

    def full(self: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(WarcFiles, "current", full)
    middleware = _middleware(tmp_path)
    for number in range(2):
        request = Request(f"{SITE}/vi-vn/tin/bai/1-2-{number}")
        response = Response(request.url, status=200, body=b"<html></html>", request=request)
        # The page goes on to the spider (and the archive) without a record id; the WARC stops.
        assert middleware.process_response(request, response) is response
        assert "warc_record_id" not in request.meta
    assert middleware.failed and middleware.records == 0
