"""Extraction benchmark: the project's extraction beside plain trafilatura, in one run, split by
role: the fixtures rules were tuned on, the fixtures nobody tuned on (judging), and external samples.

    python -m bench.extraction --data ../shared/benchmarks/fundus-sample --data ../shared/benchmarks/wcxb-sample

Sets: every replay set under fixtures/ with gold records (expected/<name>.json); its role is its
set.json's ("tuning" or "judging", fixtures/README.md; no set.json: tuning). External samples
(a folder of html/*.html.gz and ground-truth.json, used by path, never copied here) are given
with --data. For each set it prints body precision, recall and F1 over lower-cased word tokens
(averaged per page), exact titles, publication day and minute, authors and leaks, for the generic
path (the generic page object; on a profiled portal, the profile with selectors that match
nothing, as a changed template would), the profiled path where a profile exists, plain
trafilatura (`trafilatura.extract(html, url=url, include_comments=False)`) and the same with
fast=True; then the metamorphic suite's pass rate per transformation
(bench/metamorphic.py), then speed on heavy portal pages (fixtures/nghean's articles and
bench/synth.py's pages), then the targets of issue #18 with what this run measured.

Judging pages are measured, never shown: nothing of their text is printed, only counts.
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

from bench.metamorphic import NAMES, Gold, moved_fields, transform
from bench.synth import Portal
from crawler import sites
from crawler.extract import ArticlePage, NotAnArticle, Page, extract
from crawler.extract.text import clean
from crawler.fetch.replay import load_manifest, replay_key

REPO = Path(__file__).resolve().parents[1]

FIELDS = ("url", "site", "title", "published", "author", "category", "summary", "source", "text", "images")
# Chrome of Vietnamese portals that must never reach a record: the leak strings of the sets that
# have no expected/crawl.json list of their own (fixtures/nghean, fixtures/generic-portals).
LEAK_MARKERS = (
    "Tin cùng chuyên mục", "Tin liên quan", "Các tin khác", "Tin khác", "Lượt xem", "Đã xem", "Tin mới nhất",
    "Ý kiến bạn đọc", "Gửi bình luận", "Xuất bản thông tin", "Chi tiết bài viết", "Mã kiểm tra", "Cỡ chữ",
    "In bài", "image banner", "no image", "Anh-tin-bai", "Thứ Bảy, 21/11/2026",
)
ROLES = ("tuning", "judging", "external")


@dataclass
class Case:
    """One page with what is known to be right about it."""

    name: str
    url: str
    body: bytes
    headers: dict[str, str]
    profile: type[ArticlePage] | None = None  # the portal's profile, when it has one
    title: str | None = None
    published: str | None = None  # ISO, as the gold has it
    authors: list[str] = field(default_factory=list)
    text: str = ""
    gold: dict | None = None  # a full gold record (fixtures only)
    leaks: list[str] = field(default_factory=list)  # strings that must be in no field

    @property
    def page(self) -> Page:
        return Page(url=self.url, body=self.body, headers=self.headers)


@dataclass
class Result:
    title: str = ""
    published: str | None = None
    author: str | None = None
    text: str = ""
    record: dict | None = None

    def fields_text(self) -> str:
        """Every field a reader would see, for leaks."""
        if self.record is None:
            return " ".join(filter(None, (self.title, self.author, self.text)))
        captions = " ".join(str(image.get("caption") or "") for image in self.record.get("images") or ())
        values = (str(value) for key, value in self.record.items() if key not in ("url", "images", "extraction"))
        return " ".join(values) + " " + captions


@dataclass
class FixtureSet:
    name: str
    role: str
    cases: list[Case]


# --- loading -------------------------------------------------------------------------------------


def _role(site_dir: Path) -> str:
    description = site_dir / "set.json"
    if not description.exists():
        return "tuning"
    return str(json.loads(description.read_text(encoding="utf-8"))["role"])


def fixture_sets(root: Path) -> Iterator[FixtureSet]:
    for site_dir in sorted(p for p in root.iterdir() if (p / "manifest.json").exists()):
        golds = [p for p in sorted((site_dir / "expected").glob("*.json")) if p.name != "crawl.json"]
        if not golds:
            continue
        crawl = site_dir / "expected" / "crawl.json"
        leaks = json.loads(crawl.read_text(encoding="utf-8")).get("leaks") if crawl.exists() else None
        saved = load_manifest(site_dir)
        profile = sites.PROFILES.get(site_dir.name)
        cases = []
        for path in golds:
            gold = json.loads(path.read_text(encoding="utf-8"))
            page = saved[replay_key(gold["url"])]
            assert page.file is not None
            cases.append(Case(
                name=f"{site_dir.name}/{path.stem}", url=gold["url"], body=page.file.read_bytes(),
                headers=page.headers, profile=profile.page_class if profile else None,
                title=gold["title"], published=gold["published"],
                authors=[gold["author"]] if gold["author"] else [], text=gold["text"], gold=gold,
                leaks=list(leaks) if leaks else list(LEAK_MARKERS),
            ))
        yield FixtureSet(site_dir.name, _role(site_dir), cases)


def external_set(folder: Path) -> FixtureSet:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    cases = []
    for name, gold in truth.items():
        profile = sites.for_url(gold["url"])
        cases.append(Case(
            name=name, url=gold["url"], body=gzip.decompress((folder / "html" / name).read_bytes()), headers={},
            profile=profile.page_class if profile else None,
            title=gold.get("title"), published=gold.get("publishing_date") or gold.get("publish_date"),
            authors=list(gold.get("authors") or []), text=gold.get("main_text") or "",
            leaks=list(gold.get("without") or []),
        ))
    return FixtureSet(folder.name, "external", cases)


# --- extractors ----------------------------------------------------------------------------------


def _ours(case: Case, page_class: type[ArticlePage]) -> Result:
    try:
        article = extract(case.page, page_class)
    except NotAnArticle:
        return Result()
    return Result(article.title, article.published, article.author, article.text, article.to_dict())


def changed_template(page_class: type[ArticlePage]) -> type[ArticlePage]:
    """A profile as it would meet a changed template: none of its selectors match, so the generic
    page object reads the page (and the record keeps the profile's site key)."""
    missing = {
        name: ".selector-that-matches-nothing"
        for name in ("title_selector", "date_selector", "category_selector", "lead_selector", "body_selector",
                     "author_selector")
    }
    return type("ChangedTemplate", (page_class,), missing)


def generic(case: Case) -> Result:
    """The generic path: a profiled portal's page through its changed template, any other page
    through the generic page object."""
    return _ours(case, _changed(case.profile) if case.profile else ArticlePage)


_CHANGED: dict[type[ArticlePage], type[ArticlePage]] = {}


def _changed(page_class: type[ArticlePage]) -> type[ArticlePage]:
    if page_class not in _CHANGED:
        _CHANGED[page_class] = changed_template(page_class)
    return _CHANGED[page_class]


def portal_generic(case: Case) -> Result:
    """The generic page object on any page, a profiled portal's too (as a portal without a profile)."""
    return _ours(case, ArticlePage)


def profiled(case: Case) -> Result:
    assert case.profile is not None
    return _ours(case, case.profile)


def plain_trafilatura(case: Case) -> Result:
    return Result(text=trafilatura.extract(case.body, url=case.url, include_comments=False) or "")


def fast_trafilatura(case: Case) -> Result:
    return Result(text=trafilatura.extract(case.body, url=case.url, include_comments=False, fast=True) or "")


def trafilatura_metadata(case: Case, result: Result, fast: bool) -> Result:
    """Title, date and author as trafilatura reads them (not timed)."""
    document = trafilatura.bare_extraction(
        case.body, url=case.url, include_comments=False, with_metadata=True, fast=fast
    )
    if document is not None:
        result.title = document.title or ""
        result.published = document.date
        result.author = document.author
    return result


Extractor = Callable[[Case], Result]


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
    """How many of the case's leak strings are in any field of the result (external samples: in
    its text, wcxb's `without` snippets)."""
    found = clean(result.fields_text() if case.gold is not None else result.text).casefold()
    # a leak string the gold record holds too ("TIN HUYỆN - THỊ - THÀNH" in a menu, the category
    # "Tin huyện - thị - thành") is the article's
    gold = clean(" ".join(str(v) for k, v in (case.gold or {}).items() if k not in ("url", "images"))).casefold()
    snippets = (clean(snippet).casefold() for snippet in case.leaks)
    return sum(1 for snippet in snippets if snippet in found and snippet not in gold)


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Row:
    role: str
    set_name: str
    extractor: str
    pages: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    titles: int = 0
    title_pages: int = 0
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
    row.leaks = 0 if any(c.leaks for c in cases) else None
    scores = [body_scores(r.text, c.text) for c, r in zip(cases, results, strict=True)]
    row.precision, row.recall, row.f1 = (sum(s[i] for s in scores) / len(scores) for i in range(3))
    for case, result in zip(cases, results, strict=True):
        if case.title:
            row.title_pages += 1
            row.titles += clean(result.title) == clean(case.title)
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
    if all(c.gold for c in cases) and results and any(r.record is not None for r in results):
        row.records_right = sum(
            1 for c, r in zip(cases, results, strict=True)
            if r.record is not None and all(r.record[f] == c.gold[f] for f in FIELDS)  # type: ignore[index]
        )
    return row


def measure(fixture_set: FixtureSet, rounds: int) -> list[Row]:
    cases = fixture_set.cases
    runs: dict[str, Extractor] = {"generic": generic}
    if all(case.profile is not None for case in cases):
        runs["profile"] = profiled
    runs |= {"trafilatura": plain_trafilatura, "trafilatura fast": fast_trafilatura}
    timings = timed(runs, cases, rounds)
    rows = []
    for name, (results, seconds) in timings.items():
        if name.startswith("trafilatura"):
            fast = name.endswith("fast")
            results = [trafilatura_metadata(c, r, fast) for c, r in zip(cases, results, strict=True)]
        rows.append(score(Row(fixture_set.role, fixture_set.name, name, seconds=seconds), cases, results))
    if fixture_set.role != "judging":  # judging pages are measured, never looked at
        baseline = timings["trafilatura"][0]
        for case, ours, theirs in zip(cases, timings["generic"][0], baseline, strict=True):
            fa, fb = body_scores(ours.text, case.text)[2], body_scores(theirs.text, case.text)[2]
            if fa < fb - 0.005:
                rows[0].worse.append(f"{case.name} F1 {fa:.3f} < {fb:.3f}")
    return rows


def pooled(rows: list[Row], role: str, extractor: str) -> Row | None:
    """The rows of one role and extractor as one: counts summed, averages weighted by pages."""
    chosen = [r for r in rows if r.role == role and r.extractor == extractor]
    if not chosen:
        return None
    total = Row(role, f"all {role}", extractor)
    total.pages = sum(r.pages for r in chosen)
    for name in ("precision", "recall", "f1"):
        setattr(total, name, sum(getattr(r, name) * r.pages for r in chosen) / total.pages)
    for name in ("titles", "title_pages", "days", "day_pages", "days_off_by_clock", "minutes", "minute_pages",
                 "authors", "author_pages", "seconds"):
        setattr(total, name, sum(getattr(r, name) for r in chosen))
    total.leaks = sum(r.leaks or 0 for r in chosen) if any(r.leaks is not None for r in chosen) else None
    rights = [r.records_right for r in chosen]
    total.records_right = None if None in rights else sum(r or 0 for r in rights)
    return total


def _ratio(hits: int, total: int) -> str:
    return f"{hits}/{total}" if total else "–"


def quality_table(rows: list[Row]) -> str:
    head = ("| role | set | extractor | pages | body P | body R | body F1 | title | day | minute | author"
            " | leaks | records right |")
    lines = [head, "|" + "---|" * 13]
    for r in rows:
        days_note = f" (+{r.days_off_by_clock}¹)" if r.days_off_by_clock else ""
        lines.append(
            f"| {r.role} | {r.set_name} | {r.extractor} | {r.pages} | {r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f}"
            f" | {_ratio(r.titles, r.title_pages)} | {_ratio(r.days, r.day_pages)}{days_note}"
            f" | {_ratio(r.minutes, r.minute_pages)} | {_ratio(r.authors, r.author_pages)}"
            f" | {'–' if r.leaks is None else r.leaks}"
            f" | {'–' if r.records_right is None else f'{r.records_right}/{r.pages}'} |"
        )
    return "\n".join(lines)


# --- the metamorphic suite -------------------------------------------------------------------------


def metamorphic(sets: list[FixtureSet]) -> dict[str, dict[str, list[int]]]:
    """Per transformation and role: [pages whose transformed record equals the page's own record
    field by field, pages]. Each page is read with its portal's page class; on tuning pages the
    page's own record is its gold record (tests/test_extract_fixtures.py)."""
    passed: dict[str, dict[str, list[int]]] = {name: {} for name in NAMES}
    for fixture_set in sets:
        for case in fixture_set.cases:
            page_class = case.profile or ArticlePage
            try:
                expected: dict | None = extract(case.page, page_class).to_dict()
            except NotAnArticle:
                expected = None
            gold = case.gold or {}
            hint = Gold(gold.get("title", ""), gold.get("text", "").split("\n\n"))
            for name in NAMES:
                try:
                    record: dict | None = extract(transform(case.page, name, hint), page_class).to_dict()
                except NotAnArticle:
                    record = None
                same = record == expected if expected is None or record is None else not moved_fields(expected, record)
                counts = passed[name].setdefault(fixture_set.role, [0, 0])
                counts[0] += same
                counts[1] += 1
    return passed


def metamorphic_table(passed: dict[str, dict[str, list[int]]]) -> str:
    roles = [role for role in ROLES if any(role in by_role for by_role in passed.values())]
    lines = ["| transformation | " + " | ".join(roles) + " |", "|---|" + "---|" * len(roles)]
    for name, by_role in passed.items():
        cells = [f"{by_role[role][0]}/{by_role[role][1]}" if role in by_role else "–" for role in roles]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- speed on heavy portal pages ---------------------------------------------------------------------


@dataclass
class Speed:
    name: str
    pages: int
    seconds: dict[str, float]

    def ratio(self, than: str, of: str = "generic") -> float:
        return self.seconds[than] / self.seconds[of] if self.seconds[of] else 0.0

    def rate(self, name: str) -> float:
        return self.pages / self.seconds[name] if self.seconds[name] else 0.0


def synthetic_cases(count: int) -> list[Case]:
    """bench/synth.py's portal pages: a fixture page of nghean.dcs.vn with its article swapped."""
    portal = Portal()
    cases = []
    for number in range(1, count + 1):
        story = portal.story(number)
        body = portal.article_html(story).encode("utf-8")
        cases.append(Case(f"synth/{number}", story.url, body, {"Content-Type": "text/html; charset=utf-8"},
                          profile=sites.get("nghean").page_class))
    return cases


def speed(name: str, cases: list[Case], rounds: int) -> Speed:
    runs: dict[str, Extractor] = {"generic": portal_generic}
    if all(case.profile is not None for case in cases):
        runs["profile"] = profiled
    runs |= {"trafilatura": plain_trafilatura, "trafilatura fast": fast_trafilatura}
    for case in cases[:3]:  # imports and caches warmed before the clock
        for run in runs.values():
            run(case)
    timings = timed(runs, cases, rounds)
    return Speed(name, len(cases), {run: seconds for run, (_, seconds) in timings.items()})


def speed_table(speeds: list[Speed]) -> str:
    lines = ["| pages | generic pages/s | profile pages/s | trafilatura pages/s | trafilatura fast pages/s"
             " | generic ÷ trafilatura | generic ÷ trafilatura fast | profile ÷ trafilatura |",
             "|---|" + "---|" * 7]
    for s in speeds:
        profile = f"{s.rate('profile'):.1f}" if "profile" in s.seconds else "–"
        profile_ratio = f"{s.ratio('trafilatura', 'profile'):.1f}×" if "profile" in s.seconds else "–"
        lines.append(
            f"| {s.name} ({s.pages}) | {s.rate('generic'):.1f} | {profile} | {s.rate('trafilatura'):.1f}"
            f" | {s.rate('trafilatura fast'):.1f} | {s.ratio('trafilatura'):.2f}× | {s.ratio('trafilatura fast'):.2f}×"
            f" | {profile_ratio} |"
        )
    return "\n".join(lines)


# --- targets ---------------------------------------------------------------------------------------


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def targets(rows: list[Row], passed: dict[str, dict[str, list[int]]], speeds: list[Speed]) -> str:
    lines = ["| target (issue #18) | measured | met |", "|---|---|---|"]
    failing = [f"{name} {role} {c[0]}/{c[1]}" for name, by_role in passed.items() for role, c in by_role.items()
               if c[0] < c[1]]
    total = sum(c[1] for by_role in passed.values() for c in by_role.values())
    lines.append(f"| every transformation passes on every fixture | "
                 f"{total - sum(c[1] - c[0] for by_role in passed.values() for c in by_role.values())}/{total} pass"
                 f"{'; below: ' + ', '.join(failing) if failing else ''} | {'yes' if not failing else '**no**'} |")
    tuned, judged = pooled(rows, "tuning", "generic"), pooled(rows, "judging", "generic")
    if tuned is not None and judged is not None:
        checks = [
            ("body F1", tuned.f1, judged.f1),
            ("title", _share(tuned.titles, tuned.title_pages), _share(judged.titles, judged.title_pages)),
            ("day", _share(tuned.days, tuned.day_pages), _share(judged.days, judged.day_pages)),
            ("minute", _share(tuned.minutes, tuned.minute_pages), _share(judged.minutes, judged.minute_pages)),
            ("author", _share(tuned.authors, tuned.author_pages), _share(judged.authors, judged.author_pages)),
            ("no leak", 1 - (tuned.leaks or 0) / tuned.pages, 1 - (judged.leaks or 0) / judged.pages),
            ("record right", _share(tuned.records_right or 0, tuned.pages),
             _share(judged.records_right or 0, judged.pages)),
        ]
        for label, on_tuned, on_judged in checks:
            if on_tuned is None or on_judged is None:
                continue
            met = on_judged >= on_tuned - 1e-9
            lines.append(f"| judging pages {label} at least as often right as tuning (generic path) | "
                         f"{on_judged:.3f} judging, {on_tuned:.3f} tuning | {'yes' if met else '**no**'} |")
    for row in rows:
        if row.role == "external" and row.extractor == "generic":
            theirs = next(r for r in rows if r.set_name == row.set_name and r.extractor == "trafilatura")
            met = row.f1 >= theirs.f1
            lines.append(f"| body F1 on {row.set_name} not below plain trafilatura's | {row.f1:.3f} against "
                         f"{theirs.f1:.3f} | {'yes' if met else '**no**'} |")
    for s in speeds:
        ratio = s.ratio("trafilatura")
        lines.append(f"| generic path ≥ 5× trafilatura's defaults on {s.name} | {ratio:.2f}× "
                     f"({s.ratio('trafilatura fast'):.2f}× trafilatura fast=True) | "
                     f"{'yes' if ratio >= 5 else '**no**'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=REPO / "fixtures", help="folder of replay sets")
    parser.add_argument("--sets", help="only these fixture sets (comma-separated names)")
    parser.add_argument("--data", type=Path, action="append", default=[], help="external sample folder")
    parser.add_argument("--rounds", type=int, default=3, help="passes over each set; a page's time is its best")
    parser.add_argument("--speed-rounds", type=int, default=5, help="passes over the heavy pages for speed")
    parser.add_argument("--synthetic", type=int, default=100, help="synthetic portal pages for speed")
    parser.add_argument("--verbose", action="store_true",
                        help="list tuning and external pages where the generic path is below trafilatura")
    args = parser.parse_args(argv)

    wanted = set(args.sets.split(",")) if args.sets else None
    sets = [s for s in fixture_sets(args.fixtures) if wanted is None or s.name in wanted]
    externals = [external_set(folder) for folder in args.data]
    rows: list[Row] = []
    for fixture_set in [*sets, *externals]:
        rows += measure(fixture_set, args.rounds)
    order = {role: index for index, role in enumerate(ROLES)}
    rows.sort(key=lambda r: order[r.role])  # stable: sets keep their order within a role
    with_totals = []
    for role in ROLES:
        role_rows = [r for r in rows if r.role == role]
        with_totals += role_rows
        if len({r.set_name for r in role_rows}) > 1:
            with_totals += [t for e in ("generic", "profile", "trafilatura", "trafilatura fast")
                            if (t := pooled(rows, role, e)) is not None]
    print("## Quality by role\n")
    print(quality_table(with_totals))
    if any(r.days_off_by_clock for r in rows):
        print("\n¹ more pages one day off: a +07:00 time beside a gold given as a bare local date")
    passed = metamorphic(sets)
    print("\n## Metamorphic suite: pages whose record is unchanged, per transformation\n")
    print(metamorphic_table(passed))
    nghean = next((s for s in sets if s.name == "nghean"), None)
    heavy = [speed("fixtures/nghean articles", nghean.cases, args.speed_rounds)] if nghean else []
    if args.synthetic:
        heavy.append(speed("bench/synth.py pages", synthetic_cases(args.synthetic), args.speed_rounds))
    print("\n## Speed on heavy portal pages (each page's best of "
          f"{args.speed_rounds} interleaved passes; generic: `extract(page, ArticlePage)`)\n")
    print(speed_table(heavy))
    print("\n## Targets\n")
    print(targets(rows, passed, heavy))
    if args.verbose:
        for row in rows:
            for line in row.worse:
                print(f"{row.set_name} {row.extractor}: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
