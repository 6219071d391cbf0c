"""The archive writer: a process of its own that applies the crawl's items to the archive.

Data flow: spider -> item -> ArchivePipeline (crawler/fetch/pipeline.py) -> ArchiveWriter.send() ->
a Unix socket pair -> the writer process -> Recorder (crawler/apply/recorder.py) -> archive. Extraction
runs in the crawl's process and the archive's writes (dedup, compression, full-text indexing,
MinHash) in this one, so on a machine with two cores each has one instead of the crawl waiting for
every save.

One writer serves every portal a crawl process crawls side by side (`tinbai crawl --all`): each
item names its run, and the archive's writes stay serialized in one process instead of a writer
per portal waiting for the file's lock.

Items arrive in order and are applied in order. The writer commits whenever it has caught up with
the crawl (nothing more arrived for COMMIT_IDLE_SECONDS), and at the latest after COMMIT_EVERY
items or COMMIT_SECONDS seconds: at a live crawl's pace that is every item, during a fast replay
dozens at a time (a commit costs a sizeable part of a save). When the crawl's process
dies (kill -9), the socket closes: the writer commits what it has received, whole items only, and
exits without closing the runs, which the next run finds "running" and marks interrupted. The
writer ignores SIGINT and SIGTERM, which a terminal or systemd sends to every process of the run:
the crawl shuts down cleanly and then tells it to finish each run and close.

The crawl never waits for a commit: what the socket cannot take yet waits in the crawl's memory (up
to BACKLOG_BYTES, a few hundred pages), written out whenever the socket has room, from the crawl's
event loop or at the next item. Only a writer that far behind makes the crawl wait.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import resource
import select
import signal
import socket
import struct
import time
from collections import deque
from collections.abc import Callable
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection
from typing import Any

from archive.db import ArchiveDamaged, is_damage
from crawler import heap
from crawler.apply.items import FetchedArticle
from crawler.apply.recorder import Item, Recorder
from crawler.extract.record import Page

logger = logging.getLogger("crawler.pipelines")

COMMIT_EVERY = 100
COMMIT_SECONDS = 1.0
COMMIT_IDLE_SECONDS = 0.02
# The items' channel is a Unix socket pair, not a pipe: writing a page into a pipe cost the crawl
# several times the CPU of writing it into a socket, while the writer reads on the other core.
# Bytes on their way to the writer in the socket's buffers (SO_SNDBUF, SO_RCVBUF; Linux doubles
# the value asked for, up to net.core.wmem_max / rmem_max): a dozen article pages or more; what
# does not fit waits in the crawl's Outbox.
SOCKET_BYTES = 1 << 20
# Bytes the crawl holds for the writer beyond the socket's buffers: a long commit (a full-text merge,
# a WAL checkpoint: up to half a second) is about 300 pages of a fast replay.
BACKLOG_BYTES = 32 << 20
_OPEN = "open"  # a run: (run id, site)
_ITEM = "item"  # (run id, item)
_ARTICLE = "article"  # a FetchedArticle's fields, its run last, its page's body in the frame after it
_FINISH = "finish"  # (run id, the run's end): answered with (run id, status)
_CLOSE = "close"  # nothing more: answered with (None, None), then the writer exits
_DAMAGED = "damaged"  # the writer's answer when SQLite found the archive damaged: (_DAMAGED, why)
_IOV_MAX = 64  # buffers per writev(): the header and body of 32 items


class WriterFailed(RuntimeError):
    """The writer process is gone: nothing more can be archived by this run."""


class Outbox:
    """Messages for a multiprocessing Connection's reader, written to it without waiting.

    Each message is pickled and framed as Connection.send() frames it (so the reader's
    Connection.recv() reads it), and the connection is non-blocking on this side: a frame, or its
    end, that does not fit waits in memory and is written when there is room: by an event loop
    watching the connection when one is running, and at every put(). Only more than `limit` bytes
    waiting makes put() wait, flush(0) waits for all of it, and close() writes it all and closes
    the connection. `alive()` says whether the reader is still there while waiting; a broken pipe
    (EPIPE) says it otherwise."""

    def __init__(self, connection: Connection, limit: int, alive: Callable[[], bool]) -> None:
        self._connection = connection
        self._fd = connection.fileno()  # valid until close(): nothing is written after it
        os.set_blocking(self._fd, False)
        self._alive = alive
        self.limit = limit
        self._frames: deque[memoryview] = deque()
        self.waiting = 0  # bytes put but not yet written
        self.failed: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # watching the connection for room

    def put(self, message: Any, raw: bytes | None = None) -> None:
        """Send `message`, pickled; `raw` bytes, when given, follow it as a frame of their own, for
        the reader's Connection.recv_bytes(): written from where they are, never copied here."""
        if self.failed is None and self._connection.closed:  # its fd may be another file's by now
            self.failed = OSError("the connection to the reader is closed")
        if self.failed is not None:
            return
        # Connection.recv() reads any protocol. Not multiprocessing's ForkingPickler, which
        # Connection.send() uses for the handles it can pass: an item holds none, and the plain
        # pickler is several times faster.
        self._frame(memoryview(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)))
        if raw is not None:
            self._frame(memoryview(raw))
        self._write()
        if self.waiting > self.limit:
            self.flush(self.limit)
        if self._frames and self._loop is None and self.failed is None:
            self._watch()

    def _frame(self, body: memoryview) -> None:
        size = body.nbytes
        # multiprocessing.connection.Connection._send_bytes()'s framing
        header = struct.pack("!i", size) if size <= 0x7FFFFFFF else struct.pack("!iQ", -1, size)
        self._frames.append(memoryview(header))
        self._frames.append(body)
        self.waiting += len(header) + size

    def flush(self, limit: int = 0) -> None:
        """Wait until at most `limit` bytes are left to write, or the reader is gone."""
        if limit == 0:
            self._unwatch()
        while self.waiting > limit and self.failed is None:
            select.select([], [self._fd], [], 1.0)
            self._write()
            if self.waiting > limit and not self._alive():
                self._fail(EOFError("the reader is gone"))

    def close(self) -> None:
        """Write out everything put, then close the connection; a later put() fails."""
        self.flush(0)
        self._connection.close()

    def _write(self) -> None:
        """Write what the connection takes now."""
        frames = self._frames
        while frames:
            try:
                written = os.writev(self._fd, [frames[i] for i in range(min(len(frames), _IOV_MAX))])
            except BlockingIOError:
                return
            except OSError as error:  # EPIPE: the reader is gone
                self._fail(error)
                return
            self.waiting -= written
            while written:
                head = frames[0]
                if len(head) > written:
                    frames[0] = head[written:]
                    break
                written -= len(head)
                frames.popleft()

    def _watch(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop: the next put() or flush() writes it
        loop.add_writer(self._fd, self._writable)
        self._loop = loop

    def _writable(self) -> None:
        self._write()
        if not self._frames or self.failed is not None:
            self._unwatch()

    def _unwatch(self) -> None:
        if self._loop is not None:
            self._loop.remove_writer(self._fd)
            self._loop = None

    def _fail(self, error: BaseException) -> None:
        self.failed = error
        self._frames.clear()
        self.waiting = 0
        self._unwatch()


class ArchiveWriter:
    """The crawl's handle on the writer process: open_run() for each portal crawled, send() items
    in order, finish_run() each run, close() at the end. One writer serves every run of the crawl
    process, so that portals crawled side by side have their writes serialized by one process
    instead of each run's own writer waiting for the archive's lock.

    Items go to the socket from the crawl's own thread, through an Outbox: the crawl goes on while
    the writer is in a long commit, holding up to BACKLOG_BYTES. A sender thread instead cost more
    in handing the interpreter lock over than it saved.

    `ArchiveWriter(path, site, run_id)` opens that run as the default of send() and finish()."""

    def __init__(self, path: str, site: str | None = None, run_id: int | None = None, *,
                 log_level: str = "WARNING", backlog_bytes: int = BACKLOG_BYTES) -> None:
        context = multiprocessing.get_context("spawn")
        # duplex: multiprocessing makes it a socket pair (a pipe otherwise); it carries items one way.
        reader, channel = context.Pipe(duplex=True)
        self._replies, replies = context.Pipe(duplex=False)
        _widen(channel, socket.SO_SNDBUF)
        _widen(reader, socket.SO_RCVBUF)
        self.process = context.Process(
            target=serve, args=(path, site, run_id, reader, replies, log_level), name="tinbai-archive-writer",
            daemon=False,
        )
        # The signals that stop a whole run (systemd's SIGTERM to every process of the unit, Ctrl-C's
        # SIGINT to the terminal's job) are blocked while the child starts: it inherits the mask
        # across exec, and a signal sent before serve() ignores them (its interpreter still
        # importing) waits, blocked, and is then discarded, where it would have killed it. Here,
        # one that arrives meanwhile is held, and delivered when the mask is given back.
        # multiprocessing's resource tracker, started with the first child, unblocks them when it
        # has started: it is started first.
        resource_tracker.ensure_running()
        stopping = {signal.SIGINT, signal.SIGTERM}
        held = signal.pthread_sigmask(signal.SIG_BLOCK, stopping)
        try:
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        # The child's ends belong to the child: with them closed here, the child sees end-of-file
        # when this process dies, and this process sees it (a broken pipe) when the child does.
        reader.close()
        replies.close()
        self.outbox = Outbox(channel, backlog_bytes, self.process.is_alive)
        self.default_run = run_id
        self.statuses: dict[int, str] = {}  # the runs the writer has finished, with their status
        self.damaged: str | None = None  # why the writer stopped, when it found the archive damaged
        self.closed = False

    @property
    def failed(self) -> BaseException | None:
        return self.outbox.failed

    def open_run(self, run_id: int, site: str) -> None:
        self._put((_OPEN, (run_id, site)))

    def send(self, item: Item, run_id: int | None = None) -> None:
        run = run_id if run_id is not None else self.default_run
        if isinstance(item, FetchedArticle):
            self.outbox.put(*_article_frames(item, run))
        else:
            self.outbox.put((_ITEM, (run, item)))
        self._check()

    def finish_run(self, *, reason: str, pages: int, errors: dict[str, int], run_id: int | None = None) -> None:
        """Ask the writer to close the run once every item sent before is written; the crawl does not
        wait for it (close() collects the runs' statuses)."""
        run = run_id if run_id is not None else self.default_run
        self._put((_FINISH, (run, {"reason": reason, "pages": pages, "errors": errors})))

    def close(self, timeout: float = 600) -> dict[int, str]:
        """Let the writer write everything sent and exit; returns the status of each run it
        finished. A run missing from the answer was not finished (the writer failed)."""
        if self.closed:
            return self.statuses
        self.closed = True
        self.outbox.put((_CLOSE, None))
        self.outbox.close()
        deadline = time.monotonic() + timeout
        try:
            # A writer that stopped may have said why before it went (a damaged archive): read it
            # even when the socket to it is broken.
            while self._replies.poll(max(0.0, deadline - time.monotonic()) if self.failed is None else 0):
                run, status = self._replies.recv()
                if run is None:
                    break  # the writer is done
                if run == _DAMAGED:
                    self.damaged = status
                    break
                self.statuses[run] = status
        except EOFError:
            pass  # the writer is gone: what it finished is in self.statuses
        finally:
            self._replies.close()
            self.exit_code = self._exit_code()
        return self.statuses

    def finish(self, *, reason: str, pages: int, errors: dict[str, int], timeout: float = 600) -> str:
        """Close the default run once every item sent is written, and the writer; returns the run's
        status."""
        self.finish_run(reason=reason, pages=pages, errors=errors)
        statuses = self.close(timeout)
        if self.damaged is not None:
            raise ArchiveDamaged(self.damaged)
        if self.default_run not in statuses:
            raise WriterFailed(f"the archive writer did not finish the run ({self.failed or 'no answer'},"
                               f" exit code {self.exit_code})")
        return statuses[self.default_run]

    def _put(self, message: tuple[str, Any]) -> None:
        self.outbox.put(message)
        self._check()

    def why_stopped(self) -> str | None:
        """Why the writer stopped, when it said so (the archive damaged): read without waiting."""
        if self.damaged is None and not self.closed:
            try:
                while self._replies.poll(0):
                    run, status = self._replies.recv()
                    if run == _DAMAGED:
                        self.damaged = status
                        break
                    if run is not None:
                        self.statuses[run] = status
            except (EOFError, OSError):
                pass
        return self.damaged

    def _check(self) -> None:
        if self.failed is not None:
            raise WriterFailed(f"the archive writer stopped ({self.failed})")

    def _exit_code(self) -> int | None:
        self.process.join(timeout=60)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        return self.process.exitcode


def _widen(connection: Connection, option: int) -> None:
    """Ask for SOCKET_BYTES of send or receive buffer (`option`) on a socket connection; the
    system grants what its limits allow."""
    # socket.fromfd() duplicates the descriptor: closing the duplicate leaves the connection's own.
    with socket.fromfd(connection.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.setsockopt(socket.SOL_SOCKET, option, SOCKET_BYTES)
        except OSError as error:
            logger.debug("archive writer socket keeps its default buffer (%s)", error)


def _article_frames(item: FetchedArticle, run_id: int | None = None) -> tuple[tuple[str, tuple[Any, ...]], bytes]:
    """A FetchedArticle of run `run_id` as two frames: its fields, and its page's body as raw
    bytes. Pickled with the rest, the body (57 KB a page) was copied into the pickle and out of it
    again."""
    page = item.page
    fields = (page.url, page.headers, page.status, item.article, item.url, item.site_article_id, item.warc_record_id,
              run_id)
    return (_ARTICLE, fields), page.body


def _fetched_article(fields: tuple[Any, ...], body: bytes) -> FetchedArticle:
    """_article_frames() put together again (its run is the fields' last)."""
    url, headers, status, article, requested, site_article_id, warc_record_id, _run = fields
    return FetchedArticle(page=Page(url=url, body=body, headers=headers, status=status), article=article,
                          url=requested, site_article_id=site_article_id, warc_record_id=warc_record_id)


def serve(path: str, site: str | None, run_id: int | None, reader: Connection, replies: Connection,
          log_level: str) -> None:
    """The writer process: apply every item from `reader` until the crawl says close (or dies).
    `run_id` of `site`, when given, is open from the start.

    When SQLite finds the archive damaged, the writer rolls back what it had not committed, tells
    the crawl why (the crawl stops and exits 2) and ends: nothing more is written into that file."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # Started with them blocked (ArchiveWriter): one sent meanwhile is discarded now, ignored.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    logging.basicConfig(level=log_level, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    try:
        recorder = Recorder(path, site, run_id)
    except ArchiveDamaged as error:
        replies.send((_DAMAGED, str(error)))
        return
    heap.settle()
    try:
        _serve(recorder, reader, replies)
    except Exception as error:
        if not is_damage(error) and not isinstance(error, ArchiveDamaged):
            recorder.close()
            raise
        damaged = error if isinstance(error, ArchiveDamaged) else ArchiveDamaged.of(path, error)
        logger.warning("archive writer: %s", damaged)
        recorder.abandon()
        replies.send((_DAMAGED, str(damaged)))
        return
    recorder.close()


def _serve(recorder: Recorder, reader: Connection, replies: Connection) -> None:
    group_started = 0.0
    items = commits = 0
    waited = 0.0  # seconds with nothing to write: the crawl is the slower side
    while True:
        ready = reader.poll(0)
        if recorder.pending and not ready:
            # The crawl may be between two items: a short wait spares a commit.
            started = time.monotonic()
            ready = reader.poll(COMMIT_IDLE_SECONDS)
            waited += time.monotonic() - started
        if recorder.pending and (
            not ready or recorder.pending >= COMMIT_EVERY or time.monotonic() - group_started >= COMMIT_SECONDS
        ):
            recorder.commit()
            commits += 1
        if not ready:
            started = time.monotonic()
            reader.poll(None)
            waited += time.monotonic() - started
        try:
            kind, body = reader.recv()
            if kind == _ARTICLE:
                run, body = body[-1], _fetched_article(body, reader.recv_bytes())
            elif kind in (_ITEM, _FINISH, _OPEN):
                run, body = body
        except EOFError:
            return  # the crawl's process is gone: keep what was received, whole items only
        if kind == _OPEN:
            recorder.open_run(run, body)
            continue
        if kind == _FINISH:
            replies.send((run, recorder.finish(run_id=run, **body)))
            commits += 1
            continue
        if kind == _CLOSE:
            recorder.commit()
            logger.info("archive writer: %d items in %d commits, %.1f s CPU, %.1f s waiting for the crawl,"
                        " peak memory %.0f MB", items, commits, time.process_time(), waited,
                        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            replies.send((None, None))
            return
        items += 1
        if not recorder.pending:
            group_started = time.monotonic()
        recorder.apply(body, run)
