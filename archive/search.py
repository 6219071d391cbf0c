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
from dataclasses import replace
from itertools import islice
from typing import Any

from sqlite_utils import Database

from archive.filters import FilterError, Filters, register_functions
from archive.fold import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, fold
from archive.schema import FTS_EXACT_TABLE, FTS_TABLE

# bm25 weights, in the order of the FTS columns (title, summary, text): a word in
# the headline says more about what the article is about than one in its body.
RANK_WEIGHTS = (10.0, 4.0, 1.0)
SNIPPET_WORDS = 30
# Words kept before the first match, so the snippet shows it in context.
SNIPPET_LEAD_WORDS = 8
# Words that may stand between the query's words for an article to rank as "near".
NEAR_WORDS = 5

# FTS5 operators, which the query language does not offer: every term is required.
_UNSUPPORTED_OPERATORS = {"OR", "NOT", "NEAR"}
_WORD = re.compile(r"\S+")
_SPACE = re.compile(r"\s+")
_MARKED = re.compile(f"{HIGHLIGHT_OPEN}[^{HIGHLIGHT_CLOSE}]*{HIGHLIGHT_CLOSE}")


class SearchError(ValueError):
    """The search query cannot be used; the message is one line meant for the user."""


def parse_query(query: str, *, exact: bool = False) -> list[str]:
    """Split a user's query into terms: quoted phrases and single words.

    'Đảng ủy "Nghệ An"' -> ["dang", "uy", "nghe an"]. All terms are required.
    Terms are folded (archive/fold.py); with `exact` they keep their diacritics (NFC).
    """
    if query.count('"') % 2:
        raise SearchError(f"unbalanced quote in search query: {query!r}")
    normalise = _exact_term if exact else fold
    terms: list[str] = []
    # Splitting on quotes alternates outside (even) and inside (odd) a phrase.
    for position, part in enumerate(query.split('"')):
        if position % 2:
            phrase = " ".join(normalise(part).split())
            if _searchable(phrase):
                terms.append(phrase)
            continue
        for word in part.split():
            if word in _UNSUPPORTED_OPERATORS:
                raise SearchError(
                    f"{word} is not supported in search: all words are required; "
                    'quote a phrase to search for it ("dang uy")'
                )
            term = normalise(word)
            # "AND" is what FTS5 would do anyway; punctuation alone ("-", "*") has no word in it.
            if word != "AND" and _searchable(term):
                terms.append(term)
    if not terms:
        raise SearchError(f"nothing to search for in {query!r}: give at least one word")
    return terms


