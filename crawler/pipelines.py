"""Records -> archive. One pipeline: dedup and storage live in archive/, this only counts."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from archive import finish_run, open_archive, save_article, start_run
from crawler.items import CrawlError, FetchedArticle

logger = logging.getLogger(__name__)


class ArchivePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("TINBAI_DB")
        self.counts: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.db = open_archive(self.path)
        spider = self.crawler.spider
        self.run_id = start_run(self.db, getattr(spider, "name", "?"))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, CrawlError):
            self.errors[item.kind] += 1
            logger.warning("error %s at %s: %s", item.kind, item.url, item.message)
            raise DropItem(f"{item.kind}: {item.url}")
        if not isinstance(item, FetchedArticle):
            raise DropItem(f"unknown item {type(item).__name__}")
        result = save_article(self.db, item.article, page=item.page, fetched_url=item.page.url)
        self.counts[result.status] += 1
        return item

    def close_spider(self) -> None:
        stats = self.crawler.stats
        pages = stats.get_value("downloader/response_count", 0) if stats else 0
        counts = {
            "pages": pages,
            "new": self.counts["new"],
            "updated": self.counts["updated"],
            # Every save that added no article: the same URL again, or the same text elsewhere.
            "duplicates": self.counts["duplicate"] + self.counts["alias"],
            "aliases": self.counts["alias"],
        }
        status = "ok" if not self.errors else "errors"
        finish_run(self.db, self.run_id, status=status, counts=counts, errors=dict(self.errors))
        self.db.close()
