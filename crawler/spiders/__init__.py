"""One spider per site profile, all the same class: `scrapy list` shows every portal key."""

from crawler.sites import PROFILES
from crawler.spiders.portal import PortalSpider

for _key, _profile in PROFILES.items():
    _spider = type(
        f"{_key.title()}Spider",
        (PortalSpider,),
        {"name": _key, "profile": _profile, "allowed_domains": list(_profile.hosts), "__module__": __name__},
    )
    globals()[_spider.__name__] = _spider
# Scrapy's spider loader scans this module's names: leave each class under one name only.
del _key, _profile, _spider

__all__ = ["PortalSpider"]
