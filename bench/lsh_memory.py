"""archive/near.py's LSH buckets held in memory, for bench/fill.py: a new article's re-post lookup
reads its 32 buckets' members here instead of from article_lsh and article_lsh_recent, which the
fill writes all the same (store_signature), and the rest of the lookup (sketches, signatures,
texts) is near.match_among's, on the archive.

It reads exactly what near.shared_buckets() reads from the tables, article_lsh_crowded's rule
included (tests/test_bench_fill.py makes every lookup of its bulk fills on the tables too):
- the buckets in two levels of numpy arrays sorted by (band, bucket) (`Level`), the large one and
  a middle one, and the buckets stored since the last merge in a dict a band (bucket -> ids),
  merged into the middle every MERGE_EVERY signatures, the middle into the large level every
  MIDDLE_EVERY; a lookup is two binary searches of the 32 buckets at once in each level;
- the buckets known crowded as a set, loaded from article_lsh_crowded and grown by the lookups
  exactly as near.py's lookup grows the table (with the same call, which writes the same rows). A
  known crowded bucket is never read again, so its members are not kept: those in the dicts are
  dropped when it is found crowded, those in the arrays at the next merge into the large level,
  and later members are not added;
- a record bench/fill.py hands to save_article() (a later version, or a false alarm of its sets)
  may replace an article's signature and, by its own lookup on the tables, note crowded buckets:
  replaced() reads both back from the archive. The article's old members are not searched for:
  until the next merge into the large level a member of such an article counts only where its
  current signature puts it (`current`).

Memory: 13 bytes a band an article in the arrays (416 bytes an article, less the members of
crowded buckets), the dicts (about 130 bytes an entry, at most 32 * MERGE_EVERY entries), and a
merge's copy of a level while it is made.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

import archive.near as near

BANDS = near.BANDS
# Signatures stored between two merges of the dicts into the middle level, and between two merges
# of the middle level into the large one (which copies the large level: 13 bytes a band an article).
MERGE_EVERY = 2048
MIDDLE_EVERY = 65536

# A level's key: the band in the top 5 bits, the bucket's (as unsigned) top 59 bits below; its low
# 5 bits in `low`. Sorted by key, the 32 buckets of a signature are found by one search each way.
_BAND_SHIFT = np.uint64(64 - 5)
_LOW_BITS = np.uint64(5)
_BAND_KEYS = np.arange(BANDS, dtype=np.uint64) << _BAND_SHIFT
_GONE = ()  # an article whose current signature stores no buckets (a text too short)


def _keyed(bands: np.ndarray, buckets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    unsigned = buckets.astype(np.int64, copy=False).view(np.uint64)
    return ((bands.astype(np.uint64) << _BAND_SHIFT) | (unsigned >> _LOW_BITS),
            (unsigned & np.uint64(31)).astype(np.uint8))


def _bucket_of(key: int, low: int) -> int:
    """The signed bucket a level's (key, low) stands for."""
    unsigned = ((key & ((1 << 59) - 1)) << 5) | low
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


@dataclass
class Level:
    keys: np.ndarray
    low: np.ndarray
    ids: np.ndarray

    @classmethod
    def empty(cls) -> Level:
        return cls(np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint8), np.empty(0, dtype=np.uint32))

    @classmethod
    def of(cls, bands: list[int], buckets: list[int], ids: list[int]) -> Level:
        keys, low = _keyed(np.array(bands, dtype=np.int64), np.array(buckets, dtype=np.int64))
        order = np.argsort(keys, kind="stable")
        return cls(keys[order], low[order], np.array(ids, dtype=np.uint32)[order])

    def __len__(self) -> int:
        return len(self.keys)

    def found(self, keys: np.ndarray, low: np.ndarray, into: list[list[int]]) -> None:
        """Add the members of each band's bucket (keys and low as _keyed() makes them) to into[band]."""
        if not len(self.keys):
            return
        starts = self.keys.searchsorted(keys)
        ends = self.keys.searchsorted(keys, "right")
        for band in np.flatnonzero(ends > starts).tolist():
            start, end = int(starts[band]), int(ends[band])
            ids = self.ids[start:end]
            if end - start > 1 or self.low[start] != low[band]:
                ids = ids[self.low[start:end] == low[band]]
            into[band].extend(ids.tolist())

    def kept(self, keep: np.ndarray | None) -> Level:
        return self if keep is None or keep.all() else Level(self.keys[keep], self.low[keep], self.ids[keep])

    def merged(self, other: Level) -> Level:
        if not len(other):
            return self
        at = self.keys.searchsorted(other.keys)
        return Level(np.insert(self.keys, at, other.keys), np.insert(self.low, at, other.low),
                     np.insert(self.ids, at, other.ids))

    @property
    def nbytes(self) -> int:
        return int(self.keys.nbytes + self.low.nbytes + self.ids.nbytes)


