"""Every query command works on an archive copied to read-only storage and on a file the user cannot
write, in WAL mode too: with its write-ahead log holding commits the archive file does not have yet,
or with none. Tested for real as root: a read-only mount (tests/readonly_storage.py)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from archive import open_archive, save_article
from crawler.extract.record import Article
from tests.conftest import REPO, tinbai_command
from tests.readonly_storage import cannot_write_prefix, mount_method, on_readonly_storage

NGHEAN = REPO / "fixtures" / "nghean"
# Saved into the write-ahead log only, never checkpointed into the archive file.
LATE_URL = "https://nghean.dcs.vn/vi-vn/tin/bai-viet-moi-nhat/1-2-40001"
LATE_TEXT = ("Chiều nay, Ban Thường vụ Tỉnh ủy họp phiên bất thường bàn về công tác phòng chống lũ lụt "
             "ở các huyện miền núi phía tây. " * 4)
# Each query command, and what makes its answer comparable between two copies of one archive.
QUERIES: dict[str, list[str]] = {
    "search": ["search", "dang uy", "--json"],
    "search-late": ["search", "phong chong lu lut", "--json"],
    "show": ["show", "1", "--json"],
    "export": ["export"],
    "stats": ["stats"],
    "runs": ["runs"],
    "check": ["check"],
}


# The commands' temporary directory (where a read-only open copies an archive and its log): their own.
TMPDIR = Path(os.environ.get("TMPDIR", "/tmp")) / f"tinbai-readonly-test-{os.getpid()}"


@pytest.fixture(scope="module", autouse=True)
def own_tmpdir() -> Any:
    TMPDIR.mkdir(exist_ok=True)
    yield
    shutil.rmtree(TMPDIR, ignore_errors=True)


def _env() -> dict[str, str]:
    return {**{key: value for key, value in os.environ.items() if "proxy" not in key.lower()},
            "TMPDIR": str(TMPDIR)}


# Every query command in one Python process (the `tinbai` command's own code, through click's test
# runner), so that each storage case costs one process start, not one per command.
_QUERIES_IN_ONE_PROCESS = """
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


