"""Near duplicates: an article's folded text -> MinHash signature -> the earlier article it re-posts.

Data flow: save_article() (archive/store.py) calls link_near_duplicate() for every new or
changed article. A district portal re-posting a provincial story with another byline, a
caption or one sentence changed is not an exact duplicate (its content hash differs) but
shares almost all of its word 3-shingles. MinHash (datasketch) estimates that overlap (Jaccard
similarity); LSH bands stored in `article_lsh` find the candidates without comparing against
every article. The re-post is kept, with `near_duplicate_of` pointing at the earliest article.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from typing import TYPE_CHECKING

from sqlite_utils import Database

from archive.fold import fold

if TYPE_CHECKING:
    import numpy as np

NUM_PERM = 128
SCHEME = "affine32"
# Stored as 128 little-endian 32-bit values (article_minhash.signature, 512 bytes).
SIGNATURE_DTYPE = "<u4"
# 32 bands of 4 rows: a pair with Jaccard 0.8 shares a band with probability
# 1 - (1 - 0.8**4)**32 > 0.9999, a pair at 0.2 in about 5% of cases (then rejected below).
BANDS, ROWS = 32, 4
# Estimated Jaccard similarity of word 3-shingles from which a text is a re-post.
# One sentence added to a 300-word article still scores about 0.9; two different
# reports of the same kind of meeting score below 0.3.
THRESHOLD = 0.8
SHINGLE_WORDS = 3
# Below this many words two different briefs ("Hội nghị tổng kết công tác năm 2023.")
# can share most of their shingles: such texts are never linked.
MIN_WORDS = 40
_WORD = re.compile(r"\w+")


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of `text`'s folded word 3-shingles; None for a short text."""
    words = _WORD.findall(fold(text))
    if len(words) < MIN_WORDS:
        return None
    # datasketch loads numpy and scipy: only a save needs them, never a query.
    from datasketch import MinHash

    shingles = {" ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8") for i in range(len(words) - SHINGLE_WORDS + 1)}
    # The scheme is named, not left to the library's default: stored signatures are
    # only comparable with signatures made the same way.
    minhash = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, permutations=_permutations())
    minhash.update_batch(shingles)
    return minhash.hashvalues.astype(SIGNATURE_DTYPE)


@cache
def _permutations() -> np.ndarray:
    """The permutations MinHash draws from its seed, drawn once: a new MinHash would draw them
    again for every article (a third of the signature's time)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal slots."""
    return float((first == second).sum()) / NUM_PERM


def _buckets(hashvalues: np.ndarray) -> list[tuple[int, int]]:
    buckets = []
    for band in range(BANDS):
        chunk = hashvalues[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        buckets.append((band, int.from_bytes(digest, "big", signed=True)))
    return buckets


def _load(blob: bytes) -> np.ndarray:
    import numpy as np

    return np.frombuffer(blob, dtype=SIGNATURE_DTYPE)


def link_near_duplicate(db: Database, article_id: int, text: str) -> int | None:
    """Store `article_id`'s signature and link it to the earliest older article it re-posts.

    Returns the id written to `near_duplicate_of` (None when the text is original).
    Only older articles are candidates, so links never form a cycle; a candidate that is
    itself a re-post is followed to the article it re-posts.
    """
    db.execute("DELETE FROM article_lsh WHERE article_id = ?", [article_id])
    db.execute("DELETE FROM article_minhash WHERE article_id = ?", [article_id])
    hashvalues = signature(text)
    original = None
    if hashvalues is not None:
        buckets = _buckets(hashvalues)
        original = _earliest_match(db, article_id, hashvalues, buckets)
        db.table("article_minhash").insert({"article_id": article_id, "signature": hashvalues.tobytes()})
        # 32 rows: one executemany, not sqlite-utils' insert_all (which re-reads the schema).
        db.conn.executemany(
            "INSERT INTO article_lsh (band, bucket, article_id) VALUES (?, ?, ?)",
            [(band, bucket, article_id) for band, bucket in buckets],
        )
    db.execute("UPDATE articles SET near_duplicate_of = ? WHERE id = ?", [original, article_id])
    return original


def _earliest_match(
    db: Database, article_id: int, hashvalues: np.ndarray, buckets: list[tuple[int, int]]
) -> int | None:
    candidates: set[int] = set()
    for band, bucket in buckets:
        rows = db.execute(
            "SELECT article_id FROM article_lsh WHERE band = ? AND bucket = ? AND article_id < ?",
            [band, bucket, article_id],
        ).fetchall()
        candidates.update(row[0] for row in rows)
    for candidate in sorted(candidates):
        row = db.execute(
            "SELECT article_minhash.signature, articles.near_duplicate_of FROM article_minhash"
            " JOIN articles ON articles.id = article_minhash.article_id WHERE article_id = ?",
            [candidate],
        ).fetchone()
        if row is not None and similarity(hashvalues, _load(row[0])) >= THRESHOLD:
            return int(row[1] or candidate)
    return None
