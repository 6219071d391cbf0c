"""Extraction: (url, raw body bytes, headers) -> Article. Pure: never imports Scrapy or sqlite-utils.

`extract(page, profile_page_class)` is the entry point; `ArticlePage` is the generic page object,
portal profiles subclass it with selectors (crawler/sites/).
"""

from crawler.extract.article import ArticlePage, NotAnArticle, extract
from crawler.extract.record import Article, Image, Page

__all__ = ["Article", "ArticlePage", "Image", "NotAnArticle", "Page", "extract"]
