"""Re-extraction: stored raw pages -> extraction (every core) -> updated records and versions.

Data flow: when extraction rules improve, `tinbai reextract` runs each article's stored page
(archive raw_pages, the page of its latest version) through crawler.extract again, with the
portal's page class; the archive says what would change (archive.store.reextraction_outcome)
and changes it (save_reextraction). No network: the pages come from the archive. A portal without
a profile is read as its crawl reads it: through its newest learned template (archive/templates.py)
where that holds the page, the generic path elsewhere; and a page that shows only how long ago is
dated, as its crawl dated it, by the feed time the archive kept for it under any of its addresses
(archive/feeddates.py).

With N > 1 processes, N workers read, extract and compare in parallel, each with its own
read-only connection (the archive is in WAL mode, so they read while the parent writes); only
the parent writes. A worker compares the new record with what the archive holds for it and
sends back only a record that would change something: re-running the same rules over an
archive leaves the parent almost nothing to do, so the workers' extraction sets the pace. With
one process everything runs in it, without a pool, pickling or a second process.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any, Literal

from sqlite_utils import Database

from archive import open_archive
from archive.feeddates import feed_time_of
from archive.store import article_site, load_raw_page, reextraction_outcome, reextraction_plan, save_reextraction
from archive.templates import current_template
from archive.transaction import write_transaction
from crawler import heap
from crawler import sites as registry
from crawler.extract import ArticlePage, NotAnArticle, PortalKnowledge, extract
from crawler.extract.datelines import dated_by_feed
from crawler.extract.record import Article

# Only the parent writes, so its commits bound a run where many records change: a commit is a
# disk flush, and one per article kept the parent busy while the workers waited. A transaction
# holds at most COMMIT_EVERY saves and stays open at most COMMIT_SECONDS, short enough for a crawl
# waiting on the lock (records that change nothing are not written and open no transaction).
COMMIT_EVERY = 100
COMMIT_SECONDS = 1.0
# Tasks a worker takes at a time (chunksize()): each chunk costs the parent a pass through the
# pool's threads, and the workers finish at most a chunk apart.
MIN_CHUNK, MAX_CHUNK = 8, 256

# What a worker found: archive.store.reextraction_outcome()'s "same", "refresh" or "changed", or
# "failed" (the page no longer yields an article).
Outcome = Literal["same", "refresh", "changed", "failed"]
Result = tuple[int, int, Outcome, Article | str | None, str | None]

# The read-only archive of this process (a worker's, or the parent's own with one process), or why
# it could not be opened (a damaged archive): raised by the worker's first task, so that the parent
# says it, where a pool's initializer that raises is started again and again.
_reader: Database | None = None
_reader_failed: Exception | None = None


def _open_reader(path: str) -> None:
    global _reader, _reader_failed
    _knowledge.clear()
    try:
        _reader = open_archive(path, readonly=True, timeout=30)
    except Exception as error:  # noqa: BLE001 - raised with the first task, in the parent
        _reader_failed = error


def page_class_for(site: str, url: str) -> type[ArticlePage]:
    profile = registry.PROFILES.get(site) or registry.for_url(url)
    if profile is None and site and "." in site:
        profile = registry.discovered_profile(f"https://{site}/")  # a portal crawled by its URL
    return profile.page_class if profile is not None else ArticlePage


# What is known of each portal without a profile (its newest learned template), read once per process.
_knowledge: dict[str, PortalKnowledge | None] = {}


def _knowledge_of(site: str) -> PortalKnowledge | None:
    """The portal's newest learned template (archive/templates.py), as the crawl reads its pages."""
    if site not in _knowledge:
        assert _reader is not None
        stored = None if site in registry.PROFILES else current_template(_reader, site)
        _knowledge[site] = PortalKnowledge.from_json(stored[1], version=stored[0]) if stored is not None else None
    return _knowledge[site]


def _reextract_one(task: tuple[int, int]) -> Result:
    """(article_id, raw_page_id) -> (ids, outcome, the new record when there is something to write
    or the reason it failed, the portal's id for it)."""
    article_id, raw_page_id = task
    if _reader_failed is not None:
        raise _reader_failed
    assert _reader is not None
    page = load_raw_page(_reader, raw_page_id)
    try:
        site = article_site(_reader, article_id)
        article = extract(page, page_class_for(site, page.url), _knowledge_of(site))
        if article.published_range is not None:
            # Dated as the crawl dated it: by the portal's feed, the page showing only how long ago
            # (the feed's time looked up for those pages only, not for every article re-extracted).
            article = dated_by_feed(article, feed_time_of(_reader, article_id, article.published_range))
    except NotAnArticle as error:
        return article_id, raw_page_id, "failed", str(error), None
    profile = registry.PROFILES.get(article.site)
    site_article_id = profile.article_id(article.url) if profile is not None else None
    outcome = reextraction_outcome(_reader, article_id, article, site_article_id=site_article_id)
    if outcome == "same":
        return article_id, raw_page_id, outcome, None, None
    return article_id, raw_page_id, outcome, article, site_article_id


