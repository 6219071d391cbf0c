"""The generic path: any portal's page -> title, date, lead, body, without a profile.

Vietnamese chrome rules (chrome.py) prune the page first; trafilatura then picks the body among
what is left; images and captions come from the container that holds the chosen paragraphs.
"""

from __future__ import annotations

import copy
import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from lxml import etree

from crawler.extract import chrome
from crawler.extract.blocks import Block, mark_captions, walk
from crawler.extract.chrome import class_words, clean_title, is_chrome_element, prune
from crawler.extract.dates import parse_date, parse_iso
from crawler.extract.fold import fold
from crawler.extract.page import HtmlElement, head, select
from crawler.extract.text import clean
from crawler.extract.urls import host_of

if TYPE_CHECKING:
    from trafilatura.settings import Extractor

# Queries compiled once: a string given to .xpath() is compiled again on every call.
_SITE_NAME_METAS = etree.XPath(
    './/meta[@property="og:site_name"]/@content | .//meta[@name="application-name"]/@content'
)
_LINKS = etree.XPath('.//a[@href]')
_OG_TITLE = etree.XPath('//meta[@property="og:title"]/@content')
_SECTION = etree.XPath('//meta[@property="article:section"]/@content')
_CRUMBS = etree.XPath(
    '//*[contains(@class,"breadcrumb") or contains(@id,"breadcrumb") or contains(@class,"duongdan")]'
)
_OG_ARTICLE = etree.XPath('//meta[@property="og:type"][translate(@content, "ARTICLE", "article")="article"]')
_PUBLISHED_TIME = etree.XPath('//meta[@property="article:published_time"]')
_JSONLD = etree.XPath('//script[@type="application/ld+json"]/text()')
_COUNT_ELEMENTS = etree.XPath('count(.//*)')
_ITEMPROP_AUTHOR = etree.XPath("//*[@itemprop='author']")
_ITEMPROP_NAME = etree.XPath(".//*[@itemprop='name']/@content | .//*[@itemprop='name']//text()")
_REL_AUTHOR = etree.XPath('//a[@rel="author"]')
_ALL_CLASS_ID = etree.XPath("//@class | //@id", smart_strings=False)

# --- titles ------------------------------------------------------------------------------------


def site_names(tree: HtmlElement, url: str, declared: Iterable[str] = ()) -> tuple[str, ...]:
    """The names a page gives its site: the profile's, og:site_name, application-name, the host."""
    found = _SITE_NAME_METAS(head(tree))
    names = [*declared, *(clean(n) for n in found), host_of(url)]
    return tuple(dict.fromkeys(n for n in names if n))


def _is_site_heading(h1: HtmlElement, names: tuple[str, ...]) -> bool:
    """The site's logo set as <h1> (WordPress "wp-block-site-title", <h1><a href="/">)."""
    text = fold(clean(h1.text_content()))
    if any(text == fold(name) for name in names):
        return True
    links = _LINKS(h1)
    return len(links) == 1 and (links[0].get("rel") == "home" or links[0].get("href") in ("/", "./", "#"))


def generic_title(tree: HtmlElement, names: tuple[str, ...]) -> str:
    candidates: list[str] = []
    for h1 in tree.iter("h1"):
        text = clean(h1.text_content())
        if 10 <= len(text) <= 300 and not _is_site_heading(h1, names):
            candidates.append(text)
    og = _OG_TITLE(tree)
    head = tree.findtext(".//title") or ""
    og_title = clean(og[0]) if og else ""
    # An h1 that agrees with og:title or <title> is the article heading (not the site logo's h1).
    for text in candidates:
        if og_title and (fold(text) in fold(og_title) or fold(og_title) in fold(text)):
            return clean_title(text, names)
        if head and fold(text) in fold(head):
            return clean_title(text, names)
    if og_title:
        return clean_title(og_title, names)
    if candidates:
        return clean_title(candidates[0], names)
    return clean_title(head, names)


# --- dates, category, lead -----------------------------------------------------------------------

_DATE_HINT = re.compile(r"date|time|ngay|publish|post|created|meta|info|thoigian", re.I)
_CLOCK_HINT = re.compile(r"clock|today|header|top-?bar|topbar|weather|calendar|current", re.I)


