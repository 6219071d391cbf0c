"""Vietnamese portal chrome: what looks like content on these pages but is not the article.

Used on both paths: inside a profile's container (pruning) and on whole pages for the generic
path, where trafilatura then picks the body out of what is left.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from functools import cached_property, lru_cache
from urllib.parse import urlsplit

from lxml import etree

from crawler.extract.dates import parse_date
from crawler.extract.page import HtmlElement, select, short_text, xpath
from crawler.extract.text import clean

# Headings that open a list of other articles, a comment box or a sidebar box:
# "Tin cùng chuyên mục" under nghean.dcs.vn articles, "Tin liên quan", "Các tin khác"...
CHROME_HEADINGS = re.compile(
    r"^(?:tin|bài( viết)?)\s+(?:cùng chuyên mục|cùng danh mục|liên quan|khác|mới( nhất| hơn)?|đã đưa|đã đăng|cũ hơn|"
    r"đọc nhiều( nhất)?|xem nhiều( nhất)?|nổi bật|tiêu điểm|trước|sau|tiếp theo)\b"
    r"|^(?:các|những) (?:tin|bài)( viết)? (?:khác|liên quan|đã đưa|cùng chuyên mục|mới hơn|cũ hơn|mới nhất)"
    r"|^(?:xem thêm|đọc thêm|có thể bạn quan tâm|ý kiến bạn đọc|bình luận|gửi bình luận|gửi ý kiến|(?:các )?lời bình|"
    r"ý kiến của bạn|phản hồi|liên kết website|thư viện ảnh|video clip|thăm dò ý kiến|tags?|từ khóa|"
    r"thống kê truy cập|văn bản mới)\b",
    re.I,
)
# Whole lines that are widgets, counters or CMS leftovers, never article text.
CHROME_LINE = re.compile(
    r"^(?:(?:lượt xem|số lượt xem|đã xem|lượt đọc|phản hồi|bình luận|in bài|bản in|gửi bài|gửi email|"
    r"chia sẻ(?: bài viết| bài| tin)?|"
    r"lên đầu trang|về trang trước|quay lại|xuất bản thông tin|chi tiết bài viết|cỡ chữ|a-|a\+|"
    r"null|none|undefined|anh-tin-bai|image banner|no image|a)(?=[\s:0-9.,()|-]|$)[\s:0-9.,()|-]*)+$"
    # an empty CMS field printed as text: "Nguồn: null" (Liferay)
    r"|^[^:]{1,30}:\s*(?:null|none|undefined)$"
    # a link to another article inside the body: ">> Quán triệt Nghị quyết ...", "Xem thêm: ..."
    r"|^(?:>>|>\s*>)\s*\S.{0,200}$"
    r"|^(?:xem thêm|đọc thêm|tin liên quan|bài liên quan|mời xem|có thể bạn quan tâm)\s*[:：>]"
    # the post's tags under a label: "Thẻ bài viết: #Đảng viên mới" (WordPress), "Từ khóa: ...", "Tags: ..."
    r"|^(?:thẻ|tags?|từ khóa)(?: bài viết)?\s*[:：]"
    # a visit counter: "Đang truy cập: 38", "Hôm nay: 1.742", "Tổng lượt truy cập: 4.815.306"
    r"|^(?:đang truy cập|đang online|trực tuyến|hôm nay|hôm qua|tuần này|tháng này|tổng lượt truy cập|"
    r"lượt truy cập|tổng truy cập|truy cập)\s*[:：]?\s*[\d.,]+$"
    # a reuse notice under every article: "Ghi rõ nguồn “Trang thông tin điện tử Tỉnh ủy ...” khi phát
    # hành lại thông tin từ website này." (NukeViet's news module prints its copyright setting there)
    r"|^(?:ghi rõ|ghi|nêu rõ|trích dẫn) nguồn\b.{0,200}\bkhi (?:phát hành|đăng|sử dụng|trích dẫn) lại\b"
    # a link back: "« Quay lại danh sách", "Trở về trang trước"
    r"|^[«‹<\s]*(?:quay lại|trở về|trở lại|về)\s+(?:danh sách|trang trước|trang chủ|đầu trang)[\s»›>]*$",
    re.I,
)
# Class/id words naming page furniture. Matched per word of the attribute, so "news-content"
# is kept while "comment-form", "related-news", "news-tools" go.
# Words that also name layout ("font-body", "widget-wrap", WordPress's "tag-training" body class,
# "newspaper-x-sidebar" around the article) are left out: they cost whole articles.
CHROME_WORDS = {
    "comment", "comments", "binhluan", "related", "relate", "lienquan", "tinlienquan", "tinkhac", "share",
    "social", "print", "banner", "advertisement", "ads", "adv", "quangcao", "breadcrumb", "breadcrumbs",
    "toolbar", "tools", "rating", "counter", "views", "pagination", "paging", "captcha", "clock", "fontsize",
    "attachments",
    # Vietnamese class names of home-made CMSs: "duongdan" (breadcrumb), "congcu" (tools),
    # "phanhoi" (feedback), "ykien" (readers' opinions); and menus, footers
    "duongdan", "congcu", "phanhoi", "ykien", "menu", "footer", "copyright",
}
_WORD_SPLIT = re.compile(r"[\s_\-]+")
_DROP_TAGS = ("script", "style", "noscript", "iframe", "input", "textarea", "select", "button", "object", "embed",
              "svg", "label")
# ASP.NET portals wrap the whole page in <form id="aspnetForm">: these go only when they hold little text.
_MINOR_TAGS = {"form", "nav", "footer", "aside"}
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|tiff?)$", re.I)
_PLACEHOLDER_SRC = re.compile(
    r"(?:no[-_]?image|noimage|blank|spacer|pixel|loading|icon|logo|avatar)\.|(?:^|/)icons?[-_][\w-]*\.\w+$", re.I
)


def class_words(attrs: str) -> set[str]:
    """The words of class and id values: "news-sapo item_2" -> {"news", "sapo", "item", "2"}."""
    return set(_WORD_SPLIT.split(attrs.lower()))


def is_chrome_element(el: HtmlElement) -> bool:
    classes, ident = el.get("class"), el.get("id")
    if not classes and not ident:
        return False
    return _chrome_attributes(f"{classes or ''} {ident or ''}")


@lru_cache(maxsize=8192)
def _chrome_attributes(attrs: str) -> bool:
    # A page repeats a few dozen class values over hundreds of elements: each is split once.
    return any(word in CHROME_WORDS for word in _WORD_SPLIT.split(attrs.lower()))


def is_chrome_heading(text: str) -> bool:
    return bool(text) and len(text) < 60 and bool(CHROME_HEADINGS.match(text))


def is_chrome_line(text: str) -> bool:
    # ...or the separators of a row of buttons left alone, the buttons gone: "| | | |".
    return (
        bool(CHROME_LINE.match(text)) or is_date_line(text) or bool(_SEPARATORS_ONLY.match(text))
        or _row_of_buttons(text)
    )


_SEPARATORS_ONLY = re.compile(r"^\|[|\s]*$")
# A button that shares the page on a network: "Chia sẻ Facebook", "Chia sẻ lên Zalo", "Share on X".
_SHARE_BUTTON = re.compile(
    r"^(?:chia sẻ|share)(?:\s+(?:lên|qua|on|to))?\s+(?:facebook|zalo|twitter|x|linkedin|email|e-mail)$", re.I
)


def _row_of_buttons(text: str) -> bool:
    """A row of buttons set apart by bars, what is left of it once some buttons are gone: "| | |
    Chia sẻ Facebook" (SharePoint's article tools: "Lượt xem: 1609 | In bài viết | Gửi email | Chia sẻ
    Facebook"). Every part is a widget's word; a sentence holding a bar is no row."""
    if "|" not in text or len(text) > 120:
        return False
    parts = [part.strip() for part in text.split("|")]
    return all(not part or CHROME_LINE.match(part) or _SHARE_BUTTON.match(part) for part in parts)


