"""`tinbai crawl`: run the portal spiders (live, or replayed from saved pages) into the archive."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from crawler.cli import DEFAULT_DB, CouldNotRun, cli


@cli.command()
@click.argument("sites", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every known portal.")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--replay", type=click.Path(),
              help="Read pages only from here: a replay set (manifest directory), a WARC, a WARC directory, a WACZ.")
@click.option("--record", type=click.Path(file_okay=False), help="Save every fetched page into this directory.")
@click.option("--warc", type=click.Path(file_okay=False),
              help="Also write every response, as received, into WARC files in this directory.")
@click.option("--warc-max-size", default="1G", show_default=True, metavar="SIZE",
              help="Close a WARC file and begin the next at this size (bytes, or with K, M, G).")
@click.option("--start", multiple=True, help="Start from this URL instead of the portal's home (repeatable).")
@click.option("--full", is_flag=True, help="Fetch every listing page and every known article, whatever the schedule.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy setting.")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
def crawl(
    sites: tuple[str, ...], all_sites: bool, db: str, replay: str | None, record: str | None, warc: str | None,
    warc_max_size: str, start: tuple[str, ...], full: bool, overrides: tuple[str, ...], verbose: bool,
) -> None:
    """Crawl portals into the archive, then print what the run did.

    Incremental: listings are read until a page whose articles are all archived, known articles
    are fetched again (conditionally) only when their portal's refresh schedule says so. One run
    at a time per archive: a second one exits at once; a lock left by a killed run is taken over.

    Exit code 0 when clean, 1 when the run finished with errors or was interrupted, 2 when it
    could not run (unknown site, bad replay set, archive locked, corrupt or unwritable).

    --warc DIR writes every response the crawl receives (robots.txt, redirects and error pages
    too) as WARC 1.1, the bytes as received; --replay reads a WARC, a directory of them or a WACZ
    as well as a replay set.

    Example: tinbai crawl nghean --replay fixtures/nghean --db nghean.db --warc warc/
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
        from crawler.fetch.replay import ManifestError, check_replay_source

        try:
            check_replay_source(replay)
        except ManifestError as error:
            raise CouldNotRun(str(error)) from None
    max_size = _size(warc_max_size)
    if warc:
        _check_warc_directory(warc)
    for url in start:
        if not all(profile.owns(url) for profile in profiles):
            raise CouldNotRun(f"--start {url} is not on {', '.join(p.key for p in profiles)}'s hosts")
    before = _check_archive(db)

    settings = _settings(db=db, replay=replay, record=record, overrides=overrides, verbose=verbose)
    if warc:
        settings.set("TINBAI_WARC", str(Path(warc).resolve()), priority="cmdline")
        settings.set("TINBAI_WARC_MAX_SIZE", max_size, priority="cmdline")
    if full:
        settings.set("TINBAI_FULL", True, priority="cmdline")
    from scrapy.crawler import CrawlerProcess

    from archive import ArchiveError, RunLock

    lock = RunLock(db)
    try:
        lock.acquire()
    except ArchiveError as error:
        raise CouldNotRun(str(error)) from None
    try:
        if lock.taken_over:
            click.echo(f"took over the lock of a dead run (pid {lock.taken_over['pid']}, "
                       f"{lock.taken_over['reason']})", err=True)
        process = CrawlerProcess(settings)
        # Scrapy sets its logger to DEBUG whatever LOG_LEVEL says (the level is applied by the
        # handler): every response and item then made a log record that nothing printed.
        logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL"))
        from crawler.fetch.spider import PortalSpider

        for profile in profiles:
            process.crawl(PortalSpider, profile=profile, start=list(start) or None)
        process.start()
    finally:
        lock.release()

    summaries = _runs_since(db, before, [p.key for p in profiles])
    click.echo(json.dumps(summaries, ensure_ascii=False, indent=2))
    if all(summary["status"] == "did not run" for summary in summaries):
        sys.exit(2)
    if any(summary["status"] != "ok" for summary in summaries):
        sys.exit(1)


_UNITS = {"": 1, "B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def _size(text: str) -> int:
    """ "1G" -> 1073741824; bytes, or a number with K, M, G or T (powers of 1,024)."""
    value = text.strip().upper().removesuffix("IB").removesuffix("B")
    number, unit = (value[:-1], value[-1]) if value and value[-1] in _UNITS else (value, "")
    try:
        size = int(float(number) * _UNITS[unit])
    except ValueError:
        raise CouldNotRun(f"--warc-max-size takes a size such as 1G, 500M or 1048576, not {text!r}") from None
    if size < 1 << 10:
        raise CouldNotRun(f"--warc-max-size {text} is too small: a WARC file holds at least 1K")
    return size


def _check_warc_directory(directory: str) -> None:
    """Make the WARC directory, and try writing in it, before the crawl starts."""
    import tempfile

    path = Path(directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise CouldNotRun(f"cannot write WARC files in {directory}: {error.strerror or error}") from None


def _check_archive(db: str) -> int:
    """Open (create, migrate) the archive once, so that a corrupt, locked or unwritable file is one
    clear line before anything starts. Returns the last run id, to tell this run's rows apart."""
    import sqlite3

    from archive import ArchiveError, open_archive
    from archive.db import check_writable
    from archive.runs import last_run_id

    try:
        with open_archive(db) as archive:
            check_writable(archive)
            return last_run_id(archive)
    except ArchiveError as error:
        raise CouldNotRun(str(error)) from None
    except sqlite3.Error as error:
        raise CouldNotRun(f"cannot use archive {db}: {error}") from None


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


def _runs_since(db: str, after: int, sites: list[str]) -> list[dict[str, Any]]:
    """The summary of each site's run started by this command (run ids above `after`)."""
    from archive import open_archive
    from archive.runs import run_summary

    with open_archive(db, readonly=True) as archive:
        return [run_summary(archive, site, after=after) or {"site": site, "status": "did not run"} for site in sites]