def _inside(el: HtmlElement, pattern: re.Pattern[str]) -> bool:
    for ancestor in el.iterancestors():
        attrs = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if ancestor.tag in ("header",) or pattern.search(attrs):
            return True
    return False


def generic_date(tree: HtmlElement, title: str = "") -> date | datetime | None:
    """The date line nearest after the article heading; never a header clock or a related item.

    First an element that says it holds a date (class "date", "time", "ngay"...); else a short
    line that is only a date, such as NukeViet's <span class="h5">Thứ tư - 28/09/2022 21:45</span>.
    Without an <h1> the heading is the element that holds the title (<td class="tieude"><b>...)."""
    candidates = []
    for el in _after_heading(tree, title):  # the date line is near the heading: stop there
        candidates.append(el)
        attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
        if el.tag == "time" or _DATE_HINT.search(attrs):
            value = _date_of(el, 120)
            if value is not None:
                return value
    for el in candidates:
        if len(el) <= 2:
            value = _date_of(el, 50)
            if value is not None:
                return value
    return None


def _after_heading(tree: HtmlElement, title: str) -> Iterator[HtmlElement]:
    h1 = next((h for h in tree.iter("h1") if clean(h.text_content())), None)
    anchor_seen = False
    folded_title = fold(title) if title else ""
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if not anchor_seen:
            if h1 is not None:
                anchor_seen = el is h1
            elif folded_title and el.tag not in ("title", "head", "html", "body") and el.text:
                anchor_seen = fold(clean(el.text)) == folded_title
            elif not folded_title:
                anchor_seen = True
            continue
        if el.tag in ("script", "style", "a", "li", "meta", "link"):
            continue
        attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
        if _CLOCK_HINT.search(attrs) or is_chrome_element(el):
            continue
        yield el


def _date_of(el: HtmlElement, limit: int) -> date | datetime | None:
    text = clean(el.get("datetime") or _text_up_to(el, limit))
    if not text or len(text) > limit:
        return None
    value = parse_date(text)
    if value is None or _inside(el, _CLOCK_HINT) or _in_chrome(el):
        return None
    return None if any(a.tag in ("li", "a") for a in el.iterancestors()) else value


def _text_up_to(el: HtmlElement, limit: int) -> str:
    """The element's text, or "" once it holds more than `limit` characters besides spaces
    (more than `limit` once cleaned): a big container is not read to the end."""
    pieces = []
    size = 0
    for piece in el.itertext():
        pieces.append(piece)
        size += sum(map(len, piece.split()))
        if size > limit:
            return ""
    return "".join(pieces)


def is_home_crumb(text: str) -> bool:
    return fold(text) in ("trang chu", "home", "trang nhat")


def generic_category(tree: HtmlElement) -> str | None:
    section = _SECTION(tree)
    if section and clean(section[0]):
        return clean(section[0])
    # "breadcrumb(s)"; home-made CMSs say "duongdan" (the path). The contains() query is slow
    # per element: it runs only when some class or id value has one of the words.
    attributes = " ".join(_ALL_CLASS_ID(tree))
    if "breadcrumb" not in attributes and "duongdan" not in attributes:
        return None
    for crumbs in _CRUMBS(tree):
        links = [clean(a.text_content()) for a in crumbs.iter("a")]
        links = [t for t in links if t and not is_home_crumb(t)]
        if links:
            return links[-1]
    return None


_LINK_HEADINGS = etree.XPath("descendant-or-self::*[self::h2 or self::h3 or self::h4][.//a[@href]]")
_ALL_LINK_HEADINGS = etree.XPath("//*[self::h2 or self::h3 or self::h4][.//a[@href]]")


_ARTICLE_TYPES = re.compile(r'"@type"\s*:\s*\[?\s*"(?:News|Blog|Reportage|Analysis)?(?:Article|Posting)"')


def declares_article(tree: HtmlElement) -> bool:
    """The page says it is one article: og:type "article", article:published_time, or JSON-LD
    NewsArticle/Article/BlogPosting. Category pages say "website" (nghean.dcs.vn's listings)."""
    if _OG_ARTICLE(tree):
        return True
    if _PUBLISHED_TIME(tree):
        return True
    return any(_ARTICLE_TYPES.search(s) for s in _JSONLD(tree))


