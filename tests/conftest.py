"""Shared test helpers: running the `tinbai` command as a user would."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

# A developer's own proxy must never carry a test crawl anywhere; tests that want one set it.
_PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def archive_rows(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """The rows of one query on an archive a test crawled into, its connection closed after."""
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def tinbai_command() -> str:
    """The console script of the environment running the tests (the venv's, not another install)."""
    beside = Path(sys.executable).with_name("tinbai")
    found = str(beside) if beside.exists() else shutil.which("tinbai")
    if found is None:
        raise RuntimeError("the tinbai command is not installed: pip install -e '.[test]'")
    return found


@pytest.fixture
def tinbai() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `tinbai ARGS...` in a subprocess from the repository root; `env` adds variables."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        clean = {key: value for key, value in os.environ.items() if key.lower() not in _PROXY_VARIABLES}
        return subprocess.run(
            [tinbai_command(), *args],
            cwd=REPO, env=clean | (env or {}), capture_output=True, text=True, timeout=timeout,
        )

    return run
