"""Markup transformations that keep a page's article: the metamorphic suite's inputs.

Each transformation parses a saved page (as extraction does), changes its markup with lxml the way
another portal's templates would differ (opaque class names, more or fewer wrappers, other block
tags, attributes in another order, other whitespace, decomposed text, a legacy charset, the chrome
moved around the article) and serialises it back to bytes. Extracting the transformed page must
give the same record, field by field. tests/test_extract_metamorphic.py asserts it on the tuning
fixtures; bench/extraction.py reports the pass rate of each transformation on every set.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import lxml.html
from lxml import etree

from crawler.extract.page import HtmlElement, parse
from crawler.extract.record import Page
from crawler.extract.text import clean

# The fields compared (the archive's record less `extraction`, which says which path ran).
FIELDS = ("url", "site", "title", "published", "author", "category", "summary", "source", "text", "images")
UTF8 = "text/html; charset=utf-8"


@dataclass
class Gold:
    """What a transformation may need to know of the article: its title and paragraphs."""

    title: str
    paragraphs: list[str]


Transformation = Callable[[HtmlElement, Gold], None]


def _elements(tree: HtmlElement) -> Iterator[HtmlElement]:
    yield from (el for el in tree.iter() if isinstance(el.tag, str))


def _body(tree: HtmlElement) -> HtmlElement:
    body = tree.find("body")
    return body if body is not None else tree


def _opaque(name: str) -> str:
    return "x" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]


def opaque_names(tree: HtmlElement, gold: Gold) -> None:
    """Every class and id renamed to a name that says nothing: "news-sapo" -> "x1f3a9c"."""
    for el in _elements(tree):
        if el.get("class"):
            el.set("class", " ".join(_opaque(token) for token in el.get("class", "").split()))
        if el.get("id"):
            el.set("id", _opaque(el.get("id", "")))
        # An id is renamed wherever the page names it: a field's hidden label stays its label
        # ("<div id="ctl06_label">Chú thích Hình ảnh</div><div aria-labelledby="ctl06_label">").
        for reference in _ID_REFERENCES:
            if el.get(reference):
                el.set(reference, " ".join(_opaque(token) for token in el.get(reference, "").split()))


_ID_REFERENCES = ("aria-labelledby", "aria-describedby", "for")


_WRAPPED = ("div", "p", "h1", "h2", "h3", "table", "ul", "section", "article", "header", "footer", "figure")


def wrappers_added(tree: HtmlElement, gold: Gold) -> None:
    """Every block (<div>, <p>, headings, tables, lists) wrapped in a <div> of its own."""
    for el in [el for el in _body(tree).iter(*_WRAPPED)]:
        parent = el.getparent()
        if parent is None:
            continue
        wrapper = lxml.html.Element("div")
        parent.replace(el, wrapper)
        wrapper.tail, el.tail = el.tail, None
        wrapper.append(el)


def _has_own_text(el: HtmlElement) -> bool:
    return bool((el.text or "").strip()) or any((child.tail or "").strip() for child in el)


def wrappers_removed(tree: HtmlElement, gold: Gold) -> None:
    """Every element that only wraps one other (a <div>, <span>, <section>... holding one element and
    no text) replaced by what it wraps."""
    for el in list(_body(tree).iter("div", "span", "section", "article", "main", "font", "center")):
        parent = el.getparent()
        children = [child for child in el if isinstance(child.tag, str)]
        if parent is None or len(el) != 1 or len(children) != 1 or _has_own_text(el) or el.attrib.get("style"):
            continue
        child = children[0]
        child.tail = (child.tail or "") + (el.tail or "")
        parent.replace(el, child)


def div_to_sections(tree: HtmlElement, gold: Gold) -> None:
    """Every <div> made a <section>, an <article> or a <header>, in turn."""
    tags = ("section", "article", "header")
    for index, el in enumerate(list(_body(tree).iter("div"))):
        el.tag = tags[index % len(tags)]


def sections_to_div(tree: HtmlElement, gold: Gold) -> None:
    """Every <header>, <footer>, <nav>, <aside>, <section>, <article> and <main> made a <div>."""
    for el in list(_body(tree).iter("header", "footer", "nav", "aside", "section", "article", "main")):
        el.tag = "div"


def heading_in_header(tree: HtmlElement, gold: Gold) -> None:
    """The article's heading and the block after it (its date line) wrapped in
    <header class="entry-header">, as many themes do."""
    heading = _heading(tree, gold)
    if heading is None:
        return
    parent = heading.getparent()
    following = heading.getnext()
    header = lxml.html.Element("header")
    header.set("class", "entry-header")
    parent.replace(heading, header)
    header.tail, heading.tail = heading.tail, None
    header.append(heading)
    if following is not None and isinstance(following.tag, str):
        header.tail = (header.tail or "") + (following.tail or "")
        following.tail = None
        header.append(following)


def attributes_shuffled(tree: HtmlElement, gold: Gold) -> None:
    """Every element's attributes in reverse order."""
    for el in _elements(tree):
        if len(el.attrib) > 1:
            items = list(el.attrib.items())[::-1]
            el.attrib.clear()
            for name, value in items:
                el.set(name, value)


