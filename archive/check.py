"""Checking and copying an archive: `tinbai check` (is the file sound?) and `tinbai backup`.

Data flow: the CLI (crawler/cli/maintenance.py) opens the archive read-only and calls
check_archive(), or backup() with a destination path. Both only read the archive: a check works on
read-only storage, and a backup is taken while a crawl writes (SQLite's online backup reads one
consistent snapshot; in WAL mode the crawl's commits go on beside it).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive.db import ArchiveError, describe_error
from archive.facets import FACETS_COLUMN, facet_words
from archive.schema import FTS_EXACT_TABLE, FTS_TABLE, pending_migrations
from archive.store import load_raw_page, utc_now
from crawler.extract.fold import fold

# Lines of PRAGMA integrity_check kept in a report: a badly damaged file gives thousands.
INTEGRITY_LINES = 10


@dataclass
class CheckReport:
    """What `tinbai check` found: `problems` (empty: sound) and the rows of every table."""

    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def sound(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"sound": self.sound, "problems": self.problems, "counts": self.counts}


def check_archive(db: Database) -> CheckReport:
    """SQLite's integrity and foreign-key checks, both full-text indexes checked against themselves
    (FTS5's own structure) and against the articles they index (one row per article, the same
    words), every stored page against its sha256, and the rows of every table. Any SQLite error met
    on the way is a problem too. An archive made by an older tinbai (migrations pending) gets the
    checks that do not depend on the schema: SQLite's own and the counts."""
    report = CheckReport()
    steps: tuple[Any, ...] = (_integrity, _foreign_keys, _fts_structure, _fts_rows, _fts_contents, _stored_pages,
                              _counts)
    if pending_migrations(db):
        steps = (_integrity, _foreign_keys, _counts)
    for step in steps:
        try:
            step(db, report)
        except sqlite3.Error as error:
            report.problems.append(f"{step.__name__.strip('_').replace('_', ' ')}: {error}")
    return report


def _integrity(db: Database, report: CheckReport) -> None:
    lines = [row[0] for row in db.execute("PRAGMA integrity_check(100)").fetchall()]
    if lines != ["ok"]:
        shown = lines[:INTEGRITY_LINES]
        more = f" (and {len(lines) - len(shown)} more)" if len(lines) > len(shown) else ""
        report.problems.append("integrity check: " + "; ".join(shown) + more)


def _foreign_keys(db: Database, report: CheckReport) -> None:
    found: dict[tuple[str, str], int] = {}
    for table, _rowid, parent, _fk in db.execute("PRAGMA foreign_key_check").fetchall():
        found[(table, parent)] = found.get((table, parent), 0) + 1
    for (table, parent), rows in sorted(found.items()):
        report.problems.append(f"foreign keys: {rows} row(s) of {table} point at no row of {parent}")


def _fts_structure(db: Database, report: CheckReport) -> None:
    # FTS5's 'integrity-check' command (the index decodes, and holds exactly the words of the rows
    # it indexes) is an INSERT, which a read-only connection refuses, and the archive is read
    # only: each index's tables are copied into a temporary file (in TMPDIR) and checked there.
    for table in (FTS_TABLE, FTS_EXACT_TABLE):
        problem = _fts_integrity(db, table)
        if problem:
            report.problems.append(f"full-text index {table}: {problem}")


_FTS_SHADOW = ("data", "idx", "content", "docsize", "config")


