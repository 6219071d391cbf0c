"""The bulk fill's writer by turns, its re-post lookups reading the LSH buckets from the tables
(as before bench/lsh_memory.py) and from memory: the same next records written onto fresh copies
of one archive, CPU and wall time a record.

    python -m bench.fill_turns /tmp/scale/scale-50000.db --records 3000 --turns 3

The archive is one of bench/fill.py's (`scale-N.db`, records 1..N); the records after it are made
beforehand, in other processes. The index in memory is loaded from the copy before the clock
starts (a fill builds it as it goes).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import time
from pathlib import Path
from typing import Any

from archive.transaction import WriteGroup
from bench.fill import BULK_GROUP, BulkWriter, Prepared, open_bulk, prepared
from bench.perf import load, say


def write_copy(archive: Path, items: list[Prepared], lookup: str) -> dict[str, Any]:
    copy = archive.with_name(f"turn-{archive.name}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(archive, copy)
    db = open_bulk(copy)
    writer = BulkWriter(db, lookup=lookup)
    group = WriteGroup(db)
    cpu, wall = time.process_time(), time.perf_counter()
    for item in items:
        if not group.open:
            group.begin()
        writer.write(item)
        if writer.made % BULK_GROUP == 0:
            writer.flush()
            group.commit()
    if group.open:
        writer.flush()
        group.commit()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    info = {"lookup": lookup, "records": len(items), "cpu_ms": 1000 * cpu / len(items),
            "wall_ms": 1000 * wall / len(items), "lookup_ms": 1000 * writer.lookup_seconds / max(1, writer.lookups),
            "memory_mib": writer.lsh.nbytes() / 2**20, "load": load()}
    db.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", type=Path, help="scale-N.db of bench/fill.py (its records 1..N)")
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--turns", type=int, default=3)
    args = parser.parse_args(argv)
    after = int(args.archive.stem.rsplit("-", 1)[1])
    items = list(prepared(after + 1, after + args.records + 1, max(1, (os.cpu_count() or 2) - 1)))
    say(f"{args.records} records after {after:,}, by turns (load {load()})")
    say("| lookup | CPU a record (ms) | wall a record (ms) | re-post lookup (ms) | buckets in memory (MiB) | load |")
    say("|---|---|---|---|---|---|")
    for _ in range(args.turns):
        for lookup in ("tables", "memory"):
            info = write_copy(args.archive, items, lookup)
            say(f"| {lookup} | {info['cpu_ms']:.3f} | {info['wall_ms']:.3f} | {info['lookup_ms']:.3f} |"
                f" {info['memory_mib']:.0f} | {info['load']} |")
    say(f"writer's peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
