"""Saved pages: replaying a directory instead of the network, and recording a live crawl into one.

A replay set is a directory with manifest.json:
    {"pages": [{"url": ..., "file": "pages/home.html", "status": 200, "headers": {...}}, ...]}
`status` defaults to 200, `headers` to Content-Type: text/html; charset=utf-8, `file` is the raw
body relative to the directory. A URL not in the manifest answers 404.

Replay is a Scrapy download handler, so everything above the network (robots.txt, redirects,
retries, decompression, offsite filtering) runs exactly as in a live crawl. The same handler replays
web archives (a WARC, a directory of WARCs, a WACZ: crawler/fetch/warcreplay.py) when TINBAI_REPLAY
names one instead of a manifest directory.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_plus, urlsplit

from scrapy import Request
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadCancelledError, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings
from w3lib.url import safe_url_string

logger = logging.getLogger(__name__)

DEFAULT_HEADERS = {"Content-Type": "text/html; charset=utf-8"}


class ManifestError(ValueError):
    pass


def replay_key(url: str) -> str:
    """Manifest URLs and requested URLs compare after the same escaping, without fragment, and with
    the query's names and values as the server reads them: a web server decodes them before it
    looks, so "+" and "%20" are one space and "%3a" is "%3A". SharePoint's paging links write
    "p_NgayDang=20250108%2002%3a45%3a00", which canonical_url() (w3lib) spells
    "p_NgayDang=20250108+02%3A45%3A00": one page to the portal, one page here."""
    key = safe_url_string(url.split("#", 1)[0])
    base, mark, query = key.partition("?")
    if not mark or ("%" not in query and "+" not in query):
        return key
    return base + "?" + "&".join(_decoded_pair(pair) for pair in query.split("&"))


def _decoded_pair(pair: str) -> str:
    return "=".join(quote(unquote_plus(part), safe=_QUERY_KEEP) for part in pair.split("=", 1))


# What the key keeps unescaped in a query's names and values (everything else is escaped alike).
_QUERY_KEEP = "!$'()*,/:;@~"


@dataclass(frozen=True, slots=True)
class SavedPage:
    """One manifest entry. A replay set of 20,000 pages is held in memory for the whole crawl: the
    file is kept as a string and equal headers as one shared mapping (1.5 KB an entry otherwise)."""

    url: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_HEADERS))
    path: str | None = None

    @property
    def file(self) -> Path | None:
        return Path(self.path) if self.path is not None else None


def _inside(root: Path, relative: str, directories: dict[str, str]) -> str:
    """The entry's file, resolved; ManifestError when it lies outside the replay directory, by
    ".." or through a symbolic link. `directories` caches the resolved directories of one load:
    resolving every component of every path (Path.resolve) took 1.7 s for 20,000 entries."""
    base = str(root)
    directory, name = os.path.split(os.path.join(base, relative))
    if name in ("", ".", ".."):
        path = os.path.realpath(os.path.join(base, relative))
    else:
        real = directories.get(directory)
        if real is None:
            real = directories[directory] = os.path.realpath(directory)
        path = os.path.join(real, name)
        if os.path.islink(path):
            path = os.path.realpath(path)
    if not path.startswith(base.rstrip(os.sep) + os.sep):
        raise ManifestError(f"file {relative!r} lies outside the replay directory")
    return path


def load_manifest(directory: str | Path, *, skipped: list[str] | None = None) -> dict[str, SavedPage]:
    """Read a replay set. Bad entries are skipped with a logged error (and their messages appended
    to `skipped`); a missing or unreadable manifest raises ManifestError.

    Read once per process while manifest.json is unchanged: `tinbai crawl` checks the set before
    starting and Scrapy makes the handler twice (http, https), and with 20,000 pages each reading
    (every entry's file resolved and checked) took a second. The mapping returned is shared."""
    root = Path(directory).resolve()
    manifest = root / "manifest.json"
    try:
        stat = manifest.stat()
    except OSError as error:
        raise ManifestError(f"{manifest}: not a replay manifest ({error})") from None
    pages, problems = _load_manifest(root, stat.st_mtime_ns, stat.st_size)
    if skipped is not None:
        skipped.extend(problems)
    return pages


@lru_cache(maxsize=4)
def _load_manifest(root: Path, mtime_ns: int, size: int) -> tuple[dict[str, SavedPage], tuple[str, ...]]:
    try:
        data = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        entries = data["pages"]
        if not isinstance(entries, list):
            raise TypeError("'pages' is not a list")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ManifestError(f"{root / 'manifest.json'}: not a replay manifest ({error})") from None
    pages: dict[str, SavedPage] = {}
    problems: list[str] = []
    directories: dict[str, str] = {}
    for number, entry in enumerate(entries):
        try:
            pages[replay_key(entry["url"])] = _saved_page(root, entry, directories)
        except (KeyError, TypeError, ValueError) as error:
            logger.error("manifest entry %d skipped: %s", number, error)
            problems.append(f"entry {number}: {error}")
    return pages, tuple(problems)


def _saved_page(root: Path, entry: dict[str, Any], directories: dict[str, str]) -> SavedPage:
    url = entry["url"]
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"bad url {url!r}")
    status = int(entry.get("status", 200))
    if not 100 <= status <= 599:
        raise ValueError(f"bad status {status}")
    headers = entry.get("headers")
    if headers is None:
        headers = dict(DEFAULT_HEADERS) if "file" in entry else {}
    if not isinstance(headers, dict):
        raise ValueError("headers must be an object")
    file = _inside(root, entry["file"], directories) if entry.get("file") else None
    if file is not None and not os.path.isfile(file):
        raise ValueError(f"file {entry['file']!r} is missing")
    return SavedPage(url=url, status=status, headers=_shared(tuple((str(k), str(v)) for k, v in headers.items())),
                     path=file)


