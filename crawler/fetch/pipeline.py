"""Items -> the archive writer. The one pipeline is the crawl's link to its archive: when the spider
opens it reads the portal's crawl plan (what is known, what is due) and its learned URL shapes into
the spider and starts the run; then it hands every item to the archive writer
(crawler/apply/writer.py, a process of its own), which applies it (crawler/apply/recorder.py; dedup
and storage live in archive/), and it closes the run when the spider closes. TINBAI_WRITER =
"inline" applies items in the crawl's own process, one transaction each.

Portals crawled side by side in one process (`tinbai crawl --all`) share one archive writer
(SharedWriter): each spider's run is opened in it, every item goes with its run, and the writer is
closed when the last spider closes. One process writing keeps the archive's writes serialized
and grouped into commits, instead of a writer per portal waiting for the file's lock.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import UTC, datetime
from typing import Any, ClassVar

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred

from archive import ArchiveError, CrawlPlan, finish_run, load_plan, open_archive, start_run
from archive.db import ArchiveDamaged, describe_error, is_damage
from archive.sites import load_shapes
from archive.templates import current_template
from crawler import heap
from crawler.apply.items import CrawlError, FetchedArticle, SiteLearned
from crawler.apply.recorder import Item, Recorder
from crawler.apply.writer import ArchiveWriter, WriterFailed
from crawler.extract.record import ErrorKind

logger = logging.getLogger(__name__)

# Errors counted by components that yield no items (the replay handler's skipped manifest
# entries): Scrapy stats under this prefix, merged into the run's errors by kind.
ERROR_STATS_PREFIX = "tinbai/errors/"
# What the run came to, for the command that started it (Scrapy stats): the run's status ("ok",
# "errors", "interrupted"), and, when it could not go on at all, why (the archive found damaged).
RUN_STATUS_STAT = "tinbai/run_status"
COULD_NOT_RUN_STAT = "tinbai/could_not_run"


class PortalsProcess(CrawlerProcess):
    """Scrapy's CrawlerProcess, whose stop (the first SIGTERM or Ctrl-C) waits for every crawl to
    end: a crawler still starting is stopped once its engine starts (ArchivePipeline.engine_started),
    where Scrapy's own stop returned at once and stopped the reactor under it."""

    def stop(self) -> Deferred[Any]:
        stopping = super().stop()
        stopping.addBoth(lambda _: self.join())
        return stopping


def could_not_run(crawler: Crawler, db: str, failure: BaseException | None = None, *, site: str = "") -> str | None:
    """Why the crawl of `crawler` could not run or go on, in one line, or None: it failed to start
    (a bad setting, an archive it could not read: `failure`), or found the archive damaged midway.
    Both `tinbai crawl` and `scrapy crawl` exit 2 with it."""
    site = site or getattr(getattr(crawler, "spider", None), "name", None) or "the portal"
    if failure is not None:
        if isinstance(failure, ArchiveError):
            return str(failure)
        if isinstance(failure, sqlite3.Error):
            return describe_error(db, failure)
        return f"could not start the crawl of {site}: {type(failure).__name__}: {failure}"
    stats = crawler.stats
    reason = stats.get_value(COULD_NOT_RUN_STAT) if stats is not None else None
    return str(reason) if reason else None


def keep_failure(started: Any, failed: list[BaseException]) -> None:
    """Keep in `failed` why a crawl started by CrawlerProcess.crawl() failed (a Twisted Deferred, or
    an asyncio Task under AsyncCrawlerProcess, which `scrapy crawl` uses): read, it is neither
    logged with a traceback as an unhandled error nor lost."""
    if hasattr(started, "addErrback"):
        started.addErrback(lambda failure: failed.append(failure.value))
        return

    def done(task: Any) -> None:
        if not task.cancelled() and task.exception() is not None:
            failed.append(task.exception())

    started.add_done_callback(done)


def run_status(crawler: Crawler) -> str | None:
    """The status the crawl's run ended with ("ok", "errors", "interrupted"), if it got one."""
    stats = crawler.stats
    status = stats.get_value(RUN_STATUS_STAT) if stats is not None else None
    return str(status) if status else None


def _bookkeeping(item: Any) -> DropItem:
    # Dropped quietly: these items only carry state to the archive, they are not scraped data.
    return DropItem(f"{type(item).__name__} {getattr(item, 'url', '')}", log_level="DEBUG")


