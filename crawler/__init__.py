"""tinbai: archiving crawler for Vietnamese provincial Party committee news portals.

Data flow: URL -> Scrapy response (crawler.fetch) -> Page -> Article (crawler.extract)
-> items applied to the archive (crawler.apply) -> dedup + storage (archive) -> queries (archive.query).
Importing this package must not import Scrapy: extraction and the archive use it too.
"""

__version__ = "0.1.0"
