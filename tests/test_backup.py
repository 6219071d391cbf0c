"""`tinbai backup`: a checked, consistent copy, taken while a crawl writes; restored as the README
says, the archive carries on."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from archive import open_archive
from archive.check import check_archive
from tests.portal_snapshots import Snapshot
from tests.test_faults import check_sound, run_crawl, start_crawl_recorded

NGHEAN = Path(__file__).resolve().parents[1] / "fixtures" / "nghean"


def articles(db: Path) -> dict[str, str]:
    connection = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return dict(connection.execute("SELECT url, content_hash FROM articles").fetchall())
    finally:
        connection.close()


def test_a_backup_is_one_checked_file_and_restores(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "nghean.db"
    run_crawl(tinbai, db, NGHEAN)
    backups = tmp_path / "backups"
    backups.mkdir()
    made = tinbai("backup", str(backups), "--db", str(db))
    assert made.returncode == 0, made.stderr
    answer = json.loads(made.stdout)
    copy = Path(answer["backup"])
    assert copy.parent == backups and copy.name.startswith("nghean-") and answer["articles"] == 16
    # One self-contained file (no write-ahead log), sound, with the archive's articles.
    assert sorted(path.name for path in backups.iterdir()) == [copy.name]
    assert sqlite3.connect(copy).execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert articles(copy) == articles(db)
    check_sound(copy)

    # Restore: the archive lost, the backup copied in its place; the next crawl carries on.
    for path in tmp_path.glob("nghean.db*"):
        path.unlink()
    shutil.copyfile(copy, db)
    assert tinbai("check", "--db", str(db)).returncode == 0
    later = Snapshot(tmp_path / "later")
    later.add(40001, "xay-dung-dang")
    again = run_crawl(tinbai, db, later.write())
    assert again["new"] == 1 and again["duplicates"] == 0

    # A file as destination is replaced, only by a copy that passed its check.
    target = tmp_path / "latest.db"
    target.write_bytes(b"an older backup")
    assert tinbai("backup", str(target), "--db", str(db)).returncode == 0
    assert len(articles(target)) == 17


def test_a_backup_refuses_to_overwrite_the_archive_and_a_missing_directory(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "nghean.db"
    run_crawl(tinbai, db, NGHEAN)
    for destination, words in ((db, "overwrite the archive itself"), (tmp_path / "none" / "x.db", "no directory")):
        result = tinbai("backup", str(destination), "--db", str(db))
        assert result.returncode == 2 and words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert len(articles(db)) == 16


@pytest.mark.slow
def test_backups_taken_while_a_crawl_writes_are_consistent(tmp_path: Path, tinbai: Any) -> None:
    """A crawl of 300 new articles, slowed so that it lasts; backups taken one after another while
    it runs each pass their check, hold whole articles (a version, index rows, URLs for each), and
    hold a prefix of what the crawl archived: the archive as it was at one moment."""
    db = tmp_path / "nghean.db"
    run_crawl(tinbai, db, NGHEAN)
    snapshot = Snapshot(tmp_path / "big")
    for number in range(300):
        snapshot.add(41000 + number, ["xay-dung-dang", "chinh-quyen", "tuyen-giao"][number % 3])
    crawl = start_crawl_recorded(db, snapshot.write(), "-s", "DOWNLOAD_DELAY=0.01")
    taken = []
    try:
        while crawl.poll() is None and len(taken) < 15:
            destination = tmp_path / f"backup-{len(taken)}.db"
            result = tinbai("backup", str(destination), "--db", str(db))
            assert result.returncode == 0, result.stderr
            taken.append(destination)
            time.sleep(0.2)
    finally:
        crawl.wait(timeout=600)
    assert crawl.returncode == 1, crawl.stderr.read() if crawl.stderr else ""
    final = articles(db)
    # Nothing the crawl wrote while the backups read was lost: the first crawl's 16 and all 300.
    assert len(final) == 316 and all(any(url.endswith(f"-{41000 + number}") for url in final) for number in range(300))
    sizes = []
    for copy in taken:
        with open_archive(copy, readonly=True) as backup:
            report = check_archive(backup)
        assert report.sound, report.problems  # (a run still "running": the crawl went on after it)
        connection = sqlite3.connect(copy)
        try:
            counts = connection.execute(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT article_id) FROM article_versions),"
                " (SELECT count(*) FROM articles_fts_exact), (SELECT count(DISTINCT article_id) FROM article_urls)"
            ).fetchone()
        finally:
            connection.close()
        assert len(set(counts)) == 1, (copy, counts)  # each article whole
        held = articles(copy)
        assert held.items() <= final.items()
        sizes.append(len(held))
    assert sizes == sorted(sizes)
    # Some were taken mid-crawl: between the first crawl's 16 articles and the final 316.
    assert any(16 < size < len(final) for size in sizes), sizes


def test_an_archive_made_by_an_older_tinbai_is_backed_up_before_it_is_upgraded(tmp_path: Path, tinbai: Any) -> None:
    from tests.test_archive_migrations import first_version_archive

    old = tmp_path / "old.db"
    first_version_archive(old)
    before = old.read_bytes()
    made = tinbai("backup", str(tmp_path / "copy.db"), "--db", str(old))
    assert made.returncode == 0, made.stderr
    # The copy is the old archive as it was, and the archive itself was not upgraded by the backup.
    assert old.read_bytes() == before
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert [row[0] for row in copy.execute("SELECT name FROM _sqlite_migrations")] == ["m001_initial"]
    assert copy.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
