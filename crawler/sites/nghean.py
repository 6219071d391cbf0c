"""Nghệ An: Cổng thông tin điện tử Tỉnh ủy Nghệ An, https://nghean.dcs.vn/."""

from crawler.sites.dcs import DcsArticlePage, dcs_portal


class NgheanArticlePage(DcsArticlePage):
    site = "nghean"
    site_names = ("Cổng thông tin điện tử Tỉnh ủy Nghệ An", "nghean.dcs.vn")
    hosts = ("nghean.dcs.vn",)


PROFILE = dcs_portal(NgheanArticlePage)
