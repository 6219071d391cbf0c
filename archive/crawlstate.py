"""Incremental crawl state and the run lock: what a scheduled crawl remembers between runs.

Data flow: when a spider opens it reads a CrawlPlan (load_plan) to decide what to fetch; the crawl
pipeline writes back each outcome (record_fetch, record_listing) in the same transaction as the
article it saved. `tinbai crawl` holds the archive's RunLock for the whole run.

crawl_state has one row per URL the crawler has queued or fetched. A row with `fetched` NULL is
pending: discovered by a listing, not fetched yet; so is one whose `queued` is later than its
`fetched` (asked for again, not fetched since). A run killed mid-way leaves such rows, and the next
run fetches them first, so stopping pagination early never loses an article.
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive.db import ArchiveError, open_archive
from archive.store import utc_now
from archive.transaction import write_transaction
from crawler.extract.record import is_transient

logger = logging.getLogger(__name__)

# (younger than N days, re-fetch every M days): a known article is re-fetched when its last fetch
# is older than M for the first N its age (from `published`, else first discovery) falls under.
# Older than the last N: only `tinbai crawl --full` re-fetches it.
RefreshSchedule = Sequence[tuple[float, float]]
DEFAULT_REFRESH: RefreshSchedule = ((2, 0.25), (14, 2), (90, 14))
# A URL that failed transiently (5xx, timeout, dropped connection) is retried on every run, this
# many runs in a row; after that only on the refresh schedule, so a dead link costs little.
MAX_TRANSIENT_FAILURES = 5


# --- what to fetch -------------------------------------------------------------------------------


@dataclass
class CrawlPlan:
    """What a run of one site knows when it starts."""

    known: set[str] = field(default_factory=set)  # URLs fetched (or archived) before this run
    archived: set[str] = field(default_factory=set)  # the URLs of the site's archived articles
    due: list[tuple[str, str]] = field(default_factory=list)  # (url, kind) to fetch whatever the listings say
    validators: dict[str, dict[str, str]] = field(default_factory=dict)  # url -> conditional request headers
    # What each URL fetched before turned out to be, when not an article: "listing", "feed", "page"
    # (a portal without a profile: neither article nor listing), and when it was last fetched.
    kinds: dict[str, str] = field(default_factory=dict)
    fetched: dict[str, str] = field(default_factory=dict)

    def is_due(self, url: str) -> bool:
        return url in self._due_urls

    def __post_init__(self) -> None:
        self._due_urls = {url for url, _ in self.due}

    def add_due(self, url: str, kind: str) -> None:
        self.due.append((url, kind))
        self._due_urls.add(url)


def refresh_interval(age: timedelta, schedule: RefreshSchedule) -> timedelta | None:
    """How often an article this old is re-fetched; None: only by a --full run."""
    for younger_than, every in schedule:
        if age < timedelta(days=younger_than):
            return timedelta(days=every)
    return None


def load_plan(
    db: Database, site: str, *, now: datetime | None = None, full: bool = False,
    schedule: RefreshSchedule = DEFAULT_REFRESH,
) -> CrawlPlan:
    """Read the state of `site`: which URLs are known, which must be fetched this run.

    Due: pending URLs; transient failures (up to MAX_TRANSIENT_FAILURES runs in a row); known
    articles whose refresh interval has passed; with `full`, every known article.
    """
    now = now or datetime.now(UTC)
    plan = CrawlPlan()
    plan.archived.update(
        row[0] for row in db.execute(
            "SELECT article_urls.url FROM article_urls JOIN articles ON articles.id = article_urls.article_id"
            " WHERE articles.site = ?", [site],
        )
    )
    plan.known.update(plan.archived)
    rows = db.execute(
        "SELECT crawl_state.url, kind, discovered, fetched, queued, error, failures, etag, last_modified,"
        " (SELECT articles.published FROM article_urls JOIN articles ON articles.id = article_urls.article_id"
        "  WHERE article_urls.url = crawl_state.url) AS published"
        " FROM crawl_state WHERE site = ? ORDER BY discovered, url",
        [site],
    )
    for url, kind, discovered, fetched, queued, error, failures, etag, last_modified, published in rows:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if headers:
            plan.validators[url] = headers
        if fetched is not None:
            plan.known.add(url)
            if kind != "article" and error is None:
                plan.kinds[url] = kind
                plan.fetched[url] = fetched
        if fetched is None or (queued is not None and queued > fetched):
            plan.add_due(url, kind)
            continue
        if is_transient(error) and (failures or 0) < MAX_TRANSIENT_FAILURES:
            plan.add_due(url, kind)
        elif kind == "article" and (full or _refresh_due(now, fetched, published or discovered, schedule)):
            plan.add_due(url, kind)
    return plan


def _refresh_due(now: datetime, fetched: str, born: str, schedule: RefreshSchedule) -> bool:
    interval = refresh_interval(now - _instant(born), schedule)
    return interval is not None and now - _instant(fetched) >= interval


def _instant(value: str) -> datetime:
    """An archive timestamp, a portal's +07:00 time or a bare date, as an aware datetime."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- what happened --------------------------------------------------------------------------------


