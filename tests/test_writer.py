"""The archive writer process: the same archive as writing in the crawl's own process, no writer left
behind by a killed crawl, signals for the whole run handled by the crawl, a writer that dies
ending the run with a counted error."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, tinbai_command
from tests.fixtures import FIXTURES

NGHEAN = FIXTURES / "nghean"
SLOW = ("-s", "DOWNLOAD_DELAY=0.2")


def archive_content(db: Path) -> dict[str, Any]:
    """Everything a crawl writes that does not depend on when it ran."""
    connection = sqlite3.connect(db)
    try:
        queries = {
            "articles": "SELECT url, site, site_article_id, title, published, author, category, summary, source,"
                        " text, content_hash, extraction, near_duplicate_of FROM articles ORDER BY id",
            "urls": "SELECT url, article_id FROM article_urls ORDER BY url",
            "versions": "SELECT article_id, version, title, content_hash, raw_page_id FROM article_versions"
                        " ORDER BY article_id, version",
            "images": "SELECT * FROM images ORDER BY article_id, position",
            "pages": "SELECT id, url, status, sha256, article_id FROM raw_pages ORDER BY id",
            "state": "SELECT url, kind, status, error, failures, etag, last_modified, queued IS NOT NULL"
                     " FROM crawl_state ORDER BY url",
            "fts": "SELECT rowid, title, summary, text FROM articles_fts ORDER BY rowid",
            "fts_exact": "SELECT rowid, title, summary, text FROM articles_fts_exact ORDER BY rowid",
            "lsh": "SELECT * FROM article_lsh UNION ALL SELECT * FROM article_lsh_recent ORDER BY article_id, band",
            "runs": "SELECT site, status, pages, new, updated, duplicates, aliases, not_modified, errors, errors_json"
                    " FROM runs ORDER BY id",
        }
        return {name: connection.execute(sql).fetchall() for name, sql in queries.items()}
    finally:
        connection.close()


def test_the_writer_process_writes_what_the_crawl_process_would(tmp_path: Path, tinbai: Any) -> None:
    for mode in ("process", "inline"):
        db = tmp_path / f"{mode}.db"
        result = tinbai("crawl", "nghean", "--replay", str(NGHEAN), "--db", str(db), "-s", f"TINBAI_WRITER={mode}")
        assert result.returncode == 1, result.stderr  # the saved portal's 404 and 500
        assert json.loads(result.stdout)[0]["new"] == 16
    assert archive_content(tmp_path / "process.db") == archive_content(tmp_path / "inline.db")


def start(db: Path, *args: str, **popen: Any) -> subprocess.Popen[str]:
    env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    return subprocess.Popen(
        [tinbai_command(), "crawl", "nghean", "--replay", str(NGHEAN), "--db", str(db), *SLOW, *args],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen,
    )


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def writer_of(crawl: subprocess.Popen[str]) -> int:
    """The crawl's archive writer: the child running multiprocessing's spawn_main, once it writes."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for pid in children(crawl.pid):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in command and b"resource_tracker" not in command:
                return pid
        assert crawl.poll() is None, crawl.communicate()
        time.sleep(0.05)
    raise AssertionError("no archive writer process")


def gone(pid: int, within: float = 15) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":  # exited, waiting for its (dead) parent's reaper
            return True
        time.sleep(0.05)
    return False


def runs(db: Path) -> list[tuple[Any, ...]]:
    return sqlite3.connect(db).execute("SELECT status, errors_json FROM runs ORDER BY id").fetchall()


