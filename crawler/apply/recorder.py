"""Items -> archive: what each item the spider yields changes in the archive, and the run's counts.

Data flow: the pipeline (crawler/fetch/pipeline.py) hands every item to a Recorder, in the crawl's own
process or in the archive writer's (crawler/apply/writer.py), with the run it belongs to (a crawl of
several portals side by side has a run for each, and one writer); the Recorder saves articles
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
from dataclasses import dataclass, field
from functools import partial

from archive import finish_run, open_archive, record_fetch, record_listing, save_article
from archive.crawlstate import touch_article
from archive.db import ArchiveDamaged, is_damage
from archive.feeddates import addresses, articles_listed, date_by_feed, feed_time
from archive.sites import save_learning
from archive.store import store_raw_page, utc_now
from archive.takedowns import GONE_KINDS, article_of_url, mark_gone, mark_present
from archive.templates import save_template
from archive.transaction import WriteGroup, write_transaction
from crawler.apply.items import (
    CrawlError,
    FetchedArticle,
    ListingRead,
    NotModified,
    SiteLearned,
    Skipped,
    TemplateLearned,
)
from crawler.extract.datelines import dated_by_feed
from crawler.extract.record import Article, ErrorKind

logger = logging.getLogger("crawler.pipelines")

Item = FetchedArticle | CrawlError | NotModified | ListingRead | Skipped | SiteLearned | TemplateLearned

# SQLite's page cache for the run's writes (KB; SQLite's default is 2 MB). A save touches the
# B-trees of the raw pages, both full-text indexes and the LSH buckets: with 2 MB, pages written a
# moment ago were read back from the file, about a hundred reads a save and half of the writer's
# system time. At most this much memory, once the archive is that large.
WRITE_CACHE_KB = 64 * 1024


@dataclass
class RunTally:
    """One run's counts: those committed, and those of the open transaction (kept until it commits,
    since a failed group is redone item by item and counted again)."""

    site: str
    run_id: int | None = None
    counts: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    group_counts: Counter[str] = field(default_factory=Counter)
    group_errors: Counter[str] = field(default_factory=Counter)


def extraction_path(extraction: str) -> str:
    """The run's count an article read by `extraction` goes to: "profile:nghean" -> "by_profile",
    "template:tinhuy.quangbinh.example@2" -> "by_template", "generic" -> "by_generic"."""
    path = extraction.split(":", 1)[0]
    return f"by_{path}" if path in ("profile", "template") else "by_generic"


class Recorder:
    """Runs' writes into the archive at `path`: open_run(), apply() items, commit(), finish().

    One Recorder serves the runs of every portal a crawl process crawls side by side: each item is
    applied for its run (`run_id`), so that one writer keeps the archive's writes serialized.
    `Recorder(path, site, run_id)` opens that run and makes it the default of apply() and finish()."""

    def __init__(self, path: str, site: str | None = None, run_id: int | None = None) -> None:
        self.path = path
        self.db = open_archive(path, cache_kb=WRITE_CACHE_KB)
        self.transaction = WriteGroup(self.db)
        self.runs: dict[int, RunTally] = {}
        self.default_run = run_id
        if run_id is not None:
            self.open_run(run_id, site or "?")
        # The items of the open transaction, with their runs, kept until it commits: the group is
        # written without savepoints, and redone item by item when one of them fails.
        self.group: list[tuple[RunTally, Item]] = []
        self._isolated = False

    def open_run(self, run_id: int, site: str) -> None:
        self.runs[run_id] = RunTally(site, run_id)

    @property
    def pending(self) -> int:
        """Items applied since the last commit."""
        return len(self.group)

    def _run(self, run_id: int | None) -> RunTally:
        run = run_id if run_id is not None else self.default_run
        if run is None or run not in self.runs:
            raise KeyError(f"no open run {run}")
        return self.runs[run]

    def apply(self, item: Item, run_id: int | None = None) -> None:
        """Write what `item` changes for run `run_id`, atomically; a save that fails is counted,
        not raised."""
        run = self._run(run_id)
        if not self.transaction.open:
            self.transaction.begin()
        self.group.append((run, item))
        if isinstance(item, CrawlError):
            logger.warning("error %s at %s: %s", item.kind, item.url, item.message)
        if self._isolated:
            self._apply_isolated(run, item)
            return
        try:
            self._apply(run, item)
        except Exception as error:  # noqa: BLE001 - redone below, where the failing item is found and counted
            if is_damage(error):
                raise ArchiveDamaged.of(self.path, error) from None
            self._redo_isolated()

    def _redo_isolated(self) -> None:
        """Roll the group back and apply its items again, each in a savepoint of its own."""
        self.transaction.restart()
        self._isolated = True
        for run in self.runs.values():
            run.group_counts.clear()
            run.group_errors.clear()
        for run, item in self.group:
            self._apply_isolated(run, item)

    def _apply_isolated(self, run: RunTally, item: Item) -> None:
        try:
            with write_transaction(self.db):
                self._apply(run, item)
        except Exception as error:  # noqa: BLE001 - counted; the next item may well be written
            if is_damage(error):
                # SQLite found the file damaged: no later write can be trusted either.
                raise ArchiveDamaged.of(self.path, error) from None
            url = getattr(item, "url", "") or getattr(getattr(item, "page", None), "url", "")
            if isinstance(item, FetchedArticle):
                logger.exception("could not save %s", url)
                run.group_errors[ErrorKind.SAVE_FAILED] += 1
            else:
                logger.exception("could not record %s", url)
                run.group_errors[ErrorKind.RECORD_FAILED] += 1

    def _apply(self, run: RunTally, item: Item) -> None:
        site = run.site
        if isinstance(item, FetchedArticle):
            # The article and its URL's state together: a kill between them cannot leave an
            # article archived whose URL still looks never fetched, or the reverse.
            url = item.url or item.page.url
            article, window, listed = item.article, item.article.published_range, None
            if window is not None:
                # A page that shows only how long ago, dated by its feed's time when the feed was
                # read first (else _date_by_feed dates it when it is), under any address it is known by.
                listed = self._feed_time(article, url, item.page.url)
                article = dated_by_feed(article, listed)
            result = save_article(self.db, article, page=item.page, fetched_url=item.page.url,
                                  site_article_id=item.site_article_id, warc_record_id=item.warc_record_id,
                                  requested_url=url)
            if result.status == "refused":
                logger.warning("error %s at %s: %s", ErrorKind.NOT_THIS_ARTICLE, url, result.reason)
                record_fetch(self.db, url, site=site, kind="article", status=item.page.status,
                             error=ErrorKind.NOT_THIS_ARTICLE, headers=item.page.headers)
                run.group_errors[ErrorKind.NOT_THIS_ARTICLE] += 1
                return
            record_fetch(self.db, url, site=site, kind="article", status=item.page.status,
                         headers=item.page.headers)
            if window is not None:
                # A duplicate's record is not rewritten: dated by the kept time under any of its
                # addresses (the URL asked for among them, save_article registered it).
                date_by_feed(self.db, result.article_id)
            run.group_counts[result.status] += 1
            run.group_counts["returned"] += result.returned
            run.group_counts[extraction_path(item.article.extraction)] += 1
        elif isinstance(item, CrawlError):
            if item.page_type != "link":
                record_fetch(self.db, item.url, site=site, kind=item.page_type, status=item.status,
                             error=item.kind, headers=item.headers)
            if item.page_type == "article" and item.kind in GONE_KINDS:
                run.group_counts["removed"] += self._gone(item)
            run.group_errors[item.kind] += 1
        elif isinstance(item, NotModified):
            record_fetch(self.db, item.url, site=site, kind=item.page_type, status=304, headers=item.headers)
            if item.page_type == "article":
                touch_article(self.db, item.url)
                article_id = article_of_url(self.db, item.url)
                if article_id is not None:
                    run.group_counts["returned"] += mark_present(self.db, article_id, url=item.url, when=utc_now())
            run.group_counts["not_modified"] += 1
        elif isinstance(item, ListingRead):
            record_listing(self.db, item.url, site=site, status=item.status, queued=item.queued, kind=item.kind,
                           headers=item.headers, dates=item.dates)
            self._date_by_feed(site, item.dates)
        elif isinstance(item, Skipped):
            record_fetch(self.db, item.url, site=site, kind=item.page_type, status=None, error=item.reason)
        elif isinstance(item, TemplateLearned):
            save_template(self.db, site, item.version, item.knowledge, pages=item.pages, layouts=item.layouts,
                          reason=item.reason, run=run.run_id)
        elif isinstance(item, SiteLearned):
            save_learning(self.db, site, item.home, item.shapes, item.cms)
            if item.template is not None:
                self._apply(run, item.template)
        else:
            raise TypeError(f"unknown item {type(item).__name__}")

    def _feed_time(self, article: Article, url: str, fetched: str) -> str | None:
        """The time a feed kept gives the page's article, under the URLs of this fetch or any other
        address of the archived article it was fetched for."""
        known = next((found for found in map(partial(article_of_url, self.db), (url, fetched, article.url))
                      if found is not None), None)
        urls = [url, fetched, article.url, *(addresses(self.db, known) if known is not None else ())]
        return feed_time(self.db, article.site, article.published_range, urls)

    def _date_by_feed(self, site: str, dates: dict[str, str]) -> None:
        """Articles archived before their feed was read (this run, its links fetched first, or an
        earlier one) whose pages show only how long ago: dated by the feed now, under any address
        they are known by, by the rule the spider and re-extraction follow (archive/feeddates.py)."""
        if not dates:
            return
        with write_transaction(self.db):
            for article_id in articles_listed(self.db, site, dates):
                date_by_feed(self.db, article_id)

    def _gone(self, item: CrawlError) -> bool:
        """An archived article's URL answered that it is gone: the article is marked removed, and
        what was served instead (an error page, a redirect) kept for audit; a URL that only ever
        redirected to it marks nothing (archive/takedowns.py). Whether this started a takedown."""
        article_id = article_of_url(self.db, item.url)
        if article_id is None:
            return False  # never archived: nothing to mark
        when = utc_now()
        raw_page_id = None
        # A redirect's empty body says nothing its event's detail ("to https://...") does not.
        if item.page is not None and item.page.body.strip():
            raw_page_id = store_raw_page(self.db, item.page, fetched_at=when, article_id=article_id,
                                         refused=item.kind)
        outcome = mark_gone(self.db, article_id, url=item.url, reason=item.kind, when=when, status=item.status,
                            detail=item.message or None, raw_page_id=raw_page_id)
        return outcome == "removed"

    def commit(self) -> None:
        self.transaction.commit()
        for run in self.runs.values():
            run.counts += run.group_counts
            run.errors += run.group_errors
            run.group_counts.clear()
            run.group_errors.clear()
        self.group.clear()
        self._isolated = False

    def finish(self, *, reason: str, pages: int, errors: dict[str, int], run_id: int | None = None) -> str:
        """Commit, close the run (`reason` is Scrapy's: "finished", or "shutdown" when stopped)
        with the counts so far plus `errors` counted elsewhere; returns the run's status."""
        self.commit()
        number = run_id if run_id is not None else self.default_run
        run = self._run(number)
        assert number is not None
        all_errors = dict(run.errors + Counter(errors))
        counts = {
            "pages": pages,
            "new": run.counts["new"],
            "updated": run.counts["updated"],
            # Every save that added no article: the same URL again, or the same text elsewhere.
            "duplicates": run.counts["duplicate"] + run.counts["alias"],
            "aliases": run.counts["alias"],
            "not_modified": run.counts["not_modified"],
            "removed": run.counts["removed"],
            "returned": run.counts["returned"],
            **{path: run.counts[path] for path in ("by_profile", "by_template", "by_generic")},
        }
        if reason != "finished":
            status = "interrupted"
            logger.error("run %s of %s interrupted: %s", number, run.site, reason)
        else:
            status = "ok" if not all_errors else "errors"
        finish_run(self.db, number, status=status, counts=counts, errors=all_errors)
        del self.runs[number]
        return status

    def close(self) -> None:
        self.commit()
        self.db.close()

    def abandon(self) -> None:
        """Roll back what was not committed and close: the archive was found damaged, and nothing
        more is written into it."""
        try:
            self.transaction.rollback()
        except Exception as error:  # noqa: BLE001 - a damaged file may refuse even that
            logger.error("rolling back in a damaged archive: %s", error)
        finally:
            self.db.close()
