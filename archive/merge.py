"""Merging archives: the archives that several machines crawled -> one archive, article by article.

Data flow: `tinbai merge SOURCE.db... --db TARGET` (crawler/cli/merge.py) opens each source
read-only and calls merge_archive(); every write goes through archive/store.py's pieces of a save,
so a merged article is indexed, signed and linked as a crawled one is.

What a source brings, in this order:
1. its runs, each kept with its origin: the id of the archive it was crawled into
   (archive_info.archive_id) and its id there, so that a run merged twice is one row;
2. its articles, in id order, in transactions of BATCH. A source article is the target's article
   with the same portal id (site, site_article_id), else with one of its URLs (one it was seen at in
   both archives, not one that only redirected to it), else with the same latest text (an alias);
   otherwise it is new, inserted with its re-post link found among the target's articles (near
   duplicates are kept and linked, as a crawl keeps them). For a known article the source's versions
   are fitted in among the target's by fetch time (interleave()): two machines that saw the same
   content one after the other make one version, an edit seen in between makes its own; the article
   shows the latest. The target's URLs, portal id and sightings widen to include the source's (a URL
   either archive saw the article at is one it was seen at, not one that only redirected to it). Its
   takedown history is fitted in the same way (interleave_events()): the source's takedowns,
   returns, refused pages and redirects gone or back among the target's by time, the same takedown
   seen by both one event (the earlier sighting's), and the article marked removed, or not, by the
   merged history and by its latest sighting in either archive;
3. its crawl state: for each URL the latest fetch of either archive, and the feed time read last
   (`feed_dates`), which then dates the articles whose pages show only how long ago, as a crawl
   dates them (archive/feeddates.py);
4. the portals it knows (`sites`: those the target lacks) and what its crawls learned of their URL
   shapes (`url_shapes`: the row updated last).

Before its articles, with its runs: the learned templates of its portals (`templates`), each version
the target does not hold numbered after the target's own, its run the target's row of that run; the
records and versions read through one (extraction "template:<site>@<version>") are renamed with it.
The newest version serves the portal's next crawl: when the target's own newest was learned after
every version the source brings, it is kept serving (written again as the newest version).

Idempotent: merging a source again finds every article already there with the same versions and
writes nothing. Safe to interrupt: each batch is one transaction and the articles go in a fixed
order, so a run killed mid-way left the first batches exactly as an uninterrupted run writes them,
and the next run goes through those without writing and goes on from there, to the same result.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive import sitecounts, store
from archive.feeddates import date_all_by_feeds
from archive.near import find_original
from archive.store import StoredVersion, utc_now
from archive.takedowns import add_event
from archive.transaction import write_transaction
from crawler.extract.record import Article, Image

# Source articles merged in one transaction: the unit a killed merge loses and redoes.
BATCH = 200


@dataclass
class MergeCounts:
    """What merging one source did."""

    source: str
    origin: str
    articles: int = 0  # source articles read
    new: int = 0  # inserted as articles of their own
    merged: int = 0  # the same article as one the target holds (portal id, URL or text)
    changed: int = 0  # ...whose versions, latest content, URLs or takedown history changed with the merge
    near_duplicates: int = 0  # new articles linked to an earlier one they re-post
    runs: int = 0
    templates: int = 0  # versions of learned templates added
    takedown_events: int = 0  # takedowns, returns and refused pages added to the target's history
    crawl_state: int = 0
    by: dict[str, int] = field(default_factory=dict)  # what matched: site_article_id, url, content

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items()}


def archive_id(db: Database) -> str:
    """This archive's own id (made when its schema was created or upgraded)."""
    return str(db.execute("SELECT archive_id FROM archive_info WHERE id = 1").fetchone()[0])


