"""`tinbai optimize` (archive/fulltext.py): both full-text indexes merged into one segment each, by
steps, without changing what any search finds; stopped part way, the next run carries on."""

from __future__ import annotations

import json
import random
from pathlib import Path

from click.testing import CliRunner

from archive import open_archive, save_article
from archive.check import check_archive
from archive.fulltext import merge_indexes, segments
from archive.query.filters import Filters
from archive.query.search import search_page
from archive.schema import FTS_EXACT_TABLE, FTS_TABLE
from crawler.cli import cli
from crawler.extract.record import Article

WORDS = ("Đảng", "ủy", "tỉnh", "họp", "xã", "nông", "thôn", "mới")
QUERIES = [("dang uy", Filters()), ("xa", Filters(site="hatinh")), ('"nong thon"', Filters(since="2025")),
           ("tinh hop xa", Filters(site="nghean", until="2024-06"))]


def _fill(path: Path | str, count: int = 150) -> None:
    chooser = random.Random(11)
    db = open_archive(path)
    for number in range(1, count + 1):
        text = " ".join(chooser.choice(WORDS) for _ in range(15)) + f" bài {number}."
        # One save a transaction, as a crawl's writer commits them at times: a segment each.
        save_article(db, Article(url=f"https://a.vn/{number}", site=chooser.choice(("nghean", "hatinh")),
                                 title=f"Tin {number} {chooser.choice(WORDS)}", text=text,
                                 published=f"{chooser.choice((2023, 2024, 2025))}-0{chooser.randint(1, 9)}-01"))
    db.close()


def _found(db: object) -> list[tuple[int, list[int]]]:
    pages = [search_page(db, query, filters=filters, limit=200, fold=False) for query, filters in QUERIES]  # type: ignore[arg-type]
    pages += [search_page(db, "Đảng", exact=True, limit=200, fold=False)]  # type: ignore[arg-type]
    return [(page.total, [result["id"] for result in page.results]) for page in pages]


def test_merging_leaves_one_segment_and_every_search_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    _fill(path)
    db = open_archive(path)
    before = _found(db)
    assert all(segments(db, table) > 1 for table in (FTS_TABLE, FTS_EXACT_TABLE))
    # Stopped after two steps, as an interrupted run would be: sound, the same results.
    part = merge_indexes(db, pages=8, steps=2)
    assert not part.done and sum(part.steps.values()) == 2
    assert check_archive(db).problems == [] and _found(db) == before
    report = merge_indexes(db, pages=8)
    assert report.done and report.segments_after == {FTS_TABLE: 1, FTS_EXACT_TABLE: 1}
    assert check_archive(db).problems == [] and _found(db) == before
    for table in (FTS_TABLE, FTS_EXACT_TABLE):
        db.execute(f"INSERT INTO [{table}] ([{table}]) VALUES ('integrity-check')")
    # Again: nothing left to merge, one step each that changes nothing.
    again = merge_indexes(db)
    assert again.done and again.steps == {FTS_TABLE: 1, FTS_EXACT_TABLE: 1}
    # Saves after the merge add segments of their own, found as before.
    save_article(db, Article(url="https://a.vn/new", site="nghean", title="Tin mới", text="Đảng ủy xã họp.",
                             published="2025-01-01"))
    assert search_page(db, "dang uy xa hop", filters=Filters(site="nghean", since="2025-01")).results[0]["url"] \
        == "https://a.vn/new"
    db.close()


def test_tinbai_optimize_prints_the_segments_and_refuses_a_missing_archive(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    _fill(path, count=40)
    result = CliRunner().invoke(cli, ["optimize", "--db", str(path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["done"] and report["segments_after"] == {FTS_TABLE: 1, FTS_EXACT_TABLE: 1}
    assert report["segments_before"][FTS_TABLE] > 1
    missing = CliRunner().invoke(cli, ["optimize", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "archive not found" in missing.output
    assert not (tmp_path / "none.db").exists()
