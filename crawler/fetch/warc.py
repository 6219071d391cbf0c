"""WARC out: every response the crawl receives, written as it arrives into WARC 1.1 files (ISO 28500),
the format web-archiving tools read (pywb, ReplayWeb.page, warcio, national libraries' ingest).

Data flow: network -> Scrapy's download handler -> WarcMiddleware (the downloader middleware nearest
the downloader: it sees each answer before retries, redirects and decompression) -> a response and a
request record in TINBAI_WARC (`tinbai crawl --warc DIR`). The response goes on to the spider with its
record's WARC-Record-ID in its meta (WARC_RECORD_META); the spider puts it on the FetchedArticle item,
and the archive keeps it with the raw page (raw_pages.warc_record_id).

What the records hold. The response record: the status line, the headers as Scrapy's download
handler received them (names spelled as Scrapy spells them: "X-Aspnet-Version"), and the body bytes
as received: still gzip-compressed when the server sent gzip. Twisted, under Scrapy, takes the
connection's own headers (Transfer-Encoding, Connection, Keep-Alive) and undoes the chunked transfer
coding before anything above it sees the answer, so those headers are not in the record and its body
is not chunked; Content-Length is the length received. The request record: the request line, Host
and the headers the request left the last middleware with (User-Agent, Accept-Encoding,
If-None-Match...).

Every file starts with a warcinfo record naming tinbai, its version, the site and the run. Each
record is one gzip member. A file is written as NAME.warc.gz.open and renamed NAME.warc.gz once
closed, at TINBAI_WARC_MAX_SIZE (1 GB) or at the end of the run; a run killed with -9 leaves its last
file .open, its records whole but the one being written.

Revisits: a re-fetch that returns the payload the same URL returned last time (same SHA-1 of the
bytes as received) is written as a revisit record (profile identical-payload-digest) that refers to
the first record, without the payload again; a 304 as a revisit record of profile
server-not-modified. What was last fetched from each URL is kept beside the WARC files, one file per
site (`<site>.payloads.tsv`: URL, payload digest, date, record id), so that the next runs into the
same directory find it: keep the directory whole.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.httpobj import urlparse_cached
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.warcrecords import (
    RawHeaders,
    new_writer,
    payload_digest,
    response_record,
    status_line,
    warc_date,
    warcinfo_record,
)
from crawler.fetch.middlewares import WARC_RECORD_META

logger = logging.getLogger(__name__)

DEFAULT_MAX_SIZE = 1 << 30
REVISIT_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
REVISIT_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


def header_pairs(headers: Any, *, drop: tuple[bytes, ...] = ()) -> list[tuple[str, str]]:
    """Scrapy Headers as (name, value) pairs in received order, one pair per value, as Latin-1 text."""
    pairs = []
    for name, values in headers.items():
        if name.lower() in drop:
            continue
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


@dataclass(frozen=True, slots=True)
class LastPayload:
    """What a URL's last full response record held: enough to write a revisit that refers to it."""

    digest: str
    date: str
    record_id: str


class PayloadIndex:
    """URL -> its last full response record, kept in `path` (tab-separated, appended a line per record,
    the last line of a URL wins) so that later runs into the same directory write revisits too."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.last: dict[str, LastPayload] = {}
        lines = 0
        if path.exists():
            with path.open("r", encoding="utf-8", errors="replace") as file:
                for line in file:
                    lines += 1
                    parts = line.rstrip("\n").split("\t")
                    if len(parts) == 4 and parts[1].startswith("sha1:"):
                        self.last[parts[0]] = LastPayload(parts[1], parts[2], parts[3])
        if lines > 2 * len(self.last) + 1000:
            self._compact()
        # One write() per line on a descriptor opened for appending: a line is never split or mixed
        # with another writer's.
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def _compact(self) -> None:
        """Rewrite the file with one line per URL (a listing page changes every run: its lines pile up)."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as file:
            for url, entry in self.last.items():
                file.write(f"{url}\t{entry.digest}\t{entry.date}\t{entry.record_id}\n")
        os.replace(tmp, self.path)

    def get(self, url: str) -> LastPayload | None:
        return self.last.get(url)

    def remember(self, url: str, entry: LastPayload) -> None:
        self.last[url] = entry
        os.write(self._fd, f"{url}\t{entry.digest}\t{entry.date}\t{entry.record_id}\n".encode())

    def close(self) -> None:
        os.close(self._fd)


