"""Re-extraction writes only what changed, and the archive ends up exactly as if every record
had been saved again with save_reextraction() (metadata, images, search index, portal id)."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import crawler.reextract as reextract_module
from archive import load_raw_page, open_archive, save_article
from archive.store import reextraction_plan, save_reextraction
from crawler.extract import Article, Image, NotAnArticle, extract
from crawler.extract.fold import fold
from crawler.reextract import reextract
from crawler.sites import PROFILES, get
from tests.fixtures import gold_records, saved_page

FETCHED = "2026-11-21T10:00:00+00:00"
# What "older rules" got wrong, one kind per article (by the portal's id):
MUTATIONS = {
    "34866": "text",  # kept the share bar: a new version
    "34805": "category",
    "34871": "summary",
    "21523": "no images",
    "34830": "caption",
    "34858": "spacing",  # same hash (whitespace), but the folded index is rewritten from the new text
    "34842": "no portal id",  # claimed by the re-extraction
    "21066": "portal id held",  # NULL, and another article holds its id: stays NULL
    "33120": "stale index",  # the folded index row lags behind the record
}
NOT_AN_ARTICLE = "https://nghean.dcs.vn/vi-vn/tin/bai-cu/1-2-99999"


@pytest.fixture
def archive_file(tmp_path: Path) -> Path:
    path = tmp_path / "nghean.db"
    db = open_archive(path)
    profile = get("nghean")
    ids = {}
    for site, gold_path in gold_records():
        stem = gold_path.stem
        page = saved_page(site, load_gold_url(gold_path))
        article = extract(page, profile.page_class)
        kind = MUTATIONS.get(stem)
        if kind == "text":
            article = replace(article, text=article.text + "\n\nChia sẻ: Facebook Zalo In bài", content_hash="")
        elif kind == "category":
            article = replace(article, category="Tin tổng hợp")
        elif kind == "summary":
            article = replace(article, summary=None)
        elif kind == "no images":
            article = replace(article, images=())
        elif kind == "caption":
            article = replace(article, images=(Image(article.images[0].src, "Ảnh cũ"), *article.images[1:]))
        elif kind == "spacing":
            article = replace(article, text=article.text.replace(" ", "  ", 3), content_hash="")
        ids[stem] = save_article(db, article, page=page, fetched_at=FETCHED,
                                 site_article_id=profile.article_id(article.url)).article_id
    # A stored page that no longer yields an article (a listing saved by a faulty crawl).
    listing = saved_page("nghean", "https://nghean.dcs.vn/vi-vn")
    listing = replace(listing, url=NOT_AN_ARTICLE)
    save_article(db, Article(url=NOT_AN_ARTICLE, site="nghean", title="Bài cũ", text="Một đoạn văn."),
                 page=listing, fetched_at=FETCHED)
    db.execute("UPDATE articles SET site_article_id = NULL WHERE id IN (?, ?)", [ids["34842"], ids["21066"]])
    db.execute("UPDATE articles SET site_article_id = '21066' WHERE id = ?", [ids["12847"]])
    db.execute("UPDATE articles_fts SET title = ? WHERE rowid = ?", [fold("Tiêu đề cũ"), ids["33120"]])
    db.conn.commit()
    db.close()
    return path


def load_gold_url(path: Path) -> str:
    import json

    return json.loads(path.read_text(encoding="utf-8"))["url"]


def save_every_record(path: Path) -> dict[str, Any]:
    """The reference: every stored page extracted and saved with save_reextraction(), in plan order."""
    db = open_archive(path)
    counts = {"updated": 0, "unchanged": 0, "failed": 0}
    for article_id, raw_page_id in reextraction_plan(db):
        page = load_raw_page(db, raw_page_id)
        site = db.execute("SELECT site FROM articles WHERE id = ?", [article_id]).fetchone()[0]
        try:
            article = extract(page, PROFILES[site].page_class)
        except NotAnArticle:
            counts["failed"] += 1
            continue
        result = save_reextraction(db, article_id, article, raw_page_id=raw_page_id,
                                   site_article_id=PROFILES[article.site].article_id(article.url))
        counts["updated" if result.status == "updated" else "unchanged"] += 1
    db.close()
    return counts


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a re-extraction may write, in a stable order."""
    queries = {
        "articles": "SELECT * FROM articles ORDER BY id",
        "versions": "SELECT * FROM article_versions ORDER BY article_id, version",
        "images": "SELECT article_id, position, src, caption FROM images ORDER BY article_id, position",
        "urls": "SELECT * FROM article_urls ORDER BY url",
        "index": "SELECT rowid, title, summary, text FROM articles_fts ORDER BY rowid",
        "exact": "SELECT rowid FROM articles_fts_exact WHERE articles_fts_exact MATCH 'Nghệ' ORDER BY rowid",
        "minhash": "SELECT * FROM article_minhash ORDER BY article_id",
        "lsh": "SELECT * FROM article_lsh UNION ALL SELECT * FROM article_lsh_recent ORDER BY article_id, band",
        "raw_pages": "SELECT id, sha256, article_id FROM raw_pages ORDER BY id",
    }
    connection = sqlite3.connect(path)
    try:
        return {name: connection.execute(sql).fetchall() for name, sql in queries.items()}
    finally:
        connection.close()