# ...with the months' names ("30 Tháng Mười 2025 2:05:00 CH", .NET's vi-VN long date) and the halves of
# the day ("SA"/"CH", "sáng"/"chiều", "AM"/"PM")
_DATE_WORDS = re.compile(
    r"\d+|thứ|chủ nhật|ngày|tháng|năm|giờ|cập nhật|đăng|lúc|gmt|hai|ba|tư|năm|sáu|bảy|mười|một|giêng|chạp|bốn"
    r"|tám|chín|sáng|chiều|tối|\b(?:sa|ch|am|pm)\b|[^\w]",
    re.I,
)


def is_date_line(text: str) -> bool:
    """A line that is only a date: "Ngày 14 tháng 6 năm 2021 | 10:20", "Thứ tư - 28/09/2022 21:45"."""
    return len(text) <= 60 and parse_date(text) is not None and not _DATE_WORDS.sub("", text).strip()


def is_placeholder_image(img: HtmlElement) -> bool:
    """Icons and placeholders: the comment form's "no image" icons, spacers, logos, the picture
    beside a link's label ("<a href="in-tin.aspx"><img src="/images/icon_print.gif"> In bài</a>")."""
    link = next(img.iterancestors("a"), None)
    if link is not None and 0 < len(clean(link.text_content())) <= 30:
        return True
    # A banner: a picture linking to a site's home or top page ("<a href="https://baodientu.
    # dangcongsan.vn/"><img src="/SiteAssets/banner/...jpg"></a>", "<a href="/Pages/default.aspx#
    # hoc-tap-bac">"); an article's picture links to itself or to its page deep in the site.
    href = (link.get("href") or "").strip() if link is not None else ""
    path = urlsplit(href).path
    if href and not href.startswith(("#", "javascript:")) and not _IMAGE_FILE.search(path) and path.count("/") <= 2:
        return True
    alt = clean(img.get("alt")).lower()
    src = img.get("src") or img.get("data-src") or ""
    if alt in {"no image", "noimage", "image banner"} or alt.startswith("banner") or _PLACEHOLDER_SRC.search(src):
        return True
    for attr in ("width", "height"):
        value = (img.get(attr) or "").strip().rstrip("px")
        if value.isdigit() and int(value) < 50:
            return True
    return False


