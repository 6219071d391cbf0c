"""Re-extraction over the stored raw pages: new versions where the text changes, no network, every core."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import open_archive, save_article, search
from crawler import heap
from crawler.cli import cli
from crawler.extract import extract
from crawler.reextract import MAX_CHUNK, MIN_CHUNK, chunksize, reextract
from crawler.sites import get
from tests.fixtures import gold_records, load_gold, saved_page

FETCHED = "2026-11-21T10:00:00+00:00"
STALE = "34866"  # saved by "older rules" that kept the share bar in the text
MISFILED = "34805"  # saved with a wrong category


@pytest.fixture
def archive_file(tmp_path: Path) -> Path:
    path = tmp_path / "nghean.db"
    db = open_archive(path)
    profile = get("nghean")
    for site, gold_path in gold_records():
        gold = load_gold(gold_path)
        page = saved_page(site, gold["url"])
        article = extract(page, profile.page_class)
        if gold_path.stem == STALE:
            article = replace(article, text=article.text + "\n\nChia sẻ: Facebook Zalo In bài", content_hash="")
        if gold_path.stem == MISFILED:
            article = replace(article, category="Tin tổng hợp")
        save_article(db, article, page=page, fetched_at=FETCHED)
    db.close()
    return path


def test_reextract_adds_a_version_where_the_text_changed(archive_file: Path) -> None:
    db = open_archive(archive_file)
    counts = reextract(db, str(archive_file), processes=2)
    assert (counts["articles"], counts["updated"], counts["unchanged"], counts["failed"]) == (16, 1, 15, 0)
    assert counts["processes"] == 2

    stale = next(db.query("SELECT * FROM articles WHERE url LIKE ?", [f"%-{STALE}"]))
    gold = load_gold(next(path for _, path in gold_records() if path.stem == STALE))
    assert stale["text"] == gold["text"]
    assert stale["last_seen"] == FETCHED  # nothing was fetched
    versions = list(db.query("SELECT * FROM article_versions WHERE article_id = ? ORDER BY version", [stale["id"]]))
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["fetched_at"] == FETCHED and versions[1]["raw_page_id"] == versions[0]["raw_page_id"]
    assert versions[1]["extraction"] == "profile:nghean"
    assert search(db, '"chia se facebook"') == []

    misfiled = next(db.query("SELECT category, site_article_id FROM articles WHERE url LIKE ?", [f"%-{MISFILED}"]))
    assert misfiled == {"category": "Tuyên giáo", "site_article_id": MISFILED}
    assert db.execute("SELECT count(*) FROM article_versions").fetchone()[0] == 17

    # Twice is the same as once.
    again = reextract(db, str(archive_file), processes=2)
    assert (again["updated"], again["unchanged"]) == (0, 16)
    db.close()


def test_workers_inherit_a_settled_heap(archive_file: Path, tmp_path: Path) -> None:
    # In a process of its own: settling freezes the heap of the process that re-extracts.
    seen = tmp_path / "workers.jsonl"
    script = f"""
import gc, json
import crawler.reextract as r
from archive import open_archive

opened = r._open_reader
def reader(path):
    opened(path)
    with open({str(seen)!r}, "a") as out:
        out.write(json.dumps([gc.get_threshold()[0], gc.get_freeze_count()]) + "\\n")
r._open_reader = reader
r.reextract(open_archive({str(archive_file)!r}), {str(archive_file)!r}, processes=2)
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    workers = [json.loads(line) for line in seen.read_text().splitlines()]
    assert len(workers) == 2
    assert all(threshold == heap.YOUNG_GENERATION and frozen > 0 for threshold, frozen in workers)


def test_chunks_grow_as_the_square_root_of_each_workers_tasks() -> None:
    assert chunksize(5000, 2) == 50
    assert chunksize(200_000, 2) == 256 == MAX_CHUNK
    assert chunksize(16, 2) == chunksize(0, 2) == MIN_CHUNK


def test_reextract_one_site_only(archive_file: Path) -> None:
    db = open_archive(archive_file)
    assert reextract(db, str(archive_file), site="hatinh")["articles"] == 0
    db.close()