def record_fetch(
    db: Database, url: str, *, site: str, kind: str, status: int | None, error: str | None = None,
    headers: dict[str, str] | None = None, when: str | None = None,
) -> None:
    """Remember the outcome of fetching `url`: what it was (`kind`), its status, error kind and
    validators. A URL queued as one kind may turn out another on a portal without a profile (a
    link taken for a listing is a contact page): the fetch says what it is.

    A 304 keeps the stored validators unless it sends new ones; a failure keeps them too.
    """
    when = when or utc_now()
    lowered = {key.lower(): value for key, value in (headers or {}).items()}
    transient = is_transient(error)
    with write_transaction(db):
        # One statement for a URL seen before or not: a first fetch that failed transiently
        # starts at one failure, a known URL keeps its discovery time.
        db.conn.execute(
            "INSERT INTO crawl_state (url, site, kind, discovered, fetched, status, error, failures, etag,"
            " last_modified) VALUES (:url, :site, :kind, :when, :when, :status, :error, :failed, :etag, :modified)"
            " ON CONFLICT(url) DO UPDATE SET kind = excluded.kind, fetched = excluded.fetched,"
            " status = excluded.status, error = excluded.error,"
            " failures = CASE WHEN :failed THEN crawl_state.failures + 1 ELSE 0 END,"
            " etag = coalesce(excluded.etag, crawl_state.etag),"
            " last_modified = coalesce(excluded.last_modified, crawl_state.last_modified)",
            {"url": url, "site": site, "kind": kind, "when": when, "status": status, "error": error,
             "failed": int(transient), "etag": lowered.get("etag"), "modified": lowered.get("last-modified")},
        )


def record_listing(
    db: Database, url: str, *, site: str, status: int, queued: Iterable[tuple[str, str]], kind: str = "listing",
    headers: dict[str, str] | None = None, dates: dict[str, str] | None = None,
) -> None:
    """A listing page (or a feed, or another page of a portal without a profile: `kind`) was read:
    it is done, and the links it queued are pending until fetched. `dates`: the publication time a
    feed gives each page it lists (url -> ISO 8601), kept in feed_dates.

    One transaction, so a run killed at any moment leaves either both or neither."""
    when = utc_now()
    with write_transaction(db):
        record_fetch(db, url, site=site, kind=kind, status=status, when=when, headers=headers)
        db.conn.executemany(
            "INSERT INTO crawl_state (url, site, kind, discovered, queued, failures) VALUES (?, ?, ?, ?, ?, 0)"
            " ON CONFLICT(url) DO UPDATE SET queued = excluded.queued",
            [(link, site, kind, when, when) for link, kind in queued],
        )
        db.conn.executemany(
            "INSERT INTO feed_dates (url, site, published, feed, seen) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET published = excluded.published, feed = excluded.feed,"
            " seen = excluded.seen",
            [(link, site, published, url, when) for link, published in (dates or {}).items()],
        )


def touch_article(db: Database, url: str, when: str | None = None) -> None:
    """A 304 for an archived URL: the article is still there, so its last_seen moves."""
    db.execute(
        "UPDATE articles SET last_seen = max(coalesce(last_seen, ''), ?)"
        " WHERE id = (SELECT article_id FROM article_urls WHERE url = ?)",
        [when or utc_now(), url],
    )


