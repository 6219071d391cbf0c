"""Saving articles: Article (+ the Page it came from) -> dedup -> archive rows.

Data flow: the crawl pipeline hands each extracted Article to save_article(), which
decides whether it is new, a new version of a known article, an exact duplicate,
or the same content under another URL (an alias), and writes every table that
changes (articles, article_versions, article_urls, images, raw_pages, the
full-text index) in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, Literal

from sqlite_utils import Database
from sqlite_utils.db import Table

from archive import sitecounts
from archive.db import ArchiveDamaged
from archive.facets import FACETS_COLUMN, facet_words
from archive.identity import Archived, not_this_article
from archive.near import find_original, link_near_duplicate, store_signature
from archive.schema import FTS_EXACT_TABLE, FTS_TABLE
from archive.takedowns import add_event, mark_present, redirect_back
from archive.transaction import write_transaction
from crawler.extract.fold import fold
from crawler.extract.record import Article, Image, Page

SaveStatus = Literal["new", "updated", "duplicate", "alias", "refused"]

# Stored pages are Zstandard frames (raw_pages.compression = 'zstd'; archives made before
# migration m004 also hold 'zlib' streams). A portal page is about half ASP.NET ViewState, which
# does not compress: Zstandard's level 3 stores pages about as small as zlib's level 6, in a
# fraction of the time.
RAW_PAGE_COMPRESSION = "zstd"
ZSTD_LEVEL = 3


@dataclass(frozen=True)
class SaveResult:
    """What save_article() did: `version` is the article's latest version number. "refused": the
    page was not a version of article `article_id` (`reason` says why); nothing was archived from it.
    `returned`: the article was marked removed, and this fetch found it again."""

    status: SaveStatus
    article_id: int
    version: int
    reason: str | None = None
    returned: bool = False


def utc_now() -> str:
    """The archive's timestamp format: ISO 8601, UTC, whole seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def save_article(
    db: Database,
    article: Article,
    *,
    page: Page | None = None,
    fetched_url: str | None = None,
    fetched_at: str | None = None,
    site_article_id: str | None = None,
    warc_record_id: str | None = None,
    requested_url: str | None = None,
) -> SaveResult:
    """Store `article`, deduplicating by URL first, then by the portal's id, then by content.

    - A URL already known (article.url or fetched_url), or else the portal's own id
      for the article (`site_article_id`, "34842" for .../1-2-34842, so a changed slug
      is the same article): "duplicate" when the content hash equals that article's
      latest version (only last_seen moves), otherwise "updated" (a new version; the
      articles row and images show the new content).
    - An unknown URL whose content equals some article's latest version: "alias",
      the URLs are registered for that article.
    - Otherwise "new". A new or changed text that re-posts an older article with small
      edits is linked to it (`near_duplicate_of`, archive/near.py) and kept.

    - "refused" when the page was fetched for a known article (its URL, `requested_url` or the one
      it was fetched from) but is not a version of it (archive/identity.py): another article, or
      another title over another text. Nothing is archived from it; its raw page is kept, flagged,
      with an article_events row for the article.
    - Every URL the page was reached by (the canonical, `fetched_url`, `requested_url`) is
      registered for the article it was saved to (article_urls; one another article holds stays its),
      `requested_url` as one that only redirected to it (`redirected`) when it is not the address of
      either of the others: its going dead does not take the article down (archive/takedowns.py), and
      leading to another article later it refuses nothing.

    `page` is the fetched page the article was extracted from; its body is kept
    (compressed, once per distinct body) with the version it produced.
    `fetched_url` defaults to page.url: where the fetch ended, which often differs from
    the canonical article.url (tracking parameters, mobile host, redirects); `requested_url` is the
    URL asked for, before any redirect.
    `warc_record_id` is the WARC record holding the page as received, when the crawl wrote one.
    """
    seen_at = fetched_at or utc_now()
    if fetched_url is None and page is not None:
        fetched_url = page.url
    urls = list(dict.fromkeys(url for url in (article.url, fetched_url) if url))
    # Every address the page was reached by is one of the article's, the URL asked for too: a
    # redirect to it (a feed's "?p=123", a second category's URL answering 301 to the first) finds
    # it in a later run, for a feed's date or `tinbai history`, as an alias does. One that only
    # redirected is registered as such: its going dead says nothing of the article (takedowns.py).
    redirects = ([requested_url] if requested_url and requested_url not in urls
                 and not _same_address(requested_url, urls) else [])
    seen_at_urls = list(dict.fromkeys([*urls, *([requested_url] if requested_url and not redirects else [])]))
    addresses = [*seen_at_urls, *redirects]

    with write_transaction(db):
        # The article whose URL was fetched, and the article the page itself says it is (its
        # canonical URL first: when the canonical and the fetched URL belong to two different
        # articles, the canonical one decides).
        known, only_redirected = _articles_of(db, addresses)
        fetched_for = next((known[url] for url in (requested_url, fetched_url)
                            if url in known and url not in only_redirected), None)
        article_id = next((known[url] for url in urls if url in known), None)
        if article_id is None and site_article_id is not None:
            article_id = _article_with_site_id(db, article.site, site_article_id)
        if article_id is None and fetched_for is None and requested_url in only_redirected:
            # An address that only ever redirected to an article is not that article's: leading
            # elsewhere now (a shortlink the portal gave a newer article), the page is judged as its
            # own rather than refused as not the other; leading to a version of it, it is one.
            led_to = known[requested_url]
            if _latest_version(db, led_to)["content_hash"] == article.content_hash or not_this_article(
                    _archived(db, led_to), article.title, article.text, site_article_id) is None:
                article_id = led_to
        if fetched_for is not None and article_id not in (None, fetched_for):
            return _refuse(db, fetched_for, article, page, seen_at, requested_url or fetched_url or article.url,
                           f"the page is archived article {article_id}", warc_record_id)
        if article_id is None and fetched_for is not None:
            article_id = fetched_for  # a page under a new address: a version of it, if it is one
        if article_id is not None:
            latest = _latest_version(db, article_id)
            if latest["content_hash"] != article.content_hash and fetched_for is not None:
                reason = not_this_article(_archived(db, article_id), article.title, article.text, site_article_id)
                if reason is not None:
                    return _refuse(db, article_id, article, page, seen_at,
                                   requested_url or fetched_url or article.url, reason, warc_record_id)
            if site_article_id is not None:
                _claim_site_id(db, article_id, article.site, site_article_id)
            returned = mark_present(db, article_id, url=requested_url or fetched_url or article.url, when=seen_at)
            if latest["content_hash"] == article.content_hash:
                _touch(db, article_id, seen_at)
                _register_urls(db, article_id, seen_at_urls, redirects, seen_at)
                if fetched_url == article.url:
                    _refresh_metadata(db, article_id, article)
                if page is not None and latest["raw_page_id"] is None:
                    # The version was saved without its page (an import, an older
                    # crawler): keep this identical fetch so it can be re-extracted.
                    raw_page_id = store_raw_page(db, page, fetched_at=seen_at, article_id=article_id,
                                                 warc_record_id=warc_record_id)
                    _versions(db).update((article_id, latest["version"]), {"raw_page_id": raw_page_id})
                elif page is not None and warc_record_id is not None:
                    _name_warc_record(db, latest["raw_page_id"], page, warc_record_id)
                return SaveResult("duplicate", article_id, latest["version"], returned=returned)
            version = latest["version"] + 1
            _update_article(db, article_id, _article_columns(article))
            _add_version(db, article_id, version, article, page, seen_at, warc_record_id)
            _replace_images(db, article_id, article.images)
            folded = _index(db, article_id, article)
            link_near_duplicate(db, article_id, article.text, folded=folded)
            _touch(db, article_id, seen_at)
            _register_urls(db, article_id, seen_at_urls, redirects, seen_at)
            return SaveResult("updated", article_id, version, returned=returned)

        alias_of = _article_with_content(db, article)
        if alias_of is not None:
            returned = mark_present(db, alias_of, url=fetched_url or article.url, when=seen_at)
            _touch(db, alias_of, seen_at)
            _register_urls(db, alias_of, seen_at_urls, redirects, seen_at)
            return SaveResult("alias", alias_of, _latest_version(db, alias_of)["version"], returned=returned)

        # The re-post link is found first and inserted with the row: every stored article is
        # older than this one, and updating the row afterwards would rewrite its text.
        folded = fold(article.text)
        original, hashvalues = find_original(db, article.text, folded=folded)
        article_id = _insert_article(db, article, seen_at, site_article_id, near_duplicate_of=original)
        _add_version(db, article_id, 1, article, page, seen_at, warc_record_id)
        _replace_images(db, article_id, article.images)
        _index(db, article_id, article, folded=folded)
        store_signature(db, article_id, hashvalues)
        _register_urls(db, article_id, seen_at_urls, redirects, seen_at)
        return SaveResult("new", article_id, 1)


