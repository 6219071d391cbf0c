"""Text normalisation and page decoding: the shortcuts taken for speed give the same results."""

from __future__ import annotations

import random
import re
import sys
import unicodedata

import pytest
from lxml import etree

from crawler.extract.page import nfc, parse
from crawler.extract.record import Page, normalized_for_hash
from crawler.extract.text import clean, has_text, letters

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


def _slow_clean(text: str) -> str:
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def test_a_text_clean_already_or_all_but_one_character_is_cleaned_as_any_other() -> None:
    # clean() returns a text with nothing to do as it is, and letters() counts it without splitting
    # it: one other whitespace, zero-width or decomposed character anywhere must be seen.
    for code in range(0x3100):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        for text in (f"Đảng{char}ủy xã", f"{char}Đảng ủy", f"Đảng ủy{char}", f"a{char}b", f"Đảng ủy {char}"):
            assert clean(text) == _slow_clean(text), hex(code)
            assert clean(text) == _slow_clean(text), hex(code)  # ...and remembered so
            assert letters(text) == sum(map(len, text.split())), hex(code)


def test_has_text_is_whether_anything_is_left_once_cleaned() -> None:
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        for text in (char, f" {char}\n", f"\u200b{char}\u00a0"):
            assert has_text(text) == bool(clean(text)), hex(code)
    assert not has_text(None) and not has_text("")


def test_clean_gives_plain_strings_not_an_xpath_s_that_holds_its_page() -> None:
    found = etree.fromstring("<p>Đảng ủy xã</p>").xpath("//text()")[0]
    assert type(found) is not str
    assert type(clean(found)) is str and clean(found) == "Đảng ủy xã"


def test_hash_normalisation_of_paragraphs_between_blank_lines_collapses_them() -> None:
    texts = ("Đảng ủy.\n\nXã An.", "Đảng ủy.\n\n\nXã", "Đảng ủy.\n\n Xã", "\n\nĐảng", "Đảng\n\n",
             "Đảng\u00a0ủy\n\nxã", "")
    for text in texts:
        assert normalized_for_hash(text) == " ".join(text.split()).casefold(), repr(text)


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


def test_a_legacy_page_normalised_line_by_line_is_normalised_as_a_whole() -> None:
    # marks at the start and the end of lines, after a break, after "<" (which composes with U+0338),
    # out of canonical order, Hangul jamo (which compose with each other), and lines of ASCII
    pick = random.Random(18)
    pieces = ["\n", "\r\n", "<", ">", "=", " ", "e", "a", "o", "u\u031b", "\u0301", "\u0300", "\u0303", "\u0309",
              "\u0323", "\u0338", "\u0302", "\u0306", "ê", "ơ", "Đ", "\u1100", "\u1161", "\u11a8", "\u0344",
              "\u212b", "<p>", "</p>\n", "Nghê\u0323 An", "x" * 30, "\u00a0", "\ufeff"]
    for _ in range(3000):
        text = "".join(pick.choice(pieces) for _ in range(pick.randint(0, 40)))
        assert nfc(text) == unicodedata.normalize("NFC", text), ascii(text)
    page = unicodedata.normalize("NFD", "<html>\n<body>\n<p>Tác giả: Đảng ủy</p>\n</body>\n</html>\n")
    assert nfc(page) == unicodedata.normalize("NFC", page)


def test_a_page_of_whitespace_is_empty() -> None:
    with pytest.raises(ValueError, match="empty page"):
        parse(_page(" \r\n\t "))
