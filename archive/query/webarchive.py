"""Export to web-archive formats: the stored pages of the selected articles as WARC 1.1, or as a WACZ 1.1.1
that ReplayWeb.page and pywb open.

Data flow: `tinbai export --format warc|wacz [filters] -o FILE` -> stored_pages() (every version's raw
page of every article the filters select, oldest fetch first, streamed) -> write_warc(): a warcinfo
record, then one response record per page: its URL, its fetch time as WARC-Date, its stored status and
headers, its body -> for WACZ, py-wacz (the format's reference implementation) indexes that WARC (CDXJ)
and packages it with pages/pages.jsonl (one page per stored version: URL, fetch time, title) and
datapackage.json (every file's SHA-256).

The archive stores a page's body decoded (gzip undone by the crawl, before extraction), so the stored
Content-Encoding is not repeated, and Content-Length is the stored body's length: the record's body is
exactly what a reader gets. The WARCs written by `tinbai crawl --warc` hold the bytes as received.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlite_utils import Database

from archive.query.filters import Filters, register_functions
from archive.store import decompress_body
from archive.warcrecords import new_writer, response_record, software, warc_date, warcinfo_record

# Stored pages fetched from SQLite at a time: a page is 10-20 KB compressed.
BATCH = 100
# Headers that described the bytes on the wire, not the stored body.
_NOT_STORED = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass(frozen=True)
class StoredPage:
    """One raw page as exported: `title` and `version` are those of the latest version that it holds."""

    raw_page_id: int
    url: str
    fetched_at: str
    status: int
    headers: dict[str, str]
    body: bytes
    article_id: int
    version: int
    title: str
    warc_record_id: str | None


def stored_pages(db: Database, filters: Filters | None = None) -> Iterator[StoredPage]:
    """The raw page of every version of every selected article, each page once, oldest fetch first."""
    where, params = (filters or Filters()).where()
    register_functions(db.conn)
    # max(version) picks, for a page that two versions share (a re-extraction), the later one's title.
    cursor = db.conn.execute(
        "SELECT raw_pages.id, raw_pages.url, raw_pages.fetched_at, raw_pages.status, raw_pages.headers,"
        " raw_pages.body, raw_pages.compression, raw_pages.warc_record_id, article_versions.article_id,"
        " max(article_versions.version), article_versions.title"
        " FROM article_versions JOIN articles ON articles.id = article_versions.article_id"
        " JOIN raw_pages ON raw_pages.id = article_versions.raw_page_id"
        f" WHERE {where} GROUP BY raw_pages.id ORDER BY raw_pages.fetched_at, raw_pages.id",
        params,
    )
    while rows := cursor.fetchmany(BATCH):
        for (raw_page_id, url, fetched_at, status, headers, body, compression, warc_record_id, article_id,
             version, title) in rows:
            yield StoredPage(
                raw_page_id=raw_page_id, url=url, fetched_at=fetched_at, status=status or 200,
                headers=json.loads(headers or "{}"), body=decompress_body(body, compression),
                article_id=article_id, version=version, title=title, warc_record_id=warc_record_id,
            )


def exported_headers(page: StoredPage) -> list[tuple[str, str]]:
    headers = [(name, value) for name, value in page.headers.items() if name.lower() not in _NOT_STORED]
    return [*headers, ("Content-Length", str(len(page.body)))]


def record_date(fetched_at: str) -> str:
    """The archive's fetch time ("2026-12-05T03:15:00+00:00", UTC) as a WARC-Date."""
    return warc_date(datetime.fromisoformat(fetched_at))


def write_warc(pages: Iterator[StoredPage], out: BinaryIO, *, filename: str, description: str) -> list[StoredPage]:
    """Write a WARC of `pages` into `out`; returns what was written (bodies left out), for pages.jsonl."""
    writer = new_writer(out)
    writer.write_record(warcinfo_record(writer, filename, {
        "isPartOf": "tinbai archive export",
        "description": description,
    }))
    written: list[StoredPage] = []
    for page in pages:
        writer.write_record(response_record(writer, page.url, page.status, exported_headers(page), page.body,
                                            date=record_date(page.fetched_at)))
        written.append(replace(page, body=b""))
    return written


def page_entries(pages: list[StoredPage]) -> Iterator[dict[str, str]]:
    """pages/pages.jsonl's entries (WACZ 1.1.1): URL, fetch time (RFC 3339), title, an id."""
    for page in pages:
        yield {"id": f"a{page.article_id}v{page.version}", "url": page.url,
               "ts": record_date(page.fetched_at), "title": page.title}


def write_wacz(pages: Iterator[StoredPage], path: Path, *, title: str, description: str) -> list[StoredPage]:
    """Write a WACZ of `pages` at `path`: the WARC (archive/), its CDXJ index (indexes/), the pages
    (pages/pages.jsonl) and datapackage.json, made by py-wacz. Returns the pages written."""
    from wacz.main import main as wacz_main

    stem = path.name.removesuffix(".wacz") or "tinbai"
    with tempfile.TemporaryDirectory(prefix=".tinbai-wacz-", dir=path.parent) as work:
        warc = Path(work) / f"{stem}.warc.gz"
        with warc.open("wb") as out:
            written = write_warc(pages, out, filename=warc.name, description=description)
        listing = Path(work) / "pages.jsonl"
        with listing.open("w", encoding="utf-8") as out:
            out.write(json.dumps({"format": "json-pages-1.0", "id": "pages", "title": title}) + "\n")
            for entry in page_entries(written):
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        # Written beside the target and renamed: a failed export leaves no half WACZ under its name.
        partial = Path(work) / path.name
        said = io.StringIO()
        with contextlib.redirect_stdout(said):  # py-wacz reports its steps on standard output
            code = wacz_main(["create", "-o", str(partial), "-p", str(listing), "--title", title,
                              "--desc", f"{description}\n\nMade by {software()}.", str(warc)])
        if code != 0:
            raise RuntimeError(f"py-wacz could not package the WACZ: {said.getvalue().strip()[-300:]}")
        os.replace(partial, path)
    return written
