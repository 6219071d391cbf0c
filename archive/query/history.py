"""An article's history: the article row -> its URLs, versions and re-posts -> a word-level diff of two versions.

Data flow: save_article() (archive/store.py) adds a row to article_versions whenever a page
comes back with different text; `tinbai show` and the browser's article and versions pages
(archive/query/ui/) read them back through article_history(), related_articles() and
version_diff().
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from sqlite_utils import Database

from archive.takedowns import article_events

_TOKEN = re.compile(r"\S+|\n\n")


class NoSuchArticle(LookupError):
    """No article has this id or URL; the message is one line meant for the user."""


def find_article(db: Database, ref: str | int) -> int:
    """The id of the article `ref` names: its id, or any URL it was seen under (canonical form)."""
    if isinstance(ref, int) or str(ref).isdigit():
        row = db.execute("SELECT id FROM articles WHERE id = ?", [int(ref)]).fetchone()
    else:
        # Every article's own URL is among them (migration m132).
        row = db.execute("SELECT article_id FROM article_urls WHERE url = ?", [ref]).fetchone()
    if row is None:
        raise NoSuchArticle(f"no article with id or URL {ref}")
    return int(row[0])


def article_history(db: Database, article_id: int) -> dict[str, Any]:
    """The article's latest record (with `removed`: when it was first seen gone from its portal, or
    None), every URL it was seen under (`redirects`: those that only redirected to it), every version
    and every event (takedowns, returns, pages refused as not this article, redirects found gone and
    leading to it again), oldest first."""
    article = next(db.query("SELECT * FROM articles WHERE id = ?", [article_id]), None)
    if article is None:
        raise NoSuchArticle(f"no article with id {article_id}")
    rows = db.execute("SELECT url, redirected FROM article_urls WHERE article_id = ? ORDER BY url",
                      [article_id]).fetchall()
    article["urls"] = [url for url, _ in rows]
    # Those that only ever redirected the crawl to it (a shortlink, "?p=123"): not where it was seen.
    article["redirects"] = [url for url, redirected in rows if redirected]
    article["images"] = list(db.query(
        "SELECT position, src, caption FROM images WHERE article_id = ? ORDER BY position", [article_id]
    ))
    article["versions"] = list(db.query(
        "SELECT version, fetched_at, title, content_hash, extraction, raw_page_id, length(text) AS characters,"
        " text FROM article_versions WHERE article_id = ? ORDER BY version",
        [article_id],
    ))
    article["events"] = article_events(db, article_id)
    return article


def version_text(db: Database, article_id: int, version: int) -> tuple[str, str]:
    """(title, text) of one version."""
    row = db.execute(
        "SELECT title, text FROM article_versions WHERE article_id = ? AND version = ?", [article_id, version]
    ).fetchone()
    if row is None:
        raise NoSuchArticle(f"article {article_id} has no version {version}")
    return row[0], row[1]


def version_diff(db: Database, article_id: int, old: int, new: int) -> list[tuple[str, str]]:
    """word_diff() of two versions, each as its title, a paragraph break, then its text: a changed
    headline shows as the first paragraph."""
    (old_title, old_text), (new_title, new_text) = (version_text(db, article_id, number) for number in (old, new))
    return word_diff(f"{old_title}\n\n{old_text}", f"{new_title}\n\n{new_text}")


def last_two_versions(history: dict[str, Any]) -> tuple[int, int] | None:
    """The numbers of an article's last two versions (article_history()), None with fewer than two."""
    numbers = [version["version"] for version in history["versions"]]
    return (numbers[-2], numbers[-1]) if len(numbers) >= 2 else None


def related_articles(db: Database, article_id: int) -> dict[str, Any]:
    """The article this one re-posts (`repost_of`, or None) and the articles that re-post it
    (`reposts`, oldest first): near duplicates, found by MinHash when they were saved (archive/near.py).
    Each: id, url, site, title, published, first_seen."""
    columns = "id, url, site, title, published, first_seen"
    repost_of = next(db.query(
        f"SELECT {columns} FROM articles WHERE id = (SELECT near_duplicate_of FROM articles WHERE id = ?)",
        [article_id],
    ), None)
    reposts = list(db.query(
        f"SELECT {columns} FROM articles WHERE near_duplicate_of = ? ORDER BY id", [article_id]
    ))
    return {"repost_of": repost_of, "reposts": reposts}


