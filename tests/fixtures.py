"""Shared helpers for tests over the saved portals in fixtures/: their gold records and pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from crawler.extract.article import ArticlePage
from crawler.extract.record import Page
from crawler.fetch.replay import load_manifest, replay_key
from crawler.sites import PROFILES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIELDS = ("url", "site", "title", "published", "author", "category", "summary", "source", "text", "images")


def _replay_sets() -> list[Path]:
    """The replay sets whose gold records the tests assert: the sets of single pages written with
    the rules. Whole-portal sets (with a set.json, fixtures/README.md) are measured by the
    benchmarks instead: a judging set's failures are reported, never tuned away in a test."""
    return sorted(p for p in FIXTURES.iterdir() if (p / "manifest.json").exists() and not (p / "set.json").exists())


def portal_sets(role: str | None = None) -> list[Path]:
    """The whole-portal replay sets (fixtures/*/set.json), of one role ("tuning", "judging") or all."""
    found = []
    for path in sorted(FIXTURES.iterdir()):
        description = path / "set.json"
        if description.exists() and role in (None, json.loads(description.read_text(encoding="utf-8"))["role"]):
            found.append(path)
    return found


def _golds(site_dir: Path) -> Iterator[Path]:
    for path in sorted((site_dir / "expected").glob("*.json")):
        if path.name != "crawl.json":
            yield path


def gold_records() -> Iterator[tuple[str, Path]]:
    """(site, expected/<id>.json) for every gold record of every replay set of a profiled portal
    (the directory is named by the profile's key)."""
    for site_dir in _replay_sets():
        if site_dir.name in PROFILES:
            for path in _golds(site_dir):
                yield site_dir.name, path


def generic_gold_records() -> Iterator[tuple[str, Path]]:
    """(set, expected/<name>.json) for the replay sets of portals without a profile
    (fixtures/generic-portals): their pages go through the generic path."""
    for site_dir in _replay_sets():
        if site_dir.name not in PROFILES:
            for path in _golds(site_dir):
                yield site_dir.name, path


def tuning_gold_records() -> Iterator[tuple[str, Path]]:
    """(set, expected/<name>.json) for the whole-portal sets whose role is tuning (their rules may be
    fixed while looking at them). Judging sets are never asserted: bench/extraction.py reports them."""
    for site_dir in portal_sets("tuning"):
        for path in _golds(site_dir):
            yield site_dir.name, path


def page_class_for(replay_set: str) -> type[ArticlePage]:
    """The profile's page class for a profiled portal's set, the generic page object otherwise."""
    profile = PROFILES.get(replay_set)
    return profile.page_class if profile else ArticlePage


def saved_page(site: str, url: str) -> Page:
    """The page exactly as the replay set serves it (raw bytes and headers)."""
    saved = load_manifest(FIXTURES / site)[replay_key(url)]
    assert saved.file is not None, url
    return Page(url=url, body=saved.file.read_bytes(), headers=saved.headers, status=saved.status)


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
