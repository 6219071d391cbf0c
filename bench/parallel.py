"""Portals side by side: eight replayed portals crawled in one `tinbai crawl` against each alone, with
a live crawl's politeness kept on the replay (TINBAI_REPLAY_DELAY: one request at a time per host,
the delay between two, AutoThrottle), so that what is measured is politeness, not the machine.

    python -m bench.parallel                  # 8 portals of 10 to 80 articles, 0.2 s a request
    python -m bench.parallel --delay 0.1 --sizes 40,30,20,10

The portals are bench/synth.py's synthetic nghean.dcs.vn, each written under a host of its own
(tinhuy1.synth.example ...) and crawled by its URL, without a profile (discovery, the generic
extraction path). One replay set holds all eight hosts. Target: together they finish in little
more than the largest alone, not in the sum: `together / largest` is printed, with `sum / largest`
beside it for what crawling them one after another costs. Each crawl is a fresh archive.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synth import HOST, Portal

REPO = Path(__file__).resolve().parents[1]
OLD_HOST = HOST.removeprefix("https://").encode()


def host(number: int) -> str:
    return f"tinhuy{number}.synth.example"


def write_portals(directory: Path, sizes: list[int]) -> list[str]:
    """One replay set in `directory` holding a synthetic portal of each size, each under its own
    host; returns their home page URLs."""
    entries: list[dict] = []
    homes = []
    for number, size in enumerate(sizes, 1):
        name = host(number)
        source = directory / f"src-{number}"
        # A seed of its own: portals that shared their texts would archive each other's as re-posts.
        Portal(seed=number).write(source, size)
        manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))["pages"]
        for entry in manifest:
            entry["url"] = entry["url"].replace(HOST, f"https://{name}")
            if "Location" in entry.get("headers", {}):
                entry["headers"] = {**entry["headers"], "Location": entry["headers"]["Location"].replace(
                    HOST, f"https://{name}")}
            if entry.get("file"):
                target = Path(f"{name}/{entry['file']}")
                (directory / target).parent.mkdir(parents=True, exist_ok=True)
                body = (source / entry["file"]).read_bytes().replace(OLD_HOST, name.encode())
                (directory / target).write_bytes(body)
                entry["file"] = str(target)
            entries.append(entry)
        shutil.rmtree(source)
        homes.append(f"https://{name}/")
    (directory / "manifest.json").write_text(json.dumps({"pages": entries}), encoding="utf-8")
    return homes


def _tinbai() -> list[str]:
    beside = Path(sys.executable).with_name("tinbai")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "crawler.cli"]


def crawl(homes: list[str], replay: Path, db: Path, delay: float) -> tuple[float, list[dict]]:
    """Seconds `tinbai crawl HOMES...` took, and its runs' summaries."""
    started = time.perf_counter()
    result = subprocess.run(
        [*_tinbai(), "crawl", *homes, "--replay", str(replay), "--db", str(db), "-s", f"TINBAI_REPLAY_DELAY={delay}"],
        capture_output=True, text=True, cwd=REPO, timeout=3600,
    )
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise RuntimeError(f"crawl failed ({result.returncode}): {result.stderr[-2000:]}")
    return seconds, json.loads(result.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="80,70,60,50,40,30,20,10", help="Articles of each portal.")
    parser.add_argument("--delay", type=float, default=0.2, help="Seconds between two requests to a host.")
    parser.add_argument("--keep", type=Path, help="Write the replay set here and keep it.")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="tinbai-parallel-") as workdir:
        replay = args.keep or Path(workdir) / "portals"
        replay.mkdir(parents=True, exist_ok=True)
        homes = write_portals(replay, sizes)
        alone = []
        for number, home in enumerate(homes):
            seconds, [summary] = crawl([home], replay, Path(workdir) / f"alone-{number}.db", args.delay)
            alone.append({"home": home, "articles": sizes[number], "pages": summary["pages"],
                          "new": summary["new"], "seconds": round(seconds, 2)})
        together, summaries = crawl(homes, replay, Path(workdir) / "together.db", args.delay)
    largest = max(alone, key=lambda run: run["seconds"])
    total = sum(run["seconds"] for run in alone)
    figures = {
        "delay_s": args.delay, "portals": len(homes),
        "alone": alone,
        "together": {"seconds": round(together, 2), "pages": sum(s["pages"] for s in summaries),
                     "new": sum(s["new"] for s in summaries),
                     "statuses": sorted({s["status"] for s in summaries}),
                     "errors_by_kind": [s["errors_by_kind"] for s in summaries if s["errors_by_kind"]]},
        "largest_alone_s": largest["seconds"], "sum_alone_s": round(total, 2),
        "together_vs_largest": round(together / largest["seconds"], 3),
        "sum_vs_largest": round(total / largest["seconds"], 3),
    }
    print(json.dumps(figures, indent=1))
    print(f"\n{len(homes)} portals side by side: {together:.1f} s; the largest alone {largest['seconds']:.1f} s"
          f" (ratio {figures['together_vs_largest']}); one after another {total:.1f} s"
          f" (ratio {figures['sum_vs_largest']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