def looks_like_listing(tree: HtmlElement, paragraphs: list[str]) -> bool:
    """A home or category page: what was extracted is link titles, or teaser summaries that
    each sit beside a linked heading (<div class="news-item"><h3><a>title</a></h3><p>sapo</p>).

    A page that declares itself an article and has a heading is one, even when it is a list
    of linked items with summaries ("10 DIY Woodworking Projects", each a link and a blurb)."""
    has_heading = tree.find(".//h1") is not None
    if has_heading and declares_article(tree):
        return False
    if not has_heading and len(_ALL_LINK_HEADINGS(tree)) >= 5:
        return True
    if len(paragraphs) < 3:
        # Pruning takes teaser boxes out; when they hold more text than the line or two that
        # was left, that was the page's furniture and the page a listing (nghean.dcs.vn's
        # category pages: "Xây dựng Đảng Tiếng Việt English RSS Tiêu điểm: ...").
        teaser_text = sum(len(clean(group.text_content())) for group in chrome.teaser_groups(tree))
        return teaser_text > sum(len(p) for p in paragraphs)
    anchors = {clean(a.text_content()) for a in tree.iter("a")}
    holders = _holders(paragraphs, tree)
    teasers: set[HtmlElement] = set()
    linked = 0
    for text in paragraphs:
        if text in anchors:
            linked += 1
            continue
        for holder in holders.get(text, [])[:1]:
            for ancestor in list(holder.iterancestors())[:2]:
                # A teaser is a small box: one linked heading and a short summary.
                if _COUNT_ELEMENTS(ancestor) > 40:
                    break
                if len(_LINK_HEADINGS(ancestor)) == 1 and len(clean(ancestor.text_content())) < 700:
                    teasers.add(ancestor)
                    break
    count = linked + len(teasers)
    return len(teasers) >= 2 and count >= 0.5 * len(paragraphs)


def _holders(paragraphs: list[str], tree: HtmlElement) -> dict[str, list[HtmlElement]]:
    wanted = set(paragraphs)
    starts = {p[:16] for p in paragraphs}
    found: dict[str, list[HtmlElement]] = {}
    for el in tree.iter("p", "div", "li", "td", "blockquote", "h2", "h3", "h4", "span"):
        # text_content() of every div is quadratic on deep pages: a div or span holds a
        # paragraph only when it has text of its own.
        if el.tag in ("div", "span") and not (el.text and el.text.strip()):
            continue
        raw = el.text_content()
        # most elements are ruled out by how they start, before the whole text is cleaned
        head = clean(raw[:64])
        if len(head) < 16 < len(raw):
            head = clean(raw)
        if head[:16] not in starts:
            continue
        text = clean(raw)
        if text in wanted:
            found.setdefault(text, []).append(el)
    return found


# --- generic body ------------------------------------------------------------------------------


@dataclass
class GenericBody:
    """What the generic path found: blocks in reading order and the lead, if the page marks one."""

    blocks: list[Block]
    lead: str | None = None


@cache
def _options_template() -> Extractor:
    # trafilatura is imported on the first page that needs the generic path: a crawl that the
    # profile's rules cover never pays for loading it (0.1 s at every start).
    from trafilatura.settings import Extractor

    return Extractor(output_format="python", fast=True, comments=False, with_metadata=False)


def _trafilatura_options(url: str) -> Extractor:
    """bare_extraction(url=url, include_comments=False, with_metadata=False, fast=True)'s options,
    made once: building them reads trafilatura's configuration anew on every call."""
    options = copy.copy(_options_template())
    options.url = url
    options.source = url.encode("utf-8", "replace").decode("utf-8") if url else None
    return options


