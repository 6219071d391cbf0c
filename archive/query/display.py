"""Times as the reading room shows them, in the browser (archive/query/ui/) and the terminal (crawler/cli/).

Data flow: the archive stores ISO 8601 (archive/README: `published` in the portal's time, +07:00,
or a bare date; first_seen, last_seen, fetched_at in UTC); these turn them into what a reader reads.
"""

from __future__ import annotations


def vietnamese_date(value: str | None) -> str:
    """A publication time as a Vietnamese reader writes it, day first: "2026-11-19T10:05:00+07:00" ->
    "19/11/2026 10:05", "2025-01-02" -> "02/01/2025"; the portal's own time, never converted."""
    if not value:
        return ""
    day = f"{value[8:10]}/{value[5:7]}/{value[:4]}" if len(value) >= 10 else value
    return f"{day} {value[11:16]}" if len(value) >= 16 and value[10] == "T" else day


def utc_time(value: str | None) -> str:
    """An archive timestamp (UTC): "2026-12-05T10:00:00+00:00" -> "2026-12-05 10:00 UTC"."""
    if not value:
        return ""
    return f"{value[:10]} {value[11:16]} UTC" if len(value) >= 16 else value
