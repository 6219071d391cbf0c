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
"""

from __future__ import annotations

import fcntl
import logging
import multiprocessing
import resource
import signal
import time
from multiprocessing.connection import Connection
from typing import Any

from crawler import heap
from crawler.recorder import Item, Recorder

logger = logging.getLogger("crawler.pipelines")

COMMIT_EVERY = 100
COMMIT_SECONDS = 1.0
COMMIT_IDLE_SECONDS = 0.02
# Bytes on their way to the writer (the pipe's buffer, Linux's F_SETPIPE_SZ): about sixteen
# article pages. A crawl that outruns the writer waits on the pipe, not in memory.
PIPE_BYTES = 1 << 20
_FINISH = "finish"


class WriterFailed(RuntimeError):
    """The writer process is gone: nothing more can be archived by this run."""


class ArchiveWriter:
    """The crawl's handle on the writer process: send() items in order, finish() the run.

    Items are written to the pipe from the crawl's own thread: a sender thread (and a queue in
    front of it) cost more in handing the interpreter lock back and forth than the pipe ever
    made the crawl wait. With a buffer of PIPE_BYTES a write blocks only when the writer is
    that far behind."""

    def __init__(self, path: str, site: str, run_id: int, *, log_level: str = "WARNING") -> None:
        context = multiprocessing.get_context("spawn")
        reader, self._pipe = context.Pipe(duplex=False)
        self._replies, replies = context.Pipe(duplex=False)
        _widen(self._pipe)
        self.process = context.Process(
            target=serve, args=(path, site, run_id, reader, replies, log_level), name="tinbai-archive-writer",
            daemon=False,
        )
        self.process.start()
        # The child's ends belong to the child: with them closed here, the child sees end-of-file
        # when this process dies, and this process sees it when the child does.
        reader.close()
        replies.close()
        self.failed: BaseException | None = None

    def _send(self, message: tuple[str, Any]) -> None:
        if self.failed is not None:
            return
        try:
            self._pipe.send(message)
        except (OSError, EOFError, ValueError) as error:
            self.failed = error

    def send(self, item: Item) -> None:
        if self.failed is None and not self.process.is_alive():
            self.failed = EOFError(f"exit code {self.process.exitcode}")
        self._send(("item", item))
        if self.failed is not None:
            raise WriterFailed(f"the archive writer stopped ({self.failed})")

    def finish(self, *, reason: str, pages: int, errors: dict[str, int], timeout: float = 600) -> str:
        """Close the run once every item sent is written; returns its status."""
        self._send((_FINISH, {"reason": reason, "pages": pages, "errors": errors}))
        self._pipe.close()
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
