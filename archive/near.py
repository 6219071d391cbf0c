"""Near duplicates: an article's folded text -> MinHash signature -> the earlier article it re-posts.

Data flow: save_article() (archive/store.py) calls link_near_duplicate() for every new or
changed article. A district portal re-posting a provincial story with another byline, a
caption or one sentence changed is not an exact duplicate (its content hash differs) but
shares almost all of its word 3-shingles. MinHash (128 affine permutations of a 32-bit hash of
each shingle, see signature()) estimates that overlap (Jaccard similarity); LSH bands stored in
`article_lsh` (and `article_lsh_recent`, where they are staged: store_signature) find the
candidates without comparing against every article. The re-post is kept,
with `near_duplicate_of` pointing at the earliest article.

Shingles alone cannot tell a re-post from another report written on the same template: the
district reports of one campaign share most of their paragraphs ("Thực hiện Kế hoạch số 15-KH/TU
của Ban Thường vụ Tỉnh ủy, ...") and differ only in what they report, the district, the people,
the dates and the figures. So a candidate over the MinHash threshold is a re-post only when the
words that differ between the two texts are not specifics filled in two ways (differ_in_specifics):
a re-post may add a sentence, a source or a name of its own, or leave a paragraph out, but a report
that says "Kỳ Sơn", "Lô Văn Hùng", "12/3" and "45" where the other says "Thanh Chương", "Nguyễn Văn
An", "14/3" and "52" is another report.
bench/near.py measures both sides: precision on templated reports, recall on re-posts.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from sqlite_utils import Database

from archive import sitecounts
from crawler.extract.fold import fold

if TYPE_CHECKING:
    import numpy as np

NUM_PERM = 128
# How stored signatures were made (signature()): archives made before migration m005 held
# datasketch's MinHash values (SHA-1 of each shingle), which m005 recomputed this way.
SCHEME = "word-blake2b64-affine32"
# Stored as 128 little-endian 32-bit values (article_minhash.signature, 512 bytes).
SIGNATURE_DTYPE = "<u4"
# 32 bands of 4 rows: a pair with Jaccard 0.8 shares a band with probability
# 1 - (1 - 0.8**4)**32 > 0.9999, a pair at 0.2 in about 5% of cases (then rejected below).
BANDS, ROWS = 32, 4
# Estimated Jaccard similarity of word 3-shingles from which a text is a re-post.
# One sentence added to a 300-word article still scores about 0.9; two different
# reports of the same kind of meeting score below 0.3.
THRESHOLD = 0.8
# Below this many words two different briefs ("Hội nghị tổng kết công tác năm 2023.")
# can share most of their shingles: such texts are never linked.
MIN_WORDS = 40
_WORD = re.compile(r"\w+")


def signature(text: str, *, folded: str | None = None) -> np.ndarray | None:
    """The MinHash signature of `text`'s folded word 3-shingles; None for a short text.

    `folded` is fold(text) when the caller already has it (save_article folds the text for the
    full-text index). The scheme (SCHEME), which every stored signature follows:
    - words: \\w+ runs of the folded text; a word's hash is the first 8 bytes of its BLAKE2b
      digest (digest_size=8) as a little-endian unsigned 64-bit number;
    - a shingle of words (a, b, c): the MurmurHash3 64-bit finalizer of
      h(a) * P1 + h(b) * P2 + h(c) * P3 modulo 2**64 (P: _SHINGLE_MULTIPLIER_VALUES), of which
      the low 32 bits are kept;
    - the signature: for each of the 128 affine permutations (a_i, b_i) of _permutations(), the
      least (a_i * s + b_i) modulo 2**32 over the distinct shingle values s.
    Words repeat from article to article, so their hashes are cached, and the rest is a few numpy
    operations over all shingles at once: half the time of one SHA-1 per shingle, which made a
    signature a quarter of a save (tests/test_near_signature.py checks a plain-Python reading
    of the scheme, and how well it estimates Jaccard similarity).
    """
    words = _WORD.findall(fold(text) if folded is None else folded)
    if len(words) < MIN_WORDS:
        return None
    import numpy as np

    hashes = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
    p1, p2, p3 = _shingle_multipliers()
    # uint64 arithmetic wraps: that is the modulo 2**64.
    with np.errstate(over="ignore"):
        mixed = hashes[:-2] * p1 + hashes[1:-1] * p2 + hashes[2:] * p3
    # The low 32 bits. A repeated shingle changes no minimum, so duplicates stay (np.unique's sort
    # cost more than the few repeated rows below).
    shingles = _fmix64(mixed).astype(np.uint32)
    a, b = _permutations()
    # a * s + b in uint32: the wraparound is the permutations' modulo 2**32.
    permuted = np.multiply.outer(shingles, a)
    permuted += b
    return permuted.min(axis=0).astype(SIGNATURE_DTYPE)


# A portal's vocabulary: 32,768 words hold nearly every word of an article (6 MB of cache; the
# writer of a 20,000-article crawl grew by 25 MB with four times as many).
@lru_cache(maxsize=1 << 15)
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


# Odd 64-bit constants (the golden ratio's and MurmurHash3's): a shingle's words weigh differently,
# so "a b c" and "c b a" differ.
_SHINGLE_MULTIPLIER_VALUES = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)


@cache
def _shingle_multipliers() -> tuple[np.uint64, np.uint64, np.uint64]:
    import numpy as np

    p1, p2, p3 = (np.uint64(value) for value in _SHINGLE_MULTIPLIER_VALUES)
    return p1, p2, p3


def _fmix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer, in place."""
    import numpy as np

    values ^= values >> np.uint64(33)
    values *= np.uint64(0xFF51AFD7ED558CCD)
    values ^= values >> np.uint64(33)
    values *= np.uint64(0xC4CEB9FE1A85EC53)
    values ^= values >> np.uint64(33)
    return values


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The 128 affine permutations (odd multipliers a, offsets b, uint32), drawn once from seed 1
    (the values datasketch's MinHash(seed=1, scheme="affine32") draws)."""
    import numpy as np

    generator = np.random.RandomState(1)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _from_stored(blob: bytes) -> np.ndarray:
    import numpy as np

    return np.frombuffer(blob, dtype=SIGNATURE_DTYPE)


# A candidate's signature is read only when its sketch can be within THRESHOLD: the low SKETCH_BITS
# bits of each of its 128 values (32 bytes, article_minhash_sketch, migration m131). Two equal values
# have equal low bits, so a candidate with fewer than _MIN_EQUAL equal sketch values has fewer equal
# values and is rejected without its signature, which loses no match; a candidate with t equal
# values shows about t + (128 - t) / 4 equal sketch values, so one far from the threshold (most of
# them) is rejected by its sketch. At 150,000 synthetic articles a lookup had 28 candidates, each
# signature (512 bytes, 7 to a page) a page read from the disk's cache: 22 of a save's 64 page reads.
# The sketches, 16 times smaller, stay in the writer's page cache.
SKETCH_BITS = 2


def sketch(hashvalues: np.ndarray) -> bytes:
    """The low SKETCH_BITS bits of each value of a signature, four values to a byte: 32 bytes."""
    import numpy as np

    low = hashvalues.astype(SIGNATURE_DTYPE, copy=False).view(np.uint8)[::4] & np.uint8(3)  # each value's low byte
    return (low.reshape(-1, 4) @ _sketch_weights()).astype(np.uint8).tobytes()


@cache
def _sketch_weights() -> np.ndarray:
    import numpy as np

    return np.array([1, 4, 16, 64], dtype=np.uint8)


@cache
def _equal_pairs() -> np.ndarray:
    """For each byte, how many of its four 2-bit groups are 0: the equal values of two sketches'
    byte XORed."""
    import numpy as np

    return np.array([sum((byte >> shift) & 3 == 0 for shift in (0, 2, 4, 6)) for byte in range(256)], dtype=np.uint8)


def sketch_equal(sketches: list[bytes], mine: bytes) -> np.ndarray:
    """How many of the NUM_PERM values each of `sketches` shows equal to `mine`."""
    import numpy as np

    packed = np.frombuffer(b"".join(sketches), dtype=np.uint8).reshape(len(sketches), -1)
    return _equal_pairs()[packed ^ np.frombuffer(mine, dtype=np.uint8)].sum(axis=1, dtype=np.int64)


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal slots."""
    return float((first == second).sum()) / NUM_PERM


def _buckets(hashvalues: np.ndarray) -> list[tuple[int, int]]:
    """(band, bucket) for each band: the signed 64-bit BLAKE2b of the band's ROWS stored values."""
    return list(_buckets_of(hashvalues.astype(SIGNATURE_DTYPE, copy=False).tobytes()))


# A new article's buckets are looked up (find_original), then stored (store_signature): made once.
@lru_cache(maxsize=8)
def _buckets_of(stored: bytes) -> tuple[tuple[int, int], ...]:
    size = ROWS * 4
    blake2b, from_bytes = hashlib.blake2b, int.from_bytes
    return tuple(
        (band, from_bytes(blake2b(stored[band * size : (band + 1) * size], digest_size=8).digest(), "big", signed=True))
        for band in range(BANDS)
    )


def bucket_rows(article_id: int, hashvalues: np.ndarray) -> list[tuple[int, int, int]]:
    """(band, bucket, article_id): the LSH rows of `article_id`'s signature."""
    return [(band, bucket, article_id) for band, bucket in _buckets(hashvalues)]


def link_near_duplicate(db: Database, article_id: int, text: str, *, folded: str | None = None) -> int | None:
    """Store `article_id`'s signature and link it to the earliest older article it re-posts.

    Returns the id written to `near_duplicate_of` (None when the text is original).
    Only older articles are candidates, so links never form a cycle; a candidate that is
    itself a re-post is followed to the article it re-posts. `folded` is fold(text) when the
    caller has it.
    """
    original, hashvalues = find_original(db, text, folded=folded, before=article_id)
    store_signature(db, article_id, hashvalues)
    sitecounts.relink(db, article_id, original)
    return original


# --- what a text reports: names, places, dates, figures ---------------------------------------------

# Numbers, words, line breaks and punctuation (which ends a name: "Lô Văn Hùng, Bí thư"). A number
# keeps its inner separators ("12/3/2026", "1.200", "4,5"), which _words() then drops for
# thousands and decimals.
_TOKEN = re.compile(r"\d+(?:[.,:/-]\d+)*|\w+|\n|[^\w\s]")
_SENTENCE_END = frozenset(".!?…:;\n")
# The longest slot of a template, in words ("Kỳ Sơn" / "Thanh Chương", "12/3" / "14/3", "Lô Văn
# Hùng" / "Nguyễn Văn An"), and the words on each side that place it. A longer difference is a
# passage added, left out or rewritten: what a re-post does.
SLOT_WORDS = 8
CONTEXT_WORDS = 2


def _words(text: str) -> tuple[list[str], list[tuple[int, int, str]]]:
    """The text's words, and its specifics as (first word, past the last word, the specific): its
    numbers (dates, figures, document numbers) and its names (runs of capitalised words: "Kỳ Sơn",
    "Nguyễn Văn An"). A single capitalised word that starts a sentence ("Sáng", "Phát") is an
    ordinary word, not a name."""
    words: list[str] = []
    items: list[tuple[int, int, str]] = []
    run_start: int | None = None
    sentence_start = True
    run_at_start = False

    def close_run() -> None:
        nonlocal run_start
        if run_start is not None and not (len(words) - run_start == 1 and run_at_start):
            items.append((run_start, len(words), " ".join(words[run_start:])))
        run_start = None

    for token in _TOKEN.findall(text):
        if token in _SENTENCE_END:
            close_run()
            sentence_start = True
            continue
        if not token[0].isalnum():
            close_run()  # a comma, a bracket, a quote: not the start of a sentence
            continue
        if token[0].isdigit():
            close_run()
            # "1.200" and "1200", "4,5" and "4.5" are the same figure; a date keeps its slashes.
            number = re.sub(r"(?<=\d)[.,](?=\d)", "", token).replace("-", "/")
            items.append((len(words), len(words) + 1, number))
            words.append(number)
        elif token[0].isupper():
            if run_start is None:
                run_start, run_at_start = len(words), sentence_start
            words.append(token)
        else:
            close_run()
            words.append(token)
        sentence_start = False
    close_run()
    return words, items


@dataclass(frozen=True)
class _Reported:
    """A text's words and specifics, made once: a new article is compared with every candidate
    over the threshold, and a candidate with many new articles (a campaign's reports). Kept small
    (the words are `joined`, split again when compared), since many are kept (_REPORTED_KEPT)."""

    items: tuple[tuple[int, int, str], ...]
    specifics: frozenset[str]
    joined: str  # " word word ... ": a name or date found in it as " Kỳ Sơn " or " 19/9/"

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.joined.split())


