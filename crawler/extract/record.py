"""The Article record: what extraction produces and the archive stores.

This module is the only one the archive imports from the crawler side.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import asdict, dataclass, field, fields
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
    portal profile's selectors matched, "generic" otherwise.
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

    def __post_init__(self) -> None:
        if not self.content_hash:
            object.__setattr__(self, "content_hash", content_hash(self.text))

    def __reduce__(self) -> tuple[type[Article], tuple[Any, ...]]:
        # Pickled as its fields in order (the crawl hands every record to its archive writer
        # process), content_hash included: a third of the time of pickling the instance's
        # dict with every field's name (15 -> 5 us an article).
        return Article, tuple(self.__dict__[name] for name in _ARTICLE_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["images"] = [asdict(image) for image in self.images]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        data = dict(data)
        data["images"] = tuple(Image(**image) for image in data.get("images") or ())
        return cls(**data)


_ARTICLE_FIELDS = tuple(each.name for each in fields(Article))


def normalized_for_hash(text: str) -> str:
    """Text as compared for exact duplicates: NFC, case-folded, whitespace collapsed."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
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
