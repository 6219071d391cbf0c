"""Reading the archive: `tinbai search`, `tinbai stats`. The archive opens read-only; text for a person,
--json or --csv for a script (crawler/cli/output.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from crawler.cli import DEFAULT_DB, CouldNotRun, cli, using_archive
from crawler.cli.output import CSV, HUMAN, emit, output_options, table

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
        click.option("--removed", is_flag=True, help="Only articles gone from their portal (taken down)."),
        click.option("--reposts", "only_near_duplicates", is_flag=True,
                     help="Only re-posts of an earlier article (every article otherwise, re-posts included)."),
        # Re-posts are never left out any more; the option stays for the scripts that pass it.
        click.option("--include-near-duplicates", "include_near_duplicates", is_flag=True, hidden=True),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def build_filters(options: dict[str, Any]) -> Filters:
    from archive.query.filters import Filters

    options.pop("include_near_duplicates", None)
    return Filters(**{key: options.pop(key) for key in (
        "site", "category", "author", "since", "until", "only_near_duplicates", "removed",
    )})


def open_readonly(db: str, *, any_version: bool = False) -> Database:
    """The archive opened for reading only: on read-only storage, in a file this user cannot
    write, while a crawl writes it (archive/db.py, readonly_uri). `any_version`: also an archive
    an older tinbai made, not upgraded yet."""
    from archive import ArchiveError, open_archive

    using_archive(db)
    try:
        return open_archive(db, readonly=True, any_version=any_version)
    except ArchiveError as error:
        raise CouldNotRun(str(error)) from None


# What search prints for each result, in --json and --csv alike: `similar` are the re-posts folded
# under it (in CSV their ids, one a line).
SEARCH_FIELDS = ("id", "url", "title", "published", "site", "category", "author", "removed", "near_duplicate_of",
                 "snippet", "position", "similar")


@cli.command()
@click.argument("query")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@filter_options
@click.option("--exact", is_flag=True, help='Diacritics must match too ("Đảng" finds neither "đăng" nor "dang").')
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="Results shown.")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0), help="Results skipped: the next page.")
@click.option("--newest", is_flag=True, help="Newest first (as archived) instead of best match first.")
@click.option("--no-fold", "no_fold", is_flag=True,
              help="List each re-post on its own line instead of under its original.")
@output_options
def search(query: str, db: str, exact: bool, limit: int, offset: int, newest: bool, no_fold: bool, fmt: str,
           **options: Any) -> None:
    """Full-text search; diacritics optional ("dang uy" finds "Đảng ủy").

    Says how many articles match and which of them it shows. Articles with the words together
    come first, then with the words near each other, then the rest; --offset pages through every
    match. Every match is listed: a re-post whose original is on the same page is shown under it
    ("+ 1 similar article"), an article gone from its portal is marked removed. --json and --csv
    print the results with the same fields (the count goes to standard error); a malformed query
    exits 2 with the reason.

    Example: tinbai search "dang uy" --db nghean.db --since 2026-01 --limit 5 --offset 5
    """
    from archive import SearchError
    from archive.query.search import search_page

    filters = build_filters(options)
    if not query.strip():
        raise CouldNotRun(f"nothing to search for in {query!r}: give at least one word")
    with open_readonly(db) as archive:
        try:
            page = search_page(archive, query, offset=offset, limit=limit, filters=filters, exact=exact,
                               order="newest" if newest else "relevance", fold=not no_fold)
        except SearchError as error:
            raise CouldNotRun(str(error)) from None
    if fmt != HUMAN:
        click.echo(_found(page), err=True)
    rows = page.results
    if fmt == CSV:
        # A cell holds the folded re-posts' ids, one a line (--json has their URLs and titles).
        rows = [{**result, "similar": [other["id"] for other in result["similar"]]} for result in rows]
    emit(rows, fmt, lambda _: _search_text(page), SEARCH_FIELDS)


def _found(page: Any) -> str:
    """"12 articles match "dang uy"; showing 4-6 (--offset 6 for more)"."""
    said = f'{page.total:,} article{"" if page.total == 1 else "s"} match "{page.query}"'
    if not page.results:
        return said + ("" if not page.total else f"; none from --offset {page.offset}")
    shown = f"; showing {page.offset + 1:,}-{page.offset + page.shown:,}"
    more = f" (--offset {page.offset + page.shown} for more)" if page.has_next else ""
    return said + shown + more


def _search_text(page: Any) -> str:
    from archive.query.display import vietnamese_date

    lines = [_found(page), ""]
    for result in page.results:
        number = page.offset + result["position"]
        about = [vietnamese_date(result["published"]) or "no date", result["site"], result["category"],
                 result["author"]]
        lines += [
            f"{number:>3}. {result['title']}",
            f"     {' · '.join(value for value in about if value)} · id {result['id']}",
            f"     {result['url']}",
        ]
        if result["removed"]:
            lines.append(f"     REMOVED: taken down by the portal (found gone {result['removed']})")
        if result["near_duplicate_of"]:
            lines.append(f"     a re-post of article {result['near_duplicate_of']}")
        lines.append(f"     {result['snippet']}")
        similar = result["similar"]
        if similar:
            lines.append(f"     + {len(similar)} similar article{'s' if len(similar) > 1 else ''} "
                         f"(re-post{'s' if len(similar) > 1 else ''} of this one, matching too):")
            lines += [f"       id {other['id']} · {other['site']} · {other['url']}"
                      + (" · removed" if other["removed"] else "") for other in similar]
        lines.append("")
    return "\n".join(lines).rstrip()


# The per-portal figures, by name: every format has them all (tables show the main ones).
STATS_COLUMNS = [
    ("site", "portal"), ("articles", "articles"), ("near_duplicates", "re-posts"), ("removed", "removed"),
    ("removals", "takedowns"), ("returns", "returns"), ("versions", "versions"),
    ("first_published", "first published"), ("last_published", "last published"), ("last_run", "last run (UTC)"),
    ("last_run_status", "status"), ("last_run_errors_by_kind", "errors by kind"),
]


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@output_options
def stats(db: str, fmt: str) -> None:
    """Per portal: articles, re-posts, versions, published date range, last run and its errors by kind.

    A table by default; --json and --csv have every figure, with the same field names.

    Example: tinbai stats --db nghean.db
    """
    from archive import stats as archive_stats
    from archive.query.display import vietnamese_date

    with open_readonly(db) as archive:
        rows = archive_stats(archive)

    def text(rows: list[dict[str, Any]]) -> str:
        shown = [{**row, "first_published": vietnamese_date(row["first_published"]),
                  "last_published": vietnamese_date(row["last_published"]),
                  "last_run": (row["last_run"] or "")[:16].replace("T", " ")} for row in rows]
        return table(shown, STATS_COLUMNS) if rows else "no portal in this archive yet"

    emit(rows, fmt, text)