def test_reextract_command_uses_no_network(archive_file: Path) -> None:
    # A proxy that refuses everything: any fetch would fail the run.
    code = (
        "import sys; from crawler.cli import cli;"
        f"cli(['reextract', '--db', {str(archive_file)!r}, '--processes', '2'], standalone_mode=False);"
        "print('scrapy' in sys.modules, file=sys.stderr)"
    )
    env = {"http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["updated"] == 1
    assert result.stderr.strip().endswith("False")


def test_reextract_missing_archive_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["reextract", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "archive not found" in result.output


def _refetch(path: Path, when: str, stems: set[str]) -> dict[str, int]:
    """Save the gold pages of `stems` again as fetched at `when`, each with a changed text (a new
    version and a new stored page); returns their article ids by stem."""
    db = open_archive(path)
    profile = get("nghean")
    ids = {}
    for site, gold_path in gold_records():
        if gold_path.stem not in stems:
            continue
        page = saved_page(site, load_gold(gold_path)["url"])
        page = replace(page, body=page.body.replace(b"</body>", b"<!-- refetched --></body>"))
        article = extract(page, profile.page_class)
        stale = replace(article, text=article.text + "\n\nChia sẻ: Facebook Zalo In bài", content_hash="")
        ids[gold_path.stem] = save_article(db, stale, page=page, fetched_at=when).article_id
    db.close()
    return ids


def test_reextraction_plan_narrows_to_a_portal_and_to_pages_fetched_since_a_day(archive_file: Path) -> None:
    from archive.store import reextraction_plan

    refetched = _refetch(archive_file, "2026-12-03T08:00:00+00:00", {"34805", "34871"})
    db = open_archive(archive_file)
    everything = reextraction_plan(db)
    assert len(everything) == 16
    assert reextraction_plan(db, site="nghean") == everything and reextraction_plan(db, site="hatinh") == []
    for since in ("2026-12", "2026-12-03"):
        plan = reextraction_plan(db, since=since)
        assert sorted(article for article, _ in plan) == sorted(refetched.values()), since
        # ...with the page fetched since, not the article's first one.
        pages = dict(db.execute("SELECT id, fetched_at FROM raw_pages").fetchall())
        assert all(pages[page] == "2026-12-03T08:00:00+00:00" for _, page in plan)
    assert reextraction_plan(db, since="2026-12-04") == reextraction_plan(db, since="2027") == []
    assert len(reextraction_plan(db, since="2026-11-21")) == 16
    assert reextraction_plan(db, site="hatinh", since="2026") == []
    # Through the index on the fetch time, not a pass over the stored pages.
    plan = " ".join(row[-1] for row in db.execute(
        "EXPLAIN QUERY PLAN SELECT article_id FROM raw_pages WHERE fetched_at >= '2026-12'"))
    assert "idx_raw_pages_fetched_at" in plan
    db.close()


def test_reextract_since_touches_only_the_pages_fetched_since(archive_file: Path) -> None:
    refetched = _refetch(archive_file, "2026-12-03T08:00:00+00:00", {"34805", "34871"})
    result = CliRunner().invoke(cli, ["reextract", "--db", str(archive_file), "--since", "2026-12", "--processes", "1"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    # The two refetched pages, whose share bar the rules drop again; the stale article fetched
    # before December keeps its stale text.
    assert (counts["articles"], counts["updated"]) == (2, 2)
    db = open_archive(archive_file)
    for article_id in refetched.values():
        text = db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()[0]
        assert "Chia sẻ: Facebook" not in text
    stale = db.execute("SELECT text FROM articles WHERE url LIKE ?", [f"%-{STALE}"]).fetchone()[0]
    assert "Chia sẻ: Facebook" in stale
    db.close()


@pytest.mark.parametrize("since", ["2026-13", "2026-02-30", "last week", "26-12"])
def test_reextract_since_a_date_that_is_not_one_exits_2(archive_file: Path, since: str) -> None:
    result = CliRunner().invoke(cli, ["reextract", "--db", str(archive_file), "--since", since])
    assert result.exit_code == 2 and "--since" in result.output and "Traceback" not in result.output
