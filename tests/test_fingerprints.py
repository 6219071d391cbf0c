"""The duplicate filter keys on each request's URL as requested (crawler.fetch.middlewares.UrlFingerprinter),
wired in through the project's settings."""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.settings import Settings
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.request import RequestFingerprinter

from crawler.fetch.middlewares import UrlFingerprinter

ARTICLE = "https://nghean.dcs.vn/vi-vn/tin/hoi-nghi-ban-chap-hanh-dang-bo-tinh/1-2-34842"


def test_a_get_is_its_url_without_the_fragment() -> None:
    fingerprint = UrlFingerprinter().fingerprint
    assert fingerprint(Request(ARTICLE)) == ARTICLE.encode()
    assert fingerprint(Request(ARTICLE + "#binh-luan")) == fingerprint(Request(ARTICLE))
    assert fingerprint(Request(ARTICLE + "?page=2")) != fingerprint(Request(ARTICLE))
    # Anything else as Scrapy fingerprints it: method and body count.
    post = Request(ARTICLE, method="POST", body=b"q=dang+uy")
    assert fingerprint(post) == RequestFingerprinter().fingerprint(post)
    assert fingerprint(post) != fingerprint(Request(ARTICLE, method="POST", body=b"q=nghe+an"))


def test_the_crawls_duplicate_filter_uses_it() -> None:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    crawler = Crawler(Spider, settings)
    # As Scrapy's Crawler makes it.
    fingerprinter = build_from_crawler(load_object(crawler.settings["REQUEST_FINGERPRINTER_CLASS"]), crawler)
    assert isinstance(fingerprinter, UrlFingerprinter)
    seen = RFPDupeFilter(fingerprinter=fingerprinter)
    assert not seen.request_seen(Request(ARTICLE))
    assert seen.request_seen(Request(ARTICLE + "#binh-luan"))  # a redirect's target, fetched already
    assert not seen.request_seen(Request(ARTICLE + "?page=2"))