_BLOCKS = {
    "html", "head", "body", "div", "p", "ul", "ol", "li", "table", "tbody", "tr", "td", "th", "section",
    "article", "header", "footer", "nav", "aside", "main", "h1", "h2", "h3", "h4", "h5", "h6", "figure",
    "form", "dl", "dt", "dd", "blockquote", "meta", "link", "title", "script", "style",
}
_VERBATIM = ("pre", "script", "style", "textarea")


def whitespace_changed(tree: HtmlElement, gold: Gold) -> None:
    """Blocks indented on lines of their own, and every other space inside the text a line break
    with indentation."""
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        depth = sum(1 for _ in el.iterancestors())
        verbatim = el.tag in _VERBATIM or any(a.tag in _VERBATIM for a in el.iterancestors())
        if el.tag in _BLOCKS and not verbatim:
            parent = el.getparent()
            # between blocks a line break is no word boundary change
            if parent is not None and parent.tag in _BLOCKS:
                previous = el.getprevious()
                if previous is None and not (parent.text or "").strip():
                    parent.text = "\n" + "  " * depth
                elif previous is not None and not (previous.tail or "").strip() and previous.tag in _BLOCKS:
                    previous.tail = "\n" + "  " * depth
        if not verbatim:
            el.text = _spread(el.text, depth)
            if el.getparent() is not None and el.getparent().tag not in _VERBATIM:
                el.tail = _spread(el.tail, depth)


def _spread(text: str | None, depth: int) -> str | None:
    if not text or not text.strip():
        return text
    words = text.split(" ")
    return "".join(word + ("" if i == len(words) - 1 else (" " if i % 2 else "\n" + "  " * depth))
                   for i, word in enumerate(words))


def nfd_text(tree: HtmlElement, gold: Gold) -> None:
    """All text and attribute values decomposed (NFD), as some editors save Vietnamese."""
    for el in tree.iter():
        if isinstance(el.tag, str):
            for name, value in el.attrib.items():
                el.set(name, unicodedata.normalize("NFD", value))
        if el.text:
            el.text = unicodedata.normalize("NFD", el.text)
        if el.tail:
            el.tail = unicodedata.normalize("NFD", el.tail)


def _article_region(tree: HtmlElement, gold: Gold) -> HtmlElement | None:
    """The smallest element holding the gold heading and paragraphs."""
    heading = _heading(tree, gold)
    wanted = set(gold.paragraphs)
    holders = [el for el in _body(tree).iter("p", "div", "td", "span", "li") if clean(el.text_content()) in wanted]
    anchors = ([heading] if heading is not None else []) + holders
    if not anchors:
        return None
    chains = [[*reversed(list(el.iterancestors())), el] for el in anchors]
    common = None
    for level in zip(*chains, strict=False):
        if all(el is level[0] for el in level):
            common = level[0]
        else:
            break
    return common


def _heading(tree: HtmlElement, gold: Gold) -> HtmlElement | None:
    for el in _body(tree).iter("h1", "h2", "h3", "b", "strong", "td", "div", "span"):
        if clean(el.text_content()) == gold.title:
            return el
    return None


