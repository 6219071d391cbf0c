"""Reading the archive: `tinbai search`, `tinbai stats`. The archive opens read-only."""

from __future__ import annotations

import json

import click

from crawler.cli import DEFAULT_DB, CouldNotRun, cli, print_rows


@cli.command()
@click.argument("query")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--site", help="Only articles of this portal.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def search(query: str, db: str, site: str | None, limit: int, as_json: bool) -> None:
    """Full-text search; diacritics optional ("dang uy" finds "Đảng ủy").

    Example: tinbai search "dang uy" --db nghean.db --json
    """
    from archive import ArchiveError, SearchError, open_archive
    from archive import search as search_archive

    try:
        archive = open_archive(db, readonly=True)
    except ArchiveError as error:
        raise CouldNotRun(str(error)) from None
    try:
        results = search_archive(archive, query, limit=limit, site=site)
    except SearchError as error:
        raise CouldNotRun(str(error)) from None
    finally:
        archive.close()
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
        return
    for result in results:
        click.echo(f"{result['published'] or '?':<25} {result['title']}\n  {result['url']}\n  {result['snippet']}\n")
    click.echo(f"{len(results)} result(s)")


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of JSON.")
def stats(db: str, as_csv: bool) -> None:
    """Per portal: articles, published date range, last run.

    Example: tinbai stats --db nghean.db
    """
    from archive import ArchiveError, open_archive
    from archive import stats as archive_stats

    try:
        archive = open_archive(db, readonly=True)
    except ArchiveError as error:
        raise CouldNotRun(str(error)) from None
    try:
        print_rows(archive_stats(archive), "csv" if as_csv else "json")
    finally:
        archive.close()


