"""One vocabulary of exit codes for every command (README, "Exit codes"): 0 clean, 1 finished with
errors, 2 could not run, with one line on stderr and never a traceback."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

NGHEAN = REPO / "fixtures" / "nghean"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import subprocess

    from tests.conftest import tinbai_command

    db = tmp_path_factory.mktemp("codes") / "nghean.db"
    result = subprocess.run([tinbai_command(), "crawl", "nghean", "--replay", str(NGHEAN), "--db", str(db)],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    return db


def could_not_run(result: Any, *words: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize(("args", "words"), [
    (["show", "99999"], ["no article with id or URL 99999"]),
    (["show", "https://nghean.dcs.vn/vi-vn/tin/khong-co/1-2-1"], ["no article"]),
    (["search", "dang uy", "--since", "2026-13"], ["--since 2026-13: no such date"]),
    (["search", "dang uy", "--until", "2026-02-30"], ["--until 2026-02-30: no such date"]),
    (["export", "--since", "2026-13"], ["no such date"]),
    (["search", '"dang uy'], ["unbalanced quote"]),
])
def test_a_bad_argument_could_not_run(crawled: Path, tinbai: Any, args: list[str], words: list[str]) -> None:
    could_not_run(tinbai(*args, "--db", str(crawled)), *words)


@pytest.mark.parametrize("command", ["search x", "show 1", "export", "stats", "runs", "check", "serve", "reextract",
                                     "backup /tmp"])
def test_a_missing_archive_could_not_run(tmp_path: Path, tinbai: Any, command: str) -> None:
    could_not_run(tinbai(*command.split(), "--db", str(tmp_path / "missing.db")), "not found")


@pytest.mark.parametrize(("setting", "words"), [
    ("DOWNLOAD_DELAY=soon", ["could not start the crawl of nghean", "could not convert string to float"]),
    ("TINBAI_WRITER=elsewhere", ["TINBAI_WRITER must be"]),
    ("TINBAI_REFRESH=weekly", ["TINBAI_REFRESH takes"]),
    ("TINBAI_NOW=yesterday", ["TINBAI_NOW takes an ISO 8601 time"]),
    ("NO_EQUALS_SIGN", ["--set takes NAME=VALUE"]),
])
def test_a_bad_setting_could_not_run(tmp_path: Path, tinbai: Any, setting: str, words: list[str]) -> None:
    db = tmp_path / "nghean.db"
    result = tinbai("crawl", "nghean", "--replay", str(NGHEAN), "--db", str(db), "-s", setting)
    could_not_run(result, *words)
    assert result.stdout == ""


def test_serve_on_a_busy_port_could_not_run(crawled: Path, tinbai: Any) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        could_not_run(tinbai("serve", "--db", str(crawled), "--port", str(port)), f"127.0.0.1:{port}", "in use")


def test_finished_with_errors_is_1_and_clean_is_0(crawled: Path, tinbai: Any, tmp_path: Path) -> None:
    # The saved portal: its 404 and 500 make a run "errors", exit 1 (the fixture above).
    # A portal of one clean article: exit 0.
    import shutil

    clean = tmp_path / "clean"
    shutil.copytree(NGHEAN, clean)
    manifest = json.loads((clean / "manifest.json").read_text(encoding="utf-8"))
    # The two broken links answer an article's page instead (an alias of it): nothing goes wrong.
    for page in manifest["pages"]:
        if page.get("status", 200) >= 400:
            page.update(status=200, file="pages/tin/34817.html")
    (clean / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = tinbai("crawl", "nghean", "--replay", str(clean), "--db", str(tmp_path / "clean.db"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["status"] == "ok"
    for command in (["search", "dang uy"], ["show", "1"], ["export"], ["stats"], ["runs"], ["check"]):
        assert tinbai(*command, "--db", str(crawled)).returncode == 0, command
