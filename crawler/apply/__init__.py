"""Applying: the crawl's items -> archive changes.

items.py names what the spider yields (an article with its page, an error, a listing read, a
304); recorder.py turns each item into writes through archive/ (save_article, the crawl state,
the run's counts); writer.py runs the recorder in a process of its own beside the crawl. Never
imports Scrapy.
"""
