"""What a portal profile is: data about one site, used by the spider and by extraction.

A profile says which hosts belong to the portal, where a crawl starts, which URLs are
category listings and which are articles, and which page class extracts its articles. A portal
without a hand-written profile gets one made from its home page (crawler/sites/__init__.py,
discovered_profile): no URL patterns, the generic page class; its crawl learns which URLs are
listings and articles from the portal's own pages (crawler/sites/shapes.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from crawler.extract.article import ArticlePage
from crawler.extract.urls import canonical_url, host_of


@dataclass(frozen=True)
class SiteProfile:
    key: str
    name: str
    hosts: tuple[str, ...]
    start_urls: tuple[str, ...]
    # Regular expressions matched against the URL path (plus "?query" when there is one); None
    # for a portal without a profile, whose crawl learns its URL shapes instead.
    article_pattern: str | None
    listing_pattern: str | None
    page_class: type[ArticlePage] = ArticlePage
    # Group 1 of this pattern on the path is the portal's own article id (the identity).
    article_id_pattern: str | None = None
    # When a known article is fetched again to catch edits: (younger than N days, every M days)
    # by the article's age; older than the last N only `tinbai crawl --full` re-fetches it.
    # Fresh articles get the closest watch; a weekly --full run catches late edits to the rest.
    refresh_schedule: tuple[tuple[float, float], ...] = ((2, 0.25), (14, 2), (90, 14))

    @property
    def discovers(self) -> bool:
        """No hand-written URL patterns: the crawl learns the portal's URL shapes."""
        return self.article_pattern is None

    @property
    def home(self) -> str:
        return self.start_urls[0]

    @cached_property
    def _article(self) -> re.Pattern[str] | None:
        return re.compile(self.article_pattern) if self.article_pattern is not None else None

    @cached_property
    def _listing(self) -> re.Pattern[str] | None:
        return re.compile(self.listing_pattern) if self.listing_pattern is not None else None

    def owns(self, url: str) -> bool:
        host = host_of(url)
        return any(host == h or host.endswith("." + h) for h in self.hosts)

    @staticmethod
    def _path(url: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def is_article(self, url: str) -> bool:
        pattern = self._article
        return pattern is not None and self.owns(url) and bool(pattern.match(self._path(canonical_url(url))))

    def is_listing(self, url: str) -> bool:
        pattern = self._listing
        return pattern is not None and self.owns(url) and bool(pattern.match(self._path(canonical_url(url))))

    def article_id(self, url: str) -> str | None:
        if not self.article_id_pattern:
            return None
        match = re.search(self.article_id_pattern, self._path(canonical_url(url)))
        return match.group(1) if match else None
