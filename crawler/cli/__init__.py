"""The `tinbai` command: crawl portals into an archive, extract one saved page, query the archive.

Each group of commands lives in its own module and registers itself on `cli`.
"""

from __future__ import annotations

import csv
import json
import sys
from typing import Any

import click

DEFAULT_DB = "tinbai.db"


class CouldNotRun(click.ClickException):
    """Exit code 2: nothing was done (bad arguments, unreadable archive or replay set)."""

    exit_code = 2


def print_rows(rows: list[dict[str, Any]], fmt: str) -> None:
    """JSON by default: the printer of commands not yet moved to crawler/cli/output.py's emit(),
    which prints text for a person by default and --json/--csv with the same field names."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows(rows)
    else:
        for row in rows:
            click.echo("  ".join(f"{key}={value}" for key, value in row.items()))


@click.group()
@click.version_option(package_name="tinbai")
def cli() -> None:
    """tinbai: archive the news of Vietnam's provincial Party committee portals."""


def main() -> None:
    cli(prog_name="tinbai")


# Registration: importing a module adds its commands to `cli`.
from crawler.cli import crawl, export, extract, query, reextract, runs, serve, show, sites  # noqa: E402,F401

if __name__ == "__main__":
    main()