def merge_archive(
    target: Database, source: Database, *, source_path: str | Path,
    progress: Callable[[int, int], None] | None = None,
) -> MergeCounts:
    """Fold the archive `source` (open read-only) into `target`; see the module's docstring."""
    origin = archive_id(source)
    if origin == archive_id(target):
        raise ValueError(f"{source_path} is the target archive itself (or a copy of it)")
    counts = MergeCounts(source=str(source_path), origin=origin)
    with write_transaction(target):
        counts.runs = _merge_runs(target, source, origin)
        names, counts.templates = _merge_templates(target, source, origin)
        _record_source(target, origin, source_path)
    ids = [row[0] for row in source.execute("SELECT id FROM articles ORDER BY id")]
    for start in range(0, len(ids), BATCH):
        with write_transaction(target):
            for source_id in ids[start : start + BATCH]:
                _merge_article(target, source, source_id, counts, names)
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    with write_transaction(target):
        counts.crawl_state = _merge_crawl_state(target, source)
        _merge_feed_dates(target, source)
        # What either archive alone could not match: an article one archive holds whose page shows
        # only how long ago, and a feed's time the other read, under any address the two know it by.
        date_all_by_feeds(target)
        _merge_sites(target, source)
        target.execute("UPDATE merge_sources SET last_merged = ?, articles = ? WHERE origin = ?",
                       [utc_now(), counts.articles, origin])
    return counts


def _record_source(target: Database, origin: str, path: str | Path) -> None:
    now = utc_now()
    where = f"{socket.gethostname()}:{Path(path).resolve()}"
    target.execute(
        "INSERT INTO merge_sources (origin, path, first_merged, last_merged) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(origin) DO UPDATE SET path = excluded.path", [origin, where, now, now])


# --- runs ----------------------------------------------------------------------------------------

_RUN_COLUMNS = ("site", "started", "finished", "status", "pages", "new", "updated", "duplicates", "aliases",
                "not_modified", "removed", "returned", "errors", "errors_json", "by_profile", "by_template",
                "by_generic")


def _merge_runs(target: Database, source: Database, origin: str) -> int:
    """Every run of the source, by (origin, id there); a run merged again takes the source's latest
    word on it (a run that was still running is finished now)."""
    columns = ", ".join(_RUN_COLUMNS)
    rows = source.execute(f"SELECT id, origin, origin_run, {columns} FROM runs ORDER BY id").fetchall()
    updates = ", ".join(f"{column} = excluded.{column}" for column in _RUN_COLUMNS)
    target.conn.executemany(
        f"INSERT INTO runs (origin, origin_run, {columns}) VALUES (?, ?, {', '.join('?' * len(_RUN_COLUMNS))})"
        f" ON CONFLICT (origin, origin_run) WHERE origin IS NOT NULL DO UPDATE SET {updates}",
        # A run that was itself merged into the source keeps its first origin.
        [(run_origin or origin, run_origin_id if run_origin else run_id, *rest)
         for run_id, run_origin, run_origin_id, *rest in rows],
    )
    return len(rows)


# --- learned templates -----------------------------------------------------------------------------

_TEMPLATE_COLUMNS = ("learned", "pages", "layouts", "knowledge", "reason")


def _merge_templates(target: Database, source: Database, origin: str) -> tuple[dict[str, str], int]:
    """Every version of the source's learned templates the target lacks (the same learned value: the
    same version), numbered after the target's own; returns the new name of each source version
    that has another here ("template:<site>@2" -> "template:<site>@5") and how many were added.
    Both archives number their versions from 1: version 2 there is not version 2 here."""
    names: dict[str, str] = {}
    added = 0
    columns = ", ".join(_TEMPLATE_COLUMNS)
    rows = source.execute(f"SELECT site, version, run, {columns} FROM templates ORDER BY site, version").fetchall()
    by_site: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_site.setdefault(row[0], []).append(row)
    for site, theirs in by_site.items():
        ours = {knowledge: version for version, knowledge in target.execute(
            "SELECT version, knowledge FROM templates WHERE site = ? ORDER BY version DESC", [site])}
        newest = target.execute(
            f"SELECT version, run, {columns} FROM templates WHERE site = ? ORDER BY version DESC LIMIT 1", [site]
        ).fetchone()
        last = newest[0] if newest is not None else 0
        brought = False
        for _, version, run, learned, pages, layouts, knowledge, reason in theirs:
            here = ours.get(knowledge)
            if here is None:
                last += 1
                here = ours[knowledge] = last
                merged = f"{reason} (merged: version {version} of {origin})"
                _insert_template(target, site, here, _run_here(target, source, origin, run),
                                 (learned, pages, layouts, knowledge, merged))
                added += 1
                brought = True
            if here != version:
                names[f"template:{site}@{version}"] = f"template:{site}@{here}"
        if brought and newest is not None and newest[2] > max(row[3] for row in theirs):
            # The target's newest was learned after all the source brings: it keeps serving the portal.
            learned, pages, layouts, knowledge, reason = newest[2:]
            last += 1
            # (not "stopped matching: ...": `tinbai runs` would show the run that learned it a new drift)
            again = f"the newest again after a merge: version {newest[0]}, {reason}"
            _insert_template(target, site, last, newest[1], (learned, pages, layouts, knowledge, again))
            added += 1
    return names, added


