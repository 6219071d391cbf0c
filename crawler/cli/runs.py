"""`tinbai runs`: what each crawl did (the runs table), and who holds the run lock now."""

from __future__ import annotations

import click

from crawler.cli import DEFAULT_DB, cli, print_rows
from crawler.cli.query import open_readonly


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--site", help="Only runs of this portal.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--csv", "fmt", flag_value="csv", help="CSV instead of JSON.")
@click.option("--table", "fmt", flag_value="table", help="One line per run.")
def runs(db: str, site: str | None, limit: int, fmt: str | None) -> None:
    """The latest crawl runs, newest first: start, end, status, pages fetched, new, updated,
    duplicates, not modified (304), errors by kind. Status is ok, errors, running, or interrupted
    (killed or stopped before it finished).

    Example: tinbai runs --db nghean.db --limit 5 --table
    """
    from archive.crawlstate import lock_holder
    from archive.runs import recent_runs

    with open_readonly(db) as archive:
        rows = recent_runs(archive, site=site, limit=limit)
        holder = lock_holder(archive)
    if fmt == "csv":
        for row in rows:
            row["errors_by_kind"] = ";".join(f"{kind}={n}" for kind, n in row["errors_by_kind"].items())
    print_rows(rows, fmt or "json")
    if holder and fmt != "csv":
        click.echo(f"run lock held by pid {holder['pid']} on {holder['host']} since {holder['started']}"
                   f" (heartbeat {holder['heartbeat']})", err=True)