# Texts whose words and specifics are kept, by their digest: a district report is compared with
# the earlier reports of its template that are over the threshold, more of them as the archive
# grows (0.1 a lookup at 10,000 synthetic articles, 0.34 at 158,000), and the same earlier reports
# come back for each new report of the template, hundreds of saves apart. 256 kept (by the text
# itself, which the cache then held too) missed nearly every time at 158,000 articles: each
# comparison parsed its candidate again (0.8 ms). 2,048 take about 17 MB here (8 KB each for the
# synthetic texts of bench/nation.py; a real article, three times as long, about 25 KB).
_REPORTED_KEPT = 2048
_reported_kept: OrderedDict[bytes, _Reported] = OrderedDict()


def _reported(text: str) -> _Reported:
    key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
    found = _reported_kept.get(key)
    if found is not None:
        _reported_kept.move_to_end(key)
        return found
    words, items = _words(text)
    found = _Reported(tuple(items), frozenset(item for _, _, item in items), f" {' '.join(words)} ")
    _reported_kept[key] = found
    if len(_reported_kept) > _REPORTED_KEPT:
        _reported_kept.popitem(last=False)
    return found


def specifics(text: str) -> frozenset[str]:
    """What `text` reports in particular: its names, places, dates and figures."""
    return _reported(text).specifics


