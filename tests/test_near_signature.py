"""Near-duplicate signatures follow their documented scheme exactly, estimate Jaccard similarity
as MinHash should, and candidate matching answers as the first implementation did (one SELECT per
LSH candidate).

Signatures are stored in archives; a signature computed another way would stop matching the
stored ones, so these compare with a plain reading of the scheme on random texts.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator

import numpy as np
import pytest
import sqlite_utils

from archive import near, open_archive, save_article
from crawler.extract.fold import fold
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
MASK64, MASK32 = (1 << 64) - 1, (1 << 32) - 1


def _fmix64(value: int) -> int:
    value ^= value >> 33
    value = value * 0xFF51AFD7ED558CCD & MASK64
    value ^= value >> 33
    value = value * 0xC4CEB9FE1A85EC53 & MASK64
    return value ^ value >> 33


def shingle_hashes(text: str) -> set[int]:
    """The scheme's 32-bit shingle values, one Python integer at a time."""
    words = near._WORD.findall(fold(text))
    word_hash = [int.from_bytes(hashlib.blake2b(w.encode("utf-8"), digest_size=8).digest(), "little") for w in words]
    p1, p2, p3 = near._SHINGLE_MULTIPLIER_VALUES
    return {
        _fmix64((word_hash[i] * p1 + word_hash[i + 1] * p2 + word_hash[i + 2] * p3) & MASK64) & MASK32
        for i in range(len(words) - 2)
    }


def plain_signature(text: str) -> list[int] | None:
    """The scheme as near.py's docstring states it, without numpy."""
    if len(near._WORD.findall(fold(text))) < near.MIN_WORDS:
        return None
    a, b = (list(map(int, values)) for values in near._permutations())
    values = shingle_hashes(text)
    return [min((a[i] * s + b[i]) & MASK32 for s in values) for i in range(near.NUM_PERM)]


def random_text(rng: random.Random, words: int) -> str:
    vocabulary = WORDS + tuple(f"từ{n}" for n in range(rng.randint(1, 400)))
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def test_permutations_are_fixed_odd_multipliers_and_offsets() -> None:
    a, b = near._permutations()
    assert a.dtype == b.dtype == np.uint32 and len(a) == len(b) == near.NUM_PERM
    assert all(int(value) % 2 == 1 for value in a)
    # Stored signatures depend on these never changing: datasketch 2.0.0's MinHash(seed=1,
    # scheme="affine32") drew the same, which the archive's first signatures were checked against.
    assert [int(a[0]), int(b[0]), int(a[-1]), int(b[-1])] == [3582191691, 214548472, 348755713, 1195370327]