@pytest.mark.parametrize("processes", [1, 2])
def test_reextract_ends_as_saving_every_record_again(archive_file: Path, tmp_path: Path, processes: int) -> None:
    reference = tmp_path / "reference.db"
    shutil.copy(archive_file, reference)
    expected = save_every_record(reference)
    assert expected == {"updated": 1, "unchanged": 15, "failed": 1}

    before = dump(archive_file)
    db = open_archive(archive_file)
    counts = reextract(db, str(archive_file), processes=processes)
    db.close()
    assert counts["processes"] == processes
    assert (counts["articles"], counts["updated"], counts["unchanged"], counts["failed"]) == (17, 1, 15, 1)
    assert [failure["reason"] for failure in counts["failures"]] == ["page is a list of articles, not an article"]

    wanted = dump(reference)
    assert dump(archive_file) == wanted
    # Not vacuous: the mutations were repaired, so the archive did change.
    assert before != wanted
    source = open_archive(archive_file)
    rows = {row["url"].rsplit("-", 1)[-1]: row for row in source.query("SELECT * FROM articles")}
    source.close()
    assert rows["34805"]["category"] == "Tuyên giáo"
    assert rows["34842"]["site_article_id"] == "34842"  # claimed
    assert rows["21066"]["site_article_id"] is None  # held by another article


def test_a_second_run_writes_nothing(archive_file: Path) -> None:
    db = open_archive(archive_file)
    reextract(db, str(archive_file), processes=2)
    written = db.conn.total_changes
    again = reextract(db, str(archive_file), processes=2)
    assert (again["updated"], again["unchanged"], again["failed"]) == (0, 16, 1)
    assert db.conn.total_changes == written
    assert not db.conn.in_transaction
    db.close()


def test_records_that_change_nothing_are_not_sent_to_the_writer(
    archive_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved: list[int] = []

    def counting(db: Any, article_id: int, *args: Any, **kwargs: Any) -> Any:
        saved.append(article_id)
        return save_reextraction(db, article_id, *args, **kwargs)

    monkeypatch.setattr(reextract_module, "save_reextraction", counting)
    db = open_archive(archive_file)
    reextract(db, str(archive_file), processes=1)
    ids = {row["site_article_id"]: row["id"] for row in db.query("SELECT id, site_article_id FROM articles")}
    db.close()
    # The nine mutated articles but 21066 (whose id another article holds: nothing to write).
    assert sorted(saved) == sorted(ids[key] for key in MUTATIONS if key != "21066")


def test_one_process_runs_without_a_pool(archive_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a pool was started for one process")

    monkeypatch.setattr(reextract_module.multiprocessing, "get_context", no_pool)
    db = open_archive(archive_file)
    counts = reextract(db, str(archive_file), processes=1)
    db.close()
    assert (counts["processes"], counts["updated"], counts["unchanged"]) == (1, 1, 15)


def fail_on_third_save(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make the writer's third save raise; returns the ids the writer was asked to save."""
    calls: list[int] = []

    def failing(db: Any, article_id: int, *args: Any, **kwargs: Any) -> Any:
        calls.append(article_id)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return save_reextraction(db, article_id, *args, **kwargs)

    monkeypatch.setattr(reextract_module, "save_reextraction", failing)
    return calls


def test_a_failing_save_rolls_back_the_open_batch(archive_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = dump(archive_file)
    fail_on_third_save(monkeypatch)
    db = open_archive(archive_file)
    with pytest.raises(RuntimeError, match="disk full"):
        reextract(db, str(archive_file), processes=2)
    assert not db.conn.in_transaction
    db.close()
    assert dump(archive_file) == before


def of_article(rows: dict[str, list[tuple[Any, ...]]], article_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of `dump()` that belong to one article (tables whose first column is its id)."""
    return {name: [row for row in rows[name] if row[0] == article_id]
            for name in ("articles", "versions", "images", "index", "minhash", "lsh")}


def test_batches_commit_after_commit_every_saves(
    archive_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = tmp_path / "reference.db"
    shutil.copy(archive_file, reference)
    save_every_record(reference)
    wanted, before = dump(reference), dump(archive_file)
    monkeypatch.setattr(reextract_module, "COMMIT_EVERY", 2)
    calls = fail_on_third_save(monkeypatch)
    db = open_archive(archive_file)
    with pytest.raises(RuntimeError, match="disk full"):
        reextract(db, str(archive_file), processes=1)
    db.close()
    after = dump(archive_file)
    # The first two saves were committed before the third failed; the third was rolled back.
    first, second, third = calls
    assert of_article(after, first) == of_article(wanted, first) != of_article(before, first)
    assert of_article(after, second) == of_article(wanted, second) != of_article(before, second)
    assert of_article(after, third) == of_article(before, third) != of_article(wanted, third)
