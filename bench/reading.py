"""The reading room's cost over a large archive: what a search page adds to search() (the count of
every match, a page past the ranked window, newest first), and the browser's pages through Datasette.

    python -m bench.reading [--articles 100000] [--passes 5] [--keep DIR]

Fills an archive with bench/perf.py's synthetic articles (or reuses the one in --keep), then times,
for bench/perf.py's queries: search() (20 results, the figure of perf's search target), the count
alone, search_page() for page 1, for a page past the CANDIDATES ranked matches, and newest first;
then each page of the browser UI through Datasette's in-process client. Prints p50/p95/max in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archive import open_archive, save_article, search
from archive.query.search import CANDIDATES, count_sql, parse_query, search_page, to_fts_expression
from archive.schema import FTS_TABLE
from bench.perf import QUERIES, percentile, synthetic_article
from bench.synth import Portal


def fill(path: Path, articles: int) -> None:
    """The archive at `path` with `articles` synthetic articles (kept when it has them already)."""
    if path.exists():
        db = open_archive(path)
        have = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        db.close()
        if have == articles:
            return
        for stale in path.parent.glob(f"{path.name}*"):
            stale.unlink()
    portal = Portal()
    db = open_archive(path)
    started = time.perf_counter()
    for first in range(1, articles + 1, 1000):
        with db.atomic():
            for number in range(first, min(first + 1000, articles + 1)):
                save_article(db, synthetic_article(portal, number, articles))
        done = min(first + 999, articles)
        if done % 10_000 == 0 or done == articles:
            print(f"  filled {done:,} in {time.perf_counter() - started:.0f} s", flush=True)
    db.close()


def timed(run: Callable[[], Any], passes: int) -> list[float]:
    times = []
    for _ in range(passes):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(percentile(ordered, 95), 1),
            "max_ms": round(ordered[-1], 1)}


def library(path: Path, passes: int) -> dict[str, Any]:
    db = open_archive(path, readonly=True)

    def count(query: str) -> int:
        expression = to_fts_expression(parse_query(query))
        return int(db.execute(count_sql(fts_table=FTS_TABLE, match=":e", where="1"), {"e": expression}).fetchone()[0])

    operations: dict[str, Callable[[str], Any]] = {
        "search() 20 results": lambda query: search(db, query, limit=20),
        "count of every match": count,
        "search_page() page 1 (count + 20)": lambda query: search_page(db, query, limit=20),
        f"search_page() past the {CANDIDATES} ranked (offset 2000)": lambda query: search_page(
            db, query, offset=2000, limit=20),
        "search_page() newest first": lambda query: search_page(db, query, limit=20, order="newest"),
    }
    for query in QUERIES:  # warm the page cache once, as a server that has been up a while
        for run in operations.values():
            run(query)
    results: dict[str, Any] = {"matches": {query: count(query) for query in QUERIES}}
    for name, run in operations.items():
        times = [ms for query in QUERIES for ms in timed(lambda query=query, run=run: run(query), passes)]
        results[name] = summary(times)
    db.close()
    return results


def browser(path: Path, passes: int) -> dict[str, Any]:
    from archive.query.ui import make_datasette

    name = path.stem
    db = open_archive(path, readonly=True)
    article = db.execute("SELECT max(id) FROM articles").fetchone()[0]
    db.close()
    pages = {
        "search page (dang uy)": f"/{name}/search?q=dang+uy",
        "search page 3 (nghe an, portal filter)": f"/{name}/search?q=nghe+an&site=nghean&page=3",
        "search feed (dang uy)": f"/{name}/search.atom?q=dang+uy",
        "article page": f"/{name}/articles/{article}",
        "versions page": f"/{name}/articles/{article}/versions",
        "portal page": f"/{name}/portal/nghean",
        "portal feed": f"/{name}/portal/nghean.atom",
    }

    async def measure() -> dict[str, Any]:
        datasette = make_datasette(path)
        await datasette.invoke_startup()
        results: dict[str, Any] = {}
        for label, url in pages.items():
            response = await datasette.client.get(url)  # warm
            assert response.status_code == 200, (url, response.status_code)
            times = []
            for _ in range(passes):
                started = time.perf_counter()
                await datasette.client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            results[label] = summary(times)
        return results

    return asyncio.run(measure())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--passes", type=int, default=5, help="timed runs of each query and page")
    parser.add_argument("--keep", type=Path, help="keep the archive in this directory (and reuse it)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="tinbai-reading-"))
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"reading-{args.articles}.db"
    print(f"archive of {args.articles:,} synthetic articles: {path}", flush=True)
    fill(path, args.articles)
    results = {"articles": args.articles, "library": library(path, args.passes),
               "browser": browser(path, args.passes)}
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nmatches per query: {json.dumps(results['library'].pop('matches'), ensure_ascii=False)}\n")
    print(f"| over {args.articles:,} articles, {len(QUERIES)} queries x {args.passes} | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    for section in ("library", "browser"):
        for name, figures in results[section].items():
            print(f"| {name} | {figures['p50_ms']} | {figures['p95_ms']} | {figures['max_ms']} |")
    if args.keep is None:
        for file in work.glob("*"):
            file.unlink()
        work.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
