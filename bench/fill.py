"""The national archive of bench/scale.py filled fast: the same records (bench/nation.py) written as
the archive writer's saves would write them, without paying a save's overheads for each.

    python -m bench.fill --work /tmp/scale --sizes 10000,500000,2000000

What a save does for each record and what this does instead:
- the page made, folded, signed (MinHash), compressed and hashed: in other processes, ahead of the
  writer (pure functions of the record: crawler/extract/fold.py, archive/near.py, archive/store.py);
- "is this URL, portal id, content or page known?": sets in memory instead of four index lookups; a
  record that any of them may know (a false alarm costs nothing) is saved by save_article() itself,
  after everything written so far is in the tables, so that the rare cases (a later version, an
  alias, a refused page) are decided and written by the save path, not by a copy of it;
- a new article's re-post link: archive/near.py's lookup in the same order as the saves, its 32
  buckets' members read from an index in memory (bench/lsh_memory.py) that holds what the LSH tables
  hold, the crowded buckets included, and the rest of it (sketches, signatures, texts) near.py's own
  (match_among) on the archive; its signature stored by store_signature(): which earlier article a
  text re-posts depends on what was stored before it (the buckets a lookup found crowded, the
  signatures later versions replaced), so these are not built afterwards;
- the rows (archive/store.py's article_row, raw_page_row, version_row, image_rows, index_rows) in
  transactions of BULK_GROUP records, with a large page cache and without waiting for the disk
  (synchronous = OFF: a crash loses the fill, which is run again); the full-text indexes' terms
  written out at the saves' points (a run's start and end), so that they hold as many segments;
- the per-portal counts (archive/sitecounts.py): counted once from the tables at the end of each
  copy instead of at every save; runs and crawl state: the same rows, by plain statements.
tests/test_bench_fill.py fills one archive by saves and one by this and compares them table by table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import shutil
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive import open_archive, record_fetch, record_listing, save_article
from archive.near import signature, store_signature
from archive.runs import RUN_COUNTS
from archive.schema import FTS_EXACT_TABLE, FTS_TABLE
from archive.sitecounts import recount
from archive.store import (
    article_row,
    compress_body,
    image_rows,
    index_rows,
    raw_page_row,
    utc_now,
    version_row,
)
from archive.transaction import WriteGroup
from bench.lsh_memory import MemoryLSH, TablesLSH
from bench.nation import Corpus, Record
from bench.perf import load, say

# Records a transaction: those of bench/scale.py's fill by saves, so that the full-text indexes write
# a segment at the same records and merge them as the saves' do (a search reads each segment).
BULK_GROUP = 1000
BULK_CACHE_KB = 2 * 1024 * 1024  # the writer's page cache: the lookups' indexes stay in memory at 2,000,000
RUN_EVERY, LISTING_EVERY = 8, 20  # as bench/scale.py's Writer


@dataclass(frozen=True)
class Prepared:
    """A record and what a save would compute from it: the folded text's MinHash signature (None
    for a short text), the page compressed and its sha256, both full-text rows (rowid 0)."""

    record: Record
    hashvalues: Any
    body: bytes
    digest: str
    indexed: dict[str, list[Any]]


_corpus: Corpus | None = None


def _prepare(start: int, stop: int) -> list[Prepared]:
    global _corpus
    if _corpus is None:
        _corpus = Corpus()
    from crawler.extract.fold import fold

    prepared = []
    for number in range(start, stop):
        record = _corpus.record(number)
        folded = fold(record.article.text)
        prepared.append(Prepared(record, signature(record.article.text, folded=folded),
                                 compress_body(record.page.body), hashlib.sha256(record.page.body).hexdigest(),
                                 index_rows(0, record.article, folded)))
    return prepared


def prepared(start: int, stop: int, processes: int, chunk: int = 500) -> Iterator[Prepared]:
    """Records start..stop-1 prepared in `processes` other processes, in order."""
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        pending: deque[Any] = deque()
        next_start = start
        while pending or next_start < stop:
            while len(pending) < 4 * processes and next_start < stop:
                end = min(stop, next_start + chunk)
                pending.append(pool.apply_async(_prepare, (next_start, end)))
                next_start = end
            yield from pending.popleft().get()


def _key(value: str) -> int:
    """A URL, hash or id as 8 bytes: the sets hold millions of them. Two values with one key send a
    record to save_article(), which decides rightly."""
    return hash(value)


def _insert_sql(table: str, columns: list[str]) -> str:
    return f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))})"


@dataclass
class BulkWriter:
    """Writes records as bench/scale.py's Writer saves them: a run every RUN_EVERY records, the
    article, its URL's crawl state, a listing page every LISTING_EVERY records."""

    db: Any
    made: int = 0
    raw_bytes: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    run_id: int | None = None
    lookup_seconds: float = 0.0
    lookups: int = 0
    known: set[int] = field(default_factory=set)  # URLs, (portal, id), contents and pages seen
    pending: dict[str, list[Any]] = field(default_factory=dict)
    next_raw_page: int = 0
    lookup: str = "memory"  # where the re-post lookups read the LSH buckets: "memory" or "tables"
    lsh: MemoryLSH | TablesLSH = field(default_factory=TablesLSH)

    def __post_init__(self) -> None:
        self._resume()

    def _resume(self) -> None:
        """What the archive holds already (a fill carried on from a copy)."""
        conn = self.db.conn
        self.next_raw_page = self._last_raw_page() + 1
        self.lsh = MemoryLSH.load(self.db) if self.lookup == "memory" else TablesLSH()
        if not self.known:
            for (url,) in conn.execute("SELECT url FROM article_urls"):
                self.known.add(_key(url))
            for site, site_id, content in conn.execute("SELECT site, site_article_id, content_hash FROM articles"):
                self.known.update((_key(f"{site}\n{site_id}"), _key(content)))
            for (digest,) in conn.execute("SELECT sha256 FROM raw_pages"):
                self.known.add(_key(digest))

    def write(self, item: Prepared) -> None:
        record, article = item.record, item.record.article
        if self.made % RUN_EVERY == 0:
            self._next_run(article.site)
        keys = [_key(article.url), _key(record.page.url), _key(f"{article.site}\n{record.site_article_id}"),
                _key(item.digest)]
        if article.text.strip():  # an empty text is never an alias (archive/store.py)
            keys.append(_key(article.content_hash))
        if any(key in self.known for key in keys):
            self.flush()
            saved = save_article(self.db, article, page=record.page, fetched_at=record.fetched_at,
                                 site_article_id=record.site_article_id)
            status: str = saved.status
            if status in ("new", "updated"):
                self.lsh.replaced(self.db, saved.article_id)  # its signature and its lookup's crowded buckets
            self.next_raw_page = self._last_raw_page() + 1
        else:
            status = self._new(item)
        self.known.update(keys)
        record_fetch(self.db, article.url, site=article.site, kind="article", status=200,
                     headers=record.page.headers, when=record.fetched_at)
        if self.made % LISTING_EVERY == 0:
            listing = article.url.split("/vi-vn/")[0] + f"/vi-vn/chuyen-muc/tin/1-2?page={self.made // 800 + 1}"
            record_listing(self.db, listing, site=article.site, status=200, queued=[])
        self.counts[status] = self.counts.get(status, 0) + 1
        if status in ("new", "updated"):
            self.raw_bytes += len(record.page.body)
        self.made += 1

    def _new(self, item: Prepared) -> str:
        """A record no archived article has: what save_article() writes for a new article."""
        record, article = item.record, item.record.article
        started = time.perf_counter()
        original = self.lsh.original_of(self.db, article.text, item.hashvalues)
        self.lookup_seconds += time.perf_counter() - started
        self.lookups += 1
        row = article_row(article, record.fetched_at, record.site_article_id, near_duplicate_of=original)
        article_id = int(self.db.conn.execute(_insert_sql("articles", list(row)), list(row.values())).lastrowid)
        page = raw_page_row(record.page, fetched_at=record.fetched_at, article_id=article_id, digest=item.digest,
                            body=item.body)
        self._add("raw_pages", page)
        self._add("article_versions", version_row(article_id, 1, article, self.next_raw_page, record.fetched_at))
        self.next_raw_page += 1
        self.pending.setdefault("images", []).extend(image_rows(article_id, article.images))
        for table, indexed in item.indexed.items():
            self.pending.setdefault(table, []).append([article_id, *indexed[1:]])
        store_signature(self.db, article_id, item.hashvalues)
        self.lsh.add(article_id, item.hashvalues)
        for url in dict.fromkeys((article.url, record.page.url)):
            self.pending.setdefault("article_urls", []).append((url, article_id))
        return "new"

    def _add(self, table: str, row: dict[str, Any]) -> None:
        self.pending.setdefault(f"{table}\n{','.join(row)}", []).append(tuple(row.values()))

    def flush(self) -> None:
        """Write the rows held back, in the order save_article() writes them (pages before the
        versions that point at them)."""
        conn = self.db.conn
        for name in sorted(self.pending, key=lambda name: not name.startswith("raw_pages")):
            rows = self.pending[name]
            if not rows:
                continue
            if name in (FTS_TABLE, FTS_EXACT_TABLE):
                sql = _insert_sql(name, ["rowid", "title", "summary", "text", "facets"])
            elif name == "images":
                sql = _insert_sql(name, ["article_id", "position", "src", "caption"])
            elif name == "article_urls":
                sql = "INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?, ?)"
            else:
                table, columns = name.split("\n")
                sql = _insert_sql(table, columns.split(","))
            conn.executemany(sql, rows)
        self.pending.clear()
        assert self._last_raw_page() + 1 == self.next_raw_page, "a stored page's id was not the one expected"

    def _last_raw_page(self) -> int:
        return int(self.db.conn.execute("SELECT max(id) FROM raw_pages").fetchone()[0] or 0)

    # Runs as start_run() and finish_run() write them (plain statements: sqlite-utils' table
    # methods read the schema at every call, a run's rows cost more than its eight saves). Their
    # sqlite-utils statements run in a savepoint, whose release makes FTS5 write the terms it holds
    # as a segment: so do these, so that the full-text indexes hold as many segments.
    def _next_run(self, site: str) -> None:
        self.close_run()
        with self._savepoint():
            self.run_id = int(self.db.conn.execute(
                "INSERT INTO runs (site, started, status) VALUES (?, ?, 'running')", [site, utc_now()]).lastrowid)

    def close_run(self) -> None:
        if self.run_id is None:
            return
        counts = {key: RUN_EVERY if key in ("pages", "new") else 0 for key in RUN_COUNTS}
        with self._savepoint():
            self.db.conn.execute(
                "UPDATE runs SET " + ", ".join(f"[{key}] = :{key}" for key in counts) + ", finished = :finished,"
                " status = 'ok', errors = 0, errors_json = '{}' WHERE id = :id",
                {**counts, "finished": utc_now(), "id": self.run_id})
        self.run_id = None

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        self.flush()
        in_transaction = self.db.conn.in_transaction
        if in_transaction:
            self.db.conn.execute("SAVEPOINT tinbai_run")
        yield
        if in_transaction:
            self.db.conn.execute("RELEASE tinbai_run")

    def settle(self) -> None:
        """Everything written and counted: the archive a save would leave at this point."""
        self.flush()
        recount(self.db)


