"""The browser UI: the archive file -> Datasette, read-only, with pages a reader needs.

Data flow: `tinbai serve` (crawler/cli/serve.py) registers this package as a Datasette plugin and
hands Datasette the archive and metadata(). Datasette keeps its own pages, JSON, CSV and SQL; the
plugin adds, through Datasette's hooks and templates (templates/ and static/ beside this file):

- /<archive>/search: the folded search of `tinbai search` (archive/query/search.py), filters,
  the number found, every page of results, highlighted snippets; /<archive>/search.atom follows it;
- /<archive>/articles/<id>: the article as a reader wants it, its URLs, images, versions and
  re-posts (its row as data stays Datasette's, at .json); /<archive>/articles/<id>/versions
  compares any two versions word by word;
- /<archive>/portal/<site>: articles per month as a chart, runs and their errors, newest articles;
  /<archive>/portal/<site>.atom follows its new articles;
- the internal tables hidden from the table lists (still there for SQL).

The views live in views.py, the chart in chart.py, the feeds in feed.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from datasette import hookimpl

from archive.query.display import utc_time, vietnamese_date
from archive.query.filters import register_functions as register_filter_functions
from archive.query.search import (
    SearchError,
    best_snippet,
    parse_query,
    ranking_expressions,
    search_sql,
    to_fts_expression,
)
from archive.schema import FTS_EXACT_TABLE, FTS_TABLE

__all__ = ["SEARCH_LIMIT", "SEARCH_SQL", "make_datasette", "metadata", "register_functions", "utc_time",
           "vietnamese_date"]

SEARCH_LIMIT = 50
# An FTS5 phrase without a token: valid syntax that matches nothing, for an empty or unusable query.
NO_MATCH = '""'
# The name Datasette serves this plugin's static/ under: /-/static-plugins/<name>/...
PLUGIN_NAME = __name__
# A database route segment, as Datasette's own routes read it.
_DATABASE = r"(?P<database>[^/.]+)"

# The canned query behind /<db>/search.json (and .csv): the CLI's ranked search over the folded
# index (the same bounded plan, archive/query/search.py), every match a row (a re-post says which
# article it re-posts, a removed article since when it is gone), with the snippet cut from the
# original text. The HTML page at /<db>/search is the reading room's own (views.py).
SEARCH_SQL = f"""
SELECT id, title, published, site, category, near_duplicate_of, removed,
       tinbai_snippet(title, title_marked, summary, summary_marked, text, text_marked) AS snippet
FROM ({search_sql(
    fts_table=FTS_TABLE, match="tinbai_match(:q)", phrase="tinbai_phrase(:q)", near="tinbai_near(:q)",
    where="1", limit=str(SEARCH_LIMIT),
)})
"""

# Tables a reader has no use for: bookkeeping of migrations, the crawl (and the URL shapes and the
# templates, as JSON, it learned of a portal without a profile, and the times its feeds gave their
# items) and the re-post signatures, the
# stored pages, the per-portal counts kept for `tinbai stats`, the archive's own id and the archives
# merged into it. Hidden from the table lists, still reachable by URL and SQL. Datasette also hides
# every table whose name starts with a hidden one's (the full-text indexes' shadow tables).
INTERNAL_TABLES = (
    "_sqlite_migrations", "crawl_state", "feed_dates", "run_lock", "raw_pages", "url_shapes", "templates",
    "article_minhash", "article_lsh", "article_lsh_recent", "article_lsh_stage", "article_lsh_crowded", FTS_TABLE,
    FTS_EXACT_TABLE,
    "site_counts", "category_counts", "archive_info", "merge_sources",
)


def _terms(query: str | None) -> list[str] | None:
    try:
        return parse_query(query or "")
    except SearchError:
        return None


def _match(query: str | None) -> str:
    terms = _terms(query)
    return to_fts_expression(terms) if terms else NO_MATCH


def _phrase(query: str | None) -> str:
    terms = _terms(query)
    return ranking_expressions(terms)[0] if terms else NO_MATCH


def _near(query: str | None) -> str:
    terms = _terms(query)
    return ranking_expressions(terms)[1] if terms else NO_MATCH


def _snippet(title: str, title_marked: str, summary: str, summary_marked: str, text: str, text_marked: str) -> str:
    return best_snippet({
        "title": title, "title_marked": title_marked, "summary": summary, "summary_marked": summary_marked,
        "text": text, "text_marked": text_marked,
    })


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the UI's queries use: folding, safe FTS5 expressions, snippets."""
    register_filter_functions(conn)
    conn.create_function("tinbai_match", 1, _match, deterministic=True)
    conn.create_function("tinbai_phrase", 1, _phrase, deterministic=True)
    conn.create_function("tinbai_near", 1, _near, deterministic=True)
    conn.create_function("tinbai_snippet", 6, _snippet, deterministic=True)


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    register_functions(conn)
    # Datasette's table search box runs `MATCH escape_fts(:search)`. Registered after
    # Datasette's own escape_fts (trylast), this one folds the query like the index, so
    # "Đảng ủy" typed there finds what "dang uy" finds.
    conn.create_function("escape_fts", 1, _match, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    env.filters["vietnamese_date"] = vietnamese_date
    env.filters["utc_time"] = utc_time


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    from archive.query.ui import views

    # Before Datasette's own routes: /<db>/search is this page, /<db>/search.json stays the canned query.
    return [
        (rf"^/{_DATABASE}/search$", views.search_view),
        (rf"^/{_DATABASE}/search\.atom$", views.search_feed),
        # A portal's key may hold dots (a portal crawled by its URL is keyed by its host,
        # "thanhhoa.dcs.vn"): the feed's route comes first, and takes only a final ".atom".
        (rf"^/{_DATABASE}/portal/(?P<site>[^/]+)\.atom$", views.portal_feed),
        (rf"^/{_DATABASE}/portal/(?P<site>[^/]+)$", views.portal_view),
        # An article's page; its row as data (.json, .csv) stays Datasette's.
        (rf"^/{_DATABASE}/articles/(?P<id>[^/.]+)$", views.article_view),
        (rf"^/{_DATABASE}/articles/(?P<id>[^/.]+)/versions$", views.versions_view),
    ]


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.static_plugins(PLUGIN_NAME, "reading.css")]