def _reported_in(item: str, other: _Reported) -> bool:
    if item in other.specifics or f" {item} " in other.joined:
        return True  # the same, or inside a longer name of the other text: "Kỳ Sơn" in "Huyện Kỳ Sơn"
    if item[0].isdigit():
        if f" {item}/" in other.joined:
            return True  # "19/9" where the other text says "19/9/2026"
        if item.count("/") == 2 and f" {item.rsplit('/', 1)[0]} " in other.joined:
            return True  # "19/9/2026" where the other says "19/9": the same date, its year written out
    return False


def differ_in_specifics(first: str, second: str) -> bool:
    """Do the two texts report different things? Each must name a place, a person, a date or a
    figure that the other does not report anywhere, and one of the first's must stand where the
    second has one of its own: between the same words on either side (CONTEXT_WORDS of each), a
    slot of one template filled in two ways ("Huyện ủy [Kỳ Sơn] tổ chức" / "Huyện ủy [Thanh Chương]
    tổ chức"). Then they are two reports, however much boilerplate they share. A re-post that adds
    a sentence or a source, leaves out a paragraph, or writes a date out in full, still reports
    what the original does."""
    one, other = _reported(first), _reported(second)
    ours = [(start, end) for start, end, item in one.items if not _reported_in(item, other)]
    if not ours:
        return False
    theirs = {position for start, end, item in other.items if not _reported_in(item, one)
              for position in range(start, end)}
    if not theirs:
        return False
    words, one_words = other.words, one.words
    # Where each run of CONTEXT_WORDS words stands in the second text.
    runs: dict[tuple[str, ...], list[int]] = {}
    for position in range(len(words) - CONTEXT_WORDS + 1):
        runs.setdefault(words[position : position + CONTEXT_WORDS], []).append(position)
    for start, end in ours:
        before = one_words[start - CONTEXT_WORDS : start] if start >= CONTEXT_WORDS else ()
        after = one_words[end : end + CONTEXT_WORDS]
        if len(before) < CONTEXT_WORDS or len(after) < CONTEXT_WORDS:
            continue  # at an end of the text: the other specifics decide
        for position in runs.get(before, ()):
            slot = position + CONTEXT_WORDS
            for slot_end in range(slot + 1, min(slot + SLOT_WORDS, len(words)) + 1):
                if words[slot_end : slot_end + CONTEXT_WORDS] == after:
                    if any(word in theirs for word in range(slot, slot_end)):
                        return True
                    break
    return False


