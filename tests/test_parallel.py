"""Portals crawled side by side in one process share one archive writer: every run is written as if
crawled alone, a kill -9 or a SIGTERM leaves every run's archive sound, and the next run takes over.

The tests that kill crawls carry the "slow" marker: pytest -m slow runs them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from crawler.apply.items import CrawlError, FetchedArticle
from crawler.apply.recorder import Recorder
from tests.conftest import REPO, tinbai_command
from tests.fixtures import FIXTURES
from tests.test_faults import check_sound
from tests.test_recorder import fetched
from tests.test_writer import children

SETS = {"https://tinhuy.quangbinh.example/": "nukeviet-quangbinh",
        "https://dangbo.binhphuoc.example/": "wordpress-binhphuoc"}


def combined(tmp_path: Path) -> Path:
    """One replay set holding both tuning portals (each answers on its own host)."""
    root = tmp_path / "both"
    entries = []
    for name in SETS.values():
        shutil.copytree(FIXTURES / name, root / name, ignore=shutil.ignore_patterns("expected"))
        for entry in json.loads((FIXTURES / name / "manifest.json").read_text(encoding="utf-8"))["pages"]:
            if entry.get("file"):
                entry["file"] = f"{name}/{entry['file']}"
            entries.append(entry)
    (root / "manifest.json").write_text(json.dumps({"pages": entries}), encoding="utf-8")
    return root


def articles(db: Path) -> set[tuple[Any, ...]]:
    connection = sqlite3.connect(db)
    try:
        return set(connection.execute("SELECT site, url, title, published, author, text, content_hash FROM articles"))
    finally:
        connection.close()


def start(db: Path, replay: Path, *args: str, env_extra: dict[str, str] | None = None,
          **popen: Any) -> subprocess.Popen[str]:
    env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()} | (env_extra or {})
    return subprocess.Popen([tinbai_command(), "crawl", *SETS, "--replay", str(replay), "--db", str(db), *args],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def writers_of(crawl: subprocess.Popen[str]) -> set[int]:
    """The crawl's archive writer processes seen while it runs."""
    seen: set[int] = set()
    while crawl.poll() is None:
        for pid in children(crawl.pid):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in command and b"resource_tracker" not in command:
                seen.add(pid)
        time.sleep(0.05)
    return seen


def test_portals_side_by_side_share_one_writer_and_archive_what_each_alone_would(tmp_path: Path, tinbai: Any) -> None:
    replay = combined(tmp_path)
    together = tmp_path / "together.db"
    crawl = start(together, replay, "-s", "TINBAI_REPLAY_DELAY=0.02")
    writers = writers_of(crawl)
    out, err = crawl.communicate()
    assert crawl.returncode == 1, err  # both portals hold removed articles (404)
    assert len(writers) == 1, writers
    summaries = {summary["site"]: summary for summary in json.loads(out)}
    assert {site: summary["new"] for site, summary in summaries.items()} == {
        "tinhuy.quangbinh.example": 12, "dangbo.binhphuoc.example": 12}
    check_sound(together)
    alone = set()
    for home in SETS:
        db = tmp_path / f"alone-{len(alone)}.db"
        result = tinbai("crawl", home, "--replay", str(replay), "--db", str(db))
        assert result.returncode == 1, result.stderr
        alone |= articles(db)
    assert articles(together) == alone
    runs = sqlite3.connect(together).execute("SELECT site, status, new FROM runs ORDER BY site").fetchall()
    assert runs == [("dangbo.binhphuoc.example", "errors", 12), ("tinhuy.quangbinh.example", "errors", 12)]


