"""Records of every fixture page, dumped to JSON and compared byte for byte: what a change meant to
make extraction faster (and nothing else) must leave unchanged.

    python -m bench.records --dump /tmp/records.json        # before the change
    python -m bench.records --compare /tmp/records.json     # after it: exit 1 on any difference
    python -m bench.records --compare FILE --data ../shared/benchmarks/fundus-sample

What is read: every HTML page of every replay set under fixtures/ (tuning and judging, articles,
listings and the rest), through the generic path (`extract(page, ArticlePage)`), the portal's page
class as a crawl without a profile uses it (sites.discovered_profile), the profile where the set
has one (and the profile with selectors that match nothing, as bench/extraction.py's generic path
reads a profiled portal), and the learned template: the template is learned here, in process, from
the set's expected article pages as the crawl's TemplateWatch does (learn_template, LEARN_AFTER and
KEEP_GENERIC pages), and each page read through it; the learned knowledge's JSON is part of the
dump. With --crawl, each whole-portal set (and fixtures/nghean under a host no profile owns) is
also crawled as bench/portals.py crawls it, and every page read through the template that crawl
learned (the templates bench/portals.py times), kept in the dump and reused by --compare. Then
bench/synth.py's pages (generic and the nghean profile) and the external samples given
with --data (generic path). A record is its to_dict(); a page that holds none, its NotAnArticle's
kind and message.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from archive import open_archive
from archive.templates import current_template
from bench.extraction import changed_template
from bench.synth import Portal
from crawler import sites
from crawler.extract import ArticlePage, NotAnArticle, Page, extract
from crawler.extract.knowledge import PortalKnowledge
from crawler.extract.template import learn_template
from crawler.fetch.replay import load_manifest, replay_key
from crawler.sites.templates import KEEP_GENERIC

REPO = Path(__file__).resolve().parents[1]
SYNTHETIC = 40


def _read(page: Page, page_class: type[ArticlePage], knowledge: PortalKnowledge | None = None) -> Any:
    try:
        return extract(page, page_class, knowledge).to_dict()
    except NotAnArticle as error:
        return {"not_an_article": str(error), "kind": str(getattr(error, "kind", ""))}


def _html_pages(site_dir: Path) -> list[Page]:
    pages = []
    for _, saved in sorted(load_manifest(site_dir).items()):
        if saved.file is None or saved.status != 200:
            continue
        content_type = next((v for k, v in saved.headers.items() if k.lower() == "content-type"), "text/html")
        if "html" not in content_type:
            continue
        pages.append(Page(url=saved.url, body=saved.file.read_bytes(), headers=saved.headers, status=saved.status))
    return pages


def _learned(site_dir: Path, page_class: type[ArticlePage], site: str) -> PortalKnowledge | None:
    crawl = site_dir / "expected" / "crawl.json"
    if not crawl.exists():
        return None
    manifest = load_manifest(site_dir)
    pages = []
    for url in json.loads(crawl.read_text(encoding="utf-8"))["articles"]:
        saved = manifest.get(replay_key(url))
        if saved is not None and saved.file is not None:
            pages.append(Page(url=url, body=saved.file.read_bytes(), headers=saved.headers, status=saved.status))
    if len(pages) < 2:
        return None
    return learn_template(pages[:KEEP_GENERIC], site=site, site_names=page_class.site_names,
                          caption_selector=page_class.caption_selector)


def crawled_templates(root: Path) -> dict[str, str]:
    """Each whole-portal set crawled as bench/portals.py crawls it (no profile, a subprocess into an
    archive of its own): the learned knowledge its crawl kept, as JSON, by set name."""
    from bench.portals import crawl, nghean_without_profile

    found: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="tinbai-records-") as workdir:
        for replay in [nghean_without_profile(Path(workdir)), *sorted(p.parent for p in root.glob("*/set.json"))]:
            home = json.loads((replay / "set.json").read_text(encoding="utf-8"))["home"]
            db = Path(workdir) / f"{replay.name}.db"
            crawl(home, replay, db)
            with open_archive(str(db), readonly=True) as archive:
                stored = current_template(archive, sites.site_key(home))
            if stored is not None:
                found[replay.name] = PortalKnowledge.from_json(stored[1], version=stored[0]).to_json()
    return found


def crawled_records(root: Path, templates: dict[str, str]) -> Iterator[tuple[str, Any]]:
    """Every page of each set read through the template its crawl learned (`templates`)."""
    with tempfile.TemporaryDirectory(prefix="tinbai-records-") as workdir:
        for name, stored in sorted(templates.items()):
            site_dir = nghean_copy(Path(workdir)) if name == "nghean-no-profile" else root / name
            home = json.loads((site_dir / "set.json").read_text(encoding="utf-8"))["home"]
            page_class = sites.discovered_profile(home).page_class
            knowledge = PortalKnowledge.from_json(stored)
            for page in _html_pages(site_dir):
                yield f"{name} {page.url} crawled-template", _read(page, page_class, knowledge)


def nghean_copy(workdir: Path) -> Path:
    from bench.portals import nghean_without_profile

    return nghean_without_profile(workdir)


def fixture_records(root: Path) -> Iterator[tuple[str, Any]]:
    for site_dir in sorted(p for p in root.iterdir() if (p / "manifest.json").exists()):
        described = site_dir / "set.json"
        home = json.loads(described.read_text(encoding="utf-8")).get("home") if described.exists() else None
        profile = sites.PROFILES.get(site_dir.name)
        discovered = sites.discovered_profile(home).page_class if home else None
        knowledge = None
        if discovered is not None:
            knowledge = _learned(site_dir, discovered, sites.site_key(str(home)))
            yield f"{site_dir.name} knowledge", knowledge.to_json() if knowledge is not None else None
        for page in _html_pages(site_dir):
            key = f"{site_dir.name} {page.url}"
            yield f"{key} generic", _read(page, ArticlePage)
            if discovered is not None:
                yield f"{key} discovered", _read(page, discovered)
            if knowledge is not None and knowledge.template is not None:
                assert discovered is not None
                yield f"{key} template", _read(page, discovered, knowledge)
            if profile is not None:
                yield f"{key} profile", _read(page, profile.page_class)
                changed = changed_template(profile.page_class)
                yield f"{key} changed", _read(page, changed)


def synthetic_records(count: int) -> Iterator[tuple[str, Any]]:
    portal = Portal()
    nghean = sites.get("nghean").page_class
    for number in range(1, count + 1):
        story = portal.story(number)
        page = Page(url=story.url, body=portal.article_html(story).encode("utf-8"),
                    headers={"Content-Type": "text/html; charset=utf-8"})
        yield f"synth/{number} generic", _read(page, ArticlePage)
        yield f"synth/{number} profile", _read(page, nghean)


def external_records(folder: Path) -> Iterator[tuple[str, Any]]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for name, gold in sorted(truth.items()):
        page = Page(url=gold["url"], body=gzip.decompress((folder / "html" / name).read_bytes()), headers={})
        yield f"{folder.name}/{name} generic", _read(page, ArticlePage)


def records(data: list[Path], synthetic: int, templates: dict[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {"crawled templates": templates}
    for name, record in fixture_records(REPO / "fixtures"):
        found[name] = record
    for name, record in crawled_records(REPO / "fixtures", templates):
        found[name] = record
    for name, record in synthetic_records(synthetic):
        found[name] = record
    for folder in data:
        for name, record in external_records(folder):
            found[name] = record
    return found


def as_text(found: dict[str, Any]) -> str:
    return json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--dump", type=Path, help="write the records to this file")
    action.add_argument("--compare", type=Path, help="compare the records with this file's, byte for byte")
    parser.add_argument("--data", type=Path, action="append", default=[], help="external sample folder")
    parser.add_argument("--synthetic", type=int, default=SYNTHETIC, help="bench/synth.py pages")
    parser.add_argument("--crawl", action="store_true",
                        help="with --dump: crawl each whole-portal set first and keep the template it learned")
    args = parser.parse_args(argv)
    if args.dump:
        templates = crawled_templates(REPO / "fixtures") if args.crawl else {}
    else:
        templates = json.loads(args.compare.read_text(encoding="utf-8")).get("crawled templates", {})
    found = records(args.data, args.synthetic, templates)
    text = as_text(found)
    if args.dump:
        args.dump.write_text(text, encoding="utf-8")
        print(f"{len(found)} records written to {args.dump}")
        return 0
    saved = args.compare.read_text(encoding="utf-8")
    before = json.loads(saved)
    differ = differences(before, found)
    for key in differ[:20]:
        print(f"differs: {key}\n  before: {json.dumps(before.get(key), ensure_ascii=False)[:400]}"
              f"\n  now:    {json.dumps(found.get(key), ensure_ascii=False)[:400]}")
    same_bytes = text == saved
    print(f"{len(found)} records; {len(differ)} differ; byte for byte {'identical' if same_bytes else 'different'}")
    return 0 if same_bytes and not differ else 1


def differences(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """The records (by name) that one side has and the other has not, or has otherwise."""
    return sorted(key for key in before.keys() | now.keys() if before.get(key) != now.get(key))


if __name__ == "__main__":
    sys.exit(main())
