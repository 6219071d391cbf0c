"""What is known of a portal beyond the page at hand, handed to extraction with the page.

Extraction reads one page (crawler/extract/generic.py); what a portal's other pages say about it
(what it calls itself, what its titles end with, which lines it prints on every page, where on its
pages the article sits) comes in as a `PortalKnowledge` value. Whoever has seen the portal's pages
makes one: `learn()` here from a handful of saved pages, crawler/extract/template.py's
`learn_template()` the same with the portal's learned template (`Template`), which a crawl keeps in
the archive (archive/templates.py). Extraction never reads the archive or the network to get it,
and works without it.
"""

from __future__ import annotations

import base64
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from lxml import etree

from crawler.extract.fold import fold
from crawler.extract.page import HtmlElement, head, parse, xpath
from crawler.extract.record import Page
from crawler.extract.text import clean


def line_key(text: str) -> str:
    """How lines are compared: NFC, spaces collapsed, case and diacritics folded
    ("THỨ BẢY, 21/11/2026" and "Thứ Bảy, 21/11/2026" are one line)."""
    return fold(clean(text))


@dataclass(frozen=True)
class Step:
    """One step of a path down a page: the child with this tag, these classes and this id (None:
    any), the `index`-th of the siblings that have them (negative: from the last; None: all of them)."""

    tag: str
    classes: tuple[str, ...] = ()
    ident: str | None = None
    index: int | None = 0

    def __str__(self) -> str:
        name = self.tag + "".join(f".{c}" for c in self.classes) + (f"#{self.ident}" if self.ident else "")
        return name + ("[*]" if self.index is None else f"[{self.index}]" if self.index else "")


# From an element down to another: () is the element itself.
Path = tuple[Step, ...]


@dataclass(frozen=True)
class Layout:
    """Where the article sits on one layout of a portal's article pages, as learned from them.

    `scope`: the path from <body> to the element that holds every part of the article below. The
    other paths go down from the scope: `container` to the element whose blocks are the body,
    `heading`, `date_line`, `lead`, `byline` (an author shown outside the body), `category` (the
    breadcrumb's last crumb, the label over the heading) and `figure` (a picture shown outside the
    body, before it) to where each is shown (None: not shown apart, or read by the generic rules).
    `source` to the line naming the paper an article is taken from, shown outside the body (a
    reprint may show it where the others show their byline: "Nguồn tin: Báo Quảng Bình" in
    NukeViet's "Tác giả:" box). `form`: the pages lay their articles out as forms of labelled fields
    (layout.labelled_fields), read the generic way once the scope is found.
    `required`: the parts every sample page showed: a page without one of them is laid out otherwise.
    `also`: other places a part shows on some of the pages, (part, path), tried where its own path
    finds nothing. `absent`: the parts ("date_line", "category") no sample page showed, not searched
    for (the date from <head> alone, the category <head> names or none).
    `prune`: what the container holds that is not the article, beyond what the generic rules drop.
    `breaks`: a block's <br>s part its lines. `markers`: the scope's first bytes in the page and the
    first bytes after it (None: to the end), so that only <head> and the scope are parsed (the
    profiles' region, crawler/extract/page.py region_of); None when they do not find it. The first
    marker starts the element `cut_at` levels above the scope (WordPress's <article> says nothing
    the same on two pages; the <main id="main"> around it does)."""

    scope: Path
    container: Path
    heading: Path | None = None
    date_line: Path | None = None
    lead: Path | None = None
    byline: Path | None = None
    category: Path | None = None
    figure: Path | None = None
    source: Path | None = None
    required: tuple[str, ...] = ()
    also: tuple[tuple[str, Path], ...] = ()
    absent: tuple[str, ...] = ()
    form: bool = False
    prune: tuple[Path, ...] = ()
    breaks: bool = False
    markers: tuple[bytes, bytes | None] | None = None
    cut_at: int = 0


