"""The spider of a portal without a profile: it learns the portal's URL shapes from its own pages.

It starts from the home page, the portal's sitemaps and feeds when it offers them (robots.txt's
`Sitemap:` lines, /sitemap.xml, the <link rel="alternate"> feeds of its home page, the paths its
CMS serves them at: crawler/fetch/feeds.py) and the feeds an earlier run found. Every link is taken
for what its URL shape has turned out to be on this portal (crawler/sites/shapes.py: an article,
a listing, or not worth fetching), and each page fetched says what it is:

- a page linked as an article (its URL has an id, a date, Liferay's /content/...) that extraction
  turns into an article with a title, a text and a publication date is an article: archived, its
  links not followed (the listings are the portal's index);
- a page with pagination, or with several article links the home page does not show, is a listing:
  its links are followed, its next page while it lists an article this run has not seen;
- any other page (contact, documents, a gallery, a tag page) is remembered as a page: its links are
  followed this once, and it is not fetched again by the next runs; its shape, seen often enough
  with nothing else, is not fetched at all.

The incremental rules are the profiled portals' (crawler/fetch/spider.py): known articles again
only when due, conditionally; the archive keeps what each URL was and the shapes' counts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.apply.items import CrawlError, FetchedArticle, ListingRead, NotModified, SiteLearned, Skipped
from crawler.extract import NotAnArticle, extract
from crawler.extract.cms import cms_family
from crawler.extract.dates import parse_iso
from crawler.extract.record import Article, ErrorKind, Page
from crawler.extract.urls import canonical_url
from crawler.fetch.feeds import alternate_feeds, feed_paths, read_feed, wanted_feed
from crawler.fetch.links import links_of, parse_page
from crawler.fetch.middlewares import WARC_RECORD_META, error_kind
from crawler.fetch.spider import PortalSpider, headers_of, page_from, requested_url
from crawler.sites.shapes import Counts, ShapeBook, page_of

# A page is a listing when it links at least this many articles that the home page does not show
# (every page's sidebar repeats the home page's newest articles: a contact page has ten of them).
LISTING_MIN_ARTICLES = 2
# Answers of a feed that say only that the portal has none there.
_ABSENT = (403, 404, 410)


class DiscoveringSpider(PortalSpider):
    """PortalSpider for a profile without URL patterns (SiteProfile.discovers)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.book = ShapeBook()
        self.cms: str | None = None
        self.chrome: set[str] | None = None  # the home page's article links
        self.feeds_asked: set[str] = set()
        self.robots_sitemaps: list[str] = []
        self.listed: dict[str, set[str]] = {}  # a listing's first page -> the articles its pages read so far list

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DiscoveringSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        return spider

    # --- what the archive keeps ------------------------------------------------------------------

    def learn_from(self, counts: dict[str, Counts]) -> None:
        """The URL shapes earlier runs learned (the pipeline reads them when the run opens)."""
        self.book = ShapeBook.from_counts(counts)

    def learned(self) -> SiteLearned:
        return SiteLearned(home=self.profile.home, cms=self.cms, shapes=self.book.learned())

    # --- requests --------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        async for request in super().start():
            yield request
        # The feeds and sitemaps an earlier run found: read again every run, like listings.
        for url, kind in self.plan.kinds.items():
            if kind == "feed" and self.profile.owns(url):
                request = self._feed(url)
                if request is not None:
                    yield request

    def _article(self, url: str) -> scrapy.Request:
        return self._page(url, "article", priority=1)

    def _listing(self, url: str) -> scrapy.Request:
        return self._page(url, "listing", priority=0)

    def _page(self, url: str, page_type: str, priority: int) -> scrapy.Request:
        headers = self.plan.validators.get(url) if page_type == "article" and url in self.plan.known else None
        # The spider asks for each URL once a run itself (self.queued); Scrapy's duplicate filter
        # would only drop a redirect to a page already fetched, and with it the record of the URL
        # that redirected (an article linked under its second category answers 301 to its first:
        # the next run would find that URL never fetched and ask again).
        return scrapy.Request(
            url, callback=self.parse_page, errback=self.on_error, headers=headers, priority=priority,
            meta={"page_type": page_type, "tinbai_url": url, "handle_httpstatus_list": [304]}, dont_filter=True,
        )

    def _feed(self, url: str) -> scrapy.Request | None:
        """A request for the feed or sitemap at `url`, once a run, unless an earlier run found none
        there (--full asks again) or its address says it lists no news (comments, accounts, tags)."""
        if url in self.feeds_asked or not self.profile.owns(url) or not wanted_feed(url):
            return None
        if not self.full and url in self.plan.known and self.plan.kinds.get(url) != "feed":
            return None  # an earlier run found none there
        self.feeds_asked.add(url)
        self.queued.add(url)
        return scrapy.Request(
            url, callback=self.parse_feed, errback=self.on_feed_error, headers=self.plan.validators.get(url),
            priority=2, meta={"page_type": "feed", "tinbai_url": url, "handle_httpstatus_list": [304]},
        )

    def robots_parsed(self, robotparser: Any, request: scrapy.Request) -> None:
        """robots.txt was read (Scrapy's robots_parsed signal): its `Sitemap:` lines are feeds, asked
        for once the home page has said which CMS the portal runs (what its URLs mean)."""
        if self.profile.owns(request.url):
            self.robots_sitemaps.extend(getattr(robotparser, "sitemaps", ()))

    # --- pages -----------------------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[Any]:
        url = requested_url(response)
        page_type = response.meta.get("page_type", "listing")
        if response.status == 304:
            yield NotModified(url, headers_of(response), page_type=page_type)
            return
        if not isinstance(response, HtmlResponse):
            # A link that led to a file: nothing to archive, nothing to fetch again.
            yield ListingRead(url, response.status, [], kind="page")
            return
        page = page_from(response)
        # Where a redirect ended is read too: a link to it is not asked for again this run.
        self.queued.add(canonical_url(response.url))
        if self.cms is None:
            self.cms = self.book.cms = cms_family(page)
        starting = url in self.start_urls
        # Only a link taken for an article is extracted: a page reached as a listing is read for its
        # links whatever it holds (an "about" page with schema.org/Article and a date is not news).
        if page_type == "article" and not self.book.is_listing_shape(url):
            outcome = self._article_of(page, url)
            if isinstance(outcome, Article):
                self.book.learn(url, "article")
                yield FetchedArticle(page=page, article=outcome, url=url,
                                     warc_record_id=response.meta.get(WARC_RECORD_META))
                return
            if outcome is not None:
                yield outcome
                return
        yield from self._read_links(response, page, url, starting)

    def _article_of(self, page: Page, url: str) -> Article | CrawlError | None:
        """The page's article; None when the page is not one; a CrawlError when it could not be
        told (a body cut off, undecodable, an extraction that raised)."""
        if page.url != url and self.book.kind(page.url) != "article":
            return None  # redirected to a listing or a page of another kind: the link was stale
        try:
            article = extract(page, self.profile.page_class)
        except NotAnArticle as error:
            if error.kind is ErrorKind.NOT_AN_ARTICLE:
                return None
            # An error page served in an article's place is kept for audit when the article is archived.
            kept = page if error.kind is ErrorKind.SOFT_404 else None
            return CrawlError(url, error.kind, str(error), status=page.status, headers=page.headers, page=kept)
        except Exception as error:  # noqa: BLE001 - one hostile page must not stop the run
            self.logger.exception("extraction failed on %s", url)
            return CrawlError(url, ErrorKind.EXTRACTION_FAILED, f"{type(error).__name__}: {error}"[:200],
                              status=page.status)
        # A portal's news carries its date; what has none is the portal's other pages (its
        # introduction, a leader's biography, a contact form with a text).
        if article.published is None:
            return None
        return article

    def _read_links(self, response: Response, page: Page, url: str, starting: bool) -> Iterator[Any]:
        tree = parse_page(page)
        articles: list[str] = []
        listings: list[str] = []
        if tree is not None:
            for target, href in links_of(page, tree):
                if target is None:
                    if href not in self.malformed:
                        self.malformed.add(href)
                        yield CrawlError(url, ErrorKind.MALFORMED_LINK, href, page_type="link")
                    continue
                if not self.profile.owns(target):
                    continue
                kind = self.book.kind(target)
                if kind == "article":
                    articles.append(target)
                elif kind == "listing":
                    listings.append(target)
        articles, listings = list(dict.fromkeys(articles)), list(dict.fromkeys(listings))
        if self.chrome is None and starting:
            self.chrome = set(articles)
        base, number = page_of(url)
        later = sorted((link for link in listings if page_of(link)[0] == base and page_of(link)[1] > number),
                       key=lambda link: page_of(link)[1])
        own = [article for article in articles if article not in (self.chrome or ())]
        listing = (starting or bool(later) or number > 1 or len(own) >= LISTING_MIN_ARTICLES
                   or self.book.is_listing_shape(url))
        if not starting:
            self.book.learn(url, "listing" if listing else "page")
        # Fresh: an article not known when the run started that no earlier page of this listing
        # showed. A new article in every page's sidebar makes page 2 of an old listing worth
        # reading, not page 3.
        listed = self.listed.setdefault(base, set())
        fresh = any(article not in self.plan.known and article not in listed for article in articles)
        listed.update(articles)
        queued = [(a, "article") for a in articles if self.full or a not in self.plan.known or self.plan.is_due(a)]
        queued += [(link, "listing") for link in listings if page_of(link)[1] == 1 and self._worth_listing(link)]
        if listing and later and (fresh or self.full):
            queued.append((later[0], "listing"))
        queued = [(target, kind) for target, kind in queued if target not in self.queued]
        self.queued.update(target for target, _ in queued)
        yield ListingRead(url, response.status, queued, kind="listing" if listing else "page")
        for target, page_type in queued:
            yield self._article(target) if page_type == "article" else self._listing(target)
        if starting and tree is not None:
            yield from self._feeds_of(alternate_feeds(tree, response.url))

    def _worth_listing(self, url: str) -> bool:
        """A listing link is followed unless an earlier run found the page to be neither a listing
        nor an article (a contact page is not read again every run; --full reads it). A page of a
        listing shape is read again: a category whose few articles were all on the home page."""
        return self.full or self.plan.kinds.get(url) != "page" or self.book.is_listing_shape(url)

    def _feeds_of(self, announced: list[str]) -> Iterator[scrapy.Request]:
        """robots.txt's sitemaps, the home page's own feeds, then the paths where the portal's CMS
        keeps them."""
        origin = self.profile.home.split("/", 3)
        root = "/".join(origin[:3])
        for url in (*self.robots_sitemaps, *announced, *(root + path for path in feed_paths(self.cms))):
            request = self._feed(url)
            if request is not None:
                yield request

    # --- feeds and sitemaps ----------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Any]:
        url = requested_url(response)
        if response.status == 304:
            yield NotModified(url, headers_of(response), page_type="feed")
            return
        read = read_feed(response.body, response.url)
        if read.kind == "unknown":
            # Something else answers there (the home page, an error page with status 200).
            yield ListingRead(url, response.status, [], kind="page")
            return
        queued: list[tuple[str, str]] = []
        feeds: list[str] = []
        for entry in read.sitemaps:
            if self._sitemap_changed(entry.url, entry.lastmod):
                feeds.append(entry.url)
        for entry in read.pages:
            target = entry.url
            if not self.profile.owns(target):
                continue
            kind = self.book.kind(target)
            if kind == "skip":
                continue
            if read.kind == "feed":
                kind = "article"  # a news feed's items are its articles
            if kind == "listing" and page_of(target)[1] > 1:
                continue  # a listing's later pages are read from its first
            # A known listing is read from the home page's links; a known article when it is due.
            due = kind == "article" and self.plan.is_due(target)
            if self.full or target not in self.plan.known or due:
                queued.append((target, kind))
        queued = [(target, kind) for target, kind in dict.fromkeys(queued) if target not in self.queued]
        self.queued.update(target for target, _ in queued)
        yield ListingRead(url, response.status, queued, kind="feed", headers=_validators(response))
        for target, page_type in queued:
            yield self._article(target) if page_type == "article" else self._listing(target)
        for feed in feeds:
            request = self._feed(feed)
            if request is not None:
                yield request

    def _sitemap_changed(self, url: str, lastmod: str | None) -> bool:
        """A sitemap of an index is read unless it says it has not changed since the last run read it."""
        fetched = self.plan.fetched.get(url)
        if self.full or lastmod is None or fetched is None:
            return True
        changed, read = parse_iso(lastmod), parse_iso(fetched)
        if not isinstance(read, datetime) or changed is None:
            return True
        if not isinstance(changed, datetime):
            return changed >= read.date()  # a day only: changed that day may be after the read
        return changed > read

    def on_feed_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        url = requested_url(request)
        if failure.check(HttpError) and failure.value.response.status in _ABSENT:
            # No feed there (asked on the chance the portal's CMS keeps one there, or named by
            # robots.txt and gone): no article is lost, the portal is read through its links.
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


def _validators(response: Response) -> dict[str, str]:
    """The validators of a feed's answer, for the next run's conditional request."""
    headers = headers_of(response)
    return {key: value for key, value in headers.items() if key.lower() in ("etag", "last-modified")}
