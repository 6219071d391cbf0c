"""Learned templates: where one portal's articles sit on its pages, learned from a handful of them,
so that its next pages are read there directly, at a profile's speed: no search for the article,
no trafilatura.

Data flow: the discovering spider (crawler/fetch/discover.py) hands learn_template() a few article
pages of a portal without a profile; the PortalKnowledge it returns carries the portal's Template
(crawler/extract/knowledge.py), which the archive keeps (archive/templates.py) and extract()
(crawler/extract/article.py) uses on the portal's next pages through read_with_template().

What no page alone shows, the pages together do: on every one of them the generic path
(crawler/extract/generic.py) found the element holding the article's body, its heading, date
line, lead, byline and category; where these sit the same way on all of them (the same path down
from <body>: by tag, by the class or id that tells the element apart on every page, by place among
like siblings) is the portal's layout; what the body's element holds besides the article on those
pages (a date line, a view counter, share buttons, a box of related titles) is pruned from it; the
lines most pages share (knowledge.learn()) are the portal's chrome. A layout is kept only when
reading the sample pages through it gives, field for field, the records the generic path gave them.

A page is read through it (TemplatePage) when its parts are where the layout says; otherwise
read_with_template() gives None and the page is read the generic way (the spider counts it, and
learns again when that happens often: a changed layout). Pure.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cached_property
from itertools import islice
from urllib.parse import urljoin

from lxml import etree

from crawler.extract import chrome
from crawler.extract.blocks import BLOCK_TAGS, Block, mark_captions, uncaption_lead, unique_images, walk
from crawler.extract.body import (
    box_loose_lines,
    captions_under_images,
    is_cut_copy,
    join_data_row,
    lines_at_breaks,
)
from crawler.extract.bylines import (
    Line,
    Split,
    byline_in_line,
    byline_over,
    clean_author,
    credit_in,
    is_labelled,
    looks_like_name,
    name_after_label,
    page_author,
    source_of,
    split_lines,
    told_in_pictures,
)
from crawler.extract.datelines import (
    DatedLine,
    ago_window,
    most_precise,
    publication_line,
    range_of,
    structured_date,
    with_machine_time,
)
from crawler.extract.dates import parse_date, to_iso
from crawler.extract.generic import (
    CAPTIONS,
    GenericPage,
    declared_url,
    labelled_caption,
    lists_whole_posts,
    picture_above,
)
from crawler.extract.knowledge import (
    CHROME_LINE_MAX,
    NOTHING_KNOWN,
    Layout,
    Path,
    PortalKnowledge,
    Step,
    Template,
    learn,
    line_key,
    short_lines,
)
from crawler.extract.layout import (
    common_ancestor,
    first_and_last,
    first_prose,
    holds_prose,
    is_home_crumb,
    lead_text,
    lines_between,
    reads_as_paragraph,
    set_apart,
)
from crawler.extract.page import HtmlElement, element_after, parse, region_of, select, short_text
from crawler.extract.record import Article, Image, NotAnArticle, Page
from crawler.extract.text import clean
from crawler.extract.titles import clean_title, declared_titles, has_a_suffix, heading_text, names_the_site

# --- paths down a page ---------------------------------------------------------------------------


def _classes(el: HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


def _fits(el: HtmlElement, step: Step) -> bool:
    return el.tag == step.tag and _marked(el, step)


def _marked(el: HtmlElement, step: Step) -> bool:
    """Has the element the step's id and classes? (its tag asked apart: lxml picks the children of
    a tag itself)"""
    if step.ident is not None and el.get("id") != step.ident:
        return False
    if not step.classes:
        return True
    value = el.get("class")
    if not value:
        return False
    # (a step names one class, nearly always: looked up among the element's few, no set built)
    words = value.split()
    return all(name in words for name in step.classes)


def _like(parent: HtmlElement, step: Step) -> list[HtmlElement]:
    # (lxml picks the children of the step's tag itself: a <div> of forty children has two <h1>s)
    if not step.classes and step.ident is None:
        return list(parent.iterchildren(step.tag))
    return [child for child in parent.iterchildren(step.tag) if _marked(child, step)]


def _nth_like(parent: HtmlElement, step: Step, index: int) -> HtmlElement | None:
    """The `index`-th (from 0) of _like(parent, step), without looking at the siblings after it."""
    if not step.classes and step.ident is None:  # (a step by its tag alone: each child of the tag is one)
        return next(islice(parent.iterchildren(step.tag), index, None), None)
    for child in parent.iterchildren(step.tag):
        if _marked(child, step):
            if not index:
                return child
            index -= 1
    return None


def locate(root: HtmlElement | None, path: Path | None) -> HtmlElement | None:
    """The element `path` leads to from `root`, or None where a step finds nothing."""
    found = located(root, path)
    return found[0] if found else None


def located(root: HtmlElement | None, path: Path | None) -> list[HtmlElement]:
    """Every element `path` leads to from `root` (a step of index None takes each sibling it fits)."""
    if root is None or path is None:
        return []
    level = [root]
    for step in path:
        level = _step_down(level, step)
        if not level:
            break
    return level


def _step_down(level: list[HtmlElement], step: Step) -> list[HtmlElement]:
    following: list[HtmlElement] = []
    index = step.index
    for el in level:
        if index is not None and index >= 0:
            found = _nth_like(el, step, index)
            if found is not None:
                following.append(found)
            continue
        like = _like(el, step)
        if index is None:
            following += like
        elif -len(like) <= index:
            following.append(like[index])
    return following


def located_each(root: HtmlElement | None, paths: Iterable[Path | None]) -> list[list[HtmlElement]]:
    """located(root, path) for each path, the steps a path shares with the one before it walked
    once: a layout's parts go down the same nine steps of Liferay's portlet wrappers to the body
    and its date line, lead and byline, and its pruned boxes share their first steps too."""
    found: list[list[HtmlElement]] = []
    previous: Path = ()
    levels: list[list[HtmlElement]] = [[root]] if root is not None else [[]]  # after 0, 1, ... steps of previous
    for path in paths:
        if root is None or path is None:
            found.append([])
            continue
        shared = 0
        while shared < len(path) and shared < len(previous) and path[shared] == previous[shared]:
            shared += 1
        del levels[shared + 1:]
        level = levels[-1]
        for step in path[shared:]:
            level = _step_down(level, step) if level else []
            levels.append(level)
        previous = path
        found.append(level)
    return found


def _chain(ancestor: HtmlElement, el: HtmlElement) -> list[HtmlElement] | None:
    """The elements from below `ancestor` down to `el` (empty when they are one); None when `el` is
    not inside `ancestor`."""
    chain: list[HtmlElement] = []
    node: HtmlElement | None = el
    while node is not None and node is not ancestor:
        chain.append(node)
        node = node.getparent()
    return list(reversed(chain)) if node is ancestor else None


def common_path(pairs: Sequence[tuple[HtmlElement, HtmlElement]]) -> Path | None:
    """The one path that leads, on every page, from its first element to its second; None when the
    pages do not lay them out alike. Each step says as little as tells its element apart on every
    page (_step): WordPress gives the article's element the classes of its category and tags
    ("category-xay-dung-dang tag-dai-hoi"), which the next article does not share."""
    chains = [_chain(ancestor, el) for ancestor, el in pairs]
    if not chains or any(chain is None for chain in chains):
        return None
    lengths = {len(chain) for chain in chains if chain is not None}
    if len(lengths) != 1:
        return None
    steps: list[Step] = []
    for level in zip(*(chain for chain in chains if chain is not None), strict=True):
        step = _step(level)
        if step is None:
            return None
        steps.append(step)
    return tuple(steps)


_DIGIT = re.compile(r"\d")


def _step(level: Sequence[HtmlElement]) -> Step | None:
    """The step to one element on each page (`level`): the first of these that finds it on every
    page, at one place: with one class (the plainest first: "hometext" before
    "category-thoi-su-chinh-tri"), with its id, its tag alone, as the only one there; then the
    same at a place among like siblings (counted from the first, else from the last)."""
    tags = {el.tag for el in level}
    if len(tags) != 1:
        return None
    tag = level[0].tag
    common = sorted(set.intersection(*(_classes(el) for el in level)),
                    key=lambda c: (bool(_DIGIT.search(c)), c.count("-") + c.count("_"), len(c), c))
    idents = {el.get("id") for el in level}
    ident = next(iter(idents)) if len(idents) == 1 and None not in idents else None
    candidates = [Step(tag, (name,)) for name in common]
    if ident is not None:
        candidates.append(Step(tag, (), ident))
    candidates.append(Step(tag))
    if len(common) > 1:
        candidates.append(Step(tag, tuple(common)))
    places = []
    for candidate in candidates:
        likes = [_like(el.getparent(), candidate) for el in level]
        if all(len(like) == 1 for like in likes):
            return candidate
        places.append((candidate, likes))
    for candidate, likes in places:
        forward = {like.index(el) for like, el in zip(likes, level, strict=True)}
        if len(forward) == 1:
            return replace(candidate, index=forward.pop())
    for candidate, likes in places:
        backward = {like.index(el) - len(like) for like, el in zip(likes, level, strict=True)}
        if len(backward) == 1:
            return replace(candidate, index=backward.pop())
    return None


# --- reading a page through a layout -------------------------------------------------------------

_PARTS = ("container", "heading", "date_line", "lead", "byline", "category", "figure", "source")


class TemplatePage:
    """A page read through a learned layout, as a profile's page object reads it (one small method
    per field): each part where the layout says, the body the blocks of its container (a pruned
    copy of it), bylines and the source line at the ends of the body; the generic page object
    (`generic`) for what the layout does not place (the canonical URL, the site's names, an author
    named only in the page's metadata).

    `cut`: the page is <head> and the scope's bytes alone (Layout.markers): the scope is the first
    element of <body>."""

    def __init__(
        self, page: Page, knowledge: PortalKnowledge, layout: Layout, template: Template, *,
        tree: HtmlElement | None = None, site_names: tuple[str, ...] = (), caption_selector: str = CAPTIONS,
        cut: bool = False,
    ) -> None:
        self.page = page
        self.knowledge = knowledge
        self.layout = layout
        self.template = template
        self.tree = tree if tree is not None else parse(page)
        self.cut = cut
        self.generic = _Placed(page, knowledge, tree=self.tree, site_names=site_names,
                               caption_selector=caption_selector)
        self.generic.reader = self
        self.caption_selector = caption_selector

    @cached_property
    def scope(self) -> HtmlElement | None:
        body = self.tree.find("body")
        if body is None:
            return None
        if not self.cut:
            return locate(body, self.layout.scope)
        first = next((child for child in body if isinstance(child.tag, str)), None)
        path = self.layout.scope
        at = len(path) - 1 - self.layout.cut_at
        if first is None or at < 0 or not _fits(first, path[at]):  # (the first of its kind: the cut's start)
            return None
        return locate(first, path[at + 1:])

    @cached_property
    def found(self) -> dict[str, HtmlElement | None]:
        each = located_each(self.scope, [getattr(self.layout, name) for name in _PARTS])
        found = {name: places[0] if places else None for name, places in zip(_PARTS, each, strict=True)}
        for name, path in self.layout.also:
            if found[name] is None:
                found[name] = locate(self.scope, path)
        return found

    def fit(self) -> float:
        """The share of the parts the layout places that are where it says on this page."""
        placed = [part for part in _PARTS if getattr(self.layout, part) is not None]
        return sum(self.found[part] is not None for part in placed) / len(placed) if self.scope is not None else 0.0

    def holds(self) -> bool:
        """Are the body's container, the heading and the date line where the layout says, with
        text in them?"""
        found, layout = self.found, self.layout
        if layout.form:
            return self.scope is not None and self.generic.form is not None
        if self.scope is None or found["container"] is None or not self.lines:
            return False
        if any(found[part] is None for part in layout.required):
            return False  # a part every sample page showed is not where it was: another layout
        if layout.heading is not None and not self.title():
            return False
        return layout.date_line is None or self.dated_line is not None

    # --- the body --------------------------------------------------------------------------------

    @cached_property
    def copy(self) -> tuple[HtmlElement | None, dict[HtmlElement, HtmlElement]]:
        """A pruned copy of the container, and the page's element of each of its elements."""
        container = self.found["container"]
        if container is None:
            return None, {}
        twin = copy.deepcopy(container)
        twin.tail = None
        twins = dict(zip(twin.iter(), container.iter(), strict=True))
        if self.layout.prune:
            copies = {original: each for each, original in twins.items()}
            for places in located_each(container, self.layout.prune):
                for original in places:
                    if original in copies:
                        chrome.drop(copies[original])
        chrome.prune(twin, in_place=True)
        # Each element standing alone beside blocks a line of its own, as the generic path reads them
        # (body.box_loose_lines): a pull quote's "<cite>Đồng chí Bí thư Tỉnh ủy</cite>" after its words.
        box_loose_lines(twin)
        return twin, twins

    @cached_property
    def blocks(self) -> list[Block]:
        """The body's blocks in reading order: text, images and captions."""
        pruned, _ = self.copy
        if pruned is None:
            return []
        captions = set(select(pruned, self.caption_selector)) | set(captions_under_images(pruned))
        blocks: list[Block] = []
        for block in walk(pruned, self.caption_selector, captions):
            # A table of figures is read a row a line, its cells' texts joined by spaces, as the
            # generic path reads it (body.body_lines: trafilatura's <row> with no paragraph in it).
            if join_data_row(blocks, block):
                continue
            if block.kind == "text" and self.layout.breaks and block.element is not None \
                    and block.element.find(".//br") is not None:
                blocks += [Block("text", line, element=block.element) for line in lines_at_breaks(block.element)]
            else:
                blocks.append(block)
        mark_captions(blocks)
        return blocks

    @cached_property
    def lines(self) -> list[Block]:
        """The body's text blocks: widget lines, photo credits, the portal's chrome and the title
        left out (GenericPage.lines)."""
        title = self.title()
        knowledge = self.knowledge
        return [
            block for block in self.blocks
            if block.kind == "text" and block.text != title and not chrome.is_chrome_line(block.text)
            and not chrome.is_photo_credit(block.text) and not knowledge.is_chrome_line(block.text)
        ]

    @cached_property
    def split(self) -> Split:
        """The body's paragraphs without the lead, bylines and source lines (bylines.split_lines),
        with the short lines right after the container read for them too."""
        lead = self.summary()
        lines = [Line(block.text, block.element) for block in self.lines if block.text != lead]
        # (not the portal's chrome lines again: self.lines holds none)
        # A name in a box of its own over the first paragraph, inside the container the layout
        # places ("<div class="tin-tac-gia">Hải Yến</div><div class="tin-noi-dung"><p>Ngày 26/2, ..."),
        # is read as the generic path reads the lines between the heading and the body's first one.
        before = lines[:1] if len(lines) >= 2 and _name_over_paragraph(lines[0], lines[1]) else []
        return split_lines(lines[len(before):], before + self.byline_over(), self.after)

    def byline_over(self) -> list[Line]:
        """The placed byline when it sits over the body, outside it: a line the generic path reads
        among those above the body (GenericPage.split), so that a reprint's "Theo Báo Cần Thơ" under
        the text does not hide the name over it ("<div class="by-line">Hữu Phước</div>" in
        SharePoint's box of fields)."""
        element = self.found["byline"]
        if element is None or not self.lines or any(line.element is element for line in self.lines):
            return []
        text = short_text(element, 280)
        return [Line(text, element)] if text and self._over_the_body(element) else []

    @cached_property
    def over(self) -> list[Line]:
        """The short lines between the heading and the container, where the generic path reads a
        byline too (GenericPage.split: the lines between its heading and body): the entry's metadata
        line, which no sample page needed where each was signed under its text ("do <a>Phạm Thu
        Hà</a> lúc 14:00 trong <a>Xây dựng Đảng</a>" over an unsigned SharePoint blog post)."""
        heading, container = self.found["heading"], self.found["container"]
        if heading is None or container is None or self.scope is None or not _comes_before(heading, container):
            return []
        found = lines_between(self.scope, heading, container, limit=40)
        # (the first lines after the heading and the last ones before the body, as the generic path)
        found = first_and_last(found)
        shown = {self.title(), self.summary()}
        return [Line(text, el) for el, text in found if text not in shown]

    @cached_property
    def after(self) -> list[Line]:
        """The lines right after the container: the element that follows it (or the wrapper it
        closes), when that is a short line ("<div class="by-line">Mỹ Linh</div>" after SharePoint's
        content field)."""
        box = self.found["container"]
        for _ in range(5):
            if box is None or box is self.scope:
                return []
            following = box.getnext()
            # what shows nothing (an empty <div class="clearfix">, a script) is no line
            while following is not None and (not isinstance(following.tag, str) or following.tag in ("script", "style")
                                             or short_text(following, 0) == ""):
                following = following.getnext()
            if following is not None:
                text = short_text(following, 280)
                if not text:
                    return []
                # A box of such lines, each in a block of its own: NukeViet's "<div><p><strong>Tác
                # giả: </strong>Hoàng Anh - Thu Hà</p><p><strong>Nguồn tin: </strong>Báo Quảng
                # Bình</p></div>" is a byline and a source line, as the generic path reads them.
                blocks = [child for child in following if isinstance(child.tag, str) and child.tag in BLOCK_TAGS]
                lines = [Line(shown, child) for child in blocks if (shown := short_text(child, 280))]
                first = lines if len(lines) > 1 and not clean(following.text) else [Line(text, following)]
                return first + _labelled_lines_after(following)
            box = box.getparent()
        return []

    # --- fields ----------------------------------------------------------------------------------

    def url(self) -> str:
        return declared_url(self.tree, self.page.url, lambda: self.found["heading"])

    @cached_property
    def names(self) -> tuple[str, ...]:
        return self.generic.names

    @cached_property
    def _title(self) -> str:
        element = self.found["heading"]
        if element is None:
            return self.generic.title() if self.layout.heading is None else ""
        # (what the heading shows, as the generic path reads it: no script, and no path of links
        # opening SharePoint's title row when the rest is the declared title)
        declared = declared_titles(self.tree) if element.find(".//a") is not None else ()
        shown = heading_text(element, declared)
        # (the site's names, read from the page's metadata and its logo, only for a heading that
        # ends with a suffix they may be: two pages in three need them for no field)
        return clean_title(shown, self.names if has_a_suffix(shown) else (), self.knowledge)

    def title(self) -> str:
        return self._title

    @cached_property
    def dated_line(self) -> DatedLine | None:
        """The date line where the layout shows it; where it does not place one (the pages showed
        it in different places), or this page shows no date there, the generic rule's line around
        the heading and the body found."""
        element = self.found["date_line"]
        if element is not None:
            text = short_text(element, 200) or ""
            value = parse_date(text)
            if value is not None:
                return DatedLine(element, with_machine_time(element, value), text)
            made = self.generic.made
            window = ago_window(text, made) if made is not None else None
            if window is not None:
                return DatedLine(element, window[2], text, window=window[:2])
        if self.scope is None or "date_line" in self.layout.absent:
            return None  # (the portal's pages show their date in <head> only: nothing to search)
        _, twins = self.copy
        body = [twins.get(block.element) for block in self.lines if block.element is not None]
        body = [el for el in body if el is not None and el is not self.lead_element]
        return publication_line(self.tree, self.scope, self.found["heading"], body[0] if body else None,
                                body[-1] if body else None, self.knowledge, self.generic.made)

    @cached_property
    def declared_date(self) -> date | datetime | None:
        """The date the page's metadata declares: read once for the publication time and its range."""
        return structured_date(self.tree, self.page.body)

    def published(self) -> str | None:
        shown = self.dated_line.value if self.dated_line is not None else None
        return to_iso(most_precise(self.declared_date, shown))

    def published_range(self) -> str | None:
        return range_of(self.declared_date, self.dated_line)

    def summary(self) -> str | None:
        return self._summary

    @cached_property
    def _summary(self) -> str | None:
        lead = self.lead_element
        return (lead_text(lead) or None) if lead is not None else None

    @cached_property
    def lead_element(self) -> HtmlElement | None:
        """The lead where the layout shows it, when it reads as a paragraph set apart from the
        body's (inside the container: bold over plain paragraphs; GenericPage.lead_element)."""
        lead = self.found["lead"]
        if lead is None and self.layout.lead is None and all(name != "lead" for name, _ in self.layout.also):
            lead = self._lead_unplaced()
        if lead is None or self.knowledge.is_chrome_line(lead.text_content()):
            return None
        # (NukeViet 3's lead is written around its picture box and the box's caption: lead_text())
        text = short_text(lead, 1500)
        if not text or not reads_as_paragraph(lead_text(lead)):
            return None
        _, twins = self.copy
        after = [block.text for block in self.lines if block.element is None or twins.get(block.element) is not lead]
        if is_cut_copy(clean(text), " ".join(after[:5])):
            # WordPress's automatic excerpt where the lead goes ("... khối dân vận các cấp…"): the
            # post's beginning cut off, no lead (body.drop_cut_copies, on the generic path)
            return None
        container = self.found["container"]
        if container is not None and container in lead.iterancestors():
            # ...compared with the body's next paragraph, not with the row of a table of figures
            # between them (read a row a line, the row its element), which the generic path reads
            # with no element and passes over: "<p>Theo Ban Tổ chức Tỉnh ủy, ...</p><table><tr><th>
            # Khối</th><th>Chỉ tiêu</th>...</table><p>Một số đảng bộ ...</p>" is one body.
            following = next((twins.get(b.element) for b in self.lines if b.element is not None
                              and b.element.tag != "tr" and twins.get(b.element) is not lead), None)
            if not set_apart(lead, following, container):
                return None
        return lead

    def _lead_unplaced(self) -> HtmlElement | None:
        """Where the layout places no lead (no sample page showed one, or too few to place it), the
        generic rule's: the first block after the heading that reads as a paragraph, up to the
        body's first line (layout.first_prose), set apart as lead_element() then asks. A WordPress
        post's lead is a bold first paragraph some posts have: the five samples had none, and the
        template read none on the posts that do."""
        heading, scope = self.found["heading"], self.scope
        _, twins = self.copy
        first = twins.get(self.lines[0].element) if self.lines and self.lines[0].element is not None else None
        if heading is None or scope is None or first is None:
            return None
        candidate = first_prose(scope, heading, first, self._title)
        if candidate is None or sum(1 for block in self.lines if twins.get(block.element) is candidate) > 1:
            return None  # it holds several of the body's lines (between <br>s): the body, not its lead
        return candidate

    def text(self) -> str:
        return self.split.text(self.summary())

    def _above_the_body(self, element: HtmlElement) -> bool:
        """Does the element come before the body's container on the page (neither holding the other)?"""
        container = self.found["container"]
        return container is not None and _comes_before(element, container)

    def author(self) -> str | None:
        element = self.found["byline"]
        if element is not None and (self.split.author or self.split.source) and (
            self._over_the_body(element) or self._under_the_body(element)
        ):
            # A byline closing the text names who wrote it (or the paper it is taken from), as on the
            # generic path (bylines.split_lines), not the account a line over the text names: "Ban
            # Biên tập" in Liferay's Blogs entry header, "Hoàng Thu" signing the text; nor the account
            # the entry's metadata names under it (Twenty Twelve's "... by Ban Biên tập" footer under
            # a text signed "Thanh Tâm").
            return self.split.author
        if element is not None:
            text = clean(element.text_content())
            if source_of(text):
                return None  # where the others are signed, a reprint names its paper
            name = clean_author(text)
            # Where the sample pages named who posted them, above the body ("do <a>Phạm Thu Hà</a> lúc
            # 14:00 trong ..."), another page may name an office's account (the site: no author), or
            # be signed under its body too, which the generic rules read first.
            above = self._above_the_body(element)
            if name and not (above and (names_the_site(name, self.names) or self.split.author)):
                return name
        if self.split.author or self.split.source:
            # a reprint: the account that posted it did not write it; a person named in the article's
            # author box did (GenericPage.author)
            return self.split.author or name_after_label(self.scope, self.names)
        if element is None and (named := byline_over(self.over)):
            return named  # the layout places no byline: the metadata over the text names who posted it
        # "Ảnh: Hoàng Nam" under a story told in pictures, and no other byline (GenericPage.author)
        photographer = credit_in(block.text for block in self.blocks if block.kind == "text") or self.split.photographer
        if photographer is None and element is not None:
            # ...or the byline's place holds the credit alone ("<td class="byLine">Ảnh: Đình Phú</td>"
            # over a photo story, where the other pages name their writer), as the generic path reads
            # it among the lines over the text
            photographer = credit_in([clean(element.text_content())])
        if photographer and told_in_pictures(len(self.images()), len(self.split.paragraphs)):
            return photographer
        line = self.dated_line.element if self.dated_line is not None else None
        return (byline_in_line(line, self.names) or page_author(self.tree, self.names, self.knowledge)
                or name_after_label(self.scope, self.names))

    def _picture_above(self) -> list[Block]:
        """The picture right above the heading, inside the scope (generic.picture_above), when the
        layout places no picture: its image blocks."""
        heading, scope = self.found["heading"], self.scope
        above = picture_above(heading) if heading is not None and scope is not None else None
        if above is None or scope not in above.iterancestors():
            return []
        if above.tag == "img":
            src = above.get("data-src") or above.get("src")
            return [Block("image", src=src, element=above)] if src else []
        return [block for block in walk(chrome.prune(above), self.caption_selector) if block.kind == "image"]

    def _under_the_body(self, element: HtmlElement) -> bool:
        """Is `element` after the body's last line on the page?"""
        _, twins = self.copy
        last = twins.get(self.lines[-1].element) if self.lines and self.lines[-1].element is not None else None
        return last is not None and _comes_before(last, element)

    def _over_the_body(self, element: HtmlElement) -> bool:
        """Is `element` before the body's first line on the page?"""
        _, twins = self.copy
        first = twins.get(self.lines[0].element) if self.lines and self.lines[0].element is not None else None
        return first is not None and _comes_before(element, first)

    def source(self) -> str | None:
        element = self.found["source"]
        if element is not None:
            text = clean(element.text_content())
            return source_of(text) or text or None  # a form's field holds the paper's name alone
        byline = self.found["byline"]
        if byline is not None and (named := source_of(clean(byline.text_content()))):
            return named
        return self.split.source

    def category(self) -> str | None:
        """The category where the layout shows it (the breadcrumb's last crumb, the label over the
        heading), unless <head> names it; else the generic rules' (they search the page for it)."""
        element = self.found["category"]
        if element is not None and not self.layout.form:
            shown = short_text(element, 200)
            if shown and (chrome.is_chrome_heading(shown) or chrome.is_chrome_line(shown)):
                # The place shows a box's heading, not a category: the portlet whose title the sample
                # pages showed as their category ("Xây dựng Đảng" over an article opened from its
                # section) is, on the home page, the featured box ("<span class="portlet-title-text">
                # Tin nổi bật</span>" over the same article, liferay-dienbien); the generic rules, which
                # take no such heading for a label (layout.label_above), look elsewhere.
                return self.generic.category()
            if shown and ("," not in shown or _one_link(element, shown)):
                return self.generic.section() or shown
            # A label listing several where the sample pages showed one ("Xây dựng Đảng, Thời sự -
            # Chính trị" in liferay-haugiang's one <span>): the generic rules tell which is the page's.
        if "category" in self.layout.absent:
            return self.generic.section()  # the portal's pages show none in their body
        return self.generic.category()

    def images(self) -> tuple[Image, ...]:
        blocks = [block for block in self.blocks if block.kind in ("image", "caption")]
        figure = self.found["figure"]
        if figure is not None:
            pruned = chrome.prune(figure)
            captions = set(select(pruned, self.caption_selector)) | set(captions_under_images(pruned))
            shown = list(walk(pruned, self.caption_selector, captions))
            mark_captions(shown)
            pictures = [block for block in shown if block.kind in ("image", "caption")]
            if [block.kind for block in pictures] == ["image"] and (caption := labelled_caption(self.scope)):
                # The one picture outside the body, captioned by the field its label calls the
                # caption wherever the page puts it (GenericPage.with_labelled_caption): SharePoint's
                # "Chú thích Hình ảnh" field after the byline and the date.
                pictures.append(Block("caption", caption))
            blocks = pictures + blocks
        else:
            # The featured picture the theme sets outside the article's region (ColorMag's above the
            # heading), which no layout places: found as the generic path finds it; or right above
            # the heading inside it, where no sample page had one (GeneratePress's featured image,
            # on some posts only); or between the heading and the body (Twenty Sixteen's post
            # thumbnail).
            blocks = (self.generic.featured_outside(None) + self._picture_above()
                      + self.pictures_before_the_body() + blocks)
        return tuple(unique_images(uncaption_lead(blocks, self.summary()), self.page.url))

    def pictures_before_the_body(self) -> list[Block]:
        """The pictures set between the heading and the body's container, which the layout placed
        on none of the sample pages: a featured image only some posts have, as the generic path
        reads it (Twenty Sixteen's "<header><h1>...</h1></header><div class="post-thumbnail"><img>
        </div><div class="entry-content">")."""
        heading, container = self.found["heading"], self.found["container"]
        around = common_ancestor([heading, container]) if heading is not None and container is not None else None
        if heading is None or container is None or around is None or around in (heading, container):
            return []
        first = heading
        while first.getparent() is not around:
            first = first.getparent()
        # ...and before the body inside the boxes around it: a photo story's gallery set above its one
        # paragraph in the article's box ("<div class="tin-chi-tiet">...<div class="anh-item"><img>
        # ...</div><div class="tin-noi-dung"><p>...", Liferay 6.0), where the sample pages showed none.
        chain = [container]
        while chain[-1].getparent() is not around:
            chain.append(chain[-1].getparent())
        candidates: list[HtmlElement] = []
        for el in reversed(chain):
            preceding = list(el.itersiblings(preceding=True))
            if el is chain[-1]:
                preceding = preceding[:preceding.index(first)] if first in preceding else []
            candidates += reversed(preceding)
        blocks: list[Block] = []
        for sibling in candidates:
            # (a picture in a link that runs a script is a button: the search box's)
            if isinstance(sibling.tag, str) and sibling.find(".//img") is not None and not any(
                (a.get("href") or "").strip().lower().startswith("javascript:") for a in sibling.iter("a")
            ):
                pruned = chrome.prune(sibling)
                shown = list(walk(pruned, self.caption_selector, set(captions_under_images(pruned))))
                mark_captions(shown)
                blocks += [block for block in shown if block.kind in ("image", "caption")]
        return blocks

    def to_record(self) -> Article:
        if self.layout.form:
            return replace(self.generic.to_record(), extraction=self.template.name)
        title, text = self.title(), self.text()
        if not title:
            raise NotAnArticle("no title found")
        if is_home_crumb(title):
            # A portal whose home page is a page of the articles' layout (a SharePoint wiki page
            # titled "Trang chủ", its lists pruned as chrome): what is left is its welcome line.
            raise NotAnArticle("the portal's home page, not an article")
        if len(text) < 80:
            raise NotAnArticle("no article text found")
        if not holds_prose(text):
            raise NotAnArticle("no paragraph of prose: a page of fields or captions, not an article")
        if lists_whole_posts(self.tree, self.page.url, self.split.paragraphs):
            # (a blog's listing of whole posts reads as the post its layout finds: GenericPage.check)
            raise NotAnArticle("page is a list of posts under their linked titles, not an article")
        return Article(
            url=self.url(), site=self.generic.site(), title=title, text=text, published=self.published(),
            author=self.author(), category=self.category(), summary=self.summary(), source=self.source(),
            images=self.images(), extraction=self.template.name, published_range=self.published_range(),
        )


class _Placed(GenericPage):
    """The generic page object of a page read through a layout: its heading and its region are
    where the layout says (the category's rules look around them: a breadcrumb near the heading,
    a label over it, the links HTML marks as the article's category)."""

    reader: TemplatePage

    @cached_property
    def heading(self) -> tuple[str, HtmlElement | None]:
        if self.reader.layout.heading is None:
            return super().heading
        return self.reader.title(), self.reader.found["heading"]

    @cached_property
    def region(self) -> HtmlElement:
        return self.reader.scope if self.reader.scope is not None else super().region

    def body_end(self) -> HtmlElement | None:
        """The body's last line where the layout's container shows it: not the generic path's body,
        read again by trafilatura only to find the element a category label follows."""
        lines, (_, twins) = self.reader.lines, self.reader.copy
        return twins.get(lines[-1].element) if lines and lines[-1].element is not None else None

    def body_start(self) -> HtmlElement | None:
        """The body's first line where the layout's container shows it (the links HTML marks as the
        category are looked for up to it), as body_end(); a form's is the generic path's."""
        if self.reader.layout.form:
            return super().body_start()
        lines, (_, twins) = self.reader.lines, self.reader.copy
        return twins.get(lines[0].element) if lines and lines[0].element is not None else None

    @cached_property
    def dated_line(self) -> DatedLine | None:
        """The date line the layout reads (TemplatePage.dated_line), for the category it names
        ("Chuyên mục: Dân vận"): the generic path's is searched around its own body, which
        trafilatura reads again, on each page whose category the layout does not place
        (dcs-ninhthuan's, every one). A form's is the generic path's: it reads the whole record."""
        if self.reader.layout.form:
            return super().dated_line
        return self.reader.dated_line


def read_with_template(
    page: Page, knowledge: PortalKnowledge, *, site: str = "", site_names: tuple[str, ...] = (),
    caption_selector: str = CAPTIONS,
) -> Article | None:
    """The page's record read through the portal's learned template (knowledge.template): through
    the layout that finds the most of its parts on the page and holds it, on <head> and the scope's
    bytes when its markers find them, else on the whole page. None when no layout holds it, or the
    page holds no article there (the caller reads it the generic way)."""
    template = knowledge.template
    if template is None or not template.layouts:
        return None
    whole: list[HtmlElement] = []  # the whole page, parsed once when a layout's markers miss its scope

    def reader_of(layout: Layout) -> TemplatePage:
        part = region_of(page, layout.markers) if layout.markers is not None else None
        if part is not None:
            reader = TemplatePage(part, knowledge, layout, template, site_names=site_names,
                                  caption_selector=caption_selector, cut=True)
            if reader.scope is not None:
                return reader
        if not whole:
            whole.append(parse(page))
        return TemplatePage(page, knowledge, layout, template, tree=whole[0], site_names=site_names,
                            caption_selector=caption_selector)

    # Two layouts of one portal may both find a body where the other's pages have theirs: the one
    # that finds its lead, byline, picture too is the page's (the most parts found first, the
    # template's order among equals). The first layout finding all of its parts is tried before
    # the others are parsed and searched: none can find more.
    first = reader_of(template.layouts[0])
    tried: list[TemplatePage] = []
    if len(template.layouts) == 1 or first.fit() == 1.0:
        record = _read(first)
        if record is not None:
            return replace(record, site=site) if site else record
        tried.append(first)
    readers = [first, *(reader_of(layout) for layout in template.layouts[1:])]
    readers.sort(key=lambda reader: -reader.fit())
    for reader in readers:
        if reader in tried:
            continue
        record = _read(reader)
        if record is not None:
            return replace(record, site=site) if site else record
    return None


def _read(reader: TemplatePage) -> Article | None:
    if not reader.holds():
        return None
    try:
        return reader.to_record()
    except NotAnArticle:
        return None


# --- learning --------------------------------------------------------------------------------------

# A layout is learned from this many pages laid out alike, at least.
LAYOUT_PAGES = 2
# Where a scope's bytes may not start a page of their own: the parser would move a table's cell or
# a list's item elsewhere.
_NOT_CUTTABLE = {"body", "html", "td", "th", "tr", "tbody", "thead", "li", "dd", "dt", "option"}


def _labelled_lines_after(el: HtmlElement, most: int = 3) -> list[Line]:
    """The lines that follow `el`, each a block of its own, as long as each says by its label that
    it names the author or the paper: NukeViet's "<p class="text-right"><strong>Tác giả bài viết:
    </strong>Hồng Nhung</p><p class="text-right"><strong>Nguồn tin: </strong>Báo Kon Tum</p>" after
    the body's <div>, the second line on some pages only. The generic path reads them as the body's
    closing lines; the template, reading the one line after its container, lost the paper."""
    found: list[Line] = []
    sibling = el.getnext()
    while sibling is not None and len(found) < most:
        if isinstance(sibling.tag, str) and sibling.tag not in ("script", "style") and short_text(sibling, 0) != "":
            text = short_text(sibling, 280)
            if not text or not (is_labelled(text) or source_of(text)):
                break
            found.append(Line(text, sibling))
        sibling = sibling.getnext()
    return found


def _name_over_paragraph(first: Line, second: Line) -> bool:
    """A name-like line set in a box (no paragraph of its own) right over a paragraph."""
    box, paragraph = first.element, second.element
    return (box is not None and paragraph is not None and box.tag not in BLOCK_TAGS
            and paragraph.tag in BLOCK_TAGS and looks_like_name(first.text))


@dataclass
class _Sample:
    """One page read the generic way: its record, where each part of it was shown, and the lines
    the generic path read as its body (before bylines, lead and chrome were told apart)."""

    page: Page
    tree: HtmlElement
    record: Article
    parts: dict[str, HtmlElement | None]
    lines: set[str]
    form: bool = False

    @property
    def scope(self) -> HtmlElement | None:
        found = [el for el in self.parts.values() if el is not None]
        return common_ancestor(found) if found else None


def _sample(
    page: Page, knowledge: PortalKnowledge, site: str, site_names: tuple[str, ...], caption_selector: str,
) -> _Sample | None:
    try:
        tree = parse(page)
        reader = GenericPage(page, knowledge, tree=tree, site_names=site_names, caption_selector=caption_selector)
        record = reader.to_record()
    except (NotAnArticle, ValueError, etree.ParserError):
        return None
    if site:
        record = replace(record, site=site)
    body, form = reader.body, reader.form
    if form is not None:
        parts: dict[str, HtmlElement | None] = {
            "container": form.get("text"), "heading": form.get("title"), "date_line": form.get("published"),
            "lead": form.get("summary") if record.summary else None, "byline": form.get("author") if record.author
            else None, "category": None, "figure": form.get("image") if record.images else None,
            "source": form.get("source") if record.source else None,
        }
    else:
        container = _lines_container(reader)
        lead = body.twins.get(reader.lead_element) if reader.lead_element is not None else None
        # (the same place on every page, whichever of a wrapper and its one child the page's reading named)
        lead = _innermost(lead) if lead is not None else None
        dated = reader.dated_line
        parts = {
            "container": container, "heading": reader.heading[1], "date_line": dated.element if dated else None,
            "lead": lead, "byline": _byline_element(_body_of(tree), container, record, _first_line(reader)),
            # (not when <head> names it: article:section)
            "category": None if reader.section() == record.category else _showing(
                tree, record.category, reader.heading[1], reader.region),
            "figure": _figure(reader.region, container, reader.heading[1], record),
            "source": _source_element(reader.region, container, record),
        }
    if parts["container"] is None:
        return None
    return _Sample(page, tree, record, parts, _lines_read(reader, record), form is not None)


def _lines_container(reader: GenericPage) -> HtmlElement | None:
    """The page's element around what the generic path read, less the title: not trafilatura's box
    around the title too, Liferay's title header ("<div class="taglib-header"><h1>") and with it the
    whole portlet, where a box no sample page showed (the related assets under the text: "<h2>Các
    tài sản liên quan:</h2><ul><li><a>...") is read as the body on the next pages."""
    body = reader.body
    found = body.twins.get(body.container) if body.container is not None else None
    title, heading = reader.title(), reader.heading[1]
    # (its pictures too: a photo story's gallery beside its one paragraph is the article's)
    read = [body.twins.get(block.element) for block in (*body.blocks, *reader.image_blocks)
            if block.element is not None and block.text != title]
    read = [el for el in read if el is not None and el is not heading
            and (heading is None or heading not in el.iterancestors())]
    if found is None or not read:
        return found
    around = common_ancestor(read)
    return around if around is not None and (around is found or found in around.iterancestors()) else found


def _comes_before(first: HtmlElement, second: HtmlElement) -> bool:
    """Does `first` start before `second` in the page, neither holding the other?"""
    below: dict[HtmlElement, HtmlElement] = {}  # each ancestor of `first`: its child on the way down
    child = first
    for ancestor in first.iterancestors():
        below[ancestor] = child
        child = ancestor
    child = second
    for ancestor in second.iterancestors():
        if ancestor in below:
            return child is not first and ancestor.index(below[ancestor]) < ancestor.index(child)
        child = ancestor
    return False


def _first_line(reader: GenericPage) -> HtmlElement | None:
    """The page's element of the generic path's first line of the body; an author's labelled line
    over a lead set apart is the heading's metadata, not the body's (GenericPage.body_lines)."""
    lines = reader.body_lines if reader.lead_element is not None else reader.lines
    first = lines[0].element if lines else None
    return reader.body.twins.get(first) if first is not None else None


def _lines_read(reader: GenericPage, record: Article) -> set[str]:
    """The lines of the body the generic path read (before bylines, lead and chrome are told apart),
    less those it set aside before its first line as the heading's metadata: Liferay's Blogs entry
    holds its title, its subtitle ("<h4 class="sub-title">Cho ý kiến vào dự thảo ...</h4>") and its
    author in the box trafilatura reads, and the template, counting them as read, kept the subtitle
    as the text's first paragraph."""
    texts = [block.text for block in reader.body.blocks if block.kind == "text"]
    kept = [block.text for block in reader.lines]
    if reader.form is not None or not kept or kept[0] not in texts:
        return {block.text for block in reader.body.blocks}
    aside = set(texts[:texts.index(kept[0])]) - set(kept)
    aside = {text for text in aside if text != record.summary and not (
        (record.author and clean_author(text) == record.author)
        or (record.source and source_of(text) == record.source))}
    # ...and the prose it left after its last line, past the boxes it left out (GenericPage's
    # _before_the_left_out: the comments widget's prompt under the post's footer)
    if kept[-1] in texts:
        last = len(texts) - 1 - texts[::-1].index(kept[-1])
        aside |= {text for text in texts[last + 1:] if text not in kept and reads_as_paragraph(text)}
    return {block.text for block in reader.body.blocks} - aside


def _innermost(el: HtmlElement) -> HtmlElement:
    """The element, or the one element it wraps and nothing else (no text, no other child): where
    it shows a part, either of them is the place, and the generic reading names one or the other
    from page to page. NukeViet's `<div id="hometext"><div class="h2">lead</div></div>` is read as
    the wrapper on a page where it holds only the lead, as the inner <div> on one where it holds a
    picture box too; placed by the wrapper on most sample pages, the lead took the picture's caption
    on the others, and no layout was learned."""
    while True:
        children = [child for child in el if isinstance(child.tag, str)]
        if len(children) != 1 or (el.text or "").strip() or (children[0].tail or "").strip():
            return el
        el = children[0]


def _body_of(tree: HtmlElement) -> HtmlElement:
    body = tree.find("body")
    return body if body is not None else tree


def _outside(el: HtmlElement, container: HtmlElement | None) -> bool:
    return container is None or not (el is container or container in el.iterancestors())


def _byline_element(
    root: HtmlElement, container: HtmlElement | None, record: Article, first_line: HtmlElement | None = None,
) -> HtmlElement | None:
    """The element outside the body's lines that shows the author ("<div class="tacgia">Phóng
    viên: Minh Hương</div>" under the title, "<p>Tác giả: Quang Hà</p>" in a box under the body),
    when one does: the innermost, nearest the container. Outside the container, or inside it before
    `first_line`, the body's first line: Liferay's Blogs entry names its author in the box over
    the text ("<a class="text-truncate username">Minh Hằng</a>"), which the generic path reads
    with the text, and where nothing but a placed byline finds it once that box is pruned."""
    if not (record.author or record.source):
        return None
    order = {el: n for n, el in enumerate(root.iter())}
    before = order.get(first_line, -1) if first_line is not None else -1
    found: list[HtmlElement] = []
    for el in order:
        if not isinstance(el.tag, str) or (container is not None and el in container.iterancestors()):
            continue
        if not _outside(el, container) and not (
                first_line is not None and order[el] < before and el not in first_line.iterancestors()):
            continue
        text = short_text(el, 200)
        if text and ((record.author and clean_author(text) == record.author) or (
                not record.author and record.source and source_of(text) == record.source)):
            inner = [child for child in el.iter() if child is not el and isinstance(child.tag, str)
                     and short_text(child, 200) == text]
            found.append(inner[-1] if inner else el)
    if not found or container is None:
        return found[0] if found else None
    return min(found, key=lambda el: abs(order.get(el, 0) - order.get(container, 0)))


def _source_element(region: HtmlElement, container: HtmlElement | None, record: Article) -> HtmlElement | None:
    """The element outside the body's container that names the paper the article is taken from
    ("Theo Báo Quảng Bình" under NukeViet's body), when one does: the innermost."""
    if not record.source:
        return None
    found = None
    for el in region.iter():
        if not isinstance(el.tag, str) or not _outside(el, container) or (container is not None
                                                                         and el in container.iterancestors()):
            continue
        text = short_text(el, 200)
        if text and source_of(text) == record.source:
            found = el  # the last in document order that still shows it is the innermost
    return found


def _one_link(element: HtmlElement, shown: str) -> bool:
    """Is all the element shows one link's text: one category with a comma in its name ("<span><i>
    </i> <a>Tin huyện, thành phố</a></span>"), not a list of several?"""
    links = [a for a in element.iter("a") if clean(a.text_content())]
    return len(links) == 1 and clean(links[0].text_content()) == shown


def _showing(tree: HtmlElement, text: str | None, near: HtmlElement | None, region: HtmlElement) -> HtmlElement | None:
    """The element of the page's body that shows `text` as its whole text, nearest `near`: the last
    crumb of a breadcrumb, not the menu's item of the same name."""
    body = tree.find("body")
    if not text or body is None:
        return None
    order = {el: n for n, el in enumerate(body.iter())}
    shown = [el for el in body.iter("a", "span", "li", "div", "p", "td", "strong", "b", "h2", "h3", "label")
             if short_text(el, len(text) + 10) == text]
    if not shown:
        return None
    anchor = order.get(near, 0) if near is not None else 0
    # in the article's region first: a menu's item of the same name is further from the heading
    found = min(shown, key=lambda el: (not (el is region or region in el.iterancestors()), abs(order[el] - anchor)))
    # The first of several categories a label lists is placed as the label, where the other pages
    # show their one: "<span><i></i> <a>Tin huyện, thành phố</a>, <a>Tin hoạt động</a></span>"
    # beside the other posts' "<span><i></i> <a>Dân vận</a></span>" (BlogEngine.NET's post info).
    label = found.getparent()
    if found.tag == "a" and label is not None and label.find(".//a") is found:
        links = [a for a in label.iter("a") if clean(a.text_content())]
        between = short_text(label, 200) or ""
        for link in links:
            between = between.replace(clean(link.text_content()), "", 1)
        # (nothing but the links, set apart by commas: not a menu's box, whose links sit in lists)
        if len(links) > 1 and all(a.getparent() is label for a in links) and not between.strip(" ,;|/"):
            return label
    return found


def _figure(
    region: HtmlElement, container: HtmlElement | None, heading: HtmlElement | None, record: Article,
) -> HtmlElement | None:
    """The element holding a picture of the record that is outside the body's container (WordPress's
    post thumbnail between the heading and the body): the largest around it that holds neither."""
    if not record.images or container is None:
        return None
    names = {image.src.rsplit("/", 1)[-1] for image in record.images}
    for img in region.iter("img"):
        source = img.get("src") or img.get("data-src") or ""
        if source.rsplit("/", 1)[-1] not in names or not _outside(img, container):
            continue
        el = img
        while True:
            parent = el.getparent()
            if parent is None or parent is region or container in parent.iterancestors() or any(
                part is not None and (part is parent or parent in part.iterancestors())
                for part in (container, heading)
            ):
                return el
            el = parent
    return None


def learn_template(
    pages: Iterable[Page], *, site: str, version: int = 1, knowledge: PortalKnowledge | None = None,
    site_names: tuple[str, ...] = (), caption_selector: str = CAPTIONS,
) -> PortalKnowledge:
    """What a handful of one portal's article pages tell: the lines and title suffix they share
    (knowledge.learn()) and, when they lay their articles out alike (LAYOUT_PAGES or more of them
    per layout), the template that reads them as the generic path does. `knowledge`: what was known
    before (its names are kept). Pages without an article are left out."""
    pages = list(pages)
    known = replace(knowledge or NOTHING_KNOWN, template=None)
    learned = learn(pages)
    shown: dict[str, str | None] = {}  # each page's date read without the learned lines
    protected = _field_lines(pages, known, site_names, caption_selector, shown)
    knowledge = replace(learned, names=known.names, chrome_lines=learned.chrome_lines - protected)
    samples = [s for s in (_sample(page, knowledge, site, site_names, caption_selector) for page in pages) if s]
    # A dated line is no chrome when with it a page loses the date it shows: the header's clock
    # ("Thứ Hai, 07/12/2026") is on every page, and the date rules tell a clock by its being the
    # page's latest day; with the clock gone from the page's lines, an Orchard post's masthead line
    # "<h1>...</h1> Đăng bởi bientap ngày 08/04/2025 08:00" is the latest, read as the clock, and the
    # post had no date (no layout was learned from it, and the crawl took it for no article).
    dated = frozenset(line for line in knowledge.chrome_lines if parse_date(line) is not None)
    if dated and any(sample.record.published is None and shown.get(sample.page.url) is not None
                     for sample in samples):
        knowledge = replace(knowledge, chrome_lines=knowledge.chrome_lines - dated)
        samples = [s for s in (_sample(page, knowledge, site, site_names, caption_selector) for page in pages) if s]
    groups: dict[tuple[str, ...], list[_Sample]] = {}
    for sample in samples:
        scope = sample.scope
        if scope is not None:
            groups.setdefault(tuple(el.tag for el in (_chain(sample.tree, scope) or [])), []).append(sample)
    layouts = []
    stub = Template(site, version, ())
    for group in sorted(groups.values(), key=len, reverse=True):
        if len(group) >= LAYOUT_PAGES:
            layout = _learn_layout(group, knowledge, stub, site_names, caption_selector)
            if layout is not None:
                layouts.append(layout)
    if not layouts:
        return knowledge
    return knowledge.with_template(Template(site, version, tuple(layouts), pages=len(samples)))


def _field_lines(
    pages: list[Page], known: PortalKnowledge, site_names: tuple[str, ...], caption_selector: str,
    shown: dict[str, str | None] | None = None,
) -> frozenset[str]:
    """The lines that show a field of the pages' records (read without the lines they share): a
    small portal's one reporter signs most of its articles ("Phóng viên: Minh Hương" on three
    pages of five), and that line is its author, not the portal's chrome. Each page's date so read
    goes into `shown`, by URL. And the lines listed with one of the pages' titles (_listed_with)."""
    keys: set[str] = set()
    titles: set[str] = set()
    trees: list[HtmlElement] = []
    for page in pages:
        try:
            tree = parse(page)
            record = GenericPage(page, known, tree=tree, site_names=site_names,
                                 caption_selector=caption_selector).to_record()
        except (NotAnArticle, ValueError, etree.ParserError):
            continue
        trees.append(tree)
        if shown is not None:
            shown[page.url] = record.published
        keys.update(line_key(value) for value in (record.title, record.author, record.source, record.summary)
                    if value)
        titles.add(line_key(record.title))
        if not (record.author or record.source):
            continue
        body = tree.find("body")
        for el in body.iter() if body is not None else ():
            if not isinstance(el.tag, str):
                continue
            text = short_text(el, CHROME_LINE_MAX)
            if text and ((record.author and clean_author(text) == record.author)
                         or (record.source and source_of(text) == record.source)):
                keys.add(line_key(text))
    return frozenset(keys | _listed_with(trees, titles))


_LISTS = ("ul", "ol", "table", "dl")


def _listed_with(trees: list[HtmlElement], titles: set[str]) -> set[str]:
    """The lines of each list that links one of the pages' titles: the titles of other articles (a
    box of the newest, the most read), which most pages show and which are no chrome. Which of them
    the pages' own titles kept out of the learned lines depended on which pages the crawl read first
    (sharepoint-bentre's "Tin mới nhất" box: the template learned differed from run to run)."""
    listed: set[str] = set()
    for tree in trees:
        seen: set[HtmlElement] = set()
        for link in tree.iter("a"):
            text = short_text(link, CHROME_LINE_MAX * 4)
            if not text or line_key(text) not in titles:
                continue
            box = next(link.iterancestors(*_LISTS), None)
            if box is not None and box not in seen:
                seen.add(box)
                listed |= short_lines(box)
    return listed


def _learn_layout(
    group: list[_Sample], knowledge: PortalKnowledge, template: Template, site_names: tuple[str, ...],
    caption_selector: str,
) -> Layout | None:
    scopes = [(sample.tree.find("body"), sample.scope) for sample in group]
    if any(body is None or scope is None for body, scope in scopes):
        return None
    scope_path = common_path(scopes)  # type: ignore[arg-type]
    if scope_path is None:
        return None
    paths: dict[str, Path | None] = {}
    also: list[tuple[str, Path]] = []
    for name in ("heading", "date_line", "byline", "category", "figure", "lead", "source"):
        pairs = [(sample.scope, sample.parts[name]) for sample in group if sample.parts[name] is not None]
        # A part some pages do not show (a lead, a byline) is placed by those that do, or by most of
        # them (a lead written without its usual element on one page is the generic path's there).
        optional = name in ("lead", "byline", "figure", "source")
        # The date line by most pages too: where the others show it, the generic rule finds it
        # (TemplatePage.dated_line). WordPress's generic reading takes the "posted-by" line on some
        # pages, the whole entry footer around it on others: "Đã đăng 27/06/2025 Bởi bientap".
        at_least = 1 if optional else len(group) // 2 + 1 if name == "date_line" else len(group)
        paths[name] = _placed(pairs, at_least)  # type: ignore[arg-type]
        if optional or name == "date_line":
            # ...and where the pages show it otherwise, each way its own place (tried after the first)
            places = _places(pairs)  # type: ignore[arg-type]
            # (a date line only some pages show apart is no place of the layout's, where the others'
            # is searched for by the generic rule: one of wordpress-phuyen's eight sample pages read
            # its date from a reader's comment, the rest from <head>, and placed there the layout
            # held none of the others)
            if paths[name] is None and places and (optional or len(pairs) * 2 > len(group)):
                paths[name], places = places[0], places[1:]
            also += [(name, path) for path in places if path != paths[name]]
    # What every sample showed, where the layout places it, another layout's page does not show there.
    # (A lead, a byline, a picture come and go from article to article.)
    required = tuple(name for name in ("heading", "date_line", "category")
                     if paths[name] is not None and all(sample.parts[name] is not None for sample in group))
    form = all(sample.form for sample in group)

    def reads_all(candidate: Layout, cut: bool = False) -> bool:
        return all(_reads(each, candidate, knowledge, template, site_names, caption_selector, cut) for each in group)

    # A part shown apart on fewer than half of the pages, left to the generic rules when placing it
    # makes the layout read the others otherwise (a byline box one page fills, empty or another
    # line on the rest).
    rare = tuple(name for name in ("byline", "lead", "figure", "source")
                 if paths[name] is not None
                 and sum(sample.parts[name] is not None for sample in group) * 2 < len(group))
    for container in _container_paths(group):
        layout = Layout(scope=scope_path, container=container, heading=paths["heading"], date_line=paths["date_line"],
                        lead=paths["lead"], byline=paths["byline"], category=paths["category"],
                        figure=paths["figure"], source=paths["source"], required=required, also=tuple(also),
                        form=form)
        unplaced = replace(layout, also=tuple((name, path) for name, path in also if name not in rare))
        for name in rare:
            unplaced = replace(unplaced, **{name: None})  # type: ignore[arg-type]
        # What no sample page showed is not searched for on the next ones, when the samples agree.
        absent = tuple(name for name in ("date_line", "category") if paths[name] is None
                       and all(sample.parts[name] is None for sample in group))
        placings = [layout, unplaced] if rare else [layout]
        if absent:
            placings = [replace(each, absent=absent) for each in placings] + placings
        for placing in placings:
            for breaks in (False, True):
                candidate = replace(placing, breaks=breaks)
                candidate = replace(candidate, prune=_prune_paths(group, candidate, knowledge, template, site_names,
                                                                  caption_selector))
                if reads_all(candidate):
                    for cut in _marker_candidates(group, candidate):
                        if reads_all(cut, cut=True):
                            return cut
                    return candidate
    return None


def _placed(pairs: list[tuple[HtmlElement, HtmlElement]], at_least: int) -> Path | None:
    """The path that places the part on all of these pages, else on most of them (at least
    `at_least`, and more than half)."""
    if len(pairs) < max(1, at_least):
        return None
    path = common_path(pairs)
    if path is not None:
        return path
    kinds: dict[tuple[str, ...], list[tuple[HtmlElement, HtmlElement]]] = {}
    for scope, el in pairs:
        kinds.setdefault(tuple(each.tag for each in _chain(scope, el) or []), []).append((scope, el))
    most = max(kinds.values(), key=len)
    if len(most) * 2 <= len(pairs) or len(most) < at_least:
        return None
    return common_path(most)


def _places(pairs: list[tuple[HtmlElement, HtmlElement]]) -> list[Path]:
    """Each place the part shows on these pages: the path of each set of them laid out alike, the
    most pages first."""
    kinds: dict[tuple[str, ...], list[tuple[HtmlElement, HtmlElement]]] = {}
    for scope, el in pairs:
        kinds.setdefault(tuple(each.tag for each in _chain(scope, el) or []), []).append((scope, el))
    places = [common_path(kind) for kind in sorted(kinds.values(), key=len, reverse=True)]
    return [path for path in places if path is not None]


def _container_paths(group: list[_Sample]) -> Iterable[Path]:
    """Where the body's container may be, tightest first: each page's own container, found on the
    others at the same place (on some pages a byline beside the body made the generic path's
    container the box around both), then the elements around them."""
    seen: list[Path] = []
    found: list[Path] = []
    for sample in group:
        own = common_path([(sample.scope, sample.parts["container"])]) if sample.scope is not None else None
        if own is None or own in seen:
            continue
        seen.append(own)
        located_on = [(other.scope, locate(other.scope, own)) for other in group]
        if all(el is not None for _, el in located_on):
            path = common_path(located_on)  # type: ignore[arg-type]
            if path is not None and path not in found:
                found.append(path)
    for path in sorted(found, key=len, reverse=True):
        yield path
    # ...then the element at the same depth below the scope on every page that holds each page's own
    chains = [_chain(sample.scope, sample.parts["container"]) if sample.scope is not None
              and sample.parts["container"] is not None else None for sample in group]
    if any(chain is None for chain in chains):
        return
    depths = sorted({len(chain) for chain in chains if chain is not None})
    for depth in range(depths[0], -1, -1):
        pairs = []
        for sample, chain in zip(group, chains, strict=True):
            assert chain is not None and sample.scope is not None
            pairs.append((sample.scope, chain[depth - 1] if depth else sample.scope))
        path = common_path(pairs)
        if path is not None and path not in found:
            found.append(path)
            yield path


def _prune_paths(
    group: list[_Sample], layout: Layout, knowledge: PortalKnowledge, template: Template,
    site_names: tuple[str, ...], caption_selector: str,
) -> tuple[Path, ...]:
    """What the container holds that the generic path did not read as the article (the date line
    and view counter inside the article's box, its tools, a box of related titles), as paths from
    the container that take every element of their kind, kept when on no sample page they take a
    part of the article."""
    template = replace(template, layouts=(layout,))
    readers = [TemplatePage(sample.page, knowledge, layout, template, tree=sample.tree, site_names=site_names,
                            caption_selector=caption_selector) for sample in group]
    if any(reader.found["container"] is None for reader in readers):
        return ()
    wanted = [_wanted(reader, sample) for reader, sample in zip(readers, group, strict=True)]
    # The ids every sample page's container shows: an id one page alone shows names that page's entry
    # ("<div id="_com_liferay_blogs_web_portlet_BlogsPortlet_40932">" around the text and its tags),
    # and a path by it finds nothing on the next page.
    ids = [_ids_in(reader.found["container"]) for reader in readers]
    shared = set.intersection(*ids) if ids else set()
    kept: list[Path] = []
    for reader, keep in zip(readers, wanted, strict=True):
        container = reader.found["container"]
        read = _not_read(reader, keep)
        for el in [*read, *_dropped(reader)]:
            chain = _chain(container, el) if container is not None else None
            if not chain:
                continue
            steps = [Step(each.tag, tuple(sorted(_classes(each))), each.get("id") if each.get("id") in shared else None,
                          None) for each in chain]
            every = tuple(steps)
            # ...else the element at its place among its like siblings: Liferay's Blogs entry shows
            # its header (category, title, author, "Cách đây 16 giờ - 1.204 Views") and its text in
            # two <div class="container widget-mode-detail-header">, the first of them not the article.
            likes = [_like(each.getparent(), step) for step, each in zip(steps, chain, strict=True)]
            placed = tuple(replace(step, index=like.index(each))
                           for step, like, each in zip(steps, likes, chain, strict=True))
            # (from the last: the box of tags closes the entry, after a caption's row on some pages)
            from_last = tuple(replace(step, index=like.index(each) - len(like))
                              for step, like, each in zip(steps, likes, chain, strict=True))
            # What the rules dropped is taken off by its kind only: among like siblings, its place tells
            # nothing the samples vouch for (NukeViet's "<p>Những tin cũ hơn</p>", the second <p> after
            # the body on the samples, is the third on a page that closes with a source line).
            for path in (every, placed, from_last) if el in read else (every,):
                if path in kept:
                    break
                if not any(
                    kept_el is found or found in kept_el.iterancestors()
                    for other, other_keep in zip(readers, wanted, strict=True)
                    for found in located(other.found["container"], path) for kept_el in other_keep
                ):
                    kept.append(path)
                    break
    return tuple(kept)


def _ids_in(container: HtmlElement | None) -> set[str]:
    """The ids of the elements below `container`."""
    found = (el.get("id") for el in container.iterdescendants(etree.Element)) if container is not None else ()
    return {ident for ident in found if ident}


def _wanted(reader: TemplatePage, sample: _Sample) -> list[HtmlElement]:
    """The elements below the container that show what the generic path read: the lines of its
    body, its lead, its byline and source lines, its images."""
    record = sample.record
    _, twins = reader.copy
    keep: list[HtmlElement] = []
    # The lead where the generic path read it, not wherever its words are shown again: the newest
    # article's teaser, its title and lead over every page of the news (NukeViet 3's modern theme),
    # repeats the article's own lead on the newest article's page, and is no part of any article.
    lead = sample.parts.get("lead")
    for block in reader.blocks:
        original = twins.get(block.element) if block.element is not None else None
        if original is None or block.kind != "text":
            continue
        if block.text == record.summary and lead is not None:
            if original is lead or lead in original.iterancestors() or original in lead.iterancestors():
                keep.append(original)
            continue
        if block.text in sample.lines or block.text == record.summary:
            keep.append(original)
    names = {image.src.rsplit("/", 1)[-1] for image in record.images}
    container = reader.found["container"]
    if container is not None and names:
        # A picture shown where its own address is written (its file, or the link around its
        # thumbnail) is the article's; another of the same file name is not, where one is: the newest
        # article's teaser over its own page shows its thumbnail, "/files/news/thumb/so-ket.jpg",
        # beside the article's "/uploads/news/2025_06/so-ket.jpg".
        addresses = {image.src for image in record.images}
        shown = {img: _addresses(img, sample.page.url) for img in container.iter("img")}
        exact = {address.rsplit("/", 1)[-1] for img_addresses in shown.values() for address in img_addresses
                 if address in addresses}
        for img, img_addresses in shown.items():
            if img_addresses & addresses:
                keep.append(img)
            elif any((img.get(attr) or "").rsplit("/", 1)[-1] in names - exact
                     for attr in ("src", "data-src", "data-original")):
                keep.append(img)
    return keep


def _addresses(img: HtmlElement, url: str) -> set[str]:
    """The addresses a picture shows: its file's, and the link's around it."""
    link = next(img.iterancestors("a"), None)
    values = [img.get(attr) for attr in ("src", "data-src", "data-original")]
    values.append(link.get("href") if link is not None else None)
    return {urljoin(url, value.strip()) for value in values if value and value.strip()}


def _not_read(reader: TemplatePage, keep: list[HtmlElement]) -> list[HtmlElement]:
    """The elements below the container whose lines the generic path did not read: each the
    largest that holds nothing it did."""
    container = reader.found["container"]
    _, twins = reader.copy
    found: list[HtmlElement] = []

    def holds_kept(el: HtmlElement) -> bool:
        return any(kept is el or el in kept.iterancestors() for kept in keep)

    for block in reader.blocks:
        original = twins.get(block.element) if block.element is not None else None
        if block.kind != "text" or original is None or holds_kept(original):
            continue
        el = original
        while True:
            parent = el.getparent()
            if parent is None or parent is container or holds_kept(parent):
                break
            el = parent
        if el is not container and el not in found:
            found.append(el)
    return found


# Dropped by the chrome rules whatever they hold: never a place the article shows.
_NOT_SHOWN = ("script", "style", "noscript", "template")


def _dropped(reader: TemplatePage) -> list[HtmlElement]:
    """The elements below the container that the chrome rules dropped from its copy for what they
    showed (a hidden field, a microdata value, a widget's line), each the largest so dropped: the
    next page's element at the same place may show what the rules do not know for such
    (NukeViet's hidden `<span class="hidden" itemprop="image">` holds the picture's absolute URL on
    most pages, dropped as a machine value, and "/themes/mobile_default/images/no_image.gif" on a
    page without a picture, read as a line of its text)."""
    pruned, twins = reader.copy
    if pruned is None:
        return []
    kept = {twins[el] for el in pruned.iter() if el in twins}
    found: list[HtmlElement] = []
    container = reader.found["container"]
    for el in container.iterdescendants(etree.Element) if container is not None else ():
        if el in kept or el.tag in _NOT_SHOWN or any(ancestor in found for ancestor in el.iterancestors()):
            continue
        if el.getparent() in kept and clean(el.text_content()):
            found.append(el)
    return found


def _reads(
    sample: _Sample, layout: Layout, knowledge: PortalKnowledge, template: Template, site_names: tuple[str, ...],
    caption_selector: str, cut: bool,
) -> bool:
    """Does the layout read the sample page (cut to its markers when `cut`) into its record?"""
    template = replace(template, layouts=(layout,))
    page = sample.page
    if cut:
        part = region_of(page, layout.markers) if layout.markers is not None else None
        if part is None:
            return False
        reader = TemplatePage(part, knowledge, layout, template, site_names=site_names,
                              caption_selector=caption_selector, cut=True)
    else:
        reader = TemplatePage(page, knowledge, layout, template, tree=sample.tree, site_names=site_names,
                              caption_selector=caption_selector)
    record = _read(reader)
    if record is None:
        return False
    return replace(record, site=sample.record.site, extraction=sample.record.extraction) == sample.record


# How far above the scope the markers may cut.
_CUT_LEVELS = 4


def _marker_candidates(group: list[_Sample], layout: Layout) -> Iterable[Layout]:
    """The layout with byte markers: the opening tag of the first sample's scope, or of one of its
    ancestors (by its id or class), and of what follows the scope (or None: to the end of the
    page), to be tried on every sample."""
    first = group[0]
    scope = first.scope
    if scope is None:
        return
    raw = first.page.body
    following = element_after(scope)
    ends: list[bytes | None] = [*(_tag_markers(raw, following) if following is not None else []), None]
    anchor: HtmlElement | None = scope
    for cut_at in range(min(_CUT_LEVELS, len(layout.scope))):
        if anchor is None or anchor.tag in ("body", "html"):
            return
        if anchor.tag not in _NOT_CUTTABLE:
            for start in _tag_markers(raw, anchor):
                for end in ends:
                    yield replace(layout, markers=(start, end), cut_at=cut_at)
        anchor = anchor.getparent()


def _tag_markers(raw: bytes, el: HtmlElement) -> list[bytes]:
    """The first bytes of `el`'s opening tag as the page writes it, up to its id or its class:
    b'<div class="noidung"', b"<div id='ctl00_ContentPlaceHolder1_pnlChiTiet'"."""
    found: list[bytes] = []
    tag = el.tag.encode("ascii", "ignore") if isinstance(el.tag, str) else b""
    for name in ("id", "class"):
        value = el.get(name)
        if not tag or not value or not value.isascii():
            continue
        pattern = re.compile(
            rb"<" + re.escape(tag) + rb"\b[^>]*?\b" + name.encode() + rb"\s*=\s*([\"']?)"
            + re.escape(value.encode("ascii")) + rb"\1(?=[\s>/])",
            re.I,
        )
        match = pattern.search(raw, max(0, raw.find(b"</head>")))
        if match is not None:
            found.append(match.group(0))
    return found
