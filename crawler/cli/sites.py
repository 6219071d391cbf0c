"""`tinbai sites`: the portals an archive knows (the built-in ones and those added), and adding or
removing one. `tinbai crawl --all` crawls every portal listed here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from crawler.cli import DEFAULT_DB, CouldNotRun, cli
from crawler.cli.output import HUMAN, emit, output_options, table


def known_portals(db: str) -> dict[str, dict[str, Any]]:
    """Every portal the archive at `db` knows, by key, built-in ones first: key, name, home, origin
    ("built-in" or "added"), removed (when it was), cms (the family its pages showed)."""
    from crawler import sites as registry

    rows: dict[str, dict[str, Any]] = {}
    if Path(db).is_file():
        from archive.sites import site_rows
        from crawler.cli.query import open_readonly

        with open_readonly(db) as archive:
            rows = site_rows(archive)
    portals: dict[str, dict[str, Any]] = {}
    for portal in registry.BUILT_IN:
        row = rows.get(portal.key, {})
        portals[portal.key] = {"key": portal.key, "name": row.get("name") or portal.name, "home": portal.home,
                               "origin": "built-in", "removed": row.get("removed"), "cms": row.get("cms")}
    for key, row in rows.items():
        if key not in portals:
            portals[key] = {"key": key, "name": row["name"], "home": row["home"], "origin": "added",
                            "removed": row["removed"], "cms": row["cms"]}
    return portals


# The columns of the table for a person; --json and --csv have every field, with the same names.
SITES_COLUMNS = [
    ("key", "portal"), ("name", "name"), ("home", "home page"), ("cms", "CMS"), ("extraction", "extraction"),
    ("origin", "origin"), ("articles", "articles"), ("last_run", "last run (UTC)"), ("last_run_status", "status"),
]


@cli.group(invoke_without_command=True)
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@output_options
# The table is the default; --table stays for the scripts and habits of before.
@click.option("--table", "fmt", flag_value=HUMAN, hidden=True)
@click.pass_context
def sites(context: click.Context, db: str, fmt: str) -> None:
    """The portals the archive knows: built-in ones (a start, not every province) and those added
    with `tinbai sites add` or crawled by their URL. For each: key, name, home page, CMS family
    (as recognised from its pages by a crawl), what extracts its articles (its hand-written
    profile; else the template a crawl learned of its pages, "template v3", with its version,
    layouts and when it was learned; else the generic path), articles archived, last run and its
    status. A table by default; --json and --csv have the same fields, with the same names.

    Example: tinbai sites --db tinbai.db
    """
    if context.invoked_subcommand is not None:
        context.obj = db
        return
    from crawler import sites as registry

    summaries: dict[str, dict[str, Any]] = {}
    templates: dict[str, dict[str, Any]] = {}
    if Path(db).is_file():
        from archive.sites import portal_summaries
        from archive.templates import template_summaries
        from crawler.cli.query import open_readonly

        with open_readonly(db) as archive:
            summaries = portal_summaries(archive)
            templates = template_summaries(archive)
    rows = []
    for key, portal in known_portals(db).items():
        if portal["removed"]:
            continue
        summary = summaries.get(key, {})
        template = templates.get(key, {})
        serves = key not in registry.PROFILES and template.get("layouts", 0) > 0
        rows.append({
            "key": key, "name": portal["name"], "home": portal["home"], "cms": portal["cms"],
            # A hand-written profile first, a learned template second (crawler/extract/template.py)
            "extraction": "profile" if key in registry.PROFILES else f"template v{template['version']}" if serves
            else "generic",
            "template_version": template.get("version"), "template_layouts": template.get("layouts"),
            "template_learned": template.get("learned"),
            "origin": portal["origin"], "articles": summary.get("articles", 0),
            "last_run": summary.get("last_run"), "last_run_status": summary.get("last_run_status"),
        })

    def text(rows: list[dict[str, Any]]) -> str:
        shown = [{**row, "last_run": (row["last_run"] or "")[:16].replace("T", " ")} for row in rows]
        return table(shown, SITES_COLUMNS) if rows else "no portal in the list"

    emit(rows, fmt, text)


@sites.command("add")
@click.argument("url")
@click.option("--name", help="What the portal is called (its heading: Tỉnh ủy Thanh Hóa).")
@click.option("--db", help="Archive file (SQLite); default: the one given to tinbai sites, else tinbai.db.")
@click.pass_context
def add(context: click.Context, url: str, name: str | None, db: str | None) -> None:
    """Add a portal by its home page URL; `tinbai crawl --all` crawls it from then on. Its key is
    the host without "www." (a profiled portal keeps its profile's key).

    Example: tinbai sites add https://thanhhoa.dcs.vn/ --name "Tỉnh ủy Thanh Hóa"
    """
    from crawler import sites as registry

    if not registry.is_url(url):
        raise CouldNotRun(f"give the portal's home page URL (https://...), not {url!r}")
    key = registry.site_key(url)
    if not key:
        raise CouldNotRun(f"not a portal's address: {url!r}")
    # A profiled portal is crawled from its profile's home page, whichever of its URLs was given.
    home = registry.PROFILES[key].home if key in registry.PROFILES else url
    with _writable(db or context.obj or DEFAULT_DB) as archive:
        from archive.sites import add_site

        add_site(archive, key, home, name)
    click.echo(key)


@sites.command("remove")
@click.argument("key")
@click.option("--db", help="Archive file (SQLite); default: the one given to tinbai sites, else tinbai.db.")
@click.pass_context
def remove(context: click.Context, key: str, db: str | None) -> None:
    """Leave a portal out of the list and of `tinbai crawl --all`; what was archived of it stays.
    A built-in portal removed is listed again after `tinbai sites add` of its URL.

    Example: tinbai sites remove thanhhoa.dcs.vn
    """
    path = db or context.obj or DEFAULT_DB
    portals = known_portals(path)
    portal = portals.get(key)
    if portal is None or portal["removed"]:
        listed = ", ".join(name for name, each in portals.items() if not each["removed"])
        raise CouldNotRun(f"no portal {key!r} in the list; known: {listed}")
    with _writable(path) as archive:
        from archive.sites import remove_site

        remove_site(archive, key, portal["home"])
    click.echo(key)


def _writable(db: str) -> Any:
    from archive import ArchiveError, open_archive

    try:
        return open_archive(db)
    except ArchiveError as error:
        raise CouldNotRun(str(error)) from None