def test_a_recorder_counts_each_item_for_its_own_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archive import open_archive, start_run

    path = tmp_path / "a.db"
    db = open_archive(path)
    first, second = start_run(db, "nghean"), start_run(db, "tinhuy.quangbinh.example")
    db.close()
    recorder = Recorder(str(path))
    recorder.open_run(first, "nghean")
    recorder.open_run(second, "tinhuy.quangbinh.example")
    real = recorder._apply  # a write that fails once, in the middle of the group

    def failing(run: Any, item: Any) -> None:
        if isinstance(item, FetchedArticle) and item.article.title == "Bài 3":
            raise sqlite3.IntegrityError("a save that fails")
        real(run, item)

    monkeypatch.setattr(recorder, "_apply", failing)
    for number in range(1, 5):
        recorder.apply(fetched(number), first if number % 2 else second)
    recorder.apply(CrawlError("https://tinhuy.quangbinh.example/x-1.html", "http_404", status=404), second)
    recorder.commit()
    assert recorder.finish(reason="finished", pages=2, errors={}, run_id=first) == "errors"
    assert recorder.finish(reason="shutdown", pages=3, errors={}, run_id=second) == "interrupted"
    recorder.close()
    rows = sqlite3.connect(path).execute(
        "SELECT site, status, pages, new, errors_json FROM runs ORDER BY id").fetchall()
    assert rows == [("nghean", "errors", 2, 1, '{"save_failed": 1}'),
                    ("tinhuy.quangbinh.example", "interrupted", 3, 2, '{"http_404": 1}')]


@pytest.mark.slow
def test_a_kill_9_of_portals_side_by_side_leaves_each_run_to_be_taken_over(tmp_path: Path, tinbai: Any) -> None:
    replay = combined(tmp_path)
    db = tmp_path / "killed.db"
    crawl = start(db, replay, "-s", "TINBAI_REPLAY_DELAY=0.2")
    deadline = time.monotonic() + 60
    while crawl.poll() is None and time.monotonic() < deadline:
        connection = sqlite3.connect(db, timeout=5) if db.exists() else None
        try:
            count = connection.execute("SELECT count(*) FROM articles").fetchone()[0] if connection else 0
        except sqlite3.OperationalError:
            count = 0
        finally:
            if connection:
                connection.close()
        if count >= 3:
            break
        time.sleep(0.1)
    crawl.kill()
    crawl.communicate()
    statuses = sqlite3.connect(db).execute("SELECT status FROM runs").fetchall()
    assert statuses == [("running",), ("running",)]
    result = tinbai("crawl", *SETS, "--replay", str(replay), "--db", str(db))
    assert result.returncode == 1, result.stderr
    assert "took over the lock of a dead run" in result.stderr
    check_sound(db)
    assert sorted(row[0] for row in sqlite3.connect(db).execute("SELECT status FROM runs")) == [
        "errors", "errors", "interrupted", "interrupted"]
    assert len(articles(db)) == 24


def test_sigterm_while_portals_are_still_starting_stops_them(tmp_path: Path) -> None:
    """A stop asked for before Scrapy's engine runs (the spiders open, the archive writer starts)
    used to be lost: Scrapy's Crawler.stop_async() does nothing to an engine not yet running, and
    both portals were crawled to their end ("errors": their deliberate 404s)."""
    replay = combined(tmp_path)
    db = tmp_path / "stopped-at-start.db"
    crawl = start(db, replay, "-s", 'EXTENSIONS={"tests.stop_at_start.TermWhenOpened": 0}',
                  env_extra={"PYTHONPATH": str(REPO)})
    out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 1, err
    assert [summary["status"] for summary in json.loads(out)] == ["interrupted", "interrupted"]
    assert "Traceback" not in err
    check_sound(db)
    assert len(articles(db)) < 24


def _runs(db: Path) -> int:
    if not db.exists():
        return 0
    connection = sqlite3.connect(db, timeout=5)
    try:
        return int(connection.execute("SELECT count(*) FROM runs").fetchone()[0])
    except sqlite3.OperationalError:  # not migrated yet
        return 0
    finally:
        connection.close()


@pytest.mark.slow
def test_sigterm_stops_portals_side_by_side_cleanly(tmp_path: Path) -> None:
    replay = combined(tmp_path)
    db = tmp_path / "stopped.db"
    crawl = start(db, replay, "-s", "TINBAI_REPLAY_DELAY=0.3", start_new_session=True)
    # Aimed at the crawl, not at Python starting up: once both runs are recorded, a second in
    # (each portal needs about ten seconds at this pace).
    deadline = time.monotonic() + 60
    while crawl.poll() is None and time.monotonic() < deadline and _runs(db) < 2:
        time.sleep(0.05)
    time.sleep(1.0)
    os.killpg(crawl.pid, signal.SIGTERM)
    out, err = crawl.communicate(timeout=60)
    assert crawl.returncode == 1, err
    assert [summary["status"] for summary in json.loads(out)] == ["interrupted", "interrupted"]
    assert "Traceback" not in err
    check_sound(db)
