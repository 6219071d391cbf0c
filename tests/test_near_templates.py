"""Near duplicates on district reports written on one template: they share most paragraphs and are
different articles; re-posts of them are still re-posts (archive/near.py, bench/near.py)."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
import sqlite_utils

from archive import open_archive, save_article, search
from archive.near import differ_in_specifics, signature, similarity, specifics
from archive.schema import m105_near_duplicates_checked_by_what_they_report
from bench.near import generate, measure, report
from crawler.extract.record import Article


@pytest.fixture
def db() -> Iterator[sqlite_utils.Database]:
    database = open_archive(":memory:")
    yield database
    database.close()


def test_templated_reports_are_never_joined_and_reposts_are_found() -> None:
    docs = generate(districts=8, months=1, reposts=40, seed=5)
    minhash, archive = measure(docs)
    # The generator is the hard case it claims to be: MinHash alone joins the reports.
    assert minhash.reports_joined >= 12
    assert archive.reports_joined == 0 and archive.precision == 1.0
    # Every re-post MinHash takes for one (its signature within the threshold of its original's)
    # is linked to its original: the check of what the texts report costs no re-post.
    assert archive.close_reposts >= 30 and archive.close_recall == 1.0
    assert archive.recall > minhash.recall


def test_what_a_report_reports() -> None:
    text = ("Sáng 12/3, Ban Thường vụ Huyện ủy Kỳ Sơn tổ chức hội nghị. Đồng chí Lô Văn Hùng, Bí thư Huyện ủy "
            "phát biểu. Tỷ lệ đạt 45,5%, có 1.200 đảng viên.")
    found = specifics(text)
    assert {"12/3", "Kỳ Sơn", "Lô Văn Hùng", "455", "1200"} <= found
    assert "Sáng" not in found and "Tỷ" not in found  # a capital that starts a sentence is no name


def test_a_repost_that_adds_or_leaves_out_is_the_same_report() -> None:
    original = report(1, "Kỳ Sơn", 3, random.Random(4))
    paragraphs = original.split("\n\n")
    assert not differ_in_specifics(original, original + "\n\nTheo Báo Nghệ An điện tử")
    assert not differ_in_specifics(original, "\n\n".join(paragraphs[:2] + paragraphs[3:]))
    with_year = original.replace("/3,", "/3/2026,", 1)
    assert with_year != original and not differ_in_specifics(original, with_year)
    # Another district's report, and the same district's report of another month, are not.
    assert differ_in_specifics(original, report(1, "Thanh Chương", 3, random.Random(4)))
    assert differ_in_specifics(original, report(1, "Kỳ Sơn", 4, random.Random(5)))


def test_search_finds_ky_son_though_its_report_shares_thanh_chuongs_paragraphs(db: sqlite_utils.Database) -> None:
    rng = random.Random(1)
    thanh_chuong, ky_son = report(1, "Thanh Chương", 3, rng), report(1, "Kỳ Sơn", 3, rng)
    first, second = (signature(text) for text in (thanh_chuong, ky_son))
    assert first is not None and second is not None and similarity(first, second) >= 0.8  # MinHash would join them
    save_article(db, Article(url="https://nghean.dcs.vn/tin/1", site="nghean", title="Sơ kết Nghị quyết 21",
                             text=thanh_chuong))
    result = save_article(db, Article(url="https://nghean.dcs.vn/tin/2", site="nghean", title="Sơ kết Nghị quyết 21",
                                      text=ky_son))
    assert db.execute("SELECT near_duplicate_of FROM articles WHERE id = ?", [result.article_id]).fetchone() == (None,)
    assert [found["id"] for found in search(db, "Kỳ Sơn")] == [result.article_id]
    assert [found["id"] for found in search(db, "ky son")] == [result.article_id]


def test_links_made_by_minhash_alone_are_checked_again_on_upgrade(db: sqlite_utils.Database) -> None:
    rng = random.Random(8)
    ids = []
    for district in ("Thanh Chương", "Kỳ Sơn"):
        ids.append(save_article(db, Article(url=f"https://nghean.dcs.vn/tin/{district}", site="nghean",
                                            title="Sơ kết", text=report(2, district, 4, rng))).article_id)
    repost = report(2, "Thanh Chương", 4, random.Random(8)) + "\n\n(Nguồn: Huyện ủy Thanh Chương)"
    ids.append(save_article(db, Article(url="https://dienchau.nghean.dcs.vn/tin/1", site="dienchau", title="Sơ kết",
                                        text=repost)).article_id)
    assert [row[0] for row in db.execute("SELECT near_duplicate_of FROM articles ORDER BY id")] == [None, None, ids[0]]
    # What an archive linked before the check holds: the Kỳ Sơn report "re-posting" Thanh Chương's.
    db.execute("UPDATE articles SET near_duplicate_of = ? WHERE id = ?", [ids[0], ids[1]])
    m105_near_duplicates_checked_by_what_they_report(db)
    assert [row[0] for row in db.execute("SELECT near_duplicate_of FROM articles ORDER BY id")] == [None, None, ids[0]]


def test_parsed_texts_are_kept_up_to_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    import archive.near as near

    monkeypatch.setattr(near, "_REPORTED_KEPT", 3)
    monkeypatch.setattr(near, "_reported_kept", near.OrderedDict())
    texts = [f"Huyện ủy Kỳ Sơn họp ngày {day}/3 với {day * 10} đảng viên." for day in range(1, 6)]
    first = near._reported(texts[0])
    assert near._reported(texts[0]) is first  # parsed once
    for text in texts[1:]:
        near._reported(text)
    assert len(near._reported_kept) == 3
    # The oldest are let go; what is kept answers as a fresh parse does.
    assert near._reported(texts[0]) is not first and near._reported(texts[0]) == first
    assert {"Kỳ Sơn", "5/3", "50"} <= near.specifics(texts[4])