@lru_cache(maxsize=1024)
def _shared(items: tuple[tuple[str, str], ...]) -> dict[str, str]:
    # Read only: the handler copies them into each response's Headers.
    return dict(items)


def is_web_archive(path: str | Path) -> bool:
    """Whether `path` names a WARC, a WACZ or a directory of them, rather than a manifest replay set."""
    path = Path(path)
    if path.is_dir():
        return not (path / "manifest.json").exists()
    return path.exists()


def check_replay_source(path: str | Path) -> None:
    """Read what `--replay` names (a manifest directory or web archives) once before the crawl, so a
    bad one is a clear error (ManifestError) instead of a failed start."""
    if not is_web_archive(path):
        load_manifest(path)
        return
    from crawler.fetch.warcreplay import WarcReplayError, load_warc_replay

    try:
        load_warc_replay(path)
    except WarcReplayError as error:
        raise ManifestError(str(error)) from None


class ReplayDownloadHandler(BaseDownloadHandler):
    """Answers http(s) requests from a replay set or web archives: the network is never touched."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        directory = crawler.settings.get("TINBAI_REPLAY")
        if not directory:
            raise NotConfigured("TINBAI_REPLAY is not set")
        skipped: list[str] = []
        self.pages: dict[str, SavedPage] = {}
        self.archives: Any = None  # a crawler.fetch.warcreplay.WarcReplay, imported only when replayed
        if is_web_archive(directory):
            from crawler.fetch.warcreplay import load_warc_replay

            self.archives = load_warc_replay(directory)
            skipped = list(self.archives.problems)
        else:
            self.pages = load_manifest(directory, skipped=skipped)
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        if skipped and crawler.stats is not None:
            # Counted as the run's errors by crawler.pipelines (ERROR_STATS_PREFIX); max, not a
            # sum: the handler is made once for http and once for https.
            crawler.stats.max_value("tinbai/errors/bad_manifest_entry", len(skipped))

    async def download_request(self, request: Request) -> Response:
        if self.archives is not None:
            return self._from_archives(request)
        # A request's URL is already escaped (scrapy.Request does it): mostly found as it is.
        saved = self.pages.get(request.url.split("#", 1)[0]) or self.pages.get(replay_key(request.url))
        if saved is None:
            return Response(url=request.url, status=404, body=b"", request=request)
        body = b""
        if saved.path is not None:
            with open(saved.path, "rb") as file:
                body = file.read()
        self._check_size(request, body)
        headers = Headers(saved.headers)
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return response_class(url=request.url, status=saved.status, headers=headers, body=body, request=request)

    def _from_archives(self, request: Request) -> Response:
        conditional = {name: value.decode("latin-1") for name in ("If-None-Match", "If-Modified-Since")
                       if (value := request.headers.get(name))}
        answer = self.archives.answer(replay_key(request.url), conditional)
        if answer is None:
            return Response(url=request.url, status=404, body=b"", request=request)
        self._check_size(request, answer.body)
        headers = Headers()
        for name, value in answer.headers:
            headers.appendlist(name, value)
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=answer.body)
        return response_class(url=request.url, status=answer.status, headers=headers, body=answer.body,
                              request=request)

    def _check_size(self, request: Request, body: bytes) -> None:
        maxsize = request.meta.get("download_maxsize", self.maxsize)
        if maxsize and len(body) > maxsize:
            # What the live download handler raises for a body over DOWNLOAD_MAXSIZE.
            raise DownloadCancelledError(
                f"Received {len(body)} bytes which is larger than download max size ({maxsize}) in request {request}."
            )


class RecorderMiddleware:
    """Saves every response, as received (before decompression or redirects), into a replay set.

    File names are derived from a hash of the URL, so no URL can make a file land outside the
    directory. The manifest is rewritten atomically every `TINBAI_RECORD_FLUSH` pages and at the end.
    """

    def __init__(self, directory: str, flush_every: int = 50) -> None:
        self.root = Path(directory).resolve()
        (self.root / "pages").mkdir(parents=True, exist_ok=True)
        self.flush_every = flush_every
        self.entries: dict[str, dict[str, Any]] = {}
        manifest = self.root / "manifest.json"
        if manifest.exists():
            for entry in json.loads(manifest.read_text(encoding="utf-8")).get("pages", []):
                self.entries[entry["url"]] = entry

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecorderMiddleware:
        directory = crawler.settings.get("TINBAI_RECORD")
        if not directory:
            raise NotConfigured
        middleware = cls(directory, crawler.settings.getint("TINBAI_RECORD_FLUSH", 50))
        from scrapy import signals

        crawler.signals.connect(middleware.write_manifest, signal=signals.spider_closed)
        return middleware

    def process_response(self, request: Request, response: Response) -> Response:
        name = hashlib.sha256(response.url.encode("utf-8")).hexdigest()[:32]
        entry: dict[str, Any] = {
            "url": response.url,
            "status": response.status,
            "headers": {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()},
        }
        if response.body:
            relative = f"pages/{name}"
            target = self.root / relative
            # The name is a hash; the check is for a pages/ that was made a symlink to elsewhere.
            if not target.parent.resolve().is_relative_to(self.root):
                raise ManifestError(f"{target.parent} lies outside the recording directory")
            target.write_bytes(response.body)
            entry["file"] = relative
        self.entries[response.url] = entry
        if len(self.entries) % self.flush_every == 0:
            self.write_manifest()
        return response

    def write_manifest(self) -> None:
        data = json.dumps({"pages": list(self.entries.values())}, ensure_ascii=False, indent=1)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".manifest-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(data)
        os.replace(tmp, self.root / "manifest.json")


class ReplayAddon:
    """`-s TINBAI_REPLAY=DIR` swaps the network for a replay set and drops politeness delays
    (there is no server to spare); `-s TINBAI_RECORD=DIR` records what a crawl fetches as a replay
    set, `-s TINBAI_WARC=DIR` as WARC files (crawler/fetch/warc.py).

    `-s TINBAI_REPLAY_DELAY=SECONDS` keeps a live crawl's politeness on a replay, with that delay:
    one request at a time per host, the delay between two, AutoThrottle. Portals crawled side by
    side then take the time their politeness takes, as live (bench/parallel.py measures it)."""

    def update_settings(self, settings: BaseSettings) -> None:
        # "spider" priority: above the project's polite defaults, below -s on the command line.
        if settings.get("TINBAI_REPLAY"):
            handler = "crawler.fetch.replay.ReplayDownloadHandler"
            settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, priority="spider")
            delay = settings.getfloat("TINBAI_REPLAY_DELAY")
            if delay > 0:
                settings.set("DOWNLOAD_DELAY", delay, priority="spider")
                settings.set("AUTOTHROTTLE_START_DELAY", delay, priority="spider")
            else:
                settings.set("DOWNLOAD_DELAY", 0, priority="spider")
                settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
                settings.set("CONCURRENT_REQUESTS", 32, priority="spider")
                settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 32, priority="spider")
            # No proxy tunnel to fail: naming Scrapy's TunnelError imports its HTTP/1.1 handler
            # (0.05-0.18 s of a start), which a replay never uses.
            retried = [name for name in settings.getlist("RETRY_EXCEPTIONS") if not str(name).endswith(".TunnelError")]
            settings.set("RETRY_EXCEPTIONS", retried, priority="spider")
        if settings.get("TINBAI_RECORD"):
            middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
            # 950: closest to the downloader, so responses are saved before redirects are
            # followed and before gzip is undone: the bytes exactly as the server sent them.
            middlewares["crawler.fetch.replay.RecorderMiddleware"] = 950
            settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")
        if settings.get("TINBAI_WARC"):
            middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
            # 960: nearer the downloader still; named here, so that warcio is imported only when asked for.
            middlewares["crawler.fetch.warc.WarcMiddleware"] = 960
            settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")
