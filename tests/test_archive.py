"""The archive's write side: dedup flow, transactions, raw pages, runs, opening files, folding."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
import zstandard

import archive.store
from archive import (
    ArchiveError,
    finish_run,
    load_raw_page,
    migrate,
    open_archive,
    save_article,
    search,
    start_run,
    stats,
)
from archive.schema import FTS_TABLE, pending_migrations
from archive.store import store_raw_page
from crawler.extract.fold import fold
from crawler.extract.record import Article, Image, Page

TEXT_V1 = "Sáng 8/7, Ban Thường vụ Tỉnh ủy Nghệ An họp phiên thường kỳ.\n\nĐồng chí Bí thư chủ trì."
TEXT_V2 = TEXT_V1 + "\n\nCập nhật: hội nghị kết thúc lúc 11 giờ."


def make_article(url: str = "https://nghean.dcs.vn/tin/hop-ban-thuong-vu-1.html", **fields: Any) -> Article:
    values: dict[str, Any] = {
        "site": "nghean",
        "title": "Ban Thường vụ Tỉnh ủy họp phiên thường kỳ",
        "text": TEXT_V1,
        "published": "2024-07-08T11:38:00+07:00",
        "images": (Image("https://nghean.dcs.vn/img/1.jpg", "Quang cảnh hội nghị"),),
        "extraction": "profile:nghean",
    }
    values.update(fields)
    return Article(url=url, **values)


@pytest.fixture
def db() -> Iterator[sqlite_utils.Database]:
    database = open_archive(":memory:")
    yield database
    database.close()


def count(db: sqlite_utils.Database, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])


def urls_of(db: sqlite_utils.Database, article_id: int) -> set[str]:
    return {row["url"] for row in db.query("SELECT url FROM article_urls WHERE article_id = ?", [article_id])}


# --- dedup flow ---------------------------------------------------------------------------


def test_new_duplicate_alias_updated_flow(db: sqlite_utils.Database) -> None:
    article = make_article()
    canonical = article.url
    tracked = canonical + "?utm_source=facebook"

    new = save_article(db, article, fetched_url=tracked, fetched_at="2024-07-08T05:00:00+00:00")
    assert (new.status, new.version) == ("new", 1)
    assert urls_of(db, new.article_id) == {canonical, tracked}
    row = db.table("articles").get(new.article_id)
    assert row["url"] == canonical
    assert row["first_seen"] == row["last_seen"] == "2024-07-08T05:00:00+00:00"
    assert row["extraction"] == "profile:nghean"

    # Same content under a URL the article is known by: only last_seen moves.
    mobile = "https://m.nghean.dcs.vn/tin/hop-ban-thuong-vu-1.html"
    duplicate = save_article(db, article, fetched_url=mobile, fetched_at="2024-07-09T05:00:00+00:00")
    assert (duplicate.status, duplicate.article_id, duplicate.version) == ("duplicate", new.article_id, 1)
    row = db.table("articles").get(new.article_id)
    assert row["first_seen"] == "2024-07-08T05:00:00+00:00"
    assert row["last_seen"] == "2024-07-09T05:00:00+00:00"
    assert urls_of(db, new.article_id) == {canonical, tracked, mobile}
    assert count(db, "article_versions") == 1

    # An unknown URL with the same content (differently spaced: the hash normalises): alias.
    other_url = "https://nghean.dcs.vn/tin/chinh-tri/hop-ban-thuong-vu.html"
    alias = save_article(
        db,
        make_article(other_url, text="  " + TEXT_V1.replace("\n\n", "\n") + " "),
        fetched_at="2024-07-09T06:00:00+00:00",
    )
    assert (alias.status, alias.article_id, alias.version) == ("alias", new.article_id, 1)
    assert count(db, "articles") == 1
    assert other_url in urls_of(db, new.article_id)

    # Known URL, new content: version 2, articles row and images show the latest.
    changed = make_article(
        canonical,
        text=TEXT_V2,
        images=(Image("https://nghean.dcs.vn/img/2.jpg"), Image("https://nghean.dcs.vn/img/3.jpg", "Đại biểu")),
    )
    updated = save_article(db, changed, fetched_at="2024-07-10T05:00:00+00:00")
    assert (updated.status, updated.article_id, updated.version) == ("updated", new.article_id, 2)
    row = db.table("articles").get(new.article_id)
    assert row["text"] == TEXT_V2
    assert row["content_hash"] == changed.content_hash
    assert row["last_seen"] == "2024-07-10T05:00:00+00:00"
    versions = list(
        db.query("SELECT version, text FROM article_versions WHERE article_id = ? ORDER BY version", [new.article_id])
    )
    assert versions == [{"version": 1, "text": TEXT_V1}, {"version": 2, "text": TEXT_V2}]
    images = list(
        db.query("SELECT position, src, caption FROM images WHERE article_id = ? ORDER BY position", [new.article_id])
    )
    assert images == [
        {"position": 1, "src": "https://nghean.dcs.vn/img/2.jpg", "caption": None},
        {"position": 2, "src": "https://nghean.dcs.vn/img/3.jpg", "caption": "Đại biểu"},
    ]

    # The alias URL now leads to the updated article: its latest content is a duplicate.
    again = save_article(db, make_article(other_url, text=TEXT_V2))
    assert (again.status, again.version) == ("duplicate", 2)
    # The old content is no longer the latest version of any article: a new article.
    revived = save_article(db, make_article("https://nghean.dcs.vn/tin/khac.html"))
    assert revived.status == "new" and revived.article_id != new.article_id
    assert count(db, "articles") == 2


def test_last_seen_never_moves_backwards(db: sqlite_utils.Database) -> None:
    article = make_article()
    saved = save_article(db, article, fetched_at="2024-07-10T00:00:00+00:00")
    save_article(db, article, fetched_at="2024-07-01T00:00:00+00:00")
    assert db.table("articles").get(saved.article_id)["last_seen"] == "2024-07-10T00:00:00+00:00"


def test_pages_without_text_are_never_aliases(db: sqlite_utils.Database) -> None:
    first = save_article(db, make_article("https://nghean.dcs.vn/video/1.html", text=""))
    second = save_article(db, make_article("https://nghean.dcs.vn/video/2.html", text=""))
    assert (first.status, second.status) == ("new", "new")
    assert first.article_id != second.article_id


def test_fetched_at_defaults_to_now_in_utc(db: sqlite_utils.Database) -> None:
    saved = save_article(db, make_article())
    first_seen = db.table("articles").get(saved.article_id)["first_seen"]
    assert first_seen.endswith("+00:00") and first_seen.startswith("20")


# --- transactions -------------------------------------------------------------------------


def test_failed_save_leaves_no_half_article(db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_images(*args: object) -> None:
        raise RuntimeError("disk full while writing images")

    monkeypatch.setattr(archive.store, "_replace_images", broken_images)
    with pytest.raises(RuntimeError, match="disk full"):
        save_article(db, make_article(), page=Page("https://nghean.dcs.vn/tin/1.html", b"<html>1</html>"))
    for table in ("articles", "article_urls", "article_versions", "images", "raw_pages", FTS_TABLE):
        assert count(db, table) == 0, table


def test_failed_update_keeps_previous_version(db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch) -> None:
    saved = save_article(db, make_article())

    def broken_images(*args: object) -> None:
        raise RuntimeError("disk full while writing images")

    monkeypatch.setattr(archive.store, "_replace_images", broken_images)
    with pytest.raises(RuntimeError):
        save_article(db, make_article(text=TEXT_V2))
    assert db.table("articles").get(saved.article_id)["text"] == TEXT_V1
    assert count(db, "article_versions") == 1
    assert count(db, "images") == 1
    assert [r["id"] for r in search(db, "cap nhat")] == []


# --- raw pages ----------------------------------------------------------------------------

BODY = "<html><head><meta charset='utf-8'></head><body><h1>Đảng ủy</h1></body></html>".encode()


def test_identical_bodies_are_stored_once_and_round_trip(db: sqlite_utils.Database) -> None:
    page = Page("https://nghean.dcs.vn/tin/1.html", BODY, {"Content-Type": "text/html; charset=utf-8"}, 200)
    first = save_article(db, make_article(), page=page)
    # Another article fetched with byte-identical HTML (a portal serving one page twice).
    second = save_article(
        db,
        make_article("https://nghean.dcs.vn/tin/2.html", text="Nội dung khác hẳn."),
        page=Page("https://nghean.dcs.vn/tin/2.html", BODY),
    )
    assert count(db, "raw_pages") == 1
    links = [row["raw_page_id"] for row in db.query("SELECT raw_page_id FROM article_versions ORDER BY article_id")]
    assert links[0] == links[1] is not None

    row = db.table("raw_pages").get(links[0])
    assert row["compression"] == "zstd"
    assert zstandard.ZstdDecompressor().decompress(row["body"]) == BODY
    assert len(row["body"]) < len(BODY) or len(BODY) < 100
    assert row["article_id"] == first.article_id != second.article_id
    assert json.loads(row["headers"]) == {"Content-Type": "text/html; charset=utf-8"}
    assert row["url"] == "https://nghean.dcs.vn/tin/1.html"
    assert load_raw_page(db, links[0]) == page


def test_store_raw_page_dedups_by_sha256(db: sqlite_utils.Database) -> None:
    page = Page("https://a.vn/1", BODY)
    one = store_raw_page(db, page, fetched_at="2024-01-01T00:00:00+00:00", article_id=None)
    two = store_raw_page(db, Page("https://a.vn/2", BODY), fetched_at="2024-01-02T00:00:00+00:00", article_id=None)
    three = store_raw_page(
        db, Page("https://a.vn/3", BODY + b" "), fetched_at="2024-01-02T00:00:00+00:00", article_id=None
    )
    assert one == two != three
    assert count(db, "raw_pages") == 2


def test_duplicate_attaches_page_to_a_version_saved_without_one(db: sqlite_utils.Database) -> None:
    saved = save_article(db, make_article())
    save_article(db, make_article(), page=Page(make_article().url, BODY))
    raw_page_id = db.execute(
        "SELECT raw_page_id FROM article_versions WHERE article_id = ?", [saved.article_id]
    ).fetchone()[0]
    assert load_raw_page(db, raw_page_id).body == BODY


def test_updated_version_links_its_own_page(db: sqlite_utils.Database) -> None:
    article = make_article()
    save_article(db, article, page=Page(article.url, b"<p>v1</p>"))
    save_article(db, make_article(text=TEXT_V2), page=Page(article.url, b"<p>v2</p>"))
    bodies = [
        load_raw_page(db, row["raw_page_id"]).body
        for row in db.query("SELECT raw_page_id FROM article_versions ORDER BY version")
    ]
    assert bodies == [b"<p>v1</p>", b"<p>v2</p>"]


# --- runs and stats -----------------------------------------------------------------------


def test_runs_record_counts_and_errors(db: sqlite_utils.Database) -> None:
    run_id = start_run(db, "nghean")
    assert db.table("runs").get(run_id)["status"] == "running"
    finish_run(
        db,
        run_id,
        status="finished",
        counts={"pages": 12, "new": 5, "updated": 1, "duplicates": 4},
        errors={"http_404": 2, "timeout": 1},
    )
    row = db.table("runs").get(run_id)
    assert (row["status"], row["pages"], row["new"], row["updated"], row["duplicates"], row["aliases"]) == (
        "finished",
        12,
        5,
        1,
        4,
        0,
    )
    assert row["errors"] == 3
    assert json.loads(row["errors_json"]) == {"http_404": 2, "timeout": 1}
    assert row["finished"] >= row["started"]
    with pytest.raises(ValueError, match="unknown run counts"):
        finish_run(db, run_id, status="finished", counts={"pagez": 1}, errors={})
    with pytest.raises(ValueError, match="no run"):
        finish_run(db, 999, status="finished", counts={}, errors={})


def test_stats_per_site(db: sqlite_utils.Database) -> None:
    save_article(db, make_article(published="2024-07-08T11:38:00+07:00"))
    save_article(db, make_article("https://nghean.dcs.vn/tin/2.html", text="Bài khác.", published="2023-01-02"))
    start_run(db, "nghean")
    later = start_run(db, "nghean")
    finish_run(db, later, status="finished", counts={}, errors={})
    start_run(db, "hatinh")
    rows = {row["site"]: row for row in stats(db)}
    assert rows["nghean"]["articles"] == 2
    assert rows["nghean"]["first_published"] == "2023-01-02"
    assert rows["nghean"]["last_published"] == "2024-07-08T11:38:00+07:00"
    assert rows["nghean"]["last_run_status"] == "finished"
    assert rows["hatinh"]["articles"] == 0 and rows["hatinh"]["last_run_status"] == "running"


# --- opening files and migrations ---------------------------------------------------------


def schema_of(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    return [(row["name"], row["sql"]) for row in db.query("SELECT name, sql FROM sqlite_master ORDER BY name")]


def test_reapplying_migrations_is_a_no_op() -> None:
    db = sqlite_utils.Database(memory=True)
    migrate(db)
    save_article(db, make_article())
    before = (schema_of(db), list(db.query("SELECT * FROM _sqlite_migrations")))
    migrate(db)
    assert (schema_of(db), list(db.query("SELECT * FROM _sqlite_migrations"))) == before
    assert count(db, "articles") == 1
    applied = [row["name"] for row in db.query("SELECT name FROM _sqlite_migrations WHERE migration_set = 'tinbai'")]
    assert applied[0] == "m001_initial" and len(applied) == len(set(applied))
    assert pending_migrations(db) == []


def test_reopening_a_file_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    db = open_archive(path)
    assert db.journal_mode == "wal"
    save_article(db, make_article())
    db.close()
    reopened = open_archive(path)
    assert count(reopened, "articles") == 1
    reopened.close()
    readonly = open_archive(str(path), readonly=True)
    assert [r["title"] for r in search(readonly, "thuong vu")] == ["Ban Thường vụ Tỉnh ủy họp phiên thường kỳ"]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        readonly.execute("DELETE FROM articles")
    readonly.close()


def test_readonly_missing_file_raises_archive_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    with pytest.raises(ArchiveError, match="archive not found") as raised:
        open_archive(missing, readonly=True)
    assert str(missing) in str(raised.value)
    assert not missing.exists()


def test_not_a_database_raises_archive_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are notes, not a database\n" * 100)
    for readonly in (False, True):
        with pytest.raises(ArchiveError, match="is not a SQLite database") as raised:
            open_archive(path, readonly=readonly)
        # One clear line, no sqlite3 exception chained behind it.
        assert "\n" not in str(raised.value)
        assert raised.value.__suppress_context__ and raised.value.__cause__ is None


def test_readonly_database_without_schema_raises_archive_error(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE notes (body TEXT)").connection.close()
    with pytest.raises(ArchiveError, match="not an up-to-date tinbai archive"):
        open_archive(path, readonly=True)


def test_locked_database_raises_archive_error(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO t VALUES (1)")
    try:
        with pytest.raises(ArchiveError, match="is locked"):
            open_archive(path, timeout=0.05)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_importing_the_archive_leaves_scrapy_out() -> None:
    code = "import sys, archive; assert 'scrapy' not in sys.modules, 'archive imported scrapy'"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=Path(__file__).parent.parent, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# --- folding ------------------------------------------------------------------------------

TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # ngang, huyền, sắc, hỏi, ngã, nặng
VOWELS = {
    "a": "a",
    "ă": "a",
    "â": "a",
    "e": "e",
    "ê": "e",
    "i": "i",
    "o": "o",
    "ô": "o",
    "ơ": "o",
    "u": "u",
    "ư": "u",
    "y": "y",
}
CONSONANTS = "bcdghklmnpqrstvx"


def vietnamese_letters() -> dict[str, str]:
    """Every Vietnamese letter, both cases, NFC -> its folded base letter."""
    letters = {"đ": "d", "Đ": "d"}
    for consonant in CONSONANTS:
        letters[consonant] = letters[consonant.upper()] = consonant
    for vowel, base in VOWELS.items():
        for tone in TONES:
            for cased in (vowel, vowel.upper()):
                letters[unicodedata.normalize("NFC", cased + tone)] = base
    return letters


def test_every_vietnamese_letter_folds_to_one_base_letter() -> None:
    letters = vietnamese_letters()
    assert len(letters) == 2 + 2 * len(CONSONANTS) + 2 * len(VOWELS) * len(TONES)
    for letter, base in letters.items():
        assert len(letter) == 1, f"{letter!r} has no precomposed form"
        assert fold(letter) == base, letter
        assert fold(unicodedata.normalize("NFD", letter)) == base, f"NFD {letter!r}"


def test_fold_keeps_offsets() -> None:
    letters = "".join(vietnamese_letters())
    sentence = "Đồng chí Bí thư Tỉnh ủy Nghệ An phát biểu: “Quyết tâm hoàn thành”! 가나 İ x\u0303"
    for text in (letters, sentence, letters + " " + sentence):
        nfc = unicodedata.normalize("NFC", text)
        folded = fold(text)
        assert len(folded) == len(nfc)
        assert all(folded[i] == fold(char) for i, char in enumerate(nfc))
        assert fold(unicodedata.normalize("NFD", text)) == folded
    assert fold("Đảng ủy tỉnh Nghệ An") == "dang uy tinh nghe an"
    assert fold("ĐẢNG ỦY") == "dang uy"


def test_the_canonical_page_decides_metadata_whatever_the_fetch_order() -> None:
    from archive import open_archive, save_article

    canonical = "https://nghean.dcs.vn/vi-vn/tin/x/1-2-34842"
    alias = "https://nghean.dcs.vn/vi-vn/tin/x/1-5-34842"
    text = "Nâng cao chất lượng sinh hoạt chi bộ. " * 5
    for order in ((alias, canonical), (canonical, alias)):
        db = open_archive(":memory:")
        for fetched in order:
            category = "Xây dựng Đảng" if fetched == canonical else "Chính quyền"
            record = Article(url=canonical, site="nghean", title="T", text=text, category=category)
            save_article(db, record, fetched_url=fetched)
        assert [row["category"] for row in db["articles"].rows] == ["Xây dựng Đảng"], order
        assert db["article_versions"].count == 1


def test_metadata_the_canonical_page_brings_is_searched_both_ways() -> None:
    """A same-text fetch at the canonical URL rewrites the title, lead and date: the folded index
    (what a search without diacritics reads) and both indexes' portal and month words follow."""
    from archive import open_archive, save_article, search
    from archive.query.filters import Filters

    canonical = "https://nghean.dcs.vn/vi-vn/tin/x/1-2-34842"
    alias = "https://nghean.dcs.vn/vi-vn/tin/x/1-5-34842"
    text = "Nâng cao chất lượng sinh hoạt chi bộ ở cơ sở. " * 5
    db = open_archive(":memory:")
    save_article(db, Article(url=canonical, site="nghean", title="Tin vắn", summary="Tóm tắt",
                             published="2024-01-05T08:00:00+07:00", text=text), fetched_url=alias)
    save_article(db, Article(url=canonical, site="nghean", title="Đảng ủy xã họp phiên thường kỳ",
                             summary="Hội nghị lần thứ ba", published="2025-03-02T08:00:00+07:00", text=text),
                 fetched_url=canonical)
    assert [row["title"] for row in db["articles"].rows] == ["Đảng ủy xã họp phiên thường kỳ"]
    for query, exact in (("dang uy", False), ("Đảng ủy", True), ("hoi nghi lan thu ba", False)):
        assert [hit["id"] for hit in search(db, query, exact=exact)] == [1], query
    assert search(db, "tin van") == [] and search(db, "Tin vắn", exact=True) == []
    for exact in (False, True):
        assert [hit["id"] for hit in search(db, "chi bo" if not exact else "chi bộ", exact=exact,
                                             filters=Filters(since="2025", until="2025"))] == [1], exact
        assert search(db, "chi bo" if not exact else "chi bộ", exact=exact, filters=Filters(until="2024")) == []


