"""The near-duplicate lookup replayed on an archive of bench/scale.py: the last articles' texts
looked up again (archive/near.py, find_original, each against the articles older than itself),
with the bound on compared texts (near.COMPARED) and without it, the links of both compared, and
the comparisons (differ_in_specifics) counted.

    python -m bench.lookups /tmp/scale/scale-150000.db --last 3000

The archive is opened read-only: the crowded buckets a lookup finds are not noted.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import Any

import sqlite_utils

from archive import near


def replay(path: Path, last: int, compared: int | None) -> dict[str, Any]:
    """The links found for the `last` newest articles with near.COMPARED set to `compared`
    (None: no bound), and how many texts were compared for each."""
    db = sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    newest = db.execute("SELECT max(id) FROM articles").fetchone()[0]
    rows = db.execute("SELECT id, text FROM articles WHERE id > ? ORDER BY id", [newest - last]).fetchall()
    saved = near.COMPARED, near._remember_crowded, near.differ_in_specifics
    calls = [0]

    def counted(first: str, second: str) -> bool:
        calls[0] += 1
        return saved[2](first, second)

    near.COMPARED = compared if compared is not None else 1 << 30
    near._remember_crowded = lambda db, buckets: None  # read-only
    near.differ_in_specifics = counted
    near._reported_kept.clear()  # each replay parses the texts it compares afresh
    links: dict[int, int | None] = {}
    comparisons: Counter[int] = Counter()
    try:
        started = time.process_time()
        for article_id, text in rows:
            before = calls[0]
            links[article_id] = near.find_original(db, text, before=article_id)[0]
            comparisons[calls[0] - before] += 1
        cpu = time.process_time() - started
    finally:
        near.COMPARED, near._remember_crowded, near.differ_in_specifics = saved
        db.close()
    return {"links": links, "comparisons": comparisons, "cpu_s": cpu}


def summary(result: dict[str, Any]) -> dict[str, Any]:
    counts: Counter[int] = result["comparisons"]
    n = sum(counts.values())
    return {"lookups": n, "linked": sum(link is not None for link in result["links"].values()),
            "comparisons": sum(k * v for k, v in counts.items()),
            "comparisons_a_lookup": round(sum(k * v for k, v in counts.items()) / max(1, n), 3),
            "most_in_one_lookup": max(counts, default=0),
            "lookups_over_16": sum(v for k, v in counts.items() if k > 16),
            "cpu_ms_a_lookup": round(1000 * result["cpu_s"] / max(1, n), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("--last", type=int, default=3000, help="the newest articles looked up again")
    parser.add_argument("--bounds", default=str(near.COMPARED),
                        help="comma-separated values of near.COMPARED to replay beside no bound")
    args = parser.parse_args(argv)
    bounds = [int(value) for value in args.bounds.split(",")]
    # Twice each, the second kept: the first pass reads the archive into the disk's cache.
    results: dict[str, dict[str, Any]] = {}
    for _ in range(2):
        for bound in [None, *bounds]:
            results["unbounded" if bound is None else f"at most {bound}"] = replay(args.archive, args.last, bound)
    unbounded = results["unbounded"]
    report: dict[str, Any] = {"archive": str(args.archive), "articles_looked_up": args.last}
    for label, result in results.items():
        report[label] = summary(result)
        if result is not unbounded:
            differ = [(article, unbounded["links"][article], link) for article, link in result["links"].items()
                      if unbounded["links"][article] != link]
            report[label]["links_that_differ"] = len(differ)
            report[label]["first_that_differ"] = differ[:10]
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
