"""A portal's feeds and sitemaps -> the page URLs they list: the index a portal offers of itself,
read before its link graph when it has one.

Sitemaps (a urlset of pages, or an index of sitemaps) are read with Scrapy's own parser
(scrapy.utils.sitemap.Sitemap: lxml, entities never resolved), RSS and Atom feeds with feedparser;
where a portal keeps them: the `Sitemap:` lines of its robots.txt, /sitemap.xml, its pages'
<link rel="alternate"> feeds, and the paths its CMS serves them at (feed_paths()).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree
from scrapy.utils.sitemap import Sitemap

from crawler.sites.shapes import NOT_NEWS_SEGMENTS

# Where each CMS family serves its sitemaps and feeds (crawler/extract/cms.py names the family):
# WordPress core's sitemaps (since 5.5) and its feed; NukeViet 4's sitemap index (the news module
# lists itself in it as /sitemap-vi.news.xml) and its news module's RSS.
CMS_FEEDS: dict[str, tuple[str, ...]] = {
    "wordpress": ("/wp-sitemap.xml", "/feed/"),
    "nukeviet": ("/sitemap.xml", "/news/rss/"),
}
# Every portal: the sitemap's conventional address.
COMMON_FEEDS = ("/sitemap.xml",)

_ALTERNATE = etree.XPath(
    '//link[@rel="alternate"][@href][contains(@type, "rss") or contains(@type, "atom")]/@href',
    smart_strings=False,
)


@dataclass
class Entry:
    url: str
    lastmod: str | None = None  # as the sitemap states it ("2026-11-20T09:14:00+07:00")
    # A feed item's publication time (RSS pubDate, Atom published), ISO 8601 in UTC: what dates a
    # page that shows only how long ago (crawler/extract/datelines.py dated_by_feed).
    published: str | None = None


@dataclass
class FeedRead:
    """What a feed or sitemap lists: pages (`pages`), or other sitemaps (`sitemaps`)."""

    kind: str  # "sitemapindex", "urlset", "feed", or "unknown" (neither parsed)
    pages: list[Entry] = field(default_factory=list)
    sitemaps: list[Entry] = field(default_factory=list)


def feed_paths(cms: str | None) -> tuple[str, ...]:
    """The paths worth asking a portal of this family for its sitemaps and feeds."""
    return tuple(dict.fromkeys((*COMMON_FEEDS, *CMS_FEEDS.get(cms or "", ()))))


# Feeds and sitemaps of what is not news: WordPress's comment feeds (/comments/feed/, announced in
# every page's head), its sitemaps of accounts and tags (wp-sitemap-users-1.xml,
# wp-sitemap-taxonomies-post_tag-1.xml), NukeViet's of its documents module (sitemap-vi.van-ban.xml).
_NOT_NEWS_FEED_WORDS = frozenset({"comments", "users", "post_tag", "author", "authors", "tag", "tags"})


def wanted_feed(url: str) -> bool:
    """Whether a feed or sitemap may list news, by the words of its address."""
    # A segment that opens with "_" is the server's own route, not a subject: SharePoint serves
    # every list's feed at "/_layouts/15/feed.aspx?...&web=%2Fxay%2Ddung%2Ddang".
    path = "/".join(segment for segment in urlsplit(url).path.lower().split("/") if not segment.startswith("_"))
    words = [word for word in re.split(r"[/._-]+", path) if word]
    pairs = {f"{first}-{second}" for first, second in zip(words, words[1:], strict=False)}
    # A section's name is a whole segment or two words of one ("sitemap-vi.van-ban.xml"); one short
    # word of a longer name is a syllable of another: "/category/hinh-anh/feed/" (photo stories,
    # news) is no "anh" (photos) section, "/category/the-thao/feed/" no "the" (tags).
    named = {word for word in words if len(word) > 3} | pairs | set(re.split(r"[/.]+", path))
    return not (set(words) & _NOT_NEWS_FEED_WORDS
                or named & NOT_NEWS_SEGMENTS - {"rss", "feed", "feeds", "atom", "sitemap"})


# What names a feed in its address, whatever the CMS: "/feed/", "/news/rss/xay-dung-dang/",
# "/rss/thoi-su-chinh-tri-10.rss" (a list of the portal's feeds on its "/rss.aspx" page), Liferay's
# ".../-/asset_publisher/<id>/rss", SharePoint's "/_layouts/15/feed.aspx?...".
_FEED_WORDS = frozenset({"rss", "atom", "feed", "feeds"})


# A script named for the feed it serves, its last path segment ending in the word: SharePoint 2007's
# list feeds are "/_layouts/listfeed.aspx?List=%7B8E1B5C3A-...%7D" (one per list, linked from the
# list's own page), other CMSs' "newsfeed.php", "getrss.aspx".
_FEED_SUFFIXES = ("feed", "rss")


def names_feed(url: str) -> bool:
    """Whether a link's address says it leads to a feed (asked for as one: the feed parser decides)."""
    path = urlsplit(url).path.lower()
    if _FEED_WORDS & {word for word in re.split(r"[/._-]+", path) if word}:
        return True
    script = path.rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0]
    return script.endswith(_FEED_SUFFIXES) and "-" not in script


def alternate_feeds(tree: etree._Element, base: str) -> list[str]:
    """The feeds a page announces: <link rel="alternate" type="application/rss+xml" href="...">."""
    return [urljoin(base, href.strip()) for href in _ALTERNATE(tree) if href.strip()]


def _looks_like_sitemap(body: bytes) -> bool:
    head = body[:2048].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def _published(entry: dict[str, Any]) -> str | None:
    """When a feed's item was published, as feedparser reads its pubDate or <published> (UTC);
    None when it gives none it can read (an <updated> alone is an edit's time, not publication)."""
    parsed = dict.get(entry, "published_parsed")
    if not parsed:
        return None
    year, month, day, hour, minute, second = parsed[:6]
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()


def publication_times(read: FeedRead, owns: Callable[[str], bool]) -> dict[str, str]:
    """When each item a feed lists on the portal (`owns`) was published: url -> ISO 8601 (UTC),
    kept by the archive (feed_dates) to date a page that shows only how long ago."""
    return {entry.url: entry.published for entry in read.pages if entry.published is not None and owns(entry.url)}


def read_feed(body: bytes, url: str) -> FeedRead:
    """The URLs a sitemap or an RSS/Atom feed at `url` lists."""
    if _looks_like_sitemap(body):
        try:
            sitemap = Sitemap(body)
        except (etree.XMLSyntaxError, StopIteration, ValueError):
            return FeedRead("unknown")
        read = FeedRead(sitemap.type if sitemap.type in ("urlset", "sitemapindex") else "unknown")
        for entry in sitemap:
            item = Entry(urljoin(url, entry["loc"]), entry.get("lastmod") or None)
            (read.sitemaps if sitemap.type == "sitemapindex" else read.pages).append(item)
        return read
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    if not parsed.entries and not parsed.get("version"):
        return FeedRead("unknown")
    read = FeedRead("feed")
    for entry in parsed.entries:
        link = entry.get("link")
        if link:
            # The dict's own get(): feedparser's warns when "updated" falls back to "published".
            changed = dict.get(entry, "updated") or dict.get(entry, "published")
            read.pages.append(Entry(urljoin(url, link), changed, _published(entry)))
    return read
