"""Reading the archive: `tinbai search`, `tinbai stats`. The archive opens read-only."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from crawler.cli import DEFAULT_DB, CouldNotRun, cli, print_rows

if TYPE_CHECKING:
    from sqlite_utils import Database

    from archive.query.filters import Filters


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that select articles, shared by search and export."""
    options = [
        click.option("--site", help="Only articles of this portal (its key: nghean)."),
        click.option("--category", help='Only this category; diacritics optional ("xay dung dang").'),
        click.option("--author", help="Only articles whose byline contains this; diacritics optional."),
        click.option("--since", metavar="DATE", help="Published on or after YYYY, YYYY-MM or YYYY-MM-DD."),
        click.option("--until", metavar="DATE", help="Published on or before YYYY, YYYY-MM or YYYY-MM-DD."),
        click.option("--include-near-duplicates", is_flag=True,
                     help="Also re-posts of an earlier article (left out by default)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def build_filters(options: dict[str, Any]) -> Filters:
    from archive.query.filters import Filters

    return Filters(**{key: options.pop(key) for key in (
        "site", "category", "author", "since", "until", "include_near_duplicates",
    )})


def open_readonly(db: str) -> Database:
    from archive import ArchiveError, open_archive

    try:
        return open_archive(db, readonly=True)
    except ArchiveError as error:
        raise CouldNotRun(str(error)) from None


@cli.command()
@click.argument("query")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@filter_options
@click.option("--exact", is_flag=True, help='Diacritics must match too ("Đảng" finds neither "đăng" nor "dang").')
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def search(query: str, db: str, exact: bool, limit: int, as_json: bool, **options: Any) -> None:
    """Full-text search; diacritics optional ("dang uy" finds "Đảng ủy").

    Articles with the words together come first, then with the words near each other,
    then the rest; a malformed query exits 2 with the reason.

    Example: tinbai search "dang uy" --db nghean.db --since 2026-01 --json
    """
    from archive import SearchError
    from archive import search as search_archive

    filters = build_filters(options)
    with open_readonly(db) as archive:
        try:
            results = search_archive(archive, query, limit=limit, filters=filters, exact=exact)
        except SearchError as error:
            raise CouldNotRun(str(error)) from None
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
    """Per portal: articles, re-posts, versions, published date range, last run and its errors.

    Example: tinbai stats --db nghean.db
    """
    from archive import stats as archive_stats

    with open_readonly(db) as archive:
        rows = archive_stats(archive)
    if as_csv:
        rows = [{k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for k, v in row.items()}
                for row in rows]
    print_rows(rows, "csv" if as_csv else "json")
