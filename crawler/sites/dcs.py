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


def dcs_portal(page_class: type[DcsArticlePage], *, start: str = "/") -> SiteProfile:
    """The profile of a *.dcs.vn portal whose page class names it (site, site_names, hosts):
    articles /vi-vn/tin/<slug>/<id>-<id>-<id>, listings /vi-vn/chuyen-muc/<slug>/<id>-<id>[?page=N]."""
    host = page_class.hosts[0]
    return SiteProfile(
        key=page_class.site,
        name=page_class.site_names[0],
        hosts=page_class.hosts,
        start_urls=(f"https://{host}{start}",),
        article_pattern=r"^/vi-vn/tin/[^/?]+/\d+-\d+-\d+/?$",
        listing_pattern=r"^/vi-vn/chuyen-muc/[^/?]+/\d+-\d+/?(?:\?page=\d+)?$",
        page_class=page_class,
        article_id_pattern=r"/\d+-\d+-(\d+)/?$",
    )
