"""A link's address on a page (layout.link_address) is urljoin's, whether it is resolved under the
page's own address or, starting with "/", under its scheme and host alone and remembered."""

from __future__ import annotations

from itertools import product
from urllib.parse import urljoin, urlsplit

from crawler.extract.layout import link_address

PAGES = [
    "https://tinhuy.quangtri.example/tin-tuc/hoi-nghi-ban-chap-hanh",
    "https://tinhuy.quangtri.example/tin-tuc/",
    "http://Tinhuy.Example:8080/a/b/c.html?x=1#top",
    "https://user@tinhuy.example/a//b/./c/../d;p?q",
    "https://tinhuy.example",
]
HREFS = [
    "/tin-tuc", "/tin-tuc/", " /tin-tuc ", "/", "//", "///x", "//other.example/tin-tuc", "/./tin-tuc/..",
    "/a/../b", "/a//b", "/a/./b/", "/tin-tuc?page=2", "/tin-tuc#top", "/;p", "/\ttin-tuc", "/\n/other.example/x",
    "/%2e%2e/x", "/a:b", "/\t/", "//?q", "/\r\n/x", "tin-tuc", "./", "../", ".", "..", "x/../", "", "?q", "#f", ";p",
    "https://tinhuy.quangtri.example/tin-tuc", "http:tin-tuc", "javascript:void(0)", "mailto:a@b.vn", "\x01/x",
]


def test_every_address_resolves_as_urljoin_resolves_it() -> None:
    for url, href in product(PAGES, HREFS):
        page = urlsplit(url)
        origin = f"{page.scheme}://{page.netloc}/" if page.scheme in ("http", "https") and page.netloc else None
        for _ in range(2):  # (the second time from what was remembered)
            assert link_address(url, origin, href) == urlsplit(urljoin(url, href.strip())), (url, href)
