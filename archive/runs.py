"""Crawl runs and per-site statistics: the incremental state a scheduled crawl leaves behind.

Data flow: the crawl pipeline calls start_run() when a spider opens and finish_run()
with its counts when it closes; the CLI's stats command reads stats().
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from archive.store import inserted_id, utc_now
from archive.transaction import write_transaction

# finish_run() counts: each key is a column of `runs`. "aliases" counts saves that
# found the same content under a new URL (SaveResult.status == "alias"); "not_modified" the
# 304 answers to conditional re-fetches (the column comes from archive/crawlstate.py).
# "removed" counts the archived articles this run found gone (takedowns it started), "returned" those
# it found again after a takedown (archive/takedowns.py).
# "by_profile", "by_template", "by_generic" count the articles each extraction path read: a portal's
# hand-written profile, its learned template (archive/templates.py), the generic path.
RUN_COUNTS = ("pages", "new", "updated", "duplicates", "aliases", "not_modified", "removed", "returned",
              "by_profile", "by_template", "by_generic")


def start_run(db: Database, site: str) -> int:
    """Record that a crawl of `site` started now; returns the run id for finish_run()."""
    with write_transaction(db):
        table = db.table("runs")
        table.insert({"site": site, "started": utc_now(), "status": "running"})
        return inserted_id(table)


def finish_run(db: Database, run_id: int, *, status: str, counts: dict[str, int], errors: dict[str, int]) -> None:
    """Close run `run_id`: its final status, counts (keys from RUN_COUNTS) and errors by kind.

    `errors` maps an error kind ("http_404", "timeout", "not_an_article") to how
    many times it happened; the runs row keeps their total and the breakdown as JSON.
    """
    unknown = sorted(set(counts) - set(RUN_COUNTS))
    if unknown:
        raise ValueError(f"unknown run counts {unknown}; expected keys from {list(RUN_COUNTS)}")
    row: dict[str, Any] = {key: int(counts.get(key, 0)) for key in RUN_COUNTS}
    row.update(
        finished=utc_now(),
        status=status,
        errors=sum(errors.values()),
        errors_json=json.dumps(errors, ensure_ascii=False, sort_keys=True),
    )
    with write_transaction(db):
        if db.execute("SELECT 1 FROM runs WHERE id = ?", [run_id]).fetchone() is None:
            raise ValueError(f"no run with id {run_id}")
        db.table("runs").update(run_id, row)


def errors_by_kind_text(errors: dict[str, int] | None) -> str:
    """Errors by kind in one line, the one way every human-readable and CSV output shows them (the
    CLI's runs, stats and crawl summaries, the browser's portal page): "http_404: 1, http_500: 2",
    most frequent first; "" for none. JSON keeps the object itself ({"http_404": 1, ...})."""
    if not errors:
        return ""
    ordered = sorted(errors.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{kind}: {count}" for kind, count in ordered)


def stats(db: Database) -> list[dict[str, Any]]:
    """One row per site (from articles or runs): articles (how many are re-posts of an earlier one,
    how many are gone from the portal now), takedowns and returns seen, versions, published range,
    and the last run with its errors by kind.

    Read in time that does not grow with the archive: the counts kept per portal
    (archive/sitecounts.py), each portal's first and last publication from the index on
    (site, published), its last run from the index on (site, started)."""
    from archive.sitecounts import COUNTS, site_counts

    counts = site_counts(db)
    # The portals that have runs, one index seek each (250,000 runs at national scale).
    with_runs = {row[0] for row in db.execute(
        "WITH RECURSIVE seen (site) AS (SELECT min(site) FROM runs"
        " UNION ALL SELECT (SELECT min(site) FROM runs WHERE site > seen.site) FROM seen WHERE seen.site IS NOT NULL)"
        " SELECT site FROM seen WHERE site IS NOT NULL")}
    sites = sorted(set(counts) | with_runs)
    rows = []
    for site in sites:
        kept = counts.get(site, dict.fromkeys(COUNTS, 0))
        first, last = db.execute(
            "SELECT (SELECT min(published) FROM articles WHERE site = :site AND published IS NOT NULL),"
            " (SELECT max(published) FROM articles WHERE site = :site)", {"site": site}).fetchone()
        run = db.execute(
            "SELECT started, finished, status, errors, errors_json FROM runs WHERE site = ?"
            " ORDER BY started DESC, id DESC LIMIT 1", [site]).fetchone() or (None,) * 5
        rows.append({
            "site": site, "articles": kept["articles"], "near_duplicates": kept["near_duplicates"],
            "removed": kept["removed"], "removals": kept["removals"], "returns": kept["returns"],
            "versions": kept["versions"],
            "first_published": first, "last_published": last, "last_run": run[0], "last_run_finished": run[1],
            "last_run_status": run[2], "last_run_errors": run[3],
            "last_run_errors_by_kind": json.loads(run[4] or "{}"),
        })
    return rows


# A learned template's share of the articles a run read (template / (template + generic)) that falls
# by this much from the last run that read any, from at least half, is drift: the portal changed
# its layout under its template (crawler/extract/template.py). Runs reading fewer articles than
# DRIFT_MIN_ARTICLES tell nothing.
DRIFT_DROP = 0.25
DRIFT_MIN_ARTICLES = 4


def template_share(by_template: int | None, by_generic: int | None) -> float | None:
    """What share of a run's articles without a profile its portal's learned template read."""
    read = (by_template or 0) + (by_generic or 0)
    return (by_template or 0) / read if read else None


def drift(share: float | None, previous: float | None, articles: int) -> bool:
    return (share is not None and previous is not None and articles >= DRIFT_MIN_ARTICLES
            and previous >= 0.5 and previous - share >= DRIFT_DROP)


def recent_runs(db: Database, *, site: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The latest runs, newest first, with their errors by kind decoded, the articles each
    extraction path read, the learned template's share of them, the version of the template the
    run learned again when the portal's pages stopped matching it, and drift: either, or a share
    that dropped; `origin` is the id of the archive a merged run was crawled into
    (archive/merge.py), None for this archive's own."""
    where, params = ("WHERE site = ?", [site]) if site else ("", [])
    rows = db.query(
        "SELECT id, site, started, finished, status, pages, new, updated, duplicates, aliases,"
        " not_modified, removed, returned, errors, errors_json, origin,"
        " coalesce(by_profile, 0) AS by_profile, coalesce(by_template, 0) AS by_template,"
        " coalesce(by_generic, 0) AS by_generic,"
        # the share of the last earlier run of the portal that read articles without its profile
        " (SELECT 1.0 * coalesce(p.by_template, 0) / (coalesce(p.by_template, 0) + coalesce(p.by_generic, 0))"
        "  FROM runs AS p WHERE p.site = runs.site AND p.id < runs.id"
        "  AND coalesce(p.by_template, 0) + coalesce(p.by_generic, 0) > 0 ORDER BY p.id DESC LIMIT 1)"
        " AS previous_template_share,"
        # the template this run learned again because the portal's pages stopped matching it
        " (SELECT max(version) FROM templates WHERE templates.site = runs.site AND templates.run = runs.id"
        "  AND templates.reason LIKE 'stopped matching%') AS template_relearned"
        f" FROM runs {where} ORDER BY id DESC LIMIT ?",
        [*params, limit],
    )
    result = []
    for row in rows:
        errors = json.loads(row.pop("errors_json") or "{}")
        share = template_share(row["by_template"], row["by_generic"])
        row["template_share"] = round(share, 3) if share is not None else None
        previous = row["previous_template_share"]
        row["previous_template_share"] = round(previous, 3) if previous is not None else None
        row["drift"] = row["template_relearned"] is not None or drift(share, previous,
                                                                      row["by_template"] + row["by_generic"])
        row["errors_by_kind"] = errors  # last: the widest column of `tinbai runs --csv`
        result.append(row)
    return result


