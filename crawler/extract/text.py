"""Text normalisation shared by every field: NFC, no-break and zero-width spaces, whitespace."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# U+200B..U+200D zero-width space/joiners, U+2060 word joiner, U+FEFF BOM/zero-width no-break space:
# they arrive in titles and bylines pasted from office software ("Quang\u200b Minh").
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH_CHARS}]")


def _has_zero_width(text: str) -> bool:
    # One regex scan for a short text (most calls); six substring scans (memchr-fast) for a long one.
    if len(text) < 256:
        return _ZERO_WIDTH.search(text) is not None
    return any(char in text for char in _ZERO_WIDTH_CHARS)


def _is_spaced(text: str) -> bool:
    """Is every space of the text already one plain space between two words? str.isprintable()
    is false for every other whitespace character (no-break, tabs, newlines, thin spaces: Unicode
    categories Z and Cc) and for the zero-width ones (Cf), in one pass."""
    return text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " "


def clean(text: str | None) -> str:
    """NFC, zero-width characters removed, every run of spaces (no-break included) -> one space."""
    if not text:
        return ""
    if type(text) is not str:  # an XPath's "smart" string holds its element, and the page with it
        text = str(text)
    # A page's rules clean the same lines again and again (a paragraph's text, read by the body,
    # the byline, the caption and the lead rules: half of the calls); they are remembered, up to
    # paragraph length (a region's whole text is cleaned once).
    if len(text) <= _REMEMBERED_LENGTH:
        return _remembered(text)
    return _clean(text)


def _clean(text: str) -> str:
    # Most texts a page's rules clean are cleaned already (a line read again by the next rule):
    # they are returned as they are, without splitting them into words and joining them again.
    if _is_spaced(text) and (text.isascii() or unicodedata.is_normalized("NFC", text)):
        return text
    if not text.isascii():  # ASCII is NFC, and holds no zero-width character
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if _has_zero_width(text):
            text = _ZERO_WIDTH.sub("", text)
    # str.split() splits on exactly the characters regex \s matches (Unicode White_Space: no-break,
    # en/em/thin and ideographic spaces included), three times faster than a substitution.
    return " ".join(text.split())


_REMEMBERED_LENGTH = 2000
_remembered = lru_cache(maxsize=512)(_clean)


_SHOWN_CHARACTER = re.compile(f"[^\\s{_ZERO_WIDTH_CHARS}]")


def has_text(text: str | None) -> bool:
    """Is there anything left of the text once cleaned (clean(text) != "")? Read up to its first
    character that is neither a space nor a zero-width one, not cleaned whole: a box around an
    article's picture, asked whether it holds text, may hold the whole article."""
    return text is not None and _SHOWN_CHARACTER.search(text) is not None


def letters(text: str) -> int:
    """Characters besides spaces: what a text weighs however it is indented."""
    if text.isprintable():  # no whitespace but plain spaces (_is_spaced): counted without a list of words
        return len(text) - text.count(" ")
    return sum(map(len, text.split()))


def is_shouting(text: str) -> bool:
    """More than three letters, all capitals: "QUANG MINH". Stops at the first small letter (a
    paragraph's second one, nearly always)."""
    count = 0
    for char in text:
        if char.isalpha():
            if not char.isupper():
                return False
            count += 1
    return count > 3


def title_case_name(text: str) -> str:
    """'QUANG MINH' -> 'Quang Minh' (bylines are sometimes typed in capitals)."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in text.split(" "))