def _exact_term(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def to_fts_expression(terms: list[str]) -> str:
    """Every term as an FTS5 string, so no user input is read as FTS5 syntax."""
    return " AND ".join(_quote(term) for term in terms)


def ranking_expressions(terms: list[str]) -> tuple[str, str]:
    """FTS5 expressions for the two best tiers: all terms as one phrase, all terms near.

    "dang uy" ranks "... Đảng ủy ..." (the phrase) above "... Đảng bộ ... ủy ban ..."
    (near) above "Tỉnh ủy ... [200 words] ... Đảng" (only all words).
    """
    phrase = _quote(" ".join(terms))
    near = f"NEAR({' '.join(_quote(term) for term in terms)}, {NEAR_WORDS})"
    return phrase, near


def search_sql(*, fts_table: str, match: str, phrase: str, near: str, where: str, limit: str) -> str:
    """The ranked search query; `match`, `phrase`, `near`, `where` and `limit` are SQL
    expressions (parameters for the CLI, SQL functions in the browser UI, archive/ui.py)."""
    weights = ", ".join(str(weight) for weight in RANK_WEIGHTS)
    marks = f"char({ord(HIGHLIGHT_OPEN)}), char({ord(HIGHLIGHT_CLOSE)})"
    return f"""
        SELECT articles.id, articles.url, articles.title, articles.published, articles.site,
               articles.category, articles.author, articles.summary, articles.text,
               highlight([{fts_table}], 0, {marks}) AS title_marked,
               highlight([{fts_table}], 1, {marks}) AS summary_marked,
               highlight([{fts_table}], 2, {marks}) AS text_marked,
               CASE WHEN articles.id IN (SELECT rowid FROM [{fts_table}] WHERE [{fts_table}] MATCH {phrase}) THEN 0
                    WHEN articles.id IN (SELECT rowid FROM [{fts_table}] WHERE [{fts_table}] MATCH {near}) THEN 1
                    ELSE 2 END AS tier
        FROM [{fts_table}] JOIN articles ON articles.id = [{fts_table}].rowid
        WHERE [{fts_table}] MATCH {match} AND {where}
        ORDER BY tier, bm25([{fts_table}], {weights}), articles.id
        LIMIT {limit}
    """


def search(
    db: Database,
    query: str,
    *,
    limit: int = 20,
    site: str | None = None,
    filters: Filters | None = None,
    exact: bool = False,
) -> list[dict[str, Any]]:
    """Articles matching every word and phrase of `query`, best first.

    Diacritics and case do not matter ("nghe an" finds "Nghệ An") unless `exact`
    ("Đảng" then finds neither "đăng" nor "dang"); "quoted words" must appear
    together. Articles where the words stand together as in the query come first,
    then those where they are near each other, then the rest, each by bm25.
    Re-posts (near duplicates) are left out unless the filters ask for them.
    Each result: id, url, title, published, site, category, author, and a snippet
    of the original text around the first match, matches in [brackets].
    """
    if limit < 1:
        raise SearchError(f"limit must be at least 1, not {limit}")
    filters = filters or Filters()
    if site is not None:
        filters = replace(filters, site=site)
    terms = parse_query(query, exact=exact)
    phrase, near = ranking_expressions(terms)
    try:
        where, params = filters.where()
    except FilterError as error:
        raise SearchError(str(error)) from None
    params.update(expression=to_fts_expression(terms), phrase=phrase, near=near, limit=limit)
    sql = search_sql(
        fts_table=FTS_EXACT_TABLE if exact else FTS_TABLE,
        match=":expression", phrase=":phrase", near=":near", where=where, limit=":limit",
    )
    if "tinbai_fold" in where:
        # Registering a function expires the connection's prepared statements: only when used.
        register_functions(db.conn)
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
            "category": row["category"],
            "author": row["author"],
            "snippet": best_snippet(row),
        }
        for row in rows
    ]


def best_snippet(row: dict[str, Any]) -> str:
    """The snippet of a search row: the first column (text, summary, title) with a match."""
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
    # highlight() writes balanced pairs, never nested; each pair before a match shifts
    # its offsets in `marked` by two characters.
    spans = [
        (match.start() - 2 * pairs, match.end() - 2 * pairs - 2)
        for pairs, match in enumerate(_MARKED.finditer(marked))
    ]
    position = len(marked) - 2 * len(spans)
    # An index out of step with the article (should not happen: both are written in
    # one transaction) would put brackets in the wrong place; show none instead.
    if position != len(unicodedata.normalize("NFC", original)):
        return []
    return spans


def snippet(original: str, spans: list[tuple[int, int]], words: int = SNIPPET_WORDS) -> str:
    """About `words` words of `original` around the first span, spans in [brackets]."""
    text = unicodedata.normalize("NFC", original)
    # Words (runs of non-space, as _WORD) are counted by str.split(); only the window's own
    # words are visited one by one.
    total = len(text.split())
    if not total:
        return ""
    first = 0
    if spans:
        # The first word that ends after the match starts: after every word before the match,
        # or the word the match starts inside of (cut in two by the slice).
        match_start = spans[0][0]
        first = len(text[:match_start].split())
        if 0 < match_start < len(text) and not text[match_start - 1].isspace() and not text[match_start].isspace():
            first -= 1
        first = min(first, total - 1)
    start_word = max(0, min(first - SNIPPET_LEAD_WORDS, total - words))
    end_word = min(total, start_word + words)
    window = [match.span() for match in islice(_WORD.finditer(text), start_word, end_word)]
    window_start, window_end = window[0][0], window[-1][1]

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
    suffix = " …" if end_word < total else ""
    return f"{prefix}{result}{suffix}"


def _searchable(folded: str) -> bool:
    # The FTS5 unicode61 tokenizer indexes letters and digits; anything else separates.
    return any(char.isalnum() for char in folded)
