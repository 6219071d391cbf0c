"""The registry of portal profiles (one small module per profiled portal), the built-in portals, and
the profile of a portal named only by its home page.

A portal is named by a key: a profile's own ("nghean"), or for any other portal its host without
"www." ("thanhhoa.dcs.vn"). A URL names the portal it is on: a profile's when the profile owns the
host, otherwise one made from the URL (discovered_profile), which the crawl completes by learning
the portal's URL shapes from its pages.
"""

from __future__ import annotations

from functools import cache

from crawler.extract.article import ArticlePage
from crawler.extract.urls import host_of
from crawler.sites import nghean
from crawler.sites.base import SiteProfile
from crawler.sites.portals import BUILT_IN, Portal

PROFILES: dict[str, SiteProfile] = {profile.key: profile for profile in (nghean.PROFILE,)}


class UnknownSite(KeyError):
    pass


def get(key: str) -> SiteProfile:
    try:
        return PROFILES[key]
    except KeyError:
        raise UnknownSite(f"unknown site {key!r}; known: {', '.join(sorted(PROFILES))}") from None


def for_url(url: str) -> SiteProfile | None:
    """The hand-written profile whose hosts hold `url`, if any."""
    for profile in PROFILES.values():
        if profile.owns(url):
            return profile
    return None


def is_url(name: str) -> bool:
    """`tinbai crawl` takes keys and URLs alike: "https://thanhhoa.dcs.vn/" is a URL, "nghean" a key."""
    return name.startswith(("http://", "https://"))


def site_key(url: str) -> str:
    """A portal's key from its URL: the profile's key, else the host without "www."
    (https://www.tinhuybinhphuoc.vn/ -> tinhuybinhphuoc.vn)."""
    profile = for_url(url)
    if profile is not None:
        return profile.key
    return host_of(url).removeprefix("www.")


def built_in(key: str) -> Portal | None:
    return next((portal for portal in BUILT_IN if portal.key == key), None)


def profile_for(key: str, home: str, name: str | None = None) -> SiteProfile:
    """The profile that serves portal `key`: its hand-written one, else one made from `home`."""
    if key in PROFILES:
        return PROFILES[key]
    return discovered_profile(home, name=name)


@cache
def discovered_profile(home: str, *, name: str | None = None) -> SiteProfile:
    """The profile of a portal without a hand-written one: its hosts (the home page's, with and
    without "www."), the home page to start from, the generic page class under the portal's key;
    which URLs are listings and articles is learned by the crawl."""
    key = host_of(home).removeprefix("www.")
    if not key:
        raise UnknownSite(f"not a portal's address: {home!r}")
    hosts = (key, f"www.{key}")
    names = (name,) if name else ()
    # The generic page class, named: its records carry the portal's key (not the host the page
    # was fetched from, "www." or not) and the name it goes by, which a title suffix may repeat.
    page_class = type(
        "DiscoveredArticlePage", (ArticlePage,), {"site": key, "site_names": (*names, key), "hosts": hosts},
    )
    return SiteProfile(
        key=key, name=name or key, hosts=hosts, start_urls=(home,), article_pattern=None, listing_pattern=None,
        page_class=page_class,
    )


__all__ = [
    "BUILT_IN",
    "PROFILES",
    "Portal",
    "SiteProfile",
    "UnknownSite",
    "built_in",
    "discovered_profile",
    "for_url",
    "get",
    "is_url",
    "profile_for",
    "site_key",
]
