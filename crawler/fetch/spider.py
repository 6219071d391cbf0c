"""The one spider: home page and category listings -> article pages -> records.

It only crawls: the site profile says which links are listings and articles (crawler/sites/),
links.py finds them on a page, extraction turns each article page into a record
(crawler/extract/), and the archive's crawl plan, which the pipeline loads when the run opens,
says what is known. Related-news links inside articles are not followed; the listings and their
pagination are the portal's index of its articles.

Incremental: a listing's pagination stops after a page whose articles are all known; a known
article is fetched again only when the plan says it is due, conditionally (If-None-Match /
If-Modified-Since). TINBAI_FULL fetches every listing page and every known article.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterator
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive import CrawlPlan
from crawler import sites as registry
from crawler.apply.items import CrawlError, FetchedArticle, ListingRead, NotModified, SiteLearned, Skipped
from crawler.extract import NotAnArticle, Page, extract
from crawler.extract.cms import cms_family
from crawler.extract.record import ErrorKind, http_error
from crawler.extract.urls import canonical_url
from crawler.fetch.feeds import FeedRead, alternate_feeds, publication_times, read_feed
from crawler.fetch.links import links_of, parse_page
from crawler.fetch.middlewares import WARC_RECORD_META, error_kind
from crawler.sites import SiteProfile


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


# Answers of a feed that say only that the portal has none there.
ABSENT = (403, 404, 410)


def validators(response: Response) -> dict[str, str]:
    """The validators of an answer, for the next run's conditional request."""
    headers = headers_of(response)
    return {key: value for key, value in headers.items() if key.lower() in ("etag", "last-modified")}


def _page_number(url: str) -> int:
    values = parse_qs(urlsplit(url).query).get("page", ["1"])
    return int(values[0]) if values[0].isdigit() else 1


