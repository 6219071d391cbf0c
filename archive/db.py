"""Opening an archive file: the connection every archive writer and reader is handed.

Data flow: the crawl pipeline and the CLI call open_archive() once, then pass the
Database to save_article(), start_run(), search(), stats().
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from archive.schema import migrate, pending_migrations

# A scheduled crawl and someone searching the same file may overlap; WAL lets
# readers and one writer proceed together, and the timeout covers the brief
# moments when SQLite still needs an exclusive lock (a checkpoint, a migration).
BUSY_TIMEOUT_SECONDS = 5.0

# Writers commit often. In WAL mode, synchronous=NORMAL flushes the disk at each checkpoint
# instead of at each commit (FULL, SQLite's default, flushes at every commit, which costs more
# than the save itself): a power loss or OS crash may lose the last commits, never consistency
# (the WAL's checksums drop a half-written tail), and a killed process loses nothing. An article
# lost that way is fetched again by the next run, since its URL's crawl state went with it.
SYNCHRONOUS = "NORMAL"
# Pages the WAL collects before they are copied into the archive file (SQLite's default is 1,000,
# 4 MB). A checkpoint writes each changed page once, however often it changed since the last one,
# and flushes the disk: the full-text and LSH indexes' inner pages change with every save, so a
# checkpoint a tenth as often writes them far fewer times (for a WAL of up to 40 MB).
WAL_AUTOCHECKPOINT = 10_000


class ArchiveError(ValueError):
    """The archive cannot be opened; the message is one line meant for the user."""


def open_archive(
    path: str | Path, *, readonly: bool = False, timeout: float = BUSY_TIMEOUT_SECONDS, cache_kb: int | None = None,
) -> Database:
    """Open (or create) the archive at `path` and bring its schema up to date.

    `":memory:"` opens a fresh in-memory archive. `readonly=True` opens an existing
    file without writing to it (no migrations, no journal mode change): a missing
    file or an archive that needs migrating is an ArchiveError. `cache_kb` sets this
    connection's page cache (SQLite's default: 2 MB).
    """
    if str(path) == ":memory:":
        if readonly:
            raise ArchiveError("an in-memory archive cannot be opened read-only: it would be empty")
        db = Database(memory=True)
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)
        return db

    file = Path(path)
    if readonly and not file.is_file():
        raise ArchiveError(f"archive not found: {file}")
    if file.is_dir():
        raise ArchiveError(f"archive path is a directory, not a file: {file}")
    try:
        if readonly:
            conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
        else:
            conn = sqlite3.connect(str(file), timeout=timeout)
    except sqlite3.Error as exc:
        raise ArchiveError(_describe(file, exc, timeout)) from None

    db = Database(conn)
    try:
        # sqlite3.connect() does not read the file: the first query is what fails
        # on a file that is not a database, or one locked by another writer.
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        db.execute("PRAGMA foreign_keys = ON")
        if readonly:
            pending = pending_migrations(db)
            if pending:
                raise ArchiveError(
                    f"{file} is not an up-to-date tinbai archive (pending migrations: "
                    f"{', '.join(pending)}); open it once without read-only to upgrade it"
                )
        else:
            db.enable_wal()
            # Per connection, not stored in the file: every writable open sets it.
            db.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
            db.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT}")
            migrate(db)
        if cache_kb is not None:
            db.execute(f"PRAGMA cache_size = -{int(cache_kb)}")
    except sqlite3.Error as exc:
        db.close()
        raise ArchiveError(_describe(file, exc, timeout)) from None
    except ArchiveError:
        db.close()
        raise
    return db


def check_writable(db: Database) -> None:
    """Raise ArchiveError unless the archive takes a write: a file that opens but sits on
    read-only storage, or that another process holds, fails here, before a crawl starts."""
    from archive.transaction import write_transaction

    try:
        with write_transaction(db):
            db.execute("UPDATE runs SET status = status WHERE 0")
            db.execute("DELETE FROM run_lock WHERE 0")
    except sqlite3.Error as error:
        raise ArchiveError(f"cannot write to the archive: {error}") from None


def _describe(file: Path, exc: sqlite3.Error, timeout: float) -> str:
    message = str(exc)
    if "not a database" in message:
        return f"{file} is not a SQLite database"
    if "locked" in message or "busy" in message:
        return f"archive {file} is locked by another process (gave up after {timeout:g}s)"
    return f"cannot open archive {file}: {message}"
