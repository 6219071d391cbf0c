"""The one spider: home page and category listings -> article pages -> records.

It only crawls: the site profile says which links are listings and articles, extraction turns
each article page into a record. Related-news links inside articles are not followed; the
listings and their pagination are the portal's index of its articles.

Incremental: the archive's crawl state (archive/crawlstate.py) says which URLs are known. A
listing's pagination stops after a page whose articles are all known; a known article is fetched
again only when the profile's refresh schedule says so, conditionally (If-None-Match /
If-Modified-Since). TINBAI_FULL fetches every listing page and every known article.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, ClassVar
from urllib.parse import parse_qs, urljoin, urlsplit

import scrapy
from lxml import etree
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive import CrawlPlan, load_plan, open_archive
from crawler import heap
from crawler.extract import NotAnArticle, Page, extract
from crawler.extract.page import parse
from crawler.extract.urls import canonical_url
from crawler.items import CrawlError, FetchedArticle, ListingRead, NotModified, Skipped
from crawler.middlewares import error_kind
from crawler.sites import SiteProfile

# A page always ends with its closing tags ("...</div></body></html>"); a body cut off by a
# dropped connection or a server that died mid-answer does not, and must not become a version.
_CLOSING_TAG = re.compile(rb"</(?:html|body)\s*>", re.I)


def _has_closing_tag(body: bytes) -> bool:
    # Where it nearly always is: the last bytes; only then the whole body (a page with a long
    # script after </html>).
    return bool(_CLOSING_TAG.search(body, max(0, len(body) - 2048)) or _CLOSING_TAG.search(body))


def page_from(response: Response) -> Page:
    return Page(url=response.url, body=response.body, headers=headers_of(response), status=response.status)


def headers_of(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1"): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }


def requested_url(response_or_request: Response | scrapy.Request) -> str:
    """The URL the spider asked for: redirects do not change which crawl state row it is."""
    meta = response_or_request.meta
    return meta.get("tinbai_url") or (meta.get("redirect_urls") or [response_or_request.url])[0]


# Links that are not web pages, skipped without a word: "javascript:window.print();", "mailto:".
_NOT_WEB = ("javascript:", "mailto:", "tel:", "data:", "#")
# Scrapy's own limit (URLLENGTH_LIMIT); a longer link would be dropped silently.
_MAX_URL_LENGTH = 2083
_CONTROL = re.compile(r"[\x00-\x1f]")
_HREFS = etree.XPath("//a/@href | //area/@href", smart_strings=False)


def links_of(response: TextResponse) -> Iterator[tuple[str | None, str]]:
    """(canonical URL, href) for every link on the page; (None, why) for one that cannot be a URL.

    Not Scrapy's LinkExtractor: it drops malformed links silently, and the run must count them
    (href="https://nghean.dcs.vn:99999/...", href="http://[::1", a 5,000-character href).
    """
    # Parsed from the bytes as extraction parses pages (crawler/extract/page.py: the page's own
    # encoding, windows-1258 legacy pages included), not through Scrapy's selectors, which decode
    # the whole page to text first and took twice as long.
    try:
        tree = parse(page_from(response))
    except (ValueError, etree.ParserError):
        return
    base_href = next((el.get("href", "").strip() for el in tree.iter("base") if el.get("href")), "")
    base = urljoin(response.url, base_href) if base_href else response.url
    origin = _origin(base)
    for href in _HREFS(tree):
        href = href.strip()
        if not href or href.lower().startswith(_NOT_WEB):
            continue
        # Listing pages repeat the portal's menus: the same few hundred links on every page. A
        # link resolves the same way from every page of the site when it is absolute or
        # root-relative, so it is resolved once per run (a third of a listing page's time).
        if href.startswith(("http://", "https://")):
            resolved = _resolve("", href)
        elif href.startswith("/") and not href.startswith("//"):
            resolved = _resolve(origin, href)
        else:
            resolved = _resolve(base, href)
        if resolved is not None:
            yield resolved


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
        if not parts.hostname or len(url) > _MAX_URL_LENGTH or _CONTROL.search(url):
            raise ValueError("no host, too long, or control characters")
        return canonical_url(url), href
    except ValueError as error:
        return None, f"{href[:120]!r}: {error}"


def _page_number(url: str) -> int:
    values = parse_qs(urlsplit(url).query).get("page", ["1"])
    return int(values[0]) if values[0].isdigit() else 1


class PortalSpider(scrapy.Spider):
    """Base class; crawler/spiders/__init__.py makes one subclass per site profile."""

    profile: ClassVar[SiteProfile]

    def __init__(self, *args: Any, start: str | list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(start, str):
            start = [url for url in start.split(",") if url]
        self.start_urls = list(start or self.profile.start_urls)
        self.malformed: set[str] = set()
        self.queued: set[str] = set()
        self._kinds: dict[str, str | None] = {}
        self.plan = CrawlPlan()
        self.full = False

    async def start(self) -> AsyncIterator[Any]:
        self.full = self.settings.getbool("TINBAI_FULL")
        self.plan = self._load_plan()
        heap.settle()
        for url in self.start_urls:
            yield self._article(url) if self.profile.is_article(url) else self._listing(url)
        # Pending from a run that was killed, failed last time, or due for a refresh.
        due = [(url, page_type) for url, page_type in self.plan.due if self.profile.owns(url)]
        # Asked for already: a listing that links them must not mark them queued again.
        self.queued.update([*self.start_urls, *(url for url, _ in due)])
        for url, page_type in due:
            yield self._article(url) if page_type == "article" else self._listing(url)

    def _load_plan(self) -> CrawlPlan:
        schedule = self.settings.get("TINBAI_REFRESH") or self.profile.refresh_schedule
        if isinstance(schedule, str):
            schedule = json.loads(schedule)
        now = self.settings.get("TINBAI_NOW")
        db = open_archive(self.settings.get("TINBAI_DB"))
        try:
            return load_plan(
                db, self.name, full=self.full, schedule=[tuple(step) for step in schedule],
                now=datetime.fromisoformat(now) if now else datetime.now(UTC),
            )
        finally:
            db.close()

    def _article(self, url: str) -> scrapy.Request:
        headers = self.plan.validators.get(url) if url in self.plan.known else None
        return scrapy.Request(
            url, callback=self.parse_article, errback=self.on_error, headers=headers, priority=1,
            meta={"page_type": "article", "tinbai_url": url, "handle_httpstatus_list": [304]},
        )

    def _listing(self, url: str) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.parse, errback=self.on_error, meta={"page_type": "listing", "tinbai_url": url},
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        url = requested_url(response)
        if not isinstance(response, HtmlResponse):
            yield self._not_html(response, url, "listing")
            return
        articles: list[str] = []
        listings: list[str] = []
        for target, href in links_of(response):
            if target is None:
                # Counted once per run: a broken link in the portal's template is on every page.
                if href not in self.malformed:
                    self.malformed.add(href)
                    yield CrawlError(url, "malformed_link", href, page_type="link")
                continue
            kind = self._kind(target)
            if kind == "article":
                articles.append(target)
            elif kind == "listing":
                listings.append(target)
            # else off the portal or neither: never followed, and not a fault
        articles, listings = list(dict.fromkeys(articles)), list(dict.fromkeys(listings))
        queued = [(a, "article") for a in articles if self.full or a not in self.plan.known or self.plan.is_due(a)]
        queued += [(page, "listing") for page in self._listings_to_follow(response.url, articles, listings)]
        # Each URL once per run, as Scrapy's duplicate filter would: an article in the sidebar of
        # every listing page must not look queued again after it was fetched.
        queued = [(target, kind) for target, kind in queued if target not in self.queued]
        self.queued.update(target for target, _ in queued)
        # Recorded before the requests go out, so a run killed now finds them pending next time.
        yield ListingRead(url, response.status, queued)
        for target, page_type in queued:
            yield self._article(target) if page_type == "article" else self._listing(target)

    def _kind(self, url: str) -> str | None:
        """ "article", "listing" or None (off the portal, or neither), once per URL and run."""
        if url not in self._kinds:
            kind = None
            if self.profile.owns(url):
                if self.profile.is_article(url):
                    kind = "article"
                elif self.profile.is_listing(url):
                    kind = "listing"
            self._kinds[url] = kind
        return self._kinds[url]

    def _listings_to_follow(self, here: str, articles: list[str], listings: list[str]) -> list[str]:
        """First pages of listings always; the next page of this listing only while this page has
        an article not seen before (or in a --full run, every page)."""
        if self.full:
            return listings
        path, number = urlsplit(here).path, _page_number(here)
        first_pages = [url for url in listings if _page_number(url) == 1]
        fresh = any(article not in self.plan.known for article in articles)
        later = sorted(
            (url for url in listings if urlsplit(url).path == path and _page_number(url) > number), key=_page_number
        )
        return first_pages + (later[:1] if fresh else [])

    def parse_article(self, response: Response) -> Iterator[Any]:
        url = requested_url(response)
        if response.status == 304:
            yield NotModified(url, headers_of(response))
            return
        if not isinstance(response, HtmlResponse):
            yield self._not_html(response, url, "article")
            return
        if not response.body or response.body.isspace():  # not strip(): it copies the whole page
            yield CrawlError(url, "empty_page", "200 with an empty body", status=response.status)
            return
        if not _has_closing_tag(response.body):
            yield CrawlError(url, "truncated", f"no closing tag in {len(response.body)} bytes", status=response.status)
            return
        page = page_from(response)
        try:
            article = extract(page, self.profile.page_class)
            if "\ufffd" in article.title or "\ufffd" in article.text:
                # Bytes the page's encoding could not decode: a windows-1258 page labelled utf-8
                # with no <meta> to say otherwise reads "Tri��n khai". Archived, it would be a version.
                yield CrawlError(url, "undecodable", f"replacement characters in {article.title[:60]!r}",
                                 status=response.status)
                return
            yield FetchedArticle(page=page, article=article, url=url,
                                 site_article_id=self.profile.article_id(article.url or url))
        except NotAnArticle as error:
            yield CrawlError(url, "not_an_article", str(error), status=response.status, headers=page.headers)
        except Exception as error:  # noqa: BLE001 - one hostile page must not stop the run
            self.logger.exception("extraction failed on %s", url)
            yield CrawlError(url, "extraction_failed", f"{type(error).__name__}: {error}"[:200], status=response.status)

    def _not_html(self, response: Response, url: str, page_type: str) -> CrawlError:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        return CrawlError(url, "not_html", content_type or "no Content-Type", status=response.status,
                          page_type=page_type)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        url = requested_url(request)
        page_type = request.meta.get("page_type", "article")
        if failure.check(HttpError):
            status = failure.value.response.status
            yield CrawlError(url, f"http_{status}", f"HTTP {status}", status=status, page_type=page_type)
            return
        kind = error_kind(failure.value)
        if kind is None:
            # Forbidden by robots.txt: the crawl's own policy, not a fault.
            self.logger.info("skipped %s: %s", request.url, failure.value)
            yield Skipped(url, "robots_forbidden", page_type=page_type)
        else:
            yield CrawlError(url, kind, str(failure.value)[:300], page_type=page_type)
