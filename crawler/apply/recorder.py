"""Items -> archive: what each item the spider yields changes in the archive, and the run's counts.

Data flow: the pipeline (crawler/fetch/pipeline.py) hands every item to a Recorder, in the crawl's own
process or in the archive writer's (crawler/apply/writer.py); the Recorder saves articles
(archive.save_article: dedup, versions, full-text index) and remembers each URL's outcome in the
crawl state. It never imports Scrapy.

Saves are grouped into transactions: `apply()` writes an item, `commit()` ends the group. Within a
group items are written without savepoints; when one fails, the group is rolled back and written
again item by item, each in a savepoint, so that the failing item alone is left out and counted.
A run killed at any moment leaves a prefix of its items archived, the same state one transaction
per item would leave at some earlier moment, and the next run fetches the rest.
"""

from __future__ import annotations

import logging
from collections import Counter

from archive import finish_run, open_archive, record_fetch, record_listing, save_article
from archive.crawlstate import touch_article
from archive.transaction import WriteGroup, write_transaction
from crawler.apply.items import CrawlError, FetchedArticle, ListingRead, NotModified, Skipped
from crawler.extract.record import ErrorKind

logger = logging.getLogger("crawler.pipelines")

Item = FetchedArticle | CrawlError | NotModified | ListingRead | Skipped

# SQLite's page cache for the run's writes (KB; SQLite's default is 2 MB). A save touches the
# B-trees of the raw pages, both full-text indexes and the LSH buckets: with 2 MB, pages written a
# moment ago were read back from the file, about a hundred reads a save and half of the writer's
# system time. At most this much memory, once the archive is that large.
WRITE_CACHE_KB = 64 * 1024


class Recorder:
    """One run's writes into the archive at `path`: open, apply() items, commit(), finish()."""

    def __init__(self, path: str, site: str, run_id: int) -> None:
        self.db = open_archive(path, cache_kb=WRITE_CACHE_KB)
        self.transaction = WriteGroup(self.db)
        self.site = site
        self.run_id = run_id
        self.counts: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        # The items of the open transaction and what they counted, kept until it commits: the
        # group is written without savepoints, and redone item by item when one of them fails.
        self.group: list[Item] = []
        self._group_counts: Counter[str] = Counter()
        self._group_errors: Counter[str] = Counter()
        self._isolated = False

    @property
    def pending(self) -> int:
        """Items applied since the last commit."""
        return len(self.group)

    def apply(self, item: Item) -> None:
        """Write what `item` changes, atomically; a save that fails is counted, not raised."""
        if not self.transaction.open:
            self.transaction.begin()
        self.group.append(item)
        if isinstance(item, CrawlError):
            logger.warning("error %s at %s: %s", item.kind, item.url, item.message)
        if self._isolated:
            self._apply_isolated(item)
            return
        try:
            self._apply(item)
        except Exception:  # noqa: BLE001 - redone below, where the failing item is found and counted
            self._redo_isolated()

    def _redo_isolated(self) -> None:
        """Roll the group back and apply its items again, each in a savepoint of its own."""
        self.transaction.restart()
        self._isolated = True
        self._group_counts.clear()
        self._group_errors.clear()
        for item in self.group:
            self._apply_isolated(item)

    def _apply_isolated(self, item: Item) -> None:
        try:
            with write_transaction(self.db):
                self._apply(item)
        except Exception:  # noqa: BLE001 - counted; the next item may well be written
            url = getattr(item, "url", "") or getattr(getattr(item, "page", None), "url", "")
            if isinstance(item, FetchedArticle):
                logger.exception("could not save %s", url)
                self._group_errors[ErrorKind.SAVE_FAILED] += 1
            else:
                logger.exception("could not record %s", url)
                self._group_errors[ErrorKind.RECORD_FAILED] += 1

    def _apply(self, item: Item) -> None:
        if isinstance(item, FetchedArticle):
            # The article and its URL's state together: a kill between them cannot leave an
            # article archived whose URL still looks never fetched, or the reverse.
            url = item.url or item.page.url
            result = save_article(self.db, item.article, page=item.page, fetched_url=item.page.url,
                                  site_article_id=item.site_article_id, warc_record_id=item.warc_record_id)
            record_fetch(self.db, url, site=self.site, kind="article", status=item.page.status,
                         headers=item.page.headers)
            self._group_counts[result.status] += 1
        elif isinstance(item, CrawlError):
            if item.page_type in ("article", "listing"):
                record_fetch(self.db, item.url, site=self.site, kind=item.page_type, status=item.status,
                             error=item.kind, headers=item.headers)
            self._group_errors[item.kind] += 1
        elif isinstance(item, NotModified):
            record_fetch(self.db, item.url, site=self.site, kind="article", status=304, headers=item.headers)
            touch_article(self.db, item.url)
            self._group_counts["not_modified"] += 1
        elif isinstance(item, ListingRead):
            record_listing(self.db, item.url, site=self.site, status=item.status, queued=item.queued)
        elif isinstance(item, Skipped):
            record_fetch(self.db, item.url, site=self.site, kind=item.page_type, status=None, error=item.reason)
        else:
            raise TypeError(f"unknown item {type(item).__name__}")

    def commit(self) -> None:
        self.transaction.commit()
        self.counts += self._group_counts
        self.errors += self._group_errors
        self.group.clear()
        self._group_counts.clear()
        self._group_errors.clear()
        self._isolated = False

    def finish(self, *, reason: str, pages: int, errors: dict[str, int]) -> str:
        """Commit, close the run (`reason` is Scrapy's: "finished", or "shutdown" when stopped)
        with the counts so far plus `errors` counted elsewhere; returns the run's status."""
        self.commit()
        errors = dict(self.errors + Counter(errors))
        counts = {
            "pages": pages,
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
        finish_run(self.db, self.run_id, status=status, counts=counts, errors=errors)
        return status

    def close(self) -> None:
        self.commit()
        self.db.close()
