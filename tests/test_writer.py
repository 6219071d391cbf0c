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

from tests.conftest import REPO, _tinbai_command
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
        [_tinbai_command(), "crawl", "nghean", "--replay", str(NGHEAN), "--db", str(db), *SLOW, *args],
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
    # The pipe closed: the writer keeps what it had received and exits.
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


def test_the_pipe_to_the_writer_holds_a_dozen_pages() -> None:
    import fcntl
    import multiprocessing

    from crawler.writer import PIPE_BYTES, _widen

    limit = int(Path("/proc/sys/fs/pipe-max-size").read_text()) if Path("/proc/sys/fs/pipe-max-size").exists() else 0
    if limit < PIPE_BYTES:
        pytest.skip("this system does not allow pipes of PIPE_BYTES")
    reader, writer = multiprocessing.get_context("spawn").Pipe(duplex=False)
    try:
        _widen(writer)
        assert fcntl.fcntl(writer.fileno(), fcntl.F_GETPIPE_SZ) >= PIPE_BYTES
    finally:
        reader.close()
        writer.close()


# The crawl's side of the pipe (crawler/writer.py Outbox): it never waits for a commit.

def _pipe() -> tuple[Any, Any]:
    import multiprocessing

    return multiprocessing.get_context("spawn").Pipe(duplex=False)


def _messages() -> list[Any]:
    # Frames of every size: empty, small, one page, several pipe buffers.
    return [("item", n, b"x" * size) for n, size in enumerate([0, 10, 70_000, 3_000_000, 5, 200_000] * 5)]


def _read_all(reader: Any, count: int, out: list[Any], delay: float = 0.0) -> threading.Thread:
    def read() -> None:
        time.sleep(delay)
        out.extend(reader.recv() for _ in range(count))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_the_outbox_goes_on_while_nobody_reads_and_connection_recv_reads_its_frames() -> None:
    from crawler.writer import Outbox

    reader, writer = _pipe()
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
    from crawler.writer import Outbox

    reader, writer = _pipe()
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

    from crawler.writer import Outbox

    reader, writer = _pipe()
    outbox = Outbox(writer, 64 << 20, lambda: True)
    sent = _messages()
    received: list[Any] = []

    async def crawl() -> None:
        for message in sent:
            outbox.put(message)
        assert outbox.waiting > 0
        thread = _read_all(reader, len(sent), received)
        for _ in range(300):  # no more put(): only the loop's watch on the pipe can write the rest
            if outbox.waiting == 0:
                break
            await asyncio.sleep(0.1)
        thread.join(30)

    asyncio.run(crawl())
    assert received == sent


def test_a_gone_reader_fails_the_outbox_instead_of_waiting() -> None:
    from crawler.writer import Outbox

    reader, writer = _pipe()
    outbox = Outbox(writer, 64 << 20, lambda: False)
    outbox.put(("item", 0, b"x" * 3_000_000))  # fills the pipe; the reader is "gone" but open
    outbox.flush(0)
    assert isinstance(outbox.failed, EOFError) and outbox.waiting == 0
    reader.close()
    closed = Outbox(writer, 64 << 20, lambda: True)
    closed.put(("item", 1, b"y"))
    assert isinstance(closed.failed, BrokenPipeError)


def test_a_closed_outbox_writes_nothing_more(tmp_path: Path) -> None:
    from crawler.writer import Outbox

    reader, writer = _pipe()
    outbox = Outbox(writer, 64 << 20, lambda: True)
    number = writer.fileno()
    outbox.put(("item", 0, b"x"))
    outbox.close()
    assert reader.recv() == ("item", 0, b"x")
    other = os.open(tmp_path / "other", os.O_WRONLY | os.O_CREAT)
    if other != number:  # the pipe's old descriptor number, now another file's
        os.dup2(other, number)
        os.close(other)
    try:
        outbox.put(("item", 1, b"y" * 1000))
    finally:
        os.close(number)
    assert isinstance(outbox.failed, OSError)
    assert (tmp_path / "other").read_bytes() == b""


def test_the_crawl_goes_on_while_the_writer_is_stopped(tmp_path: Path) -> None:
    from archive import open_archive, start_run
    from crawler.writer import ArchiveWriter
    from tests.test_recorder import fetched

    path = tmp_path / "stopped.db"
    db = open_archive(path)
    run_id = start_run(db, "nghean")
    db.close()
    writer = ArchiveWriter(str(path), "nghean", run_id)
    items = []
    for n in range(1, 61):
        item = fetched(n)
        body = item.page.body + b"<!-- " + os.urandom(30_000).hex().encode() + b" -->"  # 60 KB a page
        items.append(dataclasses.replace(item, page=dataclasses.replace(item.page, body=body)))
    os.kill(writer.process.pid, signal.SIGSTOP)
    try:
        sender = threading.Thread(target=lambda: [writer.send(item) for item in items], daemon=True)
        sender.start()
        sender.join(30)  # 3.6 MB into a pipe of 1 MB at most
        assert not sender.is_alive(), "the crawl waited for a stopped writer"
        assert writer.outbox.waiting > 2_000_000
    finally:
        os.kill(writer.process.pid, signal.SIGCONT)
    assert writer.finish(reason="finished", pages=60, errors={}) == "ok"
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT count(*) FROM articles").fetchone()[0] == 60
