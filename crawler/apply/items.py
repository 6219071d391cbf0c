"""What the spider hands to the pipelines: an extracted article with its raw page, an error, or
what the crawl state must remember (a listing read, a 304, a URL skipped by policy).

`url` is always the URL the spider asked for, before any redirect: the key of its crawl state.
`page_type` says what the URL was fetched as, or what it turned out to be: "article", "listing",
"feed" (a sitemap or RSS feed), or "page" (a page of a portal without a profile that was neither an
article nor a listing: contact, documents, a gallery).
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
    # What was served, kept for audit when it stands in for an archived article (a soft 404, the
    # redirect off the article); None for the other errors.
    page: Page | None = None


@dataclass
class NotModified:
    """A conditional re-fetch answered 304: the archived article (or the feed) is still current."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    page_type: str = "article"


@dataclass
class ListingRead:
    """A listing (or the home page, a feed, another page) was read; `queued` are the (url,
    page_type) it asked for. `kind` is what the page was: "listing", "feed" or "page"."""

    url: str
    status: int
    queued: list[tuple[str, str]] = field(default_factory=list)
    kind: str = "listing"
    headers: dict[str, str] = field(default_factory=dict)  # validators for the next conditional fetch
    dates: dict[str, str] = field(default_factory=dict)  # a feed's: url -> the item's publication time


@dataclass
class TemplateLearned:
    """A template the run learned of its portal (crawler/extract/template.py), to store as version
    `version`: `knowledge` is PortalKnowledge.to_json(), `layouts` how many layouts it holds (0: the
    generic path reads the portal from now on), `pages` how many pages it was learned from,
    `reason` why it was learned ("first", "learned again", "stopped matching")."""

    version: int
    knowledge: str
    layouts: int
    pages: int
    reason: str


@dataclass
class SiteLearned:
    """What a run learned of its portal: the CMS family its pages show, and its URL shapes' counts
    of articles, listings and other pages (crawler/sites/shapes.py), and the template version it
    learned, to start the next run from."""

    home: str
    cms: str | None
    shapes: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    template: TemplateLearned | None = None


@dataclass
class Skipped:
    """Not fetched by the crawl's own policy (robots.txt): remembered, never counted as an error."""

    url: str
    reason: str
    page_type: str = "article"
