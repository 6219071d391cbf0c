"""Meta refresh is still followed, but a page that cannot hold one is never decoded to find out."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.fetch.middlewares import CheapMetaRefreshMiddleware

URL = "https://nghean.dcs.vn/vi-vn/tin/cu/1-2-3"
TARGET = "https://nghean.dcs.vn/vi-vn/tin/moi/1-2-3"
FILLER = "<p>Đảng ủy phường Thành Vinh trao Huy hiệu Đảng.</p>" * 200


def respond(body: bytes, content_type: str = "text/html; charset=utf-8") -> tuple[Request, HtmlResponse]:
    request = Request(URL)
    return request, HtmlResponse(URL, body=body, headers={"Content-Type": content_type}, request=request)


def middleware() -> CheapMetaRefreshMiddleware:
    return CheapMetaRefreshMiddleware.from_crawler(get_crawler())


def html(head: str) -> str:
    return f"<html><head>{head}</head><body>{FILLER}</body></html>"


@pytest.mark.parametrize("head", [
    f'<meta http-equiv="refresh" content="0; url={TARGET}">',
    f'<META HTTP-EQUIV="REFRESH" CONTENT="0;URL={TARGET}">',
])
def test_a_meta_refresh_is_followed(head: str) -> None:
    request, response = respond(html(head).encode("utf-8"))
    result = middleware().process_response(request, response)
    assert isinstance(result, Request) and result.url == TARGET


def test_a_utf16_page_is_decoded_to_look() -> None:
    body = b"\xff\xfe" + html(f'<meta http-equiv="refresh" content="0; url={TARGET}">').encode("utf-16-le")
    request, response = respond(body, "text/html; charset=utf-16")
    result = middleware().process_response(request, response)
    assert isinstance(result, Request) and result.url == TARGET


def test_a_page_without_refresh_is_not_decoded() -> None:
    request, response = respond(html("<title>Tin bài</title>").encode("utf-8"))
    result = middleware().process_response(request, response)
    assert result is response
    # TextResponse keeps the decoded body once made: nothing decoded it.
    assert response._cached_ubody is None


def test_refresh_later_in_the_page_is_not_a_redirect() -> None:
    # Scrapy reads only the first 4,096 characters: a "refresh" beyond them changes nothing.
    request, response = respond(html("").replace("</body>", f'<meta http-equiv="refresh" content="0; url={TARGET}">'
                                                  "</body>").encode("utf-8"))
    assert middleware().process_response(request, response) is response
