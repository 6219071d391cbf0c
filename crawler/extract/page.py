"""Page -> decoded, parsed HTML. The page decides its own encoding from the raw bytes.

Order: byte-order mark, then the HTTP header and the page's own <meta>; when those two disagree
the one the bytes actually decode with wins (a server labelled a windows-1258 page "utf-8"),
UTF-8 being preferred when the body is valid UTF-8. Legacy pages are windows-1258 with combining
tone marks ("e" + U+0301): the decoded text is NFC-normalised so it compares with everything else.
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache

import lxml.html
from cssselect import GenericTranslator
from lxml import etree
from lxml.html import HtmlElement
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from crawler.extract.record import Page
from crawler.extract.text import clean, letters

# Labels browsers read as a larger encoding (the WHATWG Encoding Standard): people.com.cn says
# GB2312 and writes characters only GBK has, which GB2312 cannot decode.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "shift_jis": "cp932", "euc_kr": "cp949"}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return _SUPERSETS.get(codec, codec)


def _try(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError:
        return None


def _declared(body: bytes, content_type: str | None) -> list[str]:
    """The encodings to try, in order, from the HTTP header and the page's own <meta>."""
    header = _codec(http_content_type_encoding(content_type or ""))
    meta = _codec(html_body_declared_encoding(body))
    if header and meta and header != meta:
        # A UTF-8 body is UTF-8 whatever either label says; otherwise the page's own meta
        # corrects a server default ("Content-Type: text/html; charset=iso-8859-1" in front of
        # a windows-1258 page that says so in its <meta>): single-byte codecs decode anything.
        return ["utf-8", meta, header] if "utf-8" in (header, meta) else [meta, header]
    return [enc for enc in (header or meta,) if enc]


def _decode(body: bytes, content_type: str | None, candidates: list[str] | None = None) -> tuple[str, str]:
    """(encoding, text), decoding the body once in the common case (header and meta agree)."""
    bom, _ = read_bom(body)
    if bom:
        encoding = _codec(bom) or "utf-8"
        return encoding, body.decode(encoding, errors="replace").removeprefix("\ufeff")
    if candidates is None:
        candidates = _declared(body, content_type)
    for encoding in [*candidates, "utf-8"]:
        text = _try(body, encoding)
        if text is not None:
            return encoding, text
    # Undeclared legacy Vietnamese pages: windows-1258 decodes every byte.
    encoding = candidates[0] if candidates else "cp1258"
    return encoding, body.decode(encoding, errors="replace")


def nfc(text: str) -> str:
    """unicodedata.normalize("NFC", text), line by line, the lines of markup and ASCII left as they
    are. A line break is a boundary that normalisation never crosses (of canonical class 0, in no
    composition, it neither reorders nor composes with what is around it), so the text's lines
    normalised are the text normalised. normalize() checks a text first and hands it back when it
    is NFC already, but when it is not (a legacy Vietnamese page, its tone marks decoded as
    combining marks) it rebuilds every character of it: on a windows-1258 portal page, half of its
    characters are in lines of tags, scripts and styles written in ASCII, and the normalisation took
    three times the page's parse."""
    return "\n".join(line if line.isascii() else unicodedata.normalize("NFC", line) for line in text.split("\n"))


def decode(page: Page) -> str:
    text = _decode(page.body, page.header("Content-Type"))[1].removeprefix("\ufeff")
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


class PageElement(lxml.html.HtmlElement):
    """An element of a parsed page: lxml.html's, its text read without an XPath query."""

    def text_content(self) -> str:
        # The same characters as lxml.html's text_content() (its text nodes joined, comments left
        # out: both ask libxml2 for the node's content), a plain str rather than a "smart" one:
        # lxml.html evaluates the XPath "string()" on every call, and setting up that query cost
        # more than reading the text (8.8 µs an element of a portal page against 3.2 µs), on the
        # hundred elements a page's fields weigh.
        return etree.tostring(self, method="text", encoding="unicode", with_tail=False)


@cache
def _parser(encoding: str | None) -> lxml.html.HTMLParser:
    # collect_ids=False: libxml2 keeps no table of the page's id attributes, which only XPath's
    # id() reads (none of the queries here or trafilatura's; lxml.html's get_element_by_id()
    # compares @id): 3% of a portal page's parse.
    parser = lxml.html.HTMLParser(encoding=encoding, collect_ids=False)
    # Every element a PageElement, chosen in C. lxml.html's own lookup calls back into Python
    # for each element proxy made (to give <form>, <input>, <select>... their form classes,
    # which extraction never uses): two to three times the cost of every walk over the tree.
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=PageElement, comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity,
    ))
    return parser


