"""What the archive's file is made of: bytes by part (article text, stored pages, full-text indexes,
near-duplicate signatures, URLs and crawl state), read from SQLite's dbstat table.

Data flow: read-only, for bench/scale.py's disk figures; every B-tree of the file (each table and
index, the full-text indexes' shadow tables) belongs to one part.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

# Tables by part; an index belongs to its table's part, a full-text index's shadow tables
# (articles_fts_data, _idx, _content, _docsize, _config) to the full-text part.
PARTS = {
    "articles": "text (articles, versions, images)",
    "article_versions": "text (articles, versions, images)",
    "images": "text (articles, versions, images)",
    "raw_pages": "raw pages (compressed)",
    "articles_fts": "full-text indexes",
    "articles_fts_exact": "full-text indexes",
    "article_minhash": "MinHash and LSH",
    "article_lsh": "MinHash and LSH",
    "article_lsh_recent": "MinHash and LSH",
    "article_lsh_stage": "MinHash and LSH",
    "article_lsh_crowded": "MinHash and LSH",
    "article_minhash_sketch": "MinHash and LSH",
    "article_urls": "URLs and crawl state",
    "crawl_state": "URLs and crawl state",
    "runs": "runs",
}
OTHER = "other"


def disk_usage(db: Database) -> dict[str, Any]:
    """{"articles": N, "parts": {part: bytes}, "btrees": {table or index: bytes}}: every page of
    the file counted once (dbstat reads them all: a minute for a file of tens of gigabytes)."""
    owner = {name: table for name, table in db.execute("SELECT name, tbl_name FROM sqlite_master")}
    btrees = {name: int(size) for name, size in db.execute(
        "SELECT name, sum(pgsize) FROM dbstat WHERE aggregate = 1 GROUP BY name")}
    parts: dict[str, int] = {}
    for name, size in btrees.items():
        table = owner.get(name, name)
        part = PARTS.get(table) or next(
            (PARTS[fts] for fts in ("articles_fts_exact", "articles_fts") if table.startswith(fts + "_")), OTHER)
        parts[part] = parts.get(part, 0) + size
    articles = int(db.execute("SELECT count(*) FROM articles").fetchone()[0])
    return {"articles": articles, "parts": parts, "btrees": btrees}


def article_count(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])


def articles_by_site(db: Database) -> dict[str, int]:
    return {site: int(count) for site, count in db.execute("SELECT site, count(*) FROM articles GROUP BY site")}


def last_fetch(db: Database) -> str | None:
    """When the newest stored page was fetched (UTC)."""
    row = db.execute("SELECT max(fetched_at) FROM raw_pages").fetchone()
    return None if row[0] is None else str(row[0])


def raw_page_bytes(db: Database, sample: int = 20_000) -> int:
    """The stored pages' size as fetched (uncompressed), estimated from `sample` pages spread over
    them: reading every page of a large archive takes minutes."""
    from archive.store import load_raw_page

    count, top = db.execute("SELECT count(*), max(id) FROM raw_pages").fetchone()
    if not count:
        return 0
    ids = [row[0] for row in db.execute("SELECT id FROM raw_pages WHERE id % ? = 0 LIMIT ?",
                                        [max(1, top // sample), sample])] or [top]
    sizes = [len(load_raw_page(db, page_id).body) for page_id in ids]
    return int(sum(sizes) / len(sizes) * count)
