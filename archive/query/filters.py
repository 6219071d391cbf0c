"""Which articles a query is about: site, category, author, publication range, removed from the portal.

Data flow: the CLI builds Filters from its options; search() (archive/query/search.py) and
export_rows() (archive/query/export.py) turn them into one SQL condition on `articles`.
Category and author compare folded (crawler/extract/fold.py): "xay dung dang" is "Xây dựng Đảng".
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from crawler.extract.fold import fold

# "2024", "2024-07" or "2024-07-08": `published` is ISO 8601, so a prefix is a range.
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class FilterError(ValueError):
    """A filter cannot be used; the message is one line meant for the user."""


@dataclass(frozen=True)
class Filters:
    site: str | None = None
    category: str | None = None
    author: str | None = None
    # Inclusive bounds on the publication date: a year, a month or a day.
    since: str | None = None
    until: str | None = None
    # Only the re-posts: what other sections and portals took from an earlier article. (Re-posts are
    # otherwise selected like any article: search folds them under their original, never leaves
    # them out.)
    only_near_duplicates: bool = False
    # Only articles gone from their portal (articles.removed: a takedown, archive/takedowns.py).
    removed: bool = False

    def where(self) -> tuple[str, dict[str, Any]]:
        """An SQL condition on `articles` and its named parameters (prefixed `f_`)."""
        clauses: list[str] = []
        params: dict[str, Any] = {}
        if self.site:
            clauses.append("articles.site = :f_site")
            params["f_site"] = self.site
        if self.category:
            clauses.append("tinbai_fold(articles.category) = :f_category")
            params["f_category"] = " ".join(fold(self.category).split())
        if self.author:
            clauses.append("instr(tinbai_fold(articles.author), :f_author) > 0")
            params["f_author"] = " ".join(fold(self.author).split())
        if self.since:
            clauses.append("articles.published >= :f_since")
            params["f_since"] = _date(self.since, "since")
        if self.until:
            # "2024-07" as an upper bound means the whole of July: every time that starts with it
            # sorts below "2024-07" followed by the highest character, through the index on
            # `published` (a prefix compared with substr() read every article).
            until = _date(self.until, "until")
            clauses.append("articles.published <= :f_until")
            params["f_until"] = until + "\uffff"
        if self.removed:
            clauses.append("articles.removed IS NOT NULL")
        if self.only_near_duplicates:
            clauses.append("articles.near_duplicate_of IS NOT NULL")
        return (" AND ".join(clauses) or "1"), params


def can_filter_removed(db: Database) -> bool:
    """Whether the archive records takedowns (the `removed` column of `articles`), which
    Filters.removed needs."""
    return "removed" in db.table("articles").columns_dict


def _date(value: str, name: str) -> str:
    if not _DATE.match(value):
        raise FilterError(f"--{name} takes a date as YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    parts = [int(part) for part in value.split("-")]
    try:
        # "2026-13" and "2026-02-30" match the pattern and are no date: refused, not an empty answer.
        date(parts[0], *(parts[1:] + [1, 1])[:2])
    except ValueError as error:
        raise FilterError(f"--{name} {value}: no such date ({error})") from None
    return value


def day_or_month(value: str, name: str) -> str:
    """`value` as a date prefix (YYYY, YYYY-MM or YYYY-MM-DD) that is a real year, month or day;
    FilterError naming option `name` otherwise ("--since takes a date ...")."""
    from datetime import date

    _date(value, name)
    try:
        date.fromisoformat((value + "-01-01")[:10] if len(value) < 10 else value)
    except ValueError:
        raise FilterError(f"--{name}: {value!r} is not a real date") from None
    return value


def _sql_fold(text: str | None) -> str | None:
    return None if text is None else " ".join(fold(text).split())


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the filters use: tinbai_fold(text) folds like the search index."""
    conn.create_function("tinbai_fold", 1, _sql_fold, deterministic=True)
