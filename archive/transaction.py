"""Write transactions on the archive: every writer (crawl pipeline, run lock, re-extraction) uses them.

A deferred BEGIN (what `db.atomic()` issues) reads first and becomes a writer later; if another
connection commits in between (the run lock's heartbeat thread, a second process), SQLite answers
"database is locked" at once, whatever the busy timeout: one save in a few thousand failed that
way during long crawls. BEGIN IMMEDIATE takes the write lock first and waits for it instead.

A nested write transaction is a savepoint, so that a failing part rolls back alone. A writer that
groups many writes in one transaction and can redo them when one fails (crawler/apply/recorder.py) turns
savepoints off for the group (`without_savepoints`): FTS5 writes its pending terms out as a new
index segment at every savepoint release, which was a sixth of a save's cost. A statement that
SQLite may have to undo half-way through (an UPDATE of several rows with constraints to check,
an INSERT ... SELECT) opens a statement journal, which does the same: such writes between two
commits go by key (tests/test_archive.py checks that a group of saves writes no segment before
its commit).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database

_NO_SAVEPOINTS = "_tinbai_without_savepoints"


def without_savepoints(db: Database, off: bool = True) -> None:
    """While a transaction is open, nested write_transaction()s on `db` open no savepoint: a failure
    inside one leaves the transaction half-written, and the caller must roll it back whole."""
    setattr(db, _NO_SAVEPOINTS, off)


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """Like `db.atomic()`; the outermost transaction starts with BEGIN IMMEDIATE, a nested one is a
    savepoint inside the caller's transaction."""
    if db.conn.in_transaction and getattr(db, _NO_SAVEPOINTS, False):
        yield db  # the group's owner rolls everything back if this fails
        return
    if db.conn.in_transaction:
        # One name at every depth: ROLLBACK TO and RELEASE act on the innermost savepoint of that
        # name, and the three statements stay prepared in the connection's cache (sqlite-utils'
        # atomic() names each savepoint anew: a save's nested savepoints cost a twentieth of it).
        db.conn.execute("SAVEPOINT tinbai")
        try:
            yield db
        except BaseException:
            # An error that ended the whole transaction leaves no savepoint to roll back to.
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK TO tinbai")
                db.conn.execute("RELEASE tinbai")
            raise
        else:
            db.conn.execute("RELEASE tinbai")
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


class WriteGroup:
    """Many writes in one transaction, the way a crawl's writer commits them (crawler/apply/):
    begin() before the first, commit() after the last. Nested write_transaction()s open no
    savepoint while the group is plain; when a write fails, restart() rolls the group back and
    begins it again with savepoints, so that it can be redone item by item."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @property
    def open(self) -> bool:
        return self.db.conn.in_transaction

    def begin(self) -> None:
        self.db.conn.execute("BEGIN IMMEDIATE")
        without_savepoints(self.db)

    def restart(self) -> None:
        """Roll back what the group wrote and begin it again, each nested write a savepoint."""
        if self.db.conn.in_transaction:
            self.db.conn.execute("ROLLBACK")
        self.db.conn.execute("BEGIN IMMEDIATE")
        without_savepoints(self.db, False)

    def commit(self) -> None:
        if self.db.conn.in_transaction:
            self.db.conn.execute("COMMIT")
        without_savepoints(self.db, False)

    def rollback(self) -> None:
        """Give up what the group wrote (the archive was found damaged: nothing more goes into it)."""
        if self.db.conn.in_transaction:
            self.db.conn.execute("ROLLBACK")
        without_savepoints(self.db, False)
