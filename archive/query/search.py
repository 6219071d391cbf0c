"""Full-text search: a user's query -> safe FTS5 expression over folded text -> ranked results.

Data flow: reads what save_article() indexed (archive/store.py): the articles_fts
table holds FOLDED copies (crawler/extract/fold.py) of title, summary and text, so
"dang uy" finds "Đảng ủy". Snippets are cut from the original text at the offsets
of the match in the folded copy: fold() keeps offsets, so diacritics come back.

The ranking plan (search_sql), bounded so that a query costs about the same however
many articles it matches (over 100,000 archived articles, p95 under 50 ms):

1. Candidates: the matches that pass the filters, read newest first (FTS5 hands out
   rowids in order, so this stops after CANDIDATES + 1 of them). With
   filters, the newest SCAN_FACTOR x CANDIDATES matches are looked up in `articles` one
   by one; if too few of them pass, the older matches are checked against the set of
   articles that pass, built once (a filter that passes few articles still costs a pass
   over every match: 60-220 ms CPU for the commonest words at 100,000 articles).
2. The ranking, the same for every query: the words together as a phrase first, then near
   each other (NEAR_WORDS), then the rest; within each tier, the articles whose title holds
   every word, then those whose summary does, then the rest; then newest first. A query with
   more matches than CANDIDATES ("Đảng ủy" matches nearly every article) ranks the CANDIDATES
   newest; one with fewer ranks all of them (or as many as asked for, if more). The tier and
   title/summary tests are FTS5 queries over the candidates' rowid range only, so a common word
   costs about the same however many articles it matches; a query whose matches all fit in the
   window reads its words' entries over their whole range (many common words on one portal: the
   slowest case in BENCHMARKS.md, issue 23). Not by bm25: its first call counts the articles
   holding each of the query's words in the whole index (a pass over each word's entry: 18 ms
   for "dang uy", 58 ms for "dai hoi dang bo nhiem ky 2025-2030" at 158,000 articles, and
   growing with the archive), and FTS5 gives a word in more than half the articles a near-zero
   weight anyway. Until issue 23's measurements a query with at most CANDIDATES matches was
   ranked by bm25 within each tier (title weighing 10, summary 4, text 1).
3. search() and search_page() run the plan as a few statements (_ranked_rows(): the
   candidates, each tier's FTS5 query, the page's rows); search_sql() is the same plan as one
   statement, for the browser's canned query (archive/query/ui/), and ranks alike.
4. highlight() runs only for the rows returned, over their rowid range.
5. Pages (search_page(), the browser's search page and `tinbai search`): the total is a count of
   every match that passes the filters: the candidates' number when they are every match, the
   bound when more than the window match and the count is bounded (the browser's), otherwise a
   pass over the matches (count_sql(): 26 ms p50 for bench/perf.py's queries at 100,000
   articles, bench/reading.py); the ranked window's pages come
   from this plan, the pages after it are the older matches newest first (newest_sql()), so
   paging reaches every match, each once.
6. Re-posts: no matching article is left out, of a page or of the count. On a page, a re-post
   whose original is on the same page is folded under it (fold_reposts()), in the place of the
   better ranked of the two, and the original says so ("similar": the re-posts folded under it);
   a re-post whose original is not on the page (another word, another filter, another page) is
   listed as itself, saying which article it re-posts (near_duplicate_of).

The trade-off: a query with more than CANDIDATES matches does not reach older
articles; --since/--until, --site, --category or another word narrow it (filters
apply before the bound, so they reach every article). "Newest" is the order the
archive first saw the articles (articles.id), which is publication order for a
portal crawled as it publishes, but not within the first crawl of its back catalogue.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

from sqlite_utils import Database

from archive.db import ArchiveDamaged, is_damage
from archive.facets import date_words, facet_expression
from archive.query.filters import FilterError, Filters, register_functions
from archive.schema import FTS_EXACT_TABLE, FTS_TABLE
from crawler.extract.fold import fold

# FTS5 highlight() wraps each match in these two control characters, which fold() turns into
# spaces wherever they occur in an article: a marker found in the folded text is always a match.
HIGHLIGHT_OPEN = "\x02"
HIGHLIGHT_CLOSE = "\x03"
SNIPPET_WORDS = 30
# Words kept before the first match, so the snippet shows it in context.
SNIPPET_LEAD_WORDS = 8
# Words that may stand between the query's words for an article to rank as "near".
NEAR_WORDS = 5
# Matches ranked at most (the plan: the module's docstring): a query with more ranks the newest.
CANDIDATES = 1000
# With filters, how many of the newest matches (times the window) are looked up one by one
# before the rest are checked against the set of articles that pass the filters.
SCAN_FACTOR = 4

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
    Terms are folded (crawler/extract/fold.py); with `exact` they keep their diacritics (NFC).
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


# The columns a query's words are looked for in: not the facet words' column (archive/facets.py),
# so a typed "s6e676865616e" finds no portal's every article.
TEXT_COLUMNS = "{title summary text}"


def to_fts_expression(terms: list[str]) -> str:
    """Every term as an FTS5 string, so no user input is read as FTS5 syntax, in the text columns."""
    return f"{TEXT_COLUMNS} : (" + " AND ".join(_quote(term) for term in terms) + ")"


def ranking_expressions(terms: list[str]) -> tuple[str, str]:
    """FTS5 expressions for the two best tiers: all terms as one phrase, all terms near.

    "dang uy" ranks "... Đảng ủy ..." (the phrase) above "... Đảng bộ ... ủy ban ..."
    (near) above "Tỉnh ủy ... [200 words] ... Đảng" (only all words).
    """
    phrase = f"{TEXT_COLUMNS} : " + _quote(" ".join(terms))
    near = f"{TEXT_COLUMNS} : NEAR({' '.join(_quote(term) for term in terms)}, {NEAR_WORDS})"
    return phrase, near


def search_sql(
    *, fts_table: str, match: str, phrase: str, near: str, where: str, limit: str,
    candidates: int = CANDIDATES, offset: str = "0", facets: str | None = None,
) -> str:
    """The ranked search query (the plan: the module's docstring); `match`, `phrase`,
    `near`, `where`, `limit` and `offset` are SQL expressions (parameters for the CLI, SQL
    functions in the browser UI, archive/query/ui/). `where` is a condition on `articles`
    ("1" for none). `facets` is an FTS5 expression of the filters' facet words (archive/facets.py):
    every FTS query below also asks for them, so that the matches of other portals and months are
    not read at all; `where` still decides."""
    fts = f"[{fts_table}]"

    def narrow(expression: str) -> str:
        return expression if facets is None else f"{expression} || ' AND ' || {facets}"

    narrowed = narrow(match)
    window = f"max({candidates}, {limit})"
    if where.strip() == "1":
        # The newest matches, one more than the window: whether there are more than it.
        newest = f"""
        newest AS MATERIALIZED (
            SELECT rowid AS id FROM {fts} WHERE {fts} MATCH {narrowed}
            ORDER BY rowid DESC LIMIT {window} + 1
        )"""
    else:
        # With filters, each of the newest matches is looked up in `articles` (a few
        # microseconds each) until enough pass; for a filter that passes few (another
        # portal, an old month) that would be every match, so the matches older than the
        # SCAN_FACTOR x window newest are checked against the set of articles that pass,
        # built once, instead.
        # With facet words the matches read are about those that pass: the window's worth is enough.
        scanned = f"{1 if facets is not None else SCAN_FACTOR} * ({window} + 1)"
        newest = f"""
        scanned AS MATERIALIZED (
            SELECT min(id) AS low, count(*) AS count FROM (
                SELECT rowid AS id FROM {fts} WHERE {fts} MATCH {narrowed} ORDER BY rowid DESC LIMIT {scanned}
            )
        ),
        looked_up AS MATERIALIZED (
            SELECT {fts}.rowid AS id FROM {fts} CROSS JOIN articles ON articles.id = {fts}.rowid
            WHERE {fts} MATCH {narrowed} AND {fts}.rowid >= (SELECT low FROM scanned) AND {where}
            ORDER BY {fts}.rowid DESC LIMIT {window} + 1
        ),
        newest AS MATERIALIZED (
            SELECT id FROM looked_up
            UNION ALL
            SELECT id FROM (
                SELECT rowid AS id FROM {fts}
                WHERE {fts} MATCH {narrowed} AND rowid < (SELECT low FROM scanned)
                  AND +rowid IN (SELECT articles.id FROM articles WHERE {where})
                ORDER BY rowid DESC
                -- Nothing (no scan, no set) when the lookups found enough, or saw every match.
                LIMIT CASE WHEN (SELECT count FROM scanned) = {scanned}
                            AND (SELECT count(*) FROM looked_up) <= {window} THEN {window} + 1 ELSE 0 END
            )
            ORDER BY id DESC LIMIT {window} + 1
        )"""
    # Every FTS query below but the window's reads only the window's range of rowids.
    # ...and no newer than the newest candidate: with filters (a portal, months long past) the
    # candidates can be a small part of the matches in that range.
    in_window = "rowid >= (SELECT low FROM span) AND rowid <= (SELECT high FROM span)"
    complete = "(SELECT complete FROM span)"

    def among(expression: str) -> str:
        return f"(SELECT rowid FROM {fts} WHERE {fts} MATCH {narrow(expression)} AND {in_window})"

    return f"""
        WITH {newest},
        span AS MATERIALIZED (
            SELECT coalesce(min(id), 0) AS low, coalesce(max(id), 0) AS high, count(*) <= {window} AS complete
            FROM newest
        ),
        -- Every match when they fit in the window, otherwise the window's newest.
        candidates AS MATERIALIZED (
            SELECT id FROM newest WHERE {complete} OR id > (SELECT low FROM span)
        ),
        ranked AS MATERIALIZED (
            SELECT rowid AS id,
                   CASE WHEN rowid IN {among(phrase)} THEN 0
                        WHEN rowid IN {among(near)} THEN 1
                        ELSE 2 END AS tier,
                   CASE WHEN rowid IN {among(f"'{{title}} : (' || {match} || ')'")} THEN 0
                        WHEN rowid IN {among(f"'{{summary}} : (' || {match} || ')'")} THEN 1
                        ELSE 2 END AS field,
                   -rowid AS age
            FROM {fts}
            WHERE {fts} MATCH {narrowed} AND {in_window} AND +rowid IN (SELECT id FROM candidates)
            ORDER BY tier, field, age
            LIMIT {limit} OFFSET {offset}
        ),
        {_marked_sql(fts, narrowed, "ranked")}
        SELECT {_RESULT_COLUMNS}, ranked.tier
        FROM ranked JOIN articles ON articles.id = ranked.id JOIN marked ON marked.id = ranked.id
        ORDER BY ranked.tier, ranked.field, ranked.age
    """


# The columns of a result row: what search() returns and what best_snippet() reads.
_RESULT_COLUMNS = """articles.id, articles.url, articles.title, articles.published, articles.site,
               articles.category, articles.author, articles.summary, articles.text,
               articles.near_duplicate_of, articles.removed,
               marked.title_marked, marked.summary_marked, marked.text_marked"""


def _marked_sql(fts: str, match: str, rows: str) -> str:
    """The `marked` CTE: highlight() of the rows of CTE `rows` only, read over their rowid range."""
    marks = f"char({ord(HIGHLIGHT_OPEN)}), char({ord(HIGHLIGHT_CLOSE)})"
    return f"""marked AS MATERIALIZED (
            SELECT rowid AS id,
                   highlight({fts}, 0, {marks}) AS title_marked,
                   highlight({fts}, 1, {marks}) AS summary_marked,
                   highlight({fts}, 2, {marks}) AS text_marked
            FROM {fts}
            WHERE {fts} MATCH {match} AND rowid >= (SELECT min(id) FROM {rows})
              AND rowid <= (SELECT max(id) FROM {rows}) AND +rowid IN (SELECT id FROM {rows})
        )"""


def _passing_clause(where: str) -> str:
    """Matches that pass the filters, tested against the set of articles that pass, built once."""
    return "" if where.strip() == "1" else f"AND +rowid IN (SELECT articles.id FROM articles WHERE {where})"


def _passing(fts: str, narrowed: str | None, match: str, where: str) -> str:
    """The rowids of the matches that pass `where`, in the index's order: read through `narrowed`
    (the facet words narrow the matches to about those that pass) each looked up in `articles`;
    otherwise tested against the set of the articles that pass, built once."""
    if narrowed is None:
        return f"SELECT rowid AS id FROM {fts} WHERE {fts} MATCH {match} {_passing_clause(where)}"
    if where.strip() == "1":
        return f"SELECT rowid AS id FROM {fts} WHERE {fts} MATCH {narrowed}"
    # CROSS JOIN: the matches drive, each looked up in `articles`; joined plainly, SQLite took the
    # portal's articles from their index and ran the full-text query once for each (3.8 s for a
    # portal's 3,800 articles at 152,000).
    return (f"SELECT {fts}.rowid AS id FROM {fts} CROSS JOIN articles ON articles.id = {fts}.rowid"
            f" WHERE {fts} MATCH {narrowed} AND {where}")


def newest_sql(*, fts_table: str, match: str, where: str, limit: str, offset: str = "0",
               narrowed: str | None = None) -> str:
    """Every match that passes `where`, newest first (the order the archive first saw them):
    the pages of a search beyond its ranked window, and the feeds of new matches. The same
    result columns as search_sql(), tier 3."""
    fts = f"[{fts_table}]"
    return f"""
        WITH page AS MATERIALIZED (
            SELECT id FROM ({_passing(fts, narrowed, match, where)})
            ORDER BY id DESC LIMIT {limit} OFFSET {offset}
        ),
        {_marked_sql(fts, narrowed or match, "page")}
        SELECT {_RESULT_COLUMNS}, 3 AS tier
        FROM page JOIN articles ON articles.id = page.id JOIN marked ON marked.id = page.id
        ORDER BY page.id DESC
    """


def count_sql(*, fts_table: str, match: str, where: str, narrowed: str | None = None,
              bound: str | None = None) -> str:
    """How many articles match and pass `where`: a pass over every match (the commonest words'
    cost: bench/perf.py's search breakdown), or, with `bound`, over at most bound + 1 of them
    (whether there are more than `bound`)."""
    fts = f"[{fts_table}]"
    passing = _passing(fts, narrowed, match, where)
    if bound is not None:
        passing = f"{passing} LIMIT {bound} + 1"
    return f"SELECT count(*) AS total FROM ({passing})"


@dataclass(frozen=True)
class _Prepared:
    """A query and its filters as SQL pieces and parameters, for search_sql(), newest_sql(), count_sql()."""

    fts_table: str
    where: str
    params: dict[str, Any]
    # ":narrowed" and ":facets" when the filters have facet words (the query's words and them, and
    # them alone), else None.
    narrowed: str | None = None
    facets: str | None = None
    # How many terms the query has: with one, every match is in the first tier (its phrase).
    terms: int = 1
    # The facet words decide the filters alone (a portal, nothing else): a match found with them
    # passes `where`, so the matches are not looked up in `articles`.
    facets_decide: bool = False


def _prepare(db: Database, query: str, filters: Filters, exact: bool) -> _Prepared:
    terms = parse_query(query, exact=exact)
    phrase, near = ranking_expressions(terms)
    try:
        where, params = filters.where()
    except FilterError as error:
        raise SearchError(str(error)) from None
    expression = to_fts_expression(terms)
    params.update(expression=expression, phrase=phrase, near=near)
    if "tinbai_fold" in where:
        # Registering a function expires the connection's prepared statements: only when used.
        register_functions(db.conn)
    facets = facet_expression(filters.site, _date_words(db, filters))
    if facets is None:
        return _Prepared(FTS_EXACT_TABLE if exact else FTS_TABLE, where, params, terms=len(terms))
    params.update(narrowed=f"{expression} AND {facets}", facets=facets)
    # The portal's word is its name hex-coded, one to one, and kept with the article's portal
    # (archive/facets.py); dates are not: a day-precise bound, or a publication that is no
    # YYYY-MM date (archive/facets.py's ODD_DATE), is for `where` to decide.
    decide = bool(filters.site) and filters == Filters(site=filters.site)
    return _Prepared(FTS_EXACT_TABLE if exact else FTS_TABLE, where, params, ":narrowed", ":facets", len(terms),
                     decide)


@dataclass(frozen=True)
class _Ranking:
    """The rows of one page of the ranked window, and what the window held."""

    rows: list[dict[str, Any]]
    # The matches that pass the filters, newest first, one more than the window at most.
    newest: int
    window: int

    @property
    def complete(self) -> bool:
        """Every match that passes the filters is in the window (then `newest` is how many match)."""
        return self.newest <= self.window


def _ids(rows: Any) -> list[int]:
    return [row[0] for row in rows]


def _ranked_rows(db: Database, prepared: _Prepared, *, limit: int, offset: int = 0,
                 candidates: int = CANDIDATES) -> _Ranking:
    """search_sql()'s plan run as a few statements: the same rows in the same order.

    One statement made SQLite run every FTS5 query of the plan inside the others (the tiers as
    `rowid IN (...)` lists, the matches read again with the candidates as a list, the window read
    twice with filters): 16.6 ms for "dang uy" on one portal at 158,000 articles, against 10 ms
    for its parts one after the other. Here each FTS5 query runs once: the candidates (newest
    first, stopped after the window), the phrase and near tiers (not for a one-term query, whose
    every match is its phrase), the title and summary tests over the candidates' rowid range, and
    highlight() for the page's rows only."""
    fts = f"[{prepared.fts_table}]"
    params = prepared.params
    facets = params.get("facets")

    def narrow(expression: str) -> str:
        return expression if facets is None else f"{expression} AND {facets}"

    def match(expression: str, condition: str = "1", extra: dict[str, Any] | None = None,
              order: str = "", columns: str = "rowid") -> list[Any]:
        sql = f"SELECT {columns} FROM {fts} WHERE {fts} MATCH :fts_expression AND {condition} {order}"
        return _rows_of(db, sql, {**params, "fts_expression": narrow(expression), **(extra or {})})

    expression = params["expression"]
    where = prepared.where
    window = max(candidates, limit)
    if where.strip() == "1" or prepared.facets_decide:
        newest = _ids(match(expression, order="ORDER BY rowid DESC LIMIT :count", extra={"count": window + 1}))
    else:
        # The newest matches looked up in `articles` (with facet words, about all of them pass);
        # when too few pass, the older ones are checked against the set of articles that pass.
        scanned = (1 if facets is not None else SCAN_FACTOR) * (window + 1)
        read = _ids(match(expression, order="ORDER BY rowid DESC LIMIT :count", extra={"count": scanned}))
        passing = set(_ids(_rows_of(db, f"SELECT articles.id FROM articles WHERE articles.id IN"
                                        f" (SELECT value FROM json_each(:ids)) AND {where}",
                                    {**params, "ids": json.dumps(read)})))
        newest = [article_id for article_id in read if article_id in passing][: window + 1]
        if len(read) == scanned and len(newest) <= window:
            newest += _ids(match(
                expression, f"rowid < :low AND +rowid IN (SELECT articles.id FROM articles WHERE {where})",
                extra={"low": read[-1], "count": window + 1 - len(newest)}, order="ORDER BY rowid DESC LIMIT :count",
            ))
    ranked = newest[:window]
    if not ranked:
        return _Ranking([], len(newest), window)
    span = {"low": ranked[-1], "high": ranked[0]}
    in_span = "rowid >= :low AND rowid <= :high"

    def among(tier_expression: str, within: dict[str, int] = span) -> set[int]:
        return set(_ids(match(tier_expression, in_span, within)))

    if prepared.terms > 1:
        # The words as a phrase stand near each other too: the phrase is looked for only in the
        # range of the near matches (none: no phrase either).
        near = among(params["near"])
        phrase = among(params["phrase"], {"low": min(near), "high": max(near)}) if near else set()
    else:
        phrase = near = set(ranked)
    title = among(f"{{title}} : ({expression})")

    def tier_of(article_id: int) -> int:
        return 0 if article_id in phrase else 1 if article_id in near else 2

    # The summary test orders the articles of a tier whose title lacks a word; a page that ends
    # among the titled articles of the tiers before it does not reach them, and is not read.
    summary = among(f"{{summary}} : ({expression})") if _reaches_untitled(
        ranked, tier_of, title, offset + limit) else set()

    def order(article_id: int) -> tuple[int, int, int]:
        field = 0 if article_id in title else 1 if article_id in summary else 2
        return tier_of(article_id), field, -article_id

    page = sorted(ranked, key=order)[offset : offset + limit]
    return _Ranking(_page_rows(db, prepared, page, tier=lambda article_id: order(article_id)[0]),
                    len(newest), window)


def _reaches_untitled(ranked: list[int], tier_of: Any, title: set[int], end: int) -> bool:
    """Whether the first `end` of `ranked` in the ranking's order (tier, then the title holding every
    word, then the summary, then newest) reach an article of some tier whose title does not hold
    every word: only there does the summary test change the order. Each tier's titled articles
    come first; a page that ends among them, or a tier that has only titled ones, needs no more."""
    sizes, titled = [0, 0, 0], [0, 0, 0]
    for article_id in ranked:
        tier = tier_of(article_id)
        sizes[tier] += 1
        titled[tier] += article_id in title
    position = 0
    for tier in range(3):
        if position + titled[tier] >= end:
            return False
        if sizes[tier] > titled[tier]:
            return True
        position += sizes[tier]
    return False


def _rows_of(db: Database, sql: str, params: dict[str, Any]) -> list[Any]:
    try:
        return db.conn.execute(sql, params).fetchall()
    except sqlite3.Error as exc:
        if is_damage(exc):
            raise
        raise SearchError(f"search failed: {exc}") from None


def _page_rows(db: Database, prepared: _Prepared, page: list[int], tier: Any) -> list[dict[str, Any]]:
    """The result rows (_RESULT_COLUMNS and `tier`) of the articles `page`, in its order: each
    article's row and highlight() of its matches, read over the page's rowid range."""
    if not page:
        return []
    fts = f"[{prepared.fts_table}]"
    params = prepared.params
    expression = params["narrowed"] if prepared.facets is not None else params["expression"]
    marks = f"char({ord(HIGHLIGHT_OPEN)}), char({ord(HIGHLIGHT_CLOSE)})"
    marked = {row[0]: row[1:] for row in _rows_of(db, (
        f"SELECT rowid, highlight({fts}, 0, {marks}), highlight({fts}, 1, {marks}), highlight({fts}, 2, {marks})"
        f" FROM {fts} WHERE {fts} MATCH :fts_expression AND rowid >= :low AND rowid <= :high"
        " AND +rowid IN (SELECT value FROM json_each(:ids))"
    ), {"fts_expression": expression, "low": min(page), "high": max(page), "ids": json.dumps(page)})}
    articles = {row["id"]: row for row in _rows(db, (
        "SELECT articles.id, articles.url, articles.title, articles.published, articles.site, articles.category,"
        " articles.author, articles.summary, articles.text, articles.near_duplicate_of, articles.removed"
        " FROM articles WHERE articles.id IN (SELECT value FROM json_each(:ids))"
    ), {"ids": json.dumps(page)})}
    return [
        {**articles[article_id], "title_marked": marked[article_id][0], "summary_marked": marked[article_id][1],
         "text_marked": marked[article_id][2], "tier": tier(article_id)}
        for article_id in page if article_id in articles and article_id in marked
    ]


def _date_words(db: Database, filters: Filters) -> list[str] | None:
    """The facet words of the filters' dates (archive/facets.py); an open end is closed at the
    archive's first or last publication (min() and max() each alone: one step down the index)."""
    if filters.since is None and filters.until is None:
        return None
    first = db.execute("SELECT min(published) FROM articles").fetchone()[0]
    last = db.execute("SELECT max(published) FROM articles").fetchone()[0]
    return date_words(filters.since, filters.until, first, last)


def _rows(db: Database, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    try:
        return list(db.query(sql, params))
    except sqlite3.Error as exc:
        if is_damage(exc):
            raise  # the archive's fault, not the query's: said as such by the command
        raise SearchError(f"search failed: {exc}") from None


def _result(row: dict[str, Any], marks: tuple[str, str] = ("[", "]")) -> dict[str, Any]:
    return {
        "id": row["id"],
        "url": row["url"],
        "title": row["title"],
        "published": row["published"],
        "site": row["site"],
        "category": row["category"],
        "author": row["author"],
        "removed": row["removed"],
        "near_duplicate_of": row["near_duplicate_of"],
        "snippet": best_snippet(row, marks),
    }


# What a folded re-post shows under its original.
SIMILAR_FIELDS = ("id", "url", "title", "site", "published", "removed")


def fold_reposts(results: list[dict[str, Any]], fold: bool = True) -> list[dict[str, Any]]:
    """A page's results, each with its place among them (`position`, from 1) and `similar`: with
    `fold`, each re-post whose original is on the same page is listed under that original (in
    `similar`), which takes the place of the better ranked of the two. A re-post is folded only
    under an original shown itself, never under one folded in turn. Nothing is left out: every
    result is a row or under one."""
    by_id = {result["id"]: result for result in results}

    def original_of(result: dict[str, Any]) -> dict[str, Any] | None:
        original = by_id.get(result.get("near_duplicate_of"))  # type: ignore[arg-type]
        if not fold or original is None or original.get("near_duplicate_of") in by_id:
            return None
        return original

    rows: dict[int, dict[str, Any]] = {}
    for position, result in enumerate(results, start=1):
        head = original_of(result) or result
        if head["id"] not in rows:
            rows[head["id"]] = {**head, "position": position, "similar": []}
        if head is not result:
            rows[head["id"]]["similar"].append({field: result.get(field) for field in SIMILAR_FIELDS})
    return list(rows.values())


def search(
    db: Database,
    query: str,
    *,
    limit: int = 20,
    site: str | None = None,
    filters: Filters | None = None,
    exact: bool = False,
    fold: bool = True,
) -> list[dict[str, Any]]:
    """Articles matching every word and phrase of `query`, best first.

    Diacritics and case do not matter ("nghe an" finds "Nghệ An") unless `exact`
    ("Đảng" then finds neither "đăng" nor "dang"); "quoted words" must appear
    together. Articles where the words stand together as in the query come first,
    then those where they are near each other, then the rest, each with the title holding every
    word first, then the summary, then newest first; a
    query matching more than CANDIDATES articles ranks only the newest of them
    (the plan and its trade-off: the module's docstring).
    No matching article is left out: a re-post (near duplicate) whose original is among
    the results is listed under it, in its `similar` (fold_reposts(); not with `fold=False`).
    Each result: id, url, title, published, site, category, author, removed (when it was
    first seen gone from its portal, or None), near_duplicate_of, position, similar, and a
    snippet of the original text around the first match, matches in [brackets].
    """
    if limit < 1:
        raise SearchError(f"limit must be at least 1, not {limit}")
    filters = filters or Filters()
    if site is not None:
        filters = replace(filters, site=site)
    prepared = _prepare(db, query, filters, exact)
    ranking = _ranked_rows(db, prepared, limit=limit, candidates=CANDIDATES)
    return fold_reposts([_result(row) for row in ranking.rows], fold)


@dataclass(frozen=True)
class SearchPage:
    """One page of a search: `total` articles matched, `results` are those from `offset` on, a
    re-post folded under its original when both are on the page (fold_reposts()): `shown` counts
    the matches the page holds, its rows and those under them."""

    query: str
    total: int
    offset: int
    limit: int
    results: list[dict[str, Any]]
    # "relevance" (ranked, then newest first beyond the ranked window) or "newest".
    order: str = "relevance"
    # False when the count stopped at a bound (search_page()'s count_limit): more than `total` match.
    counted_all: bool = True

    @property
    def shown(self) -> int:
        return sum(1 + len(result.get("similar") or ()) for result in self.results)

    @property
    def has_next(self) -> bool:
        return self.offset + self.shown < self.total or not self.counted_all


ORDERS = ("relevance", "newest")


def search_page(
    db: Database,
    query: str,
    *,
    offset: int = 0,
    limit: int = 20,
    filters: Filters | None = None,
    exact: bool = False,
    order: str = "relevance",
    marks: tuple[str, str] = ("[", "]"),
    fold: bool = True,
    count_limit: int | None = None,
) -> SearchPage:
    """A page of the search for `query`, with how many articles match in all: what the browser's
    search page, the feeds and `tinbai search` show.

    "relevance" pages through every match in one fixed order: the CANDIDATES newest matches ranked
    as search() ranks them, then every older match, newest first (a query matching 100,000
    articles reaches the oldest on its last page). "newest" is newest first throughout. An empty
    query lists the articles the filters select, latest publication first. `marks` go around the
    matches in the snippets (the browser asks for HIGHLIGHT_OPEN and HIGHLIGHT_CLOSE, which no
    article holds, and turns them into <mark> after escaping the text). Every match is counted and
    on some page; on a page, a re-post whose original is there too is folded under it (unless not
    `fold`).

    With `count_limit`, matches are counted up to that many (at least CANDIDATES, and at least to
    the end of this page): `total` is exact below it, and `counted_all` False says "more than
    `total`" above it. A count reads every match that passes the filters, 0.25 s for "dang uy" at
    486,000 articles and growing with the archive; the browser's search page bounds it.
    """
    if limit < 1:
        raise SearchError(f"limit must be at least 1, not {limit}")
    if offset < 0:
        raise SearchError(f"offset must be 0 or more, not {offset}")
    if order not in ORDERS:
        raise SearchError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    filters = filters or Filters()
    if not query.strip():
        return _browse_page(db, filters, offset=offset, limit=limit, fold=fold)
    prepared = _prepare(db, query, filters, exact)
    fts_table, where, narrowed = prepared.fts_table, prepared.where, prepared.narrowed
    bound = None if count_limit is None else max(count_limit, CANDIDATES, offset + limit)
    ranking = None
    if order == "relevance" and offset < CANDIDATES:
        # limit <= CANDIDATES keeps the window at CANDIDATES, so every page ranks the same set.
        ranking = _ranked_rows(db, prepared, limit=min(limit, CANDIDATES), offset=offset, candidates=CANDIDATES)
    if ranking is not None and ranking.complete:
        # Every match that passes the filters is in the window: counted without another pass.
        total, counted_all = ranking.newest, True
    elif ranking is not None and bound is not None and bound <= ranking.window:
        # More than the window's matches pass, so more than the bound.
        total, counted_all = bound, False
    else:
        count = count_sql(fts_table=fts_table, match=":expression", where=where, narrowed=narrowed,
                          bound=None if bound is None else str(bound))
        total = int(_rows(db, count, prepared.params)[0]["total"])
        counted_all = bound is None or total <= bound
        total = total if counted_all else bound  # type: ignore[assignment]
    rows: list[dict[str, Any]] = []
    # The ranked window: the CANDIDATES newest matches (all of them when there are no more).
    ranked = min(total, CANDIDATES) if order == "relevance" else 0
    if offset < ranked and ranking is not None:
        rows += ranking.rows
    if offset + limit > ranked and (total > ranked or not counted_all):
        skip = max(offset, ranked)
        sql = newest_sql(fts_table=fts_table, match=":expression", where=where, limit=":limit", offset=":offset",
                         narrowed=narrowed)
        rows += _rows(db, sql, {**prepared.params, "limit": offset + limit - skip, "offset": skip})
    if counted_all and len(rows) < min(limit, total - offset):
        # Counted in the index but not found in `articles`: in a sound archive every indexed id is an
        # article (`tinbai check` compares them); a damaged page of `articles` had left one out of
        # the page silently ("12 articles match; showing 1-11").
        raise ArchiveDamaged(f"the full-text index counts {total} articles for {query!r} but {len(rows)} of the "
                             f"{min(limit, total - offset)} on this page are in the archive; `tinbai check` says "
                             "where, and a backup restores it")
    results = fold_reposts([_result(row, marks) for row in rows[:limit]], fold)
    return SearchPage(query, total, offset, limit, results, order, counted_all)


def _browse_page(db: Database, filters: Filters, *, offset: int, limit: int, fold: bool = True) -> SearchPage:
    try:
        where, params = filters.where()
    except FilterError as error:
        raise SearchError(str(error)) from None
    if "tinbai_fold" in where:
        register_functions(db.conn)
    total = int(_rows(db, f"SELECT count(*) AS n FROM articles WHERE {where}", params)[0]["n"])
    rows = _rows(db, (
        "SELECT id, url, title, published, site, category, author, summary, text, near_duplicate_of, removed"
        f" FROM articles WHERE {where} ORDER BY published DESC, id DESC LIMIT :limit OFFSET :offset"
    ), {**params, "limit": limit, "offset": offset})
    results = [
        {**{key: row[key] for key in ("id", "url", "title", "published", "site", "category", "author", "removed",
                                      "near_duplicate_of")},
         "snippet": snippet(row["summary"] or row["text"] or "", [])}
        for row in rows
    ]
    return SearchPage("", total, offset, limit, fold_reposts(results, fold), "newest")


def best_snippet(row: dict[str, Any], marks: tuple[str, str] = ("[", "]")) -> str:
    """The snippet of a search row: the first column (text, summary, title) with a match."""
    # The body is the useful context; a match only in the summary or the title
    # still gets a snippet that shows it.
    for column in ("text", "summary", "title"):
        original = row[column] or ""
        spans = match_spans(row[f"{column}_marked"] or "", original)
        if spans:
            return snippet(original, spans, marks=marks, focus=_words_together(original, spans))
    return snippet(row["text"] or "", [])


def _words_together(original: str, spans: list[tuple[int, int]]) -> int:
    """The span that starts the longest run of matches with only spaces between them (the first such
    run): the snippet shows "... Ban Thường vụ [Đảng] [ủy] ..." where the query's words stand
    together, which is why the article ranked, rather than their first scattered occurrence."""
    best, best_length, start, length = 0, 0, 0, 0
    for index, (span_start, _) in enumerate(spans):
        if index and not original[spans[index - 1][1]:span_start].strip():
            length += 1
        else:
            start, length = index, 1
        if length > best_length:
            best, best_length = start, length
    return best


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


def snippet(
    original: str, spans: list[tuple[int, int]], words: int = SNIPPET_WORDS, marks: tuple[str, str] = ("[", "]"),
    focus: int = 0,
) -> str:
    """About `words` words of `original` around span number `focus` (the first), spans in [brackets]
    (or `marks`)."""
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
        match_start = spans[focus][0]
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
        pieces += [text[cursor:span_start], marks[0], text[span_start:span_end], marks[1]]
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
