"""Snippets: the window of words around the first match, wherever in the text and the word it starts."""

from __future__ import annotations

import pytest

from archive.query.search import match_spans, snippet

WORDS = " ".join(f"w{n}" for n in range(50))


@pytest.mark.parametrize(
    ("text", "spans", "words", "expected"),
    [
        # A match inside a word counts that word as the first; a no-break space separates words.
        ("Đảng ủy tỉnh\u00a0họp bàn", [(9, 12)], 3, "Đảng ủy t[ỉnh] …"),
        ("xyzĐảng ủy", [(3, 7)], 2, "xyz[Đảng] ủy"),
        # Near the end the window ends with the text and starts earlier.
        (WORDS, [(WORDS.index("w45"), WORDS.index("w45") + 3)], 30,
         "… " + " ".join(f"w{n}" for n in range(20, 45)) + " [w45] w46 w47 w48 w49"),
        (WORDS, [(WORDS.index("w20") + 1, WORDS.index("w20") + 3), (WORDS.index("w22"), WORDS.index("w22") + 3)], 30,
         "… w12 w13 w14 w15 w16 w17 w18 w19 w[20] w21 [w22] " + " ".join(f"w{n}" for n in range(23, 42)) + " …"),
        # A match after the last word: the last words.
        ("một hai ba   ", [(13, 13)], 2, "một hai …"),
    ],
)
def test_snippet_window(text: str, spans: list[tuple[int, int]], words: int, expected: str) -> None:
    assert snippet(text, spans, words) == expected


def test_match_spans_are_offsets_in_the_original() -> None:
    assert match_spans("\x02dang\x03 \x02uy\x03 tinh", "Đảng ủy tỉnh") == [(0, 4), (5, 7)]
    # Out of step with the original: no brackets rather than wrong ones.
    assert match_spans("\x02dang\x03", "Đảng ủy") == []


def test_the_snippet_shows_where_the_words_stand_together() -> None:
    from archive import open_archive, save_article, search
    from crawler.extract.record import Article

    db = open_archive(":memory:")
    filler = " ".join(f"từ{n}" for n in range(60))
    text = f"Đảng bộ tỉnh họp. {filler} Ban Thường vụ Đảng ủy xã làm việc. {filler} Ủy ban."
    save_article(db, Article(url="https://a.vn/1", site="a", title="Tin", text=text))
    [result] = search(db, "dang uy")
    # Not the first "Đảng" (alone, at the start): the two words together in the middle.
    assert "Ban Thường vụ [Đảng] [ủy] xã làm việc." in result["snippet"]
    assert result["snippet"].startswith("… ")
    db.close()
