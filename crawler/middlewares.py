"""Downloader middlewares between the spider's requests and the network: Retry-After honoured,
redirects that leave the portal or go round in circles refused with a named error, meta refresh
looked for without decoding every page, and downloads counted without rebuilding each request's
HTTP text. Plus the request fingerprints the duplicate filter keys on, the addon that writes the
contact URL into the user agent, and the one that leaves unused components unloaded.

Both raise or return what the spider's errback turns into CrawlError items (crawler/spiders/portal.py).
"""

from __future__ import annotations

import logging
import time
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.stats import DownloaderStats
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.utils.asyncio import call_later
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.request import RequestFingerprinter
from w3lib.url import safe_url_string

logger = logging.getLogger(__name__)


class UrlFingerprinter:
    """Scrapy's request fingerprints (REQUEST_FINGERPRINTER_CLASS), which its duplicate filter keys
    on, as the URL itself for a GET without a body, fragment left out: the spider's URLs are
    canonical already (crawler/extract/urls.py), and a redirect's target is Scrapy's escaped
    Location. Scrapy's own canonicalises every request's URL again and hashes it with its method
    and body (13 us a request); it still fingerprints any other request."""

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
    """A response the crawl will not follow; `kind` is the error kind the run counts."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


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
    bytes, about 0.05 ms a page. Same stats names and the same DOWNLOADER_STATS switch;
    downloader/response_bytes counts bodies only, and there is no downloader/request_bytes.
    crawler/pipelines.py reads downloader/response_count as the run's pages."""

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
    is otherwise never decoded by the crawl (extraction reads the bytes)."""

    _WINDOW = 4 * 4096

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        head = response.body[: self._WINDOW]
        ascii_compatible = not head.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" not in head
        if ascii_compatible and b"refresh" not in head.lower():
            return response
        return super().process_response(request, response)


def response_host(request: Request) -> str:
    return urlparse_cached(request).hostname or ""


REDIRECT_CODES = (301, 302, 303, 307, 308)


class RedirectGuardMiddleware:
    """Before RedirectMiddleware follows a redirect: refuse one to another site, or back to a URL
    already in the chain.

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
            raise Refused("malformed_redirect", f"{request.url} redirects to a malformed URL: {error}") from None
        profile = getattr(self.crawler.spider, "profile", None)
        if profile is not None and not profile.owns(target):
            raise Refused("offsite_redirect", f"{request.url} redirects off the portal, to {target}")
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if _without_fragment(target) in {_without_fragment(url) for url in chain}:
            raise Refused("redirect_loop", f"redirect loop: {' -> '.join([*chain, target])}")
        return response


def _without_fragment(url: str) -> str:
    return safe_url_string(url.split("#", 1)[0])


def error_kind(failure_value: Any) -> str | None:
    """The error kind of an exception Scrapy's own middlewares raise; None for robots.txt, which is
    the crawl's policy, not a fault."""
    if isinstance(failure_value, Refused):
        return failure_value.kind
    message = str(failure_value)
    name = type(failure_value).__name__
    if isinstance(failure_value, IgnoreRequest):
        if "robots.txt" in message:
            return None
        if "DOWNLOAD_MAXSIZE" in message:  # HttpCompressionMiddleware: a gzip bomb
            return "too_large"
        if "max redirections" in message:
            return "redirect_loop"
        if "offsite" in message.lower():  # a meta refresh off the portal
            return "offsite_redirect"
        return "ignored"
    if name == "DownloadCancelledError" and "max size" in message:
        return "too_large"
    if name == "ResponseDataLossError":
        return "truncated"
    return name


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
