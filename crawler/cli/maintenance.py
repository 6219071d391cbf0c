"""`tinbai check` and `tinbai backup`: is the archive file sound, and a checked copy of it."""

from __future__ import annotations

import json

import click

from crawler.cli import DEFAULT_DB, CouldNotRun, cli
from crawler.cli.query import open_readonly


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
def check(db: str) -> None:
    """Check the archive file: SQLite's integrity and foreign-key checks, both full-text indexes
    (their own structure, one row per article, the words each article holds), and the rows of
    every table. Prints a JSON report; exit code 0 when sound, 2 with what is wrong.

    Read-only: works on a copy on read-only storage, and while a crawl runs.

    Example: tinbai check --db nghean.db
    """
    from archive.check import check_archive

    with open_readonly(db) as archive:
        report = check_archive(archive)
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    if not report.sound:
        raise CouldNotRun(f"archive {db} is not sound: {'; '.join(report.problems)}")


@cli.command()
@click.argument("destination", type=click.Path(dir_okay=True, file_okay=True))
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
def backup(destination: str, db: str) -> None:
    """Copy the archive to DESTINATION (a file, or a directory for a dated file), consistent even
    while a crawl writes it, and check the copy before it replaces anything there.

    The copy is one self-contained file. To restore it: stop the scheduled crawls, copy it over
    the archive (removing the archive's -wal and -shm files), run `tinbai check`.

    Example: tinbai backup /srv/backup/ --db /srv/tinbai/tinbai.db
    """
    from archive.check import backup as backup_archive

    # Whatever version of tinbai made the archive: a backup is how one upgrades safely.
    with open_readonly(db, any_version=True) as archive:
        made = backup_archive(archive, destination, source=db)
    click.echo(json.dumps({"backup": made.path, "bytes": made.bytes, "articles": made.counts.get("articles", 0)},
                          ensure_ascii=False))


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--steps", type=click.IntRange(min=1), default=None,
              help="Stop after this many steps (transactions); the next run carries on.")
def optimize(db: str, steps: int | None) -> None:
    """Merge each full-text index's segments into one, so that a search reads each word once
    instead of once in each of the dozens of segments the crawls' saves leave (a search narrowed to a
    portal took 2 to 4 times as long with 35 segments). Run it at a quiet hour (deploy/crontab: every
    night); a crawl may run meanwhile, and waits for one step at most. Safe to interrupt: the next
    run carries on. Prints the segments before and after as JSON.

    Example: tinbai optimize --db /srv/tinbai/tinbai.db
    """
    from pathlib import Path

    from archive import ArchiveError, open_archive
    from archive.fulltext import merge_indexes

    if not Path(db).is_file():
        raise CouldNotRun(f"archive not found: {db}")
    try:
        with open_archive(db) as archive:
            report = merge_indexes(archive, steps=steps)
    except ArchiveError as error:
        raise CouldNotRun(str(error)) from None
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
