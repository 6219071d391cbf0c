"""How open_archive() sets up a connection: WAL, and synchronous=NORMAL for writers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from archive import open_archive


def test_writable_archive_is_wal_with_synchronous_normal(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    db = open_archive(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 10_000
    finally:
        db.close()
    # Not stored in the file: every writable open sets it again.
    db = open_archive(path)
    try:
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 1
    finally:
        db.close()


def test_readonly_open_leaves_synchronous_alone(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    open_archive(path).close()
    plain = sqlite3.connect(path)
    default = plain.execute("PRAGMA synchronous").fetchone()[0]  # the build's default (FULL)
    plain.close()
    db = open_archive(path, readonly=True)
    try:
        assert db.execute("PRAGMA synchronous").fetchone()[0] == default != 1
    finally:
        db.close()
