"""Which date on the page is the article's: its metadata's, else the short dated line near the
title and the body.

Read by the generic page object (generic.py) and by profiles whose date selector misses. A page
shows many dates: the header clock ("Thứ Bảy, 21/11/2026", today, before the heading, far from
the body, without a time), the related news' "(05/10/2026)", comments' times. What tells the
date line from them is where it sits and what it shows, not what its element is called: the
portal's clock may sit in a `<header>`, and so may the article's own title and date line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

from lxml import etree

from crawler.extract.chrome import is_chrome_heading
from crawler.extract.dates import VN_TZ, parse_date, parse_iso, parse_pieces, parse_time, to_iso
from crawler.extract.knowledge import NOTHING_KNOWN, PortalKnowledge
from crawler.extract.layout import common_ancestor, pieces_of, reads_as_paragraph, shown_text
from crawler.extract.page import HtmlElement, short_text, xpath
from crawler.extract.record import Article
from crawler.extract.text import clean, letters

_DATE_METAS = frozenset({
    "article:published_time", "og:publish_date", "publish_date", "pubdate", "publishdate", "dc.date.issued",
    "dc.date", "date", "sailthru.date", "parsely-pub-date", "article.published", "datepublished",
})
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_STRUCTURED = xpath(
    "/descendant::meta[@content] | /descendant::*[@itemprop='datePublished'] | /descendant::time[@datetime]"
    " | /descendant::script[@type='application/ld+json']"
)
_METAS_AND_TIMES = xpath("/descendant::meta[@content] | /descendant::time[@datetime]")


def _names_a_date(meta: HtmlElement) -> bool:
    """Does the <meta> say it holds the publication date (its property, name or itemprop)? A
    portal's <head> holds dozens of <meta>s, each asked."""
    for attr in ("property", "name", "itemprop"):
        value = meta.get(attr)
        if value and (value.lower() in _DATE_METAS or (attr == "itemprop" and value == "datePublished")):
            return True
    return False


def structured_date(tree: HtmlElement, raw: bytes | None = None) -> date | datetime | None:
    """datePublished from meta tags, microdata, <time pubdate> or JSON-LD (in that order).

    Given the page's bytes, microdata and JSON-LD are looked for only when the bytes say
    "datePublished": a query for an attribute on any element walks the whole page (0.15 ms of a
    portal page)."""
    # One walk over the page, the candidates sorted out here: an XPath that lower-cases and
    # compares every meta attribute with each of 36 names took as long as parsing the page.
    values: list[str] = []  # in document order, as the union of the separate queries was
    later: list[str] = []  # the dates of items that are not the page's headline's (comments)
    scripts: list[str] = []
    query = _STRUCTURED if raw is None or b"datePublished" in raw else _METAS_AND_TIMES
    for el in query(tree):
        if el.tag == "meta":
            if _names_a_date(el):
                values.append(el.get("content"))
        elif el.get("itemprop") == "datePublished":
            value = el.get("datetime") if el.get("datetime") is not None else el.get("content")
            if value is not None:
                if _of_another_item(el):
                    later.append(value)
                else:
                    values.append(value)
        elif el.tag == "time":
            if el.get("pubdate") is not None or "published" in (el.get("class") or "").split():
                values.append(el.get("datetime"))
        elif el.tag == "script":
            scripts += _JSONLD_DATE.findall(el.text or "")
    for content in values + scripts + later:
        value = parse_iso(content) or parse_date(content)
        if value is not None:
            return value
    return None


def _of_another_item(el: HtmlElement) -> bool:
    """Is the date given for an item that is not the article, when the page says which item the article
    is? A comment's "<article itemscope><time itemprop="datePublished" datetime="2025-01-15T14:02">"
    beside the post's "<article itemscope><h1 itemprop="headline">...<time itemprop="datePublished">":
    its item holds no headline while another item does."""
    item = next((a for a in el.iterancestors() if a.get("itemscope") is not None), None)
    if item is None or item.find('.//*[@itemprop="headline"]') is not None:
        return False
    return el.getroottree().getroot().find('.//*[@itemprop="headline"]') is not None


