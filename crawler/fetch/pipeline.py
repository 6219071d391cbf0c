"""Items -> the archive writer. The one pipeline is the crawl's link to its archive: when the spider
opens it reads the portal's crawl plan (what is known, what is due) into the spider and starts the
run; then it hands every item to the archive writer (crawler/apply/writer.py, a process of its own),
which applies it (crawler/apply/recorder.py; dedup and storage live in archive/), and it closes the
run when the spider closes. TINBAI_WRITER = "inline" applies items in the crawl's own process, one
transaction each."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from archive import CrawlPlan, finish_run, load_plan, open_archive, start_run
from crawler import heap
from crawler.apply.items import CrawlError, FetchedArticle
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


class ArchivePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("TINBAI_DB")
        self.mode = crawler.settings.get("TINBAI_WRITER", "process")
        if self.mode not in ("process", "inline"):
            raise ValueError(f"TINBAI_WRITER must be 'process' or 'inline', not {self.mode!r}")
        self.writer: ArchiveWriter | None = None
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
            self.writer = ArchiveWriter(self.path, self.site, self.run_id, log_level=level)

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
        if self.writer is None or self.writer_failed is not None:
            raise DropItem(f"not archived (the archive writer stopped): {getattr(item, 'url', '')}")
        try:
            self.writer.send(item)
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
        if self.recorder is not None:
            self.recorder.finish(reason=reason, pages=pages, errors=errors)
            self.recorder.close()
            self.recorder = None
            return
        assert self.writer is not None
        try:
            self.writer.finish(reason=reason, pages=pages, errors=errors)
        except WriterFailed as error:
            # The run still gets an end, from here: what the writer counted is lost with it.
            logger.error("%s", error)
            with open_archive(self.path) as db:
                finish_run(db, self.run_id, status="errors", counts={"pages": pages},
                           errors={**errors, ErrorKind.WRITER_FAILED: 1})
        self.writer = None
