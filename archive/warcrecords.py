"""WARC records as tinbai writes them (WARC 1.1, with warcio): shared by the crawl's WARC writer
(crawler/fetch/warc.py, the responses as received) and the archive's export (archive/query/webarchive.py,
the stored pages), so that both say the same things the same way.
"""

from __future__ import annotations

import importlib.metadata
import socket
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from typing import Any

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

WARC_VERSION = "1.1"
WARC_1_1_SPEC = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"


class RawHeaders(StatusAndHeaders):
    """HTTP headers written back as the bytes they were read as. warcio encodes a header block as
    ASCII and %-escapes any other byte; a server's header in UTF-8 ("Content-Disposition: attachment;
    filename=Nghị quyết.pdf") would be recorded altered. Values here are the received bytes decoded as
    Latin-1 (as Scrapy's headers are decoded for the archive), so encoding them as Latin-1 gives the
    same bytes back."""

    def compute_headers_buffer(self, header_filter: Any = None) -> None:
        self.headers_buff = self.to_bytes(header_filter, encoding="latin-1")


def status_line(status: int) -> str:
    """ "200 OK"; a status HTTP does not name (a portal's 499) stands alone."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest warcio writes for these bytes: "sha1:" and the base-32 SHA-1."""
    digester = Digester("sha1")
    digester.update(body)
    return str(digester)


def warc_date(moment: datetime | None = None) -> str:
    """WARC 1.1's date: UTC, microseconds ("2026-12-05T03:15:00.123456Z")."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_writer(out: Any) -> WARCWriter:
    """A WARC 1.1 writer into the binary file `out`, each record its own gzip member."""
    return WARCWriter(out, gzip=True, warc_version=WARC_VERSION)


def response_record(writer: WARCWriter, url: str, status: int, headers: list[tuple[str, str]], body: bytes, *,
                    date: str, protocol: str = "HTTP/1.1", extra: dict[str, str] | None = None) -> ArcWarcRecord:
    """A response record: the status line, `headers` (Latin-1 text) and `body` as they are."""
    http_headers = RawHeaders(status_line(status), headers, protocol=protocol)
    return writer.create_warc_record(
        url, "response", payload=BytesIO(body), length=len(body), http_headers=http_headers,
        warc_headers_dict={"WARC-Date": date, **(extra or {})},
    )


def tinbai_version() -> str:
    try:
        return importlib.metadata.version("tinbai")
    except importlib.metadata.PackageNotFoundError:  # a source tree never installed
        return "unknown"


def software() -> str:
    return f"tinbai/{tinbai_version()} (warcio/{importlib.metadata.version('warcio')})"


def warcinfo_record(writer: WARCWriter, filename: str, fields: dict[str, Any]) -> ArcWarcRecord:
    """The warcinfo record a WARC file begins with: tinbai and its version, the format, `fields`."""
    info = {
        "software": software(),
        "format": f"WARC File Format {WARC_VERSION}",
        "conformsTo": WARC_1_1_SPEC,
        "hostname": socket.gethostname(),
        **fields,
    }
    return writer.create_warcinfo_record(filename, info)
