"""The `tinbai` command: crawl portals into an archive, extract one saved page, query the archive.

Each group of commands lives in its own module and registers itself on `cli`.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

DEFAULT_DB = "tinbai.db"
# Where a command keeps the archive it opened (click's context meta), to name it in an error.
_ARCHIVE = "tinbai.archive"


class CouldNotRun(click.ClickException):
    """Exit code 2: nothing was done (bad arguments, unreadable archive or replay set). The message
    is kept to one printable line."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        from archive.db import one_line

        super().__init__(one_line(message, 600))


def using_archive(path: str) -> None:
    """Say which archive the running command works on: an error from it then names the file."""
    context = click.get_current_context(silent=True)
    if context is not None:
        context.meta[_ARCHIVE] = path


class Commands(click.Group):
    """The `tinbai` group: whatever goes wrong in a command ends in one line on stderr and an exit
    code from the README's vocabulary (0 clean, 1 finished with errors, 2 could not run), never a
    traceback. The archive's own errors (damaged, locked, unreadable) say which file and what to do;
    anything else is named by its type (TINBAI_DEBUG=1 shows the traceback instead)."""

    def invoke(self, ctx: click.Context) -> Any:
        import sqlite3

        from archive.db import ArchiveError, describe_error

        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except ArchiveError as error:
            raise CouldNotRun(str(error)) from None
        except sqlite3.Error as error:
            raise CouldNotRun(describe_error(ctx.meta.get(_ARCHIVE, "(the archive)"), error)) from None
        except BrokenPipeError:
            # `tinbai export | head`: the reader is gone, which is no fault of the command. What is
            # left in stdout's buffer goes nowhere, instead of failing again at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(0) from None
        except Exception as error:
            if os.environ.get("TINBAI_DEBUG"):
                raise
            where = ctx.meta.get(_ARCHIVE)
            about = f" (archive {where}: damaged? `tinbai check --db {where}`)" if where else ""
            raise CouldNotRun(f"{type(error).__name__}: {error}{about}") from None


@click.group(cls=Commands)
@click.version_option(package_name="tinbai")
def cli() -> None:
    """tinbai: archive the news of Vietnam's provincial Party committee portals."""


def main() -> None:
    cli(prog_name="tinbai")


# Registration: importing a module adds its commands to `cli`.
from crawler.cli import crawl, export, extract, maintenance, merge, query, reextract, runs, serve, show, sites  # noqa: E402,F401

if __name__ == "__main__":
    main()
