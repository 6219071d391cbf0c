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
from datetime import UTC, datetime
from typing import Any, ClassVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from archive import CrawlPlan, finish_run, load_plan, open_archive, start_run
from archive.sites import load_shapes
from crawler import heap
from crawler.apply.items import CrawlError, FetchedArticle, SiteLearned
from crawler.apply.recorder import Item, Recorder
from crawler.apply.writer import ArchiveWriter, WriterFailed
from crawler.extract.record import ErrorKind

logger = logging.getLogger(__name__)

# Errors counted by components that yield no items (the replay handler's skipped manifest
# entries): Scrapy stats under this prefix, merged into the run's errors by kind.
ERROR_STATS_PREFIX = "tinbai/errors/"


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

    def detach(self, run_id: int, *, reason: str, pages: int, errors: dict[str, int]) -> None:
        """The run's spider closed: finish its run, and when it was the last, close the writer and
        finish from here any run the writer could not (it died): status errors, writer_failed."""
        self.runs[run_id] = {"open": False, "pages": pages, "errors": errors}
        try:
            self.writer.finish_run(reason=reason, pages=pages, errors=errors, run_id=run_id)
        except WriterFailed as error:
            logger.error("%s", error)
        if any(run["open"] for run in self.runs.values()):
            return
        del self.shared[self.path]
        finished = self.writer.close()
        unfinished = [number for number in self.runs if number not in finished]
        if not unfinished:
            return
        logger.error("the archive writer stopped (%s) before finishing runs %s", self.writer.failed, unfinished)
        # The runs still get an end, from here: what the writer counted is lost with it.
        with open_archive(self.path) as db:
            for number in unfinished:
                run = self.runs[number]
                finish_run(db, number, status="errors", counts={"pages": run["pages"]},
                           errors={**run["errors"], ErrorKind.WRITER_FAILED: 1})


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
        # The run is closed on spider_closed, not in close_spider(): only the signal says why the
        # spider closed ("finished", or "shutdown" when systemd stops the job).
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        spider: Any = self.crawler.spider
        self.site = getattr(spider, "name", "?")
        with open_archive(self.path) as db:
            if hasattr(spider, "plan"):
                spider.plan = self._plan(db, spider)
            if hasattr(spider, "learn_from"):
                spider.learn_from(load_shapes(db, self.site))
            self.run_id = start_run(db, self.site)
        if self.crawler.stats is not None:
            # Named by the warcinfo record of the run's WARC files (crawler/fetch/warc.py).
            self.crawler.stats.set_value("tinbai/run", self.run_id)
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
        if isinstance(schedule, str):
            schedule = json.loads(schedule)
        now = settings.get("TINBAI_NOW")
        return load_plan(
            db, self.site, full=settings.getbool("TINBAI_FULL"), schedule=[tuple(step) for step in schedule],
            now=datetime.fromisoformat(now) if now else datetime.now(UTC),
        )

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Item):
            raise DropItem(f"unknown item {type(item).__name__}")
        self._record(item)
        if isinstance(item, FetchedArticle):
            return item
        if isinstance(item, CrawlError):
            raise DropItem(f"{item.kind}: {item.url}", log_level="DEBUG")
        raise _bookkeeping(item)

    def _record(self, item: Item) -> None:
        if self.recorder is not None:
            self.recorder.apply(item)
            self.recorder.commit()
            return
        if self.share is None or self.writer_failed is not None:
            raise DropItem(f"not archived (the archive writer stopped): {getattr(item, 'url', '')}")
        try:
            self.share.writer.send(item, self.run_id)
        except WriterFailed as error:
            # Nothing more can be archived: stop the run instead of crawling into the void.
            self.writer_failed = str(error)
            logger.error("%s; closing the crawl", error)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_writer_failed"))
            raise DropItem(f"not archived: {getattr(item, 'url', '')}") from None

    def close_spider(self) -> None:
        pass  # see spider_closed()

    def spider_closed(self, reason: str) -> None:
        if self.run_id is None:
            return
        stats = self.crawler.stats
        pages = int(stats.get_value("downloader/response_count", 0)) if stats else 0
        errors: dict[str, int] = {}
        if stats:
            for key, value in stats.get_stats().items():
                if key.startswith(ERROR_STATS_PREFIX):
                    errors[key.removeprefix(ERROR_STATS_PREFIX)] = int(value)
        learned = self._learned()
        if self.recorder is not None:
            if learned is not None:
                self.recorder.apply(learned)
            self.recorder.finish(reason=reason, pages=pages, errors=errors)
            self.recorder.close()
            self.recorder = None
            return
        assert self.share is not None
        if learned is not None and self.writer_failed is None:
            try:
                self.share.writer.send(learned, self.run_id)
            except WriterFailed:
                pass  # detach() below finishes the run from here
        self.share.detach(self.run_id, reason=reason, pages=pages, errors=errors)
        self.share = None

    def _learned(self) -> SiteLearned | None:
        """What the spider learned of its portal (CMS family, URL shapes), when it says."""
        learned = getattr(self.crawler.spider, "learned", None)
        return learned() if callable(learned) else None
