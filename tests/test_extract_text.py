"""Text normalisation and page decoding: the shortcuts taken for speed give the same results."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from crawler.extract.page import parse
from crawler.extract.record import Page, normalized_for_hash
from crawler.extract.text import clean

_REFERENCE_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def test_clean_collapses_exactly_the_characters_a_whitespace_regex_matches() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
            continue  # removed outright (next test)
        text = f"a{char}{char}b"
        expected = _REFERENCE_SPACES.sub(" ", text).strip()
        if 0xD800 <= code <= 0xDFFF:
            continue  # lone surrogates never come out of a decoder
        assert clean(text) == unicodedata.normalize("NFC", expected), hex(code)


def test_clean_removes_zero_width_characters_and_normalises() -> None:
    assert clean(" Quang\u200b Minh\u00a0\u00a0\u2003") == "Quang Minh"
    assert clean("So\u00adft\ufeff") == "Soft"
    decomposed = unicodedata.normalize("NFD", "Đảng ủy  xã")
    assert clean(decomposed) == "Đảng ủy xã"


def test_hash_normalisation_collapses_and_folds() -> None:
    assert normalized_for_hash(" Đảng\u00a0ủy \n\n XÃ ") == "đảng ủy xã"
    assert normalized_for_hash(unicodedata.normalize("NFD", "Đảng ủy")) == "đảng ủy"


def _page(html: str | bytes, content_type: str = "text/html; charset=utf-8") -> Page:
    body = html.encode("utf-8") if isinstance(html, str) else html
    return Page("https://example.vn/a", body, {"Content-Type": content_type})


def _paragraph(page: Page) -> str:
    return parse(page).findtext(".//p")


def test_decomposed_utf8_page_is_parsed_as_nfc() -> None:
    html = unicodedata.normalize("NFD", "<html><body><p>Tác giả: Đảng ủy</p></body></html>")
    assert _paragraph(_page(html)) == "Tác giả: Đảng ủy"


def test_utf8_label_on_windows_1258_bytes_is_corrected_by_the_meta() -> None:
    # windows-1258 has "ê" and a combining dot below, not "ệ"
    html = '<html><head><meta charset="windows-1258"></head><body><p>Nghê\u0323 An</p></body></html>'
    body = html.encode("cp1258")
    assert _paragraph(_page(body)) == "Nghệ An"


def test_bytes_that_are_not_the_labelled_utf8_are_decoded_with_replacement() -> None:
    body = "<html><body><p>Nghệ An</p></body></html>".encode().replace(b"An", b"A\xff")
    assert _paragraph(_page(body)) == "Nghệ A\ufffd"


def test_unlabelled_bytes_that_are_not_utf8_are_read_as_windows_1258() -> None:
    body = "<html><body><p>Nghê\u0323 An</p></body></html>".encode("cp1258")
    assert _paragraph(_page(body, "text/html")) == "Nghệ An"


def test_a_page_of_whitespace_is_empty() -> None:
    with pytest.raises(ValueError, match="empty page"):
        parse(_page(" \r\n\t "))
