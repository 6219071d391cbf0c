"""Extraction: (url, raw body bytes, headers) -> Article. Pure: never imports Scrapy or sqlite-utils.

`extract(page, page_class)` is the entry point; `ArticlePage` is the generic page object,
portal profiles subclass it with selectors (crawler/sites/). Names are loaded on first use so
that the archive, which needs only `crawler.extract.record`, does not load lxml and trafilatura.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Article": "record", "Image": "record", "Page": "record",
    "ArticlePage": "article", "NotAnArticle": "article", "extract": "article",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(name)
    return getattr(import_module(f"crawler.extract.{_EXPORTS[name]}"), name)