def test_a_write_transaction_survives_a_commit_by_another_connection(tmp_path: Path) -> None:
    """The run lock's heartbeat commits from its own connection while the pipeline saves."""
    from archive import open_archive, save_article
    from archive.transaction import write_transaction

    path = tmp_path / "a.db"
    db = open_archive(path)
    heartbeat = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    heartbeat.execute("CREATE TABLE beat (t)")
    record = Article(url="https://nghean.dcs.vn/vi-vn/tin/x/1-2-3", site="nghean", title="T", text="Đảng ủy " * 30)

    # What db.atomic() does: read, another connection commits, then the write fails at once.
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        with db.atomic():
            db.execute("SELECT count(*) FROM articles").fetchone()
            heartbeat.execute("INSERT INTO beat VALUES (1)")
            save_article(db, record)
    # With the write lock taken first, the other writer waits (here: times out) and the save lands.
    with write_transaction(db):
        db.execute("SELECT count(*) FROM articles").fetchone()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            heartbeat.execute("INSERT INTO beat VALUES (2)")
        save_article(db, record)
    assert db["articles"].count == 1


def test_nested_write_transactions_roll_back_only_their_own_part() -> None:
    from archive.transaction import write_transaction

    db = open_archive(":memory:")
    db.execute("CREATE TABLE t (n)")
    with write_transaction(db):
        db.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(RuntimeError):
            with write_transaction(db):
                db.execute("INSERT INTO t VALUES (2)")
                with write_transaction(db):
                    db.execute("INSERT INTO t VALUES (3)")
                raise RuntimeError("the second item fails after its own inner part succeeded")
        with write_transaction(db):
            db.execute("INSERT INTO t VALUES (4)")
            with pytest.raises(RuntimeError):
                with write_transaction(db):
                    db.execute("INSERT INTO t VALUES (5)")
                    raise RuntimeError("an inner part fails; the part around it goes on")
            db.execute("INSERT INTO t VALUES (6)")
    assert not db.conn.in_transaction
    assert [row[0] for row in db.execute("SELECT n FROM t ORDER BY n")] == [1, 4, 6]