def find_original(
    db: Database, text: str, *, folded: str | None = None, before: int | None = None
) -> tuple[int | None, np.ndarray | None]:
    """(the article `text` re-posts, `text`'s signature): the earliest article with an id below
    `before` whose signature is within THRESHOLD, followed to the article it re-posts, or None.

    `before=None` is for an article not inserted yet, which is newer than every stored one:
    save_article() inserts a new article with its link instead of updating the row after (an
    UPDATE rewrites the whole row, text included). The signature is None for a short text,
    which is never linked.
    """
    hashvalues = signature(text, folded=folded)
    return original_of(db, text, hashvalues, before=before), hashvalues


def original_of(db: Database, text: str, hashvalues: np.ndarray | None, *, before: int | None = None) -> int | None:
    """find_original() for a text whose signature the caller made already (bench/fill.py makes
    them in other processes): the same lookup, the same answer."""
    if hashvalues is None:
        return None
    return _earliest_match(db, _NEWEST if before is None else before, hashvalues, _buckets(hashvalues), text)


def store_signature(db: Database, article_id: int, hashvalues: np.ndarray | None) -> None:
    """Replace `article_id`'s signature and LSH buckets by `hashvalues` (none for None).

    New buckets are staged in `article_lsh_recent`; every DRAIN_EVERY signatures stored, one band's
    staged rows move to `article_lsh` (drain_band)."""
    # Plain statements on the connection: sqlite-utils' table methods re-read the schema.
    conn = db.conn
    stored = conn.execute("SELECT signature FROM article_minhash WHERE article_id = ?", [article_id]).fetchone()
    if stored is not None:
        # The buckets of the stored signature are the article's rows: deleted by primary key, so
        # neither table needs an index on article_id (a new article has none to delete).
        stale = bucket_rows(article_id, _from_stored(stored[0]))
        conn.executemany("DELETE FROM article_lsh WHERE band = ? AND bucket = ? AND article_id = ?", stale)
        conn.executemany("DELETE FROM article_lsh_recent WHERE band = ? AND bucket = ? AND article_id = ?", stale)
        conn.execute("DELETE FROM article_minhash WHERE article_id = ?", [article_id])
    _forget_sketch(db, article_id)
    if hashvalues is None:
        return
    conn.execute(
        "INSERT INTO article_minhash (article_id, signature) VALUES (?, ?)", [article_id, hashvalues.tobytes()]
    )
    _store_sketch(db, article_id, hashvalues)
    # OR IGNORE: rows left by a signature deleted without its buckets (by hand) are never stale
    # enough to fail a save; a candidate is only ever taken on its stored signature.
    conn.executemany(
        "INSERT OR IGNORE INTO article_lsh_recent (band, bucket, article_id) VALUES (?, ?, ?)",
        bucket_rows(article_id, hashvalues),
    )
    # By its key: an UPDATE that may change several rows makes the full-text indexes write a
    # segment of their own (archive/transaction.py); without the key this one did at every save.
    conn.execute("UPDATE article_lsh_stage SET stored = stored + 1 WHERE id = 1")
    count, band = conn.execute("SELECT stored, next_band FROM article_lsh_stage WHERE id = 1").fetchone()
    if count >= DRAIN_EVERY:
        drain_band(db, band)
        conn.execute("UPDATE article_lsh_stage SET stored = 0, next_band = ? WHERE id = 1", [(band + 1) % BANDS])