def drop(el: HtmlElement) -> None:
    parent = el.getparent()
    if parent is None:
        return
    # Keep the tail text: it belongs to the parent, not to the removed element.
    if el.tail and el.tail.strip():
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


_BOX_TAGS = {"ul", "ol", "div", "table", "dl", "section", "article", "aside", "nav", "header", "footer"}


def _only_heading(text: str) -> bool:
    """"Tin liên quan", "Các tin khác:": the heading alone. "Xem thêm: Sơ kết công tác ..." is a
    link line of its own, and heads nothing after it."""
    match = CHROME_HEADINGS.match(text)
    return match is not None and len(text[match.end():].strip(" :>»|-–")) <= 3


def _drop_chrome_heading(heading: HtmlElement, text: str, limit: float) -> set[HtmlElement]:
    """A related-news heading takes its list with it: its box (when it opens a box holding less
    than `limit` of the text), or the boxes after it. Returns what was removed besides the
    heading (the caller may still hold the siblings)."""
    parent = heading.getparent()
    if parent is None:
        return set()
    table = _table_box(heading)
    if table is not None:
        drop(table)
        return {table}
    siblings = [s for s in parent if isinstance(s.tag, str)]
    if siblings and siblings[0] is heading and len(siblings) <= 40 and parent.tag not in ("body", "html"):
        if len(clean(parent.text_content())) < limit:
            drop(parent)
            return {parent, *siblings}
    removed: set[HtmlElement] = set()
    if _only_heading(text):
        for sibling in list(heading.itersiblings()):
            # The list it heads is links; a box without one is the article going on ("<div><p>Phát
            # biểu kết luận, ...</p></div>" after a related box whose list was already pruned).
            if isinstance(sibling.tag, str) and sibling.tag in _BOX_TAGS and _LINK(sibling):
                drop(sibling)
                removed.add(sibling)
            elif isinstance(sibling.tag, str):
                break
    drop(heading)
    return removed


_LINK = xpath("descendant-or-self::a[@href][1]")
_LINKED_HEADINGS = xpath(
    "/descendant::*[self::h2 or self::h3 or self::h4 or self::h5][descendant::a[@href]]"
    " | /descendant::a[@href][descendant::h2 or descendant::h3 or descendant::h4]"
)
_TEASER_MAX = 400
_ROWS = xpath(".//tr")


