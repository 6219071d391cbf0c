"""Page -> decoded, parsed HTML. The page decides its own encoding from the raw bytes.

Order: byte-order mark, then the HTTP header and the page's own <meta>; when those two disagree
the one the bytes actually decode with wins (a server labelled a windows-1258 page "utf-8"),
UTF-8 being preferred when the body is valid UTF-8. Legacy pages are windows-1258 with combining
tone marks ("e" + U+0301): the decoded text is NFC-normalised so it compares with everything else.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import cache

import lxml.html
from lxml.cssselect import CSSSelector
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from crawler.extract.record import Page

HtmlElement = lxml.html.HtmlElement


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _try(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError:
        return None


def _decode(body: bytes, content_type: str | None) -> tuple[str, str]:
    """(encoding, text), decoding the body once in the common case (header and meta agree)."""
    bom, _ = read_bom(body)
    if bom:
        encoding = _codec(bom) or "utf-8"
        return encoding, body.decode(encoding, errors="replace").removeprefix("\ufeff")
    header = _codec(http_content_type_encoding(content_type or ""))
    meta = _codec(html_body_declared_encoding(body))
    if header and meta and header != meta:
        # A UTF-8 body is UTF-8 whatever either label says; otherwise the page's own meta
        # corrects a server default ("Content-Type: text/html; charset=iso-8859-1" in front of
        # a windows-1258 page that says so in its <meta>): single-byte codecs decode anything.
        candidates = ["utf-8", meta, header] if "utf-8" in (header, meta) else [meta, header]
    else:
        candidates = [enc for enc in (header or meta,) if enc]
    for encoding in [*candidates, "utf-8"]:
        text = _try(body, encoding)
        if text is not None:
            return encoding, text
    # Undeclared legacy Vietnamese pages: windows-1258 decodes every byte.
    encoding = candidates[0] if candidates else "cp1258"
    return encoding, body.decode(encoding, errors="replace")


def detect_encoding(body: bytes, content_type: str | None) -> str:
    return _decode(body, content_type)[0]


def decode(page: Page) -> str:
    text = _decode(page.body, page.header("Content-Type"))[1].removeprefix("\ufeff")
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


@cache
def _parser(encoding: str) -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(encoding=encoding)


def parse(page: Page) -> HtmlElement:
    """Parse once; every field method reads this tree."""
    encoding, html = _decode(page.body, page.header("Content-Type"))
    if not html.strip("\ufeff \t\r\n"):
        raise ValueError("empty page")
    if encoding == "utf-8" and not html.startswith("\ufeff") and unicodedata.is_normalized("NFC", html):
        # Nearly every page: UTF-8 and already NFC. libxml2 decoding the bytes itself parses
        # twice as fast as handing it the str.
        return lxml.html.document_fromstring(page.body, parser=_parser(encoding), base_url=page.url)
    html = html.removeprefix("\ufeff")
    html = html if unicodedata.is_normalized("NFC", html) else unicodedata.normalize("NFC", html)
    # lxml rejects str input carrying an encoding declaration; strip the XML prolog if any.
    if html.lstrip().startswith("<?xml"):
        html = html.split("?>", 1)[1]
    return lxml.html.document_fromstring(html, base_url=page.url)


@cache
def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector)


_COMPOUND = re.compile(r"^([a-zA-Z][a-zA-Z0-9]*)?((?:\.[\w-]+)*)$")


@cache
def _simple_chain(selector: str) -> tuple[tuple[str | None, frozenset[str]], ...] | None:
    """".news-detail h1.news-title" -> ((None, {news-detail}), ("h1", {news-title})); None when
    the selector is anything else (pseudo-classes, ids, child combinators, lists)."""
    chain = []
    for part in selector.split():
        match = _COMPOUND.match(part)
        if match is None or not (match.group(1) or match.group(2)):
            return None
        chain.append((match.group(1), frozenset(filter(None, match.group(2).split(".")))))
    # The rightmost part needs a class to look up, or a classed part before it to search under.
    if not chain or not (chain[-1][1] or (len(chain) > 1 and chain[-2][1])):
        return None
    return tuple(chain)


class ClassIndex:
    """Elements of one page by class, built in one pass: a profile asks for a dozen selectors
    per page, and each CSSSelector would walk the whole tree again."""

    def __init__(self, root: HtmlElement) -> None:
        self.by_class: dict[str, list[HtmlElement]] = {}
        # XPath hands back only the elements with a class: lxml.html builds a Python proxy
        # (through a slow class lookup) for each element an iter() walk visits.
        for el in root.xpath("descendant-or-self::*[@class]"):
            for token in set(el.get("class").split()):
                self.by_class.setdefault(token, []).append(el)

    def select(self, root: HtmlElement, selector: str | None) -> list[HtmlElement]:
        if not selector:
            return []
        chain = _simple_chain(selector)
        if chain is None:
            return select(root, selector)
        return self._resolve(chain)

    def _resolve(self, chain: tuple[tuple[str | None, frozenset[str]], ...]) -> list[HtmlElement]:
        tag, classes = chain[-1]
        if not classes:  # ".breadcrumb a": the tag under each match of the rest
            found: dict[HtmlElement, None] = {}
            for container in self._resolve(chain[:-1]):
                found.update(dict.fromkeys(el for el in container.iterdescendants(tag)))
            return list(found)
        candidates = self.by_class.get(next(iter(classes)), [])
        return [el for el in candidates if _matches(el, tag, classes) and _has_ancestors(el, chain[:-1])]


def _matches(el: HtmlElement, tag: str | None, classes: frozenset[str]) -> bool:
    return (tag is None or el.tag == tag) and classes <= set((el.get("class") or "").split())


def _has_ancestors(el: HtmlElement, chain: tuple[tuple[str | None, frozenset[str]], ...]) -> bool:
    wanted = list(chain)
    for ancestor in el.iterancestors():
        if not wanted:
            break
        tag, classes = wanted[-1]
        if _matches(ancestor, tag, classes):
            wanted.pop()
    return not wanted


def select(root: HtmlElement, selector: str | None) -> list[HtmlElement]:
    if not selector:
        return []
    return [el for el in _css(selector)(root) if isinstance(el.tag, str)]


def select_one(root: HtmlElement, selector: str | None) -> HtmlElement | None:
    found = select(root, selector)
    return found[0] if found else None


def head(tree: HtmlElement) -> HtmlElement:
    """<head>, where metadata lives: looking there spares a walk over the whole page."""
    found = tree.find("head")
    return found if found is not None else tree