def newest_article_id(db: Database) -> int:
    """The id of the newest article (0 when none): articles with a higher id were archived after this call."""
    return int(db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])


def articles_after(db: Database, article_id: int, site: str) -> int:
    """How many articles of `site` the archive holds with an id above `article_id`: a running crawl's
    new articles so far, as its writer has committed them (read through the id's index, only the new
    rows)."""
    return int(db.execute("SELECT count(*) FROM articles WHERE id > ? AND site = ?", [article_id, site]).fetchone()[0])


def last_run_id(db: Database) -> int:
    """The id of the newest run (0 when none): runs with a higher id started after this call."""
    return int(db.execute("SELECT coalesce(max(id), 0) FROM runs").fetchone()[0])


def run_summary(db: Database, site: str, *, after: int = 0) -> dict[str, Any] | None:
    """The newest run of `site` with an id above `after`, as the crawl command prints it; None
    when there is none."""
    row = db.execute(
        "SELECT id AS run, site, status, pages, new, updated, duplicates, aliases, not_modified, removed, returned,"
        " errors, errors_json, coalesce(by_profile, 0), coalesce(by_template, 0), coalesce(by_generic, 0)"
        " FROM runs WHERE site = ? AND id > ? ORDER BY id DESC LIMIT 1",
        [site, after],
    ).fetchone()
    if row is None:
        return None
    keys = ["run", "site", "status", "pages", "new", "updated", "duplicates", "aliases", "not_modified", "removed",
            "returned", "errors"]
    summary: dict[str, Any] = dict(zip(keys, row[:12], strict=True))
    summary["errors_by_kind"] = json.loads(row[12] or "{}")
    # the articles each extraction path read: the hand-written profile, the learned template, the generic path
    summary["extraction"] = {"profile": row[13], "template": row[14], "generic": row[15]}
    return summary