def _insert_template(target: Database, site: str, version: int, run: int | None, values: tuple[Any, ...]) -> None:
    target.execute(
        f"INSERT INTO templates (site, version, run, {', '.join(_TEMPLATE_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [site, version, run, *values])


def _run_here(target: Database, source: Database, origin: str, run: int | None) -> int | None:
    """The target's id of the source's run `run` (merged by _merge_runs)."""
    if run is None:
        return None
    row = source.execute("SELECT origin, origin_run FROM runs WHERE id = ?", [run]).fetchone()
    if row is None:
        return None
    first_origin, first_id = (row[0], row[1]) if row[0] else (origin, run)
    found = target.execute("SELECT id FROM runs WHERE origin = ? AND origin_run = ?",
                           [first_origin, first_id]).fetchone()
    return int(found[0]) if found is not None else None


# --- articles ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """One article of the source with everything that belongs to it."""

    id: int
    record: Article
    site_article_id: str | None
    first_seen: str
    last_seen: str
    urls: list[str]
    redirects: frozenset[str]  # those of `urls` that only redirected to it (article_urls.redirected)
    versions: list[StoredVersion]
    removed: str | None  # since when it is gone from its portal (NULL: it is there)
    removed_last_seen: str | None
    events: list[TakedownEvent]


def _read(source: Database, source_id: int, names: dict[str, str]) -> _Source:
    """`names`: the source's learned templates renamed here (_merge_templates)."""
    row = next(source.query("SELECT * FROM articles WHERE id = ?", [source_id]))
    images = tuple(Image(src, caption) for src, caption in source.execute(
        "SELECT src, caption FROM images WHERE article_id = ? ORDER BY position", [source_id]))
    record = Article(url=row["url"], site=row["site"], title=row["title"], text=row["text"],
                     published=row["published"], published_range=row.get("published_range"),
                     author=row["author"], category=row["category"],
                     summary=row["summary"], source=row["source"], images=images,
                     extraction=names.get(row["extraction"] or "generic", row["extraction"] or "generic"),
                     content_hash=row["content_hash"])
    # The canonical URL first: it decides which target article the URLs name.
    others = source.execute("SELECT url, redirected FROM article_urls WHERE article_id = ? AND url != ?",
                            [source_id, row["url"]]).fetchall()
    urls = [row["url"]] + sorted(url for url, _ in others)
    redirects = frozenset(url for url, redirected in others if redirected)
    versions = [replace(version, extraction=_renamed(version.extraction, names)) if version.extraction in names
                else version for version in store.article_versions(source, source_id)]
    return _Source(source_id, record, row["site_article_id"], row["first_seen"], row["last_seen"], urls, redirects,
                   versions, row["removed"], row["removed_last_seen"], _events(source, source_id))


def _renamed(extraction: str | None, names: dict[str, str]) -> str | None:
    return names.get(extraction, extraction) if extraction is not None else None


def _match(target: Database, article: _Source) -> tuple[int | None, str]:
    if article.site_article_id is not None:
        found = store.article_with_site_id(target, article.record.site, article.site_article_id)
        if found is not None:
            return found, "site_article_id"
    found = store.article_with_url(target, [url for url in article.urls if url not in article.redirects])
    if found is not None:
        return found, "url"
    found = store.article_with_content(target, article.record)
    return found, "content"


def _merge_article(
    target: Database, source: Database, source_id: int, counts: MergeCounts, names: dict[str, str],
) -> None:
    article = _read(source, source_id, names)
    counts.articles += 1
    found, how = _match(target, article)
    if found is None:
        article_id = _insert(target, source, article, counts)
        counts.takedown_events += _merge_takedowns(target, source, article_id, article)
        return
    counts.merged += 1
    counts.by[how] = counts.by.get(how, 0) + 1
    changed = _merge_into(target, source, found, article)
    added = _merge_takedowns(target, source, found, article)
    counts.takedown_events += added
    if changed or added:
        counts.changed += 1


def _insert(target: Database, source: Database, article: _Source, counts: MergeCounts) -> int:
    original, hashvalues = find_original(target, article.record.text)
    article_id = store.insert_article(target, article.record, first_seen=article.first_seen,
                                      last_seen=article.last_seen, site_article_id=article.site_article_id,
                                      near_duplicate_of=original)
    pages = _copy_pages(target, source, article.versions, article_id)
    store.replace_versions(target, article_id, [_here(version, pages) for version in article.versions])
    store.index_new_article(target, article_id, article.record, hashvalues)
    store.register_urls(target, article_id, article.urls, article.redirects)
    counts.new += 1
    counts.near_duplicates += original is not None
    return article_id


def _merge_into(target: Database, source: Database, article_id: int, article: _Source) -> bool:
    """Interleave the source's versions with the target article's; True when anything changed."""
    before = store.article_versions(target, article_id)
    merged = interleave(before, article.versions)
    # The source's pages of the versions kept, copied (the versions it only repeats need none).
    kept = [version for version in merged if any(version is theirs for theirs in article.versions)]
    pages = _copy_pages(target, source, kept, article_id)
    merged = [_here(version, pages) if any(version is theirs for theirs in kept) else version for version in merged]
    changed = merged != before
    if changed:
        store.replace_versions(target, article_id, merged)
        current = target.execute("SELECT content_hash FROM articles WHERE id = ?", [article_id]).fetchone()[0]
        if kept and merged[-1] == _here(kept[-1], pages) and merged[-1].content_hash != current:
            # The source saw the latest content: its record is the article's now.
            store.show_latest(target, article_id, article.record)
    # Every URL and which of them only redirected: a URL one machine saw the article at and the
    # other was only redirected by is one it was seen at.
    urls_query = "SELECT count(*), sum(redirected) FROM article_urls WHERE article_id = ?"
    urls_before = target.execute(urls_query, [article_id]).fetchone()
    store.register_urls(target, article_id, article.urls, article.redirects)
    if article.site_article_id is not None:
        store.claim_site_id(target, article_id, article.record.site, article.site_article_id)
    store.seen_between(target, article_id, article.first_seen, article.last_seen)
    urls_after = target.execute(urls_query, [article_id]).fetchone()
    return changed or urls_after != urls_before


def interleave(ours: list[StoredVersion], theirs: list[StoredVersion]) -> list[StoredVersion]:
    """Our versions with theirs fitted in by fetch time. A version of theirs that we hold already
    (the same content fetched at the same time: a source merged before) adds nothing; one that
    repeats the content of the version before its place is a later sighting and adds nothing; one
    that repeats the version after its place is an earlier sighting of it and takes its place. Our
    versions keep their order, so merging a source again, in any order, changes nothing."""
    merged = list(ours)
    held = {(version.fetched_at, version.content_hash) for version in ours}
    for version in theirs:
        if (version.fetched_at, version.content_hash) in held:
            continue
        place = len(merged)
        while place > 0 and merged[place - 1].fetched_at > version.fetched_at:
            place -= 1
        if place > 0 and merged[place - 1].content_hash == version.content_hash:
            continue
        if place < len(merged) and merged[place].content_hash == version.content_hash:
            merged[place] = version
        else:
            merged.insert(place, version)
        held.add((version.fetched_at, version.content_hash))
    return merged


# --- takedowns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TakedownEvent:
    """A row of article_events: a takedown ("removed"), a return ("returned"), a page refused as
    not this article ("not_this_article"), a URL that only redirected to the article found gone or
    leading to it again ("redirect_gone", "redirect_back"). `id` is its row in the target (None: not
    there yet)."""

    at: str
    event: str
    url: str
    reason: str | None = None
    status: int | None = None
    detail: str | None = None
    raw_page_id: int | None = None
    id: int | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.at, self.event, self.url)