def _archived(db: Database, article_id: int) -> Archived:
    title, text, site_article_id = db.conn.execute(
        "SELECT title, text, site_article_id FROM articles WHERE id = ?", [article_id]
    ).fetchone()
    return Archived(title=title, text=text, site_article_id=site_article_id)


def _refuse(
    db: Database, article_id: int, article: Article, page: Page | None, seen_at: str, url: str, reason: str,
    warc_record_id: str | None = None,
) -> SaveResult:
    """The page fetched for `article_id` is not a version of it: its raw page kept for audit, an
    event written, nothing else."""
    raw_page_id = None
    if page is not None:
        raw_page_id = store_raw_page(db, page, fetched_at=seen_at, article_id=article_id,
                                     warc_record_id=warc_record_id, refused="not_this_article")
    add_event(db, article_id, "not_this_article", at=seen_at, url=url, reason="not_this_article",
              status=page.status if page is not None else None, detail=reason, raw_page_id=raw_page_id)
    return SaveResult("refused", article_id, _latest_version(db, article_id)["version"], reason=reason)


def save_reextraction(
    db: Database, article_id: int, article: Article, *, raw_page_id: int, site_article_id: str | None = None
) -> SaveResult:
    """Replace article `article_id`'s record by `article`, re-extracted from its stored page.

    No fetch happened: `last_seen` stays. Metadata (title, author, category...) is
    rewritten; a text that differs from the latest version becomes a new version,
    dated when the page was fetched and linked to it, with the extraction that made it.
    Returns "updated" with the new version, or "duplicate" when the text is unchanged.
    """
    with write_transaction(db):
        if site_article_id is not None:
            _claim_site_id(db, article_id, article.site, site_article_id)
        latest = _latest_version(db, article_id)
        if latest["content_hash"] == article.content_hash:
            _update_article(db, article_id, metadata_columns(article))  # both indexes rewritten below
            _replace_images(db, article_id, article.images)
            _index(db, article_id, article)
            return SaveResult("duplicate", article_id, latest["version"])
        fetched_at = db.execute("SELECT fetched_at FROM raw_pages WHERE id = ?", [raw_page_id]).fetchone()[0]
        version = latest["version"] + 1
        _update_article(db, article_id, _article_columns(article))
        _insert_version(db, article_id, version, article, raw_page_id, fetched_at)
        _replace_images(db, article_id, article.images)
        folded = _index(db, article_id, article)
        link_near_duplicate(db, article_id, article.text, folded=folded)
        return SaveResult("updated", article_id, version)


