"""The tree's rules: imports go one way, SQL lives in archive/, no module reaches another's private
names. Each job has one home (README, "How it works")."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _imported_after(statement: str) -> list[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    return result.stdout.split()


@pytest.mark.parametrize("package", ["crawler.extract", "crawler.sites", "crawler.apply.writer", "archive",
                                     "archive.query.ui", "crawler.cli", "crawler.reextract"])
def test_only_the_fetch_step_imports_scrapy(package: str) -> None:
    loaded = _imported_after(f"import {package}")
    assert [m for m in loaded if m == "scrapy" or m.startswith(("scrapy.", "twisted"))] == []


def test_extraction_never_imports_the_archive_or_sqlite() -> None:
    loaded = _imported_after("import crawler.extract.article, crawler.extract.generic")
    assert [m for m in loaded if m.startswith(("archive", "sqlite_utils", "crawler.fetch", "crawler.apply"))] == []


def test_archive_imports_only_the_record_type_and_folding_from_the_crawler() -> None:
    loaded = _imported_after("import archive, archive.query.search, archive.query.export, archive.query.history")
    crawler_modules = {m for m in loaded if m.startswith("crawler")}
    assert crawler_modules <= {"crawler", "crawler.extract", "crawler.extract.record", "crawler.extract.fold"}


def _sources(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (REPO / folder).rglob("*.py"))


_SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT)\b")


def test_no_sql_outside_the_archive() -> None:
    found = []
    for path in _sources("crawler"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SQL.match(node.value):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.value[:60]}")
    assert found == []


def test_no_module_imports_another_modules_private_names() -> None:
    found = []
    for path in _sources("crawler", "archive", "bench"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                private = [alias.name for alias in node.names if alias.name.startswith("_")]
                if private:
                    found.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.module} {private}")
    assert found == []


def test_the_sql_detector_sees_a_statement() -> None:
    assert _SQL.match("SELECT id FROM articles") and _SQL.match(" BEGIN IMMEDIATE")
    assert not _SQL.match("Selected articles")


def test_the_readme_names_every_error_kind() -> None:
    from crawler.extract.record import ErrorKind

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("Error kinds ("):]
    assert [kind.value for kind in ErrorKind if f"`{kind.value}`" not in table] == []
