"""Replay from web archives: a WARC, a directory of WARCs, or a WACZ, answered as the portal answered.

Data flow: `tinbai crawl --replay FILE|DIR` -> crawler.fetch.replay.ReplayDownloadHandler ->
WarcReplay.answer(url) -> the recorded status, headers and payload as received (still gzip-compressed
when the server sent gzip) -> Scrapy's middlewares (decompression, redirects, retries, robots.txt) as
in a live crawl.

Each URL is answered with its latest capture (by WARC-Date): a response record, or a revisit
(identical-payload-digest) with the payload of the record it refers to. A 304 revisit
(server-not-modified) stands for its earlier record; a conditional request (If-None-Match,
If-Modified-Since) that the served capture's ETag or Last-Modified satisfies is answered 304, as the
server would. A URL with no capture answers 404, as in a manifest replay. Records that cannot be
served (a revisit whose original is missing, a file cut short) are skipped and counted.

The archives are read once, into an index of where each capture lies (file, offset, length); a
capture's record is read again when it is asked for. WARCs are read with warcio, whatever wrote them:
a payload recorded with its chunked transfer coding (wget, warcprox) is served without it.
"""

from __future__ import annotations

import logging
import os
import zipfile
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz")
REVISIT_NOT_MODIFIED = "/revisit/server-not-modified"


class WarcReplayError(ValueError):
    """The path holds no web archive that can be replayed."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record lies: source (a file's index in WarcReplay.sources), offset and length in it."""

    source: int
    offset: int
    length: int


