"""bench/extraction.py runs end to end on a few sets: roles split, the metamorphic table, speed and
the targets printed, and a judging set's pages measured without being shown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench import extraction
from bench.metamorphic import NAMES
from tests.fixtures import FIXTURES


@pytest.fixture(scope="module")
def sets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """fixtures/nghean as it is (tuning, profiled) and fixtures/generic-portals relabelled judging."""
    root = tmp_path_factory.mktemp("fixtures")
    shutil.copytree(FIXTURES / "nghean", root / "nghean")
    shutil.copytree(FIXTURES / "generic-portals", root / "held-out")
    (root / "held-out" / "set.json").write_text(json.dumps({"family": "mixed", "role": "judging"}), encoding="utf-8")
    return root


def test_the_benchmark_reports_each_role_and_the_targets(sets: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = extraction.main(["--fixtures", str(sets), "--rounds", "1", "--speed-rounds", "1", "--synthetic", "3",
                            "--verbose"])
    assert code == 0
    out = capsys.readouterr().out
    rows = {tuple(cell.strip() for cell in line.split("|")[1:4]): line for line in out.splitlines()
            if line.startswith("| tuning") or line.startswith("| judging")}
    assert ("tuning", "nghean", "profile") in rows and ("tuning", "nghean", "generic") in rows
    assert ("judging", "held-out", "generic") in rows and ("judging", "held-out", "trafilatura fast") in rows
    # every field of every page right on both paths, records included
    assert rows[("tuning", "nghean", "profile")].rstrip(" |").endswith("16/16")
    assert rows[("judging", "held-out", "generic")].rstrip(" |").endswith("4/4")
    metamorphic = out[out.index("## Metamorphic"):out.index("## Speed")]
    assert "| opaque_names | 16/16 | 4/4 |" in metamorphic and "| windows_1258 | 16/16 | 4/4 |" in metamorphic
    assert "| fixtures/nghean articles (16) |" in out and "| bench/synth.py pages (3) |" in out
    assert f"| every transformation passes on every fixture | {20 * len(NAMES)}/{20 * len(NAMES)} pass | yes |" in out
    assert "generic path ≥ 5× trafilatura's defaults on bench/synth.py pages" in out
    # the judging set's pages are counted, never named
    assert "liferay-quangtri" not in out and "held-out/" not in out
