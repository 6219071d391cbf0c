"""bench/fill.py writes the archive that saving each record gives: two archives of bench/scale.py,
one filled by saves and one in bulk, compared table by table."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import archive.near as near
from archive import open_archive, search
from archive.near import signature
from archive.query.filters import Filters
from archive.schema import FTS_EXACT_TABLE, FTS_TABLE
from archive.store import compress_body, index_rows
from archive.transaction import WriteGroup
from bench import lsh_memory, scale
from bench.fill import BulkWriter, Prepared, bulk_fill, open_bulk
from bench.lsh_memory import MemoryLSH
from bench.nation import Corpus, Record
from crawler.extract.fold import fold

SIZES = (1500, 3000)
# Columns whose values a save takes from the clock or chance, not from the record: runs start and
# finish now, a listing page is read now, an archive gets a random id when it is made.
ARBITRARY = {
    "runs": {"started", "finished"},
    "archive_info": {"archive_id", "created"},
    "_sqlite_migrations": {"applied_at"},
}
# A listing's crawl state is dated now; an article's by its fetch.
NOW_DATED = {"discovered", "fetched", "queued"}
SEARCHES = ("dang uy", "tinh uy", '"ban thuong vu tinh uy"', "Đảng ủy", "nong thon moi", "Dai hoi nhiem ky")


# What the bulk fill's lookups met, counted by _checked_lookups.
LOOKUPS: dict[str, int] = {}


def _checked_lookups(patch: pytest.MonkeyPatch, counts: dict[str, int]) -> None:
    """Every re-post lookup of the bulk fill made on the tables too, before and after the one in
    memory (bench/lsh_memory.py): the buckets' members each counts, the crowded buckets, and the
    article linked must be the same."""
    found_in_memory, read_back = MemoryLSH.original_of, MemoryLSH.replaced

    def crowded_as_the_table(self: MemoryLSH, db: Any) -> None:
        assert self.crowded == set(db.conn.execute("SELECT band, bucket FROM article_lsh_crowded").fetchall())

    def checked(self: MemoryLSH, db: Any, text: str, hashvalues: object) -> int | None:
        if hashvalues is None:
            return found_in_memory(self, db, text, hashvalues)
        buckets = near._buckets(hashvalues)
        expected = near.shared_buckets(db, near._NEWEST, buckets)
        assert self.shared_buckets(buckets) == expected
        stored, members = self._stored(buckets), self.members(buckets)
        stale = sum(len(stored[band]) - len(members[band]) for band, bucket in buckets
                    if (band, bucket) not in self.crowded)
        original = found_in_memory(self, db, text, hashvalues)
        crowded_as_the_table(self, db)
        assert near.original_of(db, text, hashvalues) == original
        for name, counted in (("lookups", 1), ("members", sum(expected[0].values())), ("crowded", expected[1]),
                              ("newly crowded", len(expected[2])), ("stale members left out", stale),
                              ("linked", original is not None)):
            counts[name] = counts.get(name, 0) + int(counted)
        counts["merges"], counts["large merges"] = self.merges, self.large_merges
        return original

    def replaced(self: MemoryLSH, db: Any, article_id: int) -> None:
        known = len(self.crowded)
        read_back(self, db, article_id)
        crowded_as_the_table(self, db)
        counts["saved"] = counts.get("saved", 0) + 1
        counts["crowded by a save"] = counts.get("crowded by a save", 0) + len(self.crowded) - known

    patch.setattr(MemoryLSH, "original_of", checked)
    patch.setattr(MemoryLSH, "replaced", replaced)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("fill")
    # A bucket of more than four members is crowded: at 3,000 articles a template's reports fill
    # buckets past that, so the crowded buckets' part of the lookup, which the default (64) reaches
    # only past 50,000 articles, decides here too.
    patch = pytest.MonkeyPatch()
    patch.setattr(near, "CROWDED_BUCKET", 4)
    patch.setattr(near, "_MEMBERS", near.members_sql())
    # The buckets in memory merged into the middle level every 128 signatures, into the large one
    # every 512: the lookups read the three.
    patch.setattr(lsh_memory, "MERGE_EVERY", 128)
    patch.setattr(lsh_memory, "MIDDLE_EVERY", 512)
    _checked_lookups(patch, LOOKUPS)
    for directory in ("saves", "bulk"):
        (work / directory).mkdir()
    try:
        scale.fill_by_saves(work / "saves", SIZES)
        bulk_fill(work / "bulk", SIZES)
    finally:
        patch.undo()
    return work / "saves", work / "bulk"


def _tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Every table but the full-text indexes' own (compared by their rows and by searches), with
    its primary key's columns (rowid for none)."""
    names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                            " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    shadow = {f"{fts}_{part}" for fts in (FTS_TABLE, FTS_EXACT_TABLE)
              for part in ("data", "idx", "content", "docsize", "config")}
    tables = {}
    for name in names:
        if name in shadow or name in (FTS_TABLE, FTS_EXACT_TABLE):
            continue
        info = conn.execute(f"PRAGMA table_info([{name}])").fetchall()
        key = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
        tables[name] = key or ["rowid"]
    return tables


