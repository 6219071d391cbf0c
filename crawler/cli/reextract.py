"""`tinbai reextract`: run extraction again over the pages stored in the archive, on every core."""

from __future__ import annotations

import json
from collections.abc import Mapping

import click

from crawler.cli import DEFAULT_DB, CouldNotRun, cli


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--site", help="Only the articles of this portal.")
@click.option("--since", metavar="DATE",
              help="Only articles whose stored page was fetched on or after this day (YYYY, YYYY-MM or YYYY-MM-DD,"
                   " UTC): after a portal changed its template, the pages fetched since.")
@click.option("--processes", type=click.IntRange(1, 512),
              help="Processes that extract: 1 runs in this one, N > 1 starts N workers and this one only writes"
                   " [default: every core].")
def reextract(db: str, site: str | None, since: str | None, processes: int | None) -> None:
    """Re-extract every stored article page with today's rules; no network.

    Changed text becomes a new version (dated when the page was fetched); changed metadata is
    rewritten; a record that comes out exactly as stored is not written; a page that no longer
    yields an article keeps its record and is reported. --site and --since narrow the run to the
    pages a rule fix concerns, through indexes: one portal's, or those fetched since a day.

    Example: tinbai reextract --db nghean.db --site nghean --since 2026-11
    """
    from pathlib import Path

    from archive import ArchiveError, open_archive
    from archive.query.filters import FilterError, day_or_month
    from crawler.progress import for_terminal
    from crawler.reextract import reextract as run_reextract

    if since is not None:
        try:
            day_or_month(since, "since")
        except FilterError as error:
            raise CouldNotRun(str(error)) from None
    if not Path(db).is_file():
        raise CouldNotRun(f"archive not found: {db}")
    try:
        archive = open_archive(db)
    except ArchiveError as error:
        raise CouldNotRun(str(error)) from None
    progress = for_terminal("articles")

    def report(done: int, total: int, counts: Mapping[str, int]) -> None:
        assert progress is not None
        progress.update(f"reextract of {total:,}", articles=done, updated=counts.get("updated", 0),
                        failed=counts.get("failed", 0))

    with archive:
        try:
            counts = run_reextract(archive, str(Path(db).resolve()), site=site, since=since, processes=processes,
                                   progress=report if progress is not None else None)
        finally:
            if progress is not None:
                progress.close()
    click.echo(json.dumps(counts, ensure_ascii=False, indent=2))
