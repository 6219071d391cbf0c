"""Re-extraction: stored raw pages -> extraction (every core) -> updated records and versions.

Data flow: when extraction rules improve, `tinbai reextract` runs each article's stored page
(archive raw_pages, the page of its latest version) through crawler.extract again, with the
portal's page class, and save_reextraction() writes what changed. No network: the pages come
from the archive. Workers read and extract in parallel, each with its own read-only connection
(the archive is in WAL mode, so they read while the parent writes); only the parent writes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import zlib
from collections import Counter
from collections.abc import Callable
from itertools import islice
from typing import Any

from sqlite_utils import Database

from archive.store import reextraction_plan, save_reextraction
from archive.transaction import write_transaction
from crawler import sites as registry
from crawler.extract import ArticlePage, NotAnArticle, Page, extract

# Only the parent writes, so its commits bound the whole run: one commit (a disk flush) per article
# kept it busy while a second worker waited (600 articles: 52 s with one process, 39 s with two;
# batched: 30 s and 20 s, on a busy 2-core machine).
# A batch is at most a second or two of work, short enough for a crawl waiting on the lock.
COMMIT_EVERY = 100

# A worker's own read-only connection to the archive (set by _open_worker).
_worker_db: sqlite3.Connection | None = None


def _open_worker(path: str) -> None:
    global _worker_db
    _worker_db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)


def _page_class(site: str, url: str) -> type[ArticlePage]:
    profile = registry.PROFILES.get(site) or registry.for_url(url)
    return profile.page_class if profile is not None else ArticlePage


def _extract(task: tuple[int, int]) -> tuple[int, int, dict[str, Any] | None, str | None, str | None]:
    """In a worker: (article_id, raw_page_id) -> (ids, the record as a dict or None, its site id, error)."""
    article_id, raw_page_id = task
    assert _worker_db is not None
    url, status, headers, body = _worker_db.execute(
        "SELECT url, status, headers, body FROM raw_pages WHERE id = ?", [raw_page_id]
    ).fetchone()
    (site,) = _worker_db.execute("SELECT site FROM articles WHERE id = ?", [article_id]).fetchone()
    page = Page(url=url, body=zlib.decompress(body), headers=json.loads(headers or "{}"), status=status or 200)
    try:
        article = extract(page, _page_class(site, url))
    except NotAnArticle as error:
        return article_id, raw_page_id, None, None, str(error)
    profile = registry.PROFILES.get(article.site)
    site_article_id = profile.article_id(article.url) if profile is not None else None
    return article_id, raw_page_id, article.to_dict(), site_article_id, None


def reextract(
    db: Database,
    path: str,
    *,
    site: str | None = None,
    processes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Re-extract every article of `site` (all sites when None) from the archive file at `path`.

    `db` is the writable archive opened on the same file. Returns counts: articles,
    updated (a new version), unchanged (same text; metadata rewritten), failed (the
    stored page no longer yields an article: the record is kept), processes.
    """
    from crawler.extract.record import Article

    plan = reextraction_plan(db, site)
    processes = max(1, min(processes or os.cpu_count() or 1, len(plan) or 1))
    counts: Counter[str] = Counter()
    failures: list[dict[str, Any]] = []
    # fork: workers inherit the imported extraction code instead of importing it again.
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_open_worker, initargs=(path,)) as pool:
        results = pool.imap_unordered(_extract, plan, chunksize=4)
        done = 0
        while done < len(plan):
            # One commit per COMMIT_EVERY saves (each save_reextraction() a savepoint inside it).
            with write_transaction(db):
                for article_id, raw_page_id, record, site_article_id, error in islice(results, COMMIT_EVERY):
                    done += 1
                    if record is None:
                        counts["failed"] += 1
                        failures.append({"article_id": article_id, "reason": error})
                    else:
                        article = Article.from_dict(record)
                        result = save_reextraction(
                            db, article_id, article, raw_page_id=raw_page_id, site_article_id=site_article_id
                        )
                        counts["updated" if result.status == "updated" else "unchanged"] += 1
                    if progress is not None:
                        progress(done, len(plan))
    return {
        "articles": len(plan),
        "updated": counts["updated"],
        "unchanged": counts["unchanged"],
        "failed": counts["failed"],
        "failures": failures,
        "processes": processes,
    }
