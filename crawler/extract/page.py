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


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(body: bytes, content_type: str | None) -> str:
    bom, _ = read_bom(body)
    if bom:
        return _codec(bom) or "utf-8"
    header = _codec(http_content_type_encoding(content_type or ""))
    meta = _codec(html_body_declared_encoding(body))
    declared = [enc for enc in (header, meta) if enc]
    if header and meta and header != meta and "utf-8" in declared and _decodes(body, "utf-8"):
        return "utf-8"
    for encoding in declared:
        if _decodes(body, encoding):
            return encoding
    if _decodes(body, "utf-8"):
        return "utf-8"
    # Undeclared legacy Vietnamese pages: windows-1258 decodes every byte.
    return declared[0] if declared else "cp1258"


def decode(page: Page) -> str:
    encoding = detect_encoding(page.body, page.header("Content-Type"))
    text = page.body.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return unicodedata.normalize("NFC", text)


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
