"""Performance benchmark: extraction, the offline crawl, archive writes, search, memory, re-extraction
and incremental runs, in one run, over a synthetic nghean.dcs.vn (bench/synth.py) built in a temp dir.

    python -m bench.perf                       # 5,000- and 20,000-article portals, 100,000-article archive
    python -m bench.perf --quick               # a small smoke run (a minute or two)

What is measured, and against what:
1. extraction pages/s on a sample of the portal's article pages, interleaved in chunks so that a
   change in the machine's load hits every extractor alike: lxml parsing alone (the floor), the
   portal's profile, the generic path (crawler.extract.ArticlePage) and plain trafilatura
   (`trafilatura.extract(html, url=url, include_comments=False)`);
2. `tinbai crawl nghean --replay DIR --db X` end to end, pages/s over the extraction-only rate: the
   profile extracting the same portal's article pages one after another in a process of its own,
   read right before and right after the crawl (the machine's speed drifts by a third within an
   hour, so a rate read minutes earlier, as in 1, is no baseline); beside it, the CPU a page costs in
   the crawl's process and in its archive writer (each sampled from /proc every 0.1 s), and the
   rate that CPU would allow with the two processes never waiting (crawl_bound). The portal's saved
   pages are read once before the crawl (read_portal), as the extraction-only pages are read before
   their clock starts: the replay then reads them from the page cache, not the disk;
3. archive.save_article (dedup check + insert, one transaction each) per second on a batch when
   the archive holds 1,000 and 100,000 synthetic records: two archive files, filled first, then
   timed by turns (a tenth of each batch at a time), so that both rates are read at the same moments;
4. archive.search latency, p50/p95, over the 100,000 records, Vietnamese queries with and without
   diacritics;
5. the crawl's peak memory: its two processes' resident memory summed, and the larger one's, sampled
   every 0.1 s (not wait4's ru_maxrss, which counts this process's own memory: run_child);
6. `tinbai reextract --processes 1` against `--processes 2` on the first portal's archive, run in
   the order 1, 2, 2, 1 so that a drift of the machine's speed weighs on both alike;
7. the requests a second, incremental `tinbai crawl` makes over the unchanged portal.

Rates are given by the wall clock and by CPU time (user + system of the measuring process or of the
child): on a shared machine the wall clock carries other people's load, CPU time does not. The
crawl's target is read on the wall clock: its archive writer runs in a process of its own, so its
CPU time (both processes) is what a page costs, not how fast pages go.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import lxml.html
import trafilatura

from archive import open_archive, save_article, search
from bench.synth import LAST, Portal, Story
from crawler import sites
from crawler.extract import Article, ArticlePage, Image, Page, extract

REPO = Path(__file__).resolve().parents[1]

# Half with diacritics, half typed without, as people search: names of bodies, places, topics,
# a quoted phrase, a rare place and a common word.
QUERIES = (
    "Đảng ủy", "dang uy", "Nghệ An", "nghe an", "chuyển đổi số", "chuyen doi so", "nông thôn mới",
    "nong thon moi", "Ban Thường vụ Tỉnh ủy", "ban thuong vu tinh uy", "cải cách hành chính",
    "cai cach hanh chinh", '"kiểm tra, giám sát"', '"kiem tra giam sat"', "Quỳnh Lưu", "quynh luu",
    "đảng viên", "dang vien", "Kỳ Sơn giảm nghèo", "ky son giam ngheo", "phòng chống tham nhũng",
    "phong chong tham nhung", "Hồ Chí Minh", "ho chi minh",
)
TARGETS = {
    "profile_vs_trafilatura": 10.0,
    "generic_vs_trafilatura": 1.0,
    "crawl_vs_extraction": 0.5,
    "write_rate_drop": 1.3,
    "search_p95_ms": 50.0,
    "crawl_rss_mb": 400.0,
    "crawl_rss_growth": 1.5,
    "reextract_speedup": 1.7,
}


@dataclass
class Clock:
    """Wall and CPU seconds accumulated over many timed calls."""

    wall: float = 0.0
    cpu: float = 0.0
    calls: int = 0

    def time(self, run: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu
        self.calls += 1
        return result

    def rate(self, cpu: bool = False) -> float:
        seconds = self.cpu if cpu else self.wall
        return self.calls / seconds if seconds else 0.0


@dataclass
class Child:
    """A finished subprocess: wall seconds, CPU seconds (its own and its children's), peak RSS."""

    wall: float
    cpu: float
    max_rss_mb: float  # the largest process, sampled
    returncode: int
    stdout: str
    stderr: str
    rss_together_mb: float = 0.0  # the crawl's processes summed, sampled
    # CPU seconds of each descendant (not the command's own process), as last sampled: a process's
    # final 0.1 s can be missed.
    descendants_cpu: dict[int, float] = field(default_factory=dict)


def run_child(args: list[str]) -> Child:
    """Run a command, read its CPU time from os.wait4 (it and its children), and sample the resident
    memory of it and its children every 0.1 s: the largest process and all of them together.

    Not wait4's ru_maxrss: Linux counts in it the memory of this process at the moment the child
    was forked and exec'd (a /bin/true started from a process holding 300 MB reports 311 MB), and
    this process holds the synthetic portal it built: 280 MB at 20,000 articles."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, cwd=REPO)
        peaks = [0.0, 0.0]  # the largest process, all together (KB)
        cpu: dict[int, float] = {}
        done = threading.Event()
        sampler = threading.Thread(target=_sample, args=(process.pid, peaks, cpu, done), daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        done.set()
        sampler.join()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu.pop(process.pid, None)
        return Child(wall, usage.ru_utime + usage.ru_stime, peaks[0] / 1024, process.returncode,
                     out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                     peaks[1] / 1024, cpu)


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float | None:
    """User + system seconds of a live process (/proc/PID/stat, fields 14 and 15)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            todo += [int(child) for child in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:
            pass
    return found


def _sample(pid: int, peaks: list[float], cpu: dict[int, float], done: threading.Event) -> None:
    """The highest resident memory of one process among `pid` and its descendants, and of all of
    them together (the crawl and its archive writer), in KB; the CPU seconds of each, last seen."""
    while not done.wait(0.1):
        pids = _descendants(pid)
        sizes = [_rss_kb(p) for p in pids]
        peaks[0] = max(peaks[0], max(sizes, default=0))
        peaks[1] = max(peaks[1], sum(sizes))
        for p in pids:
            seconds = _cpu_seconds(p)
            if seconds is not None:
                cpu[p] = seconds


def tinbai(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("tinbai")), *args]


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- 1. extraction -----------------------------------------------------------------------------


@dataclass
class Sample:
    story: Story
    body: bytes
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})

    def page(self) -> Page:
        return Page(url=self.story.url, body=self.body, headers=self.headers)