class WarcFiles:
    """The run's WARC files in `directory`: NAME-00000.warc.gz, NAME-00001.warc.gz... each begun with a
    warcinfo record and closed (renamed from .open) once it reaches `max_size` bytes."""

    def __init__(self, directory: Path, name: str, max_size: int, info: dict[str, Any]) -> None:
        self.directory = directory
        self.name = name
        self.max_size = max_size
        self.info = info
        self.serial = 0
        self.file: IO[bytes] | None = None
        self.path: Path | None = None
        self.writer: WARCWriter | None = None
        self.closed: list[Path] = []

    def current(self) -> WARCWriter:
        """The writer of the file to write the next records into, a new file when the last is full."""
        if self.file is not None and self.file.tell() >= self.max_size:
            self.close()
        if self.writer is None:
            self._open()
        assert self.writer is not None
        return self.writer

    def _open(self) -> None:
        final = self.directory / f"{self.name}-{self.serial:05d}.warc.gz"
        self.serial += 1
        self.path = final
        # "x": a name already taken (another run started the same second) is never overwritten.
        self.file = open(final.with_name(final.name + ".open"), "xb")  # noqa: SIM115 - closed in close()
        self.writer = new_writer(self.file)
        self.writer.write_record(warcinfo_record(self.writer, final.name, self.info))

    def close(self) -> None:
        if self.file is None or self.path is None:
            return
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.path.with_name(self.path.name + ".open"), self.path)
        self.closed.append(self.path)
        self.file = self.writer = None