def generic_body(tree: HtmlElement, url: str, caption_selector: str) -> GenericBody:
    """Prune the chrome, then let trafilatura choose the body among what is left."""
    pruned = prune(tree)
    # trafilatura discards <head> in its own cleaning, after its first queries over the whole
    # tree; the metadata is read from `tree`, and nothing below looks for the body there.
    for head_element in list(pruned.iter("head")):
        chrome.drop(head_element)
    caption_elements = set(select(pruned, caption_selector))
    captions = {clean(el.text_content()) for el in caption_elements}
    captions |= _captions_after_images(pruned)
    captions.discard("")
    # Images are asked for separately below: include_images changes which blocks trafilatura
    # keeps, and it then kept image-side text as body. fast=True skips trafilatura's second
    # opinion (its readability and jusText runs, compared with its own choice): on a tree already
    # pruned of chrome that comparison changes no body, and costs as much as the rest of the run
    # (BENCHMARKS.md, the extraction runs).
    import trafilatura

    document = trafilatura.bare_extraction(pruned, options=_trafilatura_options(url))
    body = getattr(document, "body", None)
    if body is None:
        return GenericBody([])
    blocks = [Block("caption" if text in captions else "text", text) for text in _body_lines(body)]
    texts = [b.text for b in blocks if b.kind == "text"]
    holders = _holders(texts, pruned)
    # trafilatura drops <figure> and table-held images; take images and captions from the
    # smallest element that holds the paragraphs it chose.
    container = _container_of(holders)
    if container is not None:
        found = list(walk(container, caption_selector, caption_elements))
        mark_captions(found)  # the captions that sit under images
        blocks += [b for b in found if b.kind in ("image", "caption")]
    headings = {clean(h.text_content()) for h in pruned.iter("h1")}
    texts = [text for text in texts if text not in headings]
    # the first paragraph found in the page (a lead in <div class="sapo"><strong> has no holder)
    first = next((holders[text][0] for text in texts if holders.get(text)), None)
    return GenericBody(blocks, _lead(pruned, first))


# Class words of a lead: "news-sapo", "article-lead", "story__summary", VnExpress's "description".
_LEAD_WORDS = {"sapo", "lead", "summary", "chapeau", "chapo", "description", "tomtat", "mota", "hometext"}
# ...unless the class says whose: "avatar-group__description" (lrt.lt) is the author's box,
# "show-feature-image-description" a caption.
_NOT_LEAD_WORDS = {"image", "img", "photo", "avatar", "author", "caption", "video", "feature", "thumb", "meta", "media"}


def _is_lead_class(value: str) -> bool:
    words = class_words(value)
    return bool(words & _LEAD_WORDS) and not words & _NOT_LEAD_WORDS


def _lead(pruned: HtmlElement, first_paragraph: HtmlElement | None) -> str | None:
    """The lead the page marks (class "sapo", "lead", "summary"...), when it sits between the
    article heading and the first paragraph of the body. Elsewhere such classes name image
    captions ("Campamento italiano..." on elpais.com) and topic boxes, not the lead."""
    if first_paragraph is None:
        return None
    h1 = next((h for h in pruned.iter("h1") if clean(h.text_content())), None)
    # In document order: after the heading (when there is one), up to the first paragraph.
    after_heading = h1 is None
    for el in pruned.iter():
        if el is h1:
            after_heading = True
            continue
        if after_heading and isinstance(el.tag, str) and el.tag not in ("meta", "a", "li", "img", "figure"):
            text = _marked_lead(el)
            if text is not None:
                return text
        if el is first_paragraph:
            break
    return None


def _marked_lead(el: HtmlElement) -> str | None:
    if not _is_lead_class(el.get("class") or ""):
        return None
    if any(a.tag in ("li", "figure", "figcaption", "a") for a in el.iterancestors()):
        return None
    if el.find(".//img") is not None or el.find(".//figure") is not None or el.find(".//video") is not None:
        return None
    text = clean(el.text_content())
    return text if 40 <= len(text) <= 1500 else None


def _body_lines(body: etree._Element) -> Iterator[str]:
    """trafilatura's body -> one line per paragraph, heading, list item, quote, code block or table row.

    Loose text between blocks is a line of its own: ilgiornale.it ends its article with text
    after the last </p>."""
    if clean(body.text):
        yield clean(body.text)
    for child in body:
        tag = child.tag
        if tag in ("list", "table", "div", "main"):
            yield from _body_lines(child)
        elif tag == "row" and child.find(".//p") is not None:
            # a layout table: the cell holds the article's paragraphs, each a line of its own
            for cell in child:
                yield from _body_lines(cell)
        elif tag == "item" and child.find("list") is not None:
            own = clean(_xml_text(child, skip="list"))
            if own:
                yield own
            for sub in child.iterchildren("list"):
                yield from _body_lines(sub)
        elif tag != "graphic":
            text = clean(_xml_text(child))
            if text:
                yield text
        if clean(child.tail):
            yield clean(child.tail)


_INLINE = {"hi", "ref", "del"}