def teaser_groups(tree: HtmlElement) -> list[HtmlElement]:
    """Boxes of teasers: two or more children, each one linked heading with a short summary.

    Related posts sit inside WordPress's entry-content with nothing to name them:
    <div class="wp-block-columns"><div><h3><a href="...">Title</a></h3><p>Summary...</p></div>...</div>.
    The caller keeps a group that holds most of the text: a list of linked items with blurbs can
    be the article itself ("10 DIY Woodworking Projects")."""
    counts: dict[HtmlElement, int] = {}
    headings = _LINKED_HEADINGS(tree)
    for heading in headings:
        for ancestor in heading.iterancestors():
            counts[ancestor] = counts.get(ancestor, 0) + 1
    groups = []
    for parent, count in counts.items():
        if count < 2 or parent is tree:
            continue
        teasers = [child for child in parent if counts.get(child, 0) or child in headings]
        if len(teasers) < 2 or any(counts.get(child, 0) > 1 for child in teasers):
            continue
        sizes = [len(clean(child.text_content())) for child in teasers]
        # ...a teaser's summary short, whatever its links say besides: WordPress's excerpt of 55 words
        # under the linked title, the category, author and date links and "Xem thêm <title>" (Kadence).
        unlinked = [size - sum(len(clean(a.text_content())) for a in child.iter("a"))
                    for size, child in zip(sizes, teasers, strict=True)]
        # nothing but teasers: an article body with two boxes embedded in it is not a group
        if max(unlinked) <= _TEASER_MAX and sum(sizes) >= 0.8 * len(clean(parent.text_content())):
            groups.append(parent)
    # the outermost boxes only
    return [g for g in groups if not any(a in counts and a in groups for a in g.iterancestors())]


def _table_box(heading: HtmlElement) -> HtmlElement | None:
    """A box laid out as a table whose first cell is the heading (home-made CMSs:
    <table><tr><td class="tieudebox">Tin mới nhất</td></tr><tr><td><a>...</a></td></tr></table>)."""
    box = heading
    while box.tag != "table":
        parent = box.getparent()
        first = next((c for c in parent if isinstance(c.tag, str)), None) if parent is not None else None
        if parent is None or first is not box or parent.tag not in ("td", "th", "tr", "tbody", "thead", "table"):
            return None
        box = parent
    return box if box is not heading and len(_ROWS(box)) <= 40 else None


# Block elements of any name: a template that says <section> or <header> where another says <div>.
_SECTIONS = {"section", "article", "header", "footer", "aside", "nav", "main"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "p", "div", "span", "td", "th", *_SECTIONS}


# First words of CHROME_HEADINGS: most elements are ruled out without reading their text.
_HEADING_FIRST_WORDS = {
    "tin", "bài", "các", "những", "xem", "đọc", "có", "ý", "bình", "gửi", "phản", "liên", "thư", "video", "thăm",
    "tag", "tags", "từ", "thống", "văn", "lời",
}


_LINE_TAGS = {"span", "div", "p", "a", "h2", "h3", "h4", "h5", "h6", "td", "strong", "b", "em", "i", *_SECTIONS}
# Tags whose first word is read: a chrome heading's or a chrome line's.
_WORDED_TAGS = _HEADING_TAGS | _LINE_TAGS
_LINE_FIRST_WORDS = {
    "lượt", "số", "đã", "phản", "bình", "in", "bản", "gửi", "chia", "lên", "về", "quay", "xuất", "chi", "cỡ", "a-",
    "a+", "null", "none", "undefined", "anh-tin-bai", "image", "no", "đang", "trực", "hôm", "tuần", "tháng", "tổng",
    "truy", "«", "‹", "trở",
}


def _first_word(el: HtmlElement) -> str:
    """The element's first word, lower-cased, without a trailing colon ("" when it has no text)."""
    text = el.text
    if text and not text.isspace():  # nearly always: no iterator needed
        return text.split(None, 1)[0].lower().rstrip(":")
    for piece in el.itertext():
        if not piece.isspace():
            words = piece.split(None, 1)
            if words:
                return words[0].lower().rstrip(":")
    return ""