def test_a_group_of_saves_writes_the_full_text_segments_once_at_commit(db: sqlite_utils.Database) -> None:
    """Between two commits no statement may make FTS5 write what it holds (archive/transaction.py):
    before, every save wrote a segment of both indexes."""
    from archive.transaction import without_savepoints

    sentence = "Hội nghị tổng kết công tác xây dựng Đảng và hệ thống chính trị năm {n} của tỉnh Nghệ An."
    db.conn.execute("BEGIN IMMEDIATE")
    without_savepoints(db)
    traced: list[str] = []
    db.conn.set_trace_callback(traced.append)
    try:
        for n in range(4):
            text = "\n\n".join(sentence.format(n=n * 10 + k) for k in range(6))  # over near.MIN_WORDS
            save_article(db, make_article(f"https://nghean.dcs.vn/tin/bai-{n}.html", text=text,
                                          title=f"Hội nghị số {n}"))
        before_commit = len(traced)
        db.conn.execute("COMMIT")
    finally:
        db.conn.set_trace_callback(None)
        without_savepoints(db, False)
    assert count(db, "article_minhash") == 4  # the LSH stage counter was updated at every save
    segment_writes = [i for i, sql in enumerate(traced) if "_fts_data'" in sql or "_fts_exact_data'" in sql]
    assert segment_writes, "the trace shows FTS5's own statements"
    assert min(segment_writes) > before_commit, [traced[i] for i in segment_writes[:3]]