def _xml_text(el: etree._Element, skip: str = "") -> str:
    """Text of a trafilatura element; block children and <lb/> are word boundaries
    (<item><p>B2B Apps</p><p>Developed for...</p></item> is not "AppsDeveloped")."""
    parts = [el.text or ""]
    for child in el:
        if child.tag == skip:
            pass
        elif child.tag in _INLINE:
            parts.append(_xml_text(child))
        else:
            parts += [" ", _xml_text(child), " "]
        parts.append(child.tail or "")
    return "".join(parts)


def _container_of(found: dict[str, list[HtmlElement]]) -> HtmlElement | None:
    holders = [els[-1] for els in found.values()]
    if not holders:
        return None
    ancestors = [list(holder.iterancestors())[::-1] + [holder] for holder in holders]
    common = None
    for level in zip(*ancestors, strict=False):
        if all(el is level[0] for el in level):
            common = level[0]
        else:
            break
    return common


def _captions_after_images(tree: HtmlElement) -> set[str]:
    found: set[str] = set()
    for p in tree.iter("p"):
        previous = p.getprevious()
        if previous is None or previous.tag != "p" or clean(previous.text_content()):
            continue
        if not any(True for _ in previous.iter("img")):
            continue
        text = clean(p.text_content())
        emphasis = clean("".join(e.text_content() for e in p.iter("em", "i")))
        style = (p.get("style") or "").replace(" ", "").lower()
        if text and len(text) <= 300 and (emphasis == text or "text-align:center" in style):
            found.add(text)
    return found




# --- structured data and bylines outside the body ----------------------------------------------

_DATE_METAS = (
    "article:published_time", "og:publish_date", "publish_date", "pubdate", "publishdate", "dc.date.issued",
    "dc.date", "date", "sailthru.date", "parsely-pub-date", "article.published", "datepublished",
)
_DATE_METAS_SET = frozenset(_DATE_METAS)
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')


_STRUCTURED = etree.XPath(
    "//meta[@content] | //*[@itemprop='datePublished'] | //time[@datetime]"
    " | //script[@type='application/ld+json']"
)


def structured_date(tree: HtmlElement) -> date | datetime | None:
    """datePublished from meta tags, microdata, <time pubdate> or JSON-LD (in that order)."""
    # One walk over the page, the candidates sorted out here: an XPath that lower-cases and
    # compares every meta attribute with each of 36 names took as long as parsing the page.
    values: list[str] = []  # in document order, as the union of the separate queries was
    scripts: list[str] = []
    for el in _STRUCTURED(tree):
        if el.tag == "meta":
            names = {(el.get(attr) or "").lower() for attr in ("property", "name", "itemprop")}
            if names & _DATE_METAS_SET or el.get("itemprop") == "datePublished":
                values.append(el.get("content"))
        elif el.get("itemprop") == "datePublished":
            value = el.get("datetime") if el.get("datetime") is not None else el.get("content")
            if value is not None:
                values.append(value)
        elif el.tag == "time":
            if el.get("pubdate") is not None or "published" in (el.get("class") or "").split():
                values.append(el.get("datetime"))
        elif el.tag == "script":
            scripts += _JSONLD_DATE.findall(el.text or "")
    for content in values + scripts:
        value = parse_iso(content) or parse_date(content)
        if value is not None:
            return value
    return None


_AUTHOR_CLASS_WORDS = {"author", "authors", "byline", "tacgia", "writer", "nguoiviet", "butdanh", "reporter"}
_AUTHOR_METAS = ("author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author")
# Labels without a name, dates, addresses: "Author", "Tác giả", "admin", "bykj@mk.co.kr".
_NOT_A_NAME = re.compile(r"^(?:author|authors|tác giả|admin|administrator|by)$|\d|https?:|www\.|@", re.I)
_LABELLED_AUTHOR = re.compile(r"^(?:tác giả|người viết|bài(?:\s+(?:và|,)\s*ảnh)?)\s*[:：]\s*\S", re.I)


def page_author(tree: HtmlElement, names: tuple[str, ...]) -> str | None:
    """A byline outside the body's last paragraphs, first found of: a labelled line
    ("Tác giả: Nguyễn Văn An"), an author-classed element near the heading (the name block some
    portals put before the lead), microdata and JSON-LD authors, author meta tags. Never the
    site itself (nghean.dcs.vn's <meta name="author"> is the portal's name) nor a photo credit."""
    for candidate in _author_candidates(tree):
        author = chrome.clean_author(html.unescape(candidate))
        if author and len(author) <= 120 and not _is_site(author, names) and not _NOT_A_NAME.search(author):
            return author
    return None


