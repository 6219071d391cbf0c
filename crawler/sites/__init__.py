"""The registry of portal profiles: one small module per portal."""

from __future__ import annotations

from crawler.sites import nghean
from crawler.sites.base import SiteProfile

PROFILES: dict[str, SiteProfile] = {profile.key: profile for profile in (nghean.PROFILE,)}


class UnknownSite(KeyError):
    pass


def get(key: str) -> SiteProfile:
    try:
        return PROFILES[key]
    except KeyError:
        raise UnknownSite(f"unknown site {key!r}; known: {', '.join(sorted(PROFILES))}") from None


def for_url(url: str) -> SiteProfile | None:
    for profile in PROFILES.values():
        if profile.owns(url):
            return profile
    return None


__all__ = ["PROFILES", "SiteProfile", "UnknownSite", "for_url", "get"]
