"""Downloads are counted under Scrapy's DownloaderStats names, which the run's page count reads,
without that middleware rebuilding every request's HTTP text."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from twisted.internet.error import TimeoutError as TwistedTimeoutError

from crawler.fetch.middlewares import DownloadCounts

URL = "https://nghean.dcs.vn/vi-vn/tin/bai/1-2-3"


def test_requests_responses_statuses_bytes_and_exceptions_are_counted() -> None:
    crawler = get_crawler()
    counts = DownloadCounts.from_crawler(crawler)
    for status, body in ((200, b"<html>" + b"x" * 994), (200, b"<html></html>"), (404, b"")):
        request = Request(URL)
        assert counts.process_request(request) is None
        response = HtmlResponse(URL, status=status, body=body, request=request)
        assert counts.process_response(request, response) is response
    assert counts.process_exception(Request(URL), TwistedTimeoutError()) is None
    stats = crawler.stats
    assert stats is not None
    assert stats.get_value("downloader/request_count") == 3
    assert stats.get_value("downloader/request_method_count/GET") == 3
    assert stats.get_value("downloader/response_count") == 3
    assert stats.get_value("downloader/response_status_count/200") == 2
    assert stats.get_value("downloader/response_status_count/404") == 1
    assert stats.get_value("downloader/response_bytes") == 1000 + 13
    assert stats.get_value("downloader/exception_count") == 1
    assert stats.get_value("downloader/exception_type_count/twisted.internet.error.TimeoutError") == 1


def test_the_project_counts_with_it_instead_of_downloader_stats() -> None:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.stats.DownloaderStats"] is None
    assert middlewares["crawler.fetch.middlewares.DownloadCounts"] == 850

