"""The crawl's progress on a terminal: Scrapy's counts and the archive's new articles -> crawler.progress.

Data flow: `tinbai crawl` puts a crawler.progress.Progress in the TINBAI_PROGRESS setting when its
standard error is a terminal; this extension then redraws it while the spider runs: pages answered
(the downloader's count), new articles (committed by the archive writer, read from the archive),
errors (the CrawlError items and the errors counted by components that yield none). Without the
setting it is not loaded at all.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from archive import open_archive
from archive.runs import articles_after, newest_article_id
from crawler.apply.items import CrawlError
from crawler.fetch.pipeline import ERROR_STATS_PREFIX
from crawler.progress import INTERVAL, Progress


class CrawlProgress:
    def __init__(self, crawler: Crawler, progress: Progress) -> None:
        self.crawler = crawler
        self.progress = progress
        self.errors = 0
        self.site = "?"
        self.db: Any = None
        self.before = 0
        self.task: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        progress = crawler.settings.get("TINBAI_PROGRESS")
        if not isinstance(progress, Progress):
            raise NotConfigured("no terminal to show progress on")
        extension = cls(crawler, progress)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        return extension

    def spider_opened(self, spider: Any) -> None:
        self.site = spider.name
        self.db = open_archive(self.crawler.settings.get("TINBAI_DB"), readonly=True)
        self.before = newest_article_id(self.db)
        self.task = LoopingCall(self.tick)
        self.task.start(INTERVAL, now=True)

    def item_dropped(self, item: Any, response: Any, exception: Any, spider: Any) -> None:
        # The pipeline drops each CrawlError once it has handed it to the archive writer.
        if isinstance(item, CrawlError):
            self.errors += 1

    def tick(self) -> None:
        stats = self.crawler.stats
        values = stats.get_stats() if stats else {}
        counted_elsewhere = sum(int(value) for key, value in values.items() if key.startswith(ERROR_STATS_PREFIX))
        self.progress.update(
            self.site,
            pages=int(values.get("downloader/response_count", 0)),
            new=articles_after(self.db, self.before, self.site),
            errors=self.errors + counted_elsewhere,
        )

    def spider_closed(self, spider: Any, reason: str) -> None:
        # The final figures come from the run's row once the writer has finished (crawler/cli/crawl.py).
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.db is not None:
            self.db.close()
            self.db = None
