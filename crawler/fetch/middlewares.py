"""Downloader middlewares between the spider's requests and the network: Retry-After honoured,
redirects that leave the portal or go round in circles refused with a named error, meta refresh
looked for without decoding every page, and downloads counted without rebuilding each request's
HTTP text. Plus the request fingerprints the duplicate filter keys on, the addon that writes the
contact URL into the user agent, and the one that leaves unused components unloaded.

What they refuse they raise as Refused, with its ErrorKind; error_kind() names every other failure
by its type. The spider's errback turns both into CrawlError items (crawler/fetch/spider.py).
"""

from __future__ import annotations

import logging
import time
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.downloadermiddlewares.stats import DownloaderStats
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.utils.asyncio import call_later
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.request import RequestFingerprinter
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.internet import error as twisted_errors
from w3lib.url import safe_url_string

from crawler.extract.record import ErrorKind

logger = logging.getLogger(__name__)

# The request meta key under which crawler.fetch.warc.WarcMiddleware leaves the WARC-Record-ID of the
# record holding a response's payload, for the spider to put on the item (and the archive on the
# raw page). Here, not in that module, so that a crawl without --warc never imports warcio.
WARC_RECORD_META = "warc_record_id"


class UrlFingerprinter:
    """Scrapy's request fingerprints (REQUEST_FINGERPRINTER_CLASS), which its duplicate filter keys
    on, as the URL itself for a GET without a body, fragment left out: the spider's URLs are
    canonical already (crawler/extract/urls.py), and a redirect's target is Scrapy's escaped
    Location. Scrapy's own canonicalises every request's URL again and hashes it with its method
    and body; it still fingerprints any other request."""

    def __init__(self, crawler: Crawler | None = None) -> None:
        self._scrapy = RequestFingerprinter(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UrlFingerprinter:
        return cls(crawler)

    def fingerprint(self, request: Request) -> bytes:
        if request.method == "GET" and not request.body:
            return request.url.split("#", 1)[0].encode("utf-8")
        return self._scrapy.fingerprint(request)


class Refused(IgnoreRequest):
    """A request or response the crawl will not follow; `kind` is what the run counts it as, and
    `response` what was answered, when it is worth keeping (a redirect off an article)."""

    def __init__(self, kind: ErrorKind, message: str, response: Response | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.response = response


def leaves_the_article(crawler: Crawler, request: Request, target: str) -> bool:
    """Does a redirect of an article request lead off the article: to the home page, or, on a
    portal whose profile says which URLs are articles, to any other page (a listing, an error page:
    "/Error.aspx?aspxerrorpath=...")? That is how portals answer for an article they took down (a
    soft 404). A redirect to an article URL (a renamed slug, https) is followed; on a portal without
    a profile, so is any redirect but to the home page (its crawl learns what its articles are)."""
    if request.meta.get("page_type") != "article":
        return False
    profile = getattr(crawler.spider, "profile", None)
    if profile is None:
        return False
    path = urlsplit(target).path.rstrip("/")
    homes = [urlsplit(url).path.rstrip("/") for url in getattr(profile, "start_urls", ())]
    if path in ("", *homes):
        return True
    return bool(getattr(profile, "article_pattern", None)) and not profile.is_article(target)


def retry_after_seconds(value: bytes | None, now: float | None = None) -> float | None:
    """Retry-After is either seconds ("120") or an HTTP date ("Fri, 21 Nov 2026 08:00:00 GMT")."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, which retries a 503 or 429 at once, made to wait as the server asks.

    A 503 with "Retry-After: 30" pauses the host's download slot for 30 s, so not only the retry
    but every request queued for that host waits: the server said it is overloaded. A wait longer
    than TINBAI_RETRY_AFTER_MAX is not waited for: the request fails now (counted, and retried by
    the next run) instead of stalling the crawl.
    """

    RETRY_AFTER_CODES = (429, 503)

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("TINBAI_RETRY_AFTER_MAX", 120.0)
        self.paused_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if response.status in self.RETRY_AFTER_CODES and not request.meta.get("dont_retry"):
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is not None:
                if wait > self.max_wait:
                    logger.warning("%s asks to come back in %.0f s; not retrying %s this run",
                                   response.status, wait, request.url)
                    return response
                self._pause(request, wait)
        return super().process_response(request, response)

    def _pause(self, request: Request, wait: float) -> None:
        """Hold the host's download slot: the downloader does not start a request from a slot
        whose `latercall` is pending (scrapy/core/downloader/__init__.py, _process_queue)."""
        downloader = self.crawler.engine.downloader if self.crawler.engine else None
        if downloader is None:
            return
        key = downloader.get_slot_key(request)
        until = time.monotonic() + wait
        if until <= self.paused_until.get(key, 0.0):
            return
        self.paused_until[key] = until
        slot = downloader.slots.get(key)
        if slot is None:
            return
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(wait, downloader._latercall, slot)
        logger.info("%s: Retry-After %.1f s, pausing %s", response_host(request), wait, key)


class DownloadCounts(DownloaderStats):
    """Scrapy's DownloaderStats without measuring bytes it has to rebuild: that middleware renders
    every request as HTTP text (request_httprepr) and sums every response header to count the
    bytes, for a figure the run never reports. Same stats names and the same DOWNLOADER_STATS switch;
    downloader/response_bytes counts bodies only, and there is no downloader/request_bytes.
    crawler/fetch/pipeline.py reads downloader/response_count as the run's pages."""

    def process_request(self, request: Request, spider: Any = None) -> None:
        self.stats.inc_value("downloader/request_count")
        self.stats.inc_value(f"downloader/request_method_count/{request.method}")

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        self.stats.inc_value("downloader/response_count")
        self.stats.inc_value(f"downloader/response_status_count/{response.status}")
        self.stats.inc_value("downloader/response_bytes", len(response.body))
        return response


class CheapMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, which decodes every HTML response (response.text, the whole
    body) to look for <meta http-equiv="refresh"> in its first 4,096 characters, asked only when
    the raw bytes could hold one: in UTF-8 and the single-byte encodings, the ASCII word "refresh"
    is in those characters only if its bytes are in the first 4 x 4,096 bytes. An article page
    is otherwise never decoded by the crawl (extraction reads the bytes).

    A refresh off the portal, or one redirect too many, is refused with its kind, as
    RedirectGuardMiddleware refuses a Location header's. An error page's refresh is not followed:
    the answer is the error (NukeViet's 404 for a removed article refreshes to the news module's
    home, which must not be fetched as that article)."""

    _WINDOW = 4 * 4096

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        if response.status >= 400:
            return response
        head = response.body[: self._WINDOW]
        ascii_compatible = not head.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" not in head
        if ascii_compatible and b"refresh" not in head.lower():
            return response
        try:
            result = super().process_response(request, response)
        except IgnoreRequest:  # the one it raises: the chain is longer than REDIRECT_MAX_TIMES
            raise Refused(ErrorKind.REDIRECT_LOOP, f"{request.url}: too many redirects") from None
        if isinstance(result, Request):
            profile = getattr(self.crawler.spider, "profile", None)
            if profile is not None and not profile.owns(result.url):
                raise Refused(ErrorKind.OFFSITE_REDIRECT, f"{request.url} refreshes off the portal, to {result.url}")
            if leaves_the_article(self.crawler, request, result.url):
                raise Refused(ErrorKind.SOFT_404, f"refreshes off the article, to {result.url}", response)
        return result


class SizedCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's HttpCompressionMiddleware, whose one refusal (a body that grows past DOWNLOAD_MAXSIZE
    as it is decompressed: a gzip bomb) is counted as too large."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as error:
            raise Refused(ErrorKind.TOO_LARGE, str(error)) from None


class SitemapRobotParser(ProtegoRobotParser):
    """Scrapy's default robots.txt parser (ROBOTSTXT_PARSER), which also keeps the file's `Sitemap:`
    lines (`sitemaps`): the discovering spider reads them when Scrapy's robots_parsed signal
    hands it the parser (crawler/fetch/discover.py), so robots.txt is fetched once."""

    def __init__(self, robotstxt_body: bytes, spider: Any = None) -> None:
        super().__init__(robotstxt_body, spider)
        self.sitemaps = list(sitemap_urls_from_robots(robotstxt_body))


class NamedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, whose one refusal is a URL robots.txt forbids: named, so the
    spider tells the crawl's policy from a fault."""

    def process_request_2(self, rp: Any, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            raise Refused(ErrorKind.ROBOTS_FORBIDDEN, f"forbidden by robots.txt: {request.url}") from None


def response_host(request: Request) -> str:
    return urlparse_cached(request).hostname or ""


REDIRECT_CODES = (301, 302, 303, 307, 308)


class RedirectGuardMiddleware:
    """Before RedirectMiddleware follows a redirect: refuse one to another site, one that takes an
    article request off the article (a soft 404), or one back to a URL already in the chain.

    Without it a redirect to another site is dropped silently by OffsiteMiddleware, and a loop
    (A -> B -> A) silently by the duplicate filter: neither would be counted.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if response.status not in REDIRECT_CODES or not location:
            return response
        if response.status in request.meta.get("handle_httpstatus_list", ()):
            return response
        try:
            target = safe_url_string(response.urljoin(location.decode("latin-1")))
        except ValueError as error:
            message = f"{request.url} redirects to a malformed URL: {error}"
            raise Refused(ErrorKind.MALFORMED_REDIRECT, message) from None
        profile = getattr(self.crawler.spider, "profile", None)
        if profile is not None and not profile.owns(target):
            raise Refused(ErrorKind.OFFSITE_REDIRECT, f"{request.url} redirects off the portal, to {target}")
        # Not followed: the home page or a listing would be fetched (or dropped by the duplicate
        # filter, having been fetched already) in the article's place.
        if leaves_the_article(self.crawler, request, target):
            raise Refused(ErrorKind.SOFT_404, f"redirected off the article, to {target}", response)
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if _without_fragment(target) in {_without_fragment(url) for url in chain}:
            raise Refused(ErrorKind.REDIRECT_LOOP, f"redirect loop: {' -> '.join([*chain, target])}")
        if len(chain) > self.crawler.settings.getint("REDIRECT_MAX_TIMES"):
            raise Refused(ErrorKind.REDIRECT_LOOP, f"more than {len(chain) - 1} redirects: {' -> '.join(chain)}")
        return response


def _without_fragment(url: str) -> str:
    return safe_url_string(url.split("#", 1)[0])


# Failures to download, by type (Scrapy's own, and Twisted's that reach the spider unwrapped).
_NETWORK_KINDS: tuple[tuple[tuple[type[BaseException], ...], ErrorKind], ...] = (
    ((DownloadTimeoutError, twisted_errors.TimeoutError, twisted_errors.TCPTimedOutError), ErrorKind.TIMEOUT),
    ((CannotResolveHostError, twisted_errors.DNSLookupError), ErrorKind.DNS_LOOKUP_FAILED),
    ((DownloadConnectionRefusedError, twisted_errors.ConnectionRefusedError), ErrorKind.CONNECTION_REFUSED),
    ((twisted_errors.ConnectionLost, twisted_errors.ConnectionDone), ErrorKind.CONNECTION_LOST),
    ((ResponseDataLossError,), ErrorKind.TRUNCATED),
    # Scrapy cancels a download for a body over DOWNLOAD_MAXSIZE (the Content-Length it announces
    # or the bytes received so far).
    ((DownloadCancelledError,), ErrorKind.TOO_LARGE),
)


def error_kind(failure_value: BaseException) -> ErrorKind:
    """The kind of a failure the spider's errback receives, by its type."""
    if isinstance(failure_value, Refused):
        return failure_value.kind
    if isinstance(failure_value, IgnoreRequest):
        return ErrorKind.IGNORED
    for types, kind in _NETWORK_KINDS:
        if isinstance(failure_value, types):
            return kind
    return ErrorKind.NETWORK_ERROR


class ContactAddon:
    """USER_AGENT from TINBAI_USER_AGENT and TINBAI_CONTACT_URL, unless USER_AGENT itself was set
    on the command line: `-s TINBAI_CONTACT_URL=https://example.org/archive` is all an operator
    needs to say who runs the crawler."""

    def update_settings(self, settings: BaseSettings) -> None:
        if (settings.getpriority("USER_AGENT") or 0) >= SETTINGS_PRIORITIES["cmdline"]:
            return
        agent = settings.get("TINBAI_USER_AGENT", "").format(contact=settings.get("TINBAI_CONTACT_URL", ""))
        if agent:
            settings.set("USER_AGENT", agent, priority="spider")


class UnusedComponentsAddon:
    """Scrapy components switched off by a setting are left out of their base list, so that their
    modules are never imported: the remote control while REMOTE_CONTROL_ENABLED is off (its module
    imports aiohttp, 0.09 s of every start), the cookies middleware while COOKIES_ENABLED is off
    (tldextract, 0.04 s). Not `EXTENSIONS = {...: None}`: Scrapy imports every class that setting
    names, the disabled ones too, to compare them with the base list's."""

    # (base list, component, the setting that switches it on)
    UNUSED = (
        ("EXTENSIONS_BASE", "scrapy.extensions.remote_control.RemoteControl", "REMOTE_CONTROL_ENABLED"),
        ("DOWNLOADER_MIDDLEWARES_BASE", "scrapy.downloadermiddlewares.cookies.CookiesMiddleware", "COOKIES_ENABLED"),
    )

    def update_settings(self, settings: BaseSettings) -> None:
        for name, component, switch in self.UNUSED:
            if settings.getbool(switch):
                continue
            base = settings.getdict(name)
            if base.pop(component, None) is not None:
                settings.set(name, base, priority="addon")
