"""A damaged archive: every command says so in one line and exits 2, or answers exactly as it does
on the undamaged archive when the damage missed what it reads; never a traceback, and the original
is never touched. Damage: random bytes over pages at random offsets, 80 KB of garbage in the middle
(as a bad disk or a copy cut short leaves), or a file truncated. And `tinbai check` says what is
wrong; a crawl stops in one line when SQLite finds damage in the middle of a run."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, tinbai_command
from tests.portal_snapshots import Snapshot

NGHEAN = REPO / "fixtures" / "nghean"
PAGE = 4096
SEEDS = range(20)
# Every command but crawl and serve, run in one process through click's test runner (the `tinbai`
# command's own code, without a process start per command). {db} is the archive, {out} a directory.
COMMANDS: dict[str, list[str]] = {
    "search": ["search", "dang uy", "--json", "--db", "{db}"],
    "search-removed": ["search", "nghe an", "--removed", "--db", "{db}"],
    "show": ["show", "3", "--json", "--db", "{db}"],
    "show-url": ["show", "https://nghean.dcs.vn/vi-vn/tin/ubnd-tinh-hop-phien-thuong-ky-thang-11-2026/1-5-34866",
                 "--db", "{db}"],
    "export": ["export", "--db", "{db}"],
    "export-csv": ["export", "--format", "csv", "--db", "{db}"],
    "stats": ["stats", "--db", "{db}"],
    "runs": ["runs", "--db", "{db}"],
    "check": ["check", "--db", "{db}"],
    "backup": ["backup", "{out}/backup.db", "--db", "{db}"],
    "reextract": ["reextract", "--db", "{db}"],
}
_IN_ONE_PROCESS = """
import json, sys
from click.testing import CliRunner
from crawler.cli import cli
results = {}
for name, args in json.loads(sys.argv[1]).items():
    result = CliRunner().invoke(cli, args)
    escaped = result.exception if not isinstance(result.exception, SystemExit) else None
    results[name] = [result.exit_code, result.stdout, result.stderr, repr(escaped) if escaped else ""]
print(json.dumps(results))
"""


def _env(tmp: Path) -> dict[str, str]:
    return {**{key: value for key, value in os.environ.items() if "proxy" not in key.lower()}, "TMPDIR": str(tmp)}


def run_commands(db: Path, out: Path) -> dict[str, tuple[int, str, str]]:
    out.mkdir(exist_ok=True)
    commands = {name: [arg.format(db=db, out=out) for arg in args] for name, args in COMMANDS.items()}
    python = str(Path(tinbai_command()).with_name("python"))
    result = subprocess.run([python, "-c", _IN_ONE_PROCESS, json.dumps(commands)], cwd=REPO, env=_env(out),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-3000:]
    return {name: (code, stdout, stderr + escaped)
            for name, (code, stdout, stderr, escaped) in json.loads(result.stdout).items()}


def crawl(db: Path, replay: Path, tmp: Path, *args: str) -> tuple[int, str, str]:
    result = subprocess.run([tinbai_command(), "crawl", "nghean", "--replay", str(replay), "--db", str(db), *args],
                            cwd=REPO, env=_env(tmp), capture_output=True, text=True, timeout=300)
    return result.returncode, result.stdout, result.stderr


def comparable(name: str, stdout: str) -> str:
    """What of a command's output must be the same on two copies of one archive."""
    if name == "backup":
        return str(json.loads(stdout)["articles"])  # its file name has the time in it
    if name == "crawl":
        return json.dumps([{k: v for k, v in run.items() if k != "run"} for run in json.loads(stdout)])
    return stdout


def one_line_or_the_same_answer(name: str, got: tuple[int, str, str], expected: tuple[int, str, str]) -> None:
    code, stdout, stderr = got
    assert "Traceback" not in stderr, (name, stderr)
    if code == 2:
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), (name, stderr)
        return
    assert code == expected[0], (name, code, stderr)
    assert comparable(name, stdout) == comparable(name, expected[1]), (name, stderr)