class SharedWriter:
    """The archive writer of one archive file, shared by the spiders of this process: made when the
    first spider opens, closed when the last one closes, each run's end collected then."""

    shared: ClassVar[dict[str, SharedWriter]] = {}

    def __init__(self, path: str, log_level: str) -> None:
        self.path = path
        self.writer = ArchiveWriter(path, log_level=log_level)
        self.runs: dict[int, dict[str, Any]] = {}  # open and finished runs: their pages and errors

    @classmethod
    def attach(cls, path: str, log_level: str, run_id: int, site: str) -> SharedWriter:
        share = cls.shared.get(path)
        if share is None:
            share = cls.shared[path] = cls(path, log_level)
        share.runs[run_id] = {"open": True}
        share.writer.open_run(run_id, site)
        return share

    def detach(self, run_id: int, *, reason: str, pages: int, errors: dict[str, int]) -> str | None:
        """The run's spider closed: finish its run, and when it was the last, close the writer and
        finish from here any run the writer could not (it died): status errors, writer_failed.
        Returns the run's status when the writer has closed it. A writer that found the archive
        damaged leaves the runs as they are ("running"): ArchiveDamaged, nothing more written."""
        self.runs[run_id] = {"open": False, "pages": pages, "errors": errors}
        try:
            self.writer.finish_run(reason=reason, pages=pages, errors=errors, run_id=run_id)
        except WriterFailed as error:
            if self.writer.why_stopped() is None:
                logger.error("%s", error)
        if self.writer.damaged is not None:
            self._close_damaged()
        if any(run["open"] for run in self.runs.values()):
            return None
        self.shared.pop(self.path, None)
        finished = self.writer.close()
        if self.writer.damaged is not None:
            raise ArchiveDamaged(self.writer.damaged)
        unfinished = [number for number in self.runs if number not in finished]
        if not unfinished:
            return finished.get(run_id)
        logger.error("the archive writer stopped (%s) before finishing runs %s", self.writer.failed, unfinished)
        # The runs still get an end, from here: what the writer counted is lost with it.
        with open_archive(self.path) as db:
            for number in unfinished:
                run = self.runs[number]
                finish_run(db, number, status="errors", counts={"pages": run["pages"]},
                           errors={**run["errors"], ErrorKind.WRITER_FAILED: 1})
        return finished.get(run_id, "errors")

    def _close_damaged(self) -> None:
        """The writer found the archive damaged: nothing more is sent to it, and each spider still
        open hears why at its next item."""
        self.shared.pop(self.path, None)
        raise ArchiveDamaged(str(self.writer.damaged))


class ArchivePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("TINBAI_DB")
        self.mode = crawler.settings.get("TINBAI_WRITER", "process")
        if self.mode not in ("process", "inline"):
            raise ValueError(f"TINBAI_WRITER must be 'process' or 'inline', not {self.mode!r}")
        self.share: SharedWriter | None = None
        self.recorder: Recorder | None = None
        self.run_id: int | None = None
        self.writer_failed: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        # The plan is read and the run started here, while Scrapy builds the crawl's engine, not in
        # open_spider(): a bad setting or an archive that cannot be read then fails the crawl before
        # anything opens, and the command says so in one line (could_not_run), where a failure in
        # open_spider() made Scrapy close a spider it had not opened, with a traceback.
        pipeline.start_run()
        # The run is closed on spider_closed, not in close_spider(): only the signal says why the
        # spider closed ("finished", or "shutdown" when systemd stops the job).
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.engine_started, signal=signals.engine_started)
        return pipeline

    def engine_started(self) -> Any:
        """A stop asked for while the crawl was starting (systemd stopping the job in the seconds the
        spiders open and the archive writer starts) is carried out now: Scrapy's Crawler.stop_async()
        only marks a crawler whose engine is not running yet, and the crawl then ran to its end, or
        the process stopped with its runs left "running". Closed here, the run ends "interrupted"."""
        if self.crawler.crawling:
            return None
        return deferred_from_coro(self.crawler.engine.stop_async())

    def start_run(self) -> None:
        spider: Any = self.crawler.spider
        self.site = getattr(spider, "name", "?")
        with open_archive(self.path) as db:
            if hasattr(spider, "plan"):
                spider.plan = self._plan(db, spider)
            if hasattr(spider, "learn_from"):
                spider.learn_from(load_shapes(db, self.site))
            if hasattr(spider, "use_template"):
                spider.use_template(current_template(db, self.site))
            self.run_id = start_run(db, self.site)
        if self.crawler.stats is not None:
            # Named by the warcinfo record of the run's WARC files (crawler/fetch/warc.py).
            self.crawler.stats.set_value("tinbai/run", self.run_id)

    def open_spider(self) -> None:
        assert self.run_id is not None
        # What the run keeps until it ends now exists (Scrapy, the plan, the replay manifest).
        heap.settle()
        if self.mode == "inline":
            self.recorder = Recorder(self.path, self.site, self.run_id)
        else:
            level = self.crawler.settings.get("LOG_LEVEL") or "WARNING"
            self.share = SharedWriter.attach(self.path, level, self.run_id, self.site)

    def _plan(self, db: Any, spider: Any) -> CrawlPlan:
        settings = self.crawler.settings
        schedule = settings.get("TINBAI_REFRESH") or spider.profile.refresh_schedule
        try:
            if isinstance(schedule, str):
                schedule = json.loads(schedule)
            schedule = [(float(younger), float(every)) for younger, every in schedule]
        except (ValueError, TypeError):
            raise ValueError(f"TINBAI_REFRESH takes [[younger_than_days, every_days], ...] as JSON, not "
                             f"{settings.get('TINBAI_REFRESH')!r}") from None
        now = settings.get("TINBAI_NOW")
        try:
            when = datetime.fromisoformat(now) if now else datetime.now(UTC)
        except ValueError:
            raise ValueError(f"TINBAI_NOW takes an ISO 8601 time (2026-11-21T08:00:00+07:00), not {now!r}") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return load_plan(db, self.site, full=settings.getbool("TINBAI_FULL"), schedule=schedule, now=when)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Item):
            raise DropItem(f"unknown item {type(item).__name__}")
        self._record(item)
        if isinstance(item, FetchedArticle):
            return item
        if isinstance(item, CrawlError):
            raise DropItem(f"{item.kind}: {item.url}", log_level="DEBUG")
        raise _bookkeeping(item)

    def _could_not_run(self, message: str) -> None:
        """The archive cannot take more: stop the crawl, and say why to the command that started it."""
        stats = self.crawler.stats
        if stats is not None and stats.get_value(COULD_NOT_RUN_STAT) is None:
            stats.set_value(COULD_NOT_RUN_STAT, message)
            logger.warning("%s; closing the crawl", message)
            if self.crawler.engine is not None:
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_damaged"))

    def _record(self, item: Item) -> None:
        if self.recorder is not None:
            try:
                self.recorder.apply(item)
                self.recorder.commit()
            except Exception as error:
                if not (isinstance(error, ArchiveDamaged) or is_damage(error)):
                    raise
                self._could_not_run(str(error if isinstance(error, ArchiveDamaged)
                                        else ArchiveDamaged.of(self.path, error)))
                self.recorder.abandon()
                self.recorder = None
                raise DropItem(f"not archived (the archive is damaged): {getattr(item, 'url', '')}") from None
            return
        if self.share is None or self.writer_failed is not None:
            raise DropItem(f"not archived (the archive writer stopped): {getattr(item, 'url', '')}")
        try:
            self.share.writer.send(item, self.run_id)
        except WriterFailed as error:
            # Nothing more can be archived: stop the run instead of crawling into the void.
            self.writer_failed = str(error)
            damaged = self.share.writer.why_stopped()
            if damaged is not None:
                self._could_not_run(damaged)
            else:
                # A warning: the run's errors say it (writer_failed).
                logger.warning("%s; closing the crawl", error)
                if self.crawler.engine is not None:
                    deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_writer_failed"))
            raise DropItem(f"not archived: {getattr(item, 'url', '')}") from None

    def close_spider(self) -> None:
        pass  # see spider_closed()

    def spider_closed(self, reason: str) -> None:
        """Close the run. Never raises: Scrapy would print the traceback; what went wrong is left in
        the stats (COULD_NOT_RUN_STAT) for the command, which says it in one line."""
        try:
            status = self._close_run(reason)
        except (ArchiveError, sqlite3.Error) as error:
            message = str(error) if isinstance(error, ArchiveError) else describe_error(self.path, error)
            if self.crawler.stats is not None and self.crawler.stats.get_value(COULD_NOT_RUN_STAT) is None:
                self.crawler.stats.set_value(COULD_NOT_RUN_STAT, message)
            return
        if status is not None and self.crawler.stats is not None:
            self.crawler.stats.set_value(RUN_STATUS_STAT, status)

    def _close_run(self, reason: str) -> str | None:
        if self.run_id is None:
            return None
        stats = self.crawler.stats
        pages = int(stats.get_value("downloader/response_count", 0)) if stats else 0
        errors: dict[str, int] = {}
        if stats:
            for key, value in stats.get_stats().items():
                if key.startswith(ERROR_STATS_PREFIX):
                    errors[key.removeprefix(ERROR_STATS_PREFIX)] = int(value)
        learned = self._learned()
        if stats is not None and stats.get_value(COULD_NOT_RUN_STAT) is not None:
            if self.share is not None:
                share, self.share = self.share, None
                try:
                    share.detach(self.run_id, reason=reason, pages=pages, errors=errors)
                except (WriterFailed, ArchiveDamaged):
                    pass  # the damage is already said; the writer wrote nothing more
            return None  # a damaged archive: the run's row is left as it is, "running"
        if self.recorder is not None:
            if learned is not None:
                self.recorder.apply(learned)
            status = self.recorder.finish(reason=reason, pages=pages, errors=errors)
            self.recorder.close()
            self.recorder = None
            return status
        assert self.share is not None
        if learned is not None and self.writer_failed is None:
            try:
                self.share.writer.send(learned, self.run_id)
            except WriterFailed:
                pass  # detach() below finishes the run from here
        share, self.share = self.share, None
        return share.detach(self.run_id, reason=reason, pages=pages, errors=errors)

    def _learned(self) -> SiteLearned | None:
        """What the spider learned of its portal (CMS family, URL shapes), when it says."""
        learned = getattr(self.crawler.spider, "learned", None)
        return learned() if callable(learned) else None
