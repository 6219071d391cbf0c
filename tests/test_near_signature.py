"""Near-duplicate signatures and candidate matching keep the values and answers of the first
implementation: datasketch's MinHash for the signature, one SELECT per LSH candidate for the match.

Signatures are stored in archives; a signature computed another way would stop matching the
stored ones, so these compare with datasketch itself on random texts, not with fixed values.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import numpy as np
import pytest
import sqlite_utils
from datasketch import MinHash

from archive import near, open_archive, save_article
from archive.fold import fold
from crawler.extract.record import Article

# Vietnamese words with every kind of diacritic, case, digits, punctuation and a few rare
# letters, so folding and the \w+ split are exercised too.
WORDS = tuple(
    (
        "Đảng ủy tỉnh Nghệ An hội nghị xã huyện năm 2024 cán bộ đảng viên nhân dân phát triển kinh tế"
        " Ban Thường vụ Tỉnh ủy chỉ đạo kiểm tra giám sát Quỳnh Lưu Kỳ Sơn giảm nghèo chuyển đổi số"
        " ƯU TIÊN Ồ ẠT ỷ ỹ ữ ự ỡ ợ 12,5% 3.000 tỷ đồng; (Hà Nội) – “trích dẫn” naïve café Ωmega"
    ).split()
)


def datasketch_signature(text: str) -> np.ndarray | None:
    """The first implementation: datasketch's MinHash over the folded word 3-shingles."""
    words = near._WORD.findall(fold(text))
    if len(words) < near.MIN_WORDS:
        return None
    shingles = {" ".join(words[i : i + near.SHINGLE_WORDS]).encode("utf-8") for i in range(len(words) - 2)}
    minhash = MinHash(num_perm=near.NUM_PERM, seed=1, scheme=near.SCHEME)
    minhash.update_batch(shingles)
    return minhash.hashvalues.astype(near.SIGNATURE_DTYPE)


def random_text(rng: random.Random, words: int) -> str:
    vocabulary = WORDS + tuple(f"từ{n}" for n in range(rng.randint(1, 400)))
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def test_permutations_are_datasketchs() -> None:
    a, b = near._permutations()
    expected = MinHash(num_perm=near.NUM_PERM, seed=1, scheme=near.SCHEME).permutations
    assert a.dtype == b.dtype == expected.dtype
    assert np.array_equal(a, expected[0]) and np.array_equal(b, expected[1])


