"""`tinbai crawl`: run the portal spiders (live, or replayed from saved pages) into the archive."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crawler.cli import DEFAULT_DB, CouldNotRun, cli, using_archive

if TYPE_CHECKING:
    from crawler.progress import Progress


@cli.command()
@click.argument("sites", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every portal the archive knows (tinbai sites).")
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

    SITES are portal keys ("nghean", "thanhhoa.dcs.vn": see tinbai sites) or home page URLs. A URL
    names any portal, profiled or not: one without a profile is crawled by learning its URL shapes
    from its pages, under its host without "www." as key, and joins the archive's list of portals.
    Several portals are crawled side by side, each host politely (one request at a time, the delay).

    Incremental: listings are read until a page whose articles are all archived, known articles
    are fetched again (conditionally) only when their portal's refresh schedule says so. One run
    at a time per archive: a second one exits at once; a lock left by a killed run is taken over.

    Exit code 0 when clean, 1 when the run finished with errors or was interrupted, 2 when it
    could not run (unknown site, bad replay set, archive locked, corrupt or unwritable).

    --warc DIR writes every response the crawl receives (robots.txt, redirects and error pages
    too) as WARC 1.1, the bytes as received; --replay reads a WARC, a directory of them or a WACZ
    as well as a replay set.

    Example: tinbai crawl nghean https://thanhhoa.dcs.vn/ --replay fixtures/nghean --db nghean.db --warc warc/
    """
    from crawler import sites as registry
    from crawler.cli.sites import known_portals

    using_archive(db)
    if not sites and not all_sites:
        raise CouldNotRun("name a site to crawl (a key or a home page URL) or use --all; see tinbai sites")
    if replay:
        from crawler.fetch.replay import ManifestError, check_replay_source

        try:
            check_replay_source(replay)
        except ManifestError as error:
            raise CouldNotRun(str(error)) from None
    max_size = _size(warc_max_size)
    if warc:
        _check_warc_directory(warc)
    before = _check_archive(db)
    portals = known_portals(db)
    chosen = [key for key, portal in portals.items() if not portal["removed"]] if all_sites else []
    profiles: dict[str, Any] = {key: _profile(portals[key]) for key in chosen}
    new_portals: list[tuple[str, str]] = []
    for name in sites:
        if registry.is_url(name):
            key = registry.site_key(name)
            if not key:
                raise CouldNotRun(f"not a portal's address: {name!r}")
            if key not in portals or portals[key]["removed"]:
                new_portals.append((key, name))
            known = portals.get(key)
            profiles[key] = registry.profile_for(key, name, known["name"] if known else None)
        elif name in portals:
            profiles[name] = _profile(portals[name])
        else:
            raise CouldNotRun(f"unknown site {name!r}; known: {', '.join(sorted(portals))} (or give its home page URL)")
    if not profiles:
        raise CouldNotRun("no portal to crawl: every portal was removed (tinbai sites add URL)")
    for url in start:
        if not all(profile.owns(url) for profile in profiles.values()):
            raise CouldNotRun(f"--start {url} is not on {', '.join(profiles)}'s hosts")

    settings = _settings(db=db, replay=replay, record=record, overrides=overrides, verbose=verbose)
    if warc:
        settings.set("TINBAI_WARC", str(Path(warc).resolve()), priority="cmdline")
        settings.set("TINBAI_WARC_MAX_SIZE", max_size, priority="cmdline")
    if full:
        settings.set("TINBAI_FULL", True, priority="cmdline")
    progress = _progress(settings, verbose)
    from archive import ArchiveError, RunLock, open_archive
    from archive.sites import add_site
    from crawler.fetch.pipeline import PortalsProcess, could_not_run, keep_failure

    lock = RunLock(db)
    try:
        lock.acquire()
    except ArchiveError as error:
        raise CouldNotRun(str(error)) from None
    try:
        if lock.taken_over:
            click.echo(f"took over the lock of a dead run (pid {lock.taken_over['pid']}, "
                       f"{lock.taken_over['reason']})", err=True)
        if new_portals:
            with open_archive(db) as archive:
                for key, home in new_portals:
                    add_site(archive, key, home)
        process = PortalsProcess(settings)
        # Scrapy sets its logger to DEBUG whatever LOG_LEVEL says (the level is applied by the
        # handler): every response and item then made a log record that nothing printed.
        logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL"))
        from crawler.fetch.discover import DiscoveringSpider
        from crawler.fetch.spider import PortalSpider

        # One crawler per portal, all in this process: each host has its own download slot (one
        # request at a time, its delay, AutoThrottle, robots.txt), and one archive writer takes
        # every portal's items (crawler/fetch/pipeline.py).
        runs: list[tuple[str, Any, list[BaseException]]] = []
        for key, profile in profiles.items():
            crawler = process.create_crawler(DiscoveringSpider if profile.discovers else PortalSpider)
            failed: list[BaseException] = []
            # A crawl that cannot start (a bad -s value, an archive it cannot read) fails its
            # deferred: kept here and said in one line, instead of Twisted's "Unhandled error".
            keep_failure(process.crawl(crawler, profile=profile, start=list(start) or None), failed)
            runs.append((key, crawler, failed))
        process.start()
    finally:
        lock.release()

    problems = [why for key, crawler, failed in runs
                if (why := could_not_run(crawler, db, failed[0] if failed else None, site=key))]
    if problems:
        raise CouldNotRun("; ".join(dict.fromkeys(problems)))
    summaries = _runs_since(db, before, list(profiles))
    if progress is not None:
        _final_progress(progress, summaries)
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


def _profile(portal: dict[str, Any]) -> Any:
    from crawler import sites as registry

    return registry.profile_for(portal["key"], portal["home"], portal["name"])


def _progress(settings: Any, verbose: bool) -> Progress | None:
    """A progress line on standard error when it is a terminal (and Scrapy's log is not on it)."""
    from crawler.progress import for_terminal

    progress = None if verbose else for_terminal("pages")
    if progress is not None:
        settings.set("TINBAI_PROGRESS", progress, priority="cmdline")
    return progress


def _final_progress(progress: Progress, summaries: list[dict[str, Any]]) -> None:
    """The line's last state: each run's own figures, as its row in `runs` has them."""
    for summary in summaries:
        if summary["status"] != "did not run":
            progress.update(summary["site"], pages=summary["pages"], new=summary["new"], errors=summary["errors"])
    progress.close()


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