# --- the run lock ---------------------------------------------------------------------------------


class LockHeld(ArchiveError):
    """Another run holds the archive; the message names it."""


# A live run refreshes its heartbeat every HEARTBEAT seconds; a lock whose heartbeat is older than
# STALE_AFTER belongs to a run that died without releasing it (kill -9, power loss, another host).
HEARTBEAT_SECONDS = 30.0
STALE_AFTER_SECONDS = 600.0


def _process_start(pid: int) -> str | None:
    """The kernel's start time of `pid` (Linux), so a pid reused by another process is not mistaken
    for the run that held the lock."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _pid_alive(pid: int, process_start: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    current = _process_start(pid)
    return process_start is None or current is None or current == process_start


class RunLock:
    """One crawl at a time per archive. `with RunLock(path):` or acquire()/release().

    The lock is a row in the archive itself (table run_lock), so it lives wherever the archive
    lives and `tinbai runs` can show it. A heartbeat thread keeps it fresh while the run goes on.
    """

    def __init__(
        self, path: str | Path, *, stale_after: float = STALE_AFTER_SECONDS, heartbeat: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.path = Path(path)
        self.stale_after = stale_after
        self.heartbeat = heartbeat
        self.token = uuid.uuid4().hex
        self.taken_over: dict[str, Any] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock, or raise LockHeld; a stale lock is taken over (and its runs marked interrupted)."""
        with open_archive(self.path) as db:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise ArchiveError(f"archive {self.path} is locked by another process ({error})") from None
            try:
                self._take(db)
            except BaseException:
                db.conn.rollback()
                raise
            db.conn.commit()
        self._thread = threading.Thread(target=self._beat, name="run-lock-heartbeat", daemon=True)
        self._thread.start()

    def _take(self, db: Database) -> None:
        now = datetime.now(UTC)
        row = db.execute("SELECT pid, host, process_start, started, heartbeat FROM run_lock WHERE id = 1").fetchone()
        if row is not None:
            pid, host, process_start, started, beat = row
            age = (now - _instant(beat)).total_seconds()
            local = host == socket.gethostname()
            alive = age < self.stale_after and (not local or _pid_alive(pid, process_start))
            if alive:
                raise LockHeld(
                    f"archive {self.path} is already being crawled by pid {pid} on {host} since {started}"
                    f" (heartbeat {age:.0f}s ago); not starting a second run"
                )
            dead = local and not _pid_alive(pid, process_start)
            reason = "its process is gone" if dead else f"no heartbeat for {age:.0f}s"
            logger.warning("taking over the run lock of pid %s on %s (%s)", pid, host, reason)
            self.taken_over = {"pid": pid, "host": host, "started": started, "reason": reason}
            # Runs still "running" belonged to the dead holder: they will never finish.
            db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        stamp = now.isoformat(timespec="seconds")
        db.execute(
            "INSERT OR REPLACE INTO run_lock (id, token, pid, host, process_start, started, heartbeat)"
            " VALUES (1, ?, ?, ?, ?, ?, ?)",
            [self.token, os.getpid(), socket.gethostname(), _process_start(os.getpid()), stamp, stamp],
        )

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat):
            try:
                with open_archive(self.path) as db, write_transaction(db):
                    cursor = db.execute("UPDATE run_lock SET heartbeat = ? WHERE token = ?", [utc_now(), self.token])
                if cursor.rowcount == 0:
                    logger.error("the run lock of %s was taken over by another run", self.path)
                    return
            except (ArchiveError, sqlite3.Error) as error:
                logger.warning("run lock heartbeat failed: %s", error)

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        try:
            with open_archive(self.path) as db, write_transaction(db):
                db.execute("DELETE FROM run_lock WHERE token = ?", [self.token])
        except (ArchiveError, sqlite3.Error) as error:
            logger.warning("could not release the run lock of %s: %s", self.path, error)


def lock_holder(db: Database) -> dict[str, Any] | None:
    """The run holding the lock, if any (it may be stale: RunLock decides)."""
    rows = list(db.query("SELECT pid, host, started, heartbeat FROM run_lock WHERE id = 1"))
    return rows[0] if rows else None