def _store_sketch(db: Database, article_id: int, hashvalues: np.ndarray) -> None:
    try:
        db.conn.execute("INSERT INTO article_minhash_sketch (article_id, sketch) VALUES (?, ?)",
                        [article_id, sketch(hashvalues)])
    except sqlite3.OperationalError as error:
        if "no such table: article_minhash_sketch" not in str(error):  # an archive before m131 (a migration)
            raise


def _forget_sketch(db: Database, article_id: int) -> None:
    try:
        db.conn.execute("DELETE FROM article_minhash_sketch WHERE article_id = ?", [article_id])
    except sqlite3.OperationalError as error:
        if "no such table: article_minhash_sketch" not in str(error):
            raise


def _sketched_out(db: Database, candidates: list[int], hashvalues: np.ndarray) -> set[int]:
    """The candidates whose sketch shows fewer than _MIN_EQUAL values equal to `hashvalues`': their
    signatures cannot be within THRESHOLD. A candidate without a sketch is not among them."""
    import numpy as np

    rows: list[tuple[int, bytes]] = []
    try:
        for start in range(0, len(candidates), 500):
            chunk = candidates[start : start + 500]
            rows += db.conn.execute(
                "SELECT article_id, sketch FROM article_minhash_sketch"
                f" WHERE article_id IN ({', '.join('?' * len(chunk))})", chunk,
            ).fetchall()
    except sqlite3.OperationalError as error:
        if "no such table: article_minhash_sketch" not in str(error):
            raise
        return set()
    if not rows:
        return set()
    equal = sketch_equal([row[1] for row in rows], sketch(hashvalues))
    return {rows[index][0] for index in np.flatnonzero(equal < _MIN_EQUAL)}


