"""An archive made by an older tinbai upgrades in place when the current code opens it."""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

import numpy as np
import pytest
import sqlite_utils

from archive import ArchiveError, open_archive, save_article, search
from archive.schema import FTS_EXACT_TABLE, FTS_TABLE, migrations, pending_migrations
from archive.store import load_raw_page
from crawler.extract.fold import fold
from crawler.extract.record import Article, Page, content_hash

TEXT = "Sáng 8/7, Ban Thường vụ Đảng ủy Khối cơ quan tỉnh Nghệ An họp phiên thường kỳ."
OLD_PAGE = f"<html><head><title>Đảng ủy Khối họp</title></head><body><p>{TEXT}</p></body></html>".encode()


def first_version_archive(path: Path) -> None:
    """What tinbai 0.1 wrote: only the first migration, one article saved by its own code path."""
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m002_identity_near_duplicates_exact_search")
    assert [row["name"] for row in db.query("SELECT name FROM _sqlite_migrations")] == ["m001_initial"]
    db.table("articles").insert({
        "id": 1, "url": "https://nghean.dcs.vn/vi-vn/tin/hop/1-2-100", "site": "nghean",
        "title": "Đảng ủy Khối họp", "published": "2024-07-08T11:38:00+07:00", "text": TEXT,
        "content_hash": content_hash(TEXT), "first_seen": "2024-07-08T05:00:00+00:00",
        "last_seen": "2024-07-08T05:00:00+00:00",
    })
    db.table("article_versions").insert({
        "article_id": 1, "version": 1, "fetched_at": "2024-07-08T05:00:00+00:00", "title": "Đảng ủy Khối họp",
        "text": TEXT, "content_hash": content_hash(TEXT),
    })
    db.table("article_urls").insert({"url": "https://nghean.dcs.vn/vi-vn/tin/hop/1-2-100", "article_id": 1})
    db.execute(f"INSERT INTO [{FTS_TABLE}] (rowid, title, summary, text) VALUES (1, ?, '', ?)",
               [fold("Đảng ủy Khối họp"), fold(TEXT)])
    # Pages were zlib streams then, with no column saying so.
    db.table("raw_pages").insert({
        "id": 1, "url": "https://nghean.dcs.vn/vi-vn/tin/hop/1-2-100", "fetched_at": "2024-07-08T05:00:00+00:00",
        "status": 200, "headers": "{}", "body": zlib.compress(OLD_PAGE, 9),
        "sha256": hashlib.sha256(OLD_PAGE).hexdigest(), "article_id": 1,
    })
    db.execute("UPDATE article_versions SET raw_page_id = 1")
    db.conn.commit()
    db.close()


