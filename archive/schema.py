"""The archive's schema: every table, created and changed only through these migrations.

Data flow: open_archive() (archive/db.py) applies them before anything is saved; the
writers (archive/store.py, archive/runs.py) and readers (archive/search.py) rely on
the names here. Add a new `@migrations()` function for any change: never edit one
that has shipped, since existing archives have recorded it as applied.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("tinbai")

FTS_TABLE = "articles_fts"


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
        {"url": str, "article_id": int},
        pk="url",
        not_null={"article_id"},
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

    # Full-text index over FOLDED copies of the article (archive/fold.py), rowid =
    # articles.id. Not an external-content table: its content must be the folded
    # text, which no table holds, and highlight() needs it to locate matches.
    # remove_diacritics 2 still folds marks fold() keeps (a lone combining mark).
    db.execute(
        f"CREATE VIRTUAL TABLE [{FTS_TABLE}] USING fts5("
        "title, summary, text, tokenize = 'unicode61 remove_diacritics 2')"
    )


def migrate(db: Database) -> None:
    """Apply pending migrations; a no-op on an archive that is up to date."""
    migrations.apply(db)


def pending_migrations(db: Database) -> list[str]:
    """Names of migrations not yet applied to `db` (read-only)."""
    return [migration.name for migration in migrations.pending(db)]
