"""A profile's region: only <head> and the article's part of the page are parsed, and the record
is exactly the whole page's; wherever the region does not hold the article, the whole page is."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from crawler.extract import Page, extract
from crawler.extract.page import region_of
from crawler.sites import get
from tests.fixtures import gold_records, load_gold, saved_page

NGHEAN = get("nghean").page_class
GOLD = [path for site, path in gold_records() if site == "nghean"]


def whole_page_record(page: Page) -> dict:
    """The record of the page parsed whole, as extract() makes it without a region."""
    return NGHEAN(page).to_record().to_dict()


@pytest.mark.parametrize("gold_path", GOLD, ids=[p.stem for p in GOLD])
def test_the_region_gives_the_whole_pages_record(gold_path: Path) -> None:
    page = saved_page("nghean", load_gold(gold_path)["url"])
    assert NGHEAN.region is not None
    region = region_of(page, NGHEAN.region)
    assert region is not None and len(region.body) < len(page.body) / 2
    part = NGHEAN(region)
    assert part.holds_article(), f"{gold_path.stem}: the region misses the title, date or body"
    assert part.to_record().to_dict() == whole_page_record(page)
    assert extract(page, NGHEAN).to_dict() == whole_page_record(page)


def _edited(*edits: tuple[bytes, bytes]) -> Page:
    page = saved_page("nghean", load_gold(GOLD[0])["url"])
    body = page.body
    for old, new in edits:
        assert body.count(old) == 1, old
        body = body.replace(old, new)
    return replace(page, body=body)


_DATE_LINE = "<span class=\"news-date\">Ngày đăng: 15/08/2020  09:02</span>".encode()


@pytest.mark.parametrize(
    ("why", "edits"),
    [
        # A changed template: the start marker is not on the page.
        ("no start marker", [(b'<div class="breadcrumb"', b'<div class="breadcrumb top"')]),
        # The date line moved above the breadcrumb, out of the region.
        ("date outside", [
            (_DATE_LINE, b""),
            (b'<div class="breadcrumb"', b'<div class="news-detail">' + _DATE_LINE + b'</div><div class="breadcrumb"'),
        ]),
        # The sidebar starts before the article: the region ends before its body.
        ("body outside", [(b'<div class="breadcrumb"', b'<div class="breadcrumb"></div><div class="col-side"></div>'
                                                       b'<div class="breadcrumb"')]),
    ],
)
def test_the_whole_page_is_read_when_the_region_does_not_hold_the_article(
    why: str, edits: list[tuple[bytes, bytes]]
) -> None:
    page = _edited(*edits)
    region = region_of(page, NGHEAN.region) if NGHEAN.region else None
    assert region is None or not NGHEAN(region).holds_article(), why
    assert extract(page, NGHEAN).to_dict() == whole_page_record(page)
    assert extract(page, NGHEAN).extraction == "profile:nghean"


def test_a_page_without_head_end_or_marker_has_no_region() -> None:
    url, markers = "https://nghean.dcs.vn/x", (b"<p", b"</p")
    assert region_of(Page(url, b"<html><body><p>x</p></body></html>"), markers) is None
    assert region_of(Page(url, b"<html><head></head><body>x</body></html>"), markers) is None


def test_the_region_keeps_the_head_and_stops_at_the_end_marker() -> None:
    body = (b"<html><head><meta charset='windows-1258'></head>"
            b"<body><nav>menu</nav><main>A</main><aside>B</aside></body></html>")
    region = region_of(Page("https://nghean.dcs.vn/x", body, {"Content-Type": "text/html"}), (b"<main", b"<aside"))
    assert region is not None
    assert region.body == b"<html><head><meta charset='windows-1258'></head><body><main>A</main></body></html>"
    assert region.headers == {"Content-Type": "text/html"}
    # No end marker: to the end of the page.
    region = region_of(Page("https://nghean.dcs.vn/x", body), (b"<main", b"<footer"))
    assert region is not None and region.body.endswith(b"<aside>B</aside></body></html></body></html>")


@pytest.mark.parametrize("selector", [
    "figcaption, .image_desc, .caption, .PhotoCMS_Caption, .image-caption, .chu-thich",  # captions
    ".news-tools, .news-share, .related-news, .comment-form",  # a profile's widgets, on the page
    "p.caption, figure.image, .no-such-class",  # tags with classes, one class absent
    ".no-such-class, .nor-this",  # nothing
    "figure, h1",  # tags only
])
def test_select_answers_as_the_css_selector(selector: str) -> None:
    """select() skips the CSS query when the page has none of its classes: same elements, same order."""
    from lxml.cssselect import CSSSelector

    from crawler.extract.page import parse, select

    for gold_path in GOLD:
        tree = parse(saved_page("nghean", load_gold(gold_path)["url"]))
        for root in (tree, *tree.iter("div")):
            expected = [el for el in CSSSelector(selector)(root) if isinstance(el.tag, str)]
            assert select(root, selector) == expected, (gold_path.stem, selector)
