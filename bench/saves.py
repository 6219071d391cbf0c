"""Where a save's time goes in an archive of bench/scale.py: the next records of the corpus saved in
commits of 100 (as the crawl's writer commits them at most), after some to warm the cache, timed
before and at the commit (wall and CPU), the pages each save writes to the write-ahead log and to
which table or index they belong, and the bytes read from outside the writer's page cache.

    python -m bench.saves /tmp/scale/scale-150000.db --after 150000 --saves 2000 --warm 500

The archive is written to: run it on a copy. The WAL is not checkpointed during the run, so that
every page written is still in it to be counted (dbstat names the B-tree of each).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import Any

from archive import open_archive
from archive.transaction import WriteGroup
from bench.nation import Corpus, Record
from bench.scale import COMMIT_EVERY, WRITER_CACHE_KB, NearClock, Writer

WAL_HEADER, FRAME_HEADER = 32, 24


def read_bytes() -> int:
    """Bytes this process has read through system calls (Linux): SQLite's pages read from outside
    its cache, from the file or the WAL."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar"):
            return int(line.split()[1])
    return 0


def wal_pages(wal: Path, start: int) -> Counter[int]:
    """How often each page number was written to the WAL from byte `start` on."""
    data = wal.read_bytes()
    page_size = int.from_bytes(data[8:12], "big")
    pages: Counter[int] = Counter()
    for offset in range(start, len(data) - FRAME_HEADER - page_size + 1, FRAME_HEADER + page_size):
        pages[int.from_bytes(data[offset : offset + 4], "big")] += 1
    return pages


def btree_names(path: Path, pages: set[int]) -> dict[int, str]:
    with sqlite3.connect(path) as conn:
        return {page: name for name, page in conn.execute("SELECT name, pageno FROM dbstat") if page in pages}


def measure(path: Path, after: int, saves: int, warm: int) -> dict[str, Any]:
    corpus = Corpus()
    records = [corpus.record(number) for number in range(after + 1, after + warm + saves + 1)]
    db = open_archive(path, cache_kb=WRITER_CACHE_KB)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    writer, group = Writer(db, made=after), WriteGroup(db)
    wal = Path(f"{path}-wal")

    def commit_group(chunk: list[Record]) -> tuple[float, float, float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        group.begin()
        for record in chunk:
            writer.write(record)
        written, written_cpu = time.perf_counter(), time.process_time()
        group.commit()
        return written - wall, written_cpu - cpu, time.perf_counter() - written, time.process_time() - written_cpu

    for start in range(0, warm, COMMIT_EVERY):
        commit_group(records[start : start + COMMIT_EVERY])
    timed = records[warm:]
    wal_start = wal.stat().st_size if wal.exists() else WAL_HEADER
    totals = [0.0] * 4
    read_before = read_bytes()
    with NearClock() as near:
        for start in range(0, len(timed), COMMIT_EVERY):
            totals = [a + b for a, b in zip(totals, commit_group(timed[start : start + COMMIT_EVERY]), strict=True)]
    read = read_bytes() - read_before
    pages = wal_pages(wal, max(wal_start, WAL_HEADER))
    writer.close_run()
    db.close()  # the WAL is read above, before closing checkpoints it
    names = btree_names(path, set(pages))
    by_btree: Counter[str] = Counter()
    for page, count in pages.items():
        by_btree[names.get(page, "(free now)")] += count
    n = len(timed)
    return {
        "archive": str(path), "articles": _articles(path), "saves": n, "outcomes": writer.counts,
        "ms_a_save": {"before_commit": 1000 * totals[0] / n, "commit": 1000 * totals[2] / n,
                      "before_commit_cpu": 1000 * totals[1] / n, "commit_cpu": 1000 * totals[3] / n,
                      "find_original": 1000 * near.seconds / max(1, near.calls)},
        "comparisons_a_save": near.comparisons / n,
        "wal_pages_a_save": sum(pages.values()) / n,
        "wal_pages_a_save_by_btree": {name: round(count / n, 2) for name, count in by_btree.most_common(20)},
        "kib_read_a_save": read / n / 1024,
    }


def _articles(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT max(id) FROM articles").fetchone()[0] or 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", type=Path, help="an archive of bench/scale.py (a copy: it is written to)")
    parser.add_argument("--after", type=int, required=True, help="the corpus's records saved so far (its size)")
    parser.add_argument("--saves", type=int, default=2000)
    parser.add_argument("--warm", type=int, default=500, help="saves before the timed ones, to warm the cache")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.archive, args.after, args.saves, args.warm), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