def extraction(portal_dir: Path, portal: Portal, articles: int, size: int, chunk: int = 10) -> dict[str, Any]:
    """Pages/s of each extractor on `size` article pages spread over the portal."""
    step = max(1, articles // size)
    samples = [
        Sample(story, (portal_dir / f"pages/tin/{story.portal_id}.html").read_bytes())
        for story in (portal.story(n) for n in range(1, articles + 1, step))
    ][:size]
    profile = sites.get("nghean").page_class
    extractors: dict[str, Callable[[Sample], Any]] = {
        "lxml parse (floor)": lambda s: lxml.html.document_fromstring(s.body),
        "tinbai profile": lambda s: extract(s.page(), profile),
        "tinbai generic": lambda s: extract(s.page(), ArticlePage),
        "trafilatura": lambda s: trafilatura.extract(s.body, url=s.story.url, include_comments=False),
    }
    clocks = {name: Clock() for name in extractors}
    for run in extractors.values():  # first calls load code and compile selectors: not timed
        for sample in samples[:3]:
            run(sample)
    right = 0
    for start in range(0, len(samples), chunk):
        for name, run in extractors.items():
            for sample in samples[start : start + chunk]:
                result = clocks[name].time(lambda run=run, sample=sample: run(sample))
                if name == "tinbai profile":
                    right += result.title == sample.story.title and result.text == sample.story.text
    mean_kb = sum(len(s.body) for s in samples) / len(samples) / 1024
    return {"pages": len(samples), "mean_page_kb": round(mean_kb, 1), "profile_records_right": right,
            "rates": {name: {"wall": c.rate(), "cpu": c.rate(cpu=True)} for name, c in clocks.items()}}


# --- 2, 5, 6, 7. crawl, memory, re-extraction, incremental run ---------------------------------

# Article pages the crawl's extraction-only rate is read on (spread over the portal when it has more).
ALONE_PAGES = 5000


def extraction_alone(portal_dir: Path) -> dict[str, Any]:
    """The crawl's own work without the crawl: the profile's extraction of the portal's article
    pages, one after the other, in a fresh process (`--extract-alone`), bodies read beforehand."""
    child = run_child([sys.executable, "-m", "bench.perf", "--extract-alone", str(portal_dir)])
    if child.returncode != 0:
        raise RuntimeError(f"extraction alone failed ({child.returncode}): {child.stderr[-2000:]}")
    return json.loads(child.stdout)


def _extract_alone(portal_dir: Path) -> dict[str, Any]:
    manifest = json.loads((portal_dir / "manifest.json").read_text(encoding="utf-8"))["pages"]
    entries = [entry for entry in manifest if "/vi-vn/tin/" in entry["url"]]
    entries = entries[:: max(1, len(entries) // ALONE_PAGES)][:ALONE_PAGES]
    pages = [Page(url=entry["url"], body=(portal_dir / entry["file"]).read_bytes(),
                  headers=entry.get("headers") or {"Content-Type": "text/html; charset=utf-8"}) for entry in entries]
    profile = sites.get("nghean").page_class
    for page in pages[:3]:  # loading code and compiling selectors: not timed
        extract(page, profile)
    clock = Clock()
    right = 0
    for page in pages:
        right += bool(clock.time(lambda page=page: extract(page, profile)).text)
    return {"pages": len(pages), "with_text": right, "wall": clock.rate(), "cpu": clock.rate(cpu=True)}


def read_portal(portal_dir: Path) -> dict[str, Any]:
    """Read every saved page of the portal once, as the crawl will: the crawl's replay then reads
    them from the system's page cache, as the extraction-only rate's pages are read before its
    clock starts. This machine keeps little in that cache (a saved page read from the disk cost
    147-180 us, from the cache 13-25 us): without this, the ratio of 2 would weigh how much of a
    1 GB portal the system happened to keep since it was written, not the crawl's own work."""
    manifest = json.loads((portal_dir / "manifest.json").read_text(encoding="utf-8"))["pages"]
    files = [portal_dir / entry["file"] for entry in manifest if entry.get("file")]
    started = time.perf_counter()
    size = sum(len(path.read_bytes()) for path in files)
    seconds = time.perf_counter() - started
    return {"files": len(files), "mb": round(size / 2**20), "seconds": seconds, "us_a_file": seconds / len(files) * 1e6}


def crawl(portal_dir: Path, db: Path) -> dict[str, Any]:
    child = run_child(tinbai("crawl", "nghean", "--replay", str(portal_dir), "--db", str(db)))
    if child.returncode not in (0, 1):
        raise RuntimeError(f"tinbai crawl failed ({child.returncode}): {child.stderr[-2000:]}")
    summary = json.loads(child.stdout)[0]
    # The run's own log (errors only) says why a page was not saved: kept for the JSON output.
    log = child.stderr[-4000:] if summary.get("errors") else ""
    # The archive writer is the busiest descendant (the others: multiprocessing's resource tracker).
    writer = max(child.descendants_cpu.values(), default=0.0)
    return {"log_tail": log, "wall": child.wall, "cpu": child.cpu, "max_rss_mb": child.max_rss_mb,
            "rss_together_mb": child.rss_together_mb, "summary": summary,
            "cpu_crawl_process": child.cpu - sum(child.descendants_cpu.values()), "cpu_writer": writer,
            "pages_per_s": summary["pages"] / child.wall, "pages_per_cpu_s": summary["pages"] / child.cpu}


def crawl_bound(run: dict[str, Any], cores: int) -> float:
    """Pages/s the crawl would make if nothing waited: the CPU it used, its two processes side by
    side on `cores` cores. Neither process can go faster than its own CPU time, and both together
    no faster than their sum spread over the cores."""
    seconds = max(run["cpu_crawl_process"], run["cpu_writer"], run["cpu"] / max(1, cores))
    return float(run["summary"]["pages"]) / seconds


def reextract(db: Path, processes: int) -> dict[str, Any]:
    child = run_child(tinbai("reextract", "--db", str(db), "--processes", str(processes)))
    if child.returncode != 0:
        raise RuntimeError(f"tinbai reextract failed ({child.returncode}): {child.stderr[-2000:]}")
    counts = json.loads(child.stdout)
    return {"wall": child.wall, "cpu": child.cpu, "max_rss_mb": child.max_rss_mb,
            "articles": counts["articles"], "processes": counts["processes"],
            "articles_per_s": counts["articles"] / child.wall}


# Every run over the same archive does the same work (the records re-extracted are those stored).
REEXTRACT_ORDER = (1, 2, 2, 1)


def _together(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Runs of one kind as one: seconds summed, each run's figures kept."""
    wall, cpu = sum(run["wall"] for run in runs), sum(run["cpu"] for run in runs)
    articles = sum(run["articles"] for run in runs)
    return {"wall": wall, "cpu": cpu, "max_rss_mb": max(run["max_rss_mb"] for run in runs),
            "articles": runs[0]["articles"], "processes": runs[0]["processes"],
            "articles_per_s": articles / wall, "runs": runs}


# --- 3, 4. archive writes and search -----------------------------------------------------------

# Turns the timed saves of each archive size are split into (archive()).
ROUNDS = 10


def synthetic_article(portal: Portal, number: int, total: int) -> Article:
    """Archive record `number` of `total`: a story's fields, published 50 minutes apart."""
    story = portal.make_story(number)
    published = LAST - (total - number) * timedelta(minutes=50)
    return Article(
        url=story.url, site="nghean", title=story.title, text=story.text, published=published.isoformat(),
        author=story.author, category=story.category[2], summary=story.lead, source=story.source,
        images=(Image(story.image[1], story.image[2]),) if story.image else (), extraction="profile:nghean",
    )


@dataclass
class Filled:
    """One archive file filled with the first `made` synthetic records of `total`."""

    db: Any
    total: int
    made: int = 0

    def save_next(self, portal: Portal) -> None:
        self.made += 1
        save_article(self.db, synthetic_article(portal, self.made, self.total))


def archive(path: Path, portal: Portal, sizes: tuple[int, ...], batch: int, queries: int,
            rounds: int = ROUNDS) -> dict[str, Any]:
    """An archive file for each size, filled with save_article; then one-transaction saves timed in
    each of them by turns; then search over the largest."""
    total = sizes[-1] + batch
    results: dict[str, Any] = {"batches": [], "fill": []}
    archives: list[Filled] = []
    files = [path.with_name(f"{path.stem}-{size}{path.suffix}") for size in sizes]
    for size, file in zip(sizes, files, strict=True):
        for stale in path.parent.glob(f"{file.name}*"):
            stale.unlink()
        filled = Filled(open_archive(file), total)
        archives.append(filled)
        while filled.made < size:
            # Filling: a thousand saves per transaction (nested atomic()s become savepoints), so the
            # archive grows without paying a disk flush per article.
            clock = Clock()
            with filled.db.atomic():
                for _ in range(min(1000, size - filled.made)):
                    clock.time(lambda filled=filled: filled.save_next(portal))
            if filled.made % 10_000 == 0 or filled.made == size:
                results["fill"].append({"articles": filled.made, "saves_per_s": clock.rate(),
                                        "per_cpu_s": clock.rate(True)})
                say(f"  archive: {filled.made} articles, {clock.rate():.0f} saves/s (load {load()})")

    # The sizes' saves by turns, `rounds` turns each, in alternating order: the machine's speed
    # drifts by a third within an hour, and filling 100,000 articles takes minutes, so rates read
    # one after the other would compare two moments, not two sizes.
    new = [Clock() for _ in archives]
    again = [Clock() for _ in archives]
    saved = [iter(range(filled.made + 1, filled.made + batch + 1)) for filled in archives]
    share = [batch // rounds + (1 if turn < batch % rounds else 0) for turn in range(rounds)]
    for clocks, duplicate in ((new, False), (again, True)):
        for turn, count in enumerate(share):
            order = range(len(archives)) if turn % 2 == 0 else reversed(range(len(archives)))
            for index in order:
                filled = archives[index]
                for _ in range(count):
                    if duplicate:
                        # The same records again: the duplicate path (URL known, same content: only
                        # last_seen moves).
                        article = synthetic_article(portal, next(saved[index]), total)
                        clocks[index].time(lambda article=article, db=filled.db: save_article(db, article))
                    else:
                        clocks[index].time(lambda filled=filled: filled.save_next(portal))
    for size, new_clock, again_clock in zip(sizes, new, again, strict=True):
        results["batches"].append({
            "articles": size, "rounds": rounds, "new_per_s": new_clock.rate(), "new_per_cpu_s": new_clock.rate(True),
            "duplicate_per_s": again_clock.rate(), "duplicate_per_cpu_s": again_clock.rate(True),
        })
        say(f"  archive at {size}: {new_clock.rate():.0f} new saves/s, {again_clock.rate():.0f} duplicate saves/s")
    for filled in archives[:-1]:
        filled.db.close()
    db, made = archives[-1].db, archives[-1].made

    latencies: dict[str, list[float]] = {query: [] for query in QUERIES}
    hits: dict[str, int] = {}
    for query in QUERIES:  # warm the page cache once, as a server that has been up a while
        hits[query] = len(search(db, query))
    for _ in range(queries):
        for query in QUERIES:
            started = time.perf_counter()
            search(db, query)
            latencies[query].append((time.perf_counter() - started) * 1000)
    every = sorted(ms for values in latencies.values() for ms in values)
    per_query = {q: round(statistics.median(v), 1) for q, v in latencies.items()}
    slowest = max(per_query, key=lambda q: per_query[q])
    results["search"] = {
        "articles": made, "queries": len(every),
        "p50_ms": percentile(every, 50), "p95_ms": percentile(every, 95), "max_ms": every[-1],
        "per_query_p50_ms": per_query, "hits": hits, "slowest": search_breakdown(db, slowest),
    }
    db.close()
    results["file_mb"] = files[-1].stat().st_size / 2**20
    return results


def search_breakdown(db: Any, query: str) -> dict[str, Any]:
    """Where one query's time goes under the bounded plan (archive/query/search.py's docstring): counting
    every match, taking the newest CANDIDATES, the phrase and NEAR tiers among them, search()."""
    from archive.query.search import CANDIDATES, parse_query, ranking_expressions, to_fts_expression
    from archive.schema import FTS_TABLE

    terms = parse_query(query)
    expression, (phrase, near) = to_fts_expression(terms), ranking_expressions(terms)
    fts = f"[{FTS_TABLE}]"
    newest = f"SELECT rowid FROM {fts} WHERE {fts} MATCH :e ORDER BY rowid DESC LIMIT {CANDIDATES + 1}"
    low = f"(SELECT min(rowid) FROM ({newest}))"
    steps = {
        "count matches": f"SELECT count(*) FROM {fts} WHERE {fts} MATCH :e",
        f"newest {CANDIDATES + 1} matches": f"SELECT count(*) FROM ({newest})",
        "phrase tier among them": f"SELECT count(*) FROM {fts} WHERE {fts} MATCH :p AND rowid >= {low}",
        "near tier among them": f"SELECT count(*) FROM {fts} WHERE {fts} MATCH :n AND rowid >= {low}",
    }
    breakdown: dict[str, Any] = {"query": query}
    for name, sql in steps.items():
        started = time.perf_counter()
        row = db.execute(sql, {"e": expression, "p": phrase, "n": near}).fetchall()
        breakdown[f"{name} ms"] = round((time.perf_counter() - started) * 1000, 1)
        breakdown[f"{name} rows"] = row[0][0]
    started = time.perf_counter()
    search(db, query)
    breakdown["search() ms"] = round((time.perf_counter() - started) * 1000, 1)
    return breakdown


def percentile(sorted_values: list[float], p: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


# --- the run -----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    import sqlite3

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": memory, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "lxml": ".".join(map(str, lxml.etree.LXML_VERSION[:3])),
            "trafilatura": trafilatura.__version__, "system": platform.platform()}


def report(results: dict[str, Any]) -> str:
    """The figures as a Markdown table, each beside its target."""
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, value: str, target: str = "", met: bool | None = None) -> None:
        rows.append((name, value, target, "" if met is None else ("yes" if met else "**no**")))

    ex = results["extraction"]
    rates = ex["rates"]
    for name, r in rates.items():
        row(f"extraction: {name} (pages/s, {ex['pages']} pages of {ex['mean_page_kb']} KB)",
            f"{r['wall']:.1f} wall, {r['cpu']:.1f} CPU")
    base = rates["trafilatura"]
    for key, name in (("profile_vs_trafilatura", "tinbai profile"), ("generic_vs_trafilatura", "tinbai generic")):
        wall, cpu = rates[name]["wall"] / base["wall"], rates[name]["cpu"] / base["cpu"]
        row(f"{name} / trafilatura", f"{wall:.2f}× wall, {cpu:.2f}× CPU", f"≥ {TARGETS[key]}",
            min(wall, cpu) >= TARGETS[key])
    floor = rates["lxml parse (floor)"]
    row("tinbai profile / lxml parse alone", f"{rates['tinbai profile']['cpu'] / floor['cpu']:.2f}× CPU")

    profile = rates["tinbai profile"]
    crawls = results["crawls"]
    for size, c in crawls.items():
        s = c["first"]["summary"]
        row(f"crawl {size}: pages, new, errors", f"{s['pages']}, {s['new']}, {s['errors']}")
        alone = c["extraction_alone"]
        alone_wall = statistics.mean(a["wall"] for a in alone)
        alone_cpu = statistics.mean(a["cpu"] for a in alone)
        wall, cpu = c["first"]["pages_per_s"] / alone_wall, c["first"]["pages_per_cpu_s"] / alone_cpu
        row(f"crawl {size}: extraction alone, before and after the crawl (pages/s, {alone[0]['pages']} pages)",
            f"{alone[0]['wall']:.1f} and {alone[1]['wall']:.1f} wall, "
            f"{alone[0]['cpu']:.1f} and {alone[1]['cpu']:.1f} CPU")
        # Throughput is the wall clock: the crawl uses a core for extraction and one for its
        # archive writer. Its CPU rate (both processes) says what each page costs.
        if "read" in c:
            read = c["read"]
            row(f"crawl {size}: the portal's saved pages read before the crawl (a file)",
                f"{read['files']} files, {read['mb']} MB in {read['seconds']:.1f} s ({read['us_a_file']:.0f} µs)")
        row(f"crawl {size}: pages/s (÷ extraction alone)",
            f"{c['first']['pages_per_s']:.1f} wall ({wall:.2f}×), {c['first']['pages_per_cpu_s']:.1f} CPU ({cpu:.2f}×)",
            f"≥ {TARGETS['crawl_vs_extraction']}× wall", wall >= TARGETS["crawl_vs_extraction"])
        first, pages = c["first"], s["pages"]
        row(f"crawl {size}: CPU a page, the crawl's process and its archive writer (cores busy)",
            f"{first['cpu_crawl_process'] / pages * 1e3:.2f} ms and {first['cpu_writer'] / pages * 1e3:.2f} ms "
            f"({first['cpu'] / first['wall']:.2f} of {results['machine']['cores']})")
        row(f"crawl {size}: the most that CPU allows (÷ extraction alone)",
            f"{crawl_bound(first, results['machine']['cores']) / alone_wall:.2f}×")
        row(f"crawl {size}: pages/s ÷ the profile's rate in 1 (interleaved, read earlier)",
            f"{c['first']['pages_per_s'] / profile['wall']:.2f}× wall")
        row(f"crawl {size}: peak RSS, crawl and writer together (largest process alone)",
            f"{c['first']['rss_together_mb']:.0f} MB ({c['first']['max_rss_mb']:.0f} MB)",
            f"< {TARGETS['crawl_rss_mb']:.0f} MB", c["first"]["rss_together_mb"] < TARGETS["crawl_rss_mb"])
        second = c["second"]
        row(f"crawl {size}: second incremental run", f"{second['summary']['pages']} requests, "
            f"{second['summary']['new']} new, {second['wall']:.1f} s")
    if len(crawls) > 1:
        first, last = list(crawls.values())[0]["first"], list(crawls.values())[-1]["first"]
        growth = last["rss_together_mb"] / first["rss_together_mb"]
        row("crawl peak RSS growth (together), largest ÷ smallest", f"{growth:.2f}×",
            f"< {TARGETS['crawl_rss_growth']}×", growth < TARGETS["crawl_rss_growth"])

    if "reextract" in results:
        one, two = results["reextract"]["1"], results["reextract"]["2"]
        speedup = one["wall"] / two["wall"]
        row(f"reextract {one['articles']}: 1 process, 2 processes (runs in the order "
            f"{', '.join(map(str, REEXTRACT_ORDER))})",
            f"{one['articles_per_s']:.1f}/s, {two['articles_per_s']:.1f}/s")
        row("reextract speed-up, 2 processes ÷ 1", f"{speedup:.2f}×", f"≥ {TARGETS['reextract_speedup']}×",
            speedup >= TARGETS["reextract_speedup"])

    ar = results["archive"]
    small, large = ar["batches"][0], ar["batches"][-1]
    for b in ar["batches"]:
        row(f"archive writes at {b['articles']}: new, duplicate (saves/s, {b['rounds']} turns by size)",
            f"{b['new_per_s']:.0f} ({b['new_per_cpu_s']:.0f} CPU), {b['duplicate_per_s']:.0f} "
            f"({b['duplicate_per_cpu_s']:.0f} CPU)")
    drop = small["new_per_s"] / large["new_per_s"]
    drop_cpu = small["new_per_cpu_s"] / large["new_per_cpu_s"]
    row(f"archive write rate at {small['articles']} ÷ at {large['articles']}", f"{drop:.2f}× wall, {drop_cpu:.2f}× CPU",
        f"≤ {TARGETS['write_rate_drop']}×", max(drop, drop_cpu) <= TARGETS["write_rate_drop"])
    se = ar["search"]
    row(f"search over {se['articles']} ({se['queries']} queries): p50, p95, max",
        f"{se['p50_ms']:.1f} ms, {se['p95_ms']:.1f} ms, {se['max_ms']:.1f} ms",
        f"p95 < {TARGETS['search_p95_ms']:.0f} ms", se["p95_ms"] < TARGETS["search_p95_ms"])

    row("search: the slowest query, where its time goes", ", ".join(f"{k}: {v}" for k, v in se["slowest"].items()))

    lines = ["| measure | value | target | met |", "|---|---|---|---|"]
    lines += [f"| {' | '.join(r)} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000,20000", help="articles in each synthetic portal crawled")
    parser.add_argument("--archive-sizes", default="1000,100000", help="archive sizes where writes are timed")
    parser.add_argument("--batch", type=int, default=1000, help="saves timed at each archive size")
    parser.add_argument("--sample", type=int, default=300, help="article pages in the extraction comparison")
    parser.add_argument("--queries", type=int, default=5, help="passes over the search queries")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--skip", default="", help="comma-separated: crawl, reextract, archive")
    parser.add_argument("--extract-alone", type=Path, help=argparse.SUPPRESS)  # extraction_alone()'s child
    args = parser.parse_args(argv)
    if args.extract_alone:
        print(json.dumps(_extract_alone(args.extract_alone)))
        return 0
    if args.quick:
        args.sizes, args.archive_sizes, args.batch, args.sample, args.queries = "200,600", "300,2000", 100, 20, 2
    sizes = [int(s) for s in args.sizes.split(",")]
    archive_sizes = tuple(int(s) for s in args.archive_sizes.split(","))
    skip = set(filter(None, args.skip.split(",")))

    work = args.keep or Path(tempfile.mkdtemp(prefix="tinbai-perf-"))
    work.mkdir(parents=True, exist_ok=True)
    portal = Portal()
    results: dict[str, Any] = {"machine": machine(), "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
                               "load_start": load(), "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    try:
        results["crawls"] = {}
        for size in sizes:
            directory = work / f"portal-{size}"
            started = time.perf_counter()
            if not (directory / "manifest.json").exists():
                counts = portal.write(directory, size)
                say(f"portal {size}: {counts} in {time.perf_counter() - started:.0f} s")
            if size == sizes[-1]:
                say(f"extraction on {args.sample} pages (load {load()})")
                results["extraction"] = extraction(directory, portal, size, args.sample)
            if "crawl" in skip:
                continue
            db = work / f"crawl-{size}.db"
            for stale in work.glob(f"crawl-{size}.db*"):
                stale.unlink()
            say(f"crawl {size} (load {load()})")
            # The extraction-only rate is read right before and right after the crawl, so that the
            # ratio compares two figures taken under the same load.
            alone = [extraction_alone(directory)]
            read = read_portal(directory)
            first = crawl(directory, db)
            alone.append(extraction_alone(directory))
            say(f"  {first['summary']['pages']} pages in {first['wall']:.0f} s, {first['rss_together_mb']:.0f} MB;"
                f" extraction alone {alone[0]['wall']:.0f} and {alone[1]['wall']:.0f} pages/s")
            second = crawl(directory, db)
            results["crawls"][size] = {"first": first, "second": second, "extraction_alone": alone, "read": read}
        if "crawl" not in skip and "reextract" not in skip:
            db = work / f"crawl-{sizes[0]}.db"
            runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
            for processes in REEXTRACT_ORDER:
                say(f"reextract {sizes[0]} with {processes} process(es) (load {load()})")
                runs[processes].append(reextract(db, processes))
            results["reextract"] = {str(processes): _together(done) for processes, done in runs.items()}
        if "archive" not in skip:
            path = work / "archive.db"  # archive-1000.db, archive-100000.db
            say(f"archive writes at {archive_sizes}, then search (load {load()})")
            results["archive"] = archive(path, portal, archive_sizes, args.batch, args.queries)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    results["load_end"] = load()
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"machine: {results['machine']}")
    print(f"command: {results['command']}  started {results['started']}")
    print(f"load average (1, 5, 15 min): {results['load_start']} at the start, {results['load_end']} at the end\n")
    if "crawl" not in skip and "archive" not in skip:
        print(report(results))
    else:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