def xpath(path: str, *, smart_strings: bool = True) -> etree.XPath:
    """A compiled XPath query, without EXSLT's regular expressions (none of ours use them): lxml
    registers them in the query's context on every call otherwise, five times what a small query
    costs ("count(.//a)" on an element: 9.0 µs with them, 1.6 µs without).

    Over a whole page, write "/descendant::meta[@content]", not "//meta[@content]": libxml2 reads
    "//" as every node of the page and then each one's children, unless the step has no predicate
    ("//meta" alone it reads as the first form). The dated <meta>s and <time>s of a portal page:
    247 µs by "//meta[@content] | //time[@datetime]", 18 µs by "/descendant::..." (a relative
    ".//a[@href]" likewise: "descendant::a[@href]")."""
    return etree.XPath(path, regexp=False, smart_strings=smart_strings)


def new_element(tag: str, attrib: dict[str, str] | None = None) -> HtmlElement:
    """A new element, the root of a document of its own, whose element proxies are chosen in C as
    the parsed page's are (lxml.html.Element calls back into Python for each one made)."""
    return _parser(None).makeelement(tag, attrib)


def parse(page: Page) -> HtmlElement:
    """Parse once; every field method reads this tree."""
    body, content_type = page.body, page.header("Content-Type")
    candidates = None
    if not read_bom(body)[0]:
        candidates = _declared(body, content_type)
        if (not candidates or candidates[0] == "utf-8") and b"\xcc" not in body and b"\xcd" not in body:
            # Nearly every page: UTF-8 without combining marks. Vietnamese written decomposed
            # ("e" + U+0301) carries marks U+0300-U+036F, whose UTF-8 lead bytes 0xCC/0xCD occur
            # nowhere else: without them (two memchr calls) the page's Vietnamese is NFC already
            # (other scripts' rare unnormalised text becomes NFC where each field is cleaned).
            # libxml2 decodes the bytes itself, twice as fast as parsing a str and without a
            # Python decode first; bytes that are not UTF-8 make it report an invalid
            # encoding, and the page then goes the careful way below.
            if not body.strip(b" \t\r\n"):
                raise ValueError("empty page")
            parser = _parser("utf-8")
            tree = lxml.html.document_fromstring(body, parser=parser, base_url=page.url)
            if not any(error.type_name == "ERR_INVALID_ENCODING" for error in parser.error_log):
                return tree
    encoding, html = _decode(body, content_type, candidates)
    if not html.strip("\ufeff \t\r\n"):
        raise ValueError("empty page")
    bom = html.startswith("\ufeff")
    html = html.removeprefix("\ufeff")
    normalized = nfc(html)
    if encoding == "utf-8" and not bom and normalized == html:
        return lxml.html.document_fromstring(body, parser=_parser(encoding), base_url=page.url)
    html = normalized
    # lxml rejects str input carrying an encoding declaration; strip the XML prolog if any.
    if html.lstrip().startswith("<?xml"):
        html = html.split("?>", 1)[1]
    return lxml.html.document_fromstring(html, parser=_parser(None), base_url=page.url)


def region_of(page: Page, markers: tuple[bytes, bytes | None]) -> Page | None:
    """The page cut to its <head> and the bytes from the first marker to the second (or to the
    end, when the second is None or not found), as a page of its own; None when </head> or the
    first marker is not found after it.

    On nghean.dcs.vn the article, its breadcrumb and its related news are 10-15 KB of a 50 KB
    page; the menus before them, the sidebar after them and two ASP.NET ViewState fields are the
    rest, and parsing them was half of an article's extraction. Markers are ASCII, so the cuts
    fall between characters in UTF-8 and in single-byte legacy encodings alike; the head keeps
    the page's <meta charset>."""
    body = page.body
    head_end = body.find(b"</head>")
    if head_end < 0:
        return None
    start = body.find(markers[0], head_end)
    if start < 0:
        return None
    end = body.find(markers[1], start) if markers[1] is not None else -1
    part = body[:head_end] + b"</head><body>" + body[start:end if end >= 0 else len(body)] + b"</body></html>"
    return Page(url=page.url, body=part, headers=page.headers, status=page.status)


@cache
def _css(selector: str) -> etree.XPath:
    # lxml's CSSSelector is this query with EXSLT's regular expressions registered (see xpath())
    return xpath(GenericTranslator().css_to_xpath(selector))


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


_CLASSED = xpath("descendant-or-self::*[@class]")