# The events that change whether the article is on its portal; the others (a page refused as not
# this article, a redirect gone or back) are kept as they are, for audit.
TRANSITIONS = ("removed", "returned")


def _events(db: Database, article_id: int) -> list[TakedownEvent]:
    return [TakedownEvent(*row) for row in db.execute(
        "SELECT at, event, url, reason, status, detail, raw_page_id, id FROM article_events WHERE article_id = ?"
        " ORDER BY at, id", [article_id])]


def interleave_events(ours: list[TakedownEvent], theirs: list[TakedownEvent]) -> list[TakedownEvent]:
    """Our takedown history with theirs fitted in by time, as interleave() fits versions. An event we
    hold already (a source merged before) adds nothing. A takedown seen while the merged history says
    the article is gone already (both machines saw it gone) adds nothing, and a return seen while it
    is there; an earlier sighting of our next takedown or return takes its place (keeping our row), so
    a takedown is dated by the first machine that saw it. Every other event goes in at its time. Our
    events keep their order, so merging a source again changes nothing."""
    merged = sorted(ours, key=lambda event: (event.at, event.id or 0))
    held = {event.key for event in merged}
    for event in sorted(theirs, key=lambda event: event.at):
        if event.key in held:
            continue
        held.add(event.key)
        place = len(merged)
        while place > 0 and merged[place - 1].at > event.at:
            place -= 1
        if event.event not in TRANSITIONS:
            merged.insert(place, replace(event, id=None))
            continue
        before = next((e.event for e in reversed(merged[:place]) if e.event in TRANSITIONS), "returned")
        if event.event == before:
            continue
        after = next((e for e in merged[place:] if e.event in TRANSITIONS), None)
        if after is not None and after.event == event.event:
            merged.remove(after)
            merged.insert(place, replace(event, id=after.id))
        else:
            merged.insert(place, replace(event, id=None))
    return merged