# A value written for machines: "<span itemprop="datePublished">2025-05-16T09:30:05+07:00</span>",
# "<span itemprop="url">https://...</span>" (NukeViet hides them with a class; with any other class
# name they are still no text of the article).
_MICRODATA = xpath("descendant-or-self::*[@itemprop][not(*)]")
_HIDDEN = xpath(
    "descendant-or-self::*[@hidden or contains(translate(@style, ' NOE', ''), 'display:n')]"
)
_MACHINE_VALUE = re.compile(r"^(?:\d{4}-\d\d-\d\d(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?|https?://\S+|\d+(?:\.\d+)?)$")


class _Limit:
    """0.3 of the length of a text once cleaned: what an element must hold less of to be furniture."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def value(self) -> float:
        return 0.3 * (len(clean(self.text)) or 1)


def prune(root: HtmlElement, extra: Iterable[str] = (), in_place: bool = False) -> HtmlElement:
    """A copy of `root` without chrome (profile selectors in `extra` first, then generic rules)."""
    tree = root if in_place else copy.deepcopy(root)
    # One query for all of them: each selector is a walk over the container.
    for el in select(tree, ", ".join(extra)):
        drop(el)
    for el in list(tree.iter(*_DROP_TAGS)):
        drop(el)
    for el in list(tree.iter(etree.Comment)):
        drop(el)
    # A class word alone is weak evidence ("page-wrapper has-sidebar" holds the whole article):
    # furniture is removed only when it holds a minor part of the text. Top-down, so that what
    # sits inside a removed box is never looked at again.
    # The share is taken of the text as it is now; cleaned only when an element is weighed (most
    # article containers hold nothing to weigh: a portal's body, its pictures, their captions).
    limit = _Limit(tree.text_content())
    for group in teaser_groups(tree):
        if len(clean(group.text_content())) < limit.value:
            drop(group)
    # Before the comments' <footer>s of names and times go as minor boxes: their times tell them.
    for box in _comment_lists(tree, limit):
        drop(box)
    stack = list(tree.iterchildren(etree.Element, reversed=True))
    while stack:
        el = stack.pop()
        tag = el.tag  # each .tag makes a new str
        if tag in _MINOR_TAGS or is_chrome_element(el):
            if len(clean(el.text_content())) < limit.value:
                drop(el)
                continue
        # Only an element whose first word starts a chrome heading or line has its text read.
        children = len(el)
        first = _first_word(el) if children <= 3 and tag in _WORDED_TAGS else ""
        if first in _HEADING_FIRST_WORDS and tag in _HEADING_TAGS and children <= 2:
            text = short_text(el, 60)
            if text and is_chrome_heading(text):
                following = _drop_chrome_heading(el, text, limit.value)
                stack = [s for s in stack if s not in following]
                continue
        if first in _LINE_FIRST_WORDS and tag in _LINE_TAGS:
            # a widget on its own: Liferay's "Quay lại" link and "Chi tiết bài viết" portlet title
            text = short_text(el, 40)
            if text and is_chrome_line(text):
                drop(el)
                continue
        stack.extend(el.iterchildren(etree.Element, reversed=True))
    for box in _author_boxes(tree, limit):
        drop(box)
    # A link that runs a script is a button ("<a href="javascript:window.print();">In bài viết</a>",
    # "Gửi email", "Quay lại" in SharePoint's tool row), not text of the article. Last: the boxes
    # above were told by their links, a comment list's by its "javascript:void(0)" buttons too.
    for el in _SCRIPT_LINKS(tree):
        if clean(el.text_content()):  # an icon's empty link is left as it is
            drop(el)
    for el in _MICRODATA(tree):
        if _MACHINE_VALUE.match(clean(el.text_content())):
            drop(el)
    # Text the page hides, such as SharePoint's field labels ("<div style='display:none'>Chú thích
    # Ảnh</div>" before a caption). A hidden image stays: NukeViet hides the full size of a
    # thumbnail it shows.
    for el in _HIDDEN(tree):
        if el.getparent() is not None and el.find(".//img") is None:
            drop(el)
    for img in list(tree.iter("img")):
        if is_placeholder_image(img):
            drop(img)
    return tree


_SCRIPT_LINKS = xpath(
    "descendant::a[starts-with(normalize-space(translate(@href, 'JAVSCRIPT', 'javscript')), 'javascript:')]"
)
_DAY = re.compile(r"\b\d{1,2}/\d{1,2}/(?:19|20)\d\d\b")


def _comment_lists(tree: HtmlElement, limit: _Limit) -> list[HtmlElement]:
    """Readers' comments: a list each of whose items holds a paragraph and the day it was written
    (a <time>, or "Đăng lúc 25/06/2025 07:41" beside the writer's name), and no long link (a teaser's
    title): "<ol><li><article><footer><time datetime="2024-09-20T10:42">...</time></footer><p>Mong
    đoàn kiểm tra quan tâm ...</p></article></li></ol>" (WordPress), NukeViet's comment <ul>."""
    found: list[HtmlElement] = []
    for box in tree.iter("ol", "ul"):
        items = [li for li in box if li.tag == "li"]
        if not items or any(not _is_comment(li) for li in items):
            continue
        if len(clean(box.text_content())) < limit.value and not any(b in box.iterancestors() for b in found):
            found.append(_comments_area(box, limit.value))
    return found