def open_bulk(path: Path) -> Any:
    db = open_archive(path, cache_kb=BULK_CACHE_KB)
    db.execute("PRAGMA synchronous = OFF")
    return db


def bulk_fill(work: Path, sizes: tuple[int, ...], processes: int | None = None) -> dict[str, Any]:
    """Fill the largest archive of bench/scale.py, copying it aside at each smaller size (as
    bench/scale.py's fill by saves does)."""
    from bench.scale import archive_path

    processes = processes or max(1, (os.cpu_count() or 2) - 1)
    largest = archive_path(work, sizes[-1])
    for stale in work.glob("scale-*.db*"):
        stale.unlink()
    db = open_bulk(largest)
    writer = BulkWriter(db)
    group = WriteGroup(db)
    progress: list[dict[str, Any]] = []
    raw: dict[int, int] = {}
    started = time.perf_counter()
    window = (started, 0, 0.0, 0)
    report_every = max(1000, sizes[-1] // 40)
    for item in prepared(1, sizes[-1] + 1, processes):
        if not group.open:
            group.begin()
        writer.write(item)
        if writer.made % BULK_GROUP == 0:
            writer.flush()
            group.commit()
        if writer.made % report_every == 0:
            now = time.perf_counter()
            rate = (writer.made - window[1]) / (now - window[0])
            lookup_ms = (writer.lookup_seconds - window[2]) / max(1, writer.lookups - window[3]) * 1000
            lsh_bytes = writer.lsh.nbytes()
            progress.append({"articles": writer.made, "articles_per_s": round(rate, 1),
                             "lookup_ms": round(lookup_ms, 3), "elapsed_s": round(now - started),
                             "lsh_bytes": lsh_bytes})
            say(f"  bulk fill: {writer.made} written, {rate:.0f}/s, re-post lookup {lookup_ms:.2f} ms, buckets in"
                f" memory {lsh_bytes / 2**20:.0f} MiB ({lsh_bytes / writer.made:.0f} bytes an article) (load {load()})")
            window = (now, writer.made, writer.lookup_seconds, writer.lookups)
        if writer.made in sizes[:-1]:
            writer.settle()
            group.commit()
            raw[writer.made] = writer.raw_bytes
            db.close()  # checkpoints the WAL into the file, which is then copied whole
            shutil.copyfile(largest, archive_path(work, writer.made))
            db = open_bulk(largest)
            writer.db, group = db, WriteGroup(db)
    if not group.open:
        group.begin()
    writer.close_run()
    writer.settle()
    group.commit()
    raw[writer.made] = writer.raw_bytes
    db.close()
    info = {"sizes": list(sizes), "how": "bulk", "seconds": time.perf_counter() - started, "progress": progress,
            "raw_page_bytes": raw, "saves": writer.counts, "processes": processes}
    (work / "fill.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--sizes", default="10000,500000,2000000")
    parser.add_argument("--processes", type=int, help="processes preparing the records (default: cores - 1)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = tuple(int(size) for size in args.sizes.split(","))
    say(f"bulk fill {sizes} (load {load()})")
    print(json.dumps(bulk_fill(args.work, sizes, args.processes), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