@pytest.mark.parametrize("seed", range(6))
def test_signature_equals_datasketchs_minhash(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(40):
        # From under MIN_WORDS (None) to long articles, with repeated shingles.
        text = random_text(rng, rng.choice([5, 39, 40, 41, 60, 300, 1500, 4000]))
        expected = datasketch_signature(text)
        got = near.signature(text)
        if expected is None:
            assert got is None
            continue
        assert got is not None and got.dtype == np.dtype(near.SIGNATURE_DTYPE)
        assert np.array_equal(got, expected)
        assert got.tobytes() == expected.tobytes()  # what article_minhash stores


def test_signature_of_a_folded_text_given_equals_the_one_computed() -> None:
    text = random_text(random.Random(7), 500)
    assert np.array_equal(near.signature(text, folded=fold(text)), near.signature(text))


def test_signature_ignores_shingle_order_and_repeats() -> None:
    text = random_text(random.Random(8), 200)
    assert np.array_equal(near.signature(text + " " + text), datasketch_signature(text + " " + text))


# --- the earliest match ------------------------------------------------------------------


def one_select_per_candidate(db: sqlite_utils.Database, article_id: int, hashvalues: np.ndarray) -> int | None:
    """The first implementation of the match: every band's candidates, then one SELECT each."""
    candidates: set[int] = set()
    for band, bucket in near._buckets(hashvalues):
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
        if row is not None and near.similarity(hashvalues, np.frombuffer(row[0], dtype="<u4")) >= near.THRESHOLD:
            return int(row[1] or candidate)
    return None


@pytest.fixture
def db() -> Iterator[sqlite_utils.Database]:
    database = open_archive(":memory:")
    yield database
    database.close()


def variant(rng: random.Random, base: list[str], changes: int) -> str:
    words = list(base)
    for _ in range(changes):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


def test_earliest_match_answers_as_one_select_per_candidate(db: sqlite_utils.Database) -> None:
    """Families of texts edited a little or a lot: many candidates, some above the threshold and
    some below, re-posts of re-posts, and articles whose signature is missing."""
    rng = random.Random(11)
    bases = [random_text(rng, 120).split() for _ in range(6)]
    answers = {"linked": 0, "original": 0}
    for number in range(240):
        base = bases[rng.randrange(len(bases))]
        text = variant(rng, base, rng.choice([0, 1, 2, 4, 8, 15, 30]))
        article = Article(url=f"https://example.vn/{number}", site="example", title=f"Bài {number}", text=text)
        if number % 37 == 5:
            # A candidate without a signature (an archive written before signatures) is skipped.
            previous = number  # the article saved just before has id `number`
            db.execute("DELETE FROM article_minhash WHERE article_id = ?", [previous])
        hashvalues = near.signature(text)
        next_id = (db.execute("SELECT max(id) FROM articles").fetchone()[0] or 0) + 1
        expected = one_select_per_candidate(db, next_id, hashvalues)
        result = save_article(db, article)
        if result.status != "new":
            continue
        assert result.article_id == next_id
        got = db.execute("SELECT near_duplicate_of FROM articles WHERE id = ?", [next_id]).fetchone()[0]
        assert got == expected, number
        answers["linked" if got else "original"] += 1
    # The corpus exercised both answers, with links to articles that were not the first candidate.
    assert answers["linked"] > 50 and answers["original"] > 5


def test_earliest_match_without_candidates_is_none(db: sqlite_utils.Database) -> None:
    hashvalues = near.signature(random_text(random.Random(3), 100))
    assert near._earliest_match(db, 1, hashvalues, near._buckets(hashvalues)) is None


def test_buckets_are_the_first_implementations() -> None:
    """article_lsh holds these buckets: computed another way, stored articles would stop being candidates."""
    import hashlib

    rng = np.random.default_rng(4)
    for _ in range(50):
        hashvalues = rng.integers(0, 2**32, near.NUM_PERM, dtype=np.uint64).astype(near.SIGNATURE_DTYPE)
        expected = []
        for band in range(near.BANDS):
            chunk = hashvalues[band * near.ROWS : (band + 1) * near.ROWS].tobytes()
            digest = hashlib.blake2b(chunk, digest_size=8).digest()
            expected.append((band, int.from_bytes(digest, "big", signed=True)))
        assert near._buckets(hashvalues) == expected


@pytest.mark.parametrize(("equal", "linked"), [(103, True), (102, False)])
def test_a_candidate_sharing_the_fewest_possible_bands_is_still_compared(
    db: sqlite_utils.Database, equal: int, linked: bool
) -> None:
    """103 of 128 equal values is the least similarity that links (0.805 >= 0.8); with the 25
    unequal values in 25 different bands the two signatures share only 7 buckets."""
    assert near.MIN_SHARED_BANDS == 7
    rng = np.random.default_rng(9)
    new = rng.integers(0, 2**32, near.NUM_PERM, dtype=np.uint64).astype(near.SIGNATURE_DTYPE)
    old = new.copy()
    unequal = near.NUM_PERM - equal
    # One unequal value in each of the first `unequal` bands (25 or 26 of 32).
    for band in range(unequal):
        old[band * near.ROWS] ^= 1
    shared = sum(a == b for a, b in zip(near._buckets(new), near._buckets(old), strict=True))
    assert shared == near.BANDS - unequal
    # Two older articles: one unrelated, then the near copy.
    for number in (1, 2):
        db.execute(
            "INSERT INTO articles (id, url, site, title, text, content_hash, first_seen, last_seen)"
            " VALUES (?, ?, 'x', 't', 't', ?, 'd', 'd')",
            [number, f"https://x.vn/{number}", str(number)],
        )
    other = rng.integers(0, 2**32, near.NUM_PERM, dtype=np.uint64).astype(near.SIGNATURE_DTYPE)
    near.store_signature(db, 1, other)
    near.store_signature(db, 2, old)
    assert near.similarity(new, old) == equal / near.NUM_PERM
    assert near._earliest_match(db, 3, new, near._buckets(new)) == (2 if linked else None)