def run(argv: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=REPO, env=_env(), capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("crawled") / "nghean.db"
    result = run([tinbai_command(), "crawl", "nghean", "--replay", str(NGHEAN), "--db", str(db)])
    assert result.returncode == 1, result.stderr
    return db


def wal_archive(source: Path, directory: Path, *, with_log: bool, with_index: bool = False) -> Path:
    """A copy of `source` in `directory`, in WAL mode. With `with_log`, one more article is committed
    to the write-ahead log and the files are copied while the log still holds it (a copy taken
    while a crawl writes), with its index (-shm) when `with_index`; without, the archive was closed
    cleanly and the archive file holds everything."""
    directory.mkdir(parents=True)
    work = directory.parent / f"{directory.name}-work"
    work.mkdir()
    shutil.copyfile(source, work / "archive.db")
    writer = open_archive(work / "archive.db")
    if with_log:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        save_article(writer, Article(url=LATE_URL, site="nghean", title="Họp phiên bất thường", text=LATE_TEXT))
        for suffix in ("", "-wal", *(["-shm"] if with_index else [])):
            shutil.copyfile(work / f"archive.db{suffix}", directory / f"archive.db{suffix}")
        assert (directory / "archive.db-wal").stat().st_size > 0
    writer.close()
    if not with_log:
        shutil.copyfile(work / "archive.db", directory / "archive.db")
    shutil.rmtree(work)
    for path in [directory, *directory.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return directory / "archive.db"


def expected_answers(db: Path) -> dict[str, tuple[int, str, str]]:
    """The answers on a copy of the archive's directory where it is writable. A copy: a reader
    there creates the log's files (-wal, -shm) next to the archive, which would change the case."""
    copy = db.parent.with_name(f"{db.parent.name}-writable")
    shutil.copytree(db.parent, copy)
    try:
        return answers(copy / db.name)
    finally:
        shutil.rmtree(copy)


def answers(db: Path, wrap: Any = None) -> dict[str, tuple[int, str, str]]:
    """Each of QUERIES on `db`: (exit code, stdout, stderr and any exception escaped)."""
    commands = {name: [*args, "--db", str(db)] for name, args in QUERIES.items()}
    argv = [str(Path(tinbai_command()).with_name("python")), "-c", _QUERIES_IN_ONE_PROCESS, json.dumps(commands)]
    result = run(wrap(argv) if wrap else argv)
    assert result.returncode == 0, result.stderr
    return {name: (code, stdout, stderr + escaped) for name, (code, stdout, stderr, escaped)
            in json.loads(result.stdout).items()}


def assert_same_answers(expected: dict[str, tuple[int, str, str]], got: dict[str, tuple[int, str, str]]) -> None:
    for name, (code, stdout, stderr) in got.items():
        assert expected[name][0] == 0, (name, expected[name])
        assert "Traceback" not in stderr and "Error" not in stderr, (name, stderr)
        assert (code, stdout) == expected[name][:2], (name, stderr)


CASES = {
    "WAL log with commits, no index": {"with_log": True},
    "WAL log with commits and its index": {"with_log": True, "with_index": True},
    "closed cleanly, no log": {"with_log": False},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_query_on_read_only_storage(crawled: Path, tmp_path: Path, case: str) -> None:
    method, reasons = mount_method()
    if method is None:
        pytest.skip(f"the kernel refuses every read-only mount here: {reasons}")
    db = wal_archive(crawled, tmp_path / "archive", **CASES[case])
    files = sorted(path.name for path in db.parent.iterdir())
    expected = expected_answers(db)
    assert (json.loads(expected["search-late"][1]) != []) == CASES[case]["with_log"]
    mounted = tmp_path / "mounted"
    got = answers(mounted / "archive.db", wrap=lambda argv: on_readonly_storage(db.parent, mounted, argv))
    assert_same_answers(expected, got)
    assert sorted(path.name for path in db.parent.iterdir()) == files
    # The copies made to read the log went with the commands that made them.
    assert list(TMPDIR.iterdir()) == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_query_on_a_file_the_user_cannot_write(crawled: Path, tmp_path: Path, case: str) -> None:
    prefix = cannot_write_prefix()
    if prefix is None:
        pytest.skip("root here, and setpriv cannot take away the capabilities that override file permissions")
    db = wal_archive(crawled, tmp_path / "archive", **CASES[case])
    expected = expected_answers(db)
    for path in db.parent.iterdir():
        path.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        got = answers(db, wrap=lambda argv: [*prefix, *argv])
        before = sorted(path.name for path in db.parent.iterdir())
    finally:
        db.parent.chmod(0o755)
    assert_same_answers(expected, got)
    assert before == sorted(path.name for path in db.parent.iterdir())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_on_read_only_storage(crawled: Path, tmp_path: Path) -> None:
    method, reasons = mount_method()
    if method is None:
        pytest.skip(f"the kernel refuses every read-only mount here: {reasons}")
    db = wal_archive(crawled, tmp_path / "archive", with_log=True)
    mounted = tmp_path / "mounted"
    port = _free_port()
    server = subprocess.Popen(
        on_readonly_storage(db.parent, mounted, [tinbai_command(), "serve", "--db", str(mounted / "archive.db"),
                                                 "--port", str(port)]),
        cwd=REPO, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}/archive"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                page = urllib.request.urlopen(f"{base}/search.json?q=phong+chong+lu+lut&_shape=array", timeout=5).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read() if server.stdout else ""
                    raise AssertionError(f"serve did not start: {output}") from None
                time.sleep(0.3)
        rows = json.loads(page)
        # The article only the write-ahead log holds is served: the archive was read as a whole.
        assert [row["title"] for row in rows] == ["Họp phiên bất thường"]
        page = urllib.request.urlopen(f"{base}/search?q=phong+chong+lu+lut", timeout=5).read().decode()
        assert "Họp phiên bất thường" in page
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "Traceback" not in output, output
    # Stopped (systemd's SIGTERM): a clean end, and the private copy of the archive and its log gone.
    assert server.returncode == 0 and list(TMPDIR.iterdir()) == []


def test_the_archive_file_is_never_written_by_a_query(crawled: Path, tmp_path: Path) -> None:
    """On writable storage too: the queries leave every byte of the archive as it was."""
    db = wal_archive(crawled, tmp_path / "archive", with_log=False)
    before = db.read_bytes()
    answers(db)
    assert db.read_bytes() == before
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone() == ("wal",)
