"""Extraction: (url, raw body bytes, headers) -> Article. Pure: never imports Scrapy or sqlite-utils.

`extract(page, page_class, knowledge)` is the entry point. `GenericPage` reads any page from its
structure and text; `ArticlePage` is the page object portal profiles subclass with selectors
(crawler/sites/), falling back on the generic one field by field. `PortalKnowledge` carries what
a portal's other pages tell (`learn()` makes one from saved pages). Names are loaded on first use so
that the archive, which needs only `crawler.extract.record`, does not load lxml and trafilatura.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Article": "record", "Image": "record", "Page": "record",
    "ArticlePage": "article", "NotAnArticle": "record", "extract": "article",
    "GenericPage": "generic", "PortalKnowledge": "knowledge", "learn": "knowledge",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(name)
    return getattr(import_module(f"crawler.extract.{_EXPORTS[name]}"), name)