def reextraction_plan(db: Database, site: str | None = None, since: str | None = None) -> list[tuple[int, int]]:
    """(article_id, raw_page_id) for every article with a stored page: the page of its latest
    version that has one, which is what re-extraction reads.

    `site` keeps one portal's articles; `since` ("2026", "2026-11" or "2026-11-20", UTC) those
    whose stored page was fetched on or after that day: after a portal changed its template, only
    the pages fetched since are extracted again. Both go through indexes (articles by portal,
    raw_pages by fetch time: migration m120), so a rule fix for one portal or one month costs that
    portal's or that month's pages, not a pass over the archive."""
    conditions, params = [], {}
    if site is not None:
        conditions.append("articles.site = :site")
        params["site"] = site
    if since is not None:
        # The articles that stored a page since then: the latest page is that one or a newer one.
        conditions.append("articles.id IN (SELECT article_id FROM raw_pages WHERE fetched_at >= :since)")
        params["since"] = since
    where = " AND ".join(conditions) or "1"
    rows = db.execute(
        "SELECT articles.id, (SELECT raw_page_id FROM article_versions WHERE article_id = articles.id"
        "   AND raw_page_id IS NOT NULL ORDER BY version DESC LIMIT 1) AS raw_page_id,"
        " EXISTS (SELECT 1 FROM article_versions WHERE article_id = articles.id) AS versioned"
        f" FROM articles WHERE {where} ORDER BY articles.id",
        params,
    ).fetchall()
    unversioned = [article_id for article_id, _, versioned in rows if not versioned]
    if unversioned:
        # Every article is saved with its first version: an id without any is a damaged row of
        # `articles` (random bytes over a page gave one row another id), which would be left out.
        raise ArchiveDamaged(f"articles without any version (ids {', '.join(map(str, unversioned[:5]))}): the archive"
                             " is damaged; `tinbai check` says where, and a backup restores it")
    plan = [(int(article_id), int(raw_page_id)) for article_id, raw_page_id, _ in rows if raw_page_id is not None]
    if since is None:
        return plan
    # An article re-fetched since, whose latest version came from an older page (a version saved
    # without its page): its page is older than `since`, so it is left out.
    fetched = _fetched_at(db, [raw_page_id for _, raw_page_id in plan])
    return [(article_id, raw_page_id) for article_id, raw_page_id in plan if fetched[raw_page_id] >= since]


def _fetched_at(db: Database, raw_page_ids: list[int]) -> dict[int, str]:
    fetched: dict[int, str] = {}
    for start in range(0, len(raw_page_ids), 500):
        chunk = raw_page_ids[start : start + 500]
        fetched.update(db.execute(
            f"SELECT id, fetched_at FROM raw_pages WHERE id IN ({', '.join('?' * len(chunk))})", chunk).fetchall())
    return fetched


def article_site(db: Database, article_id: int) -> str:
    """The portal an archived article belongs to (its profile's key, or its host)."""
    row = db.execute("SELECT site FROM articles WHERE id = ?", [article_id]).fetchone()
    if row is None:
        raise LookupError(f"no article with id {article_id}")
    return str(row[0])


# What re-extraction finds for an article: "same" (the archive already holds exactly this record:
# nothing to write), "refresh" (same text, but metadata, images, the search index or the portal's
# id differ), "changed" (new text: a new version).
ReextractionOutcome = Literal["same", "refresh", "changed"]