class WarcMiddleware:
    """Writes every response (and the request it answers) into the run's WARC files; enabled by
    TINBAI_WARC (crawler.fetch.replay.ReplayAddon puts it next to the downloader)."""

    def __init__(self, crawler: Crawler, directory: Path, max_size: int) -> None:
        self.crawler = crawler
        self.directory = directory
        self.max_size = max_size
        self.files: WarcFiles | None = None
        self.payloads: PayloadIndex | None = None
        self.records = 0
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcMiddleware:
        directory = crawler.settings.get("TINBAI_WARC")
        if not directory:
            raise NotConfigured("TINBAI_WARC is not set")
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        max_size = crawler.settings.getint("TINBAI_WARC_MAX_SIZE", DEFAULT_MAX_SIZE)
        if max_size <= 0:
            raise ValueError(f"TINBAI_WARC_MAX_SIZE must be a positive number of bytes, not {max_size}")
        middleware = cls(crawler, path, max_size)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def _open(self) -> WarcFiles:
        """The run's files, begun at its first response: by then the pipeline has started the run,
        whose id the warcinfo names."""
        site = getattr(self.crawler.spider, "name", "crawl")
        run = self.crawler.stats.get_value("tinbai/run") if self.crawler.stats else None
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        name = f"tinbai-{site}-{stamp}" + (f"-run{run}" if run is not None else "")
        settings = self.crawler.settings
        info = {
            "isPartOf": f"tinbai {site}" + (f" run {run}" if run is not None else ""),
            "description": f"Crawl of the portal {site} by tinbai, the news archive crawler",
            "tinbai-site": site,
            "tinbai-run": run,
            "operator": settings.get("TINBAI_CONTACT_URL"),
            "http-header-user-agent": settings.get("USER_AGENT"),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        }
        self.payloads = PayloadIndex(self.directory / f"{site}.payloads.tsv")
        return WarcFiles(self.directory, name, self.max_size, info)

    def process_response(self, request: Request, response: Response) -> Response:
        if self.failed:
            return response
        try:
            if self.files is None:
                self.files = self._open()
            payload_id = self._write(self.files.current(), request, response, warc_date())
        except OSError as error:
            # A full or vanished disk: the WARC would silently miss pages from here on. The page in
            # hand is still archived; the run stops and ends "interrupted", and says why.
            self.failed = True
            logger.error("cannot write the WARC in %s (%s); closing the crawl", self.directory, error)
            self._close_crawl()
            return response
        request.meta[WARC_RECORD_META] = payload_id
        self.records += 1
        return response

    def _close_crawl(self) -> None:
        try:
            engine = self.crawler.engine
        except RuntimeError:  # no crawl running (the middleware used on its own)
            return
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason="warc_write_failed"))

    def _write(self, writer: WARCWriter, request: Request, response: Response, date: str) -> str:
        """Write the response (or a revisit) and its request; returns the id of the record that holds
        the payload: the response's own, or for a revisit the earlier record it refers to."""
        assert self.payloads is not None
        url = response.url
        body = response.body
        headers = header_pairs(response.headers)
        extra = {"WARC-IP-Address": str(response.ip_address)} if response.ip_address else {}
        protocol = response.protocol if response.protocol and response.protocol.startswith("HTTP/1") else "HTTP/1.1"
        earlier = self.payloads.get(url)
        digest = payload_digest(body)
        record: ArcWarcRecord
        if response.status == 304:
            record = self._revisit(writer, url, RawHeaders(status_line(304), headers, protocol=protocol),
                                   REVISIT_NOT_MODIFIED, earlier, date, extra)
        elif body and earlier is not None and earlier.digest == digest:
            record = self._revisit(writer, url, RawHeaders(status_line(response.status), headers, protocol=protocol),
                                   REVISIT_IDENTICAL, earlier, date, extra)
        else:
            record = response_record(writer, url, response.status, headers, body, date=date, protocol=protocol,
                                     extra=extra)
        writer.write_request_response_pair(self._request_record(writer, request, url), record)
        record_id = str(record.rec_headers.get_header("WARC-Record-ID"))
        if record.rec_type == "response" and body:
            self.payloads.remember(url, LastPayload(digest, date, record_id))
        if record.rec_type == "revisit" and earlier is not None:
            return earlier.record_id
        return record_id

    @staticmethod
    def _revisit(writer: WARCWriter, url: str, http_headers: StatusAndHeaders, profile: str,
                 earlier: LastPayload | None, date: str, extra: dict[str, str]) -> ArcWarcRecord:
        warc_headers = {"WARC-Date": date, "WARC-Profile": profile, **extra}
        if earlier is not None:
            warc_headers.update({
                "WARC-Refers-To": earlier.record_id, "WARC-Refers-To-Target-URI": url,
                "WARC-Refers-To-Date": earlier.date, "WARC-Payload-Digest": earlier.digest,
            })
        return writer.create_warc_record(url, "revisit", http_headers=http_headers, warc_headers_dict=warc_headers)

    @staticmethod
    def _request_record(writer: WARCWriter, request: Request, url: str) -> ArcWarcRecord:
        """The request as it left the last middleware, with the Host header the HTTP client adds."""
        parsed = urlparse_cached(request)
        target = parsed.path or "/"
        if parsed.query:
            target += "?" + parsed.query
        host = parsed.hostname or ""
        if parsed.port and parsed.port != {"http": 80, "https": 443}.get(parsed.scheme):
            host += f":{parsed.port}"
        headers = [("Host", host), *header_pairs(request.headers, drop=(b"host",))]
        http_headers = RawHeaders(f"{request.method} {target} HTTP/1.1", headers, is_http_request=True)
        body = request.body or b""
        # The target URI and date are the response's (write_request_response_pair sets them).
        return writer.create_warc_record(url, "request", payload=BytesIO(body), length=len(body),
                                         http_headers=http_headers)

    def spider_closed(self) -> None:
        if self.files is not None:
            self.files.close()
            logger.info("WARC: %d responses in %s", self.records, ", ".join(str(p) for p in self.files.closed))
        if self.payloads is not None:
            self.payloads.close()
