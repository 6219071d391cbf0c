"""Full-text search: a user's query -> safe FTS5 expression over folded text -> ranked results.

Data flow: reads what save_article() indexed (archive/store.py): the articles_fts
table holds FOLDED copies (archive/fold.py) of title, summary and text, so
"dang uy" finds "Đảng ủy". Snippets are cut from the original text at the offsets
of the match in the folded copy: fold() keeps offsets, so diacritics come back.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from typing import Any

from sqlite_utils import Database

from archive.fold import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, fold
from archive.schema import FTS_TABLE

# bm25 weights, in the order of the FTS columns (title, summary, text): a word in
# the headline says more about what the article is about than one in its body.
RANK_WEIGHTS = (10.0, 4.0, 1.0)
SNIPPET_WORDS = 30
# Words kept before the first match, so the snippet shows it in context.
SNIPPET_LEAD_WORDS = 8

# FTS5 operators, which the query language does not offer: every term is required.
_UNSUPPORTED_OPERATORS = {"OR", "NOT", "NEAR"}
_WORD = re.compile(r"\S+")
_SPACE = re.compile(r"\s+")


class SearchError(ValueError):
    """The search query cannot be used; the message is one line meant for the user."""


def parse_query(query: str) -> list[str]:
    """Split a user's query into folded terms: quoted phrases and single words.

    'Đảng ủy "Nghệ An"' -> ["dang", "uy", "nghe an"]. All terms are required.
    """
    if query.count('"') % 2:
        raise SearchError(f"unbalanced quote in search query: {query!r}")
    terms: list[str] = []
    # Splitting on quotes alternates outside (even) and inside (odd) a phrase.
    for position, part in enumerate(query.split('"')):
        if position % 2:
            phrase = " ".join(fold(part).split())
            if _searchable(phrase):
                terms.append(phrase)
            continue
        for word in part.split():
            if word in _UNSUPPORTED_OPERATORS:
                raise SearchError(
                    f"{word} is not supported in search: all words are required; "
                    'quote a phrase to search for it ("dang uy")'
                )
            folded = fold(word)
            # "AND" is what FTS5 would do anyway; punctuation alone ("-", "*") has no word in it.
            if word != "AND" and _searchable(folded):
                terms.append(folded)
    if not terms:
        raise SearchError(f"nothing to search for in {query!r}: give at least one word")
    return terms


def to_fts_expression(terms: list[str]) -> str:
    """Every term as an FTS5 string, so no user input is read as FTS5 syntax."""
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)


def search(db: Database, query: str, *, limit: int = 20, site: str | None = None) -> list[dict[str, Any]]:
    """Articles matching every word and phrase of `query`, best first.

    Diacritics and case do not matter ("nghe an" finds "Nghệ An"); "quoted words"
    must appear together. Each result: id, url, title, published, site, and a
    snippet of the original text around the first match, matches in [brackets].
    """
    if limit < 1:
        raise SearchError(f"limit must be at least 1, not {limit}")
    params: dict[str, Any] = {
        "expression": to_fts_expression(parse_query(query)),
        "open": HIGHLIGHT_OPEN,
        "close": HIGHLIGHT_CLOSE,
        "limit": limit,
        "site": site,
    }
    weights = ", ".join(str(weight) for weight in RANK_WEIGHTS)
    sql = f"""
        SELECT articles.id, articles.url, articles.title, articles.published, articles.site,
               articles.summary, articles.text,
               highlight([{FTS_TABLE}], 0, :open, :close) AS title_marked,
               highlight([{FTS_TABLE}], 1, :open, :close) AS summary_marked,
               highlight([{FTS_TABLE}], 2, :open, :close) AS text_marked
        FROM [{FTS_TABLE}] JOIN articles ON articles.id = [{FTS_TABLE}].rowid
        WHERE [{FTS_TABLE}] MATCH :expression AND (:site IS NULL OR articles.site = :site)
        ORDER BY bm25([{FTS_TABLE}], {weights}), articles.id
        LIMIT :limit
    """
    try:
        rows = list(db.query(sql, params))
    except sqlite3.Error as exc:
        raise SearchError(f"search failed: {exc}") from None
    return [
        {
            "id": row["id"],
            "url": row["url"],
            "title": row["title"],
            "published": row["published"],
            "site": row["site"],
            "snippet": _best_snippet(row),
        }
        for row in rows
    ]


def _best_snippet(row: dict[str, Any]) -> str:
    # The body is the useful context; a match only in the summary or the title
    # still gets a snippet that shows it.
    for column in ("text", "summary", "title"):
        original = row[column] or ""
        spans = match_spans(row[f"{column}_marked"] or "", original)
        if spans:
            return snippet(original, spans)
    return snippet(row["text"] or "", [])


def match_spans(marked: str, original: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the highlighted matches, valid in the NFC original.

    `marked` is the folded column with markers around matches; fold() keeps one
    character per NFC character, so offsets counted without the markers are
    offsets in the original.
    """
    spans: list[tuple[int, int]] = []
    position = start = 0
    for char in marked:
        if char == HIGHLIGHT_OPEN:
            start = position
        elif char == HIGHLIGHT_CLOSE:
            spans.append((start, position))
        else:
            position += 1
    # An index out of step with the article (should not happen: both are written in
    # one transaction) would put brackets in the wrong place; show none instead.
    if position != len(unicodedata.normalize("NFC", original)):
        return []
    return spans


def snippet(original: str, spans: list[tuple[int, int]], words: int = SNIPPET_WORDS) -> str:
    """About `words` words of `original` around the first span, spans in [brackets]."""
    text = unicodedata.normalize("NFC", original)
    word_spans = [match.span() for match in _WORD.finditer(text)]
    if not word_spans:
        return ""
    first = 0
    if spans:
        first = next(
            (index for index, (_, end) in enumerate(word_spans) if end > spans[0][0]),
            len(word_spans) - 1,
        )
    start_word = max(0, min(first - SNIPPET_LEAD_WORDS, len(word_spans) - words))
    end_word = min(len(word_spans), start_word + words)
    window_start, window_end = word_spans[start_word][0], word_spans[end_word - 1][1]

    pieces: list[str] = []
    cursor = window_start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, window_start), min(span_end, window_end)
        if span_start >= span_end or span_start < cursor:
            continue
        pieces += [text[cursor:span_start], "[", text[span_start:span_end], "]"]
        cursor = span_end
    pieces.append(text[cursor:window_end])
    # Paragraph breaks inside the window would break the one-line snippet.
    result = _SPACE.sub(" ", "".join(pieces)).strip()
    prefix = "… " if start_word > 0 else ""
    suffix = " …" if end_word < len(word_spans) else ""
    return f"{prefix}{result}{suffix}"


def _searchable(folded: str) -> bool:
    # The FTS5 unicode61 tokenizer indexes letters and digits; anything else separates.
    return any(char.isalnum() for char in folded)