def reextraction_outcome(
    db: Database, article_id: int, article: Article, *, site_article_id: str | None = None
) -> ReextractionOutcome:
    """What save_reextraction(article) would do to article `article_id`: read-only, cheapest checks
    first, so that re-running unchanged rules over an archive writes nothing."""
    conn = db.conn
    stored = conn.execute(
        "SELECT " + ", ".join(f"[{column}]" for column in METADATA_COLUMNS) + ", site_article_id"
        " FROM articles WHERE id = ?", [article_id],
    ).fetchone()
    if stored is None:
        raise LookupError(f"no article with id {article_id}")
    if _latest_version(db, article_id)["content_hash"] != article.content_hash:
        return "changed"
    if tuple(stored[:-1]) != tuple(metadata_columns(article).values()):
        return "refresh"
    if site_article_id is not None and stored[-1] is None and _article_with_site_id(db, article.site,
                                                                                    site_article_id) is None:
        return "refresh"  # the save would claim the id, which no other article holds
    images = conn.execute("SELECT position, src, caption FROM images WHERE article_id = ? ORDER BY position",
                          [article_id]).fetchall()
    if images != [(position, image.src, image.caption) for position, image in enumerate(article.images, start=1)]:
        return "refresh"
    # save_reextraction() rewrites the folded index row from the record: its text can differ from
    # the stored one in case and spacing under the same hash.
    indexed = conn.execute(f"SELECT title, summary, text FROM [{FTS_TABLE}] WHERE rowid = ?", [article_id]).fetchone()
    if indexed != (fold(article.title), fold(article.summary or ""), fold(article.text)):
        return "refresh"
    return "same"


def store_raw_page(
    db: Database, page: Page, *, fetched_at: str, article_id: int | None, warc_record_id: str | None = None,
    refused: str | None = None,
) -> int:
    """Keep `page` compressed (Zstandard); an identical body already stored is reused.

    Returns the raw_pages id. Dedup is by the sha256 of the uncompressed body, so
    a page re-fetched byte for byte costs nothing; the first URL and time are kept,
    and the first WARC record that holds the body (`warc_record_id`).
    `refused` (an error kind: soft_404, not_this_article) flags a page kept for audit only.
    """
    digest = hashlib.sha256(page.body).hexdigest()
    existing = db.execute("SELECT id FROM raw_pages WHERE sha256 = ?", [digest]).fetchone()
    if existing is not None:
        if warc_record_id is not None:
            db.execute("UPDATE raw_pages SET warc_record_id = ? WHERE id = ? AND warc_record_id IS NULL",
                       [warc_record_id, existing[0]])
        return int(existing[0])
    return _insert(db, "raw_pages", raw_page_row(page, fetched_at=fetched_at, article_id=article_id, digest=digest,
                                                 body=compress_body(page.body), warc_record_id=warc_record_id,
                                                 refused=refused))


def _name_warc_record(db: Database, raw_page_id: int | None, page: Page, warc_record_id: str) -> None:
    """A page archived before the crawl wrote WARC, fetched again byte for byte into a WARC: its
    stored copy now names that record."""
    if raw_page_id is None:
        return
    db.execute(
        "UPDATE raw_pages SET warc_record_id = ? WHERE id = ? AND warc_record_id IS NULL AND sha256 = ?",
        [warc_record_id, raw_page_id, hashlib.sha256(page.body).hexdigest()],
    )


def load_raw_page(db: Database, raw_page_id: int) -> Page:
    """The stored page, decompressed: the input to re-run extraction on. A body that does not
    decompress, or not to the bytes its sha256 names, is damage in the archive file (ArchiveDamaged):
    SQLite checks its pages' structure, not the bytes a value holds."""
    row = db.execute(
        "SELECT url, status, headers, body, compression, sha256 FROM raw_pages WHERE id = ?", [raw_page_id]
    ).fetchone()
    if row is None:
        raise KeyError(f"no raw page with id {raw_page_id}")
    url, status, headers, stored, compression, digest = row
    try:
        body = decompress_body(stored, compression)
        fields = json.loads(headers or "{}")
    except Exception as error:  # noqa: BLE001 - zstandard, zlib and json each raise their own
        raise ArchiveDamaged(f"the stored page {raw_page_id} ({url}) cannot be read ({error}); "
                             "`tinbai check` says what else is damaged") from None
    if hashlib.sha256(body).hexdigest() != digest:
        raise ArchiveDamaged(f"the stored page {raw_page_id} ({url}) is not the page that was stored (its sha256 "
                             "differs); `tinbai check` says what else is damaged")
    # Every stored page was a successful answer; rows of the first archives may lack the status.
    return Page(url=url, body=body, headers=fields, status=status or 200)


@cache
def _zstd() -> tuple[Any, Any]:
    import zstandard

    return zstandard.ZstdCompressor(level=ZSTD_LEVEL), zstandard.ZstdDecompressor()


def compress_body(body: bytes) -> bytes:
    """A page body as raw_pages stores it (compression RAW_PAGE_COMPRESSION)."""
    return _zstd()[0].compress(body)


