"""The `tinbai` command: crawl portals into an archive, extract one saved page, search the archive."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import click

DEFAULT_DB = "tinbai.db"


class CouldNotRun(click.ClickException):
    """Exit code 2: nothing was done (bad arguments, unreadable archive or replay set)."""

    exit_code = 2


def _print_rows(rows: list[dict[str, Any]], fmt: str) -> None:
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


@cli.command()
@click.argument("sites", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every known portal.")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--replay", type=click.Path(file_okay=False), help="Read pages only from this replay set.")
@click.option("--record", type=click.Path(file_okay=False), help="Save every fetched page into this directory.")
@click.option("--start", multiple=True, help="Start from this URL instead of the portal's home (repeatable).")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy setting.")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
def crawl(
    sites: tuple[str, ...], all_sites: bool, db: str, replay: str | None, record: str | None,
    start: tuple[str, ...], overrides: tuple[str, ...], verbose: bool,
) -> None:
    """Crawl portals into the archive, then print what the run did.

    Exit code 0 when clean, 1 when the run finished with errors, 2 when it could not run.

    Example: tinbai crawl nghean --replay fixtures/nghean --db nghean.db
    """
    from crawler import sites as registry

    if all_sites:
        sites = tuple(registry.PROFILES)
    if not sites:
        raise CouldNotRun(f"name a site to crawl or use --all; known: {', '.join(sorted(registry.PROFILES))}")
    try:
        profiles = [registry.get(key) for key in sites]
    except registry.UnknownSite as error:
        raise CouldNotRun(str(error.args[0])) from None
    if replay:
        from crawler.replay import ManifestError, load_manifest

        try:
            load_manifest(replay)
        except ManifestError as error:
            raise CouldNotRun(str(error)) from None
    _check_archive(db)

    settings = _settings(db=db, replay=replay, record=record, overrides=overrides, verbose=verbose)
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings)
    for profile in profiles:
        process.crawl(profile.key, start=list(start) or None)
    process.start()

    summaries = _last_runs(db, [p.key for p in profiles])
    click.echo(json.dumps(summaries, ensure_ascii=False, indent=2))
    if any(summary["status"] != "ok" for summary in summaries):
        sys.exit(1)


def _check_archive(db: str) -> None:
    from archive import ArchiveError, open_archive

    try:
        open_archive(db).close()
    except ArchiveError as error:
        raise CouldNotRun(str(error)) from None


def _settings(*, db: str, replay: str | None, record: str | None, overrides: tuple[str, ...], verbose: bool) -> Any:
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("TINBAI_DB", str(Path(db).resolve()), priority="cmdline")
    if replay:
        settings.set("TINBAI_REPLAY", str(Path(replay).resolve()), priority="cmdline")
    if record:
        settings.set("TINBAI_RECORD", str(Path(record).resolve()), priority="cmdline")
    if not verbose:
        settings.set("LOG_LEVEL", "ERROR", priority="cmdline")
        settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    for override in overrides:
        name, sep, value = override.partition("=")
        if not sep or not name:
            raise CouldNotRun(f"--set takes NAME=VALUE, not {override!r}")
        settings.set(name, value, priority="cmdline")
    return settings


def _last_runs(db: str, sites: list[str]) -> list[dict[str, Any]]:
    from archive import open_archive

    archive = open_archive(db, readonly=True)
    try:
        summaries = []
        for site in sites:
            row = archive.execute(
                "SELECT id, site, status, pages, new, updated, duplicates, aliases, errors, errors_json"
                " FROM runs WHERE site = ? ORDER BY id DESC LIMIT 1",
                [site],
            ).fetchone()
            if row is None:
                summaries.append({"site": site, "status": "did not run"})
                continue
            keys = ["run", "site", "status", "pages", "new", "updated", "duplicates", "aliases", "errors"]
            summary = dict(zip(keys, row[:9], strict=True))
            summary["errors_by_kind"] = json.loads(row[9] or "{}")
            summaries.append(summary)
        return summaries
    finally:
        archive.close()


@cli.command()
@click.argument("page", type=click.Path(exists=True, dir_okay=False))
@click.option("--url", required=True, help="The URL the page was fetched from.")
@click.option("--content-type", help="The Content-Type header it was served with, if known.")
def extract(page: str, url: str, content_type: str | None) -> None:
    """Extract the article of one saved page and print it as JSON.

    The portal profile is chosen by the URL's host; other sites get the generic path.

    Example: tinbai extract fixtures/nghean/pages/tin/21523.html --url https://nghean.dcs.vn/vi-vn/tin/x/1-8-21523
    """
    from crawler import sites as registry
    from crawler.extract import ArticlePage, NotAnArticle, Page
    from crawler.extract import extract as extract_article

    profile = registry.for_url(url)
    if profile is not None and profile.is_listing(url):
        raise click.ClickException(f"{url} is a category listing of {profile.key}, not an article")
    headers = {"Content-Type": content_type} if content_type else {}
    record = Page(url=url, body=Path(page).read_bytes(), headers=headers)
    try:
        article = extract_article(record, profile.page_class if profile else ArticlePage)
    except NotAnArticle as error:
        raise click.ClickException(f"{page}: no article: {error}") from None
    click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))


@cli.command()
@click.argument("query")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--site", help="Only articles of this portal.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def search(query: str, db: str, site: str | None, limit: int, as_json: bool) -> None:
    """Full-text search; diacritics optional ("dang uy" finds "Đảng ủy").

    Example: tinbai search "dang uy" --db nghean.db --json
    """
    from archive import ArchiveError, SearchError, open_archive
    from archive import search as search_archive

    try:
        archive = open_archive(db, readonly=True)
    except ArchiveError as error:
        raise CouldNotRun(str(error)) from None
    try:
        results = search_archive(archive, query, limit=limit, site=site)
    except SearchError as error:
        raise CouldNotRun(str(error)) from None
    finally:
        archive.close()
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
        return
    for result in results:
        click.echo(f"{result['published'] or '?':<25} {result['title']}\n  {result['url']}\n  {result['snippet']}\n")
    click.echo(f"{len(results)} result(s)")


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of JSON.")
def stats(db: str, as_csv: bool) -> None:
    """Per portal: articles, published date range, last run.

    Example: tinbai stats --db nghean.db
    """
    from archive import ArchiveError, open_archive
    from archive import stats as archive_stats

    try:
        archive = open_archive(db, readonly=True)
    except ArchiveError as error:
        raise CouldNotRun(str(error)) from None
    try:
        _print_rows(archive_stats(archive), "csv" if as_csv else "json")
    finally:
        archive.close()


def main() -> None:
    cli(prog_name="tinbai")


if __name__ == "__main__":
    main()