def damage(db: Path, seed: int) -> str:
    """Damage `db` in place, reproducibly from `seed`; returns what was done."""
    rng = random.Random(seed)
    size = db.stat().st_size
    pages = size // PAGE
    kind = seed % 4
    if kind == 0:
        # Cut short at a page boundary: a copy that stopped early.
        at = rng.randrange(1, pages) * PAGE
        with db.open("r+b") as file:
            file.truncate(at)
        return f"truncated at {at} of {size} bytes"
    with db.open("r+b") as file:
        if kind == 1:
            # 80 KB of garbage in the middle.
            at = rng.randrange(size // 4, 3 * size // 4)
            file.seek(at)
            file.write(rng.randbytes(80 * 1024))
            return f"80 KB of random bytes at {at}"
        done = []
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(0, size - 512)
            length = rng.randint(64, PAGE)
            file.seek(at)
            file.write(rng.randbytes(length))
            done.append(f"{length} bytes at {at}")
        return "random bytes: " + ", ".join(done)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[int, str, str]], Path]:
    """(the crawled archive, every command's answer on an undamaged copy, the later snapshot)."""
    root = tmp_path_factory.mktemp("corruption")
    db = root / "nghean.db"
    code, _, stderr = crawl(db, NGHEAN, root)
    assert code == 1, stderr
    # Checkpointed and closed: one file, whatever a damaged copy holds is in it.
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    later = Snapshot(root / "later")
    later.add(40001, "xay-dung-dang")
    later.edit("pages/tin/34817.html", "Cập nhật: danh sách đã được bổ sung.")
    later_set = later.write()
    expected_copy = root / "expected" / "nghean.db"
    expected_copy.parent.mkdir()
    shutil.copyfile(db, expected_copy)
    expected = run_commands(expected_copy, root / "expected-out")
    expected["crawl"] = crawl(expected_copy, later_set, root, "--full")
    assert expected["crawl"][0] == 1 and all(answer[0] == 0 for answer in list(expected.values())[:-1]), expected
    return db, expected, later_set


def check_seed(archive: tuple[Path, dict[str, tuple[int, str, str]], Path], tmp_path: Path, seed: int) -> None:
    db, expected, later = archive
    original = hashlib.sha256(db.read_bytes()).hexdigest()
    copy = tmp_path / "damaged.db"
    shutil.copyfile(db, copy)
    what = damage(copy, seed)
    answers = run_commands(copy, tmp_path / "out")
    answers["crawl"] = crawl(copy, later, tmp_path, "--full")
    for name, got in answers.items():
        try:
            one_line_or_the_same_answer(name, got, expected[name])
        except AssertionError as error:
            raise AssertionError(f"seed {seed} ({what}): {error}") from None
    # The damage is seen by the one command that reads everything.
    assert answers["check"][0] == 2 or answers["check"][1] == expected["check"][1], what
    assert hashlib.sha256(db.read_bytes()).hexdigest() == original


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_damaged_archive_one_seed_of_each_kind(archive: Any, tmp_path: Path, seed: int) -> None:
    check_seed(archive, tmp_path, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [seed for seed in SEEDS if seed >= 4])
def test_a_damaged_archive_twenty_seeds(archive: Any, tmp_path: Path, seed: int) -> None:
    check_seed(archive, tmp_path, seed)


def test_check_names_what_is_wrong(archive: Any, tmp_path: Path, tinbai: Any) -> None:
    db, _, _ = archive
    copy = tmp_path / "index.db"
    shutil.copyfile(db, copy)
    connection = sqlite3.connect(copy)
    connection.execute("DELETE FROM articles_fts_exact WHERE rowid = 2")
    connection.execute("UPDATE articles_fts_data SET block = zeroblob(length(block))"
                       " WHERE id = (SELECT max(id) FROM articles_fts_data)")
    connection.execute("UPDATE raw_pages SET sha256 = 'x' || substr(sha256, 2) WHERE id = 4")
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute("INSERT INTO images (article_id, position, src) VALUES (999, 1, 'https://x.vn/a.jpg')")
    connection.commit()
    connection.close()
    result = tinbai("check", "--db", str(copy))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    problems = json.loads(result.stdout)["problems"]
    assert any("articles_fts:" in problem and "malformed" in problem for problem in problems), problems
    assert "full-text index articles_fts_exact: 1 article(s) not indexed" in problems
    assert "stored pages: 1 do not read back as stored (ids 4)" in problems
    assert "foreign keys: 1 row(s) of images point at no row of articles" in problems
    sound = tinbai("check", "--db", str(db))
    assert sound.returncode == 0 and json.loads(sound.stdout)["counts"]["articles"] == 16


def test_a_crawl_stops_in_one_line_when_sqlite_finds_damage_midway(archive: Any, tmp_path: Path) -> None:
    """The pages that the run's first saves write (the full-text index's) are damaged; what the run
    reads before it starts (crawl state, URLs) is not: the crawl starts, then stops at the first
    save, exit code 2, one line, and writes nothing more into the file."""
    db, _, later = archive
    copy = tmp_path / "midway.db"
    shutil.copyfile(db, copy)
    connection = sqlite3.connect(copy)
    pages = [page for (page,) in connection.execute(
        "SELECT pageno FROM dbstat WHERE name IN ('articles_fts_data', 'articles_fts_idx') ORDER BY pageno")]
    connection.close()
    assert pages
    with copy.open("r+b") as file:
        for page in pages:
            file.seek((page - 1) * PAGE)
            file.write(random.Random(page).randbytes(PAGE))
    for writer in ("process", "inline"):
        code, stdout, stderr = crawl(copy, later, tmp_path, "--full", "-s", f"TINBAI_WRITER={writer}")
        assert code == 2, (writer, stdout, stderr)
        assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, (writer, stderr)
        assert stderr.startswith(f"Error: archive {copy} is damaged"), stderr
        assert stdout == ""
