"""What is known of a portal beyond the page at hand, handed to extraction with the page.

Extraction reads one page (crawler/extract/generic.py); what a portal's other pages say about it
(what it calls itself, what its titles end with, which lines it prints on every page) comes in as a
`PortalKnowledge` value. Whoever has seen the portal's pages makes one: `learn()` here from a
handful of saved pages, or a crawl from the templates it learned over the whole portal. Extraction
never reads the archive or the network to get it, and works without it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from crawler.extract.fold import fold
from crawler.extract.page import HtmlElement, head, parse
from crawler.extract.record import Page
from crawler.extract.text import clean


def line_key(text: str) -> str:
    """How lines are compared: NFC, spaces collapsed, case and diacritics folded
    ("THỨ BẢY, 21/11/2026" and "Thứ Bảy, 21/11/2026" are one line)."""
    return fold(clean(text))


@dataclass(frozen=True)
class PortalKnowledge:
    """What a portal's other pages tell about one of its pages. A plain value: picklable,
    comparable, made of strings only.

    - `names`: what the portal calls itself ("Cổng thông tin điện tử Tỉnh ủy Quảng Bình",
      "Ban Tuyên giáo Tỉnh ủy"): a title suffix or an author naming it is the site, not the article.
    - `title_suffixes`: what its pages' titles end with after a separator, on most of them
      ("Ban Tuyên giáo Tỉnh ủy" in "Hội nghị ... - Ban Tuyên giáo Tỉnh ủy"): dropped from a title
      even when it names no site the page itself declares.
    - `chrome_lines`: short lines shown on many of its pages (menu items, the header clock
      "Thứ Bảy, 21/11/2026", box titles, the footer): never the article's text, date, author or lead.
      Kept as `line_key()` of each line.
    """

    names: tuple[str, ...] = ()
    title_suffixes: tuple[str, ...] = ()
    chrome_lines: frozenset[str] = field(default_factory=frozenset)

    def is_chrome_line(self, text: str) -> bool:
        return bool(self.chrome_lines) and line_key(text) in self.chrome_lines

    def has_suffix(self, suffix: str) -> bool:
        folded = fold(clean(suffix)).strip(" .")
        return any(folded == fold(known).strip(" .") for known in self.title_suffixes)


NOTHING_KNOWN = PortalKnowledge()

# "... - Ban Tuyên giáo Tỉnh ủy", "... | Tỉnh ủy Quảng Bình": the part after the last separator.
_LAST_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|»)\s+(?!.*\s(?:\||-|–|—|::|»)\s)")
# A chrome line is short: a menu item, a box title, a clock. Article paragraphs shared by several
# pages (district reports written from one template) are long, and are text.
CHROME_LINE_MAX = 80
_LINE_ELEMENTS = ("p", "li", "a", "span", "div", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "b", "strong", "font")
_TITLE = etree.XPath("string(.//title)", smart_strings=False)


def _lines(tree: HtmlElement) -> set[str]:
    """The page's short lines: the text of each element that holds text of its own, once."""
    found: set[str] = set()
    for el in tree.iter(*_LINE_ELEMENTS):
        if not (el.text and el.text.strip()) and len(el) == 0:
            continue
        text = el.text_content()
        if len(text) > 4 * CHROME_LINE_MAX:
            continue
        line = clean(text)
        if 2 <= len(line) <= CHROME_LINE_MAX:
            found.add(line_key(line))
    return found


def learn(pages: Iterable[Page], share: float = 0.6, at_least: int = 3) -> PortalKnowledge:
    """What the pages of one portal have in common: the title suffix most of them carry and the
    short lines most of them show. A line or suffix counts when it is on `share` of the pages and
    on `at_least` pages. Pages that cannot be parsed are skipped."""
    suffixes: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    shown: dict[str, str] = {}
    count = 0
    for page in pages:
        try:
            tree = parse(page)
        except (ValueError, etree.ParserError):
            continue
        count += 1
        title = clean(_TITLE(head(tree)))
        match = _LAST_SEPARATOR.search(title)
        if match is not None:
            suffix = title[match.end():]
            suffixes[fold(suffix)] += 1
            shown.setdefault(fold(suffix), suffix)
        lines.update(_lines(tree))
    needed = max(at_least, share * count)
    return PortalKnowledge(
        title_suffixes=tuple(shown[key] for key, n in suffixes.most_common() if n >= needed),
        chrome_lines=frozenset(line for line, n in lines.items() if n >= needed),
    )