# Buckets are staged, then drained one band at a time. `article_lsh` is the archive's most
# scattered index: a signature's 32 buckets land on 32 random pages of it, so in a large archive
# every save rewrites pages nobody else touched, each written again to the database file at the
# next checkpoint, and that cost grows with the archive. Staged, a save's buckets go to a table that
# holds the last few thousand signatures (small enough to stay in memory, so a transaction's
# inserts share pages), and a drain moves one band's staged rows, in bucket order, into that
# band's part of `article_lsh`, each page of which then takes many rows at once. Every bucket is
# in one of the two tables; candidates are looked up in both.
DRAIN_EVERY = 128  # signatures stored between two drains: each band is drained every 4,096


def drain_band(db: Database, band: int) -> None:
    """Move `band`'s staged buckets into article_lsh."""
    conn = db.conn
    conn.execute(
        "INSERT OR IGNORE INTO article_lsh (band, bucket, article_id)"
        " SELECT band, bucket, article_id FROM article_lsh_recent WHERE band = ? ORDER BY bucket, article_id",
        [band],
    )
    conn.execute("DELETE FROM article_lsh_recent WHERE band = ?", [band])


def _earliest_match(
    db: Database, article_id: int, hashvalues: np.ndarray, buckets: list[tuple[int, int]], text: str
) -> int | None:
    """The earliest article older than `article_id` sharing band buckets whose signature is
    within THRESHOLD and whose text reports nothing `text` does not (differ_in_specifics), followed
    to the article it re-posts when that one reports the same too; None when there is none.

    One query reads the members of each of the 32 buckets (staged or not), at most
    CROWDED_BUCKET + 1 of each: a bucket holding more is boilerplate (below) and is left out, and
    noted as crowded (article_lsh_crowded), so that later lookups do not read it at all. An
    article is a candidate when it shares enough of the other buckets to be within THRESHOLD at all
    (MIN_SHARED_BANDS, less one for each crowded bucket, which it may share too); numpy compares
    the candidates' signatures at once. Only the texts of the candidates within THRESHOLD are read.
    """
    shared, crowded, newly_crowded = shared_buckets(db, article_id, buckets)
    if newly_crowded:
        _remember_crowded(db, newly_crowded)
    return match_among(db, shared, crowded, hashvalues, text)