def test_a_killed_crawl_leaves_no_writer_behind(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "killed.db"
    crawl = start(db)
    writer = writer_of(crawl)
    time.sleep(1.0)
    crawl.kill()
    crawl.communicate()
    # The socket closed: the writer keeps what it had received and exits.
    assert gone(writer)
    assert runs(db) == [("running", None)]
    # The next run takes the dead run's lock over and finishes the job.
    result = tinbai("crawl", "nghean", "--replay", str(NGHEAN), "--db", str(db))
    assert result.returncode == 1, result.stderr
    assert [status for status, _ in runs(db)] == ["interrupted", "errors"]
    assert sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone() == (16,)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_whole_run_stops_it_cleanly(tmp_path: Path, signum: int) -> None:
    """systemd stops a unit, and Ctrl-C stops a terminal's job, by signalling every process of it:
    the writer ignores the signal and finishes the run when the crawl has shut down."""
    db = tmp_path / "stopped.db"
    crawl = start(db, start_new_session=True)
    writer = writer_of(crawl)
    time.sleep(1.0)
    os.killpg(crawl.pid, signum)
    out, err = crawl.communicate(timeout=60)
    assert crawl.returncode == 1, err
    assert json.loads(out)[0]["status"] == "interrupted"
    assert "Traceback" not in err
    assert gone(writer)
    assert runs(db)[0][0] == "interrupted"


def test_a_dead_writer_ends_the_run_with_a_counted_error(tmp_path: Path) -> None:
    db = tmp_path / "writerless.db"
    crawl = start(db)
    writer = writer_of(crawl)
    time.sleep(1.0)
    os.kill(writer, signal.SIGKILL)
    out, err = crawl.communicate(timeout=60)
    assert crawl.returncode == 1, err
    (summary,) = json.loads(out)
    assert summary["status"] == "errors" and summary["errors_by_kind"].get("writer_failed") == 1, summary
    assert "Traceback" not in err
    assert len(runs(db)) == 1


def test_the_socket_to_the_writer_holds_a_dozen_pages() -> None:
    import multiprocessing
    import socket

    from crawler.apply.writer import SOCKET_BYTES, _widen

    limits = [Path(f"/proc/sys/net/core/{name}") for name in ("wmem_max", "rmem_max")]
    if not all(limit.exists() for limit in limits) or min(int(p.read_text()) for p in limits) < SOCKET_BYTES:
        pytest.skip("this system does not allow socket buffers of SOCKET_BYTES")
    reader, writer = multiprocessing.get_context("spawn").Pipe(duplex=True)
    try:
        before = socket.fromfd(writer.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
        assert before.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) < SOCKET_BYTES  # the default, here
        before.close()
        _widen(writer, socket.SO_SNDBUF)
        _widen(reader, socket.SO_RCVBUF)
        with socket.fromfd(writer.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as sending:
            assert sending.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) >= SOCKET_BYTES
        with socket.fromfd(reader.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as receiving:
            assert receiving.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) >= SOCKET_BYTES
        # The connections' own descriptors are still open: _widen() closed only its duplicates.
        writer.send(("item", 1))
        assert reader.recv() == ("item", 1)
    finally:
        reader.close()
        writer.close()


# The crawl's side of the socket (crawler/apply/writer.py Outbox): it never waits for a commit.

def _channel() -> tuple[Any, Any]:
    import multiprocessing

    # As ArchiveWriter makes it: a socket pair.
    return multiprocessing.get_context("spawn").Pipe(duplex=True)


def _messages() -> list[Any]:
    # Frames of every size: empty, small, one page, more than the socket's buffers hold.
    return [("item", n, b"x" * size) for n, size in enumerate([0, 10, 70_000, 5_000_000, 5, 200_000] * 5)]


def _read_all(reader: Any, count: int, out: list[Any], delay: float = 0.0) -> threading.Thread:
    def read() -> None:
        time.sleep(delay)
        out.extend(reader.recv() for _ in range(count))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_the_outbox_goes_on_while_nobody_reads_and_connection_recv_reads_its_frames() -> None:
    from crawler.apply.writer import Outbox

    reader, writer = _channel()
    outbox = Outbox(writer, 64 << 20, lambda: True)
    sent = _messages()
    for message in sent:  # nobody reads yet: a blocking send() would hang at the 3 MB one
        outbox.put(message)
    assert outbox.waiting > 3_000_000 and outbox.failed is None
    received: list[Any] = []
    thread = _read_all(reader, len(sent), received)
    outbox.flush(0)
    thread.join(30)
    assert outbox.waiting == 0
    assert received == sent


def test_the_outbox_waits_only_beyond_its_limit() -> None:
    from crawler.apply.writer import Outbox

    reader, writer = _channel()
    outbox = Outbox(writer, 1 << 20, lambda: True)
    page = b"p" * 60_000
    count = 0
    while outbox.waiting + 70_000 <= outbox.limit:  # nobody reads: these return at once
        outbox.put(("item", count, page))
        count += 1
    received: list[Any] = []
    thread = _read_all(reader, count + 40, received, delay=0.3)
    for n in range(count, count + 40):  # over the limit: put() waits for the reader
        outbox.put(("item", n, page))
        assert outbox.waiting <= outbox.limit
    outbox.flush(0)
    thread.join(30)
    assert [message[1] for message in received] == list(range(count + 40))


def test_an_event_loop_writes_the_outbox_out_between_puts() -> None:
    import asyncio

    from crawler.apply.writer import Outbox

    reader, writer = _channel()
    outbox = Outbox(writer, 64 << 20, lambda: True)
    sent = _messages()
    received: list[Any] = []

    async def crawl() -> None:
        for message in sent:
            outbox.put(message)
        assert outbox.waiting > 0
        thread = _read_all(reader, len(sent), received)
        for _ in range(300):  # no more put(): only the loop's watch on the socket can write the rest
            if outbox.waiting == 0:
                break
            await asyncio.sleep(0.1)
        thread.join(30)

    asyncio.run(crawl())
    assert received == sent


def test_a_gone_reader_fails_the_outbox_instead_of_waiting() -> None:
    from crawler.apply.writer import Outbox

    reader, writer = _channel()
    outbox = Outbox(writer, 64 << 20, lambda: False)
    outbox.put(("item", 0, b"x" * 9_000_000))  # fills the socket; the reader is "gone" but open
    outbox.flush(0)
    assert isinstance(outbox.failed, EOFError) and outbox.waiting == 0
    reader.close()
    closed = Outbox(writer, 64 << 20, lambda: True)
    closed.put(("item", 1, b"y"))
    assert isinstance(closed.failed, BrokenPipeError)


def test_a_closed_outbox_writes_nothing_more(tmp_path: Path) -> None:
    from crawler.apply.writer import Outbox

    reader, writer = _channel()
    outbox = Outbox(writer, 64 << 20, lambda: True)
    number = writer.fileno()
    outbox.put(("item", 0, b"x"))
    outbox.close()
    assert reader.recv() == ("item", 0, b"x")
    other = os.open(tmp_path / "other", os.O_WRONLY | os.O_CREAT)
    if other != number:  # the connection's old descriptor number, now another file's
        os.dup2(other, number)
        os.close(other)
    try:
        outbox.put(("item", 1, b"y" * 1000))
    finally:
        os.close(number)
    assert isinstance(outbox.failed, OSError)
    assert (tmp_path / "other").read_bytes() == b""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_the_writer_starts_is_ignored_as_later(tmp_path: Path, signum: int) -> None:
    """systemd or Ctrl-C may signal the whole run while the writer process is still starting (its
    interpreter importing, before serve() runs): the writer must not die of it then either."""
    from archive import open_archive, start_run
    from crawler.apply.writer import ArchiveWriter
    from tests.test_recorder import fetched

    path = tmp_path / "starting.db"
    db = open_archive(path)
    run_id = start_run(db, "nghean")
    db.close()
    writer = ArchiveWriter(str(path), "nghean", run_id)
    os.kill(writer.process.pid, signum)  # at once: the child has only just been spawned
    writer.send(fetched(1))
    status = writer.finish(reason="finished", pages=1, errors={})
    assert status == "ok"
    assert writer.process.exitcode == 0
    assert sqlite3.connect(path).execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_the_crawl_goes_on_while_the_writer_is_stopped(tmp_path: Path) -> None:
    from archive import open_archive, start_run
    from crawler.apply.writer import ArchiveWriter
    from tests.test_recorder import fetched

    path = tmp_path / "stopped.db"
    db = open_archive(path)
    run_id = start_run(db, "nghean")
    db.close()
    writer = ArchiveWriter(str(path), "nghean", run_id)
    items = []
    for n in range(1, 161):
        item = fetched(n)
        body = item.page.body + b"<!-- " + os.urandom(30_000).hex().encode() + b" -->"  # 60 KB a page
        items.append(dataclasses.replace(item, page=dataclasses.replace(item.page, body=body)))
    os.kill(writer.process.pid, signal.SIGSTOP)
    try:
        sender = threading.Thread(target=lambda: [writer.send(item) for item in items], daemon=True)
        sender.start()
        sender.join(30)  # 9.6 MB into socket buffers of 2 MB a side at most (SOCKET_BYTES, doubled)
        assert not sender.is_alive(), "the crawl waited for a stopped writer"
        assert writer.outbox.waiting > 4_000_000
    finally:
        os.kill(writer.process.pid, signal.SIGCONT)
        status = writer.finish(reason="finished", pages=160, errors={})
    assert status == "ok"
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT count(*) FROM articles").fetchone()[0] == 160


def test_an_article_crosses_as_its_fields_and_its_raw_body_and_comes_back_whole() -> None:
    from crawler.apply.items import CrawlError
    from crawler.apply.writer import _ARTICLE, _ITEM, Outbox, _article_frames, _fetched_article
    from tests.test_recorder import fetched

    item = fetched(7)
    item = dataclasses.replace(item, page=dataclasses.replace(item.page, headers={"ETag": '"7"'}, status=203))
    reader, writer = _channel()
    outbox = Outbox(writer, 64 << 20, lambda: True)
    message, raw = _article_frames(item)
    assert raw is item.page.body and item.page.body not in repr(message).encode()
    outbox.put(message, raw=raw)
    outbox.put((_ITEM, CrawlError(item.url, "http_404")))
    outbox.flush(0)
    kind, fields = reader.recv()
    assert kind == _ARTICLE
    assert _fetched_article(fields, reader.recv_bytes()) == item
    assert reader.recv() == (_ITEM, CrawlError(item.url, "http_404"))


def test_a_crawl_gone_between_an_articles_two_frames_leaves_no_half_article(tmp_path: Path) -> None:
    import multiprocessing

    from archive import open_archive, start_run
    from crawler.apply.writer import Outbox, _article_frames, serve
    from tests.test_recorder import fetched

    path = tmp_path / "half.db"
    db = open_archive(path)
    run_id = start_run(db, "nghean")
    db.close()
    context = multiprocessing.get_context("spawn")
    reader, writer = _channel()
    _, replies = context.Pipe(duplex=False)
    process = context.Process(target=serve, args=(str(path), "nghean", run_id, reader, replies, "WARNING"))
    process.start()
    reader.close()
    outbox = Outbox(writer, 64 << 20, process.is_alive)
    outbox.put(*_article_frames(fetched(1)))
    message, _raw = _article_frames(fetched(2))
    outbox.put(message)  # the crawl dies before the body's frame
    outbox.close()
    process.join(30)
    assert process.exitcode == 0
    connection = sqlite3.connect(path)
    assert [row[0] for row in connection.execute("SELECT title FROM articles")] == ["Bài 1"]


def test_a_record_pickles_as_its_fields_and_comes_back_equal_with_its_hash() -> None:
    import pickle

    from crawler.extract.record import Article, Image

    article = Article(
        url="https://nghean.dcs.vn/vi-vn/tin/bai/1-2-3", site="nghean", title="Đảng ủy tỉnh họp", text="Nội dung.",
        published="2025-09-08T11:38:00+07:00", author="Quang Minh", category="Xây dựng Đảng", summary="Tóm tắt",
        images=(Image("https://datafiles.nghean.gov.vn/a.jpg", "Quang cảnh hội nghị"), Image("b.jpg")),
        extraction="profile:nghean", content_hash="stored-earlier",
    )
    data = pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)
    back = pickle.loads(data)
    assert back == article and back.content_hash == "stored-earlier" and back.images[0].caption == "Quang cảnh hội nghị"
    assert b"extraction" not in data and b"caption" not in data  # fields by position, not by name
