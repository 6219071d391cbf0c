"""The archive's schema: every table, created and changed only through these migrations, all here.

Data flow: open_archive() (archive/db.py) applies them before anything is saved; the
writers (archive/store.py, archive/runs.py, archive/crawlstate.py) and readers (archive/query/)
rely on the names here. Add a new `@migrations()` function for any change: never edit one
that has shipped, since existing archives have recorded it as applied.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("tinbai")

FTS_TABLE = "articles_fts"
FTS_EXACT_TABLE = "articles_fts_exact"


@migrations()
def m001_initial(db: Database) -> None:
    # One row per unique article, holding its latest content; `url` is the first
    # canonical URL it was saved under (every URL it was seen under: article_urls).
    articles = db.table("articles")
    articles.create(
        {
            "id": int,
            "url": str,
            "site": str,
            "title": str,
            "published": str,
            # Since m133 (an archive made before gets it there): written by every save today, so
            # that this code saves into an archive of any earlier schema it upgrades.
            "published_range": str,
            "author": str,
            "category": str,
            "summary": str,
            "source": str,
            "text": str,
            "extraction": str,
            "content_hash": str,
            "first_seen": str,
            "last_seen": str,
        },
        pk="id",
        not_null={"url", "site", "title", "text", "content_hash", "first_seen", "last_seen"},
    )
    articles.create_index(["url"], unique=True)
    # Aliases are found by content: "which article's latest content has this hash?"
    articles.create_index(["content_hash"])
    articles.create_index(["site", "published"])

    # Raw pages come before versions, which point at them. The same body (sha256 of
    # the uncompressed bytes) is stored once, however often it is fetched.
    raw_pages = db.table("raw_pages")
    raw_pages.create(
        {
            "id": int,
            "url": str,
            "fetched_at": str,
            "status": int,
            "headers": str,
            "body": bytes,
            "sha256": str,
            "article_id": int,
        },
        pk="id",
        not_null={"url", "fetched_at", "body", "sha256"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    raw_pages.create_index(["sha256"], unique=True)
    raw_pages.create_index(["article_id"])

    db.table("article_urls").create(
        # `redirected` since m135 (an archive made before gets it there): written by every save
        # today, so that this code saves into an archive of any earlier schema it upgrades.
        {"url": str, "article_id": int, "redirected": int},
        pk="url",
        not_null={"article_id", "redirected"},
        defaults={"redirected": 0},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("article_urls").create_index(["article_id"])

    db.table("article_versions").create(
        {
            "article_id": int,
            "version": int,
            "fetched_at": str,
            "title": str,
            "text": str,
            "content_hash": str,
            "raw_page_id": int,
        },
        pk=("article_id", "version"),
        not_null={"fetched_at", "title", "text", "content_hash"},
        foreign_keys=[("article_id", "articles", "id"), ("raw_page_id", "raw_pages", "id")],
    )

    db.table("images").create(
        {"article_id": int, "position": int, "src": str, "caption": str},
        pk=("article_id", "position"),
        not_null={"src"},
        foreign_keys=[("article_id", "articles", "id")],
    )

    runs = db.table("runs")
    runs.create(
        {
            "id": int,
            "site": str,
            "started": str,
            "finished": str,
            "status": str,
            "pages": int,
            "new": int,
            "updated": int,
            "duplicates": int,
            "aliases": int,
            "errors": int,
            "errors_json": str,
        },
        pk="id",
        not_null={"site", "started", "status"},
    )
    runs.create_index(["site", "started"])

    # Full-text index over FOLDED copies of the article (crawler/extract/fold.py), rowid =
    # articles.id. Not an external-content table: its content must be the folded
    # text, which no table holds, and highlight() needs it to locate matches.
    # remove_diacritics 2 still folds marks fold() keeps (a lone combining mark).
    db.execute(
        f"CREATE VIRTUAL TABLE [{FTS_TABLE}] USING fts5("
        "title, summary, text, tokenize = 'unicode61 remove_diacritics 2')"
    )


@migrations()
def m002_identity_near_duplicates_exact_search(db: Database) -> None:
    articles = db.table("articles")
    # The portal's own article id ("34842" in .../1-2-34842): the identity that survives
    # a changed slug. NULLs are distinct in a unique index, so portals without ids coexist.
    articles.add_column("site_article_id", str)
    db.execute("CREATE UNIQUE INDEX idx_articles_site_article_id ON articles (site, site_article_id)")
    # A re-post with small edits (another section, another portal) is kept as its own
    # article and points at the earliest one; default search and export leave it out.
    articles.add_column("near_duplicate_of", int, fk="articles", fk_col="id")
    db.execute("CREATE INDEX idx_articles_near_duplicate_of ON articles (near_duplicate_of)")
    # "2024-07" for a facet by month (the browser UI); derived from `published`.
    articles.add_column("published_month", str)
    db.execute("UPDATE articles SET published_month = substr(published, 1, 7) WHERE published IS NOT NULL")
    # Which extraction produced a version: a re-extraction adds a version named by it.
    db.table("article_versions").add_column("extraction", str)

    # MinHash signatures of the folded text, and their LSH band buckets to find
    # candidates without comparing against every article (archive/near.py).
    db.table("article_minhash").create(
        {"article_id": int, "signature": bytes}, pk="article_id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("article_lsh").create(
        {"band": int, "bucket": int, "article_id": int},
        pk=("band", "bucket", "article_id"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("article_lsh").create_index(["article_id"])

    # Exact-diacritic search ("Đảng" but not "đăng" or "dang"): an index over the
    # original NFC text, which articles already holds, so it is an external-content
    # table kept in step by triggers; only changes to the indexed columns touch it.
    db.execute(
        f"CREATE VIRTUAL TABLE [{FTS_EXACT_TABLE}] USING fts5(title, summary, text, "
        "content = 'articles', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 0')"
    )
    row = "new.id, new.title, new.summary, new.text"
    old = "'delete', old.id, old.title, old.summary, old.text"
    columns = f"[{FTS_EXACT_TABLE}] (rowid, title, summary, text)"
    delete = f"INSERT INTO [{FTS_EXACT_TABLE}] ([{FTS_EXACT_TABLE}], rowid, title, summary, text) VALUES ({old})"
    db.executescript(
        f"""
        CREATE TRIGGER articles_exact_insert AFTER INSERT ON articles BEGIN
            INSERT INTO {columns} VALUES ({row});
        END;
        CREATE TRIGGER articles_exact_delete AFTER DELETE ON articles BEGIN
            {delete};
        END;
        CREATE TRIGGER articles_exact_update AFTER UPDATE OF title, summary, text ON articles BEGIN
            {delete};
            INSERT INTO {columns} VALUES ({row});
        END;
        """
    )
    db.execute(f"INSERT INTO [{FTS_EXACT_TABLE}] ([{FTS_EXACT_TABLE}]) VALUES ('rebuild')")


@migrations()
def m003_fts_automerge(db: Database) -> None:
    """Both full-text indexes merge their segments 16 at a time instead of 4: with the default,
    each save's commit rewrote more of the index as the archive grew (10 pages a save at 1,000
    articles, 47 at 20,000), and saves slowed with it. A query reads a few more segments."""
    for table in (FTS_TABLE, FTS_EXACT_TABLE):
        db.execute(f"INSERT INTO [{table}] ([{table}], rank) VALUES ('automerge', 16)")


@migrations()
def m004_raw_page_compression(db: Database) -> None:
    """Stored pages say how their body is compressed: the pages of older archives are zlib,
    new ones Zstandard (RFC 8878), which stores a portal page in a sixth of zlib's time (its
    ASP.NET ViewState is half the page and does not compress) for 4% more bytes."""
    db.table("raw_pages").add_column("compression", str)
    db.execute("UPDATE raw_pages SET compression = 'zlib'")


@migrations()
def m005_minhash_word_hashes(db: Database) -> None:
    """Every article's MinHash signature and LSH buckets made again by archive/near.py's scheme
    (word hashes combined into shingle hashes: half the cost of a save's signature), replacing
    the SHA-1-per-shingle values of datasketch's MinHash. Existing re-post links stay."""
    from archive.near import bucket_rows, signature

    ids = [row[0] for row in db.execute("SELECT article_id FROM article_minhash ORDER BY article_id")]
    for start in range(0, len(ids), 500):  # texts read 500 at a time, not the whole archive at once
        batch = ids[start : start + 500]
        marks = ", ".join("?" * len(batch))
        for article_id, text in db.execute(f"SELECT id, text FROM articles WHERE id IN ({marks})", batch).fetchall():
            # The tables as they are at this migration (m007 stages new buckets elsewhere).
            hashvalues = signature(text)
            db.execute("DELETE FROM article_lsh WHERE article_id = ?", [article_id])
            db.execute("DELETE FROM article_minhash WHERE article_id = ?", [article_id])
            if hashvalues is None:
                continue
            db.execute(
                "INSERT INTO article_minhash (article_id, signature) VALUES (?, ?)", [article_id, hashvalues.tobytes()]
            )
            db.conn.executemany(
                "INSERT INTO article_lsh (band, bucket, article_id) VALUES (?, ?, ?)",
                bucket_rows(article_id, hashvalues),
            )


@migrations()
def m006_exact_index_of_its_own(db: Database) -> None:
    """The exact-diacritic index keeps its own copy of the text, written by save_article() with
    the folded one, instead of reading `articles` through triggers: an external-content FTS5
    table fed by a trigger cost a save 0.5 ms, a quarter of it, for 10% less disk."""
    for trigger in ("articles_exact_insert", "articles_exact_delete", "articles_exact_update"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute(f"DROP TABLE IF EXISTS [{FTS_EXACT_TABLE}]")
    db.execute(
        f"CREATE VIRTUAL TABLE [{FTS_EXACT_TABLE}] USING fts5("
        "title, summary, text, tokenize = 'unicode61 remove_diacritics 0')"
    )
    db.execute(f"INSERT INTO [{FTS_EXACT_TABLE}] ([{FTS_EXACT_TABLE}], rank) VALUES ('automerge', 16)")
    db.execute(
        f"INSERT INTO [{FTS_EXACT_TABLE}] (rowid, title, summary, text)"
        " SELECT id, title, summary, text FROM articles"
    )


@migrations()
def m007_staged_lsh_buckets(db: Database) -> None:
    """New LSH buckets are staged in `article_lsh_recent` and moved into `article_lsh` one band at
    a time (archive/near.py, store_signature): written straight into the large index, a save's
    32 buckets dirtied 32 scattered pages, and saves slowed as the archive grew. `article_lsh`
    becomes one B-tree instead of three (table, key and article_id index): 3.2 million rows at
    100,000 articles, rewritten once here."""
    db.execute(
        "CREATE TABLE article_lsh_recent (band INTEGER NOT NULL, bucket INTEGER NOT NULL,"
        " article_id INTEGER NOT NULL REFERENCES articles(id), PRIMARY KEY (band, bucket, article_id)) WITHOUT ROWID"
    )
    # article_lsh again as one B-tree (WITHOUT ROWID), without its index on article_id: a row is
    # deleted by its key, from the article's stored signature.
    db.execute(
        "CREATE TABLE article_lsh_drained (band INTEGER NOT NULL, bucket INTEGER NOT NULL,"
        " article_id INTEGER NOT NULL REFERENCES articles(id), PRIMARY KEY (band, bucket, article_id)) WITHOUT ROWID"
    )
    db.execute(
        "INSERT INTO article_lsh_drained (band, bucket, article_id)"
        " SELECT band, bucket, article_id FROM article_lsh ORDER BY band, bucket, article_id"
    )
    db.execute("DROP TABLE article_lsh")
    db.execute("ALTER TABLE article_lsh_drained RENAME TO article_lsh")
    db.execute(
        "CREATE TABLE article_lsh_stage (id INTEGER PRIMARY KEY CHECK (id = 1),"
        " stored INTEGER NOT NULL, next_band INTEGER NOT NULL)"
    )
    db.execute("INSERT INTO article_lsh_stage (id, stored, next_band) VALUES (1, 0, 0)")


# m100 and m101 were numbered apart from the archive's first migrations when the crawl state was
# added; the names stay, since archives record them as applied, and so does their order.
@migrations()
def m100_crawl_state(db: Database) -> None:
    """What a scheduled crawl remembers between runs (archive/crawlstate.py): one row per URL it
    queued or fetched, and the run lock."""
    db.table("crawl_state").create(
        {
            "url": str,  # as requested (canonical link), before any redirect
            "site": str,
            "kind": str,  # "article" or "listing"
            "discovered": str,
            "fetched": str,  # last attempt; NULL while pending
            "status": int,  # last HTTP status (304 for not modified), NULL when no answer
            "error": str,  # last error kind, NULL when the last fetch went well
            "failures": int,  # consecutive transient failures
            "etag": str,
            "last_modified": str,
        },
        pk="url",
        not_null={"site", "kind", "discovered"},
        defaults={"failures": 0},
    )
    db.table("crawl_state").create_index(["site", "kind"])
    # Archives crawled before this state existed: their articles are known, fetched when first seen.
    db.execute(
        "INSERT OR IGNORE INTO crawl_state (url, site, kind, discovered, fetched, status, failures)"
        " SELECT article_urls.url, articles.site, 'article', articles.first_seen, articles.last_seen, 200, 0"
        " FROM article_urls JOIN articles ON articles.id = article_urls.article_id"
    )
    # One row at most: who is crawling into this archive right now.
    db.table("run_lock").create(
        {"id": int, "token": str, "pid": int, "host": str, "process_start": str, "started": str, "heartbeat": str},
        pk="id",
        not_null={"token", "pid", "host", "started", "heartbeat"},
    )
    # 304 answers: a known article re-fetched and found unchanged.
    if "not_modified" not in db.table("runs").columns_dict:
        db.table("runs").add_column("not_modified", int)


@migrations()
def m101_crawl_state_queued(db: Database) -> None:
    # When a run last asked for the URL. A URL fetched long ago and queued again by a run that was
    # killed before fetching it (page 2 of a listing that gained an article) is pending too:
    # queued > fetched. Without it the next run, finding page 1 all known, would never read page 2.
    db.table("crawl_state").add_column("queued", str)


@migrations()
def m102_raw_page_warc_record(db: Database) -> None:
    """A stored page names the WARC record that holds it as received (`tinbai crawl --warc`): its
    WARC-Record-ID ("<urn:uuid:...>"), NULL for pages fetched without a WARC."""
    db.table("raw_pages").add_column("warc_record_id", str)


@migrations()
def m103_portals_and_url_shapes(db: Database) -> None:
    """The portals an archive crawls beyond the built-in ones (`tinbai sites add URL`), and what a
    crawl learned of each portal without a profile (archive/sites.py): its CMS family and its URL
    shapes, so that the next run starts from them."""
    # One row per portal added by hand or crawled by its URL, and per built-in portal removed
    # (`removed` set: `tinbai crawl --all` leaves it out). `key` is the host without "www.".
    db.table("sites").create(
        {"key": str, "name": str, "home": str, "added": str, "removed": str, "cms": str},
        pk="key",
        not_null={"home", "added"},
    )
    # One row per URL shape of a portal ("news/*/{slug-n}.html"): how many of its pages were
    # articles, listings, or other pages (contact, documents, galleries).
    db.table("url_shapes").create(
        {"site": str, "shape": str, "articles": int, "listings": int, "pages": int, "updated": str},
        pk=("site", "shape"),
        not_null={"updated"},
        defaults={"articles": 0, "listings": 0, "pages": 0},
    )


# m110: numbered apart, so that migrations written meanwhile by other changes keep their numbers.
@migrations()
def m110_articles_by_site_and_category(db: Database) -> None:
    """The categories of a portal and their counts, read from an index instead of every article's
    row: the search page lists them in its filter (archive/query/portal.py, categories()), 320-390 ms
    a page at 100,000 articles without it."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_site_category ON articles (site, category)")


# m104 and m105 come after m110 in the file, the order they are applied in: m110 was numbered
# apart for them.
@migrations()
def m104_takedowns_and_refused_pages(db: Database) -> None:
    """Takedowns and pages refused as versions (archive/takedowns.py, archive/identity.py).

    `articles.removed` is when the article was first seen gone from its portal in the current
    takedown (its URL answered 404 or 410, an error page with 200, or a redirect off the article),
    NULL while it is there; `removed_last_seen` the last time it was seen gone. The article keeps
    its last content. `article_events` keeps the history: each takedown, each return, and each page
    fetched for the article that was not a version of it, with the raw page that showed it.
    `raw_pages.refused` flags a page kept for audit only (soft_404, not_this_article): nothing was
    archived from it. `runs` counts the takedowns and returns each run saw."""
    articles = db.table("articles")
    articles.add_column("removed", str)
    articles.add_column("removed_last_seen", str)
    # Partial: the few removed articles, for `tinbai search --removed` and the counts of `tinbai stats`.
    db.execute("CREATE INDEX idx_articles_removed ON articles (removed) WHERE removed IS NOT NULL")
    db.table("article_events").create(
        {
            "id": int,
            "article_id": int,
            "at": str,  # UTC, when the crawl saw it
            "event": str,  # "removed", "returned", "not_this_article" (since m135 "redirect_gone", "redirect_back")
            "reason": str,  # the error kind: http_404, http_410, soft_404, not_this_article
            "url": str,  # the URL fetched
            "status": int,
            "detail": str,  # "redirected to https://nghean.dcs.vn/vi-vn", "another portal id: 34900"
            "raw_page_id": int,  # the page that showed it (NULL for a 404 without a body kept)
        },
        pk="id",
        not_null={"article_id", "at", "event", "url"},
        foreign_keys=[("article_id", "articles", "id"), ("raw_page_id", "raw_pages", "id")],
    )
    db.table("article_events").create_index(["article_id", "at"])
    db.table("raw_pages").add_column("refused", str)
    runs = db.table("runs")
    runs.add_column("removed", int)
    runs.add_column("returned", int)


@migrations()
def m105_near_duplicates_checked_by_what_they_report(db: Database) -> None:
    """Re-post links made by MinHash alone are checked again by what the two texts report
    (archive/near.py, differ_in_specifics): district reports that share their template paragraphs
    but name another district, other people, dates or figures are not re-posts of each other.
    Each linked article is linked anew, oldest first, to the earliest article it does re-post."""
    from archive.near import find_original

    linked = [row[0] for row in db.execute(
        "SELECT id FROM articles WHERE near_duplicate_of IS NOT NULL ORDER BY id"
    )]
    for article_id in linked:
        text = db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()[0]
        original, _ = find_original(db, text, before=article_id)
        db.execute("UPDATE articles SET near_duplicate_of = ? WHERE id = ?", [original, article_id])


# m120 onwards: the national-scale changes (issue 23), numbered apart so that migrations written
# meanwhile by other changes keep their numbers.
@migrations()
def m120_raw_pages_by_fetch_time(db: Database) -> None:
    """Stored pages by when they were fetched: `tinbai reextract --since DATE` finds the pages
    fetched since a portal changed its template without reading every stored page (the table is
    most of the archive: 5 GB of 2,000,000 lean synthetic pages)."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_raw_pages_fetched_at ON raw_pages (fetched_at)")


@migrations()
def m121_merged_archives(db: Database) -> None:
    """Archives crawled on several machines and merged into one (archive/merge.py): each archive
    knows its own id, a merged run says which archive it was crawled into and its id there, and the
    archive lists the archives merged into it."""
    import uuid

    from archive.store import utc_now

    db.execute("CREATE TABLE archive_info (id INTEGER PRIMARY KEY CHECK (id = 1), archive_id TEXT NOT NULL,"
               " created TEXT NOT NULL)")
    db.execute("INSERT INTO archive_info (id, archive_id, created) VALUES (1, ?, ?)", [uuid.uuid4().hex, utc_now()])
    # NULL for the runs that crawled into this archive; a merged run keeps the id of the archive it
    # was crawled into (its origin) and its id there, which make it the same run when merged again.
    db.table("runs").add_column("origin", str)
    db.table("runs").add_column("origin_run", int)
    db.execute("CREATE UNIQUE INDEX idx_runs_origin ON runs (origin, origin_run) WHERE origin IS NOT NULL")
    db.execute("CREATE TABLE merge_sources (origin TEXT PRIMARY KEY, path TEXT NOT NULL, first_merged TEXT NOT NULL,"
               " last_merged TEXT NOT NULL, articles INTEGER NOT NULL DEFAULT 0)")


@migrations()
def m122_site_counts(db: Database) -> None:
    """Per-portal counts of articles, re-posts, versions, articles gone now, takedowns and returns kept
    as they change (archive/sitecounts.py), so that `tinbai stats` reads them instead of counting
    2,000,000 articles; articles by portal and month, which the UI's month facet of a portal reads
    without reading the articles; and articles by publication time, which search's date filters
    read at national scale."""
    db.execute("CREATE TABLE site_counts (site TEXT PRIMARY KEY, articles INTEGER NOT NULL DEFAULT 0,"
               " versions INTEGER NOT NULL DEFAULT 0, near_duplicates INTEGER NOT NULL DEFAULT 0,"
               " removed INTEGER NOT NULL DEFAULT 0, removals INTEGER NOT NULL DEFAULT 0,"
               " returns INTEGER NOT NULL DEFAULT 0)")
    db.execute("INSERT INTO site_counts (site, articles, near_duplicates, removed)"
               " SELECT site, count(*), count(near_duplicate_of), count(removed) FROM articles GROUP BY site")
    db.execute("UPDATE site_counts SET versions = (SELECT count(*) FROM article_versions"
               " JOIN articles ON articles.id = article_versions.article_id WHERE articles.site = site_counts.site)")
    db.execute("UPDATE site_counts SET"
               " removals = (SELECT count(*) FROM article_events AS e JOIN articles AS a ON a.id = e.article_id"
               "   WHERE a.site = site_counts.site AND e.event = 'removed'),"
               " returns = (SELECT count(*) FROM article_events AS e JOIN articles AS a ON a.id = e.article_id"
               "   WHERE a.site = site_counts.site AND e.event = 'returned')")
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_site_month ON articles (site, published_month)")
    # Search narrows to a publication range through `published` (archive/query/filters.py).
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_published ON articles (published)")



@migrations()
def m123_search_facets(db: Database) -> None:
    """Both full-text indexes get a fourth column, `facets`: the article's portal and publication
    year and month as words (archive/facets.py), so that search intersects a portal or a date
    filter with the query's words inside FTS5 instead of testing each match's article (0.5 s for
    a common word on one portal in 40 at 483,000 articles). FTS5 cannot add a column: each index
    is built again from its own rows beside the old one, which then gives it its name, and merged
    into one segment (optimize) as a rebuilt index would be."""
    from archive.facets import FACETS_COLUMN, facet_words

    db.conn.create_function("tinbai_facet_words", 2, facet_words, deterministic=True)
    tokenizers = ((FTS_TABLE, "unicode61 remove_diacritics 2"), (FTS_EXACT_TABLE, "unicode61 remove_diacritics 0"))
    for table, tokenize in tokenizers:
        new = f"{table}_with_facets"
        db.execute(f"CREATE VIRTUAL TABLE [{new}] USING fts5(title, summary, text, {FACETS_COLUMN},"
                   f" tokenize = '{tokenize}')")
        db.execute(f"INSERT INTO [{new}] ([{new}], rank) VALUES ('automerge', 16)")
        # LEFT JOIN: a row without its article (`tinbai check` says so) is kept as it was.
        db.execute(
            f"INSERT INTO [{new}] (rowid, title, summary, text, {FACETS_COLUMN})"
            f" SELECT indexed.rowid, indexed.title, indexed.summary, indexed.text,"
            f" tinbai_facet_words(articles.site, articles.published)"
            f" FROM [{table}] AS indexed LEFT JOIN articles ON articles.id = indexed.rowid ORDER BY indexed.rowid"
        )
        db.execute(f"DROP TABLE [{table}]")
        db.execute(f"ALTER TABLE [{new}] RENAME TO [{table}]")
        db.execute(f"INSERT INTO [{table}] ([{table}]) VALUES ('optimize')")


@migrations()
def m124_crowded_lsh_buckets(db: Database) -> None:
    """The LSH buckets a near-duplicate lookup found crowded (a template's boilerplate: more than
    archive/near.py's CROWDED_BUCKET members), so that the next lookups leave them out without
    reading their members. Empty at first: each is noted the first time a lookup reads it whole
    (counting every bucket here would read all of article_lsh, 64 million rows at 2,000,000
    articles)."""
    db.execute("CREATE TABLE article_lsh_crowded (band INTEGER NOT NULL, bucket INTEGER NOT NULL,"
               " PRIMARY KEY (band, bucket)) WITHOUT ROWID")


@migrations()
def m125_category_counts(db: Database) -> None:
    """Articles by portal and category kept as they change (archive/sitecounts.py), for the search
    form's category list and a portal's page, which counted them from every article."""
    db.execute("CREATE TABLE category_counts (site TEXT NOT NULL, category TEXT NOT NULL,"
               " articles INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (site, category)) WITHOUT ROWID")
    db.execute("INSERT INTO category_counts (site, category, articles)"
               " SELECT site, category, count(*) FROM articles WHERE category IS NOT NULL GROUP BY site, category")


# m130: learned templates (issue 17), numbered apart like m120 onwards.
@migrations()
def m130_learned_templates(db: Database) -> None:
    """What a crawl learned of where a portal without a profile shows its articles
    (archive/templates.py): `templates` keeps every version of each portal's learned template
    (crawler/extract/template.py), the newest serving its next pages; `runs` counts the pages each
    path read: the hand-written profile, the learned template, the generic path."""
    # One row per version: `knowledge` is the learned value as JSON (crawler/extract/knowledge.py,
    # PortalKnowledge.to_json: the portal's chrome lines, title suffixes and its template's layouts),
    # `layouts` how many layouts it holds (0: learned no template, the generic path reads the
    # portal), `pages` how many pages it was learned from, `reason` why it was learned ("first",
    # "stopped matching: ..."), `run` the run that learned it.
    db.table("templates").create(
        {"site": str, "version": int, "learned": str, "pages": int, "layouts": int, "knowledge": str,
         "reason": str, "run": int},
        pk=("site", "version"),
        not_null={"learned", "knowledge"},
        defaults={"pages": 0, "layouts": 0},
    )
    runs = db.table("runs")
    for column in ("by_profile", "by_template", "by_generic"):
        runs.add_column(column, int)


# m131 onwards: national scale again (issue 23), after m130.
@migrations()
def m131_minhash_sketches(db: Database) -> None:
    """Each MinHash signature's sketch (archive/near.py, sketch(): the low 2 bits of its 128 values,
    32 bytes), which a near-duplicate lookup reads for its candidates before their signatures, so
    that only the candidates the sketch cannot rule out cost the read of a 512-byte signature. Made
    here from every stored signature, 5,000 at a time."""
    import numpy as np

    from archive.near import SIGNATURE_DTYPE, sketch

    db.execute("CREATE TABLE article_minhash_sketch (article_id INTEGER PRIMARY KEY REFERENCES articles(id),"
               " sketch BLOB NOT NULL)")
    last = 0
    while True:
        rows = db.execute("SELECT article_id, signature FROM article_minhash WHERE article_id > ?"
                          " ORDER BY article_id LIMIT 5000", [last]).fetchall()
        if not rows:
            break
        db.conn.executemany("INSERT INTO article_minhash_sketch (article_id, sketch) VALUES (?, ?)",
                            [(article_id, sketch(np.frombuffer(signature, dtype=SIGNATURE_DTYPE)))
                             for article_id, signature in rows])
        last = rows[-1][0]


@migrations()
def m132_articles_found_by_url_through_article_urls(db: Database) -> None:
    """The index on `articles.url` dropped: every URL an article was seen under, its own first, is a
    row of `article_urls` (save_article() and merge register them), whose key finds it. The two
    indexes held the same URLs at random places, and each took a page of its own at every save's
    commit (1.6 of the 27 pages a save wrote to the WAL at 150,000 articles). An article whose
    own URL is missing from article_urls (none should be) is registered first, read from the
    index being dropped."""
    db.execute("INSERT OR IGNORE INTO article_urls (url, article_id) SELECT url, id FROM articles")
    db.execute("DROP INDEX IF EXISTS idx_articles_url")


@migrations()
def m133_published_range(db: Database) -> None:
    """`articles.published_range`: the first and last day an article may have been published on
    when its page shows only how long ago ("Cách đây 3 Các tháng"), an ISO 8601 interval of days;
    NULL when `published` is a date the page or the portal's feed states."""
    if "published_range" not in db.table("articles").columns_dict:
        db.table("articles").add_column("published_range", str)


@migrations()
def m134_feed_dates(db: Database) -> None:
    """`feed_dates`: the publication time each URL's item in one of the portal's feeds gives (an
    RSS item's pubDate, an Atom entry's published), the last one read, kept so that a page that
    shows only how long ago is dated from it by its crawl and by every re-extraction alike."""
    db.table("feed_dates").create(
        {"url": str, "site": str, "published": str, "feed": str, "seen": str}, pk="url",
    )
    db.table("feed_dates").create_index(["site"])


@migrations()
def m135_addresses_that_only_redirected(db: Database) -> None:
    """`article_urls.redirected`: 1 for an address that only ever redirected the crawl to the
    article (a shortlink, "?p=123", an old category path answering 301), 0 for one the article was
    seen at (its canonical URL, a URL that served its page). A dead redirect says nothing of the
    article itself (archive/takedowns.py). Every row an archive held before is 0: it registered only
    the URLs its articles were seen at."""
    if "redirected" not in db.table("article_urls").columns_dict:
        db.table("article_urls").add_column("redirected", int, not_null_default=0)



@migrations()
def m136_runs_read_without_a_profile(db: Database) -> None:
    """An index of each portal's runs that read articles without its profile (by the learned
    template or the generic path), by id: `recent_runs` shows beside each run the share of the last
    such earlier run of its portal (drift), which without it read every earlier run of the portal
    from the table (a profiled portal's runs never pass the condition): 3.9 s for `tinbai runs
    --site nghean` among 250,250 runs at 1.9 million articles."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_runs_site_unprofiled ON runs (site, id)"
        " WHERE coalesce(by_template, 0) + coalesce(by_generic, 0) > 0"
    )

def migrate(db: Database) -> None:
    """Apply pending migrations; a no-op on an archive that is up to date."""
    migrations.apply(db)


def pending_migrations(db: Database) -> list[str]:
    """Names of migrations not yet applied to `db` (read-only)."""
    return [migration.name for migration in migrations.pending(db)]
