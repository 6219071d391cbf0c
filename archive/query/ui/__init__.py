"""The browser UI: the archive file -> Datasette, read-only, with Vietnamese search.

Data flow: `tinbai serve` (crawler/cli/serve.py) hands Datasette the archive and metadata();
this module is also the Datasette plugin that registers the archive's SQL functions on every
connection, so the "search" page and the articles table's search box fold queries exactly
as `tinbai search` does (archive/query/search.py): "dang uy" finds "Đảng ủy", phrase matches first.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape

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

SEARCH_LIMIT = 50
# An FTS5 phrase without a token: valid syntax that matches nothing, for an empty or unusable query.
NO_MATCH = '""'

# The canned query behind /<db>/search: the CLI's ranked search over the folded index
# (the same bounded plan, archive/query/search.py), re-posts left out, with the snippet cut
# from the original text.
SEARCH_SQL = f"""
SELECT id, title, published, site, category,
       tinbai_snippet(title, title_marked, summary, summary_marked, text, text_marked) AS snippet
FROM ({search_sql(
    fts_table=FTS_TABLE, match="tinbai_match(:q)", phrase="tinbai_phrase(:q)", near="tinbai_near(:q)",
    where="1", limit=str(SEARCH_LIMIT), exclude_near_duplicates=True,
)})
"""


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
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    # In the search results the title links to the article's page (which lists its versions),
    # and the snippet shows its [matches] highlighted.
    if table is not None or column not in ("title", "snippet") or "snippet" not in row.keys():
        return None
    if column == "title":
        url = datasette.urls.row(database, "articles", str(row["id"]))
        return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
    marked = str(escape(value or "")).replace("[", "<mark>").replace("]", "</mark>")
    return Markup(marked)


def metadata(db_name: str) -> dict[str, Any]:
    """Readable titles, facets by portal, category and month, the search page, hidden internals."""
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
                        "description": "One row per article, its latest content. Open one to see its versions.",
                        "label_column": "title",
                        "sort_desc": "published",
                        "facets": ["site", "category", "published_month"],
                        "fts_table": FTS_TABLE,
                        "fts_pk": "id",
                        "columns": {
                            "url": "The canonical URL (every URL it was seen under: article_urls)",
                            "site_article_id": "The portal's own id for the article",
                            "published": "Publication time on the portal (+07:00)",
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
                    "runs": {
                        "title": "Lần thu thập (crawl runs)", "sort_desc": "started", "facets": ["site", "status"],
                    },
                    "raw_pages": {"title": "Trang gốc (raw pages, compressed)", **hidden},
                    "article_minhash": hidden,
                    "article_lsh": hidden,
                    "article_lsh_recent": hidden,
                    "article_lsh_stage": hidden,
                    FTS_TABLE: hidden,
                    FTS_EXACT_TABLE: hidden,
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