@dataclass(frozen=True, slots=True)
class Capture:
    """One URL's capture: the record whose status line and headers answer (`head`), and the record whose
    payload does (`body`: the same record, or the one a revisit refers to; None for a bare 304)."""

    date: str
    head: Location
    body: Location | None
    not_modified: bool = False


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class WarcReplay:
    """The captures of every WARC in `path` (a file, a directory of files, or a WACZ)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.sources: list[tuple[Path, str | None]] = []  # (file, WACZ member or None)
        self.captures: dict[str, Capture] = {}
        self.problems: list[str] = []
        self._zips: dict[Path, zipfile.ZipFile] = {}
        for file, member in _sources(self.path):
            self.sources.append((file, member))
        if not self.sources:
            raise WarcReplayError(f"{path}: neither a replay set (manifest.json) nor WARC files (*.warc, *.warc.gz,"
                                  " *.wacz) to replay")
        responses_by_id: dict[str, Location] = {}
        responses_by_digest: dict[tuple[str, str], Location] = {}
        revisits: list[tuple[str, str, Location, str, str, str]] = []
        records = 0
        for number in range(len(self.sources)):
            records += self._index(number, responses_by_id, responses_by_digest, revisits)
        for key, date, head, refers_to, digest, profile in revisits:
            body = responses_by_id.get(refers_to) or responses_by_digest.get((key, digest))
            not_modified = profile.endswith(REVISIT_NOT_MODIFIED)
            if body is None and not not_modified:
                self.problems.append(f"{self._name(head)} at {head.offset}: a revisit of {key} whose original"
                                     " is not in the archive")
                continue
            self._keep(key, Capture(date, head, body, not_modified=not_modified and body is None))
        if records == 0:
            raise WarcReplayError(f"{path}: no HTTP responses in its WARC records")
        for problem in self.problems:
            logger.error("WARC replay: %s", problem)

    def _index(self, number: int, by_id: dict[str, Location], by_digest: dict[tuple[str, str], Location],
               revisits: list[tuple[str, str, Location, str, str, str]]) -> int:
        """Index the responses of source `number`; returns how many HTTP responses and revisits it holds."""
        from crawler.fetch.replay import replay_key

        found = 0
        try:
            with self._open(number) as stream:
                iterator = ArchiveIterator(stream)
                for record in iterator:
                    kind = record.rec_type
                    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                    if kind not in ("response", "revisit") or not uri.startswith(("http://", "https://")):
                        continue
                    if not record.http_headers or not record.http_headers.get_statuscode().isdigit():
                        continue
                    found += 1
                    location = Location(number, iterator.get_record_offset(), iterator.get_record_length())
                    key = replay_key(uri)
                    date = record.rec_headers.get_header("WARC-Date") or ""
                    digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
                    if kind == "response":
                        record_id = record.rec_headers.get_header("WARC-Record-ID")
                        if record_id:
                            by_id[record_id] = location
                        if digest:
                            by_digest[(key, digest)] = location
                        self._keep(key, Capture(date, location, location))
                    else:
                        revisits.append((key, date, location, record.rec_headers.get_header("WARC-Refers-To") or "",
                                         digest, record.rec_headers.get_header("WARC-Profile") or ""))
        except (ArchiveLoadFailed, OSError, EOFError, ValueError, zipfile.BadZipFile) as error:
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            name = self._name(Location(number, 0, 0))
            if found == 0:
                raise WarcReplayError(f"{name}: not a readable WARC ({message})") from None
            self.problems.append(f"{name}: cut short after {found} records ({message})")
        return found

    def _keep(self, key: str, capture: Capture) -> None:
        """The latest capture answers; a bare 304 never hides a full one."""
        known = self.captures.get(key)
        if known is None:
            self.captures[key] = capture
        elif capture.date >= known.date and not (capture.not_modified and not known.not_modified):
            self.captures[key] = capture

    def _name(self, location: Location) -> str:
        file, member = self.sources[location.source]
        return f"{file}!{member}" if member else str(file)

    def _open(self, number: int) -> IO[bytes]:
        file, member = self.sources[number]
        if member is None:
            return open(file, "rb")  # noqa: SIM115 - the caller closes it
        archive = self._zips.get(file)
        if archive is None:
            archive = self._zips[file] = zipfile.ZipFile(file)
        return archive.open(member)

    def _record(self, location: Location) -> ArcWarcRecord:
        with self._open(location.source) as stream:
            stream.seek(location.offset)
            data = stream.read(location.length)
        return next(iter(ArchiveIterator(BytesIO(data))))

    def answer(self, key: str, request_headers: dict[str, str] | None = None) -> Answer | None:
        """The recorded answer to a GET of `key` (replay_key of the URL), or None when there is none."""
        capture = self.captures.get(key)
        if capture is None:
            return None
        head = self._record(capture.head)
        http: StatusAndHeaders = head.http_headers
        status = int(http.get_statuscode())
        headers = list(http.headers)
        body = b""
        if capture.body is not None:
            source = head if capture.body == capture.head else self._record(capture.body)
            body = _payload(source)
            if capture.body != capture.head:
                # The revisit's own status and headers when it has them (it answered this fetch),
                # else those of the record it refers to.
                if capture.not_modified or status == 304 or not headers:
                    http = source.http_headers
                    status, headers = int(http.get_statuscode()), list(http.headers)
        headers = [(name, value) for name, value in headers if name.lower() != "transfer-encoding"]
        if request_headers and status == 200 and _not_modified(headers, request_headers):
            kept = [(n, v) for n, v in headers if n.lower() in ("etag", "last-modified", "date", "cache-control")]
            return Answer(304, kept, b"")
        return Answer(status, headers, body)

    def close(self) -> None:
        for archive in self._zips.values():
            archive.close()
        self._zips.clear()


def _payload(record: ArcWarcRecord) -> bytes:
    """The payload as the server sent it (content coding kept), without a chunked transfer coding."""
    raw = record.raw_stream.read()
    if (record.http_headers.get_header("Transfer-Encoding") or "").lower() == "chunked":
        return bytes(ChunkedDataReader(BytesIO(raw), decomp_type=None).read())
    return bytes(raw)


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


def _not_modified(headers: list[tuple[str, str]], request: dict[str, str]) -> bool:
    """Would the server have answered this conditional request 304 (RFC 9110, 13.1.2 and 13.1.3)?"""
    wanted = {key.lower(): value for key, value in request.items()}
    etag = _header(headers, "ETag")
    if "if-none-match" in wanted:
        tags = [tag.strip() for tag in wanted["if-none-match"].split(",")]
        return etag is not None and (etag in tags or "*" in tags)
    last_modified = _header(headers, "Last-Modified")
    if "if-modified-since" in wanted and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(wanted["if-modified-since"])
        except (TypeError, ValueError):
            return False
    return False


def _sources(path: Path) -> list[tuple[Path, str | None]]:
    """The WARC files `path` holds, in name order (tinbai's names begin with the date): itself, the
    WARC and WACZ files of a directory (not its subdirectories), or the archive/ members of a WACZ."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith((*WARC_SUFFIXES, ".wacz")))
    elif path.is_file():
        files = [path]
    else:
        raise WarcReplayError(f"{path}: no such file or directory")
    sources: list[tuple[Path, str | None]] = []
    for file in files:
        if file.name.endswith(".wacz") or (not file.name.endswith(WARC_SUFFIXES) and zipfile.is_zipfile(file)):
            try:
                with zipfile.ZipFile(file) as archive:
                    members = sorted(name for name in archive.namelist()
                                     if name.startswith("archive/") and name.endswith(WARC_SUFFIXES))
            except (zipfile.BadZipFile, OSError) as error:
                raise WarcReplayError(f"{file}: not a readable WACZ ({error})") from None
            if not members:
                raise WarcReplayError(f"{file}: a ZIP without archive/*.warc.gz: not a WACZ")
            sources.extend((file, member) for member in members)
        else:
            sources.append((file, None))
    return sources


def load_warc_replay(path: str | Path) -> WarcReplay:
    """The index of the web archives at `path`, read once per process while they are unchanged (the
    command checks them before the crawl, and Scrapy makes the download handler twice)."""
    resolved = Path(path).resolve()
    return _load(resolved, _signature(resolved))


def _signature(path: Path) -> tuple[tuple[str, int, int], ...]:
    try:
        files = [path] if not path.is_dir() else sorted(path.iterdir())
        return tuple((str(file), file.stat().st_mtime_ns, file.stat().st_size) for file in files if file.is_file())
    except OSError as error:
        raise WarcReplayError(f"{path}: {os.strerror(error.errno or 0) or error}") from None


@lru_cache(maxsize=2)
def _load(path: Path, signature: tuple[tuple[str, int, int], ...]) -> WarcReplay:
    return WarcReplay(path)
