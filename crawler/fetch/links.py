"""A fetched page -> the links on it, canonical, each judged once: the spider's view of a page.

Not Scrapy's LinkExtractor: it drops malformed links silently, and the run must count them
(href="https://nghean.dcs.vn:99999/...", href="http://[::1", a 5,000-character href).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extract.page import HtmlElement, parse
from crawler.extract.record import Page
from crawler.extract.urls import canonical_url

# Links that are not web pages, skipped without a word: "javascript:window.print();", "mailto:".
_NOT_WEB = ("javascript:", "mailto:", "tel:", "data:", "#")
# Scrapy's own limit (URLLENGTH_LIMIT); a longer link would be dropped silently.
MAX_URL_LENGTH = 2083
_CONTROL = re.compile(r"[\x00-\x1f]")
_HREFS = etree.XPath("//a/@href | //area/@href", smart_strings=False)


def links_of(page: Page, tree: HtmlElement | None = None) -> Iterator[tuple[str | None, str]]:
    """(canonical URL, href) for every link on the page; (None, why) for one that cannot be a URL.
    `tree` is the page already parsed, when the caller has it."""
    # Parsed from the bytes as extraction parses pages (the page's own encoding, windows-1258
    # legacy pages included), not through Scrapy's selectors, which decode the whole page to
    # text first.
    if tree is None:
        tree = parse_page(page)
        if tree is None:
            return
    base_href = next((el.get("href", "").strip() for el in tree.iter("base") if el.get("href")), "")
    base = urljoin(page.url, base_href) if base_href else page.url
    origin = _origin(base)
    for href in _HREFS(tree):
        href = href.strip()
        if not href or href.lower().startswith(_NOT_WEB):
            continue
        # Listing pages repeat the portal's menus: the same few hundred links on every page. A
        # link resolves the same way from every page of the site when it is absolute or
        # root-relative, so it is resolved once per run.
        if href.startswith(("http://", "https://")):
            resolved = _resolve("", href)
        elif href.startswith("/") and not href.startswith("//"):
            resolved = _resolve(origin, href)
        else:
            resolved = _resolve(base, href)
        if resolved is not None:
            yield resolved


# A link that goes nowhere by its href and somewhere by its script: SharePoint's list view pagers,
# <A HREF="javascript:" OnClick='javascript:SubmitFormPost("/tintuc/Pages/default.aspx?Paged=TRUE&
# p_ID=104&PageFirstRow=4");javascript:return false;'> (2007) and
# <a href="javascript:RefreshPageTo(event, &quot;/Lists/TinTuc/AllItems.aspx?Paged=TRUE&...&quot;)">
# (2010-2019): the address the script goes to, quoted, absolute or root-relative.
_SCRIPTED = etree.XPath("//a[@onclick] | //a[starts-with(normalize-space(@href), 'javascript:')]")
_QUOTED_URL = re.compile(r"""["']((?:https?://|/(?!/))[^"'\s<>]+)["']""")


def scripted_links(page: Page, tree: HtmlElement) -> Iterator[str]:
    """The canonical URLs that links without a usable href go to by their script (onclick or a
    javascript: href), for the caller to judge: most such scripts open pop-ups, modals, banners."""
    origin = _origin(page.url)
    for anchor in _SCRIPTED(tree):
        href = (anchor.get("href") or "").strip()
        if href and not href.lower().startswith(("javascript:", "#")):
            continue  # a real link: links_of() has it
        script = f"{anchor.get('onclick') or ''} {href}"
        match = _QUOTED_URL.search(script)
        if match is None:
            continue
        target = match.group(1)
        resolved = _resolve("" if target.startswith(("http://", "https://")) else origin, target)
        if resolved is not None and resolved[0] is not None:
            yield resolved[0]


def links_under(page: Page, tree: HtmlElement) -> set[str]:
    """The page's links to addresses below its own path, as below a folder ("/news/thoi-su/" ->
    "/news/thoi-su/hoi-nghi-4291.html"; "/tin-tuc" -> "/tin-tuc/hoi-nghi"), canonical."""
    folder = canonical_url(page.url).split("?", 1)[0].split("#", 1)[0].rstrip("/") + "/"
    return {target for target, _ in links_of(page, tree) if target is not None and target.startswith(folder)
            and len(target) > len(folder)}


def parse_page(page: Page) -> HtmlElement | None:
    """The page's tree, or None when it cannot be parsed."""
    try:
        return parse(page)
    except (ValueError, etree.ParserError):
        return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


@lru_cache(maxsize=16384)
def _resolve(base: str, href: str) -> tuple[str | None, str] | None:
    """links_of() for one link: (canonical URL, href), (None, why), or None when it is not http(s)."""
    try:
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
        if parts.scheme not in ("http", "https"):
            return None
        if not parts.hostname or len(url) > MAX_URL_LENGTH or _CONTROL.search(url):
            raise ValueError("no host, too long, or control characters")
        return canonical_url(url), href
    except ValueError as error:
        return None, f"{href[:120]!r}: {error}"
