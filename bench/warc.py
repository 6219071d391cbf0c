"""What web archives cost a crawl: `tinbai crawl --warc DIR` against the same crawl without it, and a
crawl replayed from the WARC it wrote against the plain one (replayed from the portal's manifest),
over a synthetic nghean.dcs.vn (bench/synth.py).

    python -m bench.warc                  # a 2,000-article portal, 3 rounds
    python -m bench.warc --articles 500 --rounds 2

Each round runs the three crawls in turn (plain, --warc, replay from the WARC; the next round in the
reverse order), each into a fresh archive, so that a drift of a shared machine's
speed weighs on all alike. Figures: wall and CPU seconds per page (the crawl's process and its archive
writer together, from os.wait4), the ratio of each to the plain crawl's in the same round, and the
WARC's bytes per page against the saved portal's.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.perf import load, run_child, say, tinbai
from bench.synth import Portal

KINDS = ("plain", "warc", "replay_warc")


def one_crawl(kind: str, portal: Path, work: Path, warc: Path) -> dict[str, Any]:
    db = work / f"{kind}.db"
    for leftover in work.glob(f"{kind}.db*"):
        leftover.unlink()
    args = ["crawl", "nghean", "--db", str(db)]
    if kind == "plain":
        args += ["--replay", str(portal)]
    elif kind == "warc":
        shutil.rmtree(warc, ignore_errors=True)
        args += ["--replay", str(portal), "--warc", str(warc)]
    else:
        args += ["--replay", str(warc)]
    child = run_child(tinbai(*args))
    if child.returncode not in (0, 1):
        raise RuntimeError(f"{kind}: tinbai crawl failed ({child.returncode}): {child.stderr[-2000:]}")
    summary = json.loads(child.stdout)[0]
    return {"wall": child.wall, "cpu": child.cpu, "pages": summary["pages"], "new": summary["new"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-warc-"))
    work.mkdir(parents=True, exist_ok=True)
    portal = work / "portal"
    if not (portal / "manifest.json").exists():
        say(f"writing a {args.articles}-article portal in {portal}")
        Portal().write(portal, args.articles)
    warc = work / "warc"
    # The WARC replayed is written once first, so that the first round can replay it too.
    one_crawl("warc", portal, work, warc)
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    for number in range(args.rounds):
        order = KINDS if number % 2 == 0 else tuple(reversed(KINDS))
        say(f"round {number + 1}: {', '.join(order)} (load {load()})")
        for kind in order:
            runs[kind].append(one_crawl(kind, portal, work, warc))
    news = {kind: {run["new"] for run in kind_runs} for kind, kind_runs in runs.items()}
    portal_bytes = sum(p.stat().st_size for p in portal.rglob("*") if p.is_file())
    warc_bytes = sum(p.stat().st_size for p in warc.glob("*.warc.gz"))
    pages = runs["warc"][0]["pages"]
    print(f"synthetic portal: {args.articles} articles, {pages} pages a crawl; {args.rounds} rounds; "
          f"articles archived by each kind: {news}")
    print(f"WARC: {warc_bytes / pages / 1024:.1f} KB a page ({warc_bytes / portal_bytes:.2f}x the saved portal's "
          f"{portal_bytes / pages / 1024:.1f} KB)")
    print(f"{'crawl':16} {'wall ms/page':>13} {'cpu ms/page':>12} {'wall vs plain':>14} {'cpu vs plain':>13}")
    for kind in KINDS:
        walls = [run["wall"] / run["pages"] * 1000 for run in runs[kind]]
        cpus = [run["cpu"] / run["pages"] * 1000 for run in runs[kind]]
        wall_ratios = [a["wall"] / b["wall"] for a, b in zip(runs[kind], runs["plain"], strict=True)]
        cpu_ratios = [a["cpu"] / b["cpu"] for a, b in zip(runs[kind], runs["plain"], strict=True)]
        print(f"{kind:16} {statistics.median(walls):13.2f} {statistics.median(cpus):12.2f} "
              f"{_spread(wall_ratios):>14} {_spread(cpu_ratios):>13}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _spread(values: list[float]) -> str:
    """The median ratio, and the range over the rounds: a difference inside the range is not shown."""
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


if __name__ == "__main__":
    sys.exit(main())
