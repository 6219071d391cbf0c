"""The records both sides of the crawl share: the Page that came over the wire, the Article
extracted from it, and ErrorKind, why a fetched URL gave no article.

With the folding rule (crawler/extract/fold.py), the only crawler module the archive imports.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Image:
    src: str
    caption: str | None = None

    def __reduce__(self) -> tuple[type[Image], tuple[str, str | None]]:
        return Image, (self.src, self.caption)  # see Article.__reduce__


@dataclass(frozen=True)
class Article:
    """One news article, extracted from one fetched page.

    `text` holds the article's paragraphs only (NFC, one blank line between them).
    `extraction` names the path that produced the record: "profile:<key>" when a
    portal profile's selectors matched, "generic" otherwise. `published` is ISO 8601 in the portal's
    time: a day, or a day and a time; `published_range` says when that day is only an estimate.
    """

    url: str
    site: str
    title: str
    text: str
    published: str | None = None
    author: str | None = None
    category: str | None = None
    summary: str | None = None
    source: str | None = None
    images: tuple[Image, ...] = ()
    extraction: str = "generic"
    content_hash: str = field(default="")
    # When the page names no date but how long ago ("Cách đây 3 Các tháng"): the first and last day
    # the article may have been published on, an ISO 8601 interval ("2025-02-15/2025-03-17"), of
    # which `published` is the middle day; None when `published` is a date the page (or the portal's
    # feed, dated_by_feed) states.
    published_range: str | None = None

    def __post_init__(self) -> None:
        if not self.content_hash:
            object.__setattr__(self, "content_hash", content_hash(self.text))

    def __reduce__(self) -> tuple[type[Article], tuple[Any, ...]]:
        # Pickled as its fields in order (the crawl hands every record to its archive writer
        # process), content_hash included: no field names in the pickle, and no hash to redo.
        return Article, tuple(self.__dict__[name] for name in _ARTICLE_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        # The fields in order, as asdict() gives them, without its deep copy of every value (they
        # are strings and None).
        data = {name: self.__dict__[name] for name in _ARTICLE_FIELDS}
        data["images"] = [{name: image.__dict__[name] for name in _IMAGE_FIELDS} for image in self.images]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        data = dict(data)
        data["images"] = tuple(Image(**image) for image in data.get("images") or ())
        return cls(**data)


_ARTICLE_FIELDS = tuple(each.name for each in fields(Article))
_IMAGE_FIELDS = tuple(each.name for each in fields(Image))


def normalized_for_hash(text: str) -> str:
    """Text as compared for exact duplicates: NFC, case-folded, whitespace collapsed."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    # An article's text is its paragraphs, each with single spaces, between blank lines: with
    # those made spaces, a text whose every other character is printable (whitespace but the
    # plain space is not) is collapsed already, without splitting it into its thousand words.
    spaced = text.replace("\n\n", " ")
    if spaced.isprintable() and "  " not in spaced and spaced[:1] != " " and spaced[-1:] != " ":
        return spaced.casefold()
    # split() breaks on the characters regex \s matches: the same as collapsing \s+ and stripping.
    return " ".join(text.split()).casefold()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalized_for_hash(text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Page:
    """Exactly what came over the wire for one URL: the input of extraction.

    `headers` maps header names (any case) to their decoded values.
    """

    url: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None


class ErrorKind(StrEnum):
    """Why a URL a crawl asked for gave no article: the one vocabulary of the runs' errors by kind
    (`runs.errors_json`), the crawl state's `error` column and the README. An HTTP error status is
    the kind `http_<status>` (http_error()), one per status."""

    # The answer is not an article page.
    NOT_HTML = "not_html"
    NOT_AN_ARTICLE = "not_an_article"
    # An error page served with status 200 ("Trang bạn tìm không tồn tại", "Server Error in '/'
    # Application"), or an article URL redirected off the article (to the home page, a listing).
    SOFT_404 = "soft_404"
    # A page fetched for an archived article that is not a version of it: another article (another
    # portal id), or another title over another text (archive/identity.py). Kept for audit only.
    NOT_THIS_ARTICLE = "not_this_article"
    EMPTY_PAGE = "empty_page"
    TRUNCATED = "truncated"  # cut off before its closing tags, or the connection lost data
    UNDECODABLE = "undecodable"  # bytes its declared encoding cannot decode
    EXTRACTION_FAILED = "extraction_failed"  # extraction raised: a bug shown by a hostile page
    TOO_LARGE = "too_large"  # over DOWNLOAD_MAXSIZE, compressed or not
    # Where the URL led.
    REDIRECT_LOOP = "redirect_loop"  # back to a URL of its own chain, or more than REDIRECT_MAX_TIMES
    OFFSITE_REDIRECT = "offsite_redirect"  # off the portal's hosts (Location or meta refresh)
    MALFORMED_REDIRECT = "malformed_redirect"
    MALFORMED_LINK = "malformed_link"  # a link on a page that cannot be a URL
    # The network.
    TIMEOUT = "timeout"
    DNS_LOOKUP_FAILED = "dns_lookup_failed"
    CONNECTION_REFUSED = "connection_refused"
    CONNECTION_LOST = "connection_lost"
    NETWORK_ERROR = "network_error"  # any other failure to download
    IGNORED = "ignored"  # dropped by a Scrapy component for a reason of its own
    # The crawl's own machinery.
    BAD_MANIFEST_ENTRY = "bad_manifest_entry"  # a replay set's entry that cannot be served
    SAVE_FAILED = "save_failed"  # the archive refused an article (counted, the run goes on)
    RECORD_FAILED = "record_failed"  # the archive refused a URL's crawl state
    WRITER_FAILED = "writer_failed"  # the archive writer process stopped
    # Not a fault: the crawl's policy. Remembered in the crawl state, never counted as an error.
    ROBOTS_FORBIDDEN = "robots_forbidden"


class NotAnArticle(ValueError):
    """The page holds no article: a listing, an error page, or a page that is empty, cut off or
    undecodable. `kind` says which, in the runs' vocabulary."""

    def __init__(self, message: str, kind: ErrorKind = ErrorKind.NOT_AN_ARTICLE) -> None:
        super().__init__(message)
        self.kind = kind


def http_error(status: int) -> str:
    """The error kind of an HTTP error status: "http_404"."""
    return f"http_{status}"


# Outcomes that asking again soon will not change. Anything else (a 5xx, 408 or 429, a timeout,
# a lost connection, a truncated body) is transient: the next runs try the URL again.
PERMANENT_ERRORS = frozenset({
    ErrorKind.NOT_HTML, ErrorKind.NOT_AN_ARTICLE, ErrorKind.SOFT_404, ErrorKind.NOT_THIS_ARTICLE,
    ErrorKind.EXTRACTION_FAILED, ErrorKind.TOO_LARGE,
    ErrorKind.REDIRECT_LOOP, ErrorKind.OFFSITE_REDIRECT, ErrorKind.ROBOTS_FORBIDDEN,
})


def is_transient(kind: str | None) -> bool:
    """Would fetching again soon likely succeed? Server errors, 408 and 429 would; other HTTP
    statuses (404, 410, 403) would not."""
    if kind is None or kind in PERMANENT_ERRORS:
        return False
    if kind.startswith("http_"):
        status = kind.removeprefix("http_")
        return status in ("408", "429") or status.startswith("5")
    return True
