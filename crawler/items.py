"""What the spider hands to the pipelines: an extracted article with its raw page, or an error."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.extract.record import Article, Page


@dataclass
class FetchedArticle:
    page: Page
    article: Article


@dataclass
class CrawlError:
    url: str
    kind: str  # "http_404", "not_an_article", "not_html", "TimeoutError", ...
    message: str = ""
