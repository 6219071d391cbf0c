"""Records -> archive. One pipeline: dedup and storage live in archive/, this only counts and
remembers each URL's outcome in the crawl state (archive/crawlstate.py)."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from archive import finish_run, open_archive, record_fetch, record_listing, save_article, start_run
from archive.crawlstate import touch_article
from archive.transaction import write_transaction
from crawler.items import CrawlError, FetchedArticle, ListingRead, NotModified, Skipped

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
        self.counts: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.db: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        # The run is closed on spider_closed, not in close_spider(): only the signal says why the
        # spider closed ("finished", or "shutdown" when systemd stops the job).
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.db = open_archive(self.path)
        self.site = getattr(self.crawler.spider, "name", "?")
        self.run_id = start_run(self.db, self.site)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FetchedArticle):
            return self._save(item)
        if isinstance(item, CrawlError):
            self.errors[item.kind] += 1
            logger.warning("error %s at %s: %s", item.kind, item.url, item.message)
            if item.page_type in ("article", "listing"):
                record_fetch(self.db, item.url, site=self.site, kind=item.page_type, status=item.status,
                             error=item.kind, headers=item.headers)
            raise DropItem(f"{item.kind}: {item.url}", log_level="DEBUG")
        if isinstance(item, NotModified):
            self.counts["not_modified"] += 1
            with write_transaction(self.db):
                record_fetch(self.db, item.url, site=self.site, kind="article", status=304, headers=item.headers)
                touch_article(self.db, item.url)
        elif isinstance(item, ListingRead):
            record_listing(self.db, item.url, site=self.site, status=item.status, queued=item.queued)
        elif isinstance(item, Skipped):
            record_fetch(self.db, item.url, site=self.site, kind=item.page_type, status=None, error=item.reason)
        else:
            raise DropItem(f"unknown item {type(item).__name__}")
        raise _bookkeeping(item)

    def _save(self, item: FetchedArticle) -> FetchedArticle:
        url = item.url or item.page.url
        try:
            # The article and its URL's state in one transaction: a kill between them cannot leave
            # an article archived whose URL still looks never fetched, or the reverse.
            with write_transaction(self.db):
                profile = getattr(self.crawler.spider, "profile", None)
                site_article_id = profile.article_id(item.article.url or url) if profile else None
                result = save_article(self.db, item.article, page=item.page, fetched_url=item.page.url,
                                      site_article_id=site_article_id)
                record_fetch(self.db, url, site=self.site, kind="article", status=item.page.status,
                             headers=item.page.headers)
        except Exception as error:  # noqa: BLE001 - counted; the next article may well save
            logger.exception("could not save %s", url)
            self.errors["save_failed"] += 1
            raise DropItem(f"save_failed: {url}: {error}") from None
        self.counts[result.status] += 1
        return item

    def close_spider(self) -> None:
        pass  # see spider_closed()

    def spider_closed(self, reason: str) -> None:
        if self.db is None:
            return
        stats = self.crawler.stats
        errors = Counter(self.errors)
        if stats:
            for key, value in stats.get_stats().items():
                if key.startswith(ERROR_STATS_PREFIX):
                    errors[key.removeprefix(ERROR_STATS_PREFIX)] += int(value)
        counts = {
            "pages": stats.get_value("downloader/response_count", 0) if stats else 0,
            "new": self.counts["new"],
            "updated": self.counts["updated"],
            # Every save that added no article: the same URL again, or the same text elsewhere.
            "duplicates": self.counts["duplicate"] + self.counts["alias"],
            "aliases": self.counts["alias"],
            "not_modified": self.counts["not_modified"],
        }
        if reason != "finished":
            status = "interrupted"
            logger.error("run %s of %s interrupted: %s", self.run_id, self.site, reason)
        else:
            status = "ok" if not errors else "errors"
        finish_run(self.db, self.run_id, status=status, counts=counts, errors=dict(errors))
        self.db.close()
        self.db = None
