"""URL canonicalisation: one URL per article, whatever link it was reached by.

The spider canonicalises every link before following it, extraction canonicalises the page's
own URL (rel=canonical first), and the archive keys articles by the result. Where a portal has
its own article id, the profile (crawler/sites/base.py) makes the id the identity as well.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, unquote_plus, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Parameters that only say how a reader arrived, never which page it is:
# ".../1-2-21523?utm_source=facebook&utm_medium=social&fbclid=IwAR2..." is ".../1-2-21523".
TRACKING_PARAMETERS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|yclid|zarsrc|zalo_source|_ga|_gl|mc_cid|mc_eid"
    r"|igshid|ref|ref_src|source|share|sharetype|gidzl|s_cid|cmpid|_hsenc|_hsmi|mkt_tok|vero_id|at_[a-z]+)$",
    re.I,
)
# The printer-friendly copy of an article is the article: "?print=1", "?isprint=true", "?view=print".
PRINT_PARAMETERS = re.compile(r"^(print|isprint|printable|printview|inbai)$", re.I)
PRINT_VALUES = {"view": "print", "mode": "print", "format": "print", "layout": "print", "type": "print"}
# A language switch that names the language the portal already serves ("?lang=vi" on a
# /vi-vn/ page, the link of the "Tiếng Việt" button) adds nothing; "?lang=en" is another page.
# Where the query is the route itself, the language is one of its parts, not a switch: NukeViet
# with rewriting off writes every address "/index.php?language=vi&nv=news&op=tin-co-so/...-2202.html"
# and answers the same address without "language=vi" by a redirect back to it.
LANGUAGE_PARAMETERS = re.compile(r"^(lang|language|hl|culture|locale|ln)$", re.I)
DEFAULT_LANGUAGES = {"vi", "vi-vn", "vi_vn", "vn", "vie"}
# Path forms of the same copies: ".../1-2-21523/print", ".../1-2-21523/amp".
VARIANT_SUFFIX = re.compile(r"/(print|amp)/?$", re.I)
# ASP.NET cookieless sessions put the session in the path: "/(S(x3k2...))/vi-vn/tin/...";
# Java servlets in a path parameter: "/tin/1.html;jsessionid=ABC".
SESSION_SEGMENT = re.compile(r"/\((?:[A-Z]\([^)]*\))+\)", re.I)
SESSION_PARAMETER = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#]*", re.I)
SESSION_QUERY = re.compile(r"^(jsessionid|phpsessid|aspsessionid[a-z]*|sessionid|sid)$", re.I)


def _drop(name: str, value: str) -> bool:
    if TRACKING_PARAMETERS.match(name) or PRINT_PARAMETERS.match(name) or SESSION_QUERY.match(name):
        return True
    return PRINT_VALUES.get(name.lower()) == value.lower()


def _default_language(name: str, value: str) -> bool:
    return bool(LANGUAGE_PARAMETERS.match(name)) and value.lower() in DEFAULT_LANGUAGES


def strip_tracking(url: str) -> str:
    """Drop the query parameters that do not choose the page (tracking, print, default language)."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if not _drop(name, value)]
    if all(_default_language(name, value) for name, value in kept):
        kept = []
    if len(kept) == len(pairs):
        return urlunsplit(parts._replace(fragment=""))
    return urlunsplit(parts._replace(query=urlencode(kept, safe="/"), fragment=""))


# Listing pages repeat the portal's menus and sidebars: the same few hundred links on every page
# (12,500 canonicalisations in a 1,000-article crawl, a tenth of its time, for ~1,100 distinct URLs).
@lru_cache(maxsize=16384)
def canonical_url(url: str) -> str:
    """https://NGHEAN.dcs.vn:443//vi-vn/tin/x/1-2-3?utm_source=fb#top -> https://nghean.dcs.vn/vi-vn/tin/x/1-2-3

    Also: scheme and host case, a trailing dot on the host, default ports, fragments, duplicate
    slashes, session ids, print and AMP copies, a language switch to the default language.
    """
    url = SESSION_PARAMETER.sub("", strip_tracking(url.strip()))
    parts = urlsplit(_in_written_order(_canonicalize(url), url))
    netloc = (parts.hostname or "").rstrip(".")
    if parts.port and (parts.scheme, parts.port) not in (("http", 80), ("https", 443)):
        netloc = f"{netloc}:{parts.port}"
    path = re.sub(r"/{2,}", "/", SESSION_SEGMENT.sub("", parts.path)) or "/"
    if path != "/":
        path = VARIANT_SUFFIX.sub("", path) or "/"
    return urlunsplit((parts.scheme, netloc, path, parts.query, ""))


