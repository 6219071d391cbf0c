"""The reading room's pages: a request -> read-only queries of the archive -> a template (or a feed).

Data flow: Datasette routes /<archive>/search, /<archive>/search.atom, /<archive>/portal/<site>(.atom),
/<archive>/articles/<id> and /<archive>/articles/<id>/versions here (register_routes in
archive/query/ui/__init__.py); each view reads through archive/query/ (search, portal, history) on
one of Datasette's read-only connections and renders a template of archive/query/ui/templates/
inside Datasette's own layout (base.html).
"""

from __future__ import annotations

import functools
import math
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar
from urllib.parse import urlencode

from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape
from sqlite_utils import Database

from archive.query.filters import Filters, can_filter_removed
from archive.query.history import (
    NoSuchArticle,
    around_changes,
    article_history,
    article_times,
    diff_paragraphs,
    last_two_versions,
    paragraphs,
    related_articles,
    version_diff,
)
from archive.query.portal import categories, known_portal, newest_articles, portal_overview, portals
from archive.query.search import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, SearchError, SearchPage, search_page
from archive.query.ui.chart import month_chart
from archive.query.ui.feed import CONTENT_TYPE, Entry, atom_feed
from archive.runs import errors_by_kind_text

PAGE_SIZE = 20
# Matches the search page counts at most ("more than 1,000 articles found"): counting every match
# of a common word read all of them, 0.65 s of the page for "dang uy" at 486,000 articles.
COUNT_LIMIT = 1000
FEED_SIZE = 50
# Page numbers the pager shows on either side of the current page.
PAGER_SPREAD = 3
# The search page's "status" choices: which articles a search covers.
STATUSES = {
    # Every matching article: a re-post on the page of its original is shown under it.
    "": "every article (re-posts under their original)",
    "reposts": "re-posts only",
    # Offered on an archive that records takedowns (can_filter_removed()).
    "removed": "taken down by the portal",
}

T = TypeVar("T")


def not_found_page(view: Callable[[Any, Any], Awaitable[Response]]) -> Callable[[Any, Any], Awaitable[Response]]:
    """A view whose NotFound becomes Datasette's 404 page here: raised on to Datasette, every unknown
    article or portal printed its traceback with locals on the server's console (0.8 s each)."""

    @functools.wraps(view)
    async def answer(datasette: Any, request: Any) -> Response:
        try:
            return await view(datasette, request)
        except NotFound as error:
            context = {"ok": False, "error": str(error.args[0]), "status": 404, "title": None}
            html = await datasette.render_template(["404.html", "error.html"], context, request=request)
            return Response.html(html, status=404)

    return answer


def _database(datasette: Any, name: str) -> Any:
    try:
        return datasette.get_database(name)
    except KeyError:
        raise NotFound(f"no archive named {name}") from None


async def _read(datasette: Any, name: str, read: Callable[[Database], T]) -> T:
    """Run `read` with the archive `name` on one of Datasette's read-only connections."""
    database = _database(datasette, name)
    # Datasette's connection already has the plugin's SQL functions (prepare_connection).
    return await database.execute_fn(lambda conn: read(Database(conn, recursive_triggers=False,
                                                                execute_plugins=False)))


@dataclass(frozen=True)
class SearchForm:
    """What the search page was asked: the words, the filters, the order and the page."""

    q: str = ""
    site: str = ""
    category: str = ""
    author: str = ""
    since: str = ""
    until: str = ""
    status: str = ""
    order: str = "relevance"
    exact: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> SearchForm:
        def text(name: str) -> str:
            return " ".join((args.get(name) or "").split())

        try:
            page = max(1, int(args.get("page") or 1))
        except ValueError:
            page = 1
        status = text("status")
        if status == "all":
            status = ""  # "originals and re-posts", as links made before said: what every search shows now
        return cls(
            q=text("q"), site=text("site"), category=text("category"), author=text("author"),
            since=text("since"), until=text("until"), status=status if status in STATUSES else "",
            order="newest" if args.get("order") == "newest" else "relevance", exact=bool(args.get("exact")),
            page=page,
        )

    def filters(self) -> Filters:
        return Filters(
            site=self.site or None, category=self.category or None, author=self.author or None,
            since=self.since or None, until=self.until or None,
            only_near_duplicates=self.status == "reposts", removed=self.status == "removed",
        )

    def query_string(self, **changes: Any) -> str:
        """This search's URL parameters (empty ones left out), with `changes`."""
        form = replace(self, **changes)
        values = {
            "q": form.q, "site": form.site, "category": form.category, "author": form.author,
            "since": form.since, "until": form.until, "status": form.status,
            "order": "" if form.order == "relevance" else form.order, "exact": "1" if form.exact else "",
            "page": "" if form.page == 1 else str(form.page),
        }
        return urlencode({key: value for key, value in values.items() if value})


