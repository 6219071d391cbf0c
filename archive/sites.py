"""The portals an archive knows and what its crawls learned of each: the `sites` and `url_shapes`
tables.

Data flow: `tinbai sites add|remove` (crawler/cli/sites.py) keeps the list; `tinbai crawl URL` adds
the portal it names; a crawl of a portal without a profile reads its learned URL shapes when it
opens (load_shapes) and its archive writer stores what it learned when it closes (save_learning).
`tinbai sites` reads the list with each portal's articles and last run (portal_summaries). The
built-in portals are the crawler's (crawler/sites/portals.py): a row here for one of them only
says it was removed, or holds what was learned of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from archive.store import utc_now
from archive.transaction import write_transaction

# (articles, listings, pages): how many pages of a URL shape were each.
ShapeCounts = tuple[int, int, int]


def add_site(db: Database, key: str, home: str, name: str | None = None) -> None:
    """Add the portal `key` (its home page `home`) to the list, or bring a removed one back; a
    name given replaces the one stored."""
    with write_transaction(db):
        db.execute(
            "INSERT INTO sites (key, name, home, added) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET home = excluded.home, removed = NULL,"
            " name = coalesce(excluded.name, sites.name)",
            [key, name, home, utc_now()],
        )


def remove_site(db: Database, key: str, home: str) -> None:
    """Leave `key` out of `tinbai crawl --all` and `tinbai sites`; what was archived stays."""
    with write_transaction(db):
        now = utc_now()
        db.execute(
            "INSERT INTO sites (key, home, added, removed) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET removed = excluded.removed",
            [key, home, now, now],
        )


def site_rows(db: Database) -> dict[str, dict[str, Any]]:
    """Every row of `sites` by key: key, name, home, added, removed, cms."""
    return {row["key"]: row for row in db.query("SELECT key, name, home, added, removed, cms FROM sites")}


def portal_summaries(db: Database) -> dict[str, dict[str, Any]]:
    """Per site key that has articles or runs: articles archived, the last run's start and status."""
    rows = db.query(
        """
        WITH per_site AS (SELECT site, count(*) AS articles FROM articles GROUP BY site),
        last_runs AS (
            SELECT site, started, status,
                   row_number() OVER (PARTITION BY site ORDER BY started DESC, id DESC) AS n
            FROM runs
        ),
        keys AS (SELECT site FROM per_site UNION SELECT site FROM runs)
        SELECT keys.site, coalesce(per_site.articles, 0) AS articles,
               last_runs.started AS last_run, last_runs.status AS last_run_status
        FROM keys
        LEFT JOIN per_site ON per_site.site = keys.site
        LEFT JOIN last_runs ON last_runs.site = keys.site AND last_runs.n = 1
        """
    )
    return {row.pop("site"): row for row in rows}


def load_shapes(db: Database, site: str) -> dict[str, ShapeCounts]:
    """The URL shapes learned of `site` by earlier runs, with their counts."""
    return {
        shape: (articles, listings, pages)
        for shape, articles, listings, pages in db.execute(
            "SELECT shape, articles, listings, pages FROM url_shapes WHERE site = ?", [site]
        )
    }


def save_learning(db: Database, site: str, home: str, shapes: Mapping[str, ShapeCounts], cms: str | None) -> None:
    """Store what a run learned of `site` (home page `home`): its URL shapes' counts (totals,
    replacing the stored ones) and the CMS family its pages show (kept when the run saw none)."""
    now = utc_now()
    with write_transaction(db):
        db.conn.executemany(
            "INSERT INTO url_shapes (site, shape, articles, listings, pages, updated) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(site, shape) DO UPDATE SET articles = excluded.articles, listings = excluded.listings,"
            " pages = excluded.pages, updated = excluded.updated",
            [(site, shape, *counts, now) for shape, counts in shapes.items()],
        )
        if cms:
            # A built-in portal gets a row for it; a removed one stays removed.
            db.execute(
                "INSERT INTO sites (key, home, added, cms) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET cms = excluded.cms",
                [site, home, now, cms],
            )


def learned_cms(db: Database) -> dict[str, str]:
    """The CMS family recognised on each portal's pages, by site key."""
    return {key: cms for key, cms in db.execute("SELECT key, cms FROM sites WHERE cms IS NOT NULL")}