class MemoryLSH:
    def __init__(self) -> None:
        self.large = Level.empty()
        self.middle = Level.empty()
        self.recent: list[dict[int, list[int]]] = [{} for _ in range(BANDS)]
        self.crowded: set[tuple[int, int]] = set()
        self.crowded_since_merge: list[tuple[int, int]] = []  # members still in the arrays
        # Articles whose signature was replaced since the last merge into the large level: their
        # buckets now, by band.
        self.current: dict[int, tuple[int, ...]] = {}
        self.stored = 0  # signatures stored since the last merge into the middle level
        self.merges = 0  # into the middle level
        self.large_merges = 0

    @classmethod
    def load(cls, db: Any) -> MemoryLSH:
        """The buckets an archive holds (a fill carried on from a copy)."""
        index = cls()
        index.crowded = {(int(band), int(bucket)) for band, bucket in
                         db.conn.execute("SELECT band, bucket FROM article_lsh_crowded")}
        rows = [row for table in ("article_lsh", "article_lsh_recent")
                for row in db.conn.execute(f"SELECT band, bucket, article_id FROM {table}")
                if (row[0], row[1]) not in index.crowded]
        if rows:
            index.large = Level.of(*(list(column) for column in zip(*rows, strict=True)))
        return index

    # --- the lookup --------------------------------------------------------------------------------

    def _stored(self, buckets: list[tuple[int, int]]) -> list[list[int]]:
        """The articles held for each band's bucket, stale members of replaced signatures included."""
        found: list[list[int]] = [[] for _ in range(BANDS)]
        keys, low = _keyed(np.arange(BANDS), np.array([bucket for _, bucket in buckets], dtype=np.int64))
        self.large.found(keys, low, found)
        self.middle.found(keys, low, found)
        for band, bucket in buckets:
            recent = self.recent[band].get(bucket)
            if recent:
                found[band].extend(recent)
        return found

    def members(self, buckets: list[tuple[int, int]]) -> list[list[int]]:
        """The articles in each band's bucket, as the tables hold them (a bucket known crowded:
        whichever of them are kept)."""
        found = self._stored(buckets)
        if self.current:
            current = self.current
            for band, bucket in buckets:
                if found[band]:
                    found[band] = [member for member in found[band] if member not in current or
                                   (current[member] is not _GONE and current[member][band] == bucket)]
        return found

    def shared_buckets(self, buckets: list[tuple[int, int]]) -> tuple[dict[int, int], int, list[tuple[int, int]]]:
        """near.shared_buckets() for an article newer than every stored one."""
        assert [band for band, _ in buckets] == list(range(BANDS))
        limit = near.CROWDED_BUCKET
        shared: dict[int, int] = {}
        crowded = 0
        newly_crowded = []
        found = self.members(buckets)
        for band, bucket in buckets:
            if (band, bucket) in self.crowded:
                crowded += 1
                continue
            ids = found[band]
            if len(ids) > limit:
                crowded += 1
                newly_crowded.append((band, bucket))
                continue
            for member in set(ids):
                shared[member] = shared.get(member, 0) + 1
        return shared, crowded, newly_crowded

    def original_of(self, db: Any, text: str, hashvalues: np.ndarray | None) -> int | None:
        """near.original_of() for a new article (newer than every stored one), the members read here."""
        if hashvalues is None:
            return None
        shared, crowded, newly_crowded = self.shared_buckets(near._buckets(hashvalues))
        if newly_crowded:
            near._remember_crowded(db, newly_crowded)  # the rows the lookup on the tables writes
            self._now_crowded(newly_crowded)
        return near.match_among(db, shared, crowded, hashvalues, text)

    def _now_crowded(self, buckets: list[tuple[int, int]]) -> None:
        for band, bucket in buckets:
            if (band, bucket) not in self.crowded:
                self.crowded.add((band, bucket))
                self.crowded_since_merge.append((band, bucket))
                self.recent[band].pop(bucket, None)

    # --- what is stored -----------------------------------------------------------------------------

    def add(self, article_id: int, hashvalues: np.ndarray | None) -> None:
        """A new article's signature, stored after its lookup (store_signature)."""
        if hashvalues is None:
            return
        for band, bucket in near._buckets(hashvalues):
            if (band, bucket) not in self.crowded:  # never read again
                self.recent[band].setdefault(bucket, []).append(article_id)
        self._stored_one()

    def replaced(self, db: Any, article_id: int) -> None:
        """save_article() saved `article_id` (new or a later version): its signature as stored now,
        and the buckets its lookup found crowded, read back from the archive."""
        row = db.conn.execute("SELECT signature FROM article_minhash WHERE article_id = ?", [article_id]).fetchone()
        buckets = near._buckets(near._from_stored(row[0])) if row is not None else []
        held: list[list[int]] = []
        if buckets:
            self._now_crowded(sorted(near._known_crowded(db, buckets)))
            # A member held already (of its signature before, or of one before that since the last
            # merge into the large level) is not held twice: with `current` it counts again.
            held = self._stored(buckets)
        self.current[article_id] = tuple(bucket for _, bucket in buckets) if buckets else _GONE
        for band, bucket in buckets:
            if article_id not in held[band] and (band, bucket) not in self.crowded:
                self.recent[band].setdefault(bucket, []).append(article_id)
        self._stored_one()

    def _stored_one(self) -> None:
        self.stored += 1
        if self.stored >= MERGE_EVERY:
            self.merge()

    def _valid(self, band: int, bucket: int, member: int) -> bool:
        now = self.current.get(member)
        return now is None or (now is not _GONE and now[band] == bucket)

    def merge(self) -> None:
        """The dicts into the middle level; every MIDDLE_EVERY signatures the middle into the large
        level, the members of buckets found crowded and the stale members of replaced signatures
        dropped from both."""
        entries = [(band, bucket, member) for band, recent in enumerate(self.recent)
                   for bucket, members in recent.items() for member in members]
        if self.current:
            entries = [entry for entry in entries if self._valid(*entry)]
        if entries:
            self.middle = self.middle.merged(Level.of(*(list(column) for column in zip(*entries, strict=True))))
        for recent in self.recent:
            recent.clear()
        self.stored = 0
        self.merges += 1
        if self.merges % (MIDDLE_EVERY // MERGE_EVERY) == 0:
            self.large = self._pruned(self.large).merged(self._pruned(self.middle))
            self.middle = Level.empty()
            self.current.clear()
            self.crowded_since_merge.clear()
            self.large_merges += 1

    def _pruned(self, level: Level) -> Level:
        """`level` without the members of buckets found crowded since the last merge into the large
        level, nor the stale members of signatures replaced since."""
        if not len(level) or not (self.current or self.crowded_since_merge):
            return level
        keep = np.ones(len(level), dtype=bool)
        if self.crowded_since_merge:
            keys, low = _keyed(np.array([band for band, _ in self.crowded_since_merge]),
                               np.array([bucket for _, bucket in self.crowded_since_merge], dtype=np.int64))
            starts, ends = level.keys.searchsorted(keys), level.keys.searchsorted(keys, "right")
            for start, end, bits in zip(starts.tolist(), ends.tolist(), low.tolist(), strict=True):
                keep[start:end] &= level.low[start:end] != bits
        if self.current:
            replaced = np.zeros(max(self.current) + 1, dtype=bool)
            replaced[list(self.current)] = True
            positions = np.flatnonzero(level.ids < len(replaced))
            positions = positions[replaced[level.ids[positions]]]
            for position in positions.tolist():
                key = int(level.keys[position])
                band = key >> 59
                if not self._valid(band, _bucket_of(key, int(level.low[position])), int(level.ids[position])):
                    keep[position] = False
        return level.kept(keep)

    def nbytes(self) -> int:
        """What the index takes: the arrays, the dicts (their entries and lists, estimated), the sets."""
        entries = sum(len(recent) for recent in self.recent)
        return (self.large.nbytes + self.middle.nbytes + sum(sys.getsizeof(recent) for recent in self.recent)
                + entries * (32 + 64) + sys.getsizeof(self.crowded) + 100 * len(self.crowded)
                + sys.getsizeof(self.current) + 300 * len(self.current))


class TablesLSH:
    """The lookup bench/fill.py made before, on the tables (near.original_of), for comparisons."""

    merges = large_merges = 0

    def original_of(self, db: Any, text: str, hashvalues: np.ndarray | None) -> int | None:
        return near.original_of(db, text, hashvalues)

    def add(self, article_id: int, hashvalues: np.ndarray | None) -> None:
        pass

    def replaced(self, db: Any, article_id: int) -> None:
        pass

    def nbytes(self) -> int:
        return 0