def decompress_body(stored: bytes, compression: str | None) -> bytes:
    """The page body from raw_pages.body and raw_pages.compression ('zstd' or 'zlib')."""
    if compression == "zstd":
        # Frames written with their size (ZstdCompressor's default): decompress() allocates once.
        return bytes(_zstd()[1].decompress(stored))
    if compression == "zlib":
        return zlib.decompress(stored)
    raise ValueError(f"unknown compression of a stored page: {compression!r}")


def inserted_id(table: Table) -> int:
    """The integer primary key of the row `table` just inserted."""
    if table.last_pk is None:
        raise LookupError(f"no row was inserted into {table.name}")
    return int(table.last_pk)


def _insert(db: Database, table: str, row: dict[str, Any]) -> int:
    """INSERT one row; returns its rowid. A plain statement on the connection: sqlite-utils'
    Table.insert() re-reads the schema on every call (a fifth of a save's CPU time)."""
    columns = ", ".join(f"[{column}]" for column in row)
    cursor = db.conn.execute(
        f"INSERT INTO [{table}] ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values())
    )
    assert cursor.lastrowid is not None
    return int(cursor.lastrowid)


def redate_article(db: Database, article_id: int, published: str) -> None:
    """The article's date is now known to `published` (a feed's time in its page's range)."""
    _update_article(db, article_id, {"published": published, "published_month": published[:7],
                                     "published_range": None})


def _update_article(db: Database, article_id: int, columns: dict[str, Any]) -> None:
    before = None
    if {"site", "published", "category"} & set(columns):
        before = db.conn.execute("SELECT site, published, category FROM articles WHERE id = ?",
                                 [article_id]).fetchone()
    if "site" in columns:
        sitecounts.move(db, article_id, columns["site"])
    db.conn.execute(
        "UPDATE articles SET " + ", ".join(f"[{k}] = :{k}" for k in columns) + " WHERE id = :id",
        {**columns, "id": article_id},
    )
    if before is None:
        return
    site, category = columns.get("site", before[0]), columns.get("category", before[2])
    if (site, category) != (before[0], before[2]):
        sitecounts.count_category(db, before[0], before[2], -1)
        sitecounts.count_category(db, site, category, 1)
    if (site, columns.get("published", before[1])) != tuple(before[:2]):
        # Another portal or date (a re-extraction that reads the date line better): the index's
        # facet words follow, or a date filter would miss the article (archive/facets.py).
        _index_facets(db, article_id)


def _versions(db: Database) -> Table:
    return db.table("article_versions")


def _articles_of(db: Database, urls: list[str]) -> tuple[dict[str, int], set[str]]:
    """The archived article each of `urls` was seen under or redirected to (URLs never seen are left
    out), and those of them that only ever redirected to it."""
    distinct = list(dict.fromkeys(urls))
    marks = ", ".join("?" * len(distinct))
    rows = db.conn.execute(f"SELECT url, article_id, redirected FROM article_urls WHERE url IN ({marks})",
                           distinct).fetchall()
    return {url: int(article_id) for url, article_id, _ in rows}, {url for url, _, redirected in rows if redirected}


def _article_with_site_id(db: Database, site: str, site_article_id: str) -> int | None:
    row = db.execute(
        "SELECT id FROM articles WHERE site = ? AND site_article_id = ?", [site, site_article_id]
    ).fetchone()
    return None if row is None else int(row[0])


def _claim_site_id(db: Database, article_id: int, site: str, site_article_id: str) -> None:
    # An article archived before ids were recorded gets its id on its next fetch,
    # unless another article already holds it (the first one keeps it).
    db.execute(
        "UPDATE articles SET site_article_id = ? WHERE id = ? AND site_article_id IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM articles WHERE site = ? AND site_article_id = ?)",
        [site_article_id, article_id, site, site_article_id],
    )


def _article_with_content(db: Database, article: Article) -> int | None:
    # An empty text hashes the same on every page that has none (a video-only
    # post, a photo gallery): such pages are not the same article.
    if not article.text.strip():
        return None
    row = db.execute(
        "SELECT id FROM articles WHERE content_hash = ? ORDER BY id LIMIT 1",
        [article.content_hash],
    ).fetchone()
    return None if row is None else int(row[0])


def _latest_version(db: Database, article_id: int) -> dict[str, Any]:
    row = db.execute(
        "SELECT version, content_hash, raw_page_id FROM article_versions "
        "WHERE article_id = ? ORDER BY version DESC LIMIT 1",
        [article_id],
    ).fetchone()
    if row is None:
        raise LookupError(f"article {article_id} has no versions")
    return {"version": row[0], "content_hash": row[1], "raw_page_id": row[2]}


def _article_columns(article: Article) -> dict[str, Any]:
    return {
        "site": article.site,
        "title": article.title,
        "published": article.published,
        "published_month": article.published[:7] if article.published else None,
        "published_range": article.published_range,
        "author": article.author,
        "category": article.category,
        "summary": article.summary,
        "source": article.source,
        "text": article.text,
        "extraction": article.extraction,
        "content_hash": article.content_hash,
    }


