"""Soak: many consecutive scheduled runs over a portal that keeps changing (new articles, edits, a
removal, outages), incremental runs with a weekly --full among them, end with exactly the
archive expected: every article once, every edit a version, nothing lost to an outage."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.portal_snapshots import SITE, Snapshot, article_url, new_article_text
from tests.test_faults import check_sound, run_crawl, versions

pytestmark = pytest.mark.slow

EDITED = "pages/tin/34817.html"
EDITED_URL = f"{SITE}/vi-vn/tin/trao-tang-huy-hieu-dang-dot-7-11-cho-cac-dang-vien-lao-thanh/1-2-34817"
REMOVED = f"{SITE}/vi-vn/tin/chu-tich-ubnd-tinh-kiem-tra-tien-do-cac-du-an-tai-khu-kinh-te-dong-nam/1-5-34795"
CHINH_QUYEN = f"{SITE}/vi-vn/chuyen-muc/chinh-quyen/1-5"


def _latest(db: Path) -> dict[str, str]:
    connection = sqlite3.connect(db)
    try:
        return dict(connection.execute("SELECT url, text FROM articles").fetchall())
    finally:
        connection.close()


def test_many_runs_over_an_evolving_portal(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "soak.db"
    s0 = Snapshot(tmp_path / "s0")
    s1 = s0.copy(tmp_path / "s1")
    n1 = s1.add(40011, "xay-dung-dang")
    s2 = s1.copy(tmp_path / "s2")
    s2.edit(EDITED, "Cập nhật lần một: danh sách được bổ sung thêm 12 đảng viên.")
    n2 = s2.add(40012, "chinh-quyen-2")  # deep in a listing: only a --full run finds it
    s3 = s2.copy(tmp_path / "s3")
    s3.outage()  # the whole portal answers 503, Retry-After an hour
    s4 = s2.copy(tmp_path / "s4")
    n3 = s4.add(40013, "tuyen-giao")
    s4.remove(REMOVED)
    s5 = s4.copy(tmp_path / "s5")
    s5.edit(EDITED, "Cập nhật lần hai: bổ sung ảnh tư liệu của buổi lễ.")
    s5.edit("pages/tin/new-40011.html", "Đính chính: hội nghị diễn ra vào buổi chiều.")
    s6 = s5.copy(tmp_path / "s6")
    n4, n5 = s6.add(40014, "xay-dung-dang"), s6.add(40015, "xay-dung-dang")
    s7 = s6.copy(tmp_path / "s7")
    n6 = s7.add(40016, "chinh-quyen")
    s8 = s7.copy(tmp_path / "s8")
    s7.outage(CHINH_QUYEN)  # one listing down for a run: its new article waits for the next
    s8.write()

    # (snapshot, --full?, what the run must report)
    steps: list[tuple[Snapshot, bool, dict[str, Any]]] = [
        (s0, False, {"new": 16}),
        (s1, False, {"new": 1}),
        (s2, False, {"new": 0, "updated": 0}),  # the edit and the deep article wait for --full
        (s2, True, {"new": 1, "updated": 1}),
        (s3, False, {"new": 0, "updated": 0, "status": "errors"}),
        (s4, False, {"new": 1, "updated": 0}),
        (s4, True, {"new": 0, "updated": 0}),  # the removed article answers 404: kept, not lost
        (s5, False, {"new": 0, "updated": 0}),
        (s5, True, {"new": 0, "updated": 2}),
        (s6, False, {"new": 2}),
        (s7, False, {"new": 0}),
        (s8, False, {"new": 1}),
        (s8, True, {"new": 0, "updated": 0}),
    ]
    for number, (snapshot, full, expected) in enumerate(steps):
        summary = run_crawl(tinbai, db, snapshot.write(), *(["--full"] if full else []))
        assert {key: summary[key] for key in expected} == expected, f"run {number}: {summary}"
        if snapshot is s3:
            assert "http_503" in summary["errors_by_kind"] and summary["pages"] <= 4, summary
        if snapshot is s4 and full:
            assert summary["errors_by_kind"]["http_404"] == 2, summary  # the removed one and the broken link

    check_sound(db)
    history = versions(db)
    added = [n1, n2, n3, n4, n5, n6]
    assert len(history) == 16 + len(added)
    assert len(history[EDITED_URL]) == 3 and len(history[n1]) == 2
    assert all(len(hashes) == 1 for url, hashes in history.items() if url not in (EDITED_URL, n1))
    # Each article's latest text is what the portal last showed: the last snapshot crawled afresh,
    # and for the removed article, the original portal.
    fresh = tmp_path / "fresh.db"
    run_crawl(tinbai, fresh, s8.root)
    original = tmp_path / "original.db"
    run_crawl(tinbai, original, s0.root)
    latest = _latest(db)
    assert latest == {**_latest(fresh), REMOVED: _latest(original)[REMOVED]}
    assert new_article_text(40016)[0] in latest[article_url(40016)]
    statuses = [row[0] for row in sqlite3.connect(db).execute("SELECT status FROM runs ORDER BY id")]
    assert len(statuses) == len(steps) and "running" not in statuses and "interrupted" not in statuses
