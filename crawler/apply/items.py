"""What the spider hands to the pipelines: an extracted article with its raw page, an error, or
what the crawl state must remember (a listing read, a 304, a URL skipped by policy).

`url` is always the URL the spider asked for, before any redirect: the key of its crawl state.
`page_type` says what the URL was fetched as, "article" or "listing".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.extract.record import Article, Page


@dataclass
class FetchedArticle:
    page: Page
    article: Article
    url: str = ""  # as requested; page.url is where redirects ended
    site_article_id: str | None = None  # the portal's own id for the article (SiteProfile.article_id)
    # The WARC record holding the page as received, when the crawl writes WARC (crawler/fetch/warc.py).
    warc_record_id: str | None = None


@dataclass
class CrawlError:
    url: str
    kind: str  # "http_404", "not_an_article", "not_html", "too_large", "TimeoutError", ...
    message: str = ""
    status: int | None = None
    page_type: str = "article"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class NotModified:
    """A conditional re-fetch answered 304: the archived article is still current."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class ListingRead:
    """A listing (or the home page) was read; `queued` are the (url, page_type) it asked for."""

    url: str
    status: int
    queued: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Skipped:
    """Not fetched by the crawl's own policy (robots.txt): remembered, never counted as an error."""

    url: str
    reason: str
    page_type: str = "article"
