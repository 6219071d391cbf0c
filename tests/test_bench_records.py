"""bench/records.py: a record that moved is named, and the dump compares byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import records
from crawler.extract import ArticlePage, Page


def test_a_moved_field_a_lost_record_and_a_new_one_are_all_named() -> None:
    before = {"a generic": {"title": "Hội nghị", "published": "2025-05-16"}, "b generic": {"title": "B"}}
    now = {"a generic": {"title": "Hội nghị", "published": "2025-05-17"}, "c generic": {"title": "C"}}
    assert records.differences(before, now) == ["a generic", "b generic", "c generic"]
    assert records.differences(before, json.loads(records.as_text(before))) == []


def test_compare_exits_1_when_a_record_moved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = Page(url="https://tinhuy.example/tin/1.html", body=(
        "<html><head><title>Hội nghị tổng kết</title></head><body><h1>Hội nghị tổng kết</h1>"
        "<p>Ngày 16/5/2025</p><p>" + "Sáng 16/5, Ban Thường vụ Tỉnh ủy tổ chức hội nghị tổng kết công tác. " * 4
        + "</p></body></html>").encode())
    found = {"x generic": records._read(page, ArticlePage)}
    monkeypatch.setattr(records, "records", lambda data, synthetic, templates: dict(found))
    dump = tmp_path / "before.json"
    assert records.main(["--dump", str(dump)]) == 0
    assert records.main(["--compare", str(dump)]) == 0
    found["x generic"] = {**found["x generic"], "title": "Hội nghị"}
    assert records.main(["--compare", str(dump)]) == 1