class PortalSpider(scrapy.Spider):
    """One portal's crawl: `PortalSpider(profile=...)`, named by the profile's key.

    `plan` is what the archive knows of the portal (archive.load_plan); the pipeline sets it when
    the run opens, before the first request (an empty plan: every URL is new)."""

    name = "portal"

    def __init__(self, *args: Any, profile: SiteProfile, start: str | list[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = profile.key
        self.profile = profile
        self.allowed_domains = list(profile.hosts)
        if isinstance(start, str):
            start = [url for url in start.split(",") if url]
        self.start_urls = list(start or profile.start_urls)
        self.malformed: set[str] = set()
        self.queued: set[str] = set()
        self._kinds: dict[str, str | None] = {}
        self.plan = CrawlPlan()
        self.full = False
        self.cms: str | None = None  # the CMS family the portal's pages show (crawler/extract/cms.py)
        self.feeds_asked: set[str] = set()

    async def start(self) -> AsyncIterator[Any]:
        self.full = self.settings.getbool("TINBAI_FULL")
        for url in self.start_urls:
            yield self._article(url) if self.profile.is_article(url) else self._listing(url)
        # Pending from a run that was killed, failed last time, or due for a refresh.
        due = [(url, page_type) for url, page_type in self.plan.due if self.profile.owns(url)]
        # Asked for already: a listing that links them must not mark them queued again.
        self.queued.update([*self.start_urls, *(url for url, _ in due)])
        for url, page_type in due:
            yield self._article(url) if page_type == "article" else self._listing(url)
        # The feeds and sitemaps an earlier run found: read again every run, like listings.
        for url, kind in self.plan.kinds.items():
            if kind == "feed" and self.profile.owns(url):
                request = self._feed(url)
                if request is not None:
                    yield request

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

    def _feed(self, url: str) -> scrapy.Request | None:
        """The feed at `url`, once a run. A profiled portal's feed is read for when its items were
        published (feed_dates: what dates a page that shows only how long ago, "3 tuần trước"); its
        items are not followed, the listings are the portal's index."""
        key = canonical_url(url)
        if key in self.feeds_asked or not self.profile.owns(url) or not self._asks_for_feed(url):
            return None
        self.feeds_asked.add(key)
        self.queued.add(url)
        return scrapy.Request(
            url, callback=self.parse_feed, errback=self.on_feed_error, headers=self.plan.validators.get(url),
            priority=2, meta={"page_type": "feed", "tinbai_url": url, "handle_httpstatus_list": [304]},
        )

    def _asks_for_feed(self, url: str) -> bool:
        """Whether the feed at `url`, not asked for yet this run, is asked for: here, always."""
        return True

    def parse_feed(self, response: Response) -> Iterator[Any]:
        url = requested_url(response)
        if response.status == 304:
            yield NotModified(url, headers_of(response), page_type="feed")
            return
        read = read_feed(response.body, response.url)
        if read.kind == "unknown":
            yield ListingRead(url, response.status, [], kind="page")
            yield from self._not_a_feed(response)
            return
        yield from self._feed_read(url, response, read)

    def _not_a_feed(self, response: Response) -> Iterator[Any]:
        """What follows an answer at a feed's address that is no feed: here, nothing."""
        return iter(())

    def _feed_read(self, url: str, response: Response, read: FeedRead) -> Iterator[Any]:
        """A feed read: only when its items were published (their pages come from the listings)."""
        yield ListingRead(url, response.status, [], kind="feed", headers=validators(response),
                          dates=publication_times(read, self.profile.owns))

    def on_feed_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        url = requested_url(request)
        if failure.check(HttpError) and failure.value.response.status in ABSENT:
            # No feed there (announced by a page, or named by robots.txt, and gone): no article is
            # lost, the portal is read through its links.
            yield Skipped(url, f"http_{failure.value.response.status}", page_type="feed")
            return
        if failure.check(HttpError):
            status = failure.value.response.status
            yield CrawlError(url, f"http_{status}", f"HTTP {status}", status=status, page_type="feed")
            return
        kind = error_kind(failure.value)
        if kind is ErrorKind.ROBOTS_FORBIDDEN:
            yield Skipped(url, kind, page_type="feed")
        else:
            yield CrawlError(url, kind, str(failure.value)[:300], page_type="feed")

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        url = requested_url(response)
        if not isinstance(response, HtmlResponse):
            if read_feed(response.body, response.url).kind != "unknown":
                yield from self.parse_feed(response)  # a feed asked for again after a failure
                return
            yield self._not_html(response, url, "listing")
            return
        page = page_from(response)
        if self.cms is None:
            self.cms = cms_family(page)
        tree = parse_page(page)
        articles: list[str] = []
        listings: list[str] = []
        for target, href in links_of(page, tree):
            if target is None:
                # Counted once per run: a broken link in the portal's template is on every page.
                if href not in self.malformed:
                    self.malformed.add(href)
                    yield CrawlError(url, ErrorKind.MALFORMED_LINK, href, page_type="link")
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
        if url in self.start_urls and tree is not None:
            # The feeds the home page announces (<link rel="alternate">): their items' times date
            # the portal's pages that show only how long ago.
            for feed in alternate_feeds(tree, response.url):
                request = self._feed(feed)
                if request is not None:
                    yield request

    def learned(self) -> SiteLearned:
        """What the run saw of its portal, for the archive: the CMS family of its pages."""
        return SiteLearned(home=self.profile.home, cms=self.cms)

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
        page = page_from(response)
        try:
            article = extract(page, self.profile.page_class)
        except NotAnArticle as error:
            # An error page served in an article's place is kept for audit when the article is archived.
            kept = page if error.kind is ErrorKind.SOFT_404 else None
            yield CrawlError(url, error.kind, str(error), status=response.status, headers=page.headers, page=kept)
            return
        except Exception as error:  # noqa: BLE001 - one hostile page must not stop the run
            self.logger.exception("extraction failed on %s", url)
            yield CrawlError(url, ErrorKind.EXTRACTION_FAILED, f"{type(error).__name__}: {error}"[:200],
                             status=response.status)
            return
        yield FetchedArticle(page=page, article=article, url=url,
                             site_article_id=self.profile.article_id(article.url or url),
                             warc_record_id=response.meta.get(WARC_RECORD_META))

    def _not_html(self, response: Response, url: str, page_type: str) -> CrawlError:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        return CrawlError(url, ErrorKind.NOT_HTML, content_type or "no Content-Type", status=response.status,
                          page_type=page_type)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        url = requested_url(request)
        page_type = request.meta.get("page_type", "article")
        if failure.check(HttpError):
            status = failure.value.response.status
            yield CrawlError(url, http_error(status), f"HTTP {status}", status=status, page_type=page_type)
            return
        kind = error_kind(failure.value)
        if kind is ErrorKind.ROBOTS_FORBIDDEN:
            # The crawl's own policy, not a fault.
            self.logger.info("skipped %s: %s", request.url, failure.value)
            yield Skipped(url, kind, page_type=page_type)
            return
        # What was answered instead of the article (a redirect to the home page), kept for audit.
        answered = getattr(failure.value, "response", None)
        page = page_from(answered) if answered is not None else None
        yield CrawlError(url, kind, str(failure.value)[:300], page_type=page_type,
                         status=page.status if page is not None else None, page=page)


class SiteSpiderLoader:
    """Scrapy's spider loader (SPIDER_LOADER_CLASS) for `scrapy list` and `scrapy crawl KEY`: one
    spider name per site profile, each the PortalSpider for that profile."""

    def __init__(self, settings: BaseSettings) -> None:
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SiteSpiderLoader:
        return cls(settings)

    def list(self) -> builtins.list[str]:
        return sorted(registry.PROFILES)

    def load(self, spider_name: str) -> type[PortalSpider]:
        try:
            return spider_for(registry.get(spider_name))
        except registry.UnknownSite as error:
            raise KeyError(str(error.args[0])) from None

    def find_by_request(self, request: scrapy.Request) -> builtins.list[str]:
        profile = registry.for_url(request.url)
        return [profile.key] if profile is not None else []


@cache
def spider_for(profile: SiteProfile) -> type[PortalSpider]:
    """PortalSpider bound to `profile`, for Scrapy's command line, which names a spider class and
    passes it only the -a arguments."""

    class SiteSpider(PortalSpider):
        name = profile.key

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, profile=profile, **kwargs)

    return SiteSpider
