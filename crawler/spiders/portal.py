"""The one spider: home page and category listings -> article pages -> records.

It only crawls: the site profile says which links are listings and articles, extraction turns
each article page into a record. Related-news links inside articles are not followed; the
listings and their pagination are the portal's index of its articles.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.extract import NotAnArticle, Page, extract
from crawler.extract.urls import canonical_url
from crawler.items import CrawlError, FetchedArticle
from crawler.sites import SiteProfile


def page_from(response: Response) -> Page:
    headers = {
        key.decode("latin-1"): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }
    return Page(url=response.url, body=response.body, headers=headers, status=response.status)


class PortalSpider(scrapy.Spider):
    """Base class; crawler/spiders/__init__.py makes one subclass per site profile."""

    profile: ClassVar[SiteProfile]

    def __init__(self, *args: Any, start: str | list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(start, str):
            start = [url for url in start.split(",") if url]
        self.start_urls = list(start or self.profile.start_urls)
        self.links = LinkExtractor(allow_domains=list(self.profile.hosts), unique=True)

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            callback = self.parse_article if self.profile.is_article(url) else self.parse
            yield scrapy.Request(url, callback=callback, errback=self.on_error)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield CrawlError(response.url, "not_html", response.headers.get("Content-Type", b"").decode("latin-1"))
            return
        for link in self.links.extract_links(response):
            url = canonical_url(link.url)
            if self.profile.is_article(url):
                yield response.follow(url, callback=self.parse_article, errback=self.on_error)
            elif self.profile.is_listing(url):
                yield response.follow(url, callback=self.parse, errback=self.on_error)

    def parse_article(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield CrawlError(response.url, "not_html", response.headers.get("Content-Type", b"").decode("latin-1"))
            return
        page = page_from(response)
        try:
            yield FetchedArticle(page=page, article=extract(page, self.profile.page_class))
        except NotAnArticle as error:
            yield CrawlError(response.url, "not_an_article", str(error))

    def on_error(self, failure: Failure) -> Iterator[CrawlError]:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError):
            status = failure.value.response.status
            yield CrawlError(request.url, f"http_{status}", f"HTTP {status}")
        elif failure.check(IgnoreRequest):
            # Forbidden by robots.txt, or an offsite redirect: the crawl's own policy, not a fault.
            self.logger.info("skipped %s: %s", request.url, failure.value)
        else:
            yield CrawlError(request.url, type(failure.value).__name__, str(failure.value)[:200])
