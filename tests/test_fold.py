"""fold() folds a long text through an array and a short one through str.translate(): both ways give
the same characters, one for one, whatever the text holds."""

from __future__ import annotations

import random
import unicodedata

import pytest

from crawler.extract.fold import _ARRAY_FROM, _TABLE, _fold_array, fold
from tests.fixtures import gold_records, load_gold

# Vietnamese, both spellings of it, the letters NFD cannot strip, search's highlight markers,
# scripts whose characters fold to themselves or to several letters, and outside the BMP.
SAMPLES = [
    "Đảng ủy tỉnh Nghệ An họp phiên thường kỳ, giai đoạn 2023 - 2025.",
    unicodedata.normalize("NFD", "Ban Thường vụ Tỉnh ủy Nghệ An"),
    "\x02Đảng\x03 \u00a0\u200b İstanbul ß Ǆ ﬁ 한국어 中文 Ελληνικά Кириллица \u0301 ǅ",
    "emoji 🇻🇳 📰 and a lone surrogate \ud800 inside",
]
RANGES = [(0x20, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0x370, 0x530), (0xAC00, 0xAC40), (0x4E00, 0x4E40),
          (0x2000, 0x2070), (0xFB00, 0xFB10), (0x1F300, 0x1F320)]


def by_dict(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_TABLE)


def generated(seed: int, length: int) -> str:
    rng = random.Random(seed)
    return "".join(chr(rng.randrange(*rng.choice(RANGES))) for _ in range(length))


@pytest.mark.parametrize("text", SAMPLES + [generated(seed, 2000) for seed in range(20)])
def test_the_array_folds_as_the_dict_does(text: str) -> None:
    long = text * (_ARRAY_FROM // len(text) + 1)
    assert len(long) >= _ARRAY_FROM
    expected = by_dict(long)
    assert fold(long) == expected
    assert len(expected) == len(unicodedata.normalize("NFC", long))
    nfc = unicodedata.normalize("NFC", long)
    if all(ord(char) <= 0xFFFF and not 0xD800 <= ord(char) <= 0xDFFF for char in nfc):
        assert _fold_array(nfc) == expected  # taken the array's way, not handed back to the dict
    else:
        assert _fold_array(nfc) is None


def test_every_archived_fixture_text_folds_the_same_both_ways() -> None:
    texts = [load_gold(path)["text"] for _, path in gold_records()]
    assert len(texts) >= 10
    for text in texts:
        assert len(text) >= _ARRAY_FROM
        assert _fold_array(unicodedata.normalize("NFC", text)) == by_dict(text)
    assert fold("Đảng ủy tỉnh Nghệ An") == "dang uy tinh nghe an"


def test_a_short_text_folds_the_same_each_time_and_as_a_plain_string() -> None:
    import lxml.html

    for text in [*SAMPLES, "Trang chủ", ""]:
        short = text[: _ARRAY_FROM - 1]
        assert fold(short) == fold(short) == by_dict(short)
    smart = lxml.html.fromstring("<p>Trang Chủ</p>").xpath("string()")
    assert type(smart) is not str and type(fold(smart)) is str and fold(smart) == "trang chu"