def _is_site(author: str, names: tuple[str, ...]) -> bool:
    folded = fold(author)
    return any(folded == fold(name) for name in names) or chrome.names_the_site(author, names)


_AUTHOR_LABELS = ("Tác giả", "TÁC GIẢ", "tác giả", "Người viết", "NGƯỜI VIẾT", "Bài và ảnh")
_AUTHOR_CLASS_PARTS = ("author", "byline", "tacgia", "writer", "butdanh")
_AUTHOR_META = etree.XPath(
    "//meta[" + " or ".join(f'@name="{n}" or @property="{n}"' for n in _AUTHOR_METAS) + "]/@content"
)
_AUTHOR_LABEL_XPATH = etree.XPath(
    "//text()[" + " or ".join(f'contains(., "{label}")' for label in _AUTHOR_LABELS) + "]"
)
_CLASS_OR_ID = etree.XPath("//*[@class or @id]")


@lru_cache(maxsize=8192)
def _is_author_box(attrs: str) -> bool:
    """class + " " + id of an element that holds a byline ("author", "byline", "tac-gia"...),
    not a reader's comment or a related box ("comment-author")."""
    if not any(part in attrs for part in _AUTHOR_CLASS_PARTS):
        return False
    words = class_words(attrs)
    return bool(words & _AUTHOR_CLASS_WORDS) and not words & chrome.CHROME_WORDS


# libxml2 evaluates each contains() of the label query on every text node (milliseconds a page):
# the page's text is looked at once first.
_ALL_TEXT = etree.XPath("string()", smart_strings=False)


def _author_candidates(tree: HtmlElement) -> Iterator[str]:
    text = _ALL_TEXT(tree)
    labelled = _AUTHOR_LABEL_XPATH(tree) if any(label in text for label in _AUTHOR_LABELS) else []
    for node in labelled:
        el = node.getparent()
        if el is None or not _LABELLED_AUTHOR.match(clean(node)) or _in_chrome(el):
            continue
        # "<p>Tác giả: <b>Lê Thu Hà</b></p>" or "...<br>Tác giả: Lê Thu Hà" (a tail)
        yield clean(el.text_content()) if node.is_text else clean(node)
    yield from _jsonld_authors(tree)
    for el in _ITEMPROP_AUTHOR(tree):
        named = _ITEMPROP_NAME(el)
        yield clean(" ".join(named)) if named else clean(el.get("content") or el.text_content())
    yield from (clean(value) for value in _AUTHOR_META(tree))
    attributes = " ".join(_ALL_CLASS_ID(tree))
    # An XPath contains() per word and element took milliseconds a page: the class and id
    # values are judged here instead, each distinct value once.
    classed = _CLASS_OR_ID(tree) if any(part in attributes for part in _AUTHOR_CLASS_PARTS) else []
    for el in classed:
        if _is_author_box(f"{el.get('class') or ''} {el.get('id') or ''}") and el.tag not in ("meta", "link", "img"):
            text = clean(el.text_content())
            if 2 <= len(text) <= 80 and not _in_chrome(el):
                yield text
    yield from (clean(a.text_content()) for a in _REL_AUTHOR(tree))


def _in_chrome(el: HtmlElement) -> bool:
    """Inside comments, related-news boxes and other furniture ("comment-author" is a reader)."""
    return any(is_chrome_element(a) for a in el.iterancestors())


def _jsonld_authors(tree: HtmlElement) -> Iterator[str]:
    for script in _JSONLD(tree):
        if '"author"' not in script:
            continue
        try:
            data = json.loads(script, strict=False)
        except ValueError:
            continue
        for author in _find_key(data, "author"):
            people = author if isinstance(author, list) else [author]
            names = [p.get("name") if isinstance(p, dict) else p for p in people]
            text = ", ".join(clean(str(n)) for n in names if isinstance(n, str) and clean(n))
            if text:
                yield text


def _find_key(data: object, key: str) -> Iterator[object]:
    if isinstance(data, dict):
        if key in data:
            yield data[key]
        for value in data.values():
            if isinstance(value, dict | list):
                yield from _find_key(value, key)
    elif isinstance(data, list):
        for item in data:
            yield from _find_key(item, key)