@hookimpl
def extra_template_vars(template: str, database: str | None, table: str | None, view_name: str,
                        request: Any, datasette: Any) -> Any:
    from archive.query.ui import views

    if view_name == "database" and database:
        return views.database_context(datasette, database)
    return None


def metadata(db_name: str) -> dict[str, Any]:
    """Readable titles, facets by portal, category and month, the search query, hidden internals."""
    hidden = {"hidden": True}
    return {
        "title": "tinbai: tin bài của các cổng thông tin Tỉnh ủy",
        "description_html": (
            f'News articles archived from the provincial Party committee portals. '
            f'<a href="/{db_name}/search">Tìm kiếm / search</a> without diacritics: "dang uy" finds "Đảng ủy".'
        ),
        "databases": {
            db_name: {
                "title": "Archive",
                "tables": {
                    "articles": {
                        "title": "Bài viết (articles)",
                        "description": "One row per article, its latest content. Open one to read it.",
                        "label_column": "title",
                        "sort_desc": "published",
                        "facets": ["site", "category", "published_month"],
                        "fts_table": FTS_TABLE,
                        "fts_pk": "id",
                        "columns": {
                            "url": "The canonical URL (every URL it was seen under: article_urls)",
                            "site_article_id": "The portal's own id for the article",
                            "published": "Publication time on the portal (+07:00)",
                            "published_range": "When the page said only how long ago: the days the article"
                                               " lies between, of which `published` is the middle one",
                            "near_duplicate_of": "The earlier article this one re-posts with small edits",
                            "published_month": "YYYY-MM of publication, for the facet",
                            "first_seen": "UTC", "last_seen": "UTC",
                        },
                    },
                    "article_versions": {
                        "title": "Phiên bản (versions)",
                        "description": "One row per distinct content an article had; the latest is on the article.",
                        "sort_desc": "fetched_at",
                    },
                    "article_urls": {"title": "Địa chỉ (every URL an article was seen under)"},
                    "images": {"title": "Ảnh (images and captions)"},
                    "sites": {"title": "Cổng (portals added to the list, or left out of it: tinbai sites)"},
                    "runs": {
                        "title": "Lần thu thập (crawl runs)", "sort_desc": "started", "facets": ["site", "status"],
                    },
                    **{table: hidden for table in INTERNAL_TABLES},
                },
                "queries": {
                    "search": {
                        "title": "Tìm kiếm (search)",
                        "description": (
                            'Diacritics optional: "dang uy" finds "Đảng ủy". Articles with the words together '
                            "come first; re-posts of an earlier article are left out."
                        ),
                        "sql": SEARCH_SQL,
                    },
                },
            }
        },
    }


def database_name(path: str | Path) -> str:
    """Datasette names a database after its file: archive.db -> "archive"."""
    return Path(path).stem


def make_datasette(path: str | Path) -> Any:
    """Datasette over the archive file at `path`, with this plugin, its metadata and settings."""
    import sys

    from datasette.app import Datasette
    from datasette.plugins import pm

    plugin = sys.modules[__name__]
    if not pm.is_registered(plugin):
        pm.register(plugin, name="tinbai")
    datasette = Datasette(
        [],
        metadata=metadata(database_name(path)),
        # No suggested facets: Datasette tries every column of a table page for one, which took a
        # second of the 1.1 s a portal's articles by month took at 483,000 articles (92 ms without);
        # the facets the metadata names stay.
        settings={"default_page_size": 50, "sql_time_limit_ms": 3000, "facet_time_limit_ms": 500,
                  "suggest_facets": False},
    )
    datasette.add_database(_archive_database(datasette, Path(path)), name=database_name(path))
    return datasette


def _archive_database(datasette: Any, path: Path) -> Any:
    """The archive as Datasette's database, opened as archive/db.py opens it for reading
    (readonly_uri): mode=ro while the file allows it, so that a running crawl's commits show up;
    immutable on read-only storage without a write-ahead log; else a private copy, removed at exit.
    Mutable to Datasette (not --immutable): nothing in Datasette or the plugin writes."""
    import atexit
    import shutil

    from datasette.database import Database as DatasetteDatabase

    from archive.db import readonly_uri

    uri, _how, copy = readonly_uri(path)
    if copy is not None:
        atexit.register(shutil.rmtree, copy, ignore_errors=True)

    class Archive(DatasetteDatabase):  # type: ignore[misc]  # datasette has no type information
        def connect(self, write: bool = False) -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, check_same_thread=False)

    return Archive(datasette, path=str(path.resolve()), is_mutable=True)
