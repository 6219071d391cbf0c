"""deploy/: the crontab lines and the systemd units run the real command line, as written."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

DEPLOY = REPO / "deploy"
NGHEAN = REPO / "fixtures" / "nghean"


def _commands() -> list[tuple[str, list[str]]]:
    """(where, argv) of every crawl the deploy files start, variables expanded."""
    found = []
    for unit in sorted(DEPLOY.glob("*.service")):
        [line] = [line for line in unit.read_text().splitlines() if line.startswith("ExecStart=")]
        found.append((unit.name, shlex.split(line.removeprefix("ExecStart="))))
    crontab = (DEPLOY / "crontab").read_text()
    variables = dict(re.findall(r"^([A-Z_]+)=(\S*)$", crontab, re.M))
    for line in crontab.splitlines():
        if line and line[0].isdigit():
            command = " ".join(line.split()[5:]).split(">>")[0]
            found.append(("crontab", [variables.get(word[1:], word) if word.startswith("$") else word
                                      for word in shlex.split(command)]))
    return found


def test_deploy_commands_are_valid_crawls_and_backups() -> None:
    from crawler.cli.crawl import crawl
    from crawler.cli.maintenance import backup

    commands = _commands()
    crawls = [(where, argv) for where, argv in commands if argv[1] == "crawl"]
    backups = [(where, argv) for where, argv in commands if argv[1] == "backup"]
    assert len(crawls) == 4 and len(backups) == 2  # crawls: two units, two crontab lines; a backup in each
    assert {where for where, _ in backups} == {"tinbai-backup.service", "crontab"}
    for where, argv in crawls:
        assert argv[0].endswith("/tinbai") and argv[1:3] == ["crawl", "--all"], where
        context = crawl.make_context("crawl", argv[2:])  # what click accepts, or UsageError
        assert context.params["all_sites"] and context.params["db"].endswith("tinbai.db"), where
    assert sum("--full" in argv for _, argv in crawls) == 2
    for where, argv in backups:
        context = backup.make_context("backup", argv[2:])
        # Into a directory (a dated file each night), from the archive the crawls write.
        assert context.params["destination"].endswith("/") and context.params["db"].endswith("tinbai.db"), where


def test_the_nightly_merge_of_the_full_text_indexes_is_a_valid_command() -> None:
    from crawler.cli.maintenance import optimize

    [(_, argv)] = [(where, argv) for where, argv in _commands() if argv[1] == "optimize"]
    assert optimize.make_context("optimize", argv[2:]).params["db"].endswith("tinbai.db")
    [line] = [line for line in (DEPLOY / "tinbai-backup.service").read_text().splitlines()
              if line.startswith("ExecStartPre=")]
    argv = shlex.split(line.removeprefix("ExecStartPre=-"))
    assert argv[0].endswith("/tinbai") and argv[1] == "optimize"
    assert optimize.make_context("optimize", argv[2:]).params["db"].endswith("tinbai.db")


def test_the_service_command_runs(tmp_path: Path, tinbai: Any) -> None:
    [argv] = [argv for where, argv in _commands() if where == "tinbai-crawl.service"]
    args = [str(tmp_path / "tinbai.db") if arg.endswith(".db") else arg for arg in argv[2:]]
    # The same command, answered from the saved portal instead of the network.
    result = tinbai("crawl", *args, "--replay", str(NGHEAN))
    assert result.returncode == 1, result.stderr  # the saved portal's 404 and 500
    assert json.loads(result.stdout)[0]["new"] == 16


def test_the_backup_command_runs(tmp_path: Path, tinbai: Any) -> None:
    [argv] = [argv for where, argv in _commands() if where == "tinbai-backup.service"]
    db = tmp_path / "tinbai.db"
    assert tinbai("crawl", "nghean", "--replay", str(NGHEAN), "--db", str(db)).returncode == 1
    (tmp_path / "backup").mkdir()
    args = [str(db) if arg.endswith(".db") else f"{tmp_path}/backup/" if arg.endswith("/backup/") else arg
            for arg in argv[2:]]
    result = tinbai("backup", *args)
    assert result.returncode == 0, result.stderr
    [made] = list((tmp_path / "backup").iterdir())
    assert made.name.startswith("tinbai-") and json.loads(result.stdout)["backup"] == str(made)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_timers_are_valid_calendar_events() -> None:
    for timer in DEPLOY.glob("*.timer"):
        [spec] = re.findall(r"^OnCalendar=(.+)$", timer.read_text(), re.M)
        assert subprocess.run(["systemd-analyze", "calendar", spec], capture_output=True).returncode == 0, spec