# A delimiter written escaped in a path is data, not the delimiter (RFC 3986, 2.2 and 6.2.2.2): IIS
# serves "/chuyen-muc/Ki%e1%bb%83m%20tra%2c%20gi%c3%a1m%20s%c3%a1t" (Articulate's category, a comma in
# its name), not ".../Ki%E1%BB%83m%20tra,%20gi%C3%A1m%20s%C3%A1t", which w3lib makes of it (it keeps
# the escapes of "/", "?" and ";" only). Each such escape goes through w3lib as a private-use
# character and comes back as the escape, its hex in capitals.
_ESCAPED_DELIMITER = re.compile(r"%(2[146789ABCabc]|3[Aa]|3[Dd]|40)")
_KEPT = {quote(chr(0xE000 + code)): f"%{code:02X}" for code in (
    0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3A, 0x3D, 0x40)}
_KEPT_BACK = re.compile("|".join(re.escape(placeholder) for placeholder in _KEPT))


def _canonicalize(url: str) -> str:
    """w3lib's canonicalize_url, the escaped delimiters of the path kept escaped."""
    parts = urlsplit(url) if "%" in url else None
    path = parts.path if parts is not None else ""
    kept = _ESCAPED_DELIMITER.sub(lambda m: chr(0xE000 + int(m.group(1), 16)), path)
    if parts is None or kept == path:
        return canonicalize_url(url, keep_fragments=False)
    canonical = canonicalize_url(urlunsplit(parts._replace(path=kept)), keep_fragments=False)
    return _KEPT_BACK.sub(lambda m: _KEPT[m.group(0)], canonical)


def _in_written_order(canonical: str, written: str) -> str:
    """The canonical URL's query parameters in the order the page wrote them: w3lib sorts them,
    and "index.php?act=detail&id=3872&mod=news" is no address php-bacgiang ever showed for
    "index.php?mod=news&act=detail&id=3872"."""
    parts = urlsplit(canonical)
    if "&" not in parts.query:
        return _slashes_as_written(canonical, written)
    order: dict[str, int] = {}
    for position, (name, _) in enumerate(parse_qsl(urlsplit(written).query, keep_blank_values=True)):
        order.setdefault(name, position)
    pairs = parts.query.split("&")
    pairs.sort(key=lambda pair: order.get(unquote_plus(pair.split("=", 1)[0]), len(order)))
    return _slashes_as_written(urlunsplit(parts._replace(query="&".join(pairs))), written)


def _slashes_as_written(canonical: str, written: str) -> str:
    """w3lib escapes a slash in a query value ("op=tin-co-so%2F...-2202.html"); a query may hold one
    as it is (RFC 3986, 3.4), and an address is kept as the portal writes it: NukeViet's rewrite-off
    "&op=tin-co-so/...-2202.html" keeps its slash, Liferay's "redirect=%2Fweb%2Fguest" its escapes."""
    written_query = urlsplit(written).query
    if "/" not in written_query or "%2f" in written_query.lower():
        return canonical
    parts = urlsplit(canonical)
    return urlunsplit(parts._replace(query=parts.query.replace("%2F", "/")))


@lru_cache(maxsize=16384)
def address_key(url: str) -> str:
    """What the addresses of one page have in common, to match a feed's item to an archived article
    by any address it is known under: canonical_url() (tracking parameters, sessions, print copies,
    default ports, fragments), and then neither the scheme, a leading "www.", the case of the path and
    query nor a trailing slash. "http://www.tinhuy.example/Tin-Tuc/Ky-Niem/?utm_source=rss" and
    "https://tinhuy.example/tin-tuc/ky-niem" are one key. A key, not an identity: a case-sensitive
    server may serve two pages whose paths differ in case alone, so what a key matches is taken
    only where something else agrees (a feed's time, only when it falls in the page's window)."""
    parts = urlsplit(canonical_url(url))
    host = (parts.hostname or "").removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    path = unquote(parts.path).rstrip("/")
    query = f"?{unquote(parts.query)}" if parts.query else ""
    return f"{host}{port}{path}{query}".casefold()


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")