@pytest.mark.parametrize("seed", range(4))
def test_signature_follows_the_scheme(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(15):
        # From under MIN_WORDS (None) to long articles, with repeated shingles.
        text = random_text(rng, rng.choice([5, 39, 40, 41, 60, 300, 1500]))
        expected = plain_signature(text)
        got = near.signature(text)
        if expected is None:
            assert got is None
            continue
        assert got is not None and got.dtype == np.dtype(near.SIGNATURE_DTYPE)
        assert [int(value) for value in got] == expected
        # What article_minhash stores: 128 little-endian 32-bit values.
        assert got.tobytes() == b"".join(value.to_bytes(4, "little") for value in expected)


def test_signature_of_a_folded_text_given_equals_the_one_computed() -> None:
    text = random_text(random.Random(7), 500)
    assert np.array_equal(near.signature(text, folded=fold(text)), near.signature(text))


def test_signature_counts_a_repeated_shingle_once_and_keeps_word_order() -> None:
    text = random_text(random.Random(8), 200)
    doubled = text + " " + text  # every shingle twice, and two that join the copies
    assert [int(value) for value in near.signature(doubled)] == plain_signature(doubled)
    assert shingle_hashes(doubled) == shingle_hashes(text) | shingle_hashes(" ".join(doubled.split()[198:202]))
    words = text.split()
    assert not np.array_equal(near.signature(" ".join(reversed(words))), near.signature(text))


def test_similarity_estimates_the_jaccard_similarity_of_shingles() -> None:
    """128 permutations: the estimate's standard deviation is at most 0.045; over 60 pairs from
    unrelated to near copies no estimate is 0.15 off, and they are right on average."""
    rng = random.Random(21)
    errors = []
    for _ in range(60):
        base = random_text(rng, 300).split()
        text = variant(rng, base, rng.choice([0, 2, 5, 10, 30, 80, 300]))
        first, second = shingle_hashes(" ".join(base)), shingle_hashes(text)
        exact = len(first & second) / len(first | second)
        estimate = near.similarity(near.signature(" ".join(base)), near.signature(text))
        errors.append(estimate - exact)
        assert abs(estimate - exact) < 0.15, (exact, estimate)
    assert abs(sum(errors) / len(errors)) < 0.02


# --- the earliest match ------------------------------------------------------------------


def one_select_per_candidate(
    db: sqlite_utils.Database, article_id: int, hashvalues: np.ndarray, text: str
) -> int | None:
    """The first implementation of the match: every band's candidates, then one SELECT each; a
    candidate within the threshold that reports other specifics than `text` is passed over, and
    its original is taken only when it reports the same as `text` too."""
    candidates: set[int] = set()
    for band, bucket in near._buckets(hashvalues):
        rows = db.execute(
            "SELECT article_id FROM (SELECT * FROM article_lsh UNION ALL SELECT * FROM article_lsh_recent)"
            " WHERE band = ? AND bucket = ? AND article_id < ?",
            [band, bucket, article_id],
        ).fetchall()
        candidates.update(row[0] for row in rows)
    for candidate in sorted(candidates):
        row = db.execute(
            "SELECT article_minhash.signature, articles.near_duplicate_of, articles.text FROM article_minhash"
            " JOIN articles ON articles.id = article_minhash.article_id WHERE article_id = ?",
            [candidate],
        ).fetchone()
        if row is None or near.similarity(hashvalues, np.frombuffer(row[0], dtype="<u4")) < near.THRESHOLD:
            continue
        if near.differ_in_specifics(text, row[2]):
            continue
        if row[1] is not None:
            original = db.execute("SELECT text FROM articles WHERE id = ?", [row[1]]).fetchone()[0]
            if not near.differ_in_specifics(text, original):
                return int(row[1])
        return int(candidate)
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


@pytest.mark.parametrize("drain_every", [near.DRAIN_EVERY, 3])
def test_earliest_match_answers_as_one_select_per_candidate(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch, drain_every: int
) -> None:
    """Families of texts edited a little or a lot: many candidates, some above the threshold and
    some below, re-posts of re-posts, and articles whose signature is missing. With a drain every
    3 signatures, candidates have some bands staged and the others drained."""
    monkeypatch.setattr(near, "DRAIN_EVERY", drain_every)
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
        expected = one_select_per_candidate(db, next_id, hashvalues, text)
        result = save_article(db, article)
        if result.status != "new":
            continue
        assert result.article_id == next_id
        got = db.execute("SELECT near_duplicate_of FROM articles WHERE id = ?", [next_id]).fetchone()[0]
        assert got == expected, number
        answers["linked" if got else "original"] += 1
    # The corpus exercised both answers, with links to articles that were not the first candidate.
    assert answers["linked"] > 50 and answers["original"] > 5


def _links(monkeypatch: pytest.MonkeyPatch, remember: bool) -> tuple[list[int | None], int]:
    """The re-post links of a corpus whose buckets crowd from 5 members, saved with the crowded
    buckets remembered or found again by reading them at every lookup; and how many were noted."""
    with monkeypatch.context() as patch:
        patch.setattr(near, "CROWDED_BUCKET", 4)
        patch.setattr(near, "_MEMBERS", near.members_sql())
        if not remember:
            patch.setattr(near, "_known_crowded", lambda db, buckets: set())
        database = open_archive(":memory:")
        rng = random.Random(11)
        bases = [random_text(rng, 120).split() for _ in range(6)]
        for number in range(240):
            text = variant(rng, bases[rng.randrange(len(bases))], rng.choice([0, 1, 2, 4, 8, 15, 30]))
            save_article(database, Article(url=f"https://example.vn/{number}", site="example", title=f"Bài {number}",
                                           text=text))
        links = [row[0] for row in database.execute("SELECT near_duplicate_of FROM articles ORDER BY id")]
        noted = database.execute("SELECT count(*) FROM article_lsh_crowded").fetchone()[0]
        database.close()
    return links, noted


def test_buckets_remembered_crowded_link_as_buckets_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    remembered, noted = _links(monkeypatch, remember=True)
    read_again, _ = _links(monkeypatch, remember=False)
    assert remembered == read_again
    assert noted > 100 and sum(link is not None for link in remembered) > 50


def test_a_bucket_known_crowded_is_not_read(db: sqlite_utils.Database) -> None:
    text = random_text(random.Random(5), 100)
    save_article(db, Article(url="https://example.vn/1", site="example", title="Bài 1", text=text))
    hashvalues = near.signature(text)
    buckets = near._buckets(hashvalues)
    assert near._earliest_match(db, 2, hashvalues, buckets, text) == 1
    # Every bucket but six known crowded: the copy shares six buckets read, one fewer than it
    # must share (MIN_SHARED_BANDS, lowered by one for each bucket left out), and is still found.
    db.conn.executemany("INSERT INTO article_lsh_crowded (band, bucket) VALUES (?, ?)", buckets[6:])
    assert near._earliest_match(db, 2, hashvalues, buckets, text) == 1
    # Every bucket known crowded: none is read, and no candidate is left.
    db.conn.executemany("INSERT INTO article_lsh_crowded (band, bucket) VALUES (?, ?)", buckets[:6])
    assert near._earliest_match(db, 2, hashvalues, buckets, text) is None


def test_earliest_match_without_candidates_is_none(db: sqlite_utils.Database) -> None:
    hashvalues = near.signature(random_text(random.Random(3), 100))
    assert near._earliest_match(db, 1, hashvalues, near._buckets(hashvalues), "t") is None


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
    assert near._earliest_match(db, 3, new, near._buckets(new), "t") == (2 if linked else None)


# --- staged buckets ------------------------------------------------------------------------


def lsh_rows(db: sqlite_utils.Database, table: str) -> list[tuple[int, int, int]]:
    return [tuple(row) for row in db.execute(f"SELECT band, bucket, article_id FROM {table} ORDER BY 3, 1, 2")]


def test_buckets_are_staged_then_drained_one_band_at_a_time(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every stored bucket is in exactly one of the two tables; each drain moves the next band's
    staged rows, and replacing a signature removes its old buckets from both."""
    monkeypatch.setattr(near, "DRAIN_EVERY", 2)
    rng = np.random.default_rng(9)
    signatures = {}
    for number in range(1, 8):
        db.execute(
            "INSERT INTO articles (id, url, site, title, text, content_hash, first_seen, last_seen)"
            " VALUES (?, ?, 'x', 't', 't', ?, 'd', 'd')",
            [number, f"https://x.vn/{number}", str(number)],
        )
        signatures[number] = rng.integers(0, 2**32, near.NUM_PERM, dtype=np.uint64).astype(near.SIGNATURE_DTYPE)
        near.store_signature(db, number, signatures[number])

    def expected() -> list[tuple[int, int, int]]:
        rows = [(band, bucket, n) for n, values in signatures.items() for band, bucket in near._buckets(values)]
        return sorted(rows, key=lambda row: (row[2], row[0], row[1]))

    drained, staged = lsh_rows(db, "article_lsh"), lsh_rows(db, "article_lsh_recent")
    # 7 signatures, a drain after the 2nd, 4th and 6th: bands 0, 1 and 2 of the first 2, 4 and 6.
    assert {(row[0], row[2]) for row in drained} == {(0, 1), (0, 2), (1, 1), (1, 2), (1, 3), (1, 4)} | {
        (2, n) for n in range(1, 7)
    }
    assert sorted(drained + staged, key=lambda row: (row[2], row[0], row[1])) == expected()
    assert db.execute("SELECT stored, next_band FROM article_lsh_stage").fetchone() == (1, 3)

    # A new signature for article 2 (a new version): its old buckets leave both tables.
    signatures[2] = rng.integers(0, 2**32, near.NUM_PERM, dtype=np.uint64).astype(near.SIGNATURE_DTYPE)
    near.store_signature(db, 2, signatures[2])
    both = lsh_rows(db, "article_lsh") + lsh_rows(db, "article_lsh_recent")
    assert sorted(both, key=lambda row: (row[2], row[0], row[1])) == expected()
    # A signature is found as a candidate whichever table its bands are in.
    for number, values in signatures.items():
        assert near._earliest_match(db, 100, values, near._buckets(values), "t") == number

    for band in range(near.BANDS):
        near.drain_band(db, band)
    assert lsh_rows(db, "article_lsh_recent") == []
    assert lsh_rows(db, "article_lsh") == expected()
    for number, values in signatures.items():
        assert near._earliest_match(db, 100, values, near._buckets(values), "t") == number


def test_buckets_left_without_their_signature_do_not_fail_a_save(db: sqlite_utils.Database) -> None:
    """A signature row deleted by hand leaves its buckets behind: a new signature for the same
    article, sharing them, is stored anyway and found."""
    rng = np.random.default_rng(12)
    db.execute(
        "INSERT INTO articles (id, url, site, title, text, content_hash, first_seen, last_seen)"
        " VALUES (1, 'https://x.vn/1', 'x', 't', 't', '1', 'd', 'd')"
    )
    values = rng.integers(0, 2**32, near.NUM_PERM, dtype=np.uint64).astype(near.SIGNATURE_DTYPE)
    near.store_signature(db, 1, values)
    db.execute("DELETE FROM article_minhash WHERE article_id = 1")
    near.store_signature(db, 1, values)
    assert near._earliest_match(db, 2, values, near._buckets(values), "t") == 1


def test_a_sketch_rules_out_only_candidates_below_the_threshold(db: sqlite_utils.Database) -> None:
    """A candidate's sketch (the low bits of its values) shows at least as many equal values as its
    signature: every candidate within THRESHOLD passes it, whatever its other values' low bits; one
    far below is ruled out without its signature being read."""
    rng = np.random.default_rng(12)
    new = rng.integers(0, 2**32, near.NUM_PERM, dtype=np.uint64).astype(near.SIGNATURE_DTYPE)
    minimum = near._MIN_EQUAL
    expected_out = set()
    for number in range(1, 201):
        old = new.copy()
        unequal = rng.choice(near.NUM_PERM, size=int(rng.integers(0, near.NUM_PERM + 1)), replace=False)
        # Half the pairs differ above the sketch's bits only (their low bits equal), the rest anywhere.
        change = np.uint32(4 << int(rng.integers(0, 20))) if number % 2 else None
        for index in unequal:
            old[index] = old[index] ^ change if change is not None else rng.integers(0, 2**32, dtype=np.uint64)
        equal = int((old == new).sum())
        sketch_equal = int(near.sketch_equal([near.sketch(old)], near.sketch(new))[0])
        assert sketch_equal == int(((old & 3) == (new & 3)).sum())
        assert sketch_equal >= equal
        if sketch_equal < minimum:
            expected_out.add(number)
        db.execute("INSERT INTO articles (id, url, site, title, text, content_hash, first_seen, last_seen)"
                   " VALUES (?, ?, 'x', 't', 't', ?, 'd', 'd')", [number, f"https://x.vn/{number}", str(number)])
        near.store_signature(db, number, old)
    ruled_out = near._sketched_out(db, list(range(1, 201)), new)
    assert ruled_out == expected_out
    assert not any(near.similarity(new, near._from_stored(db.execute(
        "SELECT signature FROM article_minhash WHERE article_id = ?", [number]).fetchone()[0])) >= near.THRESHOLD
        for number in ruled_out)
    # Both kinds occur: candidates ruled out, and candidates passed on to their signatures.
    assert 20 < len(ruled_out) < 180
