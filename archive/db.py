"""Opening an archive file: the connection every archive writer and reader is handed.

Data flow: the crawl pipeline and the CLI call open_archive() once, then pass the
Database to save_article(), start_run(), search(), stats().
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import weakref
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


# SQLite's primary result codes (the low byte of an extended code) that mean the file is damaged
# or is not a database at all.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_SQLITE_READONLY = 8
_SQLITE_CANTOPEN = 14


class ArchiveDamaged(ArchiveError):
    """SQLite found the archive file damaged (malformed pages, a truncated file): nothing more can be
    read or written safely. The message names the file and says what to do."""

    @classmethod
    def of(cls, path: str | Path, error: BaseException) -> ArchiveDamaged:
        return cls(f"archive {path} is damaged ({one_line(str(error), 160)}); `tinbai check --db {path}` says where, "
                   "and a backup restores it (README, Scheduled runs)")


def is_damage(error: BaseException) -> bool:
    """Is `error` SQLite saying the file is damaged (SQLITE_CORRUPT, SQLITE_NOTADB, in any of their
    extended forms: a malformed page, an FTS5 index that does not decode, a file cut short), or a
    text column holding bytes that are not text (Python's sqlite3: "Could not decode to UTF-8")?"""
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return True
    message = str(error)
    return any(sign in message for sign in ("malformed", "not a database", "corrupt", "Could not decode to UTF-8"))


def one_line(text: str, limit: int = 300) -> str:
    """`text` as one printable line of at most `limit` characters: SQLite quotes the damaged bytes
    it could not decode, newlines and control characters included."""
    line = " ".join("".join(char if char.isprintable() else " " for char in text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def describe_error(path: str | Path, error: sqlite3.Error) -> str:
    """One line for the user about an SQLite error met while using the archive at `path`."""
    if is_damage(error):
        return str(ArchiveDamaged.of(path, error))
    message = one_line(str(error))
    if "locked" in message or "busy" in message:
        return f"archive {path} is locked by another process ({message})"
    if "readonly" in message or "read-only" in message:
        return f"archive {path} cannot be written ({message})"
    return f"cannot use archive {path}: {message}"


def open_archive(
    path: str | Path, *, readonly: bool = False, timeout: float = BUSY_TIMEOUT_SECONDS, cache_kb: int | None = None,
    any_version: bool = False,
) -> Database:
    """Open (or create) the archive at `path` and bring its schema up to date.

    `":memory:"` opens a fresh in-memory archive. `readonly=True` opens an existing
    file without writing to it (no migrations, no journal mode change): a missing
    file or an archive that needs migrating is an ArchiveError, unless `any_version`
    (for what reads the file as SQLite, whatever tinbai made it: a backup before an
    upgrade). `cache_kb` sets this connection's page cache (SQLite's default: 2 MB).
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
            conn = _connect_readonly(file, timeout)
        else:
            conn = sqlite3.connect(str(file), timeout=timeout)
            # sqlite3.connect() does not read the file: the first query is what fails on a file
            # that is not a database, or one locked by another writer.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        raise _error(file, exc, timeout) from None

    db = Database(conn)
    if readonly and getattr(conn, "tinbai_copy", None):
        # The private copy a read-only open had to make goes when the connection does.
        weakref.finalize(db, shutil.rmtree, conn.tinbai_copy, ignore_errors=True)  # type: ignore[attr-defined]
    try:
        db.execute("PRAGMA foreign_keys = ON")
        if readonly:
            pending = [] if any_version else pending_migrations(db)
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
        raise _error(file, exc, timeout) from None
    except ArchiveError:
        db.close()
        raise
    return db


# How a reader opens an archive it must not (or cannot) write: "read-only" (SQLite's mode=ro: sees
# a running crawl's commits), "immutable" (SQLite's immutable=1: the file on read-only storage, or
# that this user cannot write, with no write-ahead log to read), "copy" (the file and its
# write-ahead log copied into a private temporary directory first: the log holds commits not yet
# in the file, and a read-only open that cannot create the log's index (-shm) cannot read it).
class ReadOnlyConnection(sqlite3.Connection):
    tinbai_how: str = "read-only"
    tinbai_copy: str | None = None


def readonly_uri(file: Path) -> tuple[str, str, str | None]:
    """(SQLite URI, how, private copy directory or None) to read the archive `file` without writing.

    SQLite's mode=ro first: it needs the write-ahead log's index (the -shm file) to exist and be
    writable, or to be creatable next to the archive, when the archive is in WAL mode. On read-only
    storage or in a directory this user cannot write it fails ("unable to open database file",
    "attempt to write a readonly database"): then immutable=1 when there is no write-ahead log with
    content (the archive file alone holds every commit), else a private copy of the file and its log.
    """
    resolved = file.resolve()
    uri = resolved.as_uri()
    try:
        probe = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            probe.close()
        return f"{uri}?mode=ro", "read-only", None
    except sqlite3.Error as error:
        code = getattr(error, "sqlite_errorcode", 0) or 0
        if code & 0xFF not in (_SQLITE_READONLY, _SQLITE_CANTOPEN):
            raise
    wal = resolved.with_name(resolved.name + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return f"{uri}?immutable=1", "immutable", None
    directory = tempfile.mkdtemp(prefix="tinbai-readonly-")
    copy = Path(directory) / resolved.name
    shutil.copyfile(resolved, copy)
    shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
    return f"{copy.as_uri()}?mode=ro", "copy", directory


def _connect_readonly(file: Path, timeout: float) -> sqlite3.Connection:
    uri, how, copy = readonly_uri(file)
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=timeout, factory=ReadOnlyConnection)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        if copy is not None:
            shutil.rmtree(copy, ignore_errors=True)
        raise
    conn.tinbai_how = how
    conn.tinbai_copy = copy
    return conn


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


def _error(file: Path, exc: sqlite3.Error, timeout: float) -> ArchiveError:
    kind = ArchiveDamaged if is_damage(exc) else ArchiveError
    return kind(_describe(file, exc, timeout))


def _describe(file: Path, exc: sqlite3.Error, timeout: float) -> str:
    message = one_line(str(exc))
    if "not a database" in message:
        return f"{file} is not a SQLite database"
    if is_damage(exc):
        return str(ArchiveDamaged.of(file, exc))
    if "locked" in message or "busy" in message:
        return f"archive {file} is locked by another process (gave up after {timeout:g}s)"
    return f"cannot open archive {file}: {message}"