# What re-extraction rewrites for an article whose text did not change: every column of
# _article_columns() but the text and its hash.
METADATA_COLUMNS = ("site", "title", "published", "published_month", "published_range", "author", "category",
                    "summary", "source", "extraction")


def metadata_columns(article: Article) -> dict[str, Any]:
    """The METADATA_COLUMNS of `article` as the archive stores them."""
    columns = _article_columns(article)
    return {column: columns[column] for column in METADATA_COLUMNS}


def _refresh_metadata(db: Database, article_id: int, article: Article) -> None:
    """Same text, fetched at its own canonical URL: that page's metadata is the article's.

    An article listed in two categories is served under two URLs whose breadcrumbs differ
    (.../1-2-34842 "Xây dựng Đảng", .../1-5-34842 "Chính quyền", both rel=canonical 1-2);
    whichever a crawl fetches first, the canonical page decides. An alias fetch never does.
    """
    indexed = "SELECT title, summary, site, published FROM articles WHERE id = ?"
    before = db.conn.execute(indexed, [article_id]).fetchone()
    _update_article(db, article_id, metadata_columns(article))
    if before is None or tuple(before) != tuple(db.conn.execute(indexed, [article_id]).fetchone()):
        _reindex_metadata(db, article_id, article)


def _reindex_metadata(db: Database, article_id: int, article: Article) -> None:
    """Both index rows of the article with its new title and lead and the facet words of its row; the
    text, unchanged, as the folded index holds it (not folded again)."""
    facets = _index_exact(db, article_id)
    conn = db.conn
    indexed = conn.execute(f"SELECT text FROM [{FTS_TABLE}] WHERE rowid = ?", [article_id]).fetchone()
    folded = indexed[0] if indexed is not None else fold(article.text)
    conn.execute(f"DELETE FROM [{FTS_TABLE}] WHERE rowid = ?", [article_id])
    _insert_indexed(db, FTS_TABLE, [article_id, fold(article.title), fold(article.summary or ""), folded], facets)


def _insert_article(
    db: Database, article: Article, seen_at: str, site_article_id: str | None, *, near_duplicate_of: int | None
) -> int:
    sitecounts.count(db, article.site, articles=1, near_duplicates=int(near_duplicate_of is not None))
    sitecounts.count_category(db, article.site, article.category, 1)
    return _insert(db, "articles", article_row(article, seen_at, site_article_id, near_duplicate_of=near_duplicate_of))


# --- the rows a new article's save writes, for a writer that inserts many at once (bench/fill.py) -----


def article_row(
    article: Article, seen_at: str, site_article_id: str | None, *, near_duplicate_of: int | None
) -> dict[str, Any]:
    """The articles row of a new article first seen at `seen_at`."""
    return {"url": article.url, **_article_columns(article), "site_article_id": site_article_id,
            "near_duplicate_of": near_duplicate_of, "first_seen": seen_at, "last_seen": seen_at}


def version_row(
    article_id: int, version: int, article: Article, raw_page_id: int | None, fetched_at: str
) -> dict[str, Any]:
    """The article_versions row of `article` as version `version` of article `article_id`."""
    return {"article_id": article_id, "version": version, "fetched_at": fetched_at, "title": article.title,
            "text": article.text, "content_hash": article.content_hash, "raw_page_id": raw_page_id,
            "extraction": article.extraction}


def raw_page_row(
    page: Page, *, fetched_at: str, article_id: int | None, digest: str, body: bytes,
    warc_record_id: str | None = None, refused: str | None = None,
) -> dict[str, Any]:
    """The raw_pages row of `page`: `digest` its body's sha256, `body` the body compressed
    (compress_body)."""
    row = {"url": page.url, "fetched_at": fetched_at, "status": page.status,
           "headers": json.dumps(page.headers, ensure_ascii=False, sort_keys=True), "body": body, "sha256": digest,
           "article_id": article_id, "compression": RAW_PAGE_COMPRESSION, "warc_record_id": warc_record_id}
    if refused is not None:
        row["refused"] = refused
    return row


def image_rows(article_id: int, images: tuple[Image, ...]) -> list[tuple[int, int, str, str | None]]:
    """The images rows of an article: (article_id, position, src, caption)."""
    return [(article_id, position, image.src, image.caption) for position, image in enumerate(images, start=1)]


def index_rows(article_id: int, article: Article, folded: str) -> dict[str, list[Any]]:
    """Both full-text tables' rows (rowid, title, summary, text, facets) for `article` as its
    articles row holds it; `folded` is fold(article.text)."""
    facets = facet_words(article.site, article.published)
    return {FTS_EXACT_TABLE: [article_id, article.title, article.summary, article.text, facets],
            FTS_TABLE: [article_id, fold(article.title), fold(article.summary or ""), folded, facets]}


def _add_version(
    db: Database, article_id: int, version: int, article: Article, page: Page | None, seen_at: str,
    warc_record_id: str | None = None,
) -> None:
    raw_page_id = None
    if page is not None:
        raw_page_id = store_raw_page(db, page, fetched_at=seen_at, article_id=article_id,
                                     warc_record_id=warc_record_id)
    _insert_version(db, article_id, version, article, raw_page_id, seen_at)


