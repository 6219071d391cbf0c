"""URL canonicalisation: one URL per article, whatever link it was reached by."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Parameters that only say how a reader arrived, never which page it is:
# ".../1-2-21523?utm_source=facebook&utm_medium=social&fbclid=IwAR2..." is ".../1-2-21523".
TRACKING_PARAMETERS = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|yclid|zarsrc|zalo_source|_ga|_gl|mc_cid|mc_eid"
    r"|igshid|ref|ref_src|source|share|sharetype|gidzl|s_cid|cmpid)$",
    re.I,
)


def strip_tracking(url: str) -> str:
    query = urlsplit(url).query
    if not query:
        return url
    keep = [name.split("=", 1)[0] for name in query.split("&") if name]
    keep = [name for name in keep if not TRACKING_PARAMETERS.match(name)]
    return url_query_cleaner(url, keep, unique=False, keep_fragments=False)


def canonical_url(url: str) -> str:
    """https://NGHEAN.dcs.vn:443//vi-vn/tin/x/1-2-3?utm_source=fb#top -> https://nghean.dcs.vn/vi-vn/tin/x/1-2-3"""
    url = strip_tracking(url.strip())
    parts = urlsplit(canonicalize_url(url, keep_fragments=False))
    netloc = parts.hostname or ""
    if parts.port and (parts.scheme, parts.port) not in (("http", 80), ("https", 443)):
        netloc = f"{netloc}:{parts.port}"
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    return urlunsplit((parts.scheme, netloc, path, parts.query, ""))


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
