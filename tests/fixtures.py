"""Shared helpers for tests over the saved portals in fixtures/: their gold records and pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from crawler.extract.record import Page
from crawler.replay import load_manifest, replay_key

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIELDS = ("url", "site", "title", "published", "author", "category", "summary", "source", "text", "images")


def gold_records() -> Iterator[tuple[str, Path]]:
    """(site, expected/<id>.json) for every gold record of every replay set."""
    for site_dir in sorted(p for p in FIXTURES.iterdir() if (p / "manifest.json").exists()):
        for path in sorted((site_dir / "expected").glob("*.json")):
            if path.name != "crawl.json":
                yield site_dir.name, path


def saved_page(site: str, url: str) -> Page:
    """The page exactly as the replay set serves it (raw bytes and headers)."""
    saved = load_manifest(FIXTURES / site)[replay_key(url)]
    assert saved.file is not None, url
    return Page(url=url, body=saved.file.read_bytes(), headers=saved.headers, status=saved.status)


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