def article_times(db: Database, article_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For each article: when the archive first saw it (`first_seen`) and when its latest version
    was fetched (`changed`): what a feed's entries say about when they appeared and changed."""
    if not article_ids:
        return {}
    marks = ", ".join("?" * len(article_ids))
    rows = db.query(
        f"SELECT articles.id, articles.first_seen, max(article_versions.fetched_at) AS changed"
        f" FROM articles LEFT JOIN article_versions ON article_versions.article_id = articles.id"
        f" WHERE articles.id IN ({marks}) GROUP BY articles.id",
        article_ids,
    )
    return {row["id"]: {"first_seen": row["first_seen"], "changed": row["changed"] or row["first_seen"]}
            for row in rows}


def paragraphs(text: str | None) -> list[str]:
    """An article's text as its paragraphs (archive/README: separated by one blank line)."""
    return [paragraph.strip() for paragraph in (text or "").split("\n\n") if paragraph.strip()]


def diff_paragraphs(changes: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """word_diff()'s changes cut into paragraphs, for a page: each paragraph a list of (op, words).
    A removed or added paragraph break ends a paragraph as a kept one does."""
    result: list[list[tuple[str, str]]] = [[]]
    for op, words in changes:
        pieces = words.split("\n\n")
        for index, piece in enumerate(pieces):
            if index:
                result.append([])
            if piece.strip():
                result[-1].append((op, piece.strip()))
    return [paragraph for paragraph in result if paragraph]


def around_changes(diff: list[list[tuple[str, str]]], context: int = 1) -> list[list[tuple[str, str]] | int]:
    """The paragraphs of diff_paragraphs() that changed, each with `context` unchanged paragraphs on
    either side; each run of other unchanged paragraphs becomes how many there are. A page then shows
    what changed in a long article without the reader scrolling through what did not."""
    changed = [index for index, paragraph in enumerate(diff) if any(op != "=" for op, _ in paragraph)]
    kept = {near for index in changed for near in range(index - context, index + context + 1)}
    result: list[list[tuple[str, str]] | int] = []
    for index, paragraph in enumerate(diff):
        if index in kept:
            result.append(paragraph)
        elif result and isinstance(result[-1], int):
            result[-1] += 1
        else:
            result.append(1)
    return result


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level differences: ("=", words) kept, ("-", words) removed, ("+", words) added.

    Paragraph breaks count as tokens, so a moved paragraph boundary shows.
    """
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    changes: list[tuple[str, str]] = []
    for op, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if op == "equal":
            changes.append(("=", _join(old_tokens[a_start:a_end])))
            continue
        if a_end > a_start:
            changes.append(("-", _join(old_tokens[a_start:a_end])))
        if b_end > b_start:
            changes.append(("+", _join(new_tokens[b_start:b_end])))
    return changes


def render_diff(changes: list[tuple[str, str]]) -> str:
    """The diff as text, git's word-diff style: [-removed-]{+added+}."""
    pieces = []
    for op, words in changes:
        if op == "=":
            pieces.append(words)
            continue
        # A paragraph break at either end of a change stays outside the markers.
        inner = words.strip("\n")
        opened, closed = ("[-", "-]") if op == "-" else ("{+", "+}")
        marked = f"{opened}{inner or '¶'}{closed}"
        pieces.append(("\n\n" if words.startswith("\n\n") and inner else "") + marked
                      + ("\n\n" if words.endswith("\n\n") and inner else ""))
    return re.sub(r" *\n\n *", "\n\n", " ".join(pieces))


def _join(tokens: list[str]) -> str:
    return re.sub(r" ?\n\n ?", "\n\n", " ".join(tokens))
