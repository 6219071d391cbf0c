"""tinbai: archiving crawler for Vietnamese provincial Party committee news portals.

Data flow: URL -> Scrapy response (crawler.spiders) -> Page (crawler.extract.page)
-> Article (crawler.extract) -> dedup + archive (archive).
Importing this package must not import Scrapy: extraction and the archive use it too.
"""

__version__ = "0.1.0"