def _in_process(path: str, plan: list[tuple[int, int]]) -> Generator[Result, None, None]:
    global _reader
    _open_reader(path)
    try:
        yield from map(_reextract_one, plan)
    finally:
        if _reader is not None:
            _reader.close()
        _reader = None


def reextract(
    db: Database,
    path: str,
    *,
    site: str | None = None,
    since: str | None = None,
    processes: int | None = None,
    progress: Callable[[int, int, Mapping[str, int]], None] | None = None,
) -> dict[str, Any]:
    """Re-extract every article of `site` (all sites when None) from the archive file at `path`;
    with `since` (a date, UTC), only those whose stored page was fetched on or after it.

    `db` is the writable archive opened on the same file. `processes` (default: every core)
    is how many processes extract: 1 runs everything here; N > 1 starts N workers and this
    process only writes. Returns counts: articles, updated (a new version), unchanged (same
    text; changed metadata rewritten), failed (the stored page no longer yields an article:
    the record is kept), failures, processes. `progress(done, total, counts)` is called after
    each article, with the counts so far (updated, unchanged, failed).
    """
    plan = reextraction_plan(db, site, since)
    processes = max(1, min(processes or os.cpu_count() or 1, len(plan) or 1))
    # Before the fork: the workers inherit a frozen heap that their collections never walk (nor
    # copy, page by page, from the parent), and a young generation sized for extraction.
    heap.settle()
    if processes == 1:
        extracted = _in_process(path, plan)
        try:
            return _save_all(db, extracted, len(plan), processes, progress)
        finally:
            extracted.close()  # closes the reading connection, also when a save failed
    # fork: workers inherit the imported extraction code instead of importing it again.
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_open_reader, initargs=(path,)) as pool:
        results = pool.imap_unordered(_reextract_one, plan, chunksize=chunksize(len(plan), processes))
        return _save_all(db, results, len(plan), processes, progress)


def chunksize(tasks: int, processes: int) -> int:
    """Tasks per chunk: the square root of the tasks per worker, which balances what the parent
    spends on each chunk (the number of chunks) against how far apart the workers may finish (the
    size of one). 5,000 articles on 2 workers: chunks of 50."""
    return max(MIN_CHUNK, min(MAX_CHUNK, math.isqrt(tasks // max(1, processes))))


def _save_all(
    db: Database,
    results: Iterable[Result],
    total: int,
    processes: int,
    progress: Callable[[int, int, Mapping[str, int]], None] | None,
) -> dict[str, Any]:
    """Write what the results say changed, in transactions of up to COMMIT_EVERY saves."""
    counts: Counter[str] = Counter()
    failures: list[dict[str, Any]] = []
    transaction: AbstractContextManager[Database] | None = None
    saves, opened = 0, 0.0
    try:
        for done, (article_id, raw_page_id, outcome, found, site_article_id) in enumerate(results, start=1):
            if outcome == "failed":
                counts["failed"] += 1
                failures.append({"article_id": article_id, "reason": found})
            elif outcome == "same":
                counts["unchanged"] += 1
            else:
                assert isinstance(found, Article)
                if transaction is None:
                    transaction = write_transaction(db)
                    transaction.__enter__()
                    saves, opened = 0, time.monotonic()
                # Each save_reextraction() is a savepoint inside the open transaction.
                result = save_reextraction(db, article_id, found, raw_page_id=raw_page_id,
                                           site_article_id=site_article_id)
                counts["updated" if result.status == "updated" else "unchanged"] += 1
                saves += 1
            if transaction is not None and (saves >= COMMIT_EVERY or time.monotonic() - opened >= COMMIT_SECONDS):
                pending, transaction = transaction, None
                pending.__exit__(None, None, None)
            if progress is not None:
                progress(done, total, counts)
    except BaseException as error:
        if transaction is not None:
            transaction.__exit__(type(error), error, error.__traceback__)
        raise
    if transaction is not None:
        transaction.__exit__(None, None, None)
    return {
        "articles": total,
        "updated": counts["updated"],
        "unchanged": counts["unchanged"],
        "failed": counts["failed"],
        "failures": failures,
        "processes": processes,
    }