def _merge_takedowns(target: Database, source: Database, article_id: int, article: _Source) -> int:
    """The source article's takedown history fitted into the target article's (interleave_events()),
    and the article marked gone or there by the merged history: gone since the takedown that opens
    it, last seen gone at the latest gone sighting of either archive, unless either archive saw it
    there after that (a return, dated by that sighting). Returns how many events were added."""
    row = next(target.query(
        "SELECT url, site, last_seen, removed, removed_last_seen FROM articles WHERE id = ?", [article_id]))
    ours = _events(target, article_id)
    if not ours and not article.events and row["removed"] is None and article.removed is None:
        return 0  # nearly every article: nothing was ever taken down
    merged = interleave_events(ours, article.events)
    by_id = {event.id: event for event in ours}
    pages: dict[int, int | None] = {}
    added = 0
    counted = {"removals": 0, "returns": 0}
    for event in merged:
        if event.id is not None and by_id[event.id] == event:
            continue
        page = event.raw_page_id
        if page is not None:
            if page not in pages:
                page_row = next(source.query("SELECT * FROM raw_pages WHERE id = ?", [page]), None)
                pages[page] = store.copy_raw_page(target, page_row, article_id) if page_row is not None else None
            page = pages[page]
        if event.id is None:
            add_event(target, article_id, event.event, at=event.at, url=event.url, reason=event.reason,
                      status=event.status, detail=event.detail, raw_page_id=page)
            added += 1
            if event.event in TRANSITIONS:
                counted["removals" if event.event == "removed" else "returns"] += 1
        else:
            target.conn.execute(
                "UPDATE article_events SET at = ?, url = ?, reason = ?, status = ?, detail = ?, raw_page_id = ?"
                " WHERE id = ?", [event.at, event.url, event.reason, event.status, event.detail, page, event.id])
    last = next((event for event in reversed(merged) if event.event in TRANSITIONS), None)
    removed = last.at if last is not None and last.event == "removed" else None
    last_gone = None
    if removed is not None:
        last_gone = max([removed] + [seen for since, seen in ((row["removed"], row["removed_last_seen"]),
                                                              (article.removed, article.removed_last_seen))
                                     if since is not None and seen is not None and seen >= removed])
        if row["last_seen"] and row["last_seen"] > last_gone:
            # Either archive saw the article there after the last time either saw it gone: it is back.
            add_event(target, article_id, "returned", at=row["last_seen"], url=row["url"],
                      detail=f"gone from {removed} to {last_gone}")
            added += 1
            counted["returns"] += 1
            removed = last_gone = None
    if (removed, last_gone) != (row["removed"], row["removed_last_seen"]):
        target.conn.execute("UPDATE articles SET removed = ?, removed_last_seen = ? WHERE id = ?",
                            [removed, last_gone, article_id])
    sitecounts.count(target, row["site"], removed=int(removed is not None) - int(row["removed"] is not None),
                     **counted)
    return added


