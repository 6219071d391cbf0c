"""`tinbai reextract`: run extraction again over the pages stored in the archive, on every core."""

from __future__ import annotations

import json
from collections.abc import Mapping

import click

from crawler.cli import DEFAULT_DB, CouldNotRun, cli


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--site", help="Only the articles of this portal.")
@click.option("--processes", type=click.IntRange(1, 512),
              help="Processes that extract: 1 runs in this one, N > 1 starts N workers and this one only writes"
                   " [default: every core].")
def reextract(db: str, site: str | None, processes: int | None) -> None:
    """Re-extract every stored article page with today's rules; no network.

    Changed text becomes a new version (dated when the page was fetched); changed metadata is
    rewritten; a record that comes out exactly as stored is not written; a page that no longer
    yields an article keeps its record and is reported.

    Example: tinbai reextract --db nghean.db --site nghean
    """
    from pathlib import Path

    from archive import ArchiveError, open_archive
    from crawler.progress import for_terminal
    from crawler.reextract import reextract as run_reextract

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
            counts = run_reextract(archive, str(Path(db).resolve()), site=site, processes=processes,
                                   progress=report if progress is not None else None)
        finally:
            if progress is not None:
                progress.close()
    click.echo(json.dumps(counts, ensure_ascii=False, indent=2))
