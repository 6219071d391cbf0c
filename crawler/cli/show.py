"""`tinbai show`: one article to read (its fields and text), every URL it was seen under, its
versions and re-posts, and what changed between two versions."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from typing import Any

import click

from crawler.cli import DEFAULT_DB, CouldNotRun, cli
from crawler.cli.output import CSV, JSON, emit, output_options
from crawler.cli.query import open_readonly

# --csv: the article's own fields and its URLs, one row (versions, images and the diff are lists of
# records: --json has them).
SHOW_CSV_FIELDS = (
    "id", "url", "site", "site_article_id", "title", "published", "published_range", "author", "category",
    "source", "summary", "text", "extraction", "content_hash", "first_seen", "last_seen", "near_duplicate_of",
    "removed", "urls",
)
# Paragraphs are wrapped for a terminal at its width, at most this many columns.
READING_WIDTH = 100


@cli.command()
@click.argument("ref", metavar="URL|ID")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--diff", "versions", nargs=2, type=int, metavar="A B",
              help="Compare these two versions (default: the last two).")
@output_options
def show(ref: str, db: str, versions: tuple[int, int] | None, fmt: str) -> None:
    """Print an article, by id or by any URL it was seen under: title, portal, category, time,
    author, lead and text, then its images, URLs, versions and re-posts.

    When it has two versions or more, a word-level diff follows: [-removed-] {+added+}.
    --json prints the whole record (URLs, images, versions, re-posts, the diff, and "removed": when
    it was first seen gone from its portal, or null; "events": its takedowns, returns and the pages
    refused as not this article); --csv the article's fields and URLs as one row, with the same
    names. An id or URL the archive does not know exits 2.

    Example: tinbai show https://nghean.dcs.vn/vi-vn/tin/x/1-2-34842 --db nghean.db --diff 1 2
    """
    from archive.query.history import (
        NoSuchArticle,
        article_history,
        find_article,
        last_two_versions,
        related_articles,
        version_diff,
    )
    from crawler.extract.urls import canonical_url

    with open_readonly(db) as archive:
        try:
            try:
                article_id = find_article(archive, ref)
            except NoSuchArticle:
                if ref.isdigit():
                    raise
                article_id = find_article(archive, canonical_url(ref))
            history = article_history(archive, article_id)
            related = related_articles(archive, article_id)
            if versions is None:
                versions = last_two_versions(history)
            diff = version_diff(archive, article_id, *versions) if versions is not None else None
        except NoSuchArticle as error:
            raise CouldNotRun(str(error)) from None

    if fmt == JSON:
        history["diff"] = None if diff is None else {
            "versions": list(versions or ()), "changes": [{"op": op, "text": text} for op, text in diff],
        }
        history.update(related)
        click.echo(json.dumps(history, ensure_ascii=False, indent=2))
        return
    if fmt == CSV:
        emit([history], fmt, str, [field for field in SHOW_CSV_FIELDS if field in history])
        return
    click.echo(article_text(history, related, versions, diff, width=_width()))


def _width() -> int | None:
    """The terminal's width (at most READING_WIDTH), or None when the output is not a terminal:
    a pipe or a file gets each paragraph on one line."""
    if not sys.stdout.isatty():
        return None
    return min(READING_WIDTH, shutil.get_terminal_size().columns)


def article_text(history: dict[str, Any], related: dict[str, Any], versions: tuple[int, int] | None,
                 diff: list[tuple[str, str]] | None, width: int | None = None) -> str:
    """The article as a person reads it in a terminal."""
    from archive.query.display import utc_time, vietnamese_date
    from archive.query.history import paragraphs, render_diff

    def block(text: str, indent: str = "") -> str:
        if width is None:
            return indent + text
        return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent)

    lines = [history["title"], "=" * min(len(history["title"]), width or READING_WIDTH)]
    about = [history["site"], history["category"], vietnamese_date(history["published"]) or "no publication date",
             history["author"], f"Theo {history['source']}" if history["source"] else None]
    lines.append(" · ".join(value for value in about if value))
    if history.get("removed"):
        lines.append(f"Taken down by the portal: found gone on {utc_time(history['removed'])}"
                     f" (last seen gone {utc_time(history['removed_last_seen'])}).")
    if related["repost_of"]:
        original = related["repost_of"]
        lines.append(f"A re-post of article {original['id']}: {original['title']} ({original['site']}).")
    lead = (history["summary"] or "").strip()
    body = paragraphs(history["text"])
    if lead and body and body[0] == lead:
        body = body[1:]
    for paragraph in ([lead] if lead else []) + body:
        lines += ["", block(paragraph)]
    if history["images"]:
        lines += ["", "images:"]
        for number, image in enumerate(history["images"], start=1):
            lines.append(f"  {number}. {image['caption'] or '(no caption)'}")
            lines.append(f"     {image['src']}")
    lines += ["", f"article {history['id']}"
              + (f" (the portal's id {history['site_article_id']})" if history["site_article_id"] else "")
              + f" · {history['extraction'] or '?'}",
              f"first seen {utc_time(history['first_seen'])} · last seen {utc_time(history['last_seen'])}",
              f"seen under {len(history['urls'])} URL{'' if len(history['urls']) == 1 else 's'}:"]
    lines += [f"  {url}" + ("  (redirected here)" if url in history.get("redirects", ()) else "")
              for url in history["urls"]]
    if related["reposts"]:
        lines.append("re-posted as:")
        lines += [f"  {other['id']}  {other['title']} ({other['site']})" for other in related["reposts"]]
    if history.get("events"):
        lines.append("takedowns, returns, pages refused, redirects gone:")
        for event in history["events"]:
            lines.append(f"  {utc_time(event['at'])}  {event['event']}  {event['reason'] or ''}  {event['url']}"
                         + (f"  ({event['detail']})" if event["detail"] else ""))
    lines.append("versions:")
    for version in history["versions"]:
        lines.append(
            f"  v{version['version']}  {version['fetched_at']}  {version['characters']} characters"
            f"  {version['extraction'] or ''}  {version['content_hash'][:12]}"
        )
    if diff is not None and versions is not None:
        lines += ["", f"diff v{versions[0]} -> v{versions[1]}:", "", render_diff(diff)]
    return "\n".join(lines)
