"""How the query commands print: text for a person by default, --json or --csv for a script, the same
field names in both. (The archive and tabulate are imported when used: `tinbai --help` stays quick.)

Data flow: search, show, stats and runs read the archive (archive/query/, archive/runs.py) into
rows (dicts), then hand them here with a function that writes them for a person. JSON keeps each
row as it is; CSV flattens what a cell cannot hold: errors by kind as errors_by_kind_text() writes
them everywhere ("http_404: 1, http_500: 2"), a list as its items one per line.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

import click

HUMAN, JSON, CSV = "human", "json", "csv"


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--json and --csv, into the command's `fmt` argument ("human" without either)."""
    command = click.option("--csv", "fmt", flag_value=CSV, help="CSV: a header row, then a row per record.")(command)
    command = click.option("--json", "fmt", flag_value=JSON, help="JSON: the records, the same field names as --csv.")(
        command
    )
    return click.option("--human", "fmt", flag_value=HUMAN, default=True, hidden=True)(command)


def cell(value: Any) -> Any:
    """A value as one CSV cell: a dict of counts (errors by kind) as one line, a list one item a line."""
    from archive.runs import errors_by_kind_text

    if isinstance(value, dict):
        return errors_by_kind_text(value)
    if isinstance(value, list | tuple):
        return "\n".join(str(cell(item)) for item in value)
    return value


def emit(rows: list[dict[str, Any]], fmt: str, human: Callable[[list[dict[str, Any]]], str],
         columns: Iterable[str] | None = None) -> None:
    """Print `rows` as `fmt` asks: human(rows) for a person, or JSON, or CSV (with `columns`, or the
    first row's keys, as the header: an empty result still says what its fields would be)."""
    if fmt == JSON:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == CSV:
        fields = list(columns) if columns is not None else list(rows[0]) if rows else []
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: cell(row.get(key)) for key in fields})
    else:
        text = human(rows)
        if text:
            click.echo(text)


def table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> str:
    """Rows as an aligned table for a terminal; `columns` are (key, header) pairs. Missing values
    print as nothing, errors by kind as errors_by_kind_text()."""
    from tabulate import tabulate

    return tabulate(
        [[_plain(row.get(key)) for key, _ in columns] for row in rows],
        headers=[header for _, header in columns], tablefmt="simple", disable_numparse=True,
    )


def _plain(value: Any) -> str:
    from archive.runs import errors_by_kind_text

    if value is None:
        return ""
    if isinstance(value, dict):
        return errors_by_kind_text(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
