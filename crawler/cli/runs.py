"""`tinbai runs`: what each crawl did (the runs table), and who holds the run lock now."""

from __future__ import annotations

from typing import Any

import click

from crawler.cli import DEFAULT_DB, cli
from crawler.cli.output import HUMAN, emit, output_options, table
from crawler.cli.query import open_readonly

# The figures a table shows; --json and --csv have every field of each run.
RUNS_COLUMNS = [
    ("id", "run"), ("site", "portal"), ("started", "started (UTC)"), ("finished", "finished (UTC)"),
    ("status", "status"), ("pages", "pages"), ("new", "new"), ("updated", "updated"), ("duplicates", "duplicates"),
    ("not_modified", "not modified"), ("removed", "removed"), ("returned", "returned"),
    ("extraction", "read by profile/template/generic"), ("drift", "drift"), ("errors_by_kind", "errors by kind"),
]


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--site", help="Only runs of this portal.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@output_options
# The table is the default; --table stays for the scripts and habits of before.
@click.option("--table", "fmt", flag_value=HUMAN, hidden=True)
def runs(db: str, site: str | None, limit: int, fmt: str) -> None:
    """The latest crawl runs, newest first: start, end, status, pages fetched, new, updated,
    duplicates, not modified (304), errors by kind. Status is ok, errors, running, or interrupted
    (killed or stopped before it finished). Also how many articles each extraction path read (the
    portal's hand-written profile, the template learned of a portal without one, the generic path;
    by_profile, by_template, by_generic) and drift: the portal's pages stopped matching its learned
    template and the run learned it again (template_relearned), or the template read a far smaller
    share of the articles than in the portal's run before (template_share, previous_template_share):
    the portal changed its layout. A table by default; --json
    and --csv have every field of each run, with the same names.

    Example: tinbai runs --db nghean.db --limit 5
    """
    from archive.crawlstate import lock_holder
    from archive.runs import recent_runs

    with open_readonly(db) as archive:
        rows = recent_runs(archive, site=site, limit=limit)
        holder = lock_holder(archive)

    def text(rows: list[dict[str, Any]]) -> str:
        shown = [{**row, "started": _minute(row["started"]), "finished": _minute(row["finished"]),
                  "extraction": f"{row['by_profile']}/{row['by_template']}/{row['by_generic']}",
                  "drift": _drift(row)} for row in rows]
        return table(shown, RUNS_COLUMNS) if rows else "no run yet"

    emit(rows, fmt, text)
    if holder:
        click.echo(f"run lock held by pid {holder['pid']} on {holder['host']} since {holder['started']}"
                   f" (heartbeat {holder['heartbeat']})", err=True)


def _drift(row: dict[str, Any]) -> str:
    """ "template 92% -> 40%" when the learned template's share dropped (archive/runs.py, drift)."""
    if not row["drift"]:
        return ""
    if row["template_relearned"] is not None:
        return f"layout changed: template v{row['template_relearned']} learned"
    return f"template {row['previous_template_share']:.0%} -> {row['template_share']:.0%}"


def _minute(value: str | None) -> str:
    return (value or "")[:16].replace("T", " ")
