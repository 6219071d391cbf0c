"""`tinbai export`: the selected articles as JSON lines or CSV, streamed; or their stored pages as a
WARC or a WACZ (archive/query/webarchive.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from crawler.cli import DEFAULT_DB, CouldNotRun, cli
from crawler.cli.query import build_filters, filter_options, open_readonly
from crawler.progress import Progress, for_terminal


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "warc", "wacz"]), default="jsonl",
              show_default=True, help="Articles (jsonl, csv), or their stored pages for web archives (warc, wacz).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here (required for warc and wacz).")
@filter_options
def export(db: str, fmt: str, output: str | None, **options: Any) -> None:
    """Write every selected article (one JSON object a line, or CSV rows) to standard output or -o FILE.

    Rows stream from the archive as they are written: memory stays flat however large it is.
    Every selected article is written, re-posts included (`near_duplicate_of` names the article
    each re-posts); `removed` says when an article was first seen gone from its portal (or null).
    On a terminal, standard error shows how many are written so far; elsewhere nothing is said there.

    --format warc writes the stored page of every version of the selected articles as WARC 1.1
    response records (its URL, fetch time, status, stored headers and body); --format wacz packages
    that WARC as a WACZ 1.1.1 (with its CDXJ index, pages.jsonl and datapackage.json), which
    ReplayWeb.page and pywb open.

    Example: tinbai export --db nghean.db --format csv --site nghean --since 2026 > nghean-2026.csv

    Example: tinbai export --db nghean.db --format wacz --site nghean -o nghean.wacz
    """
    from archive.query.filters import FilterError

    options.pop("include_near_duplicates", None)
    filters = build_filters(options)
    try:
        filters.where()
    except FilterError as error:
        raise CouldNotRun(str(error)) from None
    if fmt in ("warc", "wacz"):
        if output is None:
            raise CouldNotRun(f"--format {fmt} writes a file: name it with -o FILE")
        _export_pages(db, fmt, Path(output), filters)
        return
    from archive.query.export import export_rows, write_csv, write_jsonl

    writer = write_jsonl if fmt == "jsonl" else write_csv
    progress = for_terminal("articles")
    with open_readonly(db) as archive:
        rows = export_rows(archive, filters)
        counted = rows if progress is None else _counted(rows, progress)
        try:
            if output is None:
                written = writer(counted, sys.stdout)
            else:
                try:
                    with open(output, "w", encoding="utf-8", newline="") as out:
                        written = writer(counted, out)
                except OSError as error:
                    raise CouldNotRun(f"cannot write {output}: {error.strerror or error}") from None
            if progress is not None:
                progress.update("export", articles=written)
        finally:
            if progress is not None:
                progress.close()


def _counted(rows: Iterator[dict[str, Any]], progress: Progress) -> Iterator[dict[str, Any]]:
    for count, row in enumerate(rows, start=1):
        progress.update("export", articles=count)
        yield row


def _export_pages(db: str, fmt: str, output: Path, filters: Any) -> None:
    import os
    import tempfile

    from archive.query.webarchive import stored_pages, write_wacz, write_warc

    if not output.parent.is_dir():
        raise CouldNotRun(f"cannot write {output}: no directory {output.parent}")
    description = f"The stored pages of the tinbai archive {Path(db).name}" + (
        f" ({', '.join(f'{k}={v}' for k, v in vars(filters).items() if v)})" if any(vars(filters).values()) else ""
    )
    with open_readonly(db) as archive:
        pages = stored_pages(archive, filters)
        try:
            if fmt == "wacz":
                written = write_wacz(pages, output, title=f"tinbai: {Path(db).stem}", description=description)
            else:
                # Written beside the target and renamed: a failed export leaves no half WARC under its name.
                fd, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
                try:
                    with os.fdopen(fd, "wb") as out:
                        written = write_warc(pages, out, filename=output.name, description=description)
                    os.replace(partial, output)
                finally:
                    if os.path.exists(partial):
                        os.unlink(partial)
        except OSError as error:
            raise CouldNotRun(f"cannot write {output}: {error.strerror or error}") from None
    articles = len({page.article_id for page in written})
    click.echo(f"{len(written)} stored page(s) of {articles} article(s) exported to {output}", err=True)
