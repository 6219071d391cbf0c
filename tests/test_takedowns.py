"""Nothing archived is lost when a portal takes articles down, serves error pages in their place, or
puts them back: the saved Nghệ An portal replayed in three snapshots, checked article by article.

1. The portal as saved.
2. A week later: two articles edited; one answers its error page with status 200 ("Trang bạn tìm
   không tồn tại"), one (both its URLs) the ASP.NET "Server Error in '/' Application" page with 200;
   one answers 404, one 410; one redirects to the home page, one to a listing; one URL serves
   another article.
3. Restored: every article back (the edits stay).

After each crawl every article is still archived with its last real content, found by search,
exported, and each takedown is marked with its time, and each return recorded.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from archive import open_archive, search
from archive.query.export import export_rows
from archive.query.filters import Filters
from archive.runs import stats
from tests.fixtures import FIXTURES, load_gold
from tests.portal_snapshots import SITE, Snapshot
from tests.test_faults import check_sound, run_crawl

NGHEAN = FIXTURES / "nghean"
CRAWL = json.loads((NGHEAN / "expected" / "crawl.json").read_text(encoding="utf-8"))
# Portal id -> canonical URL, for the 16 articles of the saved portal.
URLS = {entry["id"]: url for url, entry in CRAWL["articles"].items()}
ALIAS_34842 = CRAWL["articles"][URLS["34842"]]["aliases"][0]
HOME = f"{SITE}/vi-vn"
LISTING = f"{SITE}/vi-vn/chuyen-muc/chinh-quyen/1-5"

EDITED = {"34817": "Cập nhật: danh sách đảng viên được trao Huy hiệu đã được bổ sung.",
          "34858": "Cập nhật: toàn văn kết luận hội nghị được đăng tải dưới đây."}
# Portal id -> (what its URL answers in snapshot 2, the error kind the run counts).
TAKEN_DOWN = {
    "34871": "soft_404",  # the 404 error page, served with 200
    "34842": "soft_404",  # both URLs: the ASP.NET server error page, served with 200
    "34830": "http_404",
    "34795": "http_410",
    "34502": "soft_404",  # redirected to the home page
    "12847": "soft_404",  # redirected to a listing
}
# 33120's URL serves another article's page (21066's, whose canonical link says so).
REPLACED = "33120"


def gold(article_id: str) -> dict[str, Any]:
    return load_gold(NGHEAN / "expected" / f"{article_id}.json")


def edit_file(article_id: str) -> str:
    return f"pages/tin/{article_id}.html"


def with_edits(root: Path) -> Snapshot:
    snapshot = Snapshot(root)
    for article_id, sentence in EDITED.items():
        snapshot.edit(edit_file(article_id), sentence)
    return snapshot


def taken_down(root: Path) -> Path:
    snapshot = with_edits(root)
    snapshot.error_page_with_200(URLS["34871"], "404")
    snapshot.error_page_with_200(URLS["34842"], "500")
    snapshot.error_page_with_200(ALIAS_34842, "500")
    snapshot.gone(URLS["34830"], 404)
    snapshot.gone(URLS["34795"], 410)
    snapshot.redirect(URLS["34502"], HOME)
    snapshot.redirect(URLS["12847"], LISTING, status=301)
    snapshot.serve_instead(URLS[REPLACED], URLS["21066"])
    return snapshot.write()


def archived(db: Path) -> dict[str, dict[str, Any]]:
    """Portal id -> the article's row, its versions' texts and its events."""
    archive = open_archive(db, readonly=True)
    try:
        rows = {row["site_article_id"]: row for row in archive.query("SELECT * FROM articles")}
        for row in rows.values():
            row["versions"] = [text for (text,) in archive.execute(
                "SELECT text FROM article_versions WHERE article_id = ? ORDER BY version", [row["id"]])]
            row["events"] = list(archive.query(
                "SELECT event, reason, url, at, raw_page_id FROM article_events WHERE article_id = ? ORDER BY id",
                [row["id"]]))
        return rows
    finally:
        archive.close()


def run_times(db: Path) -> tuple[str, str]:
    archive = open_archive(db, readonly=True)
    try:
        started, finished = archive.execute("SELECT started, finished FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        return started, finished
    finally:
        archive.close()


def assert_everything_findable(db: Path, texts: dict[str, str]) -> None:
    """Every article of the saved portal: archived with `texts[id]` as its content, found by search
    (its title, as a phrase) and by export."""
    archive = open_archive(db, readonly=True)
    try:
        exported = {row["site_article_id"]: row for row in export_rows(archive)}
        assert set(exported) == set(URLS), "an article left the export"
        for article_id, text in texts.items():
            assert exported[article_id]["text"] == text, article_id
            title = gold(article_id)["title"]
            found = search(archive, f'"{title}"', limit=5)
            assert exported[article_id]["id"] in [result["id"] for result in found], (article_id, title)
            # And by a sentence of its text (the first words of its last paragraph).
            words = " ".join(text.split("\n\n")[-1].split()[:8])
            found = search(archive, f'"{words}"', limit=5)
            assert exported[article_id]["id"] in [result["id"] for result in found], (article_id, words)
    finally:
        archive.close()


def test_three_snapshots_lose_nothing_mark_every_takedown_and_every_return(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "nghean.db"
    first = run_crawl(tinbai, db, NGHEAN)
    assert first["new"] == 16 and first["removed"] == 0
    texts = {article_id: gold(article_id)["text"] for article_id in URLS}
    assert_everything_findable(db, texts)
    before = archived(db)

    # --- 2: edits and takedowns. --full: every known article is fetched again.
    second = run_crawl(tinbai, db, taken_down(tmp_path / "down"), "--full")
    started, finished = run_times(db)
    assert second["status"] == "errors"
    assert second["updated"] == 2 and second["new"] == 0
    assert second["removed"] == len(TAKEN_DOWN) and second["returned"] == 0
    errors = second["errors_by_kind"]
    # 34871, both URLs of 34842, the two redirects; the saved portal's own broken link is a 404.
    assert errors["soft_404"] == 5 and errors["http_404"] == 2 and errors["http_410"] == 1
    assert errors["not_this_article"] == 1
    after = archived(db)
    for article_id in URLS:
        row, old = after[article_id], before[article_id]
        if article_id in EDITED:
            assert row["versions"] == [old["text"], row["text"]] and EDITED[article_id] in row["text"]
            texts[article_id] = row["text"]
        else:
            # Not one version from an error page, a redirect or another article: the content is the last real one.
            assert row["versions"] == [old["text"]], article_id
            assert (row["title"], row["published"], row["category"]) == (old["title"], old["published"],
                                                                         old["category"]), article_id
        if article_id in TAKEN_DOWN:
            assert started <= row["removed"] <= finished, article_id
            assert row["removed_last_seen"] == row["removed"]
            [event] = row["events"]
            assert (event["event"], event["reason"], event["at"]) == ("removed", TAKEN_DOWN[article_id],
                                                                        row["removed"])
        else:
            assert row["removed"] is None, article_id
    # The error pages and redirects that stood in for an article are kept for audit, flagged.
    archive = open_archive(db, readonly=True)
    try:
        refused = dict(archive.execute("SELECT refused, count(*) FROM raw_pages WHERE refused IS NOT NULL"
                                       " GROUP BY refused").fetchall())
        # The 404 page, the 500 page (one body for both URLs of 34842); a redirect's event says where to.
        assert refused == {"soft_404": 2}
        assert archive.execute("SELECT count(*) FROM raw_pages WHERE refused IS NULL").fetchone()[0] == 18
        # The page 33120's URL served is 21066's, stored once: the event points at it.
        page_of_21066 = archive.execute("SELECT raw_page_id FROM article_versions WHERE article_id = ?",
                                        [after["21066"]["id"]]).fetchone()[0]
        assert after[REPLACED]["events"][0]["raw_page_id"] == page_of_21066
        # The removed articles are listed by --removed, newest removal first in the UI's query.
        removed = [row["site_article_id"] for row in export_rows(archive, Filters(removed=True))]
        assert sorted(removed) == sorted(TAKEN_DOWN)
        assert {result["id"] for result in search(archive, "nghe an", filters=Filters(removed=True), limit=50)} <= {
            after[article_id]["id"] for article_id in TAKEN_DOWN}
        [nghean] = stats(archive)
        assert (nghean["removed"], nghean["removals"], nghean["returns"]) == (len(TAKEN_DOWN), len(TAKEN_DOWN), 0)
    finally:
        archive.close()
    [event] = after[REPLACED]["events"]
    assert (event["event"], event["reason"]) == ("not_this_article", "not_this_article")
    assert after[REPLACED]["removed"] is None and after[REPLACED]["versions"] == [before[REPLACED]["text"]]
    assert_everything_findable(db, texts)

    # What `tinbai show --json`, `search --removed` and `export` say of a removed article.
    shown = json.loads(tinbai("show", URLS["34830"], "--db", str(db), "--json").stdout)
    assert shown["removed"] == after["34830"]["removed"] and shown["events"][0]["reason"] == "http_404"
    listed = tinbai("search", "nghe an", "--removed", "--json", "--limit", "50", "--db", str(db))
    assert listed.returncode == 0, listed.stderr
    assert all(result["removed"] for result in json.loads(listed.stdout))
    exported = [json.loads(line) for line in tinbai("export", "--db", str(db)).stdout.splitlines()]
    assert {row["site_article_id"] for row in exported if row["removed"]} == set(TAKEN_DOWN)

    # --- 3: everything back.
    third = run_crawl(tinbai, db, with_edits(tmp_path / "back").write(), "--full")
    assert third["status"] == "errors"  # only the saved portal's own 404 and 500
    assert set(third["errors_by_kind"]) == {"http_404", "http_500"}
    assert third["returned"] == len(TAKEN_DOWN) and third["removed"] == 0 and third["updated"] == 0
    back = archived(db)
    for article_id in URLS:
        row = back[article_id]
        assert row["removed"] is None and row["removed_last_seen"] is None, article_id
        assert row["versions"] == after[article_id]["versions"], article_id
        if article_id in TAKEN_DOWN:
            assert [event["event"] for event in row["events"]] == ["removed", "returned"]
    assert_everything_findable(db, texts)
    check_sound(db)


def test_a_takedown_is_noticed_when_the_refresh_schedule_fetches_the_article(tmp_path: Path, tinbai: Any) -> None:
    """Without --full a known article is fetched again only when its refresh schedule says so: a
    recent article's takedown is seen at its next refresh, an old one's at the next --full run."""
    db = tmp_path / "nghean.db"
    run_crawl(tinbai, db, NGHEAN)
    snapshot = Snapshot(tmp_path / "down")
    snapshot.gone(URLS["34866"], 404)  # published 2026-11-19
    snapshot.gone(URLS["21066"], 404)  # published 2023-07-25
    down = snapshot.write()
    now = datetime.now(UTC)
    # Articles published since November 2026 re-fetched every day, older ones only by --full.
    recent = (now - datetime(2026, 11, 1, tzinfo=UTC)).days + 30
    schedule = ["-s", f"TINBAI_REFRESH=[[{recent}, 1]]", "-s", f"TINBAI_NOW={(now + timedelta(days=2)).isoformat()}"]
    due = run_crawl(tinbai, db, down, *schedule)
    assert due["removed"] == 1
    rows = archived(db)
    assert rows["34866"]["removed"] is not None and rows["21066"]["removed"] is None
    full = run_crawl(tinbai, db, down, "--full")
    assert full["removed"] == 1
    assert archived(db)["21066"]["removed"] is not None


@pytest.mark.parametrize("which", ["404", "500"])
def test_an_error_page_with_200_on_a_first_crawl_is_not_an_article(tmp_path: Path, tinbai: Any, which: str) -> None:
    snapshot = Snapshot(tmp_path / "first")
    snapshot.error_page_with_200(URLS["34871"], which)
    summary = run_crawl(tinbai, db := tmp_path / "first.db", snapshot.write())
    assert summary["new"] == 15 and summary["errors_by_kind"]["soft_404"] == 1
    rows = archived(db)
    assert "34871" not in rows
    titles = [row["title"] for row in rows.values()]
    assert not [title for title in titles if "Lỗi" in title or "Error" in title]
    archive = open_archive(db, readonly=True)
    try:
        # Nothing of it kept: no article owns the URL to keep it for.
        assert archive.execute("SELECT count(*) FROM raw_pages WHERE refused IS NOT NULL").fetchone()[0] == 0
    finally:
        archive.close()
