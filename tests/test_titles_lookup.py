"""The shortcuts the title rules take to their answer give the answer the long way gives: a linked
picture's address is resolved only when it may name a home page, the first <title> is found
without reading the rest of the page."""

from __future__ import annotations

import itertools
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from crawler.extract.titles import _HOME_PATH, _may_be_home, declared_titles, logo_names

BASES = ["https://tinhuy.example.vn/tin-tuc/hoi-nghi-123.html", "https://tinhuy.example.vn/", "https://tinhuy.example.vn/a/b/"]
HREFS = [
    "", "/", "./", ".", "..", "../", "../..", "#", "?", "?page=2", "/#top", "index.php", "/Default.aspx",
    "/index.html?x=1", "/vi-vn/", "https://tinhuy.example.vn", "//tinhuy.example.vn/", "http://tinhuy.example.vn/index.php",
    "/tin-tuc/bai-1.html", "bai-1.html", "tin-tuc/../", "tin-tuc/..", "a/./", "/a;b", "/index.php;jsessionid=1",
    "javascript:void(0)", "mailto:ban@tinhuy.vn", "http:index.php", " /tin-tuc ", "in\tdex.php", "/tin\n-tuc/",
]


@pytest.mark.parametrize(("base", "href"), list(itertools.product(BASES, HREFS)))
def test_a_link_that_resolves_home_is_never_passed_over(base: str, href: str) -> None:
    target = urlsplit(urljoin(base, href.strip()))
    if _HOME_PATH.match(target.path):
        assert _may_be_home(href.strip())


def test_the_logo_names_the_portal_and_a_teaser_picture_does_not() -> None:
    tree = lxml.html.document_fromstring(
        '<html><body><a href="../../"><img alt="Tỉnh ủy Nghệ An"></a>'
        '<a href="/tin-tuc/hoi-nghi-123.html"><img alt="Hội nghị Ban Chấp hành"></a>'
        '<a href="/index.php"><img alt="Cổng thông tin điện tử"></a></body></html>'
    )
    assert logo_names(tree, "https://tinhuy.example.vn/a/b/c.html") == ["Tỉnh ủy Nghệ An", "Cổng thông tin điện tử"]


def test_the_first_title_is_the_declared_one() -> None:
    tree = lxml.html.document_fromstring(
        "<html><head><title>Hội nghị - Tỉnh ủy</title><meta property='og:title' content='Hội nghị'></head>"
        "<body><svg><title>Biểu tượng</title></svg><h1>Hội nghị</h1></body></html>"
    )
    assert declared_titles(tree) == ("Hội nghị", "Hội nghị - Tỉnh ủy")
    assert declared_titles(lxml.html.document_fromstring("<p>Không có tiêu đề</p>")) == ("", "")
