"""A portal at a glance: the archive's articles and runs of one site -> what its page shows.

Data flow: the crawl's writes (articles, runs) -> these read-only queries -> the browser's portal
page and its feed (archive/query/ui/), and the portal list of the search page's filters.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from archive.query.filters import Filters, register_functions
from archive.runs import recent_runs
from archive.sitecounts import category_counts, site_counts

# Runs and newest articles a portal's page lists.
RUNS_SHOWN = 20
NEWEST_SHOWN = 20


def portals(db: Database) -> list[dict[str, Any]]:
    """Every portal with articles in the archive and how many: [{"site": "nghean", "articles": 16}].
    Read from the kept counts (archive/sitecounts.py): counting the articles by portal took 18 ms at
    87,000 articles, on every search page."""
    return list(db.query("SELECT site, articles FROM site_counts WHERE articles > 0 ORDER BY site"))


def known_portal(db: Database, site: str) -> bool:
    """Whether the archive has articles or runs of `site`."""
    return db.execute(
        "SELECT EXISTS (SELECT 1 FROM articles WHERE site = ?) OR EXISTS (SELECT 1 FROM runs WHERE site = ?)",
        [site, site],
    ).fetchone()[0] == 1


def portal_figures(db: Database, site: str) -> dict[str, Any] | None:
    """stats()'s figures for one portal, each read through an index; None for a portal with neither
    articles nor runs."""
    # The kept counts (archive/sitecounts.py): the re-posts of a portal were found through the index
    # of every re-post (43 ms at 87,000 articles, a twelfth of them re-posts) and its versions
    # through each of its articles.
    counted = site_counts(db).get(site, {})
    articles = counted.get("articles", 0)
    runs = recent_runs(db, site=site, limit=1)
    if not articles and not runs:
        return None
    near_duplicates, versions = counted.get("near_duplicates", 0), counted.get("versions", 0)
    # min() and max() each alone: one step down the index, where both together scan it.
    first = db.execute("SELECT min(published) FROM articles WHERE site = ?", [site]).fetchone()[0]
    last = db.execute("SELECT max(published) FROM articles WHERE site = ?", [site]).fetchone()[0]
    last_run = runs[0] if runs else {}
    return {
        "site": site, "articles": articles, "near_duplicates": near_duplicates, "versions": versions,
        "first_published": first, "last_published": last,
        "last_run": last_run.get("started"), "last_run_finished": last_run.get("finished"),
        "last_run_status": last_run.get("status"), "last_run_errors": last_run.get("errors"),
        "last_run_errors_by_kind": last_run.get("errors_by_kind", {}),
    }


def categories(db: Database, site: str | None = None) -> list[dict[str, Any]]:
    """The categories articles are filed under, with how many (of `site`, or of every portal), from
    the kept counts (archive/sitecounts.py)."""
    return [{"category": category, "articles": articles} for category, articles in category_counts(db, site)]


def articles_per_month(db: Database, site: str) -> dict[str, int]:
    """{"2026-11": 12, ...}: the portal's articles by month of publication, oldest first; articles
    without a date are left out (undated_articles())."""
    # Read from the index on (site, published_month) alone, not the rows.
    rows = db.execute(
        "SELECT published_month, count(*) FROM articles"
        " WHERE site = ? AND published_month IS NOT NULL GROUP BY published_month ORDER BY published_month",
        [site],
    ).fetchall()
    return {month: count for month, count in rows}


def undated_articles(db: Database, site: str) -> int:
    return int(db.execute(
        "SELECT count(*) FROM articles WHERE site = ? AND published IS NULL", [site]
    ).fetchone()[0])


def newest_articles(db: Database, filters: Filters, *, limit: int = NEWEST_SHOWN,
                    by: str = "published") -> list[dict[str, Any]]:
    """The articles the filters select, latest first: by publication (`by="published"`, what a reader
    of the portal's page wants) or by when the archive first saw them (`by="archived"`, what a feed
    of new articles lists). Each: id, url, site, title, published, category, author, summary."""
    order = {"published": "published DESC, id DESC", "archived": "id DESC"}[by]
    where, params = filters.where()
    if "tinbai_fold" in where:
        register_functions(db.conn)
    return list(db.query(
        "SELECT id, url, site, title, published, category, author, summary FROM articles"
        f" WHERE {where} ORDER BY {order} LIMIT :limit",
        {**params, "limit": limit},
    ))


def portal_overview(db: Database, site: str) -> dict[str, Any] | None:
    """What the portal's page shows: portal_figures(), articles per month, its runs (newest
    first, errors by kind), its newest articles and its categories. None for a portal the
    archive does not know."""
    figures = portal_figures(db, site)
    if figures is None:
        return None
    return {
        **figures,
        "months": articles_per_month(db, site),
        "undated": undated_articles(db, site),
        "runs": recent_runs(db, site=site, limit=RUNS_SHOWN),
        "newest": newest_articles(db, Filters(site=site)),
        "categories": categories(db, site),
    }
