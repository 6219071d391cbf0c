"""Error pages served with status 200 are soft 404s, never articles (crawler/extract/errorpage.py);
an article that only mentions an error, or sits beside a heading that does, is still an article."""

from __future__ import annotations

import pytest

from crawler.extract import NotAnArticle, extract
from crawler.extract.errorpage import is_error_phrase
from crawler.extract.record import ErrorKind, Page
from crawler.sites import PROFILES
from tests.fixtures import FIXTURES, load_gold, saved_page

NGHEAN = PROFILES["nghean"]
ARTICLE_URL = "https://nghean.dcs.vn/vi-vn/tin/ban-thuong-vu-tinh-uy-cho-y-kien-vao-du-thao/1-2-34871"
GOLD_34871 = load_gold(FIXTURES / "nghean" / "expected" / "34871.json")


def served(body: bytes, url: str = ARTICLE_URL) -> Page:
    return Page(url=url, body=body, headers={"Content-Type": "text/html; charset=utf-8"}, status=200)


def soft_404(page: Page) -> str:
    with pytest.raises(NotAnArticle) as refused:
        extract(page, NGHEAN.page_class)
    assert refused.value.kind is ErrorKind.SOFT_404, str(refused.value)
    return str(refused.value)


@pytest.mark.parametrize("phrase", [
    "404 - Trang bạn tìm không tồn tại", "Lỗi máy chủ", "Lỗi máy chủ - Tỉnh ủy Nghệ An",
    "Server Error in '/' Application.",
    "404 Not Found", "HTTP Error 404.0 - Not Found", "The resource cannot be found.", "Không tìm thấy trang",
    "Bài viết không tồn tại hoặc đã bị xóa", "Lỗi 500", "Đã có lỗi xảy ra", "Page not found | Cổng thông tin",
    "Runtime Error", "Service Unavailable", "TRANG BẠN TÌM KHÔNG TỒN TẠI",
])
def test_what_error_pages_call_themselves(phrase: str) -> None:
    assert is_error_phrase(phrase)


@pytest.mark.parametrize("heading", [
    "Khắc phục sự cố lỗi máy chủ tại Trung tâm dữ liệu tỉnh", "Không tìm thấy kết quả nào cho từ khóa",
    "Nâng cao chất lượng sinh hoạt chi bộ", "Lời giới thiệu", "Tin không tồn tại lâu trên mạng xã hội nữa",
    "Hội nghị lần thứ 404 của Ban Chấp hành", "Error handling in public services: a seminar",
])
def test_headings_that_only_mention_an_error_are_not_error_pages(heading: str) -> None:
    assert not is_error_phrase(heading)


@pytest.mark.parametrize("which", ["404", "500"])
def test_the_portals_error_pages_served_with_200_are_soft_404s(which: str) -> None:
    body = (FIXTURES / "nghean" / "pages" / "loi" / f"{which}.html").read_bytes()
    assert "an error page" in soft_404(served(body))


def test_nginx_and_iis_error_pages_served_with_200_are_soft_404s() -> None:
    soft_404(served(b"<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1>"
                    b"</center><hr><center>nginx</center></body></html>"))
    soft_404(served(b"<html><head><title>The resource cannot be found.</title></head><body>"
                    b"<h1>Server Error in '/' Application.<hr></h1><h2><i>The resource cannot be found.</i></h2>"
                    b"<b>Description:</b> HTTP 404. The resource you are looking for (or one of its dependencies) "
                    b"could have been removed, had its name changed, or is temporarily unavailable.</body></html>"))


def article_page_with(replace: tuple[bytes, bytes]) -> Page:
    page = saved_page("nghean", GOLD_34871["url"])
    assert replace[0] in page.body
    return served(page.body.replace(*replace, 1), page.url)


def test_an_error_message_inside_the_portals_own_page_is_a_soft_404() -> None:
    """The CMS keeps its menus and sidebars and puts the message where the article was."""
    page = saved_page("nghean", GOLD_34871["url"])
    body = page.body.decode("utf-8")
    start = body.index('<h1 class="news-title">')
    end = body.index('<div class="news-share">')
    body = (body[:start] + '<h1 class="news-title">Bài viết không tồn tại hoặc đã bị xóa</h1>'
            '<div class="news-content"><p>Vui lòng quay lại trang chủ để xem các tin bài khác của Cổng thông tin '
            'điện tử Tỉnh ủy Nghệ An.</p></div>' + body[end:])
    soft_404(served(body.encode("utf-8"), page.url))


def test_a_viewer_page_that_says_its_item_is_gone_in_its_content_is_a_soft_404() -> None:
    """The page keeps the viewer's own title ("Chi tiết tin") and says it in a block of its content
    (sharepoint-binhduong's ChiTietTin.aspx?ItemID=240), what is left to read being its footer."""
    soft_404(saved_page("sharepoint-binhduong", "https://tinhuy.binhduong.example/Pages/ChiTietTin.aspx?ItemID=240"))
    # The same words in a long article's paragraph or a link are no error page.
    page = article_page_with((b'<div class="col-side">',
                              '<div class="col-side"><p><a href="/x">Trang không tồn tại</a></p>'.encode()))
    assert extract(page, NGHEAN.page_class).text == GOLD_34871["text"]


def test_an_article_beside_a_heading_that_names_an_error_is_an_article() -> None:
    # A sidebar box titled like an error page: the article is long and has a headline of its own.
    page = article_page_with((b'<div class="col-side">', '<div class="col-side"><h2>Lỗi máy chủ</h2>'.encode()))
    article = extract(page, NGHEAN.page_class)
    assert article.title == GOLD_34871["title"] and article.text == GOLD_34871["text"]


def test_an_article_whose_headline_mentions_an_error_is_an_article() -> None:
    heading = b'<h1 class="news-title">'
    page = article_page_with((heading, heading + "Khắc phục lỗi máy chủ: ".encode()))
    assert extract(page, NGHEAN.page_class).title.startswith("Khắc phục lỗi máy chủ")
