"""`tinbai export`: the selected articles as JSON lines or CSV on standard output, streamed."""

from __future__ import annotations

import sys
from typing import Any

import click

from crawler.cli import DEFAULT_DB, CouldNotRun, cli
from crawler.cli.query import build_filters, filter_options, open_readonly


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@filter_options
def export(db: str, fmt: str, **options: Any) -> None:
    """Write every selected article (one JSON object a line, or CSV rows) to standard output.

    Rows stream from the archive as they are written: memory stays flat however large it is.
    Re-posts of an earlier article are left out unless --include-near-duplicates.

    Example: tinbai export --db nghean.db --format csv --site nghean --since 2026 > nghean-2026.csv
    """
    from archive.query.export import export_rows, write_csv, write_jsonl
    from archive.query.filters import FilterError

    filters = build_filters(options)
    try:
        filters.where()
    except FilterError as error:
        raise CouldNotRun(str(error)) from None
    writer = write_jsonl if fmt == "jsonl" else write_csv
    with open_readonly(db) as archive:
        written = writer(export_rows(archive, filters), sys.stdout)
    click.echo(f"{written} article(s) exported", err=True)
