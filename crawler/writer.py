"""The archive writer: a process of its own that applies the crawl's items to the archive.

Data flow: spider -> item -> ArchivePipeline (crawler/pipelines.py) -> ArchiveWriter.send() ->
a pipe -> the writer process -> Recorder (crawler/recorder.py) -> archive. Extraction runs in the
crawl's process and the archive's writes (dedup, compression, full-text indexing, MinHash) in
this one, so on a machine with two cores each has one instead of the crawl waiting for every save.

Items arrive in order and are applied in order. The writer commits whenever it has caught up with
the crawl (nothing more arrived for COMMIT_IDLE_SECONDS), and at the latest after COMMIT_EVERY
items or COMMIT_SECONDS seconds: at a live crawl's pace that is every item, during a fast replay
dozens at a time (one commit per save was a fifth of a save's cost). When the crawl's process
dies (kill -9), the pipe closes: the writer commits what it has received, whole items only, and
exits without closing the run, which the next run finds "running" and marks interrupted. The
writer ignores SIGINT and SIGTERM, which a terminal or systemd sends to every process of the run:
the crawl shuts down cleanly and then tells it to finish.

The crawl never waits for a commit: what the pipe cannot take yet waits in the crawl's memory (up
to BACKLOG_BYTES, a few hundred pages), written out whenever the pipe has room, from the crawl's
event loop or at the next item. Only a writer that far behind makes the crawl wait.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import multiprocessing
import os
import resource
import select
import signal
import struct
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any

from crawler import heap
from crawler.recorder import Item, Recorder

logger = logging.getLogger("crawler.pipelines")

COMMIT_EVERY = 100
COMMIT_SECONDS = 1.0
COMMIT_IDLE_SECONDS = 0.02
# Bytes on their way to the writer in the pipe's own buffer (Linux's F_SETPIPE_SZ): about sixteen
# article pages; what does not fit waits in the crawl's Outbox.
PIPE_BYTES = 1 << 20
# Bytes the crawl holds for the writer beyond the pipe's buffer: a long commit (a full-text merge,
# a WAL checkpoint: up to half a second) is about 300 pages of a fast replay.
BACKLOG_BYTES = 32 << 20
_FINISH = "finish"
_IOV_MAX = 64  # buffers per writev(): the header and body of 32 items


class WriterFailed(RuntimeError):
    """The writer process is gone: nothing more can be archived by this run."""


class Outbox:
    """Messages for a multiprocessing Connection's reader, written to its pipe without waiting.

    Each message is pickled and framed as Connection.send() frames it (so the reader's
    Connection.recv() reads it), and the pipe is non-blocking on this side: a frame, or its end,
    that does not fit waits in memory and is written when the pipe has room: by an event loop
    watching the pipe when one is running, and at every put(). Only more than `limit` bytes
    waiting makes put() wait, flush(0) waits for all of it, and close() writes it all and closes
    the connection. `alive()` says whether the reader is still there while waiting; a broken pipe
    says it otherwise."""

    def __init__(self, connection: Connection, limit: int, alive: Callable[[], bool]) -> None:
        self._connection = connection
        self._fd = connection.fileno()  # valid until close(): nothing is written after it
        os.set_blocking(self._fd, False)
        self._alive = alive
        self.limit = limit
        self._frames: deque[memoryview] = deque()
        self.waiting = 0  # bytes put but not yet in the pipe
        self.failed: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # watching the pipe for room

    def put(self, message: Any) -> None:
        if self.failed is None and self._connection.closed:  # its fd may be another file's by now
            self.failed = OSError("the pipe to the reader is closed")
        if self.failed is not None:
            return
        body = memoryview(ForkingPickler.dumps(message))  # as Connection.send() pickles it
        size = body.nbytes
        # multiprocessing.connection.Connection._send_bytes()'s framing
        header = struct.pack("!i", size) if size <= 0x7FFFFFFF else struct.pack("!iQ", -1, size)
        self._frames.append(memoryview(header))
        self._frames.append(body)
        self.waiting += len(header) + size
        self._write()
        if self.waiting > self.limit:
            self.flush(self.limit)
        if self._frames and self._loop is None and self.failed is None:
            self._watch()

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
        """Write what the pipe takes now."""
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
    """The crawl's handle on the writer process: send() items in order, finish() the run.

    Items go to the pipe from the crawl's own thread, through an Outbox: the crawl goes on while
    the writer is in a long commit, holding up to BACKLOG_BYTES. A sender thread instead cost more
    in handing the interpreter lock over than it saved."""

    def __init__(self, path: str, site: str, run_id: int, *, log_level: str = "WARNING",
                 backlog_bytes: int = BACKLOG_BYTES) -> None:
        context = multiprocessing.get_context("spawn")
        reader, pipe = context.Pipe(duplex=False)
        self._replies, replies = context.Pipe(duplex=False)
        _widen(pipe)
        self.process = context.Process(
            target=serve, args=(path, site, run_id, reader, replies, log_level), name="tinbai-archive-writer",
            daemon=False,
        )
        self.process.start()
        # The child's ends belong to the child: with them closed here, the child sees end-of-file
        # when this process dies, and this process sees it (a broken pipe) when the child does.
        reader.close()
        replies.close()
        self.outbox = Outbox(pipe, backlog_bytes, self.process.is_alive)

    @property
    def failed(self) -> BaseException | None:
        return self.outbox.failed

    def send(self, item: Item) -> None:
        self.outbox.put(("item", item))
        if self.failed is not None:
            raise WriterFailed(f"the archive writer stopped ({self.failed})")

    def finish(self, *, reason: str, pages: int, errors: dict[str, int], timeout: float = 600) -> str:
        """Close the run once every item sent is written; returns its status."""
        self.outbox.put((_FINISH, {"reason": reason, "pages": pages, "errors": errors}))
        self.outbox.close()
        try:
            if self.failed is None and self._replies.poll(timeout):
                return str(self._replies.recv())
            raise WriterFailed(f"the archive writer did not finish the run ({self.failed or 'no answer'})")
        except EOFError:
            raise WriterFailed(f"the archive writer stopped (exit code {self._exit_code()})") from None
        finally:
            self._replies.close()
            self._exit_code()

    def _exit_code(self) -> int | None:
        self.process.join(timeout=60)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        return self.process.exitcode


def _widen(pipe: Connection) -> None:
    """Give the pipe PIPE_BYTES of buffer where the system allows (Linux); else it keeps its own."""
    setpipe_sz = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    if setpipe_sz is None:
        return
    try:
        fcntl.fcntl(pipe.fileno(), setpipe_sz, PIPE_BYTES)
    except OSError as error:  # over /proc/sys/fs/pipe-max-size, or the user's pipe quota
        logger.debug("archive writer pipe keeps its default size (%s)", error)


def serve(path: str, site: str, run_id: int, reader: Connection, replies: Connection, log_level: str) -> None:
    """The writer process: apply every item from `reader` until the crawl says finish (or dies)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logging.basicConfig(level=log_level, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    recorder = Recorder(path, site, run_id)
    heap.settle()
    group_started = 0.0
    items = commits = 0
    waited = 0.0  # seconds with nothing to write: the crawl is the slower side
    try:
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
            except EOFError:
                return  # the crawl's process is gone: keep what was received
            if kind == _FINISH:
                replies.send(recorder.finish(**body))
                commits += 1
                logger.info("archive writer: %d items in %d commits, %.1f s CPU, %.1f s waiting for the crawl,"
                            " peak memory %.0f MB", items, commits, time.process_time(), waited,
                            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
                return
            items += 1
            if not recorder.pending:
                group_started = time.monotonic()
            recorder.apply(body)
    finally:
        recorder.close()