class ClassIndex:
    """Elements of one page by class token, for the tokens a profile's selectors name: a profile
    asks for a dozen selectors per page, and each CSSSelector would walk the whole tree again.
    A token no selector named beforehand is indexed on first use (one more pass)."""

    def __init__(self, root: HtmlElement, tokens: Iterable[str] = ()) -> None:
        self.root = root
        self.by_class: dict[str, list[HtmlElement]] = {}
        self._add(frozenset(tokens))

    def _add(self, tokens: frozenset[str]) -> None:
        index = self.by_class
        for token in tokens:
            index.setdefault(token, [])
        if not tokens:
            return
        # XPath hands back only the elements with a class attribute, in document order.
        for el in _CLASSED(self.root):
            for token in el.get("class").split():
                if token in tokens:
                    bucket = index[token]
                    if not bucket or bucket[-1] is not el:  # class="a a" lists an element once
                        bucket.append(el)

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
        token = min(classes)
        if token not in self.by_class:
            self._add(frozenset({token}))
        candidates = self.by_class[token]
        return [el for el in candidates if _matches(el, tag, classes) and _has_ancestors(el, chain[:-1])]


def selector_tokens(selector: str | None) -> frozenset[str]:
    """The class tokens a simple selector chain looks up (empty for other selectors)."""
    chain = _simple_chain(selector) if selector else None
    return frozenset(token for _, classes in chain or () for token in classes)


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


_CLASS_VALUES = xpath("descendant-or-self::*/@class", smart_strings=False)


@cache
def _simple_list(selector: str) -> tuple[tuple[str | None, frozenset[str]], ...] | None:
    """"figcaption, .caption, .image-caption" -> ((figcaption, {}), (None, {caption}), ...);
    None unless every part is a tag, classes, or a tag with classes."""
    parts = []
    for part in selector.split(","):
        match = _COMPOUND.match(part.strip())
        if match is None or not (match.group(1) or match.group(2)):
            return None
        parts.append((match.group(1), frozenset(filter(None, match.group(2).split(".")))))
    return tuple(parts)


def select(root: HtmlElement, selector: str | None) -> list[HtmlElement]:
    if not selector:
        return []
    parts = _simple_list(selector)
    if parts is not None and any(classes for _, classes in parts):
        # A class selector is an XPath contains() on every element's class (slow in libxml2); the
        # classes usually asked for (captions, a profile's widgets) are mostly not on the page,
        # which the page's class values, read as plain strings, tell at once.
        values = " ".join(_CLASS_VALUES(root))
        if not any(classes and all(name in values for name in classes) for _, classes in parts):
            tags = [tag for tag, classes in parts if not classes]
            return [el for el in root.iter(*tags) if isinstance(el.tag, str)] if tags else []
    return [el for el in _css(selector)(root) if isinstance(el.tag, str)]


def head(tree: HtmlElement) -> HtmlElement:
    """<head>, where metadata lives: looking there spares a walk over the whole page."""
    found = tree.find("head")
    return found if found is not None else tree


def element_after(el: HtmlElement, levels: int | None = None) -> HtmlElement | None:
    """The first element after `el`, or after the ancestors it is the last element of (at most
    `levels` of them, counting `el`; any number for None), within the page's <body>."""
    node: HtmlElement | None = el
    climbed = 0
    while node is not None and node.tag not in ("body", "html") and (levels is None or climbed < levels):
        sibling = node.getnext()
        while sibling is not None and not isinstance(sibling.tag, str):
            sibling = sibling.getnext()
        if sibling is not None:
            return sibling
        node, climbed = node.getparent(), climbed + 1
    return None


def short_text(el: HtmlElement, limit: int) -> str | None:
    """The element's text, cleaned, when it holds at most `limit` characters besides spaces;
    None otherwise, without reading the rest of a big container."""
    pieces = []
    size = 0
    for piece in el.itertext():
        pieces.append(piece)
        size += letters(piece)
        if size > limit:
            return None
    return clean("".join(pieces))


_JSONLD = xpath('/descendant::script[@type="application/ld+json"]/text()')


def jsonld_values(tree: HtmlElement, key: str) -> Iterator[object]:
    """Every value of `key` in the page's JSON-LD, at any depth, in order ("articleSection":
    ["Tin hoạt động", "Xây dựng Đảng"] in Yoast SEO's graph; "author": {...})."""
    wanted = f'"{key}"'
    for script in _JSONLD(tree):
        if wanted not in script:
            continue
        try:
            data = json.loads(script, strict=False)
        except ValueError:
            continue
        yield from _values_of(data, key)


def _values_of(data: object, key: str) -> Iterator[object]:
    if isinstance(data, dict):
        if key in data:
            yield data[key]
        for value in data.values():
            if isinstance(value, dict | list):
                yield from _values_of(value, key)
    elif isinstance(data, list):
        for item in data:
            yield from _values_of(item, key)