_OWN_TEXT = xpath("descendant::text()[not(ancestor::form) and not(ancestor::script) and not(ancestor::style)]")


def _comments_area(comments: HtmlElement, limit: float) -> HtmlElement:
    """The box around a comment list that holds nothing else but short lines (its heading, its
    counter, the form to write one): "<section><h2>Join the Conversation</h2><p>2 Comments</p>
    <ol>...</ol><form>...</form></section>"."""
    area = comments
    inside = set(comments.iter())
    for ancestor in comments.iterancestors():
        if ancestor.tag in ("body", "html") or len(clean(ancestor.text_content())) >= limit:
            break
        rest = (text for text in _OWN_TEXT(ancestor) if text.getparent() not in inside)
        if any(len(text.strip()) >= 60 for text in rest):
            break
        area = ancestor
    return area


def _is_comment(item: HtmlElement) -> bool:
    links = (clean(a.text_content()) for a in item.iter("a"))
    if any(len(text) >= 20 and not _DAY.search(text) for text in links):
        return False  # a title linked (a date linked to the comment itself is none)
    dated = item.find(".//time") is not None or _DAY.search(item.text_content()) is not None
    said = any(
        len(clean(p.text_content())) >= 20 and next(p.iter("a"), None) is None for p in item.iter("p")
    )
    return dated and said


_AUTHOR_LINKS = xpath("descendant::a[@href][contains(concat(' ', normalize-space(@rel), ' '), ' author ')]")


def _author_boxes(tree: HtmlElement, limit: _Limit) -> list[HtmlElement]:
    """The boxes about the author under an article: the largest element around a link to the
    author's page (rel="author") whose every link goes there, with a heading or a paragraph of its
    own (a theme's author bio: "<div><a rel="author"><img></a><h2><a rel="author">Văn phòng Tỉnh
    ủy</a></h2><p>Văn phòng Tỉnh ủy Đắk Nông, cơ quan tham mưu ... <a rel="author">More by ...</a>
    </p></div>", Newspack). A byline of one line ("by <a rel="author">...</a>") stays."""
    boxes: list[HtmlElement] = []
    for link in _AUTHOR_LINKS(tree):
        href = link.get("href")
        box: HtmlElement | None = None
        for ancestor in link.iterancestors():
            if ancestor is tree or any(a.get("href") != href for a in ancestor.iter("a") if a.get("href")):
                break
            if len(clean(ancestor.text_content())) >= limit.value:
                break
            box = ancestor
        if box is not None and box not in boxes and next(box.iter("h2", "h3", "h4", "h5", "h6", "p"), None) is not None:
            if not any(b in box.iterancestors() for b in boxes):
                boxes.append(box)
    return boxes


# --- photo credits -------------------------------------------------------------------------------

_PHOTO_CREDIT = re.compile(r"^(?:ảnh|ảnh minh họa|ảnh tư liệu|video|clip|đồ họa|photo)\s*[:：]", re.I)


def is_photo_credit(text: str) -> bool:
    """"Ảnh: Thanh Hà" under the text: who took the pictures, neither text nor author."""
    return len(text) <= 100 and bool(_PHOTO_CREDIT.match(text))
