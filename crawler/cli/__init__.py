"""The `tinbai` command: crawl portals into an archive, extract one saved page, query the archive.

Each group of commands lives in its own module and registers itself on `cli`.
"""

from __future__ import annotations

import click

DEFAULT_DB = "tinbai.db"


class CouldNotRun(click.ClickException):
    """Exit code 2: nothing was done (bad arguments, unreadable archive or replay set)."""

    exit_code = 2


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
