"""bench/: the synthetic portal is a valid replay set whose pages extract to what they say, and the
performance benchmark runs end to end on a tiny size."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench import perf
from bench.synth import PER_PAGE, Portal
from crawler import sites
from crawler.extract import Page, extract
from crawler.fetch.replay import load_manifest, replay_key

REPO = Path(__file__).resolve().parents[1]

ARTICLES = 45


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Portal, Path]:
    directory = tmp_path_factory.mktemp("portal")
    Portal().write(directory, ARTICLES)
    return Portal(), directory


def test_synthetic_portal_is_a_replay_set_of_heavy_pages(portal: tuple[Portal, Path]) -> None:
    generator, directory = portal
    skipped: list[str] = []
    pages = load_manifest(directory, skipped=skipped)
    assert skipped == []
    assert replay_key("https://nghean.dcs.vn/robots.txt") in pages
    assert pages[replay_key("https://nghean.dcs.vn/")].status == 302
    articles = [generator.story(n) for n in range(1, ARTICLES + 1)]
    assert len({story.url for story in articles}) == ARTICLES
    for story in articles:
        saved = pages[replay_key(story.url)]
        assert saved.file is not None and saved.file.stat().st_size > 40_000, story.url
    # Every article is on exactly one page of its category's listing, 20 to a page, newest first.
    listed: dict[str, int] = {}
    for url, saved in pages.items():
        if "/chuyen-muc/" in url:
            assert saved.file is not None
            links = re.findall(r'<h3><a href="([^"]+)"', saved.file.read_text(encoding="utf-8"))
            assert 0 < len(links) <= PER_PAGE
            for link in links:
                listed[link] = listed.get(link, 0) + 1
    assert listed == {story.path: 1 for story in articles}


def test_synthetic_pages_extract_to_their_story(portal: tuple[Portal, Path]) -> None:
    generator, directory = portal
    page_class = sites.get("nghean").page_class
    pages = load_manifest(directory)
    for number in range(1, ARTICLES + 1):
        story = generator.story(number)
        saved = pages[replay_key(story.url)]
        assert saved.file is not None
        article = extract(Page(url=story.url, body=saved.file.read_bytes(), headers=saved.headers), page_class)
        assert article.extraction == "profile:nghean"
        assert (article.url, article.title, article.category) == (story.url, story.title, story.category[2])
        assert article.published == story.published.isoformat()
        assert (article.author, article.source) == (story.author, story.source)
        assert article.text == story.text
        assert len(article.images) == (1 if story.image else 0)


def test_stories_do_not_depend_on_the_set_size(tmp_path: Path) -> None:
    # A benchmark compares portals of several sizes: article 7 must be the same article in each.
    small, large = tmp_path / "small", tmp_path / "large"
    Portal().write(small, 10)
    Portal().write(large, 40)
    url = Portal().story(7).url
    stored = [load_manifest(directory)[replay_key(url)].file for directory in (small, large)]
    assert all(file is not None for file in stored)
    first, second = (extract(Page(url=url, body=file.read_bytes()), sites.get("nghean").page_class)
                     for file in stored if file is not None)
    assert first == second
    # ...and made the same whatever was generated before it.
    warmed = Portal()
    for number in range(1, 60):
        warmed.story(number)
    assert warmed.story(7) == Portal().story(7)
    assert Portal().story(7).text != Portal().story(8).text


def test_perf_runs_end_to_end_on_a_tiny_portal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "perf.json"
    code = perf.main([
        "--sizes", "30", "--archive-sizes", "20,80", "--batch", "10", "--sample", "6", "--queries", "1",
        "--keep", str(tmp_path / "work"), "--json", str(out),
    ])
    assert code == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["extraction"]["profile_records_right"] == results["extraction"]["pages"] == 6
    for size, crawl in results["crawls"].items():
        summary = crawl["first"]["summary"]
        assert (summary["new"], summary["errors"], summary["duplicates"]) == (int(size), 0, 0)
        assert crawl["first"]["max_rss_mb"] > 0
        # The crawl and its archive writer together hold at least what the larger of the two does.
        assert crawl["first"]["rss_together_mb"] >= crawl["first"]["max_rss_mb"] > 0
        # Over the unchanged portal: robots.txt, the root's redirect, home, the three first listing pages.
        assert crawl["second"]["summary"]["pages"] <= 6
        # The extraction-only rate beside the crawl: every article page of the portal, each with its
        # text, before and after.
        assert [(a["pages"], a["with_text"]) for a in crawl["extraction_alone"]] == [(int(size), int(size))] * 2
        assert all(a["wall"] > 0 and a["cpu"] > 0 for a in crawl["extraction_alone"])
        # Every saved page of the portal read before the crawl: its 30 articles, listings, home, robots.txt.
        manifest = json.loads((tmp_path / "work" / f"portal-{size}" / "manifest.json").read_text(encoding="utf-8"))
        assert crawl["read"]["files"] == sum(1 for entry in manifest["pages"] if entry.get("file")) > int(size)
        # The CPU split between the crawl's process and its archive writer, which both did work.
        first = crawl["first"]
        assert first["cpu_crawl_process"] > 0 and first["cpu_writer"] > 0
        assert first["cpu_crawl_process"] + first["cpu_writer"] <= first["cpu"] + 1e-6
        bound = perf.crawl_bound(first, 2)
        slowest = max(first["cpu_crawl_process"], first["cpu_writer"], first["cpu"] / 2)
        assert bound == pytest.approx(summary["pages"] / slowest)
        assert bound >= first["pages_per_s"] * 0.9  # no run beats its CPU (sampled 0.1 s apart)
    assert {run["articles"] for run in results["reextract"].values()} == {30}
    # Runs in the order 1, 2, 2, 1: two of each, their seconds summed.
    for processes, runs in results["reextract"].items():
        assert [run["processes"] for run in runs["runs"]] == [int(processes)] * 2
        assert runs["wall"] == pytest.approx(sum(run["wall"] for run in runs["runs"]))
    assert [batch["articles"] for batch in results["archive"]["batches"]] == [20, 80]
    # One file per size, each timed by turns after both are filled.
    assert sorted(path.name for path in (tmp_path / "work").glob("archive-*.db")) == ["archive-20.db", "archive-80.db"]
    assert all(batch["rounds"] == perf.ROUNDS for batch in results["archive"]["batches"])
    # The larger one filled to 80, then its 10 timed saves: search runs over 90.
    assert results["archive"]["search"]["articles"] == 90
    printed = capsys.readouterr().out
    assert "| search over 90 " in printed
    assert "| crawl 30: pages/s (÷ extraction alone) |" in printed
    assert "| crawl 30: the most that CPU allows (÷ extraction alone) |" in printed
