"""Nghệ An: Cổng thông tin điện tử Tỉnh ủy Nghệ An, https://nghean.dcs.vn/."""

from crawler.sites.dcs import dcs_portal

PROFILE = dcs_portal("nghean", "Cổng thông tin điện tử Tỉnh ủy Nghệ An", "nghean.dcs.vn")