def marked(snippet: str) -> Markup:
    """A snippet with HIGHLIGHT_OPEN/CLOSE around its matches -> escaped HTML with <mark>s."""
    return Markup(str(escape(snippet)).replace(HIGHLIGHT_OPEN, "<mark>").replace(HIGHLIGHT_CLOSE, "</mark>"))


def pager(page: int, pages: int) -> list[int | None]:
    """Page numbers to link: the first, the last, and PAGER_SPREAD around `page`; None for a gap."""
    shown = sorted({1, pages, *range(max(1, page - PAGER_SPREAD), min(pages, page + PAGER_SPREAD) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


@not_found_page
async def search_view(datasette: Any, request: Any) -> Response:
    """/<archive>/search: the form on one line, the number found, the results, the pager."""
    name = request.url_vars["database"]
    form = SearchForm.from_args(request.args)

    def read(db: Database) -> dict[str, Any]:
        found: SearchPage | None = None
        error = None
        if form.status == "removed" and not can_filter_removed(db):
            error = "this archive does not record takedowns: no article can be told removed"
        elif form.q or form.filters() != Filters():
            try:
                found = search_page(db, form.q, offset=(form.page - 1) * PAGE_SIZE, limit=PAGE_SIZE,
                                    filters=form.filters(), exact=form.exact, order=form.order,
                                    marks=(HIGHLIGHT_OPEN, HIGHLIGHT_CLOSE), count_limit=COUNT_LIMIT)
            except SearchError as exc:
                error = str(exc)
        # The categories of the chosen portal only, when one is chosen.
        return {"found": found, "error": error, "portals": portals(db), "categories": categories(db, form.site or None),
                "removed": can_filter_removed(db)}

    data = await _read(datasette, name, read)
    found: SearchPage | None = data["found"]
    pages = max(1, math.ceil(found.total / PAGE_SIZE)) if found else 1
    if found and not found.counted_all:
        # More than COUNT_LIMIT: the pager reaches one page past the matches counted.
        pages = max(pages, form.page) + 1
    context = {
        "database": name,
        "form": form,
        "statuses": {key: label for key, label in STATUSES.items() if key != "removed" or data["removed"]},
        "error": data["error"],
        "found": found,
        "results": [{**result, "snippet_html": marked(result["snippet"])} for result in found.results] if found else [],
        "first_shown": (found.offset + 1) if found and found.results else 0,
        "last_shown": (found.offset + found.shown) if found else 0,
        "page": form.page,
        "pages": pages,
        "pager": pager(form.page, pages) if found and (found.total > PAGE_SIZE or not found.counted_all) else [],
        "page_url": lambda number: f"?{form.query_string(page=number)}",
        "feed_url": f"{datasette.urls.database(name)}/search.atom?{form.query_string(page=1)}",
        "json_url": (f"{datasette.urls.database(name)}/search.json?{urlencode({'q': form.q})}" if form.q else None),
        "portals": data["portals"],
        "categories": data["categories"],
    }
    html = await datasette.render_template("tinbai_search.html", context, request=request, view_name="tinbai_search")
    return Response.html(html, status=400 if data["error"] else 200)


def _entries(db: Database, datasette: Any, request: Any, name: str, results: list[dict[str, Any]],
             summaries: dict[int, str | None]) -> list[Entry]:
    times = article_times(db, [result["id"] for result in results])
    return [
        Entry(
            id=result["url"], title=result["title"],
            link=datasette.absolute_url(request, datasette.urls.row(name, "articles", str(result["id"]))),
            original=result["url"], updated=times[result["id"]]["changed"], published=result["published"],
            author=result["author"], category=result["category"], summary=summaries.get(result["id"]),
        )
        for result in results
    ]


@not_found_page
async def search_feed(datasette: Any, request: Any) -> Response:
    """/<archive>/search.atom: a saved search's newest matches (by when the archive first saw them)."""
    name = request.url_vars["database"]
    form = SearchForm.from_args(request.args)

    def read(db: Database) -> list[Entry]:
        if form.q:
            found = search_page(db, form.q, limit=FEED_SIZE, filters=form.filters(), exact=form.exact, order="newest")
            results = found.results
            summaries = {result["id"]: result["snippet"] for result in results}
        else:
            results = newest_articles(db, form.filters(), limit=FEED_SIZE, by="archived")
            summaries = {result["id"]: result["summary"] for result in results}
        return _entries(db, datasette, request, name, results, summaries)

    try:
        entries = await _read(datasette, name, read)
    except SearchError as exc:
        return Response.text(f"{exc}\n", status=400)
    search_url = datasette.absolute_url(request, f"{datasette.urls.database(name)}/search?{form.query_string(page=1)}")
    described = ", ".join(f"{key} {value}" for key, value in (
        ("portal", form.site), ("category", form.category), ("author", form.author), ("since", form.since),
        ("until", form.until),
    ) if value)
    title = f"tinbai: {form.q or 'new articles'}" + (f" ({described})" if described else "")
    body = atom_feed(
        feed_id=search_url, title=title, self_url=datasette.absolute_url(request, request.full_path),
        page_url=search_url, author="tinbai archive", entries=entries,
        subtitle="The newest articles of the archive matching this search, newest first.",
    )
    return Response(body, content_type=CONTENT_TYPE)


@not_found_page
async def portal_view(datasette: Any, request: Any) -> Response:
    """/<archive>/portal/<site>: articles per month (a chart), runs and their errors, newest articles."""
    name, site = request.url_vars["database"], request.url_vars["site"]
    overview = await _read(datasette, name, lambda db: portal_overview(db, site))
    if overview is None:
        raise NotFound(f"the archive has no portal {site}")
    table = datasette.urls.table(name, "articles")

    def month_link(month: str) -> str:
        return f"{table}?{urlencode({'site': site, 'published_month': month})}"

    for run in overview["runs"]:
        run["errors_text"] = errors_by_kind_text(run["errors_by_kind"])
    context = {
        "database": name,
        "site": site,
        "portal": overview,
        "chart": month_chart(overview["months"], link=month_link),
        "months": len(overview["months"]),
        "last_run_errors_text": errors_by_kind_text(overview["last_run_errors_by_kind"]),
        "search_url": f"{datasette.urls.database(name)}/search?{urlencode({'site': site})}",
        "feed_url": f"{datasette.urls.database(name)}/portal/{site}.atom",
        "runs_url": f"{datasette.urls.table(name, 'runs')}?{urlencode({'site': site})}",
    }
    html = await datasette.render_template("tinbai_portal.html", context, request=request, view_name="tinbai_portal")
    return Response.html(html)


@not_found_page
async def portal_feed(datasette: Any, request: Any) -> Response:
    """/<archive>/portal/<site>.atom: the portal's articles, newest first as the archive saw them."""
    name, site = request.url_vars["database"], request.url_vars["site"]

    def read(db: Database) -> list[Entry] | None:
        if not known_portal(db, site):
            return None
        results = newest_articles(db, Filters(site=site), limit=FEED_SIZE, by="archived")
        return _entries(db, datasette, request, name, results, {row["id"]: row["summary"] for row in results})

    entries = await _read(datasette, name, read)
    if entries is None:
        raise NotFound(f"the archive has no portal {site}")
    page_url = datasette.absolute_url(request, f"{datasette.urls.database(name)}/portal/{site}")
    body = atom_feed(
        feed_id=page_url, title=f"tinbai: new articles of {site}", self_url=datasette.absolute_url(
            request, request.full_path), page_url=page_url, author=site, entries=entries,
        subtitle=f"Articles of {site} as the archive first saw them, newest first (re-posts left out).",
    )
    return Response(body, content_type=CONTENT_TYPE)


def _article_id(raw: str) -> int:
    if not raw.isdigit():
        raise NotFound(f"no article {raw}")
    return int(raw)


@not_found_page
async def versions_view(datasette: Any, request: Any) -> Response:
    """/<archive>/articles/<id>/versions?from=A&to=B: every version, and a word diff of two."""
    name = request.url_vars["database"]
    article_id = _article_id(request.url_vars["id"])

    def number(key: str) -> int | None:
        value = request.args.get(key) or ""
        return int(value) if value.isdigit() else None

    def read(db: Database) -> dict[str, Any]:
        try:
            history = article_history(db, article_id)
        except NoSuchArticle as exc:
            raise NotFound(str(exc)) from None
        chosen = last_two_versions(history)
        old, new = number("from"), number("to")
        if old is not None and new is not None:
            chosen = (old, new)
        changes = None
        error = None
        if chosen is not None:
            try:
                changes = version_diff(db, article_id, *chosen)
            except NoSuchArticle as exc:
                error, chosen = str(exc), None
        return {"history": history, "chosen": chosen, "changes": changes, "error": error}

    data = await _read(datasette, name, read)
    changes = data["changes"]
    context = {
        "database": name,
        "article": data["history"],
        "article_url": datasette.urls.row(name, "articles", str(article_id)),
        "chosen": data["chosen"],
        "error": data["error"],
        "diff": _shown_diff(changes, whole=bool(request.args.get("whole"))),
        "whole": bool(request.args.get("whole")),
        "whole_url": "?" + urlencode({"from": data["chosen"][0], "to": data["chosen"][1], "whole": 1}
                                     if data["chosen"] else {"whole": 1}),
        "added": sum(len(words.split()) for op, words in changes or [] if op == "+"),
        "removed": sum(len(words.split()) for op, words in changes or [] if op == "-"),
    }
    html = await datasette.render_template("tinbai_versions.html", context, request=request,
                                           view_name="tinbai_versions")
    return Response.html(html, status=404 if data["error"] else 200)


def _shown_diff(changes: list[tuple[str, str]] | None, whole: bool) -> list[list[tuple[str, str]] | int] | None:
    """The diff's paragraphs: all of them, or those around the changes (the rest counted)."""
    if changes is None:
        return None
    paragraphs = diff_paragraphs(changes)
    return list(paragraphs) if whole else around_changes(paragraphs)


@not_found_page
async def article_view(datasette: Any, request: Any) -> Response:
    """/<archive>/articles/<id>: the article as a reader wants it, its URLs, images, versions and
    re-posts. Its own route, not Datasette's row page: that one counts every table's rows pointing at
    the article, among them the LSH buckets, which have no index by article (580 ms a page at
    100,000 articles)."""
    name = request.url_vars["database"]
    article_id = _article_id(request.url_vars["id"])

    def read(db: Database) -> dict[str, Any]:
        try:
            history = article_history(db, article_id)
        except NoSuchArticle as exc:
            raise NotFound(str(exc)) from None
        return {"history": history, "related": related_articles(db, article_id)}

    data = await _read(datasette, name, read)
    history = data["history"]
    body = paragraphs(history["text"])
    lead = (history["summary"] or "").strip()
    # The lead is also the text's first paragraph (README: the archive); shown once, as the lead.
    if lead and body and body[0] == lead:
        body = body[1:]
    row_url = datasette.urls.row(name, "articles", str(article_id))
    versions_url = f"{row_url}/versions"
    versions = history["versions"]
    article = {
        **history,
        "lead": lead,
        "paragraphs": body,
        "versions_url": versions_url,
        "diff_url": (f"{versions_url}?from={versions[-2]['version']}&to={versions[-1]['version']}"
                     if len(versions) >= 2 else None),
        "repost_of": data["related"]["repost_of"],
        "reposts": data["related"]["reposts"],
        "portal_url": f"{datasette.urls.database(name)}/portal/{history['site']}",
        "search_url": f"{datasette.urls.database(name)}/search",
        "json_url": datasette.urls.row(name, "articles", str(article_id), format="json"),
    }
    html = await datasette.render_template("tinbai_article.html", {"database": name, "article": article},
                                           request=request, view_name="tinbai_article")
    return Response.html(html)


async def database_context(datasette: Any, database: str) -> dict[str, Any]:
    """The extra variables of Datasette's database page (templates/database.html): the reading
    room's way in, a search box and the portals."""
    try:
        listed = await _read(datasette, database, portals)
    except sqlite3.Error:  # another kind of database served beside the archive: no panel
        return {}
    return {"tinbai_portals": [
        {**row, "url": f"{datasette.urls.database(database)}/portal/{row['site']}"} for row in listed
    ], "tinbai_search_url": f"{datasette.urls.database(database)}/search"}
