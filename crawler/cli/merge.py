"""`tinbai merge`: fold the archives crawled on several machines into one (archive/merge.py)."""

from __future__ import annotations

import json

import click

from crawler.cli import DEFAULT_DB, CouldNotRun, cli


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--db", default=DEFAULT_DB, show_default=True, help="The archive to merge into (made if missing).")
def merge(sources: tuple[str, ...], db: str) -> None:
    """Merge the archives SOURCES (crawled on other machines) into --db.

    Articles are deduplicated across archives by the portal's article id, their URLs and their
    text; re-posts are kept and linked to the article they re-post. An article both archives hold
    gets the versions of both, in the order they were fetched, and the takedowns and returns of both
    in time order (removed now if the merged history ends in a takedown); runs keep the archive they were
    crawled into (their origin). Merging the same source again changes nothing, and a merge that
    was interrupted finishes when run again. The sources are only read. Prints what each source
    brought, as JSON.

    Example: tinbai merge north.db south.db --db national.db
    """
    import sqlite3
    from pathlib import Path

    from archive import ArchiveError, open_archive
    from archive.merge import merge_archive

    target_path = Path(db).resolve()
    for source in sources:
        if not Path(source).is_file():
            raise CouldNotRun(f"archive not found: {source}")
        if Path(source).resolve() == target_path:
            raise CouldNotRun(f"{source} is the archive merged into (--db): name another one")
    try:
        target = open_archive(db)
    except ArchiveError as error:
        raise CouldNotRun(str(error)) from None
    results = []
    with target:
        for source in sources:
            try:
                with open_archive(source, readonly=True) as archive:
                    results.append(merge_archive(target, archive, source_path=source).as_dict())
            except (ArchiveError, ValueError) as error:
                raise CouldNotRun(str(error)) from None
            except sqlite3.DatabaseError as error:
                raise CouldNotRun(f"cannot merge {source}: {error}") from None
    click.echo(json.dumps(results, ensure_ascii=False, indent=2))
