"""Page -> decoded, parsed HTML. The page decides its own encoding from the raw bytes.

Order: byte-order mark, then the HTTP header and the page's own <meta>; when those two disagree
the one the bytes actually decode with wins (a server labelled a windows-1258 page "utf-8"),
UTF-8 being preferred when the body is valid UTF-8. Legacy pages are windows-1258 with combining
tone marks ("e" + U+0301): the decoded text is NFC-normalised so it compares with everything else.
"""

from __future__ import annotations

import codecs
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
    text = _decode(page.body, page.header("Content-Type"))[1]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def parse(page: Page) -> HtmlElement:
    """Parse once; every field method reads this tree."""
    html = decode(page)
    if not html.strip():
        raise ValueError("empty page")
    # lxml rejects str input carrying an encoding declaration; strip the XML prolog if any.
    if html.lstrip().startswith("<?xml"):
        html = html.split("?>", 1)[1]
    return lxml.html.document_fromstring(html, base_url=page.url)


@cache
def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector)


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
