"""Extraction benchmark: the project's extraction beside plain trafilatura, in one run.

Sets: every replay set under fixtures/ that has gold records (expected/<id>.json), and any
external sample given with --data (a folder of html/*.html.gz plus ground-truth.json, used by
path, never copied into the repository). Per set and extractor it prints body precision, recall
and F1 over lower-cased word tokens (averaged per page), exact titles, publication day and minute,
authors, boilerplate leaks and pages per second.

    python -m bench.extraction --data ../shared/benchmarks/fundus-sample --data ../shared/benchmarks/wcxb-sample

Plain trafilatura is `trafilatura.extract(html, url=url, include_comments=False)` for the body
and its timing; its title, date and author come from `bare_extraction(..., with_metadata=True)`
(not timed). Plain trafilatura reports the day only, so it has no minute.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import trafilatura

from crawler import sites
from crawler.extract import ArticlePage, NotAnArticle, Page, extract
from crawler.extract.text import clean
from crawler.fetch.replay import load_manifest, replay_key

REPO = Path(__file__).resolve().parents[1]

FIELDS = ("url", "site", "title", "published", "author", "category", "summary", "source", "text", "images")
# Chrome of Vietnamese portals that must never reach a record (counted on the fixtures).
LEAK_MARKERS = (
    "Tin cùng chuyên mục", "Tin liên quan", "Các tin khác", "Tin khác", "Lượt xem", "Đã xem", "Tin mới nhất",
    "Ý kiến bạn đọc", "Gửi bình luận", "Xuất bản thông tin", "Chi tiết bài viết", "Mã kiểm tra", "Cỡ chữ",
    "In bài", "image banner", "no image", "Anh-tin-bai",
)


@dataclass
class Case:
    """One page with what is known to be right about it."""

    name: str
    url: str
    body: bytes
    headers: dict[str, str]
    page_class: type[ArticlePage]
    title: str | None = None
    published: str | None = None  # ISO, as the gold has it
    authors: list[str] = field(default_factory=list)
    text: str = ""
    gold: dict | None = None  # a full gold record (fixtures only)
    not_in_text: list[str] = field(default_factory=list)  # snippets that must not be extracted


@dataclass
class Result:
    title: str = ""
    published: str | None = None
    author: str | None = None
    text: str = ""
    record: dict | None = None


# --- loading -------------------------------------------------------------------------------------


def fixture_sets(root: Path) -> Iterator[tuple[str, list[Case]]]:
    for site_dir in sorted(p for p in root.iterdir() if (p / "manifest.json").exists()):
        golds = [p for p in sorted((site_dir / "expected").glob("*.json")) if p.name != "crawl.json"]
        if not golds:
            continue
        saved = load_manifest(site_dir)
        profile = sites.PROFILES.get(site_dir.name)
        cases = []
        for path in golds:
            gold = json.loads(path.read_text(encoding="utf-8"))
            page = saved[replay_key(gold["url"])]
            assert page.file is not None
            cases.append(Case(
                name=f"{site_dir.name}/{path.stem}", url=gold["url"], body=page.file.read_bytes(),
                headers=page.headers, page_class=profile.page_class if profile else ArticlePage,
                title=gold["title"], published=gold["published"],
                authors=[gold["author"]] if gold["author"] else [], text=gold["text"], gold=gold,
            ))
        yield site_dir.name, cases


def external_set(folder: Path) -> list[Case]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    cases = []
    for name, gold in truth.items():
        profile = sites.for_url(gold["url"])
        cases.append(Case(
            name=name, url=gold["url"], body=gzip.decompress((folder / "html" / name).read_bytes()), headers={},
            page_class=profile.page_class if profile else ArticlePage,
            title=gold.get("title"), published=gold.get("publishing_date") or gold.get("publish_date"),
            authors=list(gold.get("authors") or []), text=gold.get("main_text") or "",
            not_in_text=list(gold.get("without") or []),
        ))
    return cases


def generic_only(page_class: type[ArticlePage]) -> type[ArticlePage]:
    """The profile as it would meet a changed template: none of its selectors match."""
    missing = {
        name: ".selector-that-matches-nothing"
        for name in ("title_selector", "date_selector", "category_selector", "lead_selector", "body_selector")
    }
    return type("ChangedTemplate", (page_class,), missing)


# --- extractors ----------------------------------------------------------------------------------


def ours(case: Case, page_class: type[ArticlePage] | None = None) -> Result:
    page = Page(url=case.url, body=case.body, headers=case.headers)
    try:
        article = extract(page, page_class or case.page_class)
    except NotAnArticle:
        return Result()
    return Result(article.title, article.published, article.author, article.text, article.to_dict())


def plain_trafilatura(case: Case) -> Result:
    return Result(text=trafilatura.extract(case.body, url=case.url, include_comments=False) or "")


def trafilatura_metadata(case: Case, result: Result) -> Result:
    document = trafilatura.bare_extraction(case.body, url=case.url, include_comments=False, with_metadata=True)
    if document is not None:
        result.title = document.title or ""
        result.published = document.date
        result.author = document.author
    return result


# --- scores --------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+")


def tokens(text: str | None) -> Counter[str]:
    return Counter(_TOKEN.findall(unicodedata.normalize("NFC", text or "").lower()))


def body_scores(predicted: str, gold: str) -> tuple[float, float, float]:
    p, g = tokens(predicted), tokens(gold)
    if not p or not g:
        return 0.0, 0.0, 0.0
    common = sum((p & g).values())
    precision, recall = common / sum(p.values()), common / sum(g.values())
    return precision, recall, (2 * precision * recall / (precision + recall) if common else 0.0)


def _when(value: str | None) -> date | datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if len(value.strip()) <= 10:
        return parsed.date()
    return parsed


def same_day(predicted: str | None, gold: str | None) -> bool:
    p, g = _when(predicted), _when(gold)
    if p is None or g is None:
        return False
    gold_day = g if not isinstance(g, datetime) else g.date()
    if isinstance(p, datetime):
        if isinstance(g, datetime) and g.tzinfo is not None and p.tzinfo is not None:
            p = p.astimezone(g.tzinfo)
        return p.date() == gold_day
    return p == gold_day


def day_off_by_clock(predicted: str | None, gold: str | None) -> bool:
    """A time stated in Vietnam time (+07:00) that falls on the next or previous day of a gold
    given as a bare local date (a US evening is the next morning in Hanoi)."""
    p, g = _when(predicted), _when(gold)
    if not isinstance(p, datetime) or isinstance(g, datetime) or g is None:
        return False
    return abs((p.date() - g).days) == 1


def has_minute(gold: str | None) -> bool:
    g = _when(gold)
    return isinstance(g, datetime) and g.tzinfo is not None


def same_minute(predicted: str | None, gold: str | None) -> bool:
    p, g = _when(predicted), _when(gold)
    if not isinstance(p, datetime) or not isinstance(g, datetime) or p.tzinfo is None or g.tzinfo is None:
        return False
    return p.replace(second=0, microsecond=0) == g.replace(second=0, microsecond=0)


def same_authors(predicted: str | None, gold: list[str]) -> bool:
    """Authors compare as sets of word tokens: "A, B" and "A - B" and "A; B" are the same byline."""
    return set(tokens(predicted)) == set(tokens(", ".join(gold)))


def leaks(case: Case, result: Result) -> int:
    """Boilerplate that reached the output.

    Fixtures: every output paragraph (or line) that is not a paragraph of the gold text, plus
    known chrome markers anywhere in the record. External samples: the sample's own "must not
    be extracted" snippets (wcxb's `without`) found in the output.
    """
    if case.gold is None:
        found = clean(result.text).casefold()
        return sum(1 for snippet in case.not_in_text if clean(snippet).casefold() in found)
    gold_paragraphs = {clean(p) for p in case.text.split("\n\n")}
    lines = [clean(line) for line in re.split(r"\n+", result.text) if clean(line)]
    count = sum(1 for line in lines if line not in gold_paragraphs)
    flat = " ".join(str(v) for k, v in (result.record or {}).items() if k not in ("url", "images"))
    flat = (flat + " " + result.text).casefold()
    return count + sum(1 for marker in LEAK_MARKERS if marker.casefold() in flat and marker not in case.text)


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Row:
    set_name: str
    extractor: str
    pages: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    titles: int = 0
    days: int = 0
    day_pages: int = 0
    days_off_by_clock: int = 0
    minutes: int = 0
    minute_pages: int = 0
    authors: int = 0
    author_pages: int = 0
    records_right: int | None = None
    leaks: int | None = 0
    seconds: float = 0.0  # the sum over pages of each page's best time
    worse: list[str] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


Extractor = Callable[[Case], Result]


def timed(runs: dict[str, Extractor], cases: list[Case], rounds: int) -> dict[str, tuple[list[Result], float]]:
    """Each extractor on each page, interleaved page by page; a page's time is its best of
    `rounds`, so that a busy machine slows both sides alike and a stray pause counts once."""
    results: dict[str, list[Result]] = {name: [] for name in runs}
    best: dict[str, list[float]] = {name: [float("inf")] * len(cases) for name in runs}
    for round_number in range(rounds):
        for index, case in enumerate(cases):
            for name, run in runs.items():
                started = time.perf_counter()
                result = run(case)
                best[name][index] = min(best[name][index], time.perf_counter() - started)
                if round_number == 0:
                    results[name].append(result)
    return {name: (results[name], sum(best[name])) for name in runs}


def score(row: Row, cases: list[Case], results: list[Result]) -> Row:
    row.pages = len(cases)
    row.leaks = 0 if any(c.gold or c.not_in_text for c in cases) else None
    scores = [body_scores(r.text, c.text) for c, r in zip(cases, results, strict=True)]
    row.precision, row.recall, row.f1 = (sum(s[i] for s in scores) / len(scores) for i in range(3))
    for case, result in zip(cases, results, strict=True):
        row.titles += bool(case.title) and clean(result.title) == clean(case.title)
        if case.published:
            row.day_pages += 1
            row.days += same_day(result.published, case.published)
            row.days_off_by_clock += day_off_by_clock(result.published, case.published)
            if has_minute(case.published):
                row.minute_pages += 1
                row.minutes += same_minute(result.published, case.published)
        if case.authors:
            row.author_pages += 1
            row.authors += same_authors(result.author, case.authors)
        if row.leaks is not None:
            row.leaks += leaks(case, result)
    if all(c.gold for c in cases) and results and results[0].record is not None:
        row.records_right = sum(
            1 for c, r in zip(cases, results, strict=True)
            if r.record is not None and all(r.record[f] == c.gold[f] for f in FIELDS)  # type: ignore[index]
        )
    return row


def measure(set_name: str, cases: list[Case], rounds: int, generic: bool = False) -> list[Row]:
    label = "tinbai generic" if generic else "tinbai"
    if generic:
        classes = {c.page_class: generic_only(c.page_class) for c in cases}
        mine_run: Extractor = lambda c: ours(c, classes[c.page_class])  # noqa: E731
    else:
        mine_run = ours
        if any(c.page_class is not ArticlePage for c in cases):
            label = "tinbai profile"
    timings = timed({"ours": mine_run, "trafilatura": plain_trafilatura}, cases, rounds)
    (mine, mine_seconds), (theirs, their_seconds) = timings["ours"], timings["trafilatura"]
    theirs = [trafilatura_metadata(c, r) for c, r in zip(cases, theirs, strict=True)]
    rows = [
        score(Row(set_name, label, seconds=mine_seconds), cases, mine),
        score(Row(set_name, "trafilatura", seconds=their_seconds), cases, theirs),
    ]
    for case, a, b in zip(cases, mine, theirs, strict=True):
        fa, fb = body_scores(a.text, case.text)[2], body_scores(b.text, case.text)[2]
        if fa < fb - 0.005:
            rows[0].worse.append(f"{case.name} F1 {fa:.3f} < {fb:.3f}")
    return rows


def _ratio(hits: int, total: int) -> str:
    return f"{hits}/{total}" if total else "–"


def table(rows: list[Row]) -> str:
    head = (
        "| set | extractor | pages | body P | body R | body F1 | title | day | minute | author | records right"
        " | leaks | pages/s | speed vs trafilatura |"
    )
    lines = [head, "|" + "---|" * 14]
    speeds = {(r.set_name, r.extractor): r.pages_per_second for r in rows}
    for r in rows:
        base = speeds.get((r.set_name, "trafilatura")) or 0.0
        speed = f"{r.pages_per_second / base:.1f}×" if base else "–"
        days_note = f" (+{r.days_off_by_clock}¹)" if r.days_off_by_clock else ""
        lines.append(
            f"| {r.set_name} | {r.extractor} | {r.pages} | {r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f}"
            f" | {r.titles}/{r.pages} | {_ratio(r.days, r.day_pages)}{days_note}"
            f" | {_ratio(r.minutes, r.minute_pages)}"
            f" | {_ratio(r.authors, r.author_pages)}"
            f" | {'–' if r.records_right is None else f'{r.records_right}/{r.pages}'}"
            f" | {'–' if r.leaks is None else r.leaks} | {r.pages_per_second:.1f} | {speed} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=REPO / "fixtures", help="folder of replay sets")
    parser.add_argument("--data", type=Path, action="append", default=[], help="external sample folder")
    parser.add_argument("--rounds", type=int, default=3, help="passes over each set; a page's time is its best")
    parser.add_argument("--verbose", action="store_true", help="list pages where ours is below trafilatura")
    args = parser.parse_args(argv)

    rows: list[Row] = []
    for name, cases in fixture_sets(args.fixtures):
        rows += measure(f"fixtures/{name}", cases, args.rounds)
        if any(c.page_class is not ArticlePage for c in cases):
            rows += measure(f"fixtures/{name}", cases, args.rounds, generic=True)[:1]
    for folder in args.data:
        rows += measure(folder.name, external_set(folder), args.rounds)
    print(table(rows))
    if any(r.days_off_by_clock for r in rows):
        print("\n¹ more pages one day off: a +07:00 time beside a gold given as a bare local date")
    if args.verbose:
        for row in rows:
            for line in row.worse:
                print(f"{row.set_name} {row.extractor}: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
