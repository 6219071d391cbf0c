"""An article's portal and publication month as words of the full-text index, so that a search
narrowed to a portal or to dates is one FTS5 query.

Data flow: save_article() (archive/store.py) writes facet_words(site, published) into the `facets`
column of both full-text tables (migration m123); search (archive/query/search.py) adds
facet_expression() of its filters to the words it looks for. Why: with the filters applied to
`articles` after the match, a search for "dang uy" on one portal in 40 read the newest matches
until 1,001 passed, about 40,000 of them (0.5 s at 483,000 articles); as words of the index the
portal and the months are intersected with the query's words by FTS5 itself.

The words are made so that no text word is one of them and they are only ever matched in their
own column (the query's words are restricted to title, summary and text, archive/query/search.py):
    site "nghean", published "2026-03-05T08:00:00+07:00"  ->  "s6e676865616e y2026 m202603"
The portal is hex-coded ("thanhhoa.dcs.vn" has dots, which the tokenizer splits on). A filter's
dates become the years it covers whole and the months of the years it covers in part: "--since
2024-07-08 --until 2025" is (m202407 OR ... OR m202412 OR y2025). The filter on `articles` still
decides (the 8th of July, not the 1st): these words only narrow what it is applied to.
"""

from __future__ import annotations

import re

FACETS_COLUMN = "facets"
# A publication that is not "YYYY-MM..." (should not happen: extraction writes ISO 8601) gets this
# word, which every date filter's expression includes, so that the filter on `articles` decides.
ODD_DATE = "zdate"
_MONTH = re.compile(r"^(\d{4})-(\d{2})")


def site_word(site: str) -> str:
    return "s" + site.encode("utf-8").hex()


def facet_words(site: str | None, published: str | None) -> str:
    """The words of the `facets` column for an article of `site` published at `published`."""
    words = [site_word(site)] if site else []
    if published:
        month = _MONTH.match(published)
        words += [f"y{month[1]}", f"m{month[1]}{month[2]}"] if month else [ODD_DATE]
    return " ".join(words)


def _month(value: str) -> tuple[int, int]:
    """(year, month) of a filter's date ("2024", "2024-07" or "2024-07-08"): its first month."""
    parts = value.split("-")
    return int(parts[0]), int(parts[1]) if len(parts) > 1 else 1


def _last_month(value: str) -> tuple[int, int]:
    parts = value.split("-")
    return int(parts[0]), int(parts[1]) if len(parts) > 1 else 12


def date_words(since: str | None, until: str | None, first: str | None, last: str | None) -> list[str] | None:
    """The words an article published between `since` and `until` (filter dates, either may be
    None: open) has one of; `first` and `last` are the archive's earliest and latest publication,
    which close an open end. None when there is no date filter; [] when no article can pass."""
    if since is None and until is None:
        return None
    if first is None or last is None or not _MONTH.match(first) or not _MONTH.match(last):
        return []
    # Clipped to the archive's own months: "--since 1990" is not 36 years of words.
    start = max(_month(since), _month(first[:7])) if since else _month(first[:7])
    end = min(_last_month(until), _month(last[:7])) if until else _month(last[:7])
    words: list[str] = []
    for year in range(start[0], end[0] + 1):
        low = start[1] if year == start[0] else 1
        high = end[1] if year == end[0] else 12
        if low > high:
            continue
        if (low, high) == (1, 12):
            words.append(f"y{year:04d}")
        else:
            words += [f"m{year:04d}{month:02d}" for month in range(low, high + 1)]
    return words


def facet_expression(site: str | None, dates: list[str] | None) -> str | None:
    """An FTS5 expression over the `facets` column: the portal, and one of the date words (or the
    odd-date word). None when neither narrows; an expression that matches nothing when `dates` is
    empty (a range with no month in it)."""
    parts = []
    if site:
        parts.append(f'{FACETS_COLUMN} : "{site_word(site)}"')
    if dates is not None:
        # ODD_DATE keeps an article whose publication is not YYYY-MM for the filter on `articles`.
        choices = " OR ".join(f'"{word}"' for word in [*dates, ODD_DATE])
        parts.append(f"{FACETS_COLUMN} : ({choices})")
    return " AND ".join(parts) or None
