"""National scale: the archive of 40 portals' whole history (2,000,000 articles, bench/nation.py),
filled through the archive's own API and measured where a user meets it.

    python -m bench.scale --work /tmp/scale                 # 10,000, 500,000 and 2,000,000 articles
    python -m bench.scale --quick --work /tmp/scale-quick   # 300, 1,500 and 4,000: a smoke run
    python -m bench.scale --work /tmp/scale --only measure  # measure archives filled by an earlier run

What is measured, and against what (the targets of issue 23):
1. fill: one archive filled with the corpus as a crawl's archive writer saves it (save_article(), the
   URL's crawl state, a run every RUN_EVERY articles, crawler/apply/recorder.py), copied aside when
   it holds each smaller size, so the three archives hold the same first articles. By default the
   rows are written in bulk (bench/fill.py: the archive saves would give, tests/test_bench_fill.py
   compares them, about ten times as fast); `--fill saves` saves each record through
   save_article() in transactions of FILL_GROUP saves, the records made in a second process;
2. saves/s at each size by turns: ROUNDS turns, each archive taking its share of the next records
   in each turn, committed every 100 as the writer does, the order alternating; the 2,000,000
   rate against the 10,000 one (target: at least 0.8x), and the near-duplicate lookup's share of
   a save (find_original(): the signature, then the candidates in the LSH buckets and their
   comparison);
3. search p50/p95 over the largest archive: common words ("dang uy", "tinh uy"), rare words, phrases,
   each alone, with a portal and with a date range (target: p95 < 50 ms), through archive.search;
   the UI's search page the same, over HTTP on loopback from `tinbai serve`;
4. `tinbai stats`, `tinbai runs`, and a portal's articles faceted by month in the UI: each under 1 s
   (the command's wall time, its start included, and the archive call alone);
5. disk: bytes an article for each part of the file (dbstat), the whole file, against the raw pages'
   size as fetched;
6. memory: a crawl into the largest archive (its plan of known URLs loaded for the portal) and its
   archive writer, each under 400 MB;
7. re-extraction: `tinbai reextract --site S --processes 2` on the profiled portal and on a generic
   one, the rate per process, and the whole archive's time from them; `--since` on the last month;
8. `tinbai backup` and `tinbai check` on the largest archive, when the installed tinbai has them.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import archive.near as near
import archive.store as store
from archive import open_archive, record_fetch, record_listing, save_article, search
from archive.query.filters import Filters
from archive.runs import finish_run, start_run
from archive.transaction import WriteGroup
from bench.nation import PORTALS, Corpus, Record
from bench.perf import Clock, load, percentile, run_child, say, tinbai

SIZES = (10_000, 500_000, 2_000_000)
QUICK_SIZES = (300, 1_500, 4_000)
FILL_GROUP = 1000  # saves per transaction while filling
COMMIT_EVERY = 100  # saves per transaction in the timed turns: the crawl writer's group at most
RUN_EVERY = 8  # a crawl run recorded every this many articles: ~250,000 runs at 2,000,000
LISTING_EVERY = 20  # a listing page read every this many articles (20 articles a page)
ROUNDS = 10
WRITER_CACHE_KB = 64 * 1024  # crawler/apply/recorder.py's WRITE_CACHE_KB
TARGETS = {"write_rate_ratio": 0.8, "search_p95_ms": 50.0, "command_s": 1.0, "rss_mb": 400.0}


def archive_path(work: Path, size: int) -> Path:
    return work / f"scale-{size}.db"


# --- 1. fill -------------------------------------------------------------------------------------

_corpus: Corpus | None = None


def _make(start: int, stop: int) -> list[Record]:
    global _corpus
    if _corpus is None:
        _corpus = Corpus()
    return [_corpus.record(number) for number in range(start, stop)]


def records(start: int, stop: int, chunk: int = 500, ahead: int = 4) -> Iterator[Record]:
    """Records start..stop-1, made in a process of their own (a record costs ~0.5 ms to make: a
    fifth of a save), in order, at most `ahead` chunks made before they are saved."""
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        pending: deque[Any] = deque()
        next_start = start
        while pending or next_start < stop:
            while len(pending) < ahead and next_start < stop:
                end = min(stop, next_start + chunk)
                pending.append(pool.apply_async(_make, (next_start, end)))
                next_start = end
            yield from pending.popleft().get()


@dataclass
class Writer:
    """What a crawl's archive writer does for each record: save it, remember its URL's state, and
    now and then a listing page and a run."""

    db: Any
    made: int = 0
    raw_bytes: int = 0  # the pages' size as fetched, for the disk figures
    run_id: int | None = None
    run_site: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    def write(self, record: Record) -> None:
        article = record.article
        if self.made % RUN_EVERY == 0:
            self._next_run(article.site)
        result = save_article(self.db, article, page=record.page, fetched_at=record.fetched_at,
                              site_article_id=record.site_article_id)
        record_fetch(self.db, article.url, site=article.site, kind="article", status=200,
                     headers=record.page.headers, when=record.fetched_at)
        if self.made % LISTING_EVERY == 0:
            listing = article.url.split("/vi-vn/")[0] + f"/vi-vn/chuyen-muc/tin/1-2?page={self.made // 800 + 1}"
            record_listing(self.db, listing, site=article.site, status=200, queued=[])
        self.counts[result.status] = self.counts.get(result.status, 0) + 1
        if result.status in ("new", "updated"):
            self.raw_bytes += len(record.page.body)
        self.made += 1

    def _next_run(self, site: str) -> None:
        if self.run_id is not None:
            finish_run(self.db, self.run_id, status="ok", counts={"pages": RUN_EVERY, "new": RUN_EVERY}, errors={})
        self.run_id, self.run_site = start_run(self.db, site), site

    def close_run(self) -> None:
        if self.run_id is not None:
            finish_run(self.db, self.run_id, status="ok", counts={"pages": RUN_EVERY, "new": RUN_EVERY}, errors={})
            self.run_id = None


class NearClock:
    """Time spent in find_original() (a new article's signature and its LSH lookup) during saves, and
    the texts its lookups compared (archive/near.py, differ_in_specifics)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self.comparisons = 0
        self._original = store.find_original
        self._compare = near.differ_in_specifics

    def __enter__(self) -> NearClock:
        original, compare = self._original, self._compare

        def counted(first: str, second: str) -> bool:
            self.comparisons += 1
            return compare(first, second)

        near.differ_in_specifics = counted  # type: ignore[assignment]

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        store.find_original = timed  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        store.find_original = self._original  # type: ignore[assignment]
        near.differ_in_specifics = self._compare  # type: ignore[assignment]


def fill_by_saves(work: Path, sizes: tuple[int, ...]) -> dict[str, Any]:
    """Fill the largest archive save by save, copying it aside at each smaller size."""
    largest = archive_path(work, sizes[-1])
    for stale in work.glob("scale-*.db*"):
        stale.unlink()
    db = open_archive(largest, cache_kb=WRITER_CACHE_KB)
    writer = Writer(db)
    group = WriteGroup(db)
    progress: list[dict[str, Any]] = []
    raw: dict[int, int] = {}
    started = time.perf_counter()
    window = (time.perf_counter(), 0)
    report_every = max(1000, sizes[-1] // 40)
    with NearClock() as clock:
        near_before = (0.0, 0)
        for record in records(1, sizes[-1] + 1):
            if not group.open:
                group.begin()
            writer.write(record)
            if writer.made % FILL_GROUP == 0:
                group.commit()
            if writer.made % report_every == 0:
                now = time.perf_counter()
                rate = (writer.made - window[1]) / (now - window[0])
                near_ms = (clock.seconds - near_before[0]) / max(1, clock.calls - near_before[1]) * 1000
                progress.append({"articles": writer.made, "saves_per_s": round(rate, 1), "near_ms": round(near_ms, 3),
                                 "elapsed_s": round(now - started)})
                say(f"  fill: {writer.made} saved, {rate:.0f}/s, find_original {near_ms:.2f} ms (load {load()})")
                window, near_before = (now, writer.made), (clock.seconds, clock.calls)
            if writer.made in sizes[:-1]:
                group.commit()
                raw[writer.made] = writer.raw_bytes
                db.close()  # checkpoints the WAL into the file, which is then copied whole
                shutil.copyfile(largest, archive_path(work, writer.made))
                db = open_archive(largest, cache_kb=WRITER_CACHE_KB)
                writer.db, group = db, WriteGroup(db)
    if group.open:
        group.commit()
    writer.close_run()
    raw[writer.made] = writer.raw_bytes
    db.close()
    info = {"sizes": list(sizes), "how": "saves", "seconds": time.perf_counter() - started, "progress": progress,
            "raw_page_bytes": raw, "saves": writer.counts}
    (work / "fill.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info


# --- 2. saves by turns -----------------------------------------------------------------------------


def rotation(work: Path, sizes: tuple[int, ...], batch: int, rounds: int = ROUNDS) -> list[dict[str, Any]]:
    """`batch` new records saved into each archive, a tenth at a time by turns, the order
    alternating, each archive's next records after its own last (the same kinds of article at
    every size: news, district reports, re-posts, edits)."""
    archives = [open_archive(archive_path(work, size), cache_kb=WRITER_CACHE_KB) for size in sizes]
    corpus = Corpus()
    # Each archive's next record: after the records of earlier turns (saved again, they would be
    # duplicates, which cost a tenth of a new article).
    state = work / "turns.json"
    saved = {int(size): done for size, done in json.loads(state.read_text()).items()} if state.exists() else {}
    starts = [saved.get(size, size) for size in sizes]
    writers = [Writer(db, made=start) for db, start in zip(archives, starts, strict=True)]
    clocks = [Clock() for _ in sizes]
    near_clocks = [[0.0, 0, 0] for _ in sizes]
    share = [batch // rounds + (1 if turn < batch % rounds else 0) for turn in range(rounds)]
    # The records are made before the clock starts (a record costs as much to make at any size).
    pending = [[corpus.record(number) for number in range(start + 1, start + batch + 1)] for start in starts]
    for turn, count in enumerate(share):
        order = range(len(sizes)) if turn % 2 == 0 else reversed(range(len(sizes)))
        for index in order:
            writer, group = writers[index], WriteGroup(archives[index])
            todo, pending[index] = pending[index][:count], pending[index][count:]
            with NearClock() as near_clock:
                for start in range(0, len(todo), COMMIT_EVERY):
                    chunk = todo[start : start + COMMIT_EVERY]

                    def write(chunk: list[Record] = chunk, writer: Writer = writer, group: WriteGroup = group) -> None:
                        group.begin()
                        for record in chunk:
                            writer.write(record)
                        group.commit()

                    clocks[index].time(write)
                    clocks[index].calls += len(chunk) - 1  # a call per save, not per group
            near_clocks[index][0] += near_clock.seconds
            near_clocks[index][1] += near_clock.calls
            near_clocks[index][2] += near_clock.comparisons
    saved.update({size: start + batch for size, start in zip(sizes, starts, strict=True)})
    state.write_text(json.dumps(saved), encoding="utf-8")
    results = []
    for size, writer, clock, (near_seconds, near_calls, compared) in zip(sizes, writers, clocks, near_clocks,
                                                                        strict=True):
        writer.close_run()
        writer.db.close()
        results.append({
            "articles": size, "saves": clock.calls, "saves_per_s": clock.rate(), "saves_per_cpu_s": clock.rate(True),
            "ms_a_save": 1000 / clock.rate() if clock.rate() else 0.0,
            "find_original_ms": near_seconds / max(1, near_calls) * 1000,
            "find_original_ms_a_save": near_seconds / max(1, clock.calls) * 1000,
            "comparisons_a_save": compared / max(1, clock.calls),
            "outcomes": writer.counts,
        })
        say(f"  turns at {size}: {clock.rate():.0f} saves/s, find_original {results[-1]['find_original_ms']:.2f} ms")
    return results


# --- 3. search ---------------------------------------------------------------------------------------

# (label, query, filters): the words people type, common and rare, and phrases, alone and narrowed
# to a portal, to six months, and to a portal and a year, within the years the archive spans.
def search_cases(first_year: int = 2010, last_year: int = 2026) -> list[tuple[str, str, Filters]]:
    portal = PORTALS[8]  # Thanh Hóa, a portal of average size
    middle = (first_year + last_year) // 2
    words = [("common", "dang uy"), ("common", "tinh uy"), ("common", "Đảng ủy"), ("phrase", '"ban thuong vu tinh uy"'),
             ("phrase", '"chuyen doi so"'), ("rare", portal.places[3]), ("rare", PORTALS[20].people[5]),
             ("rare", PORTALS[33].places[10]), ("words", "nong thon moi Quang Tri"),
             ("words", "dai hoi dang bo nhiem ky 2025-2030")]
    cases: list[tuple[str, str, Filters]] = []
    for kind, query in words:
        cases.append((f"{kind}", query, Filters()))
        cases.append((f"{kind} + portal", query, Filters(site=portal.site)))
        cases.append((f"{kind} + dates", query, Filters(since=f"{middle}-03", until=f"{middle}-08")))
        cases.append((f"{kind} + portal + dates", query, Filters(site=portal.site, since=str(last_year),
                                                                  until=str(last_year))))
    return cases


def archive_years(db: Any) -> tuple[int, int]:
    from archive.runs import stats

    ranges = [(row["first_published"], row["last_published"]) for row in stats(db) if row["first_published"]]
    return int(min(first for first, _ in ranges)[:4]), int(max(last for _, last in ranges)[:4])


def search_latency(db: Any, passes: int) -> dict[str, Any]:
    cases = search_cases(*archive_years(db))
    hits = {}
    for label, query, filters in cases:  # warm: a server that has been up a while
        hits[f"{label}: {query}"] = len(search(db, query, filters=filters))
    timings: dict[str, list[float]] = {f"{label}: {query}": [] for label, query, _ in cases}
    # The CPU time of each search beside its wall time: on a machine shared with other work the
    # wall time is the CPU time plus the wait for a core.
    cpu: dict[str, list[float]] = {name: [] for name in timings}
    for _ in range(passes):
        for label, query, filters in cases:
            started, cpu_started = time.perf_counter(), time.process_time()
            search(db, query, filters=filters)
            timings[f"{label}: {query}"].append((time.perf_counter() - started) * 1000)
            cpu[f"{label}: {query}"].append((time.process_time() - cpu_started) * 1000)
    every = sorted(ms for values in timings.values() for ms in values)
    every_cpu = sorted(ms for values in cpu.values() for ms in values)
    per_case = {name: round(statistics.median(values), 1) for name, values in timings.items()}
    return {"queries": len(every), "p50_ms": percentile(every, 50), "p95_ms": percentile(every, 95),
            "max_ms": every[-1], "per_case_p50_ms": per_case, "per_kind_ms": per_kind(timings), "hits": hits,
            "cpu_p50_ms": percentile(every_cpu, 50), "cpu_p95_ms": percentile(every_cpu, 95),
            "cpu_per_kind_ms": per_kind(cpu)}


def per_kind(timings: dict[str, list[float]]) -> dict[str, list[float]]:
    """p50 and p95 of every timing of each kind of query ("common + portal": its cases' runs together)."""
    kinds: dict[str, list[float]] = {}
    for name, values in timings.items():
        kinds.setdefault(name.split(":")[0].removeprefix("search "), []).extend(values)
    return {kind: [round(percentile(sorted(values), 50), 1), round(percentile(sorted(values), 95), 1)]
            for kind, values in kinds.items()}


# --- 3b, 4. the UI over HTTP, the commands -----------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, body


def ui_latency(path: Path, passes: int) -> dict[str, Any]:
    """The reading room's search page (every case of search_cases(), its filters as the page's form
    sends them), its portal page (articles by month and the portal's figures), and a portal's
    articles faceted by month in Datasette's table page, timed over HTTP on loopback from
    `tinbai serve`."""
    port = _free_port()
    server = subprocess.Popen(tinbai("serve", "--db", str(path), "--port", str(port)),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/{path.stem}"
    try:
        for _ in range(300):
            try:
                _get(f"http://127.0.0.1:{port}/-/versions.json")
                break
            except OSError:
                time.sleep(0.1)
        with open_archive(path, readonly=True) as db:
            cases = search_cases(*archive_years(db))
        pages = {}
        for label, query, filters in cases:
            form = {"q": query, "site": filters.site or "", "since": filters.since or "", "until": filters.until or ""}
            pages[f"search {label}: {query}"] = f"{base}/search?{urllib.parse.urlencode(form)}"
        portal = PORTALS[8].site
        # Nghệ An's: the portal page's route takes a key without a dot (not a host as the others').
        portal_page = f"{base}/portal/{PORTALS[0].site}"
        months = f"{base}/articles?{urllib.parse.urlencode({'site': portal, '_facet': 'published_month'})}"
        months_json = f"{base}/articles.json?{urllib.parse.urlencode({'site': portal, '_facet': 'published_month'})}"
        for url in [*pages.values(), portal_page, months]:
            _get(url)  # warm
        _, body = _get(months_json)
        facet = json.loads(body).get("facet_results", {})
        facet = facet.get("results", facet)  # Datasette 1.0 nests them
        month_facet = facet.get("published_month", {})
        timings: dict[str, list[float]] = {name: [] for name in pages}
        extra = {"portal page": portal_page, "portal's articles by month": months,
                 "portal's articles by month (json)": months_json}
        timings.update({name: [] for name in extra})
        for _ in range(passes):
            for name, url in [*pages.items(), *extra.items()]:
                timings[name].append(_get(url)[0])
        searches = sorted(ms for name, values in timings.items() if name.startswith("search") for ms in values)
        plain = sorted(ms for name, values in timings.items() if name.startswith("search")
                       and "+" not in name.split(":")[0] for ms in values)
        return {
            "search_p50_ms": percentile(searches, 50), "search_p95_ms": percentile(searches, 95),
            "search_max_ms": searches[-1], "search_unfiltered_p95_ms": percentile(plain, 95),
            "per_page_p50_ms": {k: round(statistics.median(v), 1) for k, v in timings.items()},
            "per_kind_ms": per_kind({k: v for k, v in timings.items() if k.startswith("search")}),
            "months_facet": {"timed_out": bool(month_facet.get("timed_out")),
                             "values": len(month_facet.get("results", []))},
            "months_p50_ms": statistics.median(timings["portal's articles by month"]),
            "months_max_ms": max(timings["portal's articles by month"]),
            "portal_page_p50_ms": statistics.median(timings["portal page"]),
            "portal_page_max_ms": max(timings["portal page"]),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def command_times(path: Path, repeat: int = 3) -> dict[str, Any]:
    """`tinbai stats`, `tinbai runs` (and of one portal): the command's wall time, start included."""
    commands = {"stats": ["stats"], "runs": ["runs"], "runs --site": ["runs", "--site", PORTALS[8].site],
                "start only (--help)": ["stats", "--help"]}
    results: dict[str, Any] = {}
    for name, args in commands.items():
        walls = []
        for _ in range(repeat):
            child = run_child(tinbai(*args, *(["--db", str(path)] if "--help" not in args else [])))
            if child.returncode != 0:
                raise RuntimeError(f"tinbai {' '.join(args)} failed: {child.stderr[-2000:]}")
            walls.append(child.wall)
        results[name] = {"wall_s": min(walls), "walls_s": walls}
    from archive.runs import recent_runs, stats

    with open_archive(path, readonly=True) as db:
        for name, call in (("stats()", lambda: stats(db)), ("recent_runs()", lambda: recent_runs(db)),
                           ("recent_runs(site)", lambda: recent_runs(db, site=PORTALS[8].site))):
            seconds = []
            for _ in range(repeat):
                started = time.perf_counter()
                call()
                seconds.append(time.perf_counter() - started)
            results[name] = {"wall_s": min(seconds), "walls_s": seconds}
    return results


# --- 5. disk ---------------------------------------------------------------------------------------------


def disk(path: Path, raw_page_bytes: int) -> dict[str, Any]:
    from archive.usage import disk_usage

    with open_archive(path, readonly=True) as db:
        usage = disk_usage(db)
    size = path.stat().st_size
    count = usage["articles"]
    return {"file_bytes": size, "articles": count, "bytes_an_article": size / count,
            "parts_an_article": {part: round(bytes_ / count) for part, bytes_ in usage["parts"].items()},
            "raw_page_bytes": raw_page_bytes, "file_over_raw_pages": size / raw_page_bytes if raw_page_bytes else None}


# --- 6. a crawl into the largest archive ---------------------------------------------------------------


def crawl_set(directory: Path, archived: int, new: int) -> dict[str, int]:
    """A replay set of Nghệ An (the profiled portal) as it stands after the archive's last article:
    `new` articles the archive has not seen, then the newest archived ones, on a listing of 20 a
    page, the home page linking it, and robots.txt. The crawl reads the plan of every URL of the
    portal the archive knows, fetches the new articles and the known ones its schedule says are
    due, and stops at the first listing page that is all known."""
    from bench.nation import PORTALS as portals

    corpus = Corpus()
    nghean = portals[0]
    host = f"https://{nghean.host}"
    fresh, number = [], archived
    while len(fresh) < new:
        number += 1
        record = corpus.record(number)
        if record.article.site == nghean.site and record.kind in ("news", "report"):
            fresh.append(record)
    known, number = [], archived
    while len(known) < 300 and number > 0:
        record = corpus.record(number)
        if record.article.site == nghean.site and record.kind in ("news", "report"):
            known.append(record)
        number -= 1
    (directory / "pages").mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, Any]] = [{"url": f"{host}/robots.txt", "file": "robots.txt",
                                      "headers": {"Content-Type": "text/plain"}}]
    (directory / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    listing = f"{host}/vi-vn/chuyen-muc/xay-dung-dang/1-2"
    home = f'<html><head><title>Tỉnh ủy Nghệ An</title></head><body><a href="{listing}">Xây dựng Đảng</a></body></html>'
    (directory / "pages/home.html").write_text(home, encoding="utf-8")
    entries.append({"url": f"{host}/", "file": "pages/home.html"})
    listed = [*reversed(fresh), *known]
    pages = -(-len(listed) // 20)
    for page in range(1, pages + 1):
        items = "".join(f'<div class="news-item"><h3><a href="{r.article.url}">{r.article.title}</a></h3></div>'
                        for r in listed[(page - 1) * 20 : page * 20])
        more = f'<a href="{listing}?page={page + 1}">Trang sau</a>' if page < pages else ""
        name = f"pages/listing-{page}.html"
        (directory / name).write_text(f"<html><body>{items}{more}</body></html>", encoding="utf-8")
        entries.append({"url": listing + (f"?page={page}" if page > 1 else ""), "file": name})
    for index, record in enumerate(listed):
        name = f"pages/article-{index}.html"
        (directory / name).write_bytes(record.page.body)
        entries.append({"url": record.article.url, "file": name})
    (directory / "manifest.json").write_text(json.dumps({"pages": entries}), encoding="utf-8")
    return {"new": len(fresh), "known": len(known), "listing_pages": pages}


def crawl_memory(work: Path, path: Path, archived: int, new: int) -> dict[str, Any]:
    directory = work / "crawl-set"
    shutil.rmtree(directory, ignore_errors=True)
    made = crawl_set(directory, archived, new)
    child = run_child(tinbai("crawl", "nghean", "--replay", str(directory), "--db", str(path)))
    if child.returncode not in (0, 1):
        raise RuntimeError(f"tinbai crawl failed ({child.returncode}): {child.stderr[-2000:]}")
    summary = json.loads(child.stdout)[0]
    from archive import load_plan

    with open_archive(path, readonly=True) as db:
        known = len(load_plan(db, "nghean").known)
    return {"set": made, "summary": summary, "wall_s": child.wall, "largest_process_mb": child.max_rss_mb,
            "together_mb": child.rss_together_mb, "portal_urls_in_plan": known}


# --- 7. re-extraction ------------------------------------------------------------------------------------


def reextraction(path: Path, processes: int = 2) -> dict[str, Any]:
    """The profiled portal and a portal read by the generic path, each whole; the last day by --since."""
    from archive.usage import articles_by_site, last_fetch

    with open_archive(path, readonly=True) as db:
        per_site, last = articles_by_site(db), last_fetch(db) or "2026"
    runs: dict[str, Any] = {}
    # The generic path on the smallest portal read by it: 3 to 10 times the profile's time a page.
    generic_site = min((site for site in per_site if site != "nghean"), key=lambda site: per_site[site])
    cases = (("profile (nghean)", ["--site", "nghean"]), (f"generic ({generic_site})", ["--site", generic_site]),
             (f"--since {last[:10]}", ["--since", last[:10]]))
    for name, args in cases:
        child = run_child(tinbai("reextract", "--db", str(path), "--processes", str(processes), *args))
        if child.returncode != 0:
            raise RuntimeError(f"tinbai reextract {args} failed: {child.stderr[-2000:]}")
        counts = json.loads(child.stdout)
        runs[name] = {"articles": counts["articles"], "updated": counts["updated"], "failed": counts["failed"],
                      "wall_s": child.wall, "cpu_s": child.cpu, "articles_per_s": counts["articles"] / child.wall,
                      "per_process_per_s": counts["articles"] / child.wall / processes,
                      "largest_process_mb": child.max_rss_mb}
    profile, generic = runs["profile (nghean)"], runs[f"generic ({generic_site})"]
    others = sum(count for site, count in per_site.items() if site != "nghean")
    seconds = per_site.get("nghean", 0) / profile["articles_per_s"] + others / generic["articles_per_s"]
    return {"runs": runs, "processes": processes, "whole_archive_hours": seconds / 3600,
            "articles": sum(per_site.values())}


# --- 8. backup and check (issue 19's commands, when installed) ------------------------------------------


def backup_and_check(work: Path, path: Path, archived: int) -> dict[str, Any]:
    """`tinbai check`, then `tinbai backup` with a crawl of new articles writing into the archive
    meanwhile: both times, whether the crawl's articles are all in the archive after it, and whether
    the backup holds the archive as it was at one moment (between the articles before and after)."""
    listed = subprocess.run(tinbai("--help"), capture_output=True, text=True).stdout
    if " backup " not in listed or " check " not in listed:
        return {"available": False}
    results: dict[str, Any] = {"available": True}
    child = run_child(tinbai("check", "--db", str(path)))
    results["check"] = {"wall_s": child.wall, "exit": child.returncode, "out": child.stdout[-500:],
                        "rss_mb": child.max_rss_mb}
    copy = work / "backup.db"
    copy.unlink(missing_ok=True)
    # The backup is a whole copy of the archive: on a disk that cannot hold it (with a tenth to
    # spare for the other engineers' work), it is not made, and the table says so.
    needed, free = int(path.stat().st_size * 1.1), shutil.disk_usage(work).free
    if needed > free:
        results["backup"] = {"skipped": f"{free / 2**30:.1f} GiB free for a copy of {needed / 2**30:.1f} GiB"}
        return results
    before = _count(path)
    backup = subprocess.Popen(tinbai("backup", str(copy), "--db", str(path)), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    started = time.perf_counter()
    time.sleep(2)
    directory = work / "crawl-set-2"
    shutil.rmtree(directory, ignore_errors=True)
    crawl_set(directory, archived + 5000, 50)
    during = run_child(tinbai("crawl", "nghean", "--replay", str(directory), "--db", str(path)))
    crawl_ended = time.perf_counter() - started
    out, err = backup.communicate()
    after = _count(path)
    summary = json.loads(during.stdout)[0] if during.stdout.strip() else None
    backed_up = json.loads(out).get("articles") if out.strip() else None
    results["backup"] = {"wall_s": time.perf_counter() - started, "exit": backup.returncode, "err": err[-500:],
                         "bytes": copy.stat().st_size if copy.exists() else 0, "articles": backed_up,
                         "articles_before": before, "articles_after": after,
                         "consistent": backed_up is not None and before <= backed_up <= after}
    results["crawl_during_backup"] = {"exit": during.returncode, "wall_s": during.wall, "ended_s": crawl_ended,
                                      "summary": summary, "err": during.stderr[-500:],
                                      "new_kept": summary is not None and after - before == summary.get("new")}
    copy.unlink(missing_ok=True)
    return results


# --- the run -----------------------------------------------------------------------------------------


def archived_sizes(work: Path, sizes: tuple[int, ...]) -> dict[int, int]:
    """The articles each archive holds (a fill stopped early leaves the largest smaller than named)."""
    from archive.usage import article_count

    found = {}
    for size in sizes:
        if archive_path(work, size).exists():
            with open_archive(archive_path(work, size)) as db:  # writable: applies pending migrations once
                found[size] = article_count(db)
    return found


def measure(work: Path, sizes: tuple[int, ...], *, batch: int, passes: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    started = time.perf_counter()
    results["archived"] = archived_sizes(work, sizes)
    results["open_and_migrate_s"] = time.perf_counter() - started
    fill_info = json.loads((work / "fill.json").read_text()) if (work / "fill.json").exists() else {}
    largest_name = sizes[-1]
    largest = archive_path(work, largest_name)
    archived = results["archived"][largest_name]
    say(f"saves by turns at {results['archived']} (load {load()})")
    results["turns"] = rotation(work, sizes, batch)
    archived += batch
    say(f"disk (load {load()})")
    raw = fill_info.get("raw_page_bytes", {}).get(str(largest_name)) or sampled_raw_bytes(largest)
    results["disk"] = disk(largest, raw)
    say(f"search (load {load()})")
    with open_archive(largest, readonly=True) as db:
        results["search"] = search_latency(db, passes)
    say(f"UI (load {load()})")
    results["ui"] = ui_latency(largest, passes)
    say(f"commands (load {load()})")
    results["commands"] = command_times(largest)
    say(f"re-extraction (load {load()})")
    results["reextract"] = reextraction(largest)
    say(f"crawl (load {load()})")
    results["crawl"] = crawl_memory(work, largest, archived, new=1000 if largest_name > 100_000 else 30)
    say(f"backup and check (load {load()})")
    results["backup_check"] = backup_and_check(work, largest, archived + 2000)
    return results


def optimize(path: Path) -> dict[str, Any]:
    """`tinbai optimize` on `path` (the full-text indexes merged into one segment each, as
    deploy/crontab runs it every night): its wall time and what it printed."""
    say(f"optimize {path.name} (load {load()})")
    started = time.perf_counter()
    done = subprocess.run(tinbai("optimize", "--db", str(path)), capture_output=True, text=True, check=True)
    return {"wall_s": time.perf_counter() - started, **json.loads(done.stdout)}


def sampled_raw_bytes(path: Path) -> int:
    from archive.usage import raw_page_bytes

    with open_archive(path, readonly=True) as db:
        return raw_page_bytes(db)


def report(results: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, value: str, target: str = "", met: bool | None = None) -> None:
        rows.append((name, value, target, "" if met is None else ("yes" if met else "**no**")))

    if "turns" in results and "search" in results:
        _report_measures(results, row)
    elif "search" in results:
        row("archive (articles held)", f"{results['search_articles']:,}")
        if "optimize" in results:
            merged = results["optimize"]
            row("`tinbai optimize` first: segments before, after (folded index, exact index)",
                f"{merged['segments_before']}, {merged['segments_after']}; {merged['wall_s']:.1f} s")
        _report_search(results, row)
        _report_portal(results["ui"], row)
    for merge in results.get("merge", {}).get("merges", []):
        row(f"merge {merge['source']} ({merge['round']}): {merge['articles']:,} articles, {merge['new']:,} new, "
            f"{merge['merged']:,} the same article ({merge['changed']:,} changed)",
            f"{merge['wall_s']:.0f} s, {merge['articles_per_s']:.0f} articles/s")
    if "merge" in results:
        row("merged archive", f"{results['merge']['target_articles']:,} articles")
    lines = [f"started {results['started']}, load {results['load_start']} at the start, "
             f"{results['load_end']} at the end",
             "", "| measure | value | target | met |", "|---|---|---|---|"]
    lines += [f"| {' | '.join(r)} |" for r in rows]
    return "\n".join(lines)


def _report_search(results: dict[str, Any], row: Any) -> None:
    se = results["search"]
    row(f"search, {se['queries']} queries (p50, p95, max)", f"{se['p50_ms']:.1f}, {se['p95_ms']:.1f}, "
        f"{se['max_ms']:.1f} ms", f"p95 < {TARGETS['search_p95_ms']:.0f} ms", se["p95_ms"] < TARGETS["search_p95_ms"])
    by_kind: dict[str, list[float]] = {}
    for name, ms in se["per_case_p50_ms"].items():
        by_kind.setdefault(name.split(":")[0], []).append(ms)
    row("search p50 by kind (min-max of the cases)", "; ".join(
        f"{kind} {min(values):.0f}-{max(values):.0f}" for kind, values in by_kind.items()) + " ms")
    row("search p50, p95 by kind (every run of its cases)", "; ".join(
        f"{kind} {p50:.0f}, {p95:.0f}" for kind, (p50, p95) in se.get("per_kind_ms", {}).items()) + " ms")
    if "cpu_p50_ms" in se:
        row("search, CPU time (p50, p95); by kind", f"{se['cpu_p50_ms']:.1f}, {se['cpu_p95_ms']:.1f} ms; " + "; ".join(
            f"{kind} {p50:.0f}, {p95:.0f}" for kind, (p50, p95) in se["cpu_per_kind_ms"].items()) + " ms")
    slowest = sorted(se["per_case_p50_ms"].items(), key=lambda item: -item[1])[:3]
    row("search: the slowest cases (p50)", "; ".join(f"{name} {ms} ms" for name, ms in slowest))
    ui = results["ui"]
    row("UI search page over HTTP, every case above (p50, p95, max)", f"{ui['search_p50_ms']:.1f}, "
        f"{ui['search_p95_ms']:.1f}, {ui['search_max_ms']:.1f} ms", f"p95 < {TARGETS['search_p95_ms']:.0f} ms",
        ui["search_p95_ms"] < TARGETS["search_p95_ms"])
    row("UI search page, the unfiltered cases (p95)", f"{ui['search_unfiltered_p95_ms']:.1f} ms")
    row("UI search page p50, p95 by kind", "; ".join(
        f"{kind} {p50:.0f}, {p95:.0f}" for kind, (p50, p95) in ui.get("per_kind_ms", {}).items()) + " ms")
    slowest = sorted(((name, ms) for name, ms in ui["per_page_p50_ms"].items() if name.startswith("search")),
                     key=lambda item: -item[1])[:3]
    row("UI search page: the slowest cases (p50)", "; ".join(f"{name} {ms} ms" for name, ms in slowest))


def _report_portal(ui: dict[str, Any], row: Any) -> None:
    row("UI: a portal's page (articles by month, figures) (p50, max)",
        f"{ui['portal_page_p50_ms']:.0f}, {ui['portal_page_max_ms']:.0f} ms", "< 1 s", ui["portal_page_max_ms"] < 1000)
    facet = ui["months_facet"]
    row("UI: a portal's articles faceted by month, Datasette's table page (p50, max)",
        f"{ui['months_p50_ms']:.0f}, {ui['months_max_ms']:.0f} ms; "
        f"{facet['values']} months shown{', facet timed out' if facet['timed_out'] else ''}", "< 1 s",
        ui["months_max_ms"] < 1000 and not facet["timed_out"])


def _report_measures(results: dict[str, Any], row: Any) -> None:
    archived = results["archived"]
    row("archives (named size: articles held)", ", ".join(f"{k}: {v}" for k, v in archived.items()))
    row("first writable open of the three (pending migrations applied)", f"{results['open_and_migrate_s']:.1f} s")
    turns = results["turns"]
    for t in turns:
        row(f"saves at {archived[t['articles']]:,} ({t['saves']} by turns, commits of {COMMIT_EVERY})",
            f"{t['saves_per_s']:.0f}/s wall, {t['saves_per_cpu_s']:.0f}/s CPU; find_original "
            f"{t['find_original_ms']:.2f} ms a new article ({t['find_original_ms_a_save'] / t['ms_a_save'] * 100:.0f}%"
            f" of a save)")
    ratio = turns[-1]["saves_per_s"] / turns[0]["saves_per_s"]
    ratio_cpu = turns[-1]["saves_per_cpu_s"] / turns[0]["saves_per_cpu_s"]
    row("saves/s at the largest ÷ at the smallest", f"{ratio:.2f}× wall, {ratio_cpu:.2f}× CPU",
        f"≥ {TARGETS['write_rate_ratio']}×", min(ratio, ratio_cpu) >= TARGETS["write_rate_ratio"])
    _report_search(results, row)
    _report_portal(results["ui"], row)
    for name, timing in results["commands"].items():
        limit = name not in ("start only (--help)",)
        row(f"`tinbai {name}`" if "(" not in name else name, f"{timing['wall_s']:.2f} s",
            "< 1 s" if limit else "", timing["wall_s"] < TARGETS["command_s"] if limit else None)
    disk = results["disk"]
    row(f"file at {disk['articles']:,} articles", f"{disk['file_bytes'] / 2**30:.2f} GiB, "
        f"{disk['bytes_an_article'] / 1024:.1f} KiB an article")
    for part, size in sorted(disk["parts_an_article"].items(), key=lambda item: -item[1]):
        row(f"  {part}", f"{size / 1024:.2f} KiB an article")
    if disk["file_over_raw_pages"]:
        row("file ÷ the raw pages as fetched", f"{disk['file_over_raw_pages']:.2f}× "
            f"({disk['raw_page_bytes'] / disk['articles'] / 1024:.1f} KiB a page)")
    crawl = results["crawl"]
    s = crawl["summary"]
    row(f"crawl into it: plan of {crawl['portal_urls_in_plan']:,} URLs, {s['pages']} pages, {s['new']} new",
        f"{crawl['wall_s']:.0f} s")
    row("crawl: peak RSS of the largest process (crawl or writer), both together",
        f"{crawl['largest_process_mb']:.0f} MB, {crawl['together_mb']:.0f} MB", f"< {TARGETS['rss_mb']:.0f} MB each",
        crawl["largest_process_mb"] < TARGETS["rss_mb"])
    re = results["reextract"]
    for name, run in re["runs"].items():
        row(f"reextract {name}, {re['processes']} processes: {run['articles']:,} articles",
            f"{run['wall_s']:.0f} s, {run['articles_per_s']:.0f}/s ({run['per_process_per_s']:.0f}/s a process)")
    row(f"reextract of all {re['articles']:,} on {re['processes']} processes (from the two rates above)",
        f"{re['whole_archive_hours']:.1f} h")
    bc = results["backup_check"]
    if not bc["available"]:
        row("`tinbai backup`, `tinbai check`", "not in this tinbai (issue 19)")
    else:
        row("`tinbai check`", f"{bc['check']['wall_s'] / 60:.1f} min, exit {bc['check']['exit']}, "
            f"{bc['check'].get('rss_mb', 0):.0f} MB")
        made = bc["backup"]
        if "skipped" in made:
            row("`tinbai backup` (the copy, then its check)", f"not made: {made['skipped']}")
            return
        row("`tinbai backup` (the copy, then its check)",
            f"{made['wall_s'] / 60:.1f} min, exit {made['exit']}, {made['bytes'] / 2**30:.2f} GiB")
        during = bc["crawl_during_backup"]
        new = (during.get("summary") or {}).get("new")
        row("a crawl during the backup: exit, time, new articles; all in the archive after",
            f"exit {during['exit']}, {during['wall_s']:.0f} s (ended {during.get('ended_s', 0):.0f} s after the"
            f" backup began), {new} new; {during.get('new_kept')}")
        row("the backup: articles before the crawl <= held <= after",
            f"{made.get('articles_before')} <= {made.get('articles')} <= {made.get('articles_after')}: "
            f"{made.get('consistent')}")

# --- 9. merging the archives of two machines ------------------------------------------------------------

# The first machine crawls portals 0-24, the second 15-39: ten portals are in both archives.
MERGE_SPLIT = (range(0, 25), range(15, 40))


def merge_sources(work: Path, articles: int) -> tuple[Path, Path]:
    """Two archives of about `articles` articles each, filled as the crawl's writer fills one, from
    the same national corpus split by portal with an overlap."""
    paths = (work / f"north-{articles}.db", work / f"south-{articles}.db")
    index = {portal.site: number for number, portal in enumerate(PORTALS)}
    for path, portals in zip(paths, MERGE_SPLIT, strict=True):
        if path.exists():
            continue
        for stale in work.glob(f"{path.name}*"):
            stale.unlink()
        db = open_archive(path, cache_kb=WRITER_CACHE_KB)
        writer, group = Writer(db), WriteGroup(db)
        for record in records(1, articles * 40 // len(portals) + 1):
            if index[record.article.site] not in portals:
                continue
            if not group.open:
                group.begin()
            writer.write(record)
            if writer.made % FILL_GROUP == 0:
                group.commit()
            if writer.made >= articles:
                break
        if group.open:
            group.commit()
        writer.close_run()
        db.close()
    return paths


def merging(work: Path, articles: int) -> dict[str, Any]:
    """Both sources merged into a new archive, each timed; then both again (nothing to write)."""
    from archive.merge import merge_archive

    say(f"merge sources of {articles} articles (load {load()})")
    sources = merge_sources(work, articles)
    target = work / f"merged-{articles}.db"
    for stale in work.glob(f"{target.name}*"):
        stale.unlink()
    results: dict[str, Any] = {"articles_each": articles, "merges": []}
    db = open_archive(target, cache_kb=WRITER_CACHE_KB)
    for round_ in ("first", "again"):
        for source_path in sources:
            say(f"  merging {source_path.name} ({round_}, load {load()})")
            with open_archive(source_path, readonly=True) as source:
                clock = Clock()
                counts = clock.time(lambda source=source, source_path=source_path: merge_archive(
                    db, source, source_path=source_path))
            results["merges"].append({**counts.as_dict(), "source": source_path.name, "round": round_,
                                      "wall_s": clock.wall, "cpu_s": clock.cpu,
                                      "articles_per_s": counts.articles / clock.wall})
    db.close()
    results["target_articles"] = _count(target)
    return results


def _count(path: Path) -> int:
    from archive.usage import article_count

    with open_archive(path, readonly=True) as db:
        return article_count(db)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="directory of the archives (kept: they are large)")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--sizes", help="comma-separated archive sizes (default 10000,500000,2000000)")
    parser.add_argument("--only", default="fill,measure,merge",
                        help="fill, measure, merge, or turns (the saves by turns alone) or search (search and the"
                             " UI's search page alone, on the largest archive) or optimize (`tinbai optimize` on the"
                             " largest archive, timed: what a deployment runs every night), comma-separated")
    parser.add_argument("--fill", choices=("bulk", "saves"), default="bulk",
                        help="how the archives are filled: rows in bulk (bench/fill.py, the same archive) or"
                             " save_article() for each record")
    parser.add_argument("--merge-articles", type=int, default=200_000, help="articles in each archive merged")
    parser.add_argument("--batch", type=int, default=3000, help="saves timed at each size")
    parser.add_argument("--passes", type=int, default=5, help="passes over the search queries")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    sizes = QUICK_SIZES if args.quick else SIZES
    if args.sizes:
        sizes = tuple(int(size) for size in args.sizes.split(","))
    if args.quick:
        args.batch, args.passes = min(args.batch, 200), min(args.passes, 2)
    args.work.mkdir(parents=True, exist_ok=True)
    steps = set(args.only.split(","))
    results: dict[str, Any] = {"command": " ".join(["bench.scale", *(argv or sys.argv[1:])]),
                               "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "load_start": load(),
                               "sizes": list(sizes), "cores": os.cpu_count()}
    if "fill" in steps:
        say(f"filling {sizes} (load {load()})")
        if args.fill == "bulk":
            from bench.fill import bulk_fill

            results["fill"] = bulk_fill(args.work, sizes)
        else:
            results["fill"] = fill_by_saves(args.work, sizes)
    if "optimize" in steps:  # before "search": the searches then read the merged index, and say so
        results["optimize"] = optimize(archive_path(args.work, sizes[-1]))
    if "measure" in steps:
        results.update(measure(args.work, sizes, batch=args.batch, passes=args.passes))
    elif "search" in steps:  # search and the UI's search page alone, on the largest archive filled before
        largest = archive_path(args.work, sizes[-1])
        results["search_articles"] = _count(largest)
        with open_archive(largest, readonly=True) as db:
            results["search"] = search_latency(db, args.passes)
        results["ui"] = ui_latency(largest, args.passes)
    elif "turns" in steps:  # the saves by turns alone, on archives filled and measured before
        results["archived"] = archived_sizes(args.work, sizes)
        results["turns"] = rotation(args.work, sizes, args.batch)
    if "merge" in steps:
        results["merge"] = merging(args.work, 300 if args.quick and args.merge_articles == 200_000
                                   else args.merge_articles)
    results["load_end"] = load()
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if steps & {"measure", "merge", "search"}:
        print(report(results))
    else:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
