"""Articles -> an Atom 1.0 feed (RFC 4287), for media monitors: a saved search's newest matches or a
portal's new articles, read by any feed reader.

Data flow: the browser UI's feed routes (archive/query/ui/views.py) select the articles
(archive/query/search.py, archive/query/portal.py) and their times (archive/query/history.py);
this module only writes the XML, with the standard library's ElementTree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

ATOM = "http://www.w3.org/2005/Atom"
# Vietnam's time, for a publication date the portal gave without a time ("2025-01-02").
VIETNAM_OFFSET = "+07:00"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"


@dataclass(frozen=True)
class Entry:
    """One article in a feed. `id` is its canonical URL on the portal: the same article has the
    same id in every feed, whatever the server's address."""

    id: str
    title: str
    link: str  # its page in the archive
    original: str  # its page on the portal
    updated: str  # when its latest version was fetched (ISO 8601)
    published: str | None = None  # the portal's publication time
    author: str | None = None
    category: str | None = None
    summary: str | None = None


def rfc3339(value: str) -> str:
    """An archive timestamp as Atom wants it: "2026-11-19T10:05:00+07:00"; a bare date is midnight in
    Vietnam, a time without an offset is UTC."""
    if len(value) == 10:
        value = f"{value}T00:00:00{VIETNAM_OFFSET}"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


def atom_feed(*, feed_id: str, title: str, self_url: str, page_url: str, author: str,
              entries: Iterable[Entry], subtitle: str | None = None) -> bytes:
    """The feed as UTF-8 XML. Its `updated` is the latest entry's (now when it has none)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=self_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=page_url)
    _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", author)
    _text(feed, "generator", "tinbai")
    updated = _text(feed, "updated", "")
    latest = ""
    for entry in entries:
        element = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(element, "id", entry.id)
        _text(element, "title", entry.title)
        ET.SubElement(element, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=entry.link)
        ET.SubElement(element, f"{{{ATOM}}}link", rel="via", type="text/html", href=entry.original)
        entry_updated = rfc3339(entry.updated)
        latest = max(latest, _utc(entry_updated))
        _text(element, "updated", entry_updated)
        if entry.published:
            _text(element, "published", rfc3339(entry.published))
        if entry.author:
            _text(ET.SubElement(element, f"{{{ATOM}}}author"), "name", entry.author)
        if entry.category:
            ET.SubElement(element, f"{{{ATOM}}}category", term=entry.category)
        if entry.summary:
            _text(element, "summary", entry.summary)
    updated.text = latest or datetime.now(UTC).isoformat(timespec="seconds")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = value
    return element


def _utc(value: str) -> str:
    # Comparable as text: every time in UTC with the same format.
    return datetime.fromisoformat(value).astimezone(UTC).isoformat(timespec="seconds")