# Text that may hold a date: a year, or a month written as a word ("ngày 8 tháng Bảy năm 2024").
_DATED_TEXT = xpath(
    "descendant::text()[(contains(., '19') or contains(., '20') or contains(., 'tháng'))"
    " and not(ancestor::script) and not(ancestor::style) and not(ancestor::option) and not(ancestor::title)]"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
LINE_MAX = 80  # "Ngày đăng: 20/11/2026 16:40 | Lượt xem: 1.254 | In bài A- A+": a line, not a block
_TEASER_LINK = 20  # a link with this much text beside a date is an article's title: a teaser's date


@dataclass
class DatedLine:
    """A short line of the page that shows a date."""

    element: HtmlElement
    value: date | datetime
    text: str
    in_pieces: bool = False  # a calendar leaf: the year in one block, the day and month in another
    # The first and last day the article may have been published on, when the line says only how
    # long ago ("Cách đây 3 Các tháng"): `value` is then the window's middle day (relative_line).
    window: tuple[date, date] | None = None

    @property
    def has_time(self) -> bool:
        return isinstance(self.value, datetime)


def _line_of(el: HtmlElement, stop: HtmlElement | None) -> tuple[HtmlElement, str]:
    """The largest element around `el` whose text is still a line (at most LINE_MAX characters)."""
    text = short_text(el, LINE_MAX) or ""
    while True:
        parent = el.getparent()
        if parent is None or parent is stop or parent.tag in ("body", "html"):
            return el, text
        wider = short_text(parent, LINE_MAX)
        if wider is None:
            return el, text
        el, text = parent, wider


def _long_links(el: HtmlElement, date_text: str) -> bool:
    """Does the element hold a link whose text reads as an article's title? Words, not one token: a
    tag's "#to-chuc-co-so-djang" beside the post's "Ngày đăng 15/01/2025" titles nothing."""
    return any(
        letters(text := clean(a.text_content())) >= _TEASER_LINK and len(text.split()) >= 3 and date_text not in text
        for a in el.iter("a")
    )


def _is_teaser_date(line: HtmlElement, holder: HtmlElement) -> bool:
    """The date of a link to another article: "<li><a>Hội nghị ...</a> <span>(05/10/2026)</span></li>",
    or a date inside a link whose text says more than the date."""
    for ancestor in holder.iterancestors("a"):
        if letters(ancestor.text_content()) > letters(line.text_content()) + 2:
            return True
    text = clean(line.text_content())
    if _long_links(line, text):
        return True
    # ...or one item of a list of them: the line's own <li> or row, or the one just around it
    # (a layout table's row around the whole page is no item).
    parent = line.getparent()
    grandparent = parent.getparent() if parent is not None else None
    item = next((el for el in (parent, grandparent) if el is not None and el.tag in ("li", "tr", "dd")), None)
    return line.tag not in ("li", "tr", "dd") and item is not None and _long_links(item, text) and not (
        _holds_a_body(item)
    )


def _holds_a_body(item: HtmlElement) -> bool:
    """Does a list's item hold paragraphs of prose, not a teaser's one summary? A blog's views show
    each whole post as an item of a list of posts, its title linked to itself."""
    paragraphs = (short_text(p, 1500) for p in item.iter("p"))
    return sum(1 for text in paragraphs if text and reads_as_paragraph(text)) >= 2


def _not_shown(el: HtmlElement) -> bool:
    """A value for machines, not a line the page shows: microdata ("<span itemprop="datePublished">
    2024-09-20T16:45:27+07:00</span>", which NukeViet fills with the edit time), or an element
    hidden by its attributes (style="display:none", hidden)."""
    for holder in (el, *el.iterancestors()):
        if holder.get("itemprop") is not None and holder is el:
            return True
        if holder.get("hidden") is not None or "display:none" in (holder.get("style") or "").replace(" ", ""):
            return True
        if holder.tag == "body":
            break
    return False


def dated_lines(root: HtmlElement) -> Iterator[DatedLine]:
    """The short lines under `root` that show a date, in document order, teasers' dates left out."""
    seen: set[HtmlElement] = set()
    for node in _DATED_TEXT(root):
        if not _YEAR.search(node) and "tháng" not in node:
            continue
        # A paragraph's text ("Năm 2023, toàn Đảng bộ tỉnh kết nạp 1.742 đảng viên, ..."): longer
        # than a line itself, so every element holding it is too (_line_of would find no line).
        if len(node) > LINE_MAX and letters(node) > LINE_MAX:
            continue
        holder = node.getparent()
        if holder is None:
            continue
        if node.is_tail:  # "<a>Hội nghị ...</a> (20/11/2026)": the text belongs to the <a>'s parent
            holder = holder.getparent()
            if holder is None:
                continue
        if _not_shown(holder):
            continue
        line, text = _line_of(holder, root)
        if line in seen or not text:
            continue
        seen.add(line)
        value = parse_date(text)
        in_pieces = False
        if value is None:
            value, in_pieces = parse_pieces(pieces_of(line)), True
        if value is None or _is_teaser_date(line, holder):
            continue
        yield DatedLine(line, with_machine_time(line, value), text, in_pieces)


def with_machine_time(line: HtmlElement, value: date | datetime) -> date | datetime:
    """The time the line's machine-readable copy of its day gives: WordPress's "Đã đăng <time
    datetime="2025-05-20T09:30:00+07:00">20/05/2025</time>" is 20 May at 09:30, and so is a
    script's copy in a data attribute, DNN Blog's "<div data-time="2025-05-20 16:45:00">2025-05-20
    </div>" (a time without an offset is the portal's, as the times it shows are)."""
    if isinstance(value, datetime):
        return value
    shown = _tooltip_time(line)
    if shown is not None:
        return datetime(value.year, value.month, value.day, *shown, tzinfo=VN_TZ)
    for element in line.iter(etree.Element):
        for name, attribute in element.attrib.items():
            if name != "datetime" and not name.startswith("data-"):
                continue
            machine = parse_iso(attribute) if _YEAR.search(attribute) else None
            if isinstance(machine, datetime) and machine.date() == value:
                return machine
    return value


def _tooltip_time(line: HtmlElement) -> tuple[int, int] | None:
    """The time a date line shows as its tooltip: Twenty Twelve links the day to the post with the
    time as the link's title ("<a title="4:45 chiều" rel="bookmark"><time datetime=
    "2016-06-28T16:45:00+00:00">28 Tháng Sáu, 2016</time></a>"). It is the time the reader is shown,
    in the portal's time; the `datetime` beside it may carry another offset (with_machine_time)."""
    for element in line.iter(etree.Element):
        title = element.get("title")
        if title and len(title) <= 20:
            shown = parse_time(title)
            if shown is not None:
                return shown
    return None


def publication_date(
    tree: HtmlElement, region: HtmlElement, heading: HtmlElement | None, body_start: HtmlElement | None,
    body_end: HtmlElement | None, knowledge: PortalKnowledge = NOTHING_KNOWN,
) -> date | datetime | None:
    """The date its date line shows (publication_line)."""
    line = publication_line(tree, region, heading, body_start, body_end, knowledge)
    return line.value if line is not None else None


def _beside(lines: Iterable[DatedLine], heading: HtmlElement | None) -> Iterator[DatedLine]:
    """The dated lines, a line that holds the heading taken apart: a short title and its date line in
    one box ("<header><div>Hội nghị ...</div><div>Cập nhật: 20/10/2014</div></header>") read as
    one line; the date line is the one inside it, beside the heading.
    A line that repeats the title is no date line: a print link's label ("<a><img> In <span>Xóa nhà
    tạm ...: Điện Biên phấn đấu hoàn thành trước ngày 30/6/2025</span></a>" between the heading and
    the body) shows the date the title names, not the article's."""
    # (what the heading shows: SharePoint's <h1> holds a script after the title)
    title = clean(shown_text(heading)) if heading is not None else ""
    for line in lines:
        if len(title) >= 20 and title in line.text and parse_date(line.text.replace(title, " ")) is None:
            continue
        if heading is None or heading not in line.element.iterdescendants():
            yield line
            continue
        yield from _apart_from(line.element, heading)


def _apart_from(holder: HtmlElement, heading: HtmlElement) -> Iterator[DatedLine]:
    """The dated lines inside `holder` that do not hold the heading, however many wrappers hold both
    ("<div><header><div><h1>...</h1></div><div><div class="published">07 Tháng Mười Một 2025</div></div>
    </header></div>": the line inside the <div> is the <header>, which holds the heading too)."""
    for inner in dated_lines(holder):
        if inner.element is heading:
            continue
        if heading not in inner.element.iterdescendants():
            yield inner
        elif inner.element is not holder:
            yield from _apart_from(inner.element, heading)


def publication_line(
    tree: HtmlElement, region: HtmlElement, heading: HtmlElement | None, body_start: HtmlElement | None,
    body_end: HtmlElement | None, knowledge: PortalKnowledge = NOTHING_KNOWN, made: datetime | None = None,
) -> DatedLine | None:
    """The date line of the article: the first dated line between its heading and its first
    paragraph; else the first one right after its last paragraph ("Cập nhật lúc 10:20 ngày
    14/6/2021" under the text); else the nearest one above the heading that is no clock
    (shown_line). A page that shows no date but how long ago the article was published ("Cách đây
    5 Ngày") between its heading and its body is dated from `made`, when the page was made
    (page_made): relative_line."""
    line = shown_line(tree, region, heading, body_start, body_end, knowledge)
    if line is not None and not line.has_time and heading is not None:
        return _with_time_between(line, region, heading, body_start)
    if line is not None or made is None or heading is None:
        return line
    order = {el: index for index, el in enumerate(region.iter())}
    if heading not in order:
        return None
    start = order[heading]
    first = order.get(body_start, len(order)) if body_start is not None else len(order)
    return relative_line(region, made, lambda el: start < order.get(el, -1) < first)


def _with_time_between(
    line: DatedLine, region: HtmlElement, heading: HtmlElement, body_start: HtmlElement | None
) -> DatedLine:
    """A day completed by the time the line between the heading and the body shows alone: a blog's
    post box shows its day on a calendar leaf and its time in the metadata line ("do Cổng TTĐT Tỉnh
    ủy lúc 15:40 trong Tin hoạt động")."""
    order = {el: index for index, el in enumerate(region.iter())}
    if heading not in order or line.element in order and order[line.element] > order[heading]:
        return line  # (a date line of its own between them would have shown its time itself)
    start = order[heading] + sum(1 for _ in heading.iterdescendants())
    first = order.get(body_start, len(order)) if body_start is not None else len(order)
    for el in region.iter(etree.Element):
        if not start < order[el] < first or el.tag in ("script", "style") or _not_shown(el):
            continue
        text = short_text(el, LINE_MAX)
        shown = parse_time(text) if text else None
        if shown is not None and isinstance(line.value, date):
            value = datetime(line.value.year, line.value.month, line.value.day, *shown, tzinfo=VN_TZ)
            return DatedLine(line.element, value, line.text, line.in_pieces, line.window)
    return line


def shown_line(
    tree: HtmlElement, region: HtmlElement, heading: HtmlElement | None, body_start: HtmlElement | None,
    body_end: HtmlElement | None, knowledge: PortalKnowledge = NOTHING_KNOWN,
) -> DatedLine | None:
    """The date line of the article: the first dated line between its heading and its first
    paragraph; else the first one right after its last paragraph ("Cập nhật lúc 10:20 ngày
    14/6/2021" under the text); else the nearest one above the heading that is no clock.

    A clock is told by what it shows and where: a date before the heading, outside the article's
    region or far from the heading, that is the latest date on the page (today: no article or
    teaser on it can be later) or shows no time.
    With the portal's other pages known, a line shown on all of them (the clock of the day they
    were fetched) is never the date. `region` holds the heading and the body (layout.py)."""
    # Between the heading and the body, and right after the body: inside the region.
    order = {el: index for index, el in enumerate(region.iter())}
    lines = [line for line in _beside(dated_lines(region), heading) if not knowledge.is_chrome_line(line.text)]
    first = order.get(body_start, len(order)) if body_start is not None else len(order)
    if heading is not None and heading in order:
        start = order[heading]
        between = [
            line for line in lines
            if start < order.get(line.element, -1) < first
            and not _under_its_own_heading(line.element, heading, heading)
        ]
        if between:
            # The day given twice, once with its time: the time's line ("Đã xuất bản 10/01/2025" in
            # Liferay's asset metadata, then the Journal template's "Thứ Sáu, 10/01/2025, 08:15").
            same_day = (line for line in between[1:]
                        if line.has_time and _as_date(line.value) == _as_date(between[0].value))
            return between[0] if between[0].has_time else next(same_day, between[0])
    if body_end is not None and body_end in order:
        # Elements inside the body's last paragraph come after it in document order: skip them.
        after_last = order[body_end] + sum(1 for _ in body_end.iterdescendants())
        after = [
            line for line in lines
            if order.get(line.element, -1) > after_last and not _under_its_own_heading(line.element, heading, body_end)
        ]
        if after and _close(region, body_end, after[0].element):
            return after[0]
    anchor = heading if heading is not None else body_start
    if anchor is None:
        return None
    order = {el: index for index, el in enumerate(tree.iter())}
    lines = [line for line in dated_lines(tree) if not knowledge.is_chrome_line(line.text)]
    # A calendar leaf in the article's box, beside its region (before it or after it): the box's date.
    leaf = next((line for line in lines if line.in_pieces and _beside_the_region(line.element, region)), None)
    if leaf is not None:
        return leaf
    before = [line for line in lines if order.get(line.element, len(order)) < order.get(anchor, -1)]
    latest = max((_as_date(line.value) for line in lines), default=None)
    for line in reversed(before):
        # In the article's region and close to its heading: the theme put the date line first.
        # (a region that is the whole <body> tells nothing: the page's clock is inside it too)
        inside = region.tag != "body" and (line.element is region or region in line.element.iterancestors())
        if inside and _close(tree, line.element, anchor):
            return line
        if latest is not None and line.has_time and _as_date(line.value) < latest:
            return line
        # else in the page's header, showing the page's latest day or no time: a clock
    if body_end is not None and body_end in order:
        # "Page last modified Jan. 17, 2025" under a government page's text, past its feedback
        # form: the first date after the body, unless comments or another box come first.
        end = order[body_end] + sum(1 for _ in body_end.iterdescendants())
        following = next((
            line for line in lines
            if order.get(line.element, -1) > end and not _under_its_own_heading(line.element, heading, body_end)
        ), None)
        if following is not None and not _boxes_between(tree, body_end, following.element):
            return following
    return None


_SUBHEADINGS = ("h2", "h3", "h4", "h5", "h6")


def _under_its_own_heading(line: HtmlElement, heading: HtmlElement | None, since: HtmlElement | None) -> bool:
    """Is the date line set under a heading of its own (after `since`: the page's heading, or the
    body's last line), in a box the page's heading is outside of? It dates what that heading names:
    an archive's teasers each show their title, their date line and their excerpt under the
    archive's <h1> ("<h1>Tin tức - Sự kiện</h1> ... <article><header><h3>Kinh tế Thái Nguyên
    ...</h3><p>... Ngày đăng 05/07/2025</p><p>Tổng sản phẩm ...</p>", Piranha's archive), not the
    page. (A subheading above the body, its lead set as an <h3>, heads no box of its own.)"""
    if heading is None:
        return False
    # (a subheading showing the page's title again is the article's own: Liferay 7 gives the title to
    # screen readers in a hidden <h1> and shows it in the asset publisher's "<h4><span>Hội nghị ...
    # </span></h4>" over the date lines)
    title = clean(heading.text_content())
    for box in list(line.iterancestors())[:3]:
        if box is heading or heading in box.iterdescendants():
            return False
        passed = since is None or not (box is since or since in box.iterdescendants())
        for el in box.iter(etree.Element):
            if el is line:
                break  # (a heading after the line heads the next box)
            passed = passed or el is since  # (the body read may end with the next box's heading)
            if passed and el.tag in _SUBHEADINGS and (shown := clean(el.text_content())) and shown != title:
                return True
    return False


def _beside_the_region(line: HtmlElement, region: HtmlElement) -> bool:
    """Is the line set beside the article's region in a box that holds nothing else: a blog's post
    box, the calendar leaf of its date ("<div><div>2025</div><div>28/11</div></div>") beside the
    title, the metadata line and the body ("<div><h2>...</h2><div>do ... lúc 15:40</div>..."),
    each in as many wrappers as the theme likes."""
    box = common_ancestor([line, region])
    if box is None or box.tag in ("body", "html") or box is region or box is line:
        return False
    shown = letters(shown_text(box))
    return shown <= letters(shown_text(line)) + letters(shown_text(region))


def _boxes_between(tree: HtmlElement, first: HtmlElement, second: HtmlElement) -> bool:
    """Is there a box heading ("Ý kiến bạn đọc", "Tin liên quan") or a paragraph of prose (a
    reader's comment) between the end of `first` and `second`?"""
    inside = False
    for event, el in etree.iterwalk(tree, events=("start", "end")):
        if el is second:
            return False
        if el is first and event == "end":
            inside = True
            continue
        if not inside or event != "start" or not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        if len(el) <= 2 and el.text and len(el.text) < 80:
            text = short_text(el, 60)
            if text and is_chrome_heading(text):
                return True
        if el.tag == "p":
            text = short_text(el, 1500)
            if text is not None and reads_as_paragraph(text):
                return True
    return False


def most_precise(declared: date | datetime | None, shown: date | datetime | None) -> date | datetime | None:
    """The metadata's date, unless it gives the day only and the page shows that day with its
    time: NukeViet's article:published_time "2024-09-20+0716:45:27" reads as a day, its date line
    "Thứ sáu - 20/09/2024 16:45" has the minute."""
    if declared is None:
        return shown
    if isinstance(shown, datetime) and not isinstance(declared, datetime) and shown.date() == declared:
        return shown
    if isinstance(shown, datetime) and isinstance(declared, datetime) and _wall_clock_as_utc(declared, shown):
        return shown
    return declared


def _wall_clock_as_utc(declared: datetime, shown: datetime) -> bool:
    """Is the metadata's time the time the page shows, written as if it were UTC? WordPress before
    5.3 writes `get_the_date('c')` through PHP's date() under UTC: the post shown at "4:45 chiều" on
    28/06/2016 declares article:published_time "2016-06-28T16:45:00+00:00", which is 23:45 in
    Vietnam. The page shows the portal's own time; the offset beside it is the mistake."""
    return declared.utcoffset() is not None and declared - shown == VN_TZ.utcoffset(None)


def range_of(declared: date | datetime | None, line: DatedLine | None) -> str | None:
    """The record's `published_range`: when its date is a line's that says only how long ago (no
    metadata names one), the first and last day of that line's window as an ISO 8601 interval of
    days, "2025-02-15/2025-03-17" (EDTF's and EAD's normal form of a date known to lie between two
    days); None when `published` is a date the page states."""
    if declared is not None or line is None or line.window is None:
        return None
    first, last = line.window
    return f"{first.isoformat()}/{last.isoformat()}"


def dated_by_feed(article: Article, listed: str | None) -> Article:
    """The record dated by the portal's feed: when its page shows only how long ago (a
    `published_range`) and the publication time the feed gives the article (`listed`, an RSS
    item's pubDate as ISO 8601) falls on one of the range's days, that time is its `published`, and
    the range, now known, is dropped (feed_dated). Pure: the same page and the same stored feed
    time give the same record, at the crawl and at every re-extraction."""
    published = feed_dated(article.published_range, listed)
    return article if published is None else replace(article, published=published, published_range=None)


def feed_dated(published_range: str | None, listed: str | None) -> str | None:
    """The feed's time `listed` as a record's `published` (ISO 8601, the portal's time), when it
    falls on a day of `published_range`; else None. "Cách đây 2 Ngày" at 09:30 on 16/06 spans the
    13th and the 14th and names the 13th; the feed's "Sat, 14 Jun 2025 02:00:00 GMT" is 09:00 on
    the 14th. A time outside the range is another item's or an edit's: the page's reading stands."""
    if published_range is None or not listed:
        return None
    instant = parse_iso(listed)
    if instant is None:
        return None
    day = (instant.astimezone(VN_TZ).date() if isinstance(instant, datetime) else instant).isoformat()
    first, _, last = published_range.partition("/")
    return to_iso(instant) if first <= day <= last else None


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


_NEAR = 120  # characters of text between a date line and the heading or the body it belongs to


def _close(tree: HtmlElement, first: HtmlElement, second: HtmlElement) -> bool:
    """At most _NEAR characters of text between the end of `first` and the start of `second`."""
    size = 0
    inside = False
    for event, el in etree.iterwalk(tree, events=("start", "end")):
        if el is second and event == "start":
            return inside
        if el is first and event == "end":
            inside = True
            size += letters(el.tail or "")
            continue
        if inside:
            if event == "start":
                if el.tag in ("script", "style"):
                    continue
                size += letters(el.text or "")
            else:
                size += letters(el.tail or "")
            if size > _NEAR:
                return False
    return False


# "Cách đây 5 Ngày", "Cách đây 16 giờ" (Liferay's x-ago), "5 ngày trước", "3 days ago": how long ago,
# counted in whole units (Liferay's time description floors: "1 Ngày" is 24 to 48 hours). No word
# boundary before "Cách": a label hidden from sight runs into it ("Ngày xuất bảnCách đây 16 giờ").
# The coarser units are Liferay's too (portal-kernel's Time: a month is 30 days, a year 365, a week
# 7), and so are their Vietnamese keys (portal-language-lang's Language_vi.properties: x-month "{0}
# Tháng", x-months "{0} Các tháng", x-week "{0} Tuần", x-weeks "{0} Các tuần", x-years "{0} Năm";
# English x-ago "{0} Ago" with x-months "{0} Months"): an entry a year old reads "Cách đây 1 Năm",
# one of three months "Cách đây 3 Các tháng".
_UNITS = {"giây": timedelta(seconds=1), "phút": timedelta(minutes=1), "giờ": timedelta(hours=1),
          "tiếng": timedelta(hours=1), "ngày": timedelta(days=1), "tuần": timedelta(days=7),
          "tháng": timedelta(days=30), "năm": timedelta(days=365),
          "second": timedelta(seconds=1), "minute": timedelta(minutes=1), "hour": timedelta(hours=1),
          "day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=30),
          "year": timedelta(days=365)}
_VI_UNIT = r"(?:các\s+)?(?P<u{0}>giây|phút|giờ|tiếng|ngày|tuần|tháng|năm)\b"
_AGO = re.compile(
    r"(?:cách\s+đây\s+(?P<n1>\d{1,3})\s+" + _VI_UNIT.format(1) + ")"
    r"|(?:(?<!\d)(?P<n2>\d{1,3})\s+" + _VI_UNIT.format(2) + r"\s+trước\b)"
    r"|(?:(?<!\d)(?P<n3>\d{1,3})\s+(?P<u3>second|minute|hour|day|week|month|year)s?\s+ago\b)",
    re.IGNORECASE,
)
_AGO_TEXT = xpath(
    "descendant::text()[(contains(., 'trước') or contains(., 'TRƯỚC') or contains(., 'ago') or contains(., 'Ago')"
    " or contains(., 'AGO') or contains(., 'đây')"
    " or contains(., 'ĐÂY')) and not(ancestor::script) and not(ancestor::style)]"
)
# A page's own stamp of when it was made: Liferay's forms carry the server's clock in a hidden
# field (aui:form's `<aui:input name="formDate" type="hidden" value="<%= System.currentTimeMillis() %>">`).
_FORM_DATE = xpath("/descendant::input[@type='hidden'][substring(@name, string-length(@name) - 7) = 'formDate']/@value")


def page_made(headers_date: str | None, tree: HtmlElement, raw: bytes | None = None) -> datetime | None:
    """When the page was made: the time it stamps itself with as it is rendered (Liferay's forms'
    `formDate`, milliseconds since 1970: when its "Cách đây 5 Ngày" was counted, even when a cache
    served it later), else its `Date` response header (the server's clock as it answered). None when
    neither is there: a relative date is then left unread, never counted from the time of reading
    (a re-extraction years later would move it). Given the page's bytes, the stamp is looked for
    only where they name it (a query for an attribute walks the whole page)."""
    for value in _FORM_DATE(tree) if raw is None or b"formDate" in raw else ():
        if value.isdigit() and 12 <= len(value) <= 13:
            return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    if headers_date:
        try:
            stamped = parsedate_to_datetime(headers_date)
        except (TypeError, ValueError):
            return None
        if stamped.tzinfo is not None:
            return stamped
    return None


def ago_window(text: str, made: datetime) -> tuple[date, date, date] | None:
    """The days a line like "Cách đây 3 Các tháng" dates its article between, seen at `made`: the
    first, the last, and the one that holds the window's middle, in the portal's time.

    Counted in whole units, the article was published in the unit-long window that ends N units
    before `made` ("Cách đây 2 Ngày" at 09:30 on 16/06: from 09:30 on the 13th to 09:30 on the
    14th). The middle day is what the record's `published` names, never more precise than a day
    (the minute is not known); the first and last days are its `published_range`, which says how
    far that day may be off: a day or two for hours and days, a month for "Cách đây 1 Các tháng",
    a year for "Cách đây 1 Năm"."""
    match = _AGO.search(text)
    if match is None:
        return None
    number, unit = next((match[f"n{i}"], match[f"u{i}"]) for i in (1, 2, 3) if match[f"n{i}"] is not None)
    step = _UNITS[unit.lower()]
    seen = made.astimezone(VN_TZ)
    count = int(number)
    return ((seen - step * (count + 1)).date(), (seen - step * count).date(), (seen - step * (count + 0.5)).date())


def relative_line(region: HtmlElement, made: datetime, where: Callable[[HtmlElement], bool]) -> DatedLine | None:
    """The first short line under `region`, at a place `where` accepts, that says how long ago the
    article was published, with the day it names."""
    for node in _AGO_TEXT(region):
        holder = node.getparent()
        if holder is None:
            continue
        if node.is_tail:
            holder = holder.getparent()
            if holder is None:
                continue
        if _not_shown(holder) or not where(holder):
            continue
        line, text = _line_of(holder, region)
        if not text or _is_teaser_date(line, holder) or reads_as_paragraph(text):
            continue  # "... diễn ra 2 ngày trước Đại hội." is a sentence, not a date line
        window = ago_window(text, made)
        if window is not None:
            return DatedLine(line, window[2], text, window=window[:2])
    return None
