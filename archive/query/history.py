"""An article's history: the article row -> its URLs and versions -> a word-level diff of two versions.

Data flow: save_article() (archive/store.py) adds a row to article_versions whenever a page
comes back with different text; `tinbai show` reads them back through article_history() and
word_diff().
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from sqlite_utils import Database

_TOKEN = re.compile(r"\S+|\n\n")


class NoSuchArticle(LookupError):
    """No article has this id or URL; the message is one line meant for the user."""


def find_article(db: Database, ref: str | int) -> int:
    """The id of the article `ref` names: its id, or any URL it was seen under (canonical form)."""
    if isinstance(ref, int) or str(ref).isdigit():
        row = db.execute("SELECT id FROM articles WHERE id = ?", [int(ref)]).fetchone()
    else:
        row = db.execute("SELECT article_id FROM article_urls WHERE url = ?", [ref]).fetchone()
        if row is None:
            row = db.execute("SELECT id FROM articles WHERE url = ?", [ref]).fetchone()
    if row is None:
        raise NoSuchArticle(f"no article with id or URL {ref}")
    return int(row[0])


def article_history(db: Database, article_id: int) -> dict[str, Any]:
    """The article's latest record, every URL it was seen under and every version, oldest first."""
    article = next(db.query("SELECT * FROM articles WHERE id = ?", [article_id]), None)
    if article is None:
        raise NoSuchArticle(f"no article with id {article_id}")
    article["urls"] = [row["url"] for row in db.query(
        "SELECT url FROM article_urls WHERE article_id = ? ORDER BY url", [article_id]
    )]
    article["images"] = list(db.query(
        "SELECT position, src, caption FROM images WHERE article_id = ? ORDER BY position", [article_id]
    ))
    article["versions"] = list(db.query(
        "SELECT version, fetched_at, title, content_hash, extraction, raw_page_id, length(text) AS characters,"
        " text FROM article_versions WHERE article_id = ? ORDER BY version",
        [article_id],
    ))
    return article


def version_text(db: Database, article_id: int, version: int) -> tuple[str, str]:
    """(title, text) of one version."""
    row = db.execute(
        "SELECT title, text FROM article_versions WHERE article_id = ? AND version = ?", [article_id, version]
    ).fetchone()
    if row is None:
        raise NoSuchArticle(f"article {article_id} has no version {version}")
    return row[0], row[1]


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
