"""`tinbai serve`: the archive in the browser (Datasette), read-only."""

from __future__ import annotations

import signal
import socket
import sys

import click

from crawler.cli import DEFAULT_DB, CouldNotRun, cli
from crawler.cli.query import open_readonly


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
def serve(db: str, host: str, port: int) -> None:
    """Read the archive in the browser (Datasette), read-only.

    /<archive>/search: search without diacritics ("dang uy" finds "Đảng ủy"), filters, every page
    of results, an Atom feed of the search. An article's page reads as the article, with every
    URL it was seen under, its versions (a word diff of any two) and its re-posts.
    /<archive>/portal/<site>: articles per month, runs and their errors, newest articles, a feed.
    Datasette's tables, facets, JSON, CSV and SQL stay as they are. A crawl may write to the same
    file meanwhile: pages show what it has committed. An archive on read-only storage, or that this
    user cannot write, is served too. A port already in use exits 2.

    Example: tinbai serve --db nghean.db --port 8001, then open http://127.0.0.1:8001/nghean/search?q=dang+uy
    """
    # The same check as every query: an archive that needs migrating is refused, not upgraded.
    open_readonly(db).close()

    import uvicorn

    from archive.query import ui

    # Bound before anything is served: a port in use is one line and exit code 2 (uvicorn would
    # log an error and exit 1).
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise CouldNotRun(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    datasette = ui.make_datasette(db)
    click.echo(f"serving {db} read-only at http://{host}:{listener.getsockname()[1]}/{ui.database_name(db)}",
               err=True)
    listener.listen(128)
    # uvicorn stops gracefully on SIGTERM, then raises the signal again with the handler it found:
    # this one ends the process normally, so that a private copy of the archive is removed at exit.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(0))
    uvicorn.Server(uvicorn.Config(datasette.app(), log_level="warning")).run(sockets=[listener])
