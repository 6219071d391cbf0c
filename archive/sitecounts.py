"""Per-portal counts kept beside the articles: what `tinbai stats` reports without counting.

Data flow: every write that adds an article or a version, moves an article to another portal,
links or unlinks a re-post (archive/store.py, archive/near.py, archive/merge.py), or marks an
article taken down or back (archive/takedowns.py) adds its change here in the same transaction;
archive/runs.py's stats() reads the counts, and the reading room's portal list, categories and
portal page (archive/query/portal.py). Counting instead took
3.4 s at 130,000 articles (a pass over every article and version): a minute at 2,000,000.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

# The counts of a portal, each a column of site_counts: "removed" the articles gone from the portal
# now, "removals" and "returns" the takedowns and returns seen (article_events).
COUNTS = ("articles", "versions", "near_duplicates", "removed", "removals", "returns")


def count(db: Database, site: str, **changes: int) -> None:
    """Add these changes (keys from COUNTS) to `site`'s counts (one row, by its key: no statement
    journal, so the full-text indexes' pending rows are not written out by it, archive/transaction.py)."""
    changes = {name: change for name, change in changes.items() if change}
    if not changes:
        return
    unknown = set(changes) - set(COUNTS)
    if unknown:
        raise ValueError(f"unknown site counts {sorted(unknown)}")
    names = list(changes)
    try:
        db.conn.execute(
            f"INSERT INTO site_counts (site, {', '.join(names)}) VALUES (?{', ?' * len(names)})"
            " ON CONFLICT(site) DO UPDATE SET " + ", ".join(f"{name} = {name} + excluded.{name}" for name in names),
            [site, *changes.values()],
        )
    except sqlite3.OperationalError as error:
        # Written by a migration before m122 (m005 and its like write with today's code): m122
        # counts everything when it comes.
        if "no such table: site_counts" not in str(error):
            raise


def relink(db: Database, article_id: int, near_duplicate_of: int | None) -> None:
    """Set the article's re-post link, counting a re-post that becomes original or the reverse."""
    before = db.conn.execute("SELECT site, near_duplicate_of FROM articles WHERE id = ?", [article_id]).fetchone()
    db.conn.execute("UPDATE articles SET near_duplicate_of = ? WHERE id = ?", [near_duplicate_of, article_id])
    if before is not None and (before[1] is None) != (near_duplicate_of is None):
        count(db, before[0], near_duplicates=1 if near_duplicate_of is not None else -1)


def move(db: Database, article_id: int, site: str) -> None:
    """The article is about to be rewritten under portal `site`: if it was another portal's, its
    counts go with it (before its row changes)."""
    before = db.conn.execute(
        "SELECT site, near_duplicate_of, removed FROM articles WHERE id = ?", [article_id]).fetchone()
    if before is None or before[0] == site:
        return
    versions = db.conn.execute("SELECT count(*) FROM article_versions WHERE article_id = ?", [article_id]).fetchone()[0]
    removals, returns = db.conn.execute(
        "SELECT count(*) FILTER (WHERE event = 'removed'), count(*) FILTER (WHERE event = 'returned')"
        " FROM article_events WHERE article_id = ?", [article_id]).fetchone()
    moved = {"articles": 1, "versions": versions, "near_duplicates": int(before[1] is not None),
             "removed": int(before[2] is not None), "removals": removals, "returns": returns}
    count(db, before[0], **{name: -change for name, change in moved.items()})
    count(db, site, **moved)


def count_category(db: Database, site: str, category: str | None, change: int) -> None:
    """Add `change` to the articles of `site` filed under `category` (none for no category): what
    the search form's category list and a portal's page show, without a pass over every article
    (the search page's list took 55 ms at 87,000 articles, in every search)."""
    if category is None or not change:
        return
    try:
        db.conn.execute(
            "INSERT INTO category_counts (site, category, articles) VALUES (?, ?, ?)"
            " ON CONFLICT(site, category) DO UPDATE SET articles = articles + excluded.articles",
            [site, category, change],
        )
    except sqlite3.OperationalError as error:
        if "no such table: category_counts" not in str(error):  # written by a migration before m125
            raise


def category_counts(db: Database, site: str | None = None) -> list[tuple[str, int]]:
    """(category, articles) of `site` (of every portal: None), by category, those with articles."""
    where, params = ("WHERE site = ?", [site]) if site else ("", [])
    return [(row[0], row[1]) for row in db.execute(
        f"SELECT category, sum(articles) FROM category_counts {where} GROUP BY category HAVING sum(articles) > 0"
        " ORDER BY category", params)]


def site_counts(db: Database) -> dict[str, dict[str, int]]:
    """site -> its counts by name (COUNTS)."""
    return {row[0]: dict(zip(COUNTS, row[1:], strict=True)) for row in db.execute(
        f"SELECT site, {', '.join(COUNTS)} FROM site_counts")}


def recount(db: Database) -> None:
    """Every portal's counts and categories counted again from the articles, their versions and
    events: for a writer that inserts rows without counting them (bench/fill.py), what the counts
    kept save by save come to."""
    db.execute("DELETE FROM site_counts")
    db.execute("INSERT INTO site_counts (site, articles, near_duplicates, removed)"
               " SELECT site, count(*), count(near_duplicate_of), count(removed) FROM articles GROUP BY site"
               " ORDER BY min(id)")
    db.execute("UPDATE site_counts SET versions = (SELECT count(*) FROM article_versions"
               " JOIN articles ON articles.id = article_versions.article_id WHERE articles.site = site_counts.site)")
    db.execute("UPDATE site_counts SET"
               " removals = (SELECT count(*) FROM article_events AS e JOIN articles AS a ON a.id = e.article_id"
               "   WHERE a.site = site_counts.site AND e.event = 'removed'),"
               " returns = (SELECT count(*) FROM article_events AS e JOIN articles AS a ON a.id = e.article_id"
               "   WHERE a.site = site_counts.site AND e.event = 'returned')")
    db.execute("DELETE FROM category_counts")
    db.execute("INSERT INTO category_counts (site, category, articles)"
               " SELECT site, category, count(*) FROM articles WHERE category IS NOT NULL GROUP BY site, category")
