"""Diacritic folding: "Đảng ủy tỉnh Nghệ An" -> "dang uy tinh nghe an", one character for one.

Shared by extraction (comparing a heading with a site name or a title, whatever the marks) and
the archive's search (the folded copy that full-text search indexes, so that "dang uy" finds
"Đảng ủy"; SQLite's FTS5 `remove_diacritics` never folds "đ", a letter of its own). Pure Python
without the extraction stack: with the record type, the only crawler module the archive imports.

`fold()` keeps one output character per NFC input character, so an offset in the folded
string is the same offset in the NFC original: search finds a match in the folded text and cuts
the snippet from the original, diacritics intact.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from typing import Any

# "đ" and "Đ" have no canonical decomposition, so NFD cannot strip them.
_LETTER_BASE = {"đ": "d", "Đ": "d"}

# Control characters are not text: they fold to spaces. Search marks its matches with two of them
# (archive/query/search.py), so a marker it finds in the folded index is always its own.
_CONTROL = frozenset(chr(code) for code in range(0x20) if chr(code) not in "\t\n\r")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One NFC character -> exactly one character: its base letter, lower-cased."""
    if char in _LETTER_BASE:
        return _LETTER_BASE[char]
    if char in _CONTROL:
        return " "
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
    text in C instead of one Python call per character."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_TABLE = _FoldTable()

# From this many characters a text is folded through an array instead (_fold_array): one numpy
# lookup for all characters, where str.translate() looks each one up in the dict. An article's
# text (thousands of characters) is folded for the index and the signature on every save.
_ARRAY_FROM = 256
_UNKNOWN = 0xFFFFFFFF
# Code points folded when the array is made: Latin (Vietnamese included), combining marks,
# punctuation. Any other is folded when first met.
_ARRAY_RANGES = ((0x0000, 0x0250), (0x0300, 0x0370), (0x1E00, 0x1F00), (0x2000, 0x2070))


@cache
def _array() -> Any:
    """Code point (U+0000-U+FFFF) -> folded code point, _UNKNOWN until first met: 256 KB."""
    import numpy as np

    array = np.full(0x10000, _UNKNOWN, dtype=np.uint32)
    for low, high in _ARRAY_RANGES:
        array[low:high] = [ord(_fold_char(chr(code))) for code in range(low, high)]
    return array


def _fold_array(text: str) -> str | None:
    """fold() of an NFC text by array lookups; None when it holds a character outside the Basic
    Multilingual Plane (or a lone surrogate), which only the dict folds."""
    import numpy as np

    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:
        return None
    if codes.max() > 0xFFFF:
        return None
    array = _array()
    folded = array[codes]
    unknown = folded == _UNKNOWN
    if unknown.any():
        for code in np.unique(codes[unknown]).tolist():
            array[code] = ord(_fold_char(chr(code)))
        folded = array[codes]
    return folded.tobytes().decode("utf-32-le")


def fold(text: str) -> str:
    """NFC-normalise, strip diacritics (đ -> d too) and lower-case, keeping the length.

    >>> fold("Đảng ủy tỉnh Nghệ An")
    'dang uy tinh nghe an'
    """
    if len(text) < _ARRAY_FROM:
        # A page's rules fold the same short texts again and again (its site's names, "Trang
        # chủ" of every breadcrumb and menu link, the heading against each declared title):
        # fixtures/nghean's 16 articles, 609 folds of 46 texts. (An XPath's "smart" string
        # holds its page: the plain text is remembered.)
        return _remembered(text if type(text) is str else str(text))
    return _fold(text)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    if len(text) >= _ARRAY_FROM:
        folded = _fold_array(text)
        if folded is not None:
            return folded
    return text.translate(_TABLE)


_remembered = lru_cache(maxsize=1024)(_fold)
