"""Takedowns: an archived article's URL found gone -> the article marked removed, and back.

Data flow: the crawl's recorder (crawler/apply/recorder.py) calls mark_gone() when a URL of an
archived article answers 404 or 410, an error page with status 200, or a redirect off the article
(ErrorKind: http_404, http_410, soft_404); save_article() (archive/store.py) and a 304 call
mark_present() when the article is found again. The article keeps its last content and stays in
search, export and the browser: `articles.removed` says since when it is gone (the first time it was
seen gone), `removed_last_seen` the last time; `article_events` keeps every takedown, every return,
and every page refused as not this article, with the raw page that showed it.

A removal is noticed when the article's URL is fetched again, which the refresh schedule decides
(archive/crawlstate.py): every 6 hours for 2 days, every 2 days until 2 weeks, every 2 weeks until
90 days, then only by `tinbai crawl --full`.

An address that only ever redirected the crawl to the article (`article_urls.redirected`: a
shortlink, "?p=123", an old category path answering 301 after the portal changed its URL scheme)
is not the article: when it is gone, the portal may have dropped the redirect and kept the article.
It marks nothing; a "redirect_gone" event keeps it in the article's history (once, until it leads to
the article again: "redirect_back"), and the article's own URL is queued, so that the next run
decides by what that URL answers.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from archive import sitecounts
from crawler.extract.record import ErrorKind, http_error

# What marks an article removed: its URL answers that it is gone.
GONE_KINDS = frozenset({http_error(404), http_error(410), ErrorKind.SOFT_404})
# Another URL of the article that answered with it this recently means it is still there (an
# article listed in two categories has two URLs, fetched in the same run).
STILL_THERE_WITHIN = timedelta(days=1)


def article_of_url(db: Database, url: str) -> int | None:
    """The archived article `url` was seen under, or None."""
    row = db.conn.execute("SELECT article_id FROM article_urls WHERE url = ?", [url]).fetchone()
    return None if row is None else int(row[0])


def add_event(
    db: Database, article_id: int, event: str, *, at: str, url: str, reason: str | None = None,
    status: int | None = None, detail: str | None = None, raw_page_id: int | None = None,
) -> None:
    db.conn.execute(
        "INSERT INTO article_events (article_id, at, event, reason, url, status, detail, raw_page_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [article_id, at, event, reason, url, status, detail, raw_page_id],
    )


def _still_there(db: Database, article_id: int, url: str, when: str) -> bool:
    since = (datetime.fromisoformat(when) - STILL_THERE_WITHIN).isoformat(timespec="seconds")
    row = db.conn.execute(
        "SELECT 1 FROM article_urls JOIN crawl_state ON crawl_state.url = article_urls.url"
        " WHERE article_urls.article_id = ? AND article_urls.url != ? AND crawl_state.error IS NULL"
        " AND crawl_state.status IN (200, 304) AND crawl_state.fetched >= ? LIMIT 1",
        [article_id, url, since],
    ).fetchone()
    return row is not None


def only_redirected(db: Database, article_id: int, url: str) -> bool:
    """`url` is an address of article `article_id` that only ever redirected the crawl to it."""
    row = db.conn.execute("SELECT redirected FROM article_urls WHERE url = ? AND article_id = ?",
                          [url, article_id]).fetchone()
    return row is not None and bool(row[0])


def _last_redirect_event(db: Database, article_id: int, url: str) -> str | None:
    row = db.conn.execute(
        "SELECT event FROM article_events WHERE article_id = ? AND url = ?"
        " AND event IN ('redirect_gone', 'redirect_back') ORDER BY at DESC, id DESC LIMIT 1",
        [article_id, url],
    ).fetchone()
    return None if row is None else str(row[0])


def mark_gone(
    db: Database, article_id: int, *, url: str, reason: str, when: str, status: int | None = None,
    detail: str | None = None, raw_page_id: int | None = None,
) -> str:
    """`url` of article `article_id` was found gone at `when` (UTC): "removed" when this starts a
    takedown (an event is written), "still_removed" when it was already gone (its last seen gone
    moves), "still_there" when another of its URLs answered with it within STILL_THERE_WITHIN,
    "redirect_gone" when `url` only ever redirected to the article (redirect_gone())."""
    if only_redirected(db, article_id, url):
        return redirect_gone(db, article_id, url=url, reason=reason, when=when, status=status, detail=detail,
                             raw_page_id=raw_page_id)
    if _still_there(db, article_id, url, when):
        return "still_there"
    site, removed = db.conn.execute("SELECT site, removed FROM articles WHERE id = ?", [article_id]).fetchone()
    if removed is not None:
        db.conn.execute(
            "UPDATE articles SET removed_last_seen = max(coalesce(removed_last_seen, ''), ?) WHERE id = ?",
            [when, article_id],
        )
        return "still_removed"
    db.conn.execute("UPDATE articles SET removed = ?, removed_last_seen = ? WHERE id = ?", [when, when, article_id])
    sitecounts.count(db, site, removed=1, removals=1)
    add_event(db, article_id, "removed", at=when, url=url, reason=reason, status=status, detail=detail,
              raw_page_id=raw_page_id)
    return "removed"


def redirect_gone(
    db: Database, article_id: int, *, url: str, reason: str, when: str, status: int | None = None,
    detail: str | None = None, raw_page_id: int | None = None,
) -> str:
    """`url`, which only ever redirected to article `article_id`, was found gone at `when`. The
    article is not marked: a "redirect_gone" event is written unless the address was found gone
    before and has not led to the article since, and unless another of its URLs answered with it
    within STILL_THERE_WITHIN, the article's own URL is queued for the next run (its crawl_state
    row asked for again, as a listing asks for a link), which decides by what it answers."""
    if _last_redirect_event(db, article_id, url) != "redirect_gone":
        add_event(db, article_id, "redirect_gone", at=when, url=url, reason=reason, status=status, detail=detail,
                  raw_page_id=raw_page_id)
    if _still_there(db, article_id, url, when):
        return "redirect_gone"
    own, site = db.conn.execute("SELECT url, site FROM articles WHERE id = ?", [article_id]).fetchone()
    db.conn.execute(
        "INSERT INTO crawl_state (url, site, kind, discovered, queued, failures) VALUES (?, ?, 'article', ?, ?, 0)"
        " ON CONFLICT(url) DO UPDATE SET queued = max(coalesce(crawl_state.queued, ''), excluded.queued)",
        [own, site, when, when],
    )
    return "redirect_gone"


def redirect_back(db: Database, article_id: int, *, url: str, when: str) -> bool:
    """`url`, an address that only redirected to article `article_id`, led to it again at `when`:
    after a "redirect_gone", a "redirect_back" event. Returns whether one was written."""
    if _last_redirect_event(db, article_id, url) != "redirect_gone":
        return False
    add_event(db, article_id, "redirect_back", at=when, url=url)
    return True


def mark_present(db: Database, article_id: int, *, url: str, when: str) -> bool:
    """Article `article_id` answered at `url`: if it was marked removed, it is back (an event is
    written, `removed` cleared). Returns whether it came back."""
    # Through the partial index of removed articles: reading `removed` from the row would read the
    # article's text, which comes before it, at every save.
    row = db.conn.execute(
        "SELECT removed, removed_last_seen, site FROM articles INDEXED BY idx_articles_removed"
        " WHERE removed IS NOT NULL AND id = ?",
        [article_id],
    ).fetchone()
    if row is None:
        return False
    db.conn.execute("UPDATE articles SET removed = NULL, removed_last_seen = NULL WHERE id = ?", [article_id])
    sitecounts.count(db, row[2], removed=-1, returns=1)
    add_event(db, article_id, "returned", at=when, url=url, detail=f"gone from {row[0]} to {row[1]}")
    return True


def article_events(db: Database, article_id: int) -> list[dict[str, Any]]:
    """The article's takedowns, returns and refused pages, oldest first."""
    return list(db.query(
        "SELECT at, event, reason, url, status, detail, raw_page_id FROM article_events"
        " WHERE article_id = ? ORDER BY at, id",
        [article_id],
    ))