def _rows(conn: sqlite3.Connection, table: str, key: list[str]) -> list[tuple[object, ...]]:
    columns = [row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")]
    kept = [column for column in columns if column not in ARBITRARY.get(table, set())]
    if table == "crawl_state":
        kept = [f"CASE WHEN kind = 'article' THEN [{c}] END" if c in NOW_DATED else f"[{c}]" for c in kept]
    else:
        kept = [f"[{c}]" for c in kept]
    order = ", ".join(f"[{c}]" if c != "rowid" else "rowid" for c in key)
    return conn.execute(f"SELECT {', '.join(kept)} FROM [{table}] ORDER BY {order}").fetchall()


@pytest.mark.parametrize("size", SIZES)
def test_bulk_fill_writes_the_archive_saves_write(filled: tuple[Path, Path], size: int) -> None:
    saves_path, bulk_path = (directory / f"scale-{size}.db" for directory in filled)
    saved, bulk = sqlite3.connect(saves_path), sqlite3.connect(bulk_path)
    tables = _tables(saved)
    assert _tables(bulk) == tables
    for table, key in tables.items():
        assert _rows(bulk, table, key) == _rows(saved, table, key), table
    # What was compared holds the corpus: every kind of record and what the near-duplicate lookup
    # decided, crowded buckets and staged ones included.
    counts = dict(saved.execute(
        "SELECT 'articles', count(*) FROM articles UNION ALL SELECT 'versions', count(*) FROM article_versions"
        " UNION ALL SELECT 're-posts', count(near_duplicate_of) FROM articles"
        " UNION ALL SELECT 'crowded', count(*) FROM article_lsh_crowded"
        " UNION ALL SELECT 'staged', count(*) FROM article_lsh_recent"
        " UNION ALL SELECT 'drained', count(*) FROM article_lsh").fetchall())
    assert counts["versions"] > counts["articles"] > 0.95 * size
    assert counts["re-posts"] > 0.03 * size
    assert counts["crowded"] > 0 and counts["staged"] > 0 and counts["drained"] > 0
    for fts in (FTS_TABLE, FTS_EXACT_TABLE):
        # As many segments: a search reads each, so the searches measured on a bulk-filled archive
        # cost what they cost on one filled by saves.
        segments = f"SELECT count(DISTINCT segid) FROM [{fts}_idx]"
        assert bulk.execute(segments).fetchone() == saved.execute(segments).fetchone(), fts
        indexed = f"SELECT rowid, * FROM [{fts}] ORDER BY rowid"
        assert bulk.execute(indexed).fetchall() == saved.execute(indexed).fetchall(), fts
        for query in ('"dang uy"', '"ban thuong vu tinh uy"', "nong AND thon", "facets : y2010"):
            matched = f"SELECT rowid, rank FROM [{fts}] WHERE [{fts}] MATCH ? ORDER BY rank, rowid"
            assert bulk.execute(matched, [query]).fetchall() == saved.execute(matched, [query]).fetchall(), query
    saved.close()
    bulk.close()
    with open_archive(saves_path, readonly=True) as first, open_archive(bulk_path, readonly=True) as second:
        site = first.execute("SELECT site FROM articles ORDER BY id LIMIT 1").fetchone()[0]
        for query in SEARCHES:
            for filters in (Filters(), Filters(site=site), Filters(since="2010-01", until="2010-02")):
                assert search(second, query, filters=filters) == search(first, query, filters=filters), query


def test_bulk_fill_lookups_in_memory_read_what_the_tables_hold(filled: tuple[Path, Path]) -> None:
    """The lookups checked against the tables met every case: members shared, buckets crowded
    (known and newly found), later versions' signatures replacing their buckets, both merges."""
    assert LOOKUPS["lookups"] > 2500 and LOOKUPS["linked"] > 50
    assert LOOKUPS["members"] > 0 and LOOKUPS["crowded"] > LOOKUPS["newly crowded"] > 0
    assert LOOKUPS["stale members left out"] > 0
    assert LOOKUPS["merges"] >= 20 and LOOKUPS["large merges"] >= 5





def _prepared(record: Record, text: str) -> Prepared:
    article = replace(record.article, text=text, content_hash="")
    return Prepared(replace(record, article=article), signature(text), compress_body(record.page.body),
                    hashlib.sha256(record.page.body).hexdigest(), index_rows(0, article, fold(text)))


def test_bulk_lookups_in_memory_after_saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A later version saved by save_article() replaces its article's buckets, and its lookup on
    the tables finds a bucket crowded: the lookups in memory after it read both as the tables do."""
    monkeypatch.setattr(near, "CROWDED_BUCKET", 2)
    monkeypatch.setattr(near, "_MEMBERS", near.members_sql())
    counts: dict[str, int] = {}
    _checked_lookups(monkeypatch, counts)
    corpus = Corpus()
    records = [record for record in map(corpus.record, range(1, 200)) if record.kind == "news"][:8]
    template = records[0].article.text
    variant = [f"{template}\nBài viết bổ sung lần thứ {number}." for number in range(7)]
    db = open_bulk(tmp_path / "archive.db")
    writer, group = BulkWriter(db), WriteGroup(db)
    group.begin()
    # Three reports of one template share their buckets (two members each at the third: not crowded).
    for number in (1, 2, 3):
        writer.write(_prepared(records[number], variant[number]))
    # Another article, whose later version is a fourth report of the template, saved by save_article():
    # its lookup (on the tables, below its own id) finds three members in the template's buckets.
    writer.write(_prepared(records[4], records[4].article.text))
    writer.write(_prepared(records[4], variant[4]))
    assert counts["saved"] == 1 and counts["crowded by a save"] > 0
    # The first report rewritten as another text: its members in the template's buckets are stale.
    writer.write(_prepared(records[1], records[5].article.text[:2000]))
    for number in (5, 6):
        writer.write(_prepared(records[number + 1], variant[number]))
    writer.flush()
    group.commit()
    assert counts["saved"] == 2 and counts["lookups"] == 6
    assert counts["crowded"] > 0 and counts["stale members left out"] > 0
    db.close()