def shared_buckets(
    db: Database, article_id: int, buckets: list[tuple[int, int]]
) -> tuple[dict[int, int], int, list[tuple[int, int]]]:
    """What _earliest_match reads from the LSH tables, without writing: how many of `buckets` each
    article older than `article_id` shares (crowded buckets left out), how many of them are crowded,
    and which of those no lookup had found crowded before (the caller remembers them)."""
    known_crowded = _known_crowded(db, buckets)
    # A bucket known crowded is not read: NULL matches no bucket (one seek, no rows).
    looked_up = [value for band, bucket in buckets for value in (band, None if (band, bucket) in known_crowded
                                                                  else bucket)]
    members = db.conn.execute(_MEMBERS, [*looked_up, article_id]).fetchall()
    per_band: dict[int, list[int]] = {}
    for band, member in members:
        per_band.setdefault(band, []).append(member)
    shared: dict[int, int] = {}
    crowded = len(known_crowded)
    newly_crowded = []
    for band, ids in per_band.items():
        if len(ids) > CROWDED_BUCKET:
            crowded += 1
            newly_crowded.append(buckets[band])
            continue
        for member in set(ids):
            shared[member] = shared.get(member, 0) + 1
    return shared, crowded, newly_crowded


def match_among(db: Database, shared: dict[int, int], crowded: int, hashvalues: np.ndarray, text: str) -> int | None:
    """The rest of _earliest_match, once the buckets' members are read: `shared` counts the
    buckets each member shares with `hashvalues` (crowded buckets left out), `crowded` how many of
    the 32 were crowded. bench/fill.py reads the members from an index in memory and calls this."""
    import numpy as np

    needed = max(1, MIN_SHARED_BANDS - crowded)
    candidates = sorted(member for member, count in shared.items() if count >= needed)
    if candidates:
        rejected = _sketched_out(db, candidates, hashvalues)
        candidates = [member for member in candidates if member not in rejected]
    if not candidates:
        return None
    rows = []
    for start in range(0, len(candidates), 500):  # SQLite's default limit on parameters is far above
        chunk = candidates[start : start + 500]
        rows += db.conn.execute(
            f"SELECT article_id, signature FROM article_minhash WHERE article_id IN ({', '.join('?' * len(chunk))})"
            " ORDER BY article_id", chunk,
        ).fetchall()
    if not rows:
        return None
    signatures = np.frombuffer(b"".join(row[1] for row in rows), dtype=SIGNATURE_DTYPE).reshape(len(rows), NUM_PERM)
    # similarity() for every candidate, in id order: how many of the NUM_PERM values are equal.
    equal = (signatures == hashvalues).sum(axis=1)
    for match in _most_similar(equal):
        candidate = rows[match][0]
        row = db.conn.execute("SELECT text, near_duplicate_of FROM articles WHERE id = ?", [candidate]).fetchone()
        if row is None or differ_in_specifics(text, row[0]):
            continue
        original = row[1]
        if original is not None:
            # The article the candidate re-posts, if this text reports the same as that one too.
            first = db.conn.execute("SELECT text FROM articles WHERE id = ?", [original]).fetchone()
            if first is not None and not differ_in_specifics(text, first[0]):
                return int(original)
        return int(candidate)
    return None


# The candidates within THRESHOLD whose texts are compared (differ_in_specifics), at most. A district
# report is within THRESHOLD of some earlier reports of its template (the same boilerplate
# paragraphs, a few names and figures apart), more of them as the template's reports accumulate,
# and a new report differs from every one: comparing them all made the lookup grow with the archive
# (bench/lookups.py, the last 3,000 articles of bench/scale.py's archives looked up again: 0.12
# comparisons a lookup at 10,000 articles, 0.54 at 61,000, 0.48 at 147,000 and up to 80 in one
# lookup, each a text read and parsed, about 1 ms). A re-post is nearer to what it re-posts than
# the template's other reports are: it has the same names and figures in every slot, where another
# report has its own in all of them. So the candidates are taken from the most similar down, and
# the earliest of the COMPARED most similar that reports nothing else wins; with COMPARED or fewer
# within THRESHOLD (nearly every lookup) that is the earliest of all, as before. The text a match
# re-posts is compared too (one more). On those archives the links are the same with at most 1,
# 2, 4, 8 or 16 compared as with all: the re-posted article is the most similar candidate. Sixteen
# leave room for a template whose reports differ in one figure or date (a district's monthly
# reports), which can be nearer to each other than a re-post that left a paragraph out, and for
# a story re-posted many times, whose earliest copy the link names.
COMPARED = 16