def _fts_integrity(db: Database, table: str) -> str | None:
    shadow = [f"{table}_{suffix}" for suffix in _FTS_SHADOW]
    present = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [name for name in shadow if name not in present]
    if missing:
        return f"tables missing: {', '.join(missing)}"
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    with tempfile.TemporaryDirectory(prefix="tinbai-check-") as directory:
        scratch = sqlite3.connect(Path(directory) / "index.db")
        try:
            scratch.execute("PRAGMA journal_mode = OFF")
            scratch.execute("PRAGMA synchronous = OFF")
            # The virtual table's declaration creates its tables; their rows are then copied in.
            scratch.execute(sql)
            for name in shadow:
                scratch.execute(f"DELETE FROM [{name}]")
                columns = [row[1] for row in db.execute(f"PRAGMA table_info([{name}])")]
                marks = ", ".join("?" * len(columns))
                cursor = db.conn.execute(f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM [{name}]")
                while rows := cursor.fetchmany(500):
                    scratch.executemany(f"INSERT INTO [{name}] VALUES ({marks})", rows)
            scratch.execute(f"INSERT INTO [{table}] ([{table}]) VALUES ('integrity-check')")
        except sqlite3.Error as error:
            return str(error)  # reading the archive's copy of the index, or checking it
        finally:
            scratch.close()
    return None


def _fts_rows(db: Database, report: CheckReport) -> None:
    for table in (FTS_TABLE, FTS_EXACT_TABLE):
        missing = db.execute(
            f"SELECT count(*) FROM articles WHERE id NOT IN (SELECT rowid FROM [{table}])"
        ).fetchone()[0]
        extra = db.execute(
            f"SELECT count(*) FROM [{table}] WHERE rowid NOT IN (SELECT id FROM articles)"
        ).fetchone()[0]
        if missing:
            report.problems.append(f"full-text index {table}: {missing} article(s) not indexed")
        if extra:
            report.problems.append(f"full-text index {table}: {extra} row(s) for no article")


def _fts_contents(db: Database, report: CheckReport) -> None:
    """Each article's index rows hold its title, summary and text: as they are (the exact index),
    and folded (the diacritic-free index), and its portal's and month's facet words (a search
    filtered by them would miss it otherwise), read a batch at a time."""
    stale_exact: list[int] = []
    stale_folded: list[int] = []
    cursor = db.conn.execute(
        "SELECT articles.id, articles.title, coalesce(articles.summary, ''), articles.text,"
        " articles.site, articles.published,"
        f" exact.title, coalesce(exact.summary, ''), exact.text, exact.{FACETS_COLUMN},"
        f" folded.title, coalesce(folded.summary, ''), folded.text, folded.{FACETS_COLUMN}"
        f" FROM articles JOIN [{FTS_EXACT_TABLE}] AS exact ON exact.rowid = articles.id"
        f" JOIN [{FTS_TABLE}] AS folded ON folded.rowid = articles.id"
    )
    while rows := cursor.fetchmany(200):
        for article_id, title, summary, text, site, published, *indexed in rows:
            facets = facet_words(site, published)
            if (title, summary, text, facets) != tuple(indexed[:4]):
                stale_exact.append(article_id)
            if (fold(title), fold(summary), fold(text), facets) != tuple(indexed[4:]):
                stale_folded.append(article_id)
    for table, stale in ((FTS_EXACT_TABLE, stale_exact), (FTS_TABLE, stale_folded)):
        if stale:
            shown = ", ".join(str(article_id) for article_id in stale[:10])
            report.problems.append(f"full-text index {table}: {len(stale)} article(s) indexed with other words "
                                   f"than they hold (ids {shown}{'...' if len(stale) > 10 else ''})")


def _stored_pages(db: Database, report: CheckReport) -> None:
    """Every stored page decompresses to the bytes its sha256 names: SQLite checks the structure of
    its pages, not the bytes a value holds."""
    damaged = []
    for (raw_page_id,) in db.execute("SELECT id FROM raw_pages ORDER BY id").fetchall():
        try:
            load_raw_page(db, raw_page_id)
        except ArchiveError:
            damaged.append(raw_page_id)
    if damaged:
        shown = ", ".join(str(page) for page in damaged[:10])
        report.problems.append(f"stored pages: {len(damaged)} do not read back as stored (ids {shown}"
                               f"{'...' if len(damaged) > 10 else ''})")


def _counts(db: Database, report: CheckReport) -> None:
    names = [row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )]
    shadows = {f"{table}_{suffix}" for table in (FTS_TABLE, FTS_EXACT_TABLE) for suffix in _FTS_SHADOW}
    for name in names:
        if name in shadows:
            continue  # the indexes' own tables: checked above
        report.counts[name] = int(db.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0])


# --- backups ----------------------------------------------------------------------------------------

# Pages copied per step of SQLite's online backup: all of them in one step, which reads the archive in
# one read transaction, so the copy is the archive as it was at one moment whatever a crawl commits
# meanwhile (in WAL mode its commits go on beside the reader). In smaller steps, a commit by another
# process between two steps would make SQLite start the copy over, again and again during a crawl.
BACKUP_ALL_PAGES = -1


@dataclass(frozen=True)
class Backup:
    path: str
    bytes: int
    counts: dict[str, int]


def backup(db: Database, destination: str | Path, *, source: str | Path) -> Backup:
    """Copy the archive `db` (opened from `source`) to `destination` with SQLite's online backup API,
    in one read transaction (a consistent snapshot, while a crawl writes), check the copy
    (PRAGMA integrity_check, the foreign keys, the full-text indexes) and only then move it into
    place: an existing file at `destination` is replaced only by a copy that passed. The copy is a
    single file (rollback journal, not WAL), ready to be opened from read-only storage.

    A directory as `destination` (an existing one, or a path ending in "/") receives
    `<archive name>-<UTC time>.db`."""
    target = Path(destination)
    if target.is_dir() or str(destination).endswith("/"):
        if not target.is_dir():
            raise ArchiveError(f"no directory for the backup: {target}")
        stamp = utc_now().replace(":", "").replace("+00:00", "Z")
        target = target / f"{Path(source).stem}-{stamp}.db"
    if target.resolve() == Path(source).resolve():
        raise ArchiveError(f"the backup would overwrite the archive itself: {target}")
    if not target.parent.is_dir():
        raise ArchiveError(f"no directory for the backup: {target.parent}")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    # Readable by whoever may read the archive (mkstemp makes it the owner's only).
    os.chmod(temporary, stat.S_IMODE(os.stat(source).st_mode))
    try:
        copy = sqlite3.connect(temporary)
        try:
            db.conn.backup(copy, pages=BACKUP_ALL_PAGES)
            copy.execute("PRAGMA journal_mode = DELETE")
            copy.commit()
        finally:
            copy.close()
        with Database(sqlite3.connect(f"{Path(temporary).resolve().as_uri()}?mode=ro", uri=True)) as written:
            report = check_archive(written)
        if not report.sound:
            raise ArchiveError(f"the backup failed its check ({'; '.join(report.problems)}): {target} left as it was")
        os.replace(temporary, target)
    except sqlite3.Error as error:
        raise ArchiveError(describe_error(source, error)) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return Backup(path=str(target), bytes=target.stat().st_size, counts=report.counts)
