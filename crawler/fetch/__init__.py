"""Fetching: URL -> Scrapy response -> Page, and what the crawl learns about each URL.

The spider (spider.py) reads listings and asks for articles; links.py finds a page's links;
middlewares.py stands between the spider and the network (redirect guards, Retry-After, errors
named in crawler.extract.record.ErrorKind); replay.py answers from saved pages instead of the
network, or records a live crawl; pipeline.py hands every item to the archive writer
(crawler/apply/). Scrapy's configuration is crawler/settings.py.
"""
