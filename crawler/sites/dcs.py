"""Shared base for the provincial Party committee portals on *.dcs.vn (one .NET CMS).

Selectors are written against markup reconstructed from text dumps of nghean.dcs.vn pages
(fixtures/nghean/README.md): hints until a live crawl records real pages. When the body
selector matches nothing, extraction falls back to the generic path.
"""

from __future__ import annotations

from crawler.extract.article import ArticlePage
from crawler.sites.base import SiteProfile


class DcsArticlePage(ArticlePage):
    title_selector = ".news-detail h1.news-title"
    date_selector = ".news-detail .news-date"
    category_selector = ".breadcrumb a"
    lead_selector = ".news-detail .news-sapo"
    body_selector = ".news-detail .news-content"
    # Inside .news-content editors sometimes paste share widgets and "Tin liên quan" boxes.
    prune_selectors = (".news-tools", ".news-share", ".news-attachments", ".related-news", ".comment-form")
    # From the breadcrumb (the category) to the sidebar: the article, its comment form and its
    # related news. The menus and ViewState before it and the sidebar after it are not parsed.
    region = (b'<div class="breadcrumb"', b'<div class="col-side"')


def dcs_portal(key: str, name: str, host: str, *, start: str = "/") -> SiteProfile:
    """A *.dcs.vn portal in a few lines: articles /vi-vn/tin/<slug>/<id>-<id>-<id>,
    listings /vi-vn/chuyen-muc/<slug>/<id>-<id>[?page=N]."""
    page_class = type(f"{key.title()}ArticlePage", (DcsArticlePage,), {
        "site": key, "site_names": (name, host), "hosts": (host,),
        "__module__": __name__,
    })
    return SiteProfile(
        key=key,
        name=name,
        hosts=(host,),
        start_urls=(f"https://{host}{start}",),
        article_pattern=r"^/vi-vn/tin/[^/?]+/\d+-\d+-\d+/?$",
        listing_pattern=r"^/vi-vn/chuyen-muc/[^/?]+/\d+-\d+/?(?:\?page=\d+)?$",
        page_class=page_class,
        article_id_pattern=r"/\d+-\d+-(\d+)/?$",
    )
