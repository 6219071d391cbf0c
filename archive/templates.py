"""The learned templates of portals without a profile: the `templates` table, every version kept.

Data flow: a crawl of a portal without a profile learns, from a handful of its article pages, where
the portal shows its articles (crawler/extract/template.py); its archive writer stores each version
(save_template) in the same transaction as the run's other items; the next run, `tinbai reextract`
and `tinbai sites` read the newest (current_template, template_summaries). What is stored is the
learned value as JSON (PortalKnowledge.to_json): the archive never reads inside it.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from archive.store import utc_now
from archive.transaction import write_transaction


def save_template(
    db: Database, site: str, version: int, knowledge: str, *, pages: int, layouts: int, reason: str,
    run: int | None = None,
) -> None:
    """Store version `version` of `site`'s learned template (`knowledge`: its JSON). A version is
    written once: a second save of the same version replaces it (a run redone after a kill)."""
    with write_transaction(db):
        db.execute(
            "INSERT INTO templates (site, version, learned, pages, layouts, knowledge, reason, run)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(site, version) DO UPDATE SET learned = excluded.learned, pages = excluded.pages,"
            " layouts = excluded.layouts, knowledge = excluded.knowledge, reason = excluded.reason,"
            " run = excluded.run",
            [site, version, utc_now(), pages, layouts, knowledge, reason, run],
        )


def current_template(db: Database, site: str) -> tuple[int, str] | None:
    """(version, knowledge JSON) of `site`'s newest template, or None when none was learned."""
    row = db.execute(
        "SELECT version, knowledge FROM templates WHERE site = ? ORDER BY version DESC LIMIT 1", [site]
    ).fetchone()
    return (int(row[0]), row[1]) if row is not None else None


def template_summaries(db: Database) -> dict[str, dict[str, Any]]:
    """Per site with a template: its newest version, how many layouts it holds (0: none serves the
    portal), when and from how many pages it was learned, and why."""
    rows = db.query(
        "SELECT site, version, layouts, learned, pages, reason FROM templates AS t"
        " WHERE version = (SELECT max(version) FROM templates WHERE site = t.site)"
    )
    return {row.pop("site"): row for row in rows}


def template_versions(db: Database, site: str) -> list[dict[str, Any]]:
    """Every version of `site`'s template, newest first (without its JSON)."""
    return list(db.query(
        "SELECT version, learned, pages, layouts, reason, run FROM templates WHERE site = ? ORDER BY version DESC",
        [site],
    ))