def test_an_archive_of_the_first_schema_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    first_version_archive(path)
    with pytest.raises(ArchiveError, match="pending migrations"):
        open_archive(path, readonly=True)

    db = open_archive(path)
    assert pending_migrations(db) == []
    article = next(db.query("SELECT * FROM articles"))
    assert article["published_month"] == "2024-07"
    assert article["near_duplicate_of"] is None and article["site_article_id"] is None
    # The exact-diacritic index holds its own copy now, without triggers on articles.
    assert not list(db.query("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    indexed = db.execute(f"SELECT rowid, title, text FROM [{FTS_EXACT_TABLE}]").fetchall()
    assert indexed == [(1, "Đảng ủy Khối họp", TEXT)]
    # The old article is in the new exact-diacritic index and still in the folded one.
    assert [r["id"] for r in search(db, "Đảng ủy", exact=True)] == [1]
    assert [r["id"] for r in search(db, "dang uy")] == [1]
    # Its zlib page still reads back (re-extraction reads it), and new pages are Zstandard.
    assert load_raw_page(db, 1).body == OLD_PAGE
    assert db.execute("SELECT compression FROM raw_pages").fetchall() == [("zlib",)]
    # And the new code saves into it: the same URL with new text is a second version.
    result = save_article(db, Article(url="https://nghean.dcs.vn/vi-vn/tin/hop/1-2-100", site="nghean",
                                      title="Đảng ủy Khối họp", text=TEXT + " Cập nhật."), site_article_id="100")
    assert (result.status, result.version) == ("updated", 2)
    new_page = Page(url="https://nghean.dcs.vn/vi-vn/tin/hop/1-2-100", body=OLD_PAGE + b"<!-- 2 -->")
    save_article(db, Article(url=new_page.url, site="nghean", title="Đảng ủy Khối họp", text=TEXT + " Lần 3."),
                 page=new_page, site_article_id="100")
    assert db.execute("SELECT compression FROM raw_pages ORDER BY id").fetchall() == [("zlib",), ("zstd",)]
    assert load_raw_page(db, 2) == new_page
    db.close()
    readonly = open_archive(path, readonly=True)
    assert readonly.execute("SELECT site_article_id FROM articles").fetchone()[0] == "100"
    for table in (FTS_TABLE, FTS_EXACT_TABLE):
        assert readonly.execute(f"SELECT v FROM [{table}_config] WHERE k = 'automerge'").fetchone() == (16,)
    readonly.close()


def test_signatures_of_the_old_scheme_are_made_again(tmp_path: Path) -> None:
    """Archives before m005 held datasketch's SHA-1-per-shingle values: every one is recomputed, so
    that new articles are compared with signatures made the same way."""
    from archive import near

    path = tmp_path / "m004.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m005_minhash_word_hashes")
    text = " ".join(f"Đảng ủy xã {n} họp bàn công tác chuyển đổi số năm 2024." for n in range(8))
    db.table("articles").insert({
        "id": 1, "url": "https://nghean.dcs.vn/vi-vn/tin/hop/1-2-100", "site": "nghean", "title": "Họp",
        "text": text, "content_hash": content_hash(text), "first_seen": "2024-07-08T05:00:00+00:00",
        "last_seen": "2024-07-08T05:00:00+00:00",
    })
    old = bytes(range(256)) * 2  # 128 values that are not this scheme's
    db.execute("INSERT INTO article_minhash (article_id, signature) VALUES (1, ?)", [old])
    db.execute("INSERT INTO article_lsh (band, bucket, article_id) VALUES (0, 12345, 1)")
    db.conn.commit()
    db.close()

    upgraded = open_archive(path)
    expected = near.signature(text)
    assert expected is not None
    assert upgraded.execute("SELECT signature FROM article_minhash").fetchall() == [(expected.tobytes(),)]
    assert upgraded.execute("SELECT band, bucket FROM article_lsh ORDER BY band").fetchall() == near._buckets(expected)
    # m007: the buckets kept in one B-tree keyed by (band, bucket, article_id), none staged yet.
    table_sql = upgraded.execute("SELECT sql FROM sqlite_master WHERE name = 'article_lsh'").fetchone()[0]
    assert "WITHOUT ROWID" in table_sql
    assert upgraded.execute("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'article_lsh' AND type = 'index'"
                            " AND sql IS NOT NULL").fetchone() == (0,)
    assert upgraded.execute("SELECT count(*) FROM article_lsh_recent").fetchone() == (0,)
    # A re-post saved now is found through the recomputed buckets.
    result = save_article(upgraded, Article(url="https://nghean.dcs.vn/vi-vn/tin/hop-lai/1-2-101", site="nghean",
                                            title="Họp lại", text=text + " Tin: Quang Minh."))
    link = upgraded.execute("SELECT near_duplicate_of FROM articles WHERE id = ?", [result.article_id]).fetchone()
    assert link == (1,)
    upgraded.close()


def test_sketches_are_made_for_the_signatures_stored_before(tmp_path: Path) -> None:
    """m131: every signature stored before gets its sketch, so that the lookups after the upgrade
    read the sketches of old and new candidates alike."""
    from archive import near

    path = tmp_path / "m130.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m131_minhash_sketches")
    base = " ".join(f"Đảng ủy xã {n} họp bàn công tác chuyển đổi số năm 2024." for n in range(8))
    for number in range(1, 4):
        # Saved by this code on the older schema: the sketch is left for the migration to make.
        save_article(db, Article(url=f"https://nghean.dcs.vn/vi-vn/tin/hop/1-2-{number}", site="nghean",
                                 title=f"Họp {number}", text=f"{base} Tin {number}: Quang Minh."))
    db.conn.commit()
    db.close()

    upgraded = open_archive(path)
    stored = upgraded.execute("SELECT article_id, signature FROM article_minhash ORDER BY article_id").fetchall()
    assert len(stored) == 3
    sketches = upgraded.execute("SELECT article_id, sketch FROM article_minhash_sketch ORDER BY article_id").fetchall()
    assert sketches == [(article_id, near.sketch(np.frombuffer(signature, dtype=near.SIGNATURE_DTYPE)))
                        for article_id, signature in stored]
    # The re-posts found before the upgrade are found after it.
    assert [row[0] for row in upgraded.execute("SELECT near_duplicate_of FROM articles ORDER BY id")] == [None, 1, 1]
    result = save_article(upgraded, Article(url="https://nghean.dcs.vn/vi-vn/tin/hop/1-2-9", site="nghean",
                                            title="Họp 9", text=f"{base} Tin 9: Quang Minh."))
    assert upgraded.execute("SELECT near_duplicate_of FROM articles WHERE id = ?",
                            [result.article_id]).fetchone() == (1,)
    upgraded.close()


