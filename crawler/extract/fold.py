"""Diacritic folding: "Đảng ủy tỉnh Nghệ An" -> "dang uy tinh nghe an", one character for one.

Shared by extraction (comparing a heading with a site name or a title, whatever the marks) and
the archive's search (archive/fold.py: the folded copy that full-text search indexes, so that
"dang uy" finds "Đảng ủy"). Pure Python: the archive imports it without the extraction stack.

`fold()` keeps one output character per NFC input character, so an offset in the folded
string is the same offset in the NFC original: search finds a match in the folded text and cuts
the snippet from the original, diacritics intact.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# "đ" and "Đ" have no canonical decomposition, so NFD cannot strip them.
_LETTER_BASE = {"đ": "d", "Đ": "d"}

# search.py wraps matches in these two control characters (via FTS5 highlight())
# and locates them by position; article text never legitimately contains them,
# but folding them to spaces guarantees a marker found in the index is a marker.
HIGHLIGHT_OPEN = "\x02"
HIGHLIGHT_CLOSE = "\x03"
_RESERVED = {HIGHLIGHT_OPEN: " ", HIGHLIGHT_CLOSE: " "}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One NFC character -> exactly one character: its base letter, lower-cased."""
    if char in _LETTER_BASE:
        return _LETTER_BASE[char]
    if char in _RESERVED:
        return _RESERVED[char]
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    # A Hangul syllable decomposes into several letters, a lone combining mark into
    # none: keeping the character itself is the only way to keep offsets aligned.
    if len(base) != 1:
        base = char
    lowered = base.lower()
    # "İ".lower() is two characters ("i" + combining dot); keep the offsets instead.
    return lowered if len(lowered) == 1 else base


class _FoldTable(dict[int, str]):
    """Code point -> folded character, filled on first sight: str.translate() folds a whole
    article in C instead of one Python call per character (a 3,000-character text: 1 ms -> 0.05 ms)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """NFC-normalise, strip diacritics (đ -> d too) and lower-case, keeping the length.

    >>> fold("Đảng ủy tỉnh Nghệ An")
    'dang uy tinh nghe an'
    """
    return unicodedata.normalize("NFC", text).translate(_TABLE)