def _insert_version(
    db: Database, article_id: int, version: int, article: Article, raw_page_id: int | None, fetched_at: str
) -> None:
    # The articles row is the record's portal by now (_update_article or _insert_article before).
    sitecounts.count(db, article.site, versions=1)
    _insert(db, "article_versions", version_row(article_id, version, article, raw_page_id, fetched_at))


def _replace_images(db: Database, article_id: int, images: tuple[Image, ...]) -> None:
    db.conn.execute("DELETE FROM images WHERE article_id = ?", [article_id])
    if images:
        db.conn.executemany("INSERT INTO images (article_id, position, src, caption) VALUES (?, ?, ?, ?)",
                            image_rows(article_id, images))


def _index(db: Database, article_id: int, article: Article, *, folded: str | None = None) -> str:
    """Put the folded copy of the article's latest content in the full-text index.

    Returns the folded text (`folded` when the caller has it), which the near-duplicate
    signature is made of. The exact-diacritic index (articles_fts_exact) is rewritten from the
    articles row, which the caller has written first.
    """
    if folded is None:
        folded = fold(article.text)
    facets = _index_exact(db, article_id)
    db.conn.execute(f"DELETE FROM [{FTS_TABLE}] WHERE rowid = ?", [article_id])
    _insert_indexed(db, FTS_TABLE, [article_id, fold(article.title), fold(article.summary or ""), folded], facets)
    return folded


def _insert_indexed(db: Database, table: str, row: list[Any], facets: str) -> None:
    """One row (rowid, title, summary, text) of a full-text index, with its facet words."""
    try:
        db.conn.execute(f"INSERT INTO [{table}] (rowid, title, summary, text, {FACETS_COLUMN}) VALUES (?, ?, ?, ?, ?)",
                        [*row, facets])
    except sqlite3.OperationalError as error:
        # An index of a schema before m123 (a save made by an earlier migration with today's code, as
        # m005 does): m123 adds every article's facet words when it comes. Refused when the statement
        # is prepared: nothing was written.
        if f"no column named {FACETS_COLUMN}" not in str(error):
            raise
        db.conn.execute(f"INSERT INTO [{table}] (rowid, title, summary, text) VALUES (?, ?, ?, ?)", row)


def _index_exact(db: Database, article_id: int) -> str:
    """The exact-diacritic index's row for the article as the articles row now holds it; returns
    the row's facet words (its portal and month, archive/facets.py).

    Read, then inserted as values: `INSERT INTO fts5 table ... SELECT ... FROM articles` costs
    more than twice as much as the same row given as values."""
    conn = db.conn
    conn.execute(f"DELETE FROM [{FTS_EXACT_TABLE}] WHERE rowid = ?", [article_id])
    row = conn.execute("SELECT title, summary, text, site, published FROM articles WHERE id = ?",
                       [article_id]).fetchone()
    if row is None:
        return ""
    facets = facet_words(row[3], row[4])
    _insert_indexed(db, FTS_EXACT_TABLE, [article_id, *row[:3]], facets)
    return facets


def _index_facets(db: Database, article_id: int) -> None:
    """Both index rows of the article again, their words as they were, their facets from its row."""
    conn = db.conn
    facets = _index_exact(db, article_id)
    indexed = conn.execute(f"SELECT title, summary, text FROM [{FTS_TABLE}] WHERE rowid = ?", [article_id]).fetchone()
    if indexed is None:
        return
    conn.execute(f"DELETE FROM [{FTS_TABLE}] WHERE rowid = ?", [article_id])
    _insert_indexed(db, FTS_TABLE, [article_id, *indexed], facets)


def _touch(db: Database, article_id: int, seen_at: str) -> None:
    # max(): replaying an old crawl must not move last_seen backwards.
    db.execute(
        "UPDATE articles SET last_seen = max(coalesce(last_seen, ''), ?) WHERE id = ?",
        [seen_at, article_id],
    )


def _register_urls(db: Database, article_id: int, urls: list[str], redirects: list[str] | tuple[str, ...] = (),
                   when: str | None = None) -> None:
    """The article was seen at `urls` and reached through `redirects` (URLs that answered with a
    redirect to it). A URL already registered stays with the article it was first seen for; one that
    only redirected before and now served the article is one it was seen at from now on."""
    db.conn.executemany(
        "INSERT INTO article_urls (url, article_id, redirected) VALUES (?, ?, 0) ON CONFLICT(url) DO UPDATE"
        " SET redirected = 0 WHERE article_urls.article_id = excluded.article_id AND article_urls.redirected",
        [(url, article_id) for url in urls],
    )
    if redirects:
        db.conn.executemany(
            "INSERT OR IGNORE INTO article_urls (url, article_id, redirected) VALUES (?, ?, 1)",
            [(url, article_id) for url in redirects],
        )
        if when is not None:
            for url in redirects:
                redirect_back(db, article_id, url=url, when=when)