def _copy_pages(target: Database, source: Database, versions: list[StoredVersion], article_id: int) -> dict[int, int]:
    """The source's stored pages of these versions, in the target (by content: a page the target
    holds already is not copied): source id -> target id."""
    pages = {}
    for version in versions:
        if version.raw_page_id is None or version.raw_page_id in pages:
            continue
        row = next(source.query("SELECT * FROM raw_pages WHERE id = ?", [version.raw_page_id]), None)
        if row is not None:
            pages[version.raw_page_id] = store.copy_raw_page(target, row, article_id)
    return pages


def _here(version: StoredVersion, pages: dict[int, int]) -> StoredVersion:
    page = pages.get(version.raw_page_id) if version.raw_page_id is not None else None
    return StoredVersion(version.fetched_at, version.title, version.text, version.content_hash, page,
                         version.extraction)


# --- crawl state ---------------------------------------------------------------------------------

_STATE_COLUMNS = ("url", "site", "kind", "discovered", "fetched", "status", "error", "failures", "etag",
                  "last_modified", "queued")
# Columns that describe the last fetch: taken from whichever archive fetched the URL last.
_LAST_FETCH = ("fetched", "status", "error", "failures", "etag", "last_modified")


def _merge_crawl_state(target: Database, source: Database) -> int:
    newer = "coalesce(excluded.fetched, '') > coalesce(crawl_state.fetched, '')"
    updates = ", ".join(f"{column} = CASE WHEN {newer} THEN excluded.{column} ELSE crawl_state.{column} END"
                        for column in _LAST_FETCH)
    sql = (
        f"INSERT INTO crawl_state ({', '.join(_STATE_COLUMNS)}) VALUES ({', '.join('?' * len(_STATE_COLUMNS))})"
        f" ON CONFLICT(url) DO UPDATE SET {updates},"
        " discovered = min(crawl_state.discovered, excluded.discovered),"
        " queued = CASE WHEN coalesce(excluded.queued, '') > coalesce(crawl_state.queued, '')"
        "   THEN excluded.queued ELSE crawl_state.queued END"
    )
    merged = 0
    for chunk in _chunks(source.execute(f"SELECT {', '.join(_STATE_COLUMNS)} FROM crawl_state ORDER BY url")):
        target.conn.executemany(sql, chunk)
        merged += len(chunk)
    return merged


def _merge_feed_dates(target: Database, source: Database) -> None:
    """For each URL the publication time the feed read last by either machine gave it: what dates
    a page that shows only how long ago, at the merged archive's re-extractions as at its crawls."""
    columns = ("url", "site", "published", "feed", "seen")
    target.conn.executemany(
        f"INSERT INTO feed_dates ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        " ON CONFLICT(url) DO UPDATE SET site = excluded.site, published = excluded.published,"
        " feed = excluded.feed, seen = excluded.seen WHERE excluded.seen > feed_dates.seen",
        source.execute(f"SELECT {', '.join(columns)} FROM feed_dates ORDER BY url").fetchall())


def _merge_sites(target: Database, source: Database) -> None:
    """The portals the source knows and the target does not (`tinbai sites add` on that machine), and
    for each URL shape of a portal the row updated last, so that the next crawl of a portal from the
    merged archive starts from what either machine learned."""
    columns = ("key", "name", "home", "added", "removed", "cms")
    target.conn.executemany(
        f"INSERT INTO sites ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        " ON CONFLICT(key) DO UPDATE SET name = coalesce(sites.name, excluded.name),"
        " cms = coalesce(sites.cms, excluded.cms)",
        source.execute(f"SELECT {', '.join(columns)} FROM sites ORDER BY key").fetchall())
    shapes = ("site", "shape", "articles", "listings", "pages", "updated")
    target.conn.executemany(
        f"INSERT INTO url_shapes ({', '.join(shapes)}) VALUES ({', '.join('?' * len(shapes))})"
        " ON CONFLICT(site, shape) DO UPDATE SET articles = excluded.articles, listings = excluded.listings,"
        " pages = excluded.pages, updated = excluded.updated WHERE excluded.updated > url_shapes.updated",
        source.execute(f"SELECT {', '.join(shapes)} FROM url_shapes ORDER BY site, shape").fetchall())


def _chunks(rows: Any, size: int = 5000) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
