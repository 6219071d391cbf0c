"""Feed times -> the archived articles they date.

Data flow: a page that shows only how long ago ("Cách đây 5 Ngày", "3 tuần trước") is archived with
the days it lies between (`published_range`); the portal's feeds give each item's publication time,
kept per listed URL (`feed_dates`, written by archive/crawlstate.py record_listing). The crawl's
writer (crawler/apply/recorder.py) dates an article by them when it saves the page and when it
records a feed, re-extraction (crawler/reextract.py) dates the record again from what is kept, and
a merge (archive/merge.py) dates what the merged archives together know: one matching for all of
them, so the same page and the same kept times give the same record whichever came first.

An item dates an article when it is listed under any address the archive knows the article by
(`article_urls`: its canonical URL, where it was fetched, the URLs that redirected the crawl to it,
the other categories and aliases it was seen under; archive/store.py save_article registers them),
compared by crawler/extract/urls.py address_key (tracking parameters, the scheme, "www.", the case
of the path, a trailing slash set aside), and when its time falls on a day of the article's window
(crawler/extract/datelines.py feed_dated). A feed read in a later run than the page, or by another
machine, finds the article under the address it lists as one read in the same run does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from archive.store import redate_article
from crawler.extract.datelines import feed_dated
from crawler.extract.dates import VN_TZ, parse_iso
from crawler.extract.urls import address_key


def feed_time(db: Database, site: str, published_range: str | None, urls: Iterable[str]) -> str | None:
    """The time a feed of `site` gives the article known under `urls` (an RSS pubDate, ISO 8601)
    that falls in its window `published_range`; None when no item listed under one of its
    addresses does. Of several, the earliest: a later one is the item listed again, or an edit."""
    keys = {address_key(url) for url in urls if url}
    if published_range is None or not keys:
        return None
    first, _, last = published_range.partition("/")
    # The window's days are the portal's (+07:00), the feed's times UTC: the query keeps a day
    # either side, feed_dated() decides.
    low = (date.fromisoformat(first) - timedelta(days=1)).isoformat()
    high = (date.fromisoformat(last) + timedelta(days=2)).isoformat()
    rows = db.execute(
        "SELECT url, published FROM feed_dates WHERE site = ? AND published >= ? AND published < ?"
        " ORDER BY published, url", [site, low, high])
    for url, listed in rows:
        if address_key(url) in keys and feed_dated(published_range, listed) is not None:
            return str(listed)
    return None


def addresses(db: Database, article_id: int) -> list[str]:
    """Every address the archive knows the article by, its own first."""
    return [url for (url,) in db.execute(
        "SELECT article_urls.url FROM article_urls JOIN articles ON articles.id = article_urls.article_id"
        " WHERE article_urls.article_id = ? ORDER BY article_urls.url != articles.url, article_urls.url",
        [article_id])]


def feed_time_of(db: Database, article_id: int, published_range: str | None) -> str | None:
    """feed_time() of an archived article, by every address it is known under."""
    if published_range is None:
        return None
    row = db.execute("SELECT site FROM articles WHERE id = ?", [article_id]).fetchone()
    if row is None:
        return None
    return feed_time(db, row[0], published_range, addresses(db, article_id))


def date_by_feed(db: Database, article_id: int) -> str | None:
    """Date the archived article by its feed when its page shows only how long ago and a feed's
    time falls in its window; returns the feed item's time used, else None."""
    row = db.execute("SELECT site, published_range FROM articles WHERE id = ?", [article_id]).fetchone()
    if row is None or row[1] is None:
        return None
    site, published_range = row
    listed = feed_time(db, site, published_range, addresses(db, article_id))
    published = feed_dated(published_range, listed)
    if published is None:
        return None
    redate_article(db, article_id, published)
    return listed


def articles_listed(db: Database, site: str, dates: dict[str, str]) -> list[int]:
    """The archived articles of `site` whose pages show only how long ago and whose window holds
    the day of an item of `dates` (a feed's: url -> its time) listed under one of their addresses."""
    days = sorted(day for day in (_day(listed) for listed in dates.values()) if day is not None)
    if not days:
        return []
    keys = {address_key(url) for url in dates}
    candidates = db.execute(
        "SELECT id FROM articles WHERE site = ? AND published_range IS NOT NULL"
        " AND substr(published_range, 1, 10) <= ? AND substr(published_range, 12, 10) >= ? ORDER BY id",
        [site, days[-1], days[0]]).fetchall()
    return [article_id for (article_id,) in candidates
            if keys & {address_key(url) for url in addresses(db, article_id)}]


def date_all_by_feeds(db: Database) -> int:
    """Date every archived article whose page shows only how long ago by the feed times kept (a
    merge brings articles and feed times that each archive alone could not match); how many."""
    ids = [article_id for (article_id,) in db.execute(
        "SELECT id FROM articles WHERE published_range IS NOT NULL ORDER BY id").fetchall()]
    return sum(date_by_feed(db, article_id) is not None for article_id in ids)


def _day(listed: str) -> str | None:
    instant = parse_iso(listed)
    if instant is None:
        return None
    return (instant.astimezone(VN_TZ).date() if isinstance(instant, datetime) else instant).isoformat()
