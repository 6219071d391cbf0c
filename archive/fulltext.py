"""The full-text indexes' upkeep: their segments merged into one at a quiet hour (`tinbai optimize`).

Data flow: every save adds its words to both full-text tables (archive/store.py) as a small new
segment, which FTS5 merges 16 at a time (migration m003: merging 4 at a time made each save's
commit rewrite more of the index as the archive grew). So an archive keeps 15 or so segments at
each level, and a search reads each of its words in every one of them: 35 segments after 65,000
saves. Measured on that archive (bench/scale.py's searches, BENCHMARKS.md), a search narrowed to a
portal took 2 to 4 times as long with 35 segments as with one. merge_indexes() merges them in steps
of MERGE_PAGES pages, each step its own transaction, so that a crawl writing meanwhile waits for
one step at most, and an interrupted merge leaves a sound index that the next run carries on
(FTS5 keeps how far a merge got in the index itself). Nothing is added or removed: the same rows,
words and positions in fewer, larger segments.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlite_utils import Database

from archive.schema import FTS_EXACT_TABLE, FTS_TABLE
from archive.transaction import write_transaction

# Pages of merged index written by one step (one transaction): about 4 MB, a fraction of a second.
MERGE_PAGES = 1000


@dataclass
class MergeReport:
    """What merge_indexes() did, for each full-text table: its segments before and after, the
    steps (transactions) it took, and whether it is done (one segment) or stopped at `steps`."""

    segments_before: dict[str, int] = field(default_factory=dict)
    segments_after: dict[str, int] = field(default_factory=dict)
    steps: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    done: bool = True

    def to_dict(self) -> dict[str, object]:
        return {"segments_before": self.segments_before, "segments_after": self.segments_after,
                "steps": self.steps, "seconds": round(self.seconds, 1), "done": self.done}


def segments(db: Database, table: str) -> int:
    """How many segments the full-text table `table` holds (each has its first page in `_idx`)."""
    return int(db.execute(f"SELECT count(DISTINCT segid) FROM [{table}_idx]").fetchone()[0])


def merge_indexes(db: Database, *, pages: int = MERGE_PAGES, steps: int | None = None) -> MergeReport:
    """Merge each full-text table's segments into one, `pages` pages a transaction; with `steps`,
    stop after that many transactions in all (the next call carries on where this one stopped).

    FTS5's 'merge' command with a negative count merges every segment, whatever its level, as
    'optimize' does, but by steps; a step that finds nothing left to merge adds less than 2 to the
    connection's total changes (how SQLite's FTS5 documentation says to tell that 'merge' was a
    no-op)."""
    report = MergeReport()
    started = time.perf_counter()
    budget = steps
    for table in (FTS_TABLE, FTS_EXACT_TABLE):
        report.segments_before[table] = segments(db, table)
        report.steps[table] = 0
        while budget is None or budget > 0:
            before = db.conn.total_changes
            with write_transaction(db):
                db.execute(f"INSERT INTO [{table}] ([{table}], rank) VALUES ('merge', ?)", [-pages])
            report.steps[table] += 1
            budget = None if budget is None else budget - 1
            if db.conn.total_changes - before < 2:
                break
        else:
            report.done = False
        report.segments_after[table] = segments(db, table)
    report.done = report.done and all(count <= 1 for count in report.segments_after.values())
    report.seconds = time.perf_counter() - started
    return report
