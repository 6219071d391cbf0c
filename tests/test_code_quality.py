"""The code stays lint- and type-clean: ruff over everything, mypy over the two packages."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout[-3000:]


def test_mypy_finds_nothing() -> None:
    result = run("mypy", "crawler", "archive")
    assert result.returncode == 0, result.stdout[-3000:]