def _same_address(url: str, urls: list[str]) -> bool:
    """`url` is one of `urls` but for the scheme, "www.", the case of the path, a trailing slash or
    tracking parameters: a redirect from http:// to https:// leads to the page's own address."""
    # (imported here: the archive loads no more of the crawler than the record type and folding,
    # tests/test_layering.py; a save asks this only when the crawl was redirected)
    from crawler.extract.urls import address_key

    key = address_key(url)
    return any(address_key(other) == key for other in urls)


# --- the parts of a save, for an article that comes from another archive (archive/merge.py) ----------


@dataclass(frozen=True)
class StoredVersion:
    """One row of article_versions, as merge() reads and writes them."""

    fetched_at: str
    title: str
    text: str
    content_hash: str
    raw_page_id: int | None
    extraction: str | None


def article_versions(db: Database, article_id: int) -> list[StoredVersion]:
    """The article's versions, oldest first."""
    return [StoredVersion(*row) for row in db.execute(
        "SELECT fetched_at, title, text, content_hash, raw_page_id, extraction FROM article_versions"
        " WHERE article_id = ? ORDER BY version", [article_id])]


def replace_versions(db: Database, article_id: int, versions: list[StoredVersion]) -> None:
    """Make `versions` the article's versions, numbered 1, 2... in that order."""
    site, before = db.conn.execute(
        "SELECT site, (SELECT count(*) FROM article_versions WHERE article_id = articles.id) FROM articles"
        " WHERE id = ?", [article_id]).fetchone()
    sitecounts.count(db, site, versions=len(versions) - before)
    db.conn.execute("DELETE FROM article_versions WHERE article_id = ?", [article_id])
    db.conn.executemany(
        "INSERT INTO article_versions (article_id, version, fetched_at, title, text, content_hash, raw_page_id,"
        " extraction) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(article_id, number, v.fetched_at, v.title, v.text, v.content_hash, v.raw_page_id, v.extraction)
         for number, v in enumerate(versions, start=1)],
    )


def insert_article(db: Database, article: Article, *, first_seen: str, last_seen: str,
                   site_article_id: str | None, near_duplicate_of: int | None) -> int:
    """A new articles row for `article`; the caller adds its versions, URLs, images and index."""
    article_id = _insert_article(db, article, first_seen, site_article_id, near_duplicate_of=near_duplicate_of)
    _touch(db, article_id, last_seen)
    return article_id


def show_latest(db: Database, article_id: int, article: Article) -> None:
    """The articles row, images and search index show `article`, its latest content; its re-post
    link is found again."""
    _update_article(db, article_id, _article_columns(article))
    _replace_images(db, article_id, article.images)
    folded = _index(db, article_id, article)
    link_near_duplicate(db, article_id, article.text, folded=folded)


def index_new_article(db: Database, article_id: int, article: Article, hashvalues: Any) -> None:
    """Images, both full-text rows and the MinHash signature of an article just inserted."""
    _replace_images(db, article_id, article.images)
    _index(db, article_id, article)
    store_signature(db, article_id, hashvalues)


def seen_between(db: Database, article_id: int, first_seen: str, last_seen: str) -> None:
    """Widen the article's first and last sightings to include these."""
    db.execute("UPDATE articles SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) WHERE id = ?",
               [first_seen, last_seen, article_id])


def register_urls(db: Database, article_id: int, urls: list[str], redirects: frozenset[str] = frozenset()) -> None:
    """The article was seen under these URLs, those of `redirects` only redirecting to it (a URL
    already registered stays with its article; one it was seen at in either archive stays so)."""
    _register_urls(db, article_id, [url for url in urls if url not in redirects],
                   [url for url in urls if url in redirects])


def claim_site_id(db: Database, article_id: int, site: str, site_article_id: str) -> None:
    """The article gets the portal's id unless another article holds it."""
    _claim_site_id(db, article_id, site, site_article_id)


def article_with_site_id(db: Database, site: str, site_article_id: str) -> int | None:
    return _article_with_site_id(db, site, site_article_id)


def article_with_url(db: Database, urls: list[str]) -> int | None:
    """The article the first of `urls` already registered belongs to, as an address it was seen at
    (one that only redirected to it may since lead to another: a shortlink given a newer article)."""
    known, only_redirected = _articles_of(db, urls)
    return next((known[url] for url in urls if url in known and url not in only_redirected), None)


def article_with_content(db: Database, article: Article) -> int | None:
    """The first article whose latest content is `article`'s text (none for an empty text)."""
    return _article_with_content(db, article)


def copy_raw_page(db: Database, row: dict[str, Any], article_id: int) -> int:
    """A stored page of another archive, as stored there (compressed), unless this archive holds the
    same body already; returns its id here."""
    existing = db.execute("SELECT id FROM raw_pages WHERE sha256 = ?", [row["sha256"]]).fetchone()
    if existing is not None:
        return int(existing[0])
    return _insert(db, "raw_pages", {**{key: row[key] for key in (
        "url", "fetched_at", "status", "headers", "body", "sha256", "compression", "refused")},
        "article_id": article_id})