def _move_chrome(tree: HtmlElement, gold: Gold, before: bool) -> None:
    region = _article_region(tree, gold)
    if region is None:
        return
    el = region
    while el.getparent() is not None and el.tag != "body":
        parent = el.getparent()
        siblings = [s for s in (el.itersiblings(preceding=not before)) if isinstance(s.tag, str)]
        for sibling in siblings:
            if sibling.tag in ("script", "style", "form") and before:
                continue
            _detach(sibling)
            if before:
                el.addprevious(sibling)
            else:
                parent.append(sibling)
        el = parent


def _detach(el: HtmlElement) -> None:
    """Out of its parent, its tail text left where it was."""
    parent = el.getparent()
    if el.tail and el.tail.strip():
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    el.tail = None
    parent.remove(el)


def chrome_before(tree: HtmlElement, gold: Gold) -> None:
    """What follows the article (sidebars, comments, related news, the footer) moved before it."""
    _move_chrome(tree, gold, before=True)


def chrome_after(tree: HtmlElement, gold: Gold) -> None:
    """What precedes the article (the header and its clock, menus, banners, the breadcrumb) moved
    after it."""
    _move_chrome(tree, gold, before=False)


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_windows_1258(text: str) -> bytes:
    """Vietnamese as windows-1258 writes it: base letters precomposed where the code page has them
    ("ê", "ơ", "ă"), tone marks as combining characters after them ("ế" = "ê" + U+0301)."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
        out.append(base + tones if tones else char)
    return "".join(out).encode("cp1258", errors="xmlcharrefreplace")


TRANSFORMATIONS: dict[str, Transformation] = {
    "opaque_names": opaque_names,
    "wrappers_added": wrappers_added,
    "wrappers_removed": wrappers_removed,
    "div_to_sections": div_to_sections,
    "sections_to_div": sections_to_div,
    "heading_in_header": heading_in_header,
    "attributes_shuffled": attributes_shuffled,
    "whitespace_changed": whitespace_changed,
    "nfd_text": nfd_text,
    "chrome_before": chrome_before,
    "chrome_after": chrome_after,
}
# Several at once: a template that names nothing at all (no telling class, no telling tag), as
# markup nobody here wrote may be.
COMPOSITES: dict[str, tuple[str, ...]] = {
    "nameless": ("opaque_names", "sections_to_div"),
    "nameless_sections": ("opaque_names", "div_to_sections", "wrappers_removed"),
    "nameless_reindented": ("opaque_names", "wrappers_added", "whitespace_changed"),
}
# Not a change of the tree but of its bytes.
LEGACY_CHARSET = "windows_1258"
NAMES = (*TRANSFORMATIONS, *COMPOSITES, LEGACY_CHARSET)

_CHARSET_METAS = etree.XPath(
    "//meta[@charset] | //meta[translate(@http-equiv, 'CONTENYPT', 'contenypt')='content-type']"
)


def _serialise(tree: HtmlElement, charset: str) -> str:
    for meta in _CHARSET_METAS(tree):
        meta.getparent().remove(meta)
    head = tree.find("head")
    if head is None:
        head = lxml.html.Element("head")
        tree.insert(0, head)
    meta = lxml.html.Element("meta")
    meta.set("http-equiv", "Content-Type")
    meta.set("content", f"text/html; charset={charset}")
    head.insert(0, meta)
    return "<!DOCTYPE html>\n" + lxml.html.tostring(tree, encoding="unicode", method="html")


def transform(page: Page, name: str, gold: Gold) -> Page:
    """The page after the named transformation, served as such a page would be."""
    tree = parse(page)
    if name == LEGACY_CHARSET:
        body = to_windows_1258(_serialise(tree, "windows-1258"))
        return Page(page.url, body, {"Content-Type": "text/html; charset=windows-1258"}, page.status)
    for step in COMPOSITES.get(name, (name,)):
        TRANSFORMATIONS[step](tree, gold)
    return Page(page.url, _serialise(tree, "utf-8").encode("utf-8"), {"Content-Type": UTF8}, page.status)


def moved_fields(expected: dict, record: dict | None) -> list[str]:
    """The fields of `record` that differ from `expected` (all of them when there is no record)."""
    if record is None:
        return list(FIELDS)
    return [field for field in FIELDS if record.get(field) != expected.get(field)]
