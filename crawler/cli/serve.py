"""`tinbai serve`: the archive in the browser (Datasette), read-only."""

from __future__ import annotations

import click

from crawler.cli import DEFAULT_DB, cli
from crawler.cli.query import open_readonly


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
def serve(db: str, host: str, port: int) -> None:
    """Browse and search the archive in Datasette, read-only.

    Facets by portal, category and month; /<archive>/search folds diacritics like
    `tinbai search`; each article's page links to its versions. A crawl may write
    to the same file meanwhile: pages show what it has committed.

    Example: tinbai serve --db nghean.db --port 8001, then open http://127.0.0.1:8001/nghean/search?q=dang+uy
    """
    # The same check as every query: an archive that needs migrating is refused, not upgraded.
    open_readonly(db).close()

    import uvicorn
    from datasette.app import Datasette
    from datasette.plugins import pm

    from archive.query import ui

    if not pm.is_registered(ui):
        pm.register(ui, name="tinbai")
    # Mutable (not --immutable): Datasette opens it with mode=ro, so a running crawl's
    # commits show up; nothing in Datasette or the plugin writes.
    datasette = Datasette(
        [db],
        metadata=ui.metadata(ui.database_name(db)),
        settings={"default_page_size": 50, "sql_time_limit_ms": 3000, "facet_time_limit_ms": 500},
    )
    click.echo(f"serving {db} read-only at http://{host}:{port}/{ui.database_name(db)}", err=True)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")