@dataclass(frozen=True)
class Template:
    """A portal's learned template: one layout or a few (a portal may show its articles two ways:
    Liferay's display pages and its asset publisher), from `pages` of its article pages. Version
    `version` of the portal's templates (archive/templates.py keeps each)."""

    site: str
    version: int
    layouts: tuple[Layout, ...]
    pages: int = 0

    @property
    def name(self) -> str:
        """What a record read through it says in `extraction`: "template:tinhuy.quangbinh.example@2"."""
        return f"template:{self.site}@{self.version}"


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
    - `template`: where its articles sit (crawler/extract/template.py), when learned.
    """

    names: tuple[str, ...] = ()
    title_suffixes: tuple[str, ...] = ()
    chrome_lines: frozenset[str] = field(default_factory=frozenset)
    template: Template | None = None

    def is_chrome_line(self, text: str) -> bool:
        if not self.chrome_lines:
            return False
        # A chrome line is short (CHROME_LINE_MAX): a paragraph is not folded to find it is none.
        if len(text) > CHROME_LINE_MAX and len(clean(text)) > CHROME_LINE_MAX:
            return False
        return line_key(text) in self.chrome_lines

    def has_suffix(self, suffix: str) -> bool:
        folded = fold(clean(suffix)).strip(" .")
        return any(folded == fold(known).strip(" .") for known in self.title_suffixes)

    def with_template(self, template: Template | None) -> PortalKnowledge:
        return replace(self, template=template)

    # --- as the archive keeps it -----------------------------------------------------------------

    def to_json(self) -> str:
        """The value as JSON (archive/templates.py stores it); from_json() reads it back equal."""
        return json.dumps({
            "names": list(self.names), "title_suffixes": list(self.title_suffixes),
            "chrome_lines": sorted(self.chrome_lines),
            "template": _template_data(self.template) if self.template is not None else None,
        }, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, *, version: int | None = None) -> PortalKnowledge:
        """`version`: the number the archive keeps it under, when that is not the one it was learned
        as (`tinbai merge` numbers the versions another archive brings after the target's own)."""
        data = json.loads(text)
        template = data.get("template")
        if template and version is not None:
            template = {**template, "version": version}
        return cls(
            names=tuple(data.get("names") or ()), title_suffixes=tuple(data.get("title_suffixes") or ()),
            chrome_lines=frozenset(data.get("chrome_lines") or ()),
            template=_template_of(template) if template else None,
        )


def _path_data(path: Path | None) -> list[list[Any]] | None:
    return None if path is None else [[s.tag, list(s.classes), s.ident, s.index] for s in path]


def _path_of(data: list[list[Any]] | None) -> Path | None:
    if data is None:
        return None
    return tuple(Step(tag, tuple(classes), ident, index) for tag, classes, ident, index in data)


def _bytes_data(value: bytes | None) -> str | None:
    return None if value is None else base64.b64encode(value).decode("ascii")


_LAYOUT_PATHS = ("scope", "container", "heading", "date_line", "lead", "byline", "category", "figure", "source")


def _template_data(template: Template) -> dict[str, Any]:
    return {
        "site": template.site, "version": template.version, "pages": template.pages,
        "layouts": [{
            **{name: _path_data(getattr(layout, name)) for name in _LAYOUT_PATHS},
            "required": list(layout.required), "form": layout.form,
            "also": [[name, _path_data(path)] for name, path in layout.also], "absent": list(layout.absent),
            "prune": [_path_data(path) for path in layout.prune], "breaks": layout.breaks,
            "markers": None if layout.markers is None else [_bytes_data(m) for m in layout.markers],
            "cut_at": layout.cut_at,
        } for layout in template.layouts],
    }


def _template_of(data: dict[str, Any]) -> Template:
    layouts = []
    for each in data["layouts"]:
        markers = each.get("markers")
        paths = {name: _path_of(each.get(name)) for name in _LAYOUT_PATHS}
        layouts.append(Layout(
            scope=paths.pop("scope") or (), container=paths.pop("container") or (), **paths,
            required=tuple(each.get("required") or ()), form=bool(each.get("form")),
            also=tuple((name, _path_of(path) or ()) for name, path in each.get("also") or ()),
            absent=tuple(each.get("absent") or ()),
            prune=tuple(_path_of(path) or () for path in each.get("prune") or ()), breaks=bool(each.get("breaks")),
            markers=None if not markers else (
                base64.b64decode(markers[0]), base64.b64decode(markers[1]) if markers[1] else None
            ),
            cut_at=int(each.get("cut_at") or 0),
        ))
    return Template(data["site"], int(data["version"]), tuple(layouts), int(data.get("pages") or 0))


NOTHING_KNOWN = PortalKnowledge()

# "... - Ban Tuyên giáo Tỉnh ủy", "... | Tỉnh ủy Quảng Bình": the part after the last separator.
_LAST_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|»)\s+(?!.*\s(?:\||-|–|—|::|»)\s)")
# A chrome line is short: a menu item, a box title, a clock. Article paragraphs shared by several
# pages (district reports written from one template) are long, and are text.
CHROME_LINE_MAX = 80
_LINE_ELEMENTS = ("p", "li", "a", "span", "div", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "b", "strong", "font")
_TITLE = xpath("string(.//title)", smart_strings=False)


def short_lines(tree: HtmlElement) -> set[str]:
    """The short lines of a page (or of an element): the text of each element that holds text of
    its own, once, as line_key()s."""
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
        lines.update(short_lines(tree))
    needed = max(at_least, share * count)
    return PortalKnowledge(
        title_suffixes=tuple(shown[key] for key, n in suffixes.most_common() if n >= needed),
        chrome_lines=frozenset(line for line, n in lines.items() if n >= needed),
    )
