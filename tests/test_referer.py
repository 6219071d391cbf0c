"""The crawl sends no Referer, through Scrapy's referrer policy (the middleware stays, so the
redirect middlewares find it instead of warning at every start)."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.spidermiddlewares.referer import RefererMiddleware
from scrapy.utils.test import get_crawler

LISTING = "https://nghean.dcs.vn/vi-vn/chuyen-muc/xay-dung-dang/1-2"
ARTICLE = "https://nghean.dcs.vn/vi-vn/tin/bai/1-2-3"


def project_settings() -> dict[str, object]:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return {name: settings[name] for name in ("REFERER_ENABLED", "REFERRER_POLICY", "SPIDER_MIDDLEWARES")}


def test_a_request_from_a_listing_carries_no_referer() -> None:
    crawler = get_crawler(settings_dict=project_settings())
    middleware = RefererMiddleware.from_crawler(crawler)
    response = HtmlResponse(LISTING, body=b"<html></html>", request=Request(LISTING))
    request = middleware.get_processed_request(Request(ARTICLE), response)
    assert request is not None and b"Referer" not in request.headers


def test_scrapys_default_policy_would_have_sent_one() -> None:
    # The same check under Scrapy's defaults: the test above can tell the two apart.
    middleware = RefererMiddleware.from_crawler(get_crawler())
    response = HtmlResponse(LISTING, body=b"<html></html>", request=Request(LISTING))
    request = middleware.get_processed_request(Request(ARTICLE), response)
    assert request is not None and request.headers.get("Referer") == LISTING.encode()