def test_articles_are_found_by_url_without_their_own_index(tmp_path: Path) -> None:
    """m132 drops the index on articles.url: an article's own URL is found through article_urls,
    where the migration registers any that was missing."""
    from archive.query.history import find_article

    path = tmp_path / "m131.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m132_articles_found_by_url_through_article_urls")
    first = save_article(db, Article(url="https://nghean.dcs.vn/vi-vn/tin/a/1-2-1", site="nghean", title="Một",
                                     text="Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ nhất."))
    second = save_article(db, Article(url="https://nghean.dcs.vn/vi-vn/tin/b/1-2-2", site="nghean", title="Hai",
                                      text="Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ hai."))
    # An older archive whose article lost its own URL's row.
    db.execute("DELETE FROM article_urls WHERE article_id = ?", [second.article_id])
    db.conn.commit()
    db.close()

    upgraded = open_archive(path)
    assert upgraded.execute("SELECT name FROM sqlite_master WHERE name = 'idx_articles_url'").fetchall() == []
    assert find_article(upgraded, "https://nghean.dcs.vn/vi-vn/tin/a/1-2-1") == first.article_id
    assert find_article(upgraded, "https://nghean.dcs.vn/vi-vn/tin/b/1-2-2") == second.article_id
    # Saved again under its URL, the article is known, not archived twice.
    again = save_article(upgraded, Article(url="https://nghean.dcs.vn/vi-vn/tin/b/1-2-2", site="nghean", title="Hai",
                                           text="Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ hai."))
    assert (again.status, again.article_id) == ("duplicate", second.article_id)
    upgraded.close()


def test_addresses_registered_before_are_ones_the_article_was_seen_at(tmp_path: Path) -> None:
    """m135: `article_urls.redirected`; every row an older archive holds is an address its article
    was seen at (0), and a save after the upgrade registers a URL that only redirected as one (1)."""
    from archive.takedowns import article_of_url, mark_gone

    path = tmp_path / "m134.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m135_addresses_that_only_redirected")
    # An archive of that schema had no column to say so (m001 creates it today).
    db.execute("CREATE TABLE article_urls_old (url TEXT PRIMARY KEY, article_id INTEGER NOT NULL)")
    db.execute("DROP TABLE article_urls")
    db.execute("ALTER TABLE article_urls_old RENAME TO article_urls")
    db.execute("CREATE INDEX idx_article_urls_article_id ON article_urls (article_id)")
    own = "https://nghean.dcs.vn/vi-vn/tin/a/1-2-1"
    text = "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ nhất bàn nhiệm vụ năm 2025."
    db.execute("INSERT INTO articles (id, url, site, title, text, content_hash, first_seen, last_seen)"
               " VALUES (1, ?, 'nghean', 'Một', ?, ?, '2024-07-08T05:00:00+00:00', '2024-07-08T05:00:00+00:00')",
               [own, text, content_hash(text)])
    db.execute("INSERT INTO article_versions (article_id, version, fetched_at, title, text, content_hash)"
               " VALUES (1, 1, '2024-07-08T05:00:00+00:00', 'Một', ?, ?)", [text, content_hash(text)])
    db.execute("INSERT INTO article_urls (url, article_id) VALUES (?, 1), (?, 1)",
               [own, "https://nghean.dcs.vn/vi-vn/tin/b/1-2-1"])
    db.conn.commit()
    db.close()

    upgraded = open_archive(path)
    assert upgraded.execute("SELECT url, redirected FROM article_urls ORDER BY url").fetchall() == [
        (own, 0), ("https://nghean.dcs.vn/vi-vn/tin/b/1-2-1", 0)]
    short = "https://nghean.dcs.vn/?p=1"
    result = save_article(upgraded, Article(url=own, site="nghean", title="Một", text=text), fetched_url=own,
                          requested_url=short)
    assert (result.status, result.article_id) == ("duplicate", 1)
    assert upgraded.execute("SELECT redirected FROM article_urls WHERE url = ?", [short]).fetchone() == (1,)
    assert article_of_url(upgraded, short) == 1
    assert mark_gone(upgraded, 1, url=short, reason="http_404", when="2026-12-07T00:00:00+00:00") == "redirect_gone"
    upgraded.close()