def _most_similar(equal: np.ndarray) -> list[int]:
    """The indexes of the candidates whose count of equal values is within THRESHOLD, in the order
    their texts are compared: by id (their index), of the COMPARED with the most equal values
    (ties to the earlier) when more are within THRESHOLD."""
    import numpy as np

    within = np.flatnonzero(equal >= _MIN_EQUAL)
    if len(within) > COMPARED:
        # A stable sort: among equal counts the earlier candidate keeps its place.
        within = np.sort(within[np.argsort(-equal[within], kind="stable")[:COMPARED]])
    return [int(index) for index in within]


# Members of one band bucket beyond which the bucket is boilerplate, not a story: the district
# reports a portal writes from one template ("Đảng bộ xã ... tổ chức Đại hội ... nhiệm kỳ
# 2025-2030", their paragraphs the same from report to report) put thousands of articles in the same
# few buckets of each band, and reading them all made the lookup grow with the archive (1 ms a
# save at 50,000 synthetic articles, 0.25 ms for ordinary news; the largest bucket held 598). A
# story and its re-posts fill a bucket of a few dozen at most. Leaving a crowded bucket out loses
# no match that shares MIN_SHARED_BANDS buckets, since the threshold is lowered by one for each
# crowded bucket; only a text whose every shared bucket is crowded (all boilerplate) goes unlinked.
CROWDED_BUCKET = 64


# The known crowded buckets among a signature's 32 (band, bucket) pairs: one seek each.
_CROWDED = " UNION ALL ".join(
    f"SELECT band, bucket FROM article_lsh_crowded WHERE band = ?{2 * band + 1} AND bucket = ?{2 * band + 2}"
    for band in range(BANDS)
)


def _known_crowded(db: Database, buckets: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of these buckets a lookup found crowded before (migration m124): a template's buckets
    were read whole (65 rows each, up to 32 of them) at every save of its next report, 13% of a
    save at 60,000 articles. Once crowded, a bucket stays crowded: the members deleted when an
    article changes are few against a template's reports, and a bucket left out wrongly only
    lowers the shared-band threshold (no match is lost, _earliest_match)."""
    try:
        return set(db.conn.execute(_CROWDED, [value for pair in buckets for value in pair]).fetchall())
    except sqlite3.OperationalError as error:
        if "no such table: article_lsh_crowded" not in str(error):  # an archive before m124 (a migration)
            raise
        return set()


def _remember_crowded(db: Database, buckets: list[tuple[int, int]]) -> None:
    try:
        db.conn.executemany("INSERT OR IGNORE INTO article_lsh_crowded (band, bucket) VALUES (?, ?)", buckets)
    except sqlite3.OperationalError as error:
        if "no such table: article_lsh_crowded" not in str(error):
            raise


# Above every article id (SQLite's largest rowid).
_NEWEST = 2**63 - 1
# The fewest bands a signature within THRESHOLD shares with the new one: at least
# _MIN_EQUAL of the NUM_PERM values are equal, so at most NUM_PERM - _MIN_EQUAL bands hold an
# unequal value and the others are equal, hence in the same bucket. An article sharing fewer
# buckets cannot match, and its signature is not read (most candidates share one or two).
_MIN_EQUAL = next(equal for equal in range(NUM_PERM + 1) if equal / NUM_PERM >= THRESHOLD)
MIN_SHARED_BANDS = max(1, BANDS - (NUM_PERM - _MIN_EQUAL))
# The members of the new signature's buckets, staged or not (each (band, article) is in one of the two
# tables), older than the new article, at most CROWDED_BUCKET + 1 from each table: (band, article_id)
# rows. Parameters: ?1-?64 the (band, bucket) pairs, ?65 the id below which members are taken.
_BEFORE = f"?{2 * BANDS + 1}"


def members_sql() -> str:
    """_MEMBERS for the module's CROWDED_BUCKET."""
    return " UNION ALL ".join(
        f"SELECT {band}, article_id FROM (SELECT article_id FROM {table} WHERE band = ?{2 * band + 1}"
        f" AND bucket = ?{2 * band + 2} AND article_id < {_BEFORE} LIMIT {CROWDED_BUCKET + 1})"
        for band in range(BANDS) for table in ("article_lsh", "article_lsh_recent")
    )


_MEMBERS = members_sql()
