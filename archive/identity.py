"""Is a page fetched for an archived article a new version of it, or another page altogether?

Data flow: save_article() (archive/store.py) asks not_this_article() before it adds a version to an
article found by the URL it fetched, and refuses the page when it answers: nothing is archived
from it, the raw page is kept for audit (raw_pages.refused, an article_events row), and the crawl
counts it (ErrorKind.NOT_THIS_ARTICLE).

Where the line is (the README says the same):
- The portal's own id decides first: a page whose id (from its canonical URL, "34900" in
  .../1-2-34900) is not the article's is another article, whatever it says.
- Otherwise an edit keeps the headline or the text. A page is a version when its title is the
  archived headline (TITLE_SIMILAR of its words in order, folded, and no place, person, date or
  figure of one that the other lacks: "Hội nghị báo cáo viên tháng 11/2026" is not "... tháng
  12/2026"), or, under another title, when its text is mostly the archived text (TEXT_OVERLAP of
  the shorter text's word 3-shingles found in the other), not far shorter (at least SHORTER_LIMIT of
  its length), and reports the same specifics (archive/near.py, differ_in_specifics). So a
  corrected headline, a rewritten text under the same headline, a paragraph added or cut, are
  versions; another title over another text, over a stub ("Bài viết đang được cập nhật"), or over
  another district's report written on the same template, is not this article.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from archive.near import differ_in_specifics
from crawler.extract.fold import fold

# Share of the titles' folded words that match in order (difflib's ratio) from which two titles
# are the same headline: "Hội nghị BCH Đảng bộ tỉnh lần thứ 8" / "Hội nghị Ban Chấp hành Đảng bộ
# tỉnh lần thứ 8 xem xét nhiều nội dung quan trọng" scores 0.59; two headlines of the saved
# portal's 16 articles at most 0.42 ("Hội nghị báo cáo viên Tỉnh ủy tháng 11/2026" / "UBND tỉnh họp
# phiên thường kỳ tháng 11/2026"), most under 0.2.
TITLE_SIMILAR = 0.5
# Share of the shorter text's word 3-shingles found in the other text from which a text under
# another title is still the archived one: an edited article keeps most of its sentences, two
# articles of one portal share a few set phrases (at most 0.16 between the saved portal's articles).
TEXT_OVERLAP = 0.5
# Under another title, a text shorter than this share of the archived one is a stub or a fragment,
# not the article.
SHORTER_LIMIT = 0.25
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Archived:
    """What the archive holds of the article: its latest title and text, and the portal's id."""

    title: str
    text: str
    site_article_id: str | None


def title_similarity(first: str, second: str) -> float:
    """Share of the two titles' folded words that match in order (0 to 1)."""
    a, b = _WORD.findall(fold(first)), _WORD.findall(fold(second))
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio()


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(fold(text))
    if len(words) < 3:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def text_overlap(first: str, second: str) -> float:
    """Share of the shorter text's word 3-shingles that the other text has too (0 to 1)."""
    a, b = _shingles(first), _shingles(second)
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def not_this_article(archived: Archived, title: str, text: str, site_article_id: str | None) -> str | None:
    """Why a page with this title, text and portal id is not a version of the archived article
    (one line), or None when it is one."""
    if site_article_id and archived.site_article_id and site_article_id != archived.site_article_id:
        return f"another article of the portal (id {site_article_id}, not {archived.site_article_id})"
    if title_similarity(archived.title, title) >= TITLE_SIMILAR and not differ_in_specifics(archived.title, title):
        return None
    overlap = text_overlap(archived.text, text)
    ratio = len(text) / len(archived.text) if archived.text else 1.0
    if ratio < SHORTER_LIMIT:
        return f"another title ({title[:80]!r}) over a text {ratio:.0%} as long"
    if overlap < TEXT_OVERLAP:
        return f"another title ({title[:80]!r}) over another text ({overlap:.0%} of it shared)"
    if differ_in_specifics(archived.text, text):
        return f"another title ({title[:80]!r}) over a text that reports other names, places, dates or figures"
    return None
