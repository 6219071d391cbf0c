"""Export: archive rows -> one record per article, streamed (JSON lines or CSV) in constant memory.

Data flow: `tinbai export` calls export_rows() with the user's Filters and writes each record
as it arrives; nothing holds more than one batch of rows from the cursor.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

from sqlite_utils import Database

from archive.query.filters import Filters, register_functions

EXPORT_COLUMNS = (
    "id", "url", "site", "site_article_id", "title", "published", "published_range", "author", "category",
    "summary", "source", "text", "extraction", "content_hash", "first_seen", "last_seen", "near_duplicate_of",
    "removed", "removed_last_seen", "versions",
)
# Rows fetched from SQLite at a time: enough to keep the cursor cheap, few enough that
# a million-article archive streams in the memory of a few hundred articles.
BATCH = 200


def export_rows(db: Database, filters: Filters | None = None) -> Iterator[dict[str, Any]]:
    """Every article the filters select, oldest publication first, as a dict per article: re-posts
    (`near_duplicate_of`) and articles gone from their portal (`removed`, when first seen gone) too."""
    where, params = (filters or Filters()).where()
    register_functions(db.conn)
    selected = ", ".join(f"articles.[{column}]" for column in EXPORT_COLUMNS if column != "versions")
    cursor = db.conn.execute(
        f"SELECT {selected}, (SELECT count(*) FROM article_versions WHERE article_id = articles.id) AS versions"
        f" FROM articles WHERE {where} ORDER BY articles.published, articles.id",
        params,
    )
    names = [description[0] for description in cursor.description]
    while rows := cursor.fetchmany(BATCH):
        for row in rows:
            yield dict(zip(names, row, strict=True))


def write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    """One JSON object per line; returns how many were written."""
    written = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        written += 1
    return written


def write_csv(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    """CSV with a header row; paragraphs stay inside their quoted cell."""
    writer = csv.DictWriter(out, fieldnames=list(EXPORT_COLUMNS))
    writer.writeheader()
    written = 0
    for row in rows:
        writer.writerow(row)
        written += 1
    return written
