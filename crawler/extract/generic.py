"""The generic page object: any portal's page -> Article, without a profile.

One method per field, each reading the page's structure and text (layout.py, titles.py,
datelines.py, bylines.py), never what the portal named its elements; `to_record()` only
assembles them. What the portal's other pages tell (crawler/extract/knowledge.py) is used when
given. Profiles (crawler/extract/article.py) fall back on this object field by field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from functools import cached_property
from itertools import dropwhile
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extract import chrome
from crawler.extract.blocks import Block, mark_captions, uncaption_lead, unique_images, walk
from crawler.extract.body import Body, holders_of, read_body
from crawler.extract.bylines import (
    Line,
    Split,
    byline_in_line,
    clean_author,
    credit_in,
    is_dated_byline,
    is_labelled,
    join_labels,
    name_after_label,
    page_author,
    split_lines,
    told_in_pictures,
)
from crawler.extract.datelines import (
    LINE_MAX,
    DatedLine,
    dated_lines,
    most_precise,
    page_made,
    publication_line,
    range_of,
    structured_date,
)
from crawler.extract.dates import parse_date, to_iso
from crawler.extract.fold import fold
from crawler.extract.knowledge import NOTHING_KNOWN, PortalKnowledge
from crawler.extract.layout import (
    Prose,
    article_region,
    breadcrumb,
    category_in_line,
    common_ancestor,
    filed_under,
    first_and_last,
    first_prose,
    holds_prose,
    is_emphasised,
    label_above,
    label_below,
    labelled_fields,
    lead_text,
    lines_between,
    linked_in_metadata,
    pieces_of,
    prose,
    reads_as_paragraph,
    section_of_address,
    set_apart,
)
from crawler.extract.page import HtmlElement, element_after, head, jsonld_values, parse, short_text, xpath
from crawler.extract.record import Article, Image, NotAnArticle, Page
from crawler.extract.text import clean, letters
from crawler.extract.titles import (
    article_heading,
    clean_title,
    heading_above,
    is_site_heading,
    names_the_page,
    site_names,
)
from crawler.extract.urls import canonical_url, host_of

# Compiled once: a query string given to .xpath() is compiled again on every call.
_CANONICAL = xpath('descendant::link[@rel="canonical"]/@href | descendant::meta[@property="og:url"]/@content')
_SECTION = xpath('descendant::meta[@property="article:section"]/@content')

# Where captions usually are; captions under images are also found by where they sit.
CAPTIONS = "figcaption, .image_desc, .caption, .PhotoCMS_Caption, .image-caption, .chu-thich"


class GenericPage:
    """A page read without selectors: every field has one small method; `to_record()` assembles them."""

    def __init__(
        self, page: Page, knowledge: PortalKnowledge | None = None, *, tree: HtmlElement | None = None,
        site_names: tuple[str, ...] = (), caption_selector: str = CAPTIONS,
    ) -> None:
        self.page = page
        self.knowledge = knowledge or NOTHING_KNOWN
        self.tree = tree if tree is not None else parse(page)
        self.declared_names = site_names
        self.caption_selector = caption_selector
        # The section whose page shows the article, when its <title> names the section (heading)
        self.own_section: str | None = None

    extraction: ClassVar[str] = "generic"

    # --- where things sit ----------------------------------------------------------------

    @cached_property
    def names(self) -> tuple[str, ...]:
        """What the site calls itself: a title suffix naming it goes, an author naming it is none."""
        return site_names(self.tree, self.page.url, (*self.declared_names, *self.knowledge.names))

    @cached_property
    def form(self) -> dict[str, HtmlElement] | None:
        """The article's fields when the page lays it out as a form of labelled rows
        (layout.labelled_fields): SharePoint's list item display form."""
        return labelled_fields(self.tree)

    def field(self, name: str) -> str | None:
        """A labelled field's text (None when the form has no such field, or leaves it empty)."""
        cell = self.form.get(name) if self.form is not None else None
        return (clean(cell.text_content()) or None) if cell is not None else None

    @cached_property
    def heading(self) -> tuple[str, HtmlElement | None]:
        """The title and the element that shows it."""
        if self.form is not None and self.field("title"):
            return clean_title(self.field("title") or "", self.names, self.knowledge), self.form["title"]
        title, element = article_heading(self.tree, self.names, self.knowledge, lambda: self.page_prose.container)
        # Before a heading over some date line: under the body, "<h3>Ý kiến bạn đọc (1)</h3>" heads
        # a reader's comment, dated and in prose, as a headline heads the article.
        if title and element is None:
            shown = self.heading_over_the_body(title)
            if shown is not None:
                return shown
        if title and element is not None and element.tag != "h1" and self.names_its_own_section(title):
            shown = self.heading_over_a_date_line(element)
            if shown is not None:
                self.own_section = title
                return shown
        if title and element is not None and names_the_page(self.tree, title, self.names, self.knowledge):
            # The heading shows the page's <title> less the site's name: the article's, not the count of
            # comments over a date after the chrome ("<h3>0 bình luận</h3>" over a blog post's date leaf).
            return title, element
        if title and (element is None or element.tag != "h1"):
            nearer = self.heading_before_the_body(element)
            if nearer is not None:
                return nearer
        if title:
            return title, element
        # An empty <h1> and og:title, a <title> that is the portal's name: the heading-like line
        # above the date line ("<div><b>Hội nghị ...</b></div><div>Ngày đăng: 20/11/2026</div>").
        for line in dated_lines(self.tree):
            for text, shown in heading_above(line.element, self.names):
                return text, shown
        return "", None

    def heading_before_the_body(self, shown: HtmlElement | None) -> tuple[str, HtmlElement] | None:
        """A heading (<h2>..<h6>) right above a date line that prose follows, when the <title>'s
        text is shown elsewhere: a viewer page's <title> and title row name the page ("<title>Pages -
        Chi tiết tin</title>", "<h2>Chi tiết tin</h2>"), the list item it shows has its own "<h3>Đảng
        ủy xã An Lập ...</h3><div>Thứ Năm, 05/09/2024 - 09:15</div>" over its lead and text.
        Not when the element showing the title heads prose itself: a heading over a date line further
        down heads something else, a reader's comment ("<h4>Cảm ơn Ban Dân vận</h4><div>16:02
        21/03/2025 Nguyễn Văn Chiến</div><div>Mong các mô hình ...</div>" under a blog post)."""
        if shown is not None and _prose_follows(shown):
            return None
        for line in dated_lines(self.tree):
            # A short title and its date line may make one line ("<header><h3>...</h3><div>Thứ Ba,
            # 22/04/2025 - 08:30</div></header>"): the heading inside it.
            inside = [(clean(h.text_content()), h) for h in line.element.iter(*_SUBHEADINGS)]
            inside = [(text, h) for text, h in inside if len(text) >= 10]
            for text, element in inside or heading_above(line.element, self.names):
                heading = _heading_in(element, text)
                if heading is not None and heading is not shown and _prose_follows(line.element):
                    return clean_title(text, self.names, self.knowledge), heading
                break
        return None

    def names_its_own_section(self, title: str) -> bool:
        """Is `title` the name the page's menu gives its address less the query, while the query picks
        what it shows? Liferay 5.2 opens an article of its Journal Articles list in the section's
        own page, maximized ("/web/guest/hoat-dong-co-so?p_p_id=62_INSTANCE_Hd3c&...&articleId=15240"),
        under "<title>Hoạt động cơ sở - Tỉnh ủy ...</title>", the menu's "<a href="/web/guest/hoat-
        dong-co-so">Hoạt động cơ sở</a>": the section's name, not the article's."""
        page = urlsplit(self.page.url)
        if not page.query:
            return False
        key = fold(title)
        for link in self.tree.iter("a"):
            href = urlsplit(urljoin(self.page.url, (link.get("href") or "").strip()))
            if (href.netloc == page.netloc and href.path.rstrip("/") == page.path.rstrip("/") and not href.query
                    and fold(clean(link.text_content())) == key):
                return True
        return False

    def heading_over_a_date_line(self, shown: HtmlElement) -> tuple[str, HtmlElement] | None:
        """The heading-like line right above the last date line before the page's prose, the prose
        following it ("<div class="tieu-de">Đảng bộ xã Hồng Hạ ...</div><div class="ngay-dang">Thứ
        năm, 19/04/2012 - 10:00</div>" over the lead and the body, under the portlet's title). A later
        page of the section's list, its address's query a page number, shows linked titles over its
        dates, or none."""
        container = self.page_prose.container
        if container is None:
            return None
        order = {el: index for index, el in enumerate(self.tree.iter())}
        before = [line for line in dated_lines(self.tree) if order.get(line.element, -1) < order[container]
                  and container not in line.element.iterancestors() and line.element not in container.iterancestors()]
        if not before:
            return None
        nearest = max(before, key=lambda line: order[line.element])
        if not _prose_follows(nearest.element):
            return None
        # The title may open the date's line, as short as the two are: "<header><div>Đảng bộ xã Hồng
        # Hạ ...</div><div>Thứ năm, 19/04/2012 - 10:00</div></header>".
        opening = [child for child in nearest.element if isinstance(child.tag, str)][:1]
        inside = [(clean(el.text_content()), el) for el in opening if len(nearest.element) >= 2]
        inside = [(text, el) for text, el in inside
                  if 10 <= len(text) <= 300 and el.find(".//a") is None and parse_date(text) is None]
        for text, element in inside or heading_above(nearest.element, self.names):
            if element is not shown and element.tag not in ("head", "title"):
                return clean_title(text, self.names, self.knowledge), element
        return None

    def heading_over_the_body(self, name: str) -> tuple[str, HtmlElement] | None:
        """The page's one <h1>, plain text over the article's prose, when neither the <title> nor
        og:title is shown on the page and the <title> (`name`) is a short name of it, most of its
        words the headline's: the name editors gave the page ("<title>Tổng kết công tác tuyên giáo
        2024 - Cổng TTĐT ...</title>" over "<h1>Tổng kết công tác tuyên giáo năm 2024, triển khai
        nhiệm vụ năm 2025</h1>", then the date line and the lead: Umbraco's node name and PageTitle).
        A <title> naming something else ("27-CT/TU - Văn bản" over a document's "<h1>Chỉ thị về
        ...</h1>") stays the title; an <h1> holding links or a script is the site's logo or a path."""
        shown = [h1 for h1 in self.tree.iter("h1") if 10 <= len(clean(h1.text_content())) <= 300]
        if len(shown) != 1 or is_site_heading(shown[0], self.names) or not _prose_follows(shown[0]):
            return None
        if shown[0].find(".//a") is not None or shown[0].find(".//script") is not None:
            return None
        headline = clean_title(shown[0].text_content(), self.names, self.knowledge)
        words, theirs = _WORD.findall(fold(name)), set(_WORD.findall(fold(headline)))
        if 2 * sum(1 for word in words if word in theirs) < len(words):
            return None
        return headline, shown[0]

    @cached_property
    def page_prose(self) -> Prose:
        """Where the page's prose is, before the heading is known."""
        return prose(self.tree)

    @cached_property
    def prose(self) -> Prose:
        """Where the page's prose is (layout.prose)."""
        return prose(self.tree, self.heading[1])

    @property
    def container(self) -> HtmlElement | None:
        """The element whose paragraphs hold the most text (a form's text field)."""
        return self.form["text"] if self.form is not None else self.prose.container

    @cached_property
    def region(self) -> HtmlElement:
        """The smallest element holding the heading and the body (layout.article_region; a form's
        table)."""
        if self.form is not None:
            table = common_ancestor(self.form.values())
            return table if table is not None else self.form["text"]
        return article_region(self.tree, self.heading[1], self.prose)

    def in_container(self, block: Block) -> bool:
        """Is the block inside the element holding most of the body's text (or unknown)?"""
        original = self._twin(block.element)
        if original is None or self.container is None:
            return True
        return original is self.container or self.container in original.iterancestors()

    @cached_property
    def body(self) -> Body:
        return read_body(
            self.region, self.page.url, self.caption_selector, self.container, by_lines=self.form is not None
        )

    def _twin(self, element: HtmlElement | None) -> HtmlElement | None:
        """The page's element for one of the body's pruned copy."""
        return self.body.twins.get(element) if element is not None else None

    def closes_body(self, line: Line) -> bool:
        """Is the line inside the body's container (in the pruned copy), or right after it (after
        the container, or after the wrapper it closes)?"""
        container, el = self.body.container, line.element
        if container is None or el is None:
            return False
        if el is container or container in el.iterancestors():
            return True
        box: HtmlElement | None = container
        for _ in range(10):  # the container, then each wrapper it closes (each level of a fragment's)
            if box is None:
                break
            following = box.getnext()
            # ...past what pruning emptied: the related links a publishing layout puts between the
            # body and its byline ("<div>[summary links]</div><div>Minh Châu</div>", SharePoint).
            while following is not None and (not isinstance(following.tag, str) or _emptied(following)):
                following = following.getnext()
            if following is not None:
                return el is following or following in el.iterancestors()
            box = box.getparent()
        return False

    def copy_of(self, element: HtmlElement | None) -> HtmlElement | None:
        """The body's pruned copy of one of the page's elements (None when pruned or outside)."""
        if element is None:
            return None
        return next((twin for twin, original in self.body.twins.items() if original is element), None)

    @cached_property
    def lines(self) -> list[Block]:
        """The body's text blocks, captions and widget lines left out, the title too (trafilatura
        keeps Liferay's <h1> in the body)."""
        title = self.title()
        lines = [
            block for block in self.body.blocks
            if block.kind == "text" and block.text != title and not chrome.is_chrome_line(block.text)
            and not chrome.is_photo_credit(block.text) and not self.knowledge.is_chrome_line(block.text)
            and not is_dated_byline(block.text) and not self._holds_heading(block) and not self._form_row(block)
        ]
        lines = self._after_the_heading(lines)
        # Before the body's container, what does not read as prose is the heading's metadata:
        # "Đăng ngày 14/03/2024 bởi bientap" in a WordPress entry header (its bylines are read
        # from the lines around the body, in `split`). trafilatura drops <time>: such a line is
        # no element's text, and has no holder.
        for _ in range(3):
            if not lines or len(lines[0].text) > 120 or reads_as_paragraph(lines[0].text):
                break
            # ...and so is a value given as microdata, wherever it sits: "<span itemprop="name">Nguyễn
            # Thị Hằng</span>" under the <h1>, the account NukeViet names and hides.
            given = lines[0].element is not None and lines[0].element.get("itemprop") is not None
            # ...and so is a date line the container opens with, under the heading it holds: "<div><h2>
            # Hội nghị ...</h2><p>tháng 11 06, 2026 | Người đăng: bientap | Lượt xem: 1284</p><p><strong>
            # Ngày 5/11, ...</strong></p>" (an Oqtane.Blogs post once no class name gets trafilatura to
            # drop the line), and a date line in the heading's own box (`_dated_beside_heading`).
            dated = parse_date(lines[0].text) is not None and self.heading[1] is not None and (
                self.container is not None and self.container in self.heading[1].iterancestors())
            if (lines[0].element is not None and self.in_container(lines[0]) and not given and not dated
                    and not self._dated_beside_heading(lines[0])):
                break
            lines.pop(0)
        return self._without_labels_after_the_lead(
            self._before_the_left_out(self._before_the_metadata(self._before_the_boxes(lines)))
        )

    def _form_row(self, block: Block) -> bool:
        """Is the block a row of a form, the label of the fields it holds ("<p>Mã an toàn: <img
        alt="Mã chống spam"> <input id="seccode"> <input type="submit" value="Gửi bình luận"></p>" under
        a comment box written without a <form>)? Pruning takes the fields out, the label stays: no
        line of the article, however near its body."""
        original = self._twin(block.element)
        return original is not None and any(
            (field.get("type") or "").lower() != "hidden" for field in original.iter("input", "textarea", "select")
        )

    def _dated_beside_heading(self, line: Block) -> bool:
        """Is the line a date line in the heading's own box ("<div><h1>...</h1><span>Đăng lúc: Thứ
        hai - 24/03/2025 10:10 - Người đăng bài viết: ...</span></div>")? The heading's metadata,
        however wide the element found to hold the body's paragraphs (a short body's column)."""
        heading, original = self.heading[1], self._twin(line.element)
        if heading is None or original is None or heading.getparent() is None:
            return False
        return heading.getparent() in original.iterancestors() and parse_date(line.text) is not None

    def _after_the_heading(self, lines: list[Block]) -> list[Block]:
        """The body starts after its heading: a line above the heading, in a box of its own that
        holds a linked heading of its own, is another article's teaser ("<div><h3><a>Tỉnh ủy ...
        </a></h3><p>Chiều 26/6, ...</p><p><a>Xem tiếp...</a></p></div>" over the article, the newest
        article a theme shows on every page of its news, in the article's column)."""
        heading = self.heading[1]
        if heading is None or not lines:
            return lines
        order = {el: index for index, el in enumerate(self.tree.iter())}
        start = order.get(heading)
        if start is None:
            return lines
        kept = []
        for line in lines:
            original = self._twin(line.element)
            above = original is not None and order.get(original, start) < start
            if (above and original is not None and heading not in original.iterdescendants()
                    and _in_a_teaser(original, heading)):
                continue
            kept.append(line)
        return kept or lines

    def _before_the_metadata(self, lines: list[Block]) -> list[Block]:
        """The body ends at the box of its metadata under it (box_after_body): "Bởi Trần Thu Hà",
        "702 Xem, 0 Các lời bình", "Chuyên mục: Xây dựng Đảng", "Bình chọn" are lines of no article
        once no class name gets the box pruned. Its byline and source are read from it (split)."""
        box = self.box_after_body
        if box is None:
            return lines
        shown = " ".join(pieces_of(box))
        for position, line in enumerate(lines):
            original = self._twin(line.element)
            if position > 0 and original is not None and (original is box or box in original.iterancestors()):
                # ...unless a line of the box came before, unplaced: the box's rows were read as lines
                # (a layout's labelled rows, "Tác giả:" and "Nguồn:" over their values, Liferay 7.4's
                # fragments), and are read as the body's end (split).
                before = lines[position - 1]
                return lines if before.element is None and before.text in shown else lines[:position]
        return lines

    def _holds_heading(self, block: Block) -> bool:
        """Is the block the row the heading sits in? SharePoint's title row reads as one line, the
        site's name and the page's title ("<td><h1><a>Tỉnh ủy Gia Lai</a></h1><span><img alt=":">
        </span><h2>Gia Lai kỷ niệm 135 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 - 19/5/2025)
        </h2></td>"): no paragraph of the body, however it reads."""
        heading = self.heading[1]
        if heading is None or self.heading[0] not in block.text:
            return False
        original = self._twin(block.element)
        if original is not None:
            return heading in original.iterdescendants()
        # (a line no one element holds: the row's text read whole, matched to the heading's wrappers)
        # (blocks are read apart, the row's text runs them together: spaces are not compared)
        shown = "".join(block.text.split())
        return any("".join(row.text_content().split()) == shown for row in list(heading.iterancestors())[:4])

    def _before_the_boxes(self, lines: list[Block]) -> list[Block]:
        """The body ends where the page opens a box of other articles: what the reader kept outside
        the body's container further down ("Cơ quan chủ quản: ...", "Copyright © ..." of a footer
        that is a <div> like any other, under "Tin cùng chuyên mục" and "Tin mới") is the portal's."""
        container = self.container
        if container is None or container.tag in ("body", "html") or self.form is not None or not lines:
            return lines
        originals = [self._twin(line.element) for line in lines[1:]]
        if not any(
            el is not None and el is not container and container not in el.iterancestors() for el in originals
        ):
            return lines  # (most pages: every line in the container, and the page is not walked)
        order: dict[HtmlElement, int] = {}
        boxes: list[int] = []
        for index, el in enumerate(self.tree.iter()):
            order[el] = index
            if isinstance(el.tag, str) and el.text and chrome.is_chrome_heading(clean(el.text)):
                boxes.append(index)
        lines = self._before_a_far_footer(lines, container)
        first = self._twin(lines[0].element)
        start = order.get(first, order[container]) if first is not None else order[container]
        first_box = next((index for index in boxes if index > start), None)
        if first_box is None:
            return lines
        for position, line in enumerate(lines):
            original = self._twin(line.element)
            if (
                original is not None and order.get(original, -1) > first_box
                and original is not container and container not in original.iterancestors()
            ):
                return lines[:position]
        return lines

    def _before_the_left_out(self, lines: list[Block]) -> list[Block]:
        """The body ends before prose that follows the boxes it left out after its container: the
        article's share links and author box ("<section>Chia sẻ bài viết</section><footer><p>Tác
        giả</p><h4>...</h4><p>bio</p></footer>"), then a paragraph that is the page's, not the
        writer's (Articulate's "To enable comments sign up for a Disqus account ..." under the post's
        footer). A byline or a source line there is no paragraph, and stays for the bylines' rules; a
        box like the container's (a listing's next teaser) is not left out."""
        container = self.container
        if container is None or container.tag in ("body", "html") or self.form is not None or len(lines) < 2:
            return lines
        for position, line in enumerate(lines[1:], start=1):
            original = self._twin(line.element)
            if original is None or original is container or container in original.iterancestors():
                continue
            around = common_ancestor([container, original])
            if (around is not None and around is not original and _follows(around, container, original)
                    and not _in_a_box_like(around, container, original)
                    and all(reads_as_paragraph(each.text) for each in lines[position:])
                    and self._text_skipped(around, container, original, lines, by_text=True)):
                return lines[:position]
        return lines

    def _before_a_far_footer(self, lines: list[Block], container: HtmlElement) -> list[Block]:
        """The body ends before a run of short lines that closes the page far from the body's
        container, in a box that shares no wrapper with it short of the page's frame: the portal's
        imprint ("Cơ quan chủ quản: ...", "Giấy phép số 15/GP-TTĐT ..."), a <div> like any other once
        its name says nothing, under a wiki page's rating and categories. A byline or a source line
        under the body sits beside its container, not levels away."""
        near = list(container.iterancestors())[:_FOOTER_LEVELS]
        for position, line in enumerate(lines):
            original = self._twin(line.element)
            if position == 0 or original is None or original is container or container in original.iterancestors():
                continue
            around = common_ancestor([container, original])
            rest = lines[position:]
            if (around is not None and around not in near and _follows(around, container, original)
                    and _hangs_higher(original, container, around)
                    and len(rest) <= _FOOTER_LINES and all(len(each.text) <= 200 for each in rest)
                    and self._text_skipped(around, container, original, lines)):
                return lines[:position]
        return lines

    def _text_skipped(
        self, around: HtmlElement, container: HtmlElement, line: HtmlElement, lines: list[Block], by_text: bool = False,
    ) -> bool:
        """Is there text between the end of the body's container and `line` that no line of the body
        holds: a box the body left out between them (the wiki page's rating and categories)? The
        next block of the body, however deep its wrappers, follows the container with nothing but
        pictures between. `by_text`: text a line of the body shows is held too, whatever element
        shows it (a table's cells, read a row a line with no element of their own)."""
        held = {self._twin(each.element) for each in lines} - {None}
        shown = " ".join(each.text for each in lines) if by_text else ""
        # (a picture's caption is the body's too, though no line of its text)
        captions = {clean(el.text_content()) for el in self.body.captions} | {
            block.text for block in self.body.blocks if block.kind == "caption"}
        inside = False
        for event, el in etree.iterwalk(around, events=("start", "end")):
            if el is container and event == "end":
                inside = True
            elif el is line:
                return False
            elif (inside and event == "start" and isinstance(el.tag, str) and el.tag not in ("script", "style")
                    and clean(el.text) and not any(el is h or h in el.iterancestors() for h in held)
                    and clean(el.text_content()) not in captions and not (shown and clean(el.text) in shown)):
                return True
        return False

    def _without_labels_after_the_lead(self, lines: list[Block]) -> list[Block]:
        """Between a lead set apart above the body and the body's container, a short line that does
        not read as prose is the metadata box's label: DNN Blog's "<div class="summary">...</div>"
        in the <header>, then "<h5>Người đăng</h5><a>Ban Biên tập</a>" over the body."""
        if len(lines) < 3 or lines[0].element is None or self.in_container(lines[0]):
            return lines
        if not reads_as_paragraph(lines[0].text):
            return lines
        kept = lines[:1]
        for index, line in enumerate(lines[1:4], start=1):
            # (a line no element holds alone is unplaced: "<h5>Người đăng</h5>" beside its link)
            if line.element is not None and self.in_container(line):
                return kept + lines[index:]
            if reads_as_paragraph(line.text) or len(line.text) > 120:
                kept.append(line)
        return lines

    @cached_property
    def body_lines(self) -> list[Block]:
        """The body's lines from its first that is no author's labelled line: Orchard's text field
        "<p class="text-field">Tác giả: Lê Trường</p>" between the date line and a lead in bold is
        read as the heading's metadata, not as the body's first line."""
        return list(dropwhile(lambda b: is_labelled(b.text) and len(b.text) <= LINE_MAX, self.lines)) or self.lines

    @cached_property
    def lead_element(self) -> HtmlElement | None:
        """The first block after the heading that reads as a paragraph, when the page sets it apart
        from the body's paragraphs (outside their container, another element, bold): the lead."""
        pruned = self.body.pruned
        if pruned is None or not self.lines or self.form is not None:
            return None
        heading = self.heading[1]
        heading_copy = self.copy_of(heading)
        if heading_copy is not None and pruned not in heading_copy.iterancestors():
            # The heading went with the box it sits in (SharePoint's title row, its <h1> holding the
            # breadcrumb): the lead is looked for from the top of what is left, as if none were given.
            heading_copy = None
        lines = self.body_lines
        first = lines[0].element
        candidate = first_prose(pruned, heading_copy, first, self.heading[0])
        if candidate is None or self.knowledge.is_chrome_line(candidate.text_content()):
            return None
        if sum(1 for b in lines if b.element is candidate) > 1:
            return None  # it holds several of the body's lines (between <br>s): the body, not its lead
        following = [b.element for b in lines if b.element is not None and b.element is not candidate]
        following = [el for el in following if candidate not in el.iterancestors()]
        # ...compared with the next paragraph, not a subheading between them: "<p>Sáng 10/1, ...</p>
        # <h3>Giảm 6 đầu mối cấp tỉnh</h3><p>Theo phương án, ...</p>" is one body, and so is one whose
        # subheadings are typed as bold paragraphs ("<p><strong>Sắp xếp phải gắn với nâng cao chất
        # lượng</strong></p>", a phrase, no sentence).
        paragraphs = [el for el in following if el.tag not in _SUBHEADINGS and not _typed_subheading(el)]
        following = paragraphs or following
        if not set_apart(candidate, following[0] if following else None, self.paragraphs_box(), heading_copy):
            return None
        return candidate

    def paragraphs_box(self) -> HtmlElement | None:
        """The element of the pruned copy that holds the body's paragraphs: the one whose paragraphs
        hold the most text (layout.prose) when trafilatura's body lies around it. trafilatura's body
        may take in the box before it by what its class names say or not (WordPress's "<div
        class="entry-summary"><p>lead</p></div><div class="entry-content"><p>...", left out as a
        summary, read in once the names say nothing): the lead is set apart from the paragraphs' box."""
        found, prose = self.body.container, self.copy_of(self.container)
        if found is None or prose is None or found not in prose.iterancestors():
            return found
        # (the box of the paragraphs, not one paragraph's own wrapper: two of the body's lines at least)
        held = sum(1 for line in self.lines if line.element is not None and prose in line.element.iterancestors())
        return prose if held >= 2 else found

    @cached_property
    def split(self) -> Split:
        """The body's paragraphs without the lead, bylines and source lines, and what they said."""
        lead = self.summary()
        # (the lead's box read whole too: written around its picture box, its line holds the box's
        # caption, which the lead leaves out: layout.lead_text)
        whole = "".join(self.lead_element.text_content().split()) if self.lead_element is not None else None
        lines = [Line(block.text, block.element) for block in self.lines
                 if block.text != lead and "".join(block.text.split()) != whole]
        pruned = self.body.pruned
        before: list[Line] = []
        after: list[Line] = []
        if pruned is not None and self.lines:
            heading = self.heading[1]
            heading_copy = self.copy_of(heading)
            stop = self.lead_element if self.lead_element is not None else self.lines[0].element
            around, frame = pruned, self.copy_of(self.fields_frame)
            if heading_copy is not None and pruned not in heading_copy.iterancestors() and frame is not None:
                # The heading went with the box it sits in (SharePoint's title row): the lines above
                # the body are the last ones of the article's box of fields before it ("<div>21/05/2025
                # </div><div>Diễm My</div>" under ArticleLeft's picture).
                around, heading_copy = frame, None
            found = lines_between(around, heading_copy, stop, limit=40)
            # The metadata sits under the heading or right above the body, the page's menus maybe
            # between them (SharePoint's quick launch, between its title row and the content box):
            # the first lines after the heading and the last ones before the body.
            found = found[-4:] if around is frame else first_and_last(found)
            before = [Line(text, el) for el, text in found
                      if text != lead and (heading_copy is not None or around is frame)]
            if self.lead_element is not None:
                # (a labelled line above a lead set apart is read there, not as the body's: body_lines)
                outside = {id(line.element) for line in before if line.element is not None}
                lines = [line for line in lines if line.element is None or id(line.element) not in outside]
            last = self.lines[-1].element
            if last is not None:
                # (not a picture's caption: the body's last picture and its caption may close it, the
                # byline under them, "<p><img></p><p><em>Chương trình nghệ thuật ...</em></p></div><div>
                # Thu Trang</div>")
                captions = {block.text for block in self.image_blocks if block.kind == "caption"}
                shown = [(el, text) for el, text in lines_between(pruned, last, None, limit=3 + len(captions))
                         if text not in captions][:3]
                after = join_labels(Line(text, el) for el, text in shown)
                # Only what closes the body: inside its container or right after it, unless labelled
                # ("Tác giả: ..." under NukeViet's body); "ÖNERİLEN VİDEO" further down heads a box.
                # ...and what follows such a line box by box: "<div>Kim Oanh</div><div>Theo Báo Thừa
                # Thiên Huế</div>" under the body's box (a Journal template of Liferay 5.2).
                closing: list[Line] = []
                for line in after:
                    if not (self.closes_body(line) or is_labelled(line.text)
                            or (closing and _right_after(closing[-1].element, line.element))):
                        break
                    closing.append(line)
                after = closing
        return split_lines(lines, before, after, self.knowledge)

    # --- fields --------------------------------------------------------------------------

    def url(self) -> str:
        return declared_url(self.tree, self.page.url, lambda: self.heading[1])

    def site(self) -> str:
        return host_of(self.page.url)

    def title(self) -> str:
        return self.heading[0]

    @cached_property
    def declared_date(self) -> date | datetime | None:
        """The date the page's metadata declares (datelines.structured_date): read once for the
        publication time and its range."""
        return structured_date(self.tree, self.page.body)

    def published(self) -> str | None:
        return to_iso(most_precise(self.declared_date, self.date_line()))

    def published_range(self) -> str | None:
        """The days the article lies between when the page says only how long ago (datelines.range_of)."""
        if self.form is not None and self.field("published"):
            return None
        return range_of(self.declared_date, self.dated_line)

    def date_line(self) -> date | datetime | None:
        """The date the page shows near its title and body (datelines.publication_line)."""
        if self.form is not None and self.field("published"):
            return parse_date(self.field("published") or "")
        return self.dated_line.value if self.dated_line is not None else None

    @cached_property
    def dated_line(self) -> DatedLine | None:
        """The line that shows the article's date, and where it is (datelines.publication_line)."""
        starts = [b.element for b in self.lines if b.element is not None and b.element is not self.lead_element]
        body_start = self._twin(starts[0]) if starts else None
        body_end = self._twin(starts[-1]) if starts else None
        return publication_line(self.tree, self.region, self.heading[1], body_start, body_end, self.knowledge,
                                self.made)

    @cached_property
    def made(self) -> datetime | None:
        """When the page was made, to date a line that says how long ago (datelines.page_made)."""
        return page_made(self.page.header("Date"), self.tree, self.page.body)

    def category(self) -> str | None:
        if self.form is not None and self.field("category"):
            # "Tin hoạt động; Xây dựng Đảng": the first of the categories chosen
            return re.split(r"\s*[;,]\s*", self.field("category") or "")[0] or None
        section = self.section()
        if section:
            return section
        if self.heading[1] is not None and self.own_section:
            return self.own_section
        return (
            self.line_category()
            or (category_in_line(self.box_after_body, self.names) if self.box_after_body is not None else None)
            or label_above(self.heading[1], self.names)
            or breadcrumb(self.tree, self.heading[1], self.title())
            or filed_under(self.region)
            or linked_in_metadata(self.tree, self.heading[1], self.body_start(), self.names)
            or label_below(self.tree, self.body_end(), self.heading[1], self.names)
            or section_of_address(self.tree, self.page.url, self.names)
        )

    def body_start(self) -> HtmlElement | None:
        """The page's element of the body's first line (the lead's, when the page sets one apart)."""
        return self._twin(self.lines[0].element) if self.lines else None

    def line_category(self) -> str | None:
        """The category the article's date line names ("Chuyên mục: Dân vận", layout.category_in_line)."""
        return next((named for line in self.metadata_lines() if (named := category_in_line(line, self.names))), None)

    def metadata_lines(self) -> list[HtmlElement]:
        """The date line's element, then the metadata line it is one piece of: "<p><span>Chuyên mục
        <a>Xây dựng Đảng</a></span> <span>Từ khóa ...</span> <span>Ngày đăng 20/06/2025</span></p>",
        a WordPress entry's "<div><span>Đăng bởi <a>Ngọc Lan</a></span><span><a><time>17/06/2025
        </time></a></span></div>" (the line of the heading itself is none)."""
        line = self.dated_line
        if line is None or line.element is None:
            return []
        outer = line.element.getparent()
        if outer is not None and short_text(outer, 200) and self.heading[1] not in outer.iter():
            return [line.element, outer]
        return [line.element]

    def body_end(self) -> HtmlElement | None:
        """The page's element of the body's last line."""
        return self._twin(self.lines[-1].element) if self.lines else None

    def section(self) -> str | None:
        """The category the page's metadata names (<meta property="article:section">), or its
        JSON-LD, first of the sections it lists ("articleSection": ["Tin hoạt động", "Xây dựng
        Đảng"], Yoast SEO): WordPress's block themes print the categories as plain rel="tag" links,
        which tags are too."""
        section = _SECTION(head(self.tree))
        if section and clean(section[0]):
            return clean(section[0])
        raw = self.page.body
        if b"articleSection" not in raw and b"\x00" not in raw:
            # No script can name it where the bytes do not (an encoding with NULs, UTF-16's, spells
            # it otherwise): the query for JSON-LD walks the whole page.
            return None
        for declared in jsonld_values(self.tree, "articleSection"):
            first = declared[0] if isinstance(declared, list) and declared else declared
            if isinstance(first, str) and clean(first):
                return clean(first)
        return None

    def summary(self) -> str | None:
        if self.form is not None:
            return self.field("summary")
        lead = self.lead_element
        return lead_text(lead) or None if lead is not None else None

    def text(self) -> str:
        return self.split.text(self.summary())

    def author(self) -> str | None:
        if self.form is not None and "author" in self.form:
            return clean_author(self.field("author") or "") or self.split.author
        if self.split.author or self.split.source:
            # "Theo Báo Quảng Bình" and no byline: a reprint; the account that posted it, named
            # in the page's metadata, did not write it. A person the article's box names under a
            # byline's label did ("Nguồn: Ủy ban Kiểm tra Tỉnh ủy" over "<p>Tác giả</p><h4>Hoàng Thu
            # Trang</h4>"; an account, "Ban Biên tập", is no one's name).
            return self.split.author or name_after_label(self.region, self.names)
        if (photographer := self.photographer()) and self.is_photo_story():
            # "Ảnh: Hoàng Nam" under a story told in pictures, and no other byline: who took them wrote it.
            return photographer
        # Who the date line (or the metadata line it is one piece of) says posted it ("Đăng bởi Thu
        # Hà"), or the metadata box that closes the body, before what the page's metadata says; then
        # a name standing alone under a byline's label in the article's box.
        return (
            next((name for line in self.metadata_lines() if (name := byline_in_line(line, self.names))), None)
            or byline_in_line(self.box_after_body, self.names)
            or page_author(self.tree, self.names, self.knowledge)
            or name_after_label(self.region, self.names)
        )

    @cached_property
    def box_after_body(self) -> HtmlElement | None:
        """The short box of the article's metadata right after its body's container, however many
        wrappers the container closes: Liferay 6.2's Blogs entry ends "<div class="entry-body">...
        </div><div class="entry-footer"><div>Bởi Vũ Minh Đức</div><div>1287 Xem, ...</div><span>
        Chuyên mục: <a>Tin hoạt động</a></span>...</div>" (a box pruning drops whole, as chrome, when
        its name says "footer"). A box of more text, or of prose, is another article's, the comments' or
        the body's own last paragraph set apart."""
        container = self.container
        if container is None or container.tag in ("body", "html") or self.form is not None:
            return None
        after = element_after(container, levels=6)
        if after is None or not isinstance(after.tag, str) or short_text(after, _METADATA_BOX) is None:
            return None
        # (several pieces: a labelled row alone, "<h6>Tác giả:</h6>" over an empty value, is one field of
        # a layout whose next rows give the source, read from the lines after the body)
        # ...and no heading: a column of widgets under their headings follows a blog's archive page ("<h3>Chuyên
        # mục</h3><ul><li><a>Tin hoạt động (2)</a></li>...", mojoPortal's blog navigation).
        if next(after.iter(*_HEADINGS), None) is not None:
            return None
        pieces = pieces_of(after)
        return after if len(pieces) >= 2 and not any(reads_as_paragraph(piece) for piece in pieces) else None

    def photographer(self) -> str | None:
        """Who a photo credit names, in the body ("<p><em>Ảnh: Hoàng Nam</em></p>") or around it."""
        return credit_in(block.text for block in self.body.blocks if block.kind == "text") or self.split.photographer

    def is_photo_story(self) -> bool:
        return told_in_pictures(len(self.images()), len(self.split.paragraphs))

    def source(self) -> str | None:
        if self.form is not None and "source" in self.form:
            return self.field("source") or self.split.source
        return self.split.source

    def images(self) -> tuple[Image, ...]:
        return tuple(unique_images(self.image_blocks, self.page.url))

    @cached_property
    def image_blocks(self) -> list[Block]:
        """Images and their captions from the heading to the end of the body's container: the
        featured image between them (WordPress's post-thumbnail, NukeViet's figure beside the lead)
        and the body's own, which trafilatura drops (<figure>, images held in tables)."""
        container = self.body.container
        if container is None:
            return []
        if container.tag == "p":
            # trafilatura's body of one paragraph is held by that <p>: a photo story's pictures sit
            # after it, in the element whose prose is the page's.
            prose = self.copy_of(self.container)
            container = prose if prose is not None and prose in container.iterancestors() else container
        heading = self.copy_of(self.heading[1])
        if heading is not None and self.body.pruned not in heading.iterancestors():
            # The heading went with the box it sits in (SharePoint's title row): the article's
            # pictures are those of the frame around the body, up to what links home.
            heading = None
            frame = self.copy_of(self.fields_frame)
            # (trafilatura's body may lie outside the prose's frame: a listing's, a contact page's)
            root = frame if frame is None or frame is container or frame in container.iterancestors() else (
                common_ancestor([frame, container])
            )
        else:
            root = common_ancestor([heading, container]) if heading is not None else container
        if root is None:
            return []
        found = list(walk(root, self.caption_selector, self.body.captions))
        mark_captions(found)  # the captions that sit under images
        order = {el: index for index, el in enumerate(root.iter())}
        start = order.get(heading, -1) if heading is not None else -1
        if heading is not None and heading.find(".//img") is not None:
            # Not what the heading draws itself: the arrows of SharePoint's path in its title row's
            # <h1> ("<span class="s4-titlesep"><img src="/_layouts/15/images/spcommon.png"></span>").
            start += sum(1 for _ in heading.iterdescendants())
        above = picture_above(heading)
        if above is not None and above in order:
            start = order[above] - 1
        end = order[container] + sum(1 for _ in container.iterdescendants())
        featured = self.featured_outside(above)
        prose_copy = self.copy_of(self.container)
        blocks = featured + uncaption_lead([
            block for block in found
            if block.kind in ("image", "caption") and start < order.get(block.element, -1) <= end
            and not _linked_outside(block, prose_copy if prose_copy is not None else container)
        ], self.summary())
        return self.with_labelled_caption(blocks, prose_copy if prose_copy is not None else container)

    def with_labelled_caption(self, blocks: list[Block], container: HtmlElement) -> list[Block]:
        """The one picture outside the body, captioned by the field its label calls the picture's
        caption, wherever the layout puts that field: a publishing page's fields are each labelled
        for screen readers ("<div id="..._label" style="display:none">Chú thích Hình ảnh</div><div
        aria-labelledby="..._label">Toàn cảnh Hội nghị ...</div>", after the byline and the date)."""
        outside = [
            index for index, block in enumerate(blocks)
            if block.kind == "image" and block.element is not None and container not in block.element.iterancestors()
        ]
        if len(outside) != 1 or self.container is None:
            return blocks
        at = outside[0]
        if at + 1 < len(blocks) and blocks[at + 1].kind == "caption":
            return blocks
        caption = labelled_caption(self.fields_frame)
        if caption is None:
            return blocks
        return [*blocks[: at + 1], Block("caption", caption), *blocks[at + 1:]]

    @cached_property
    def fields_frame(self) -> HtmlElement | None:
        """The largest element around the body's container that holds no link to the home page: the
        article's box of fields (a publishing page's picture, body, byline and date), short of the
        page's frame of menus and logo. Read once: the pictures and their labelled caption use it."""
        if self.container is None:
            return None
        frame = self.container
        for ancestor in self.container.iterancestors():
            if ancestor.tag in ("body", "html") or _links_home(ancestor):
                break
            frame = ancestor
        return frame

    def featured_outside(self, above_copy: HtmlElement | None) -> list[Block]:
        """The featured image above the heading when it sits outside the article's region (ColorMag:
        "<article><div><img></div><div class="cm-post-content">...<h1>" and the body), read from the
        page itself: the region holds the heading and the body, not what the theme puts above them."""
        if above_copy is not None:
            return []
        above = picture_above(self.heading[1], _declared_picture(self.tree))
        if above is None:
            above = self.picture_beside_region()
        if above is None or self.region in above.iterancestors():
            return []
        if above.tag == "img":
            src = above.get("data-src") or above.get("src")
            return [Block("image", src=src, element=above)] if src else []
        found = list(walk(above, self.caption_selector))
        mark_captions(found)
        return [block for block in found if block.kind in ("image", "caption")]

    def picture_beside_region(self) -> HtmlElement | None:
        """The one picture set alone in a box beside the article's region, in the element around
        it: the featured image, whether the theme puts it above the heading or after the body
        ("<article><div class="cm-post-content">...</div><div><img></div></article>"). Not when
        the heading is not in the region, nor when several such pictures sit there (a gallery)."""
        heading, parent = self.heading[1], self.region.getparent()
        if heading is None or parent is None or parent.tag in ("body", "html"):
            return None
        if heading is not self.region and self.region not in heading.iterancestors():
            return None
        others = [el for el in parent if isinstance(el.tag, str) and el is not self.region]
        # An element around the region that also holds a link home holds the page's menu or
        # breadcrumb: the page's frame, and its picture the portal's banner.
        if any(_links_home(el) for el in others):
            return None
        boxes = [
            el for el in others if el.tag not in ("script", "style")
            and (el.tag == "img" or el.find(".//img") is not None) and not clean(el.text_content())
        ]
        if len(boxes) != 1 or any(link.get("href") for link in boxes[0].iter("a")):
            return None
        return boxes[0]

    def check(self, title: str, text: str) -> None:
        """NotAnArticle unless the page holds one article."""
        if not title:
            raise NotAnArticle("no title found")
        if looks_like_listing(self.tree, self.split.paragraphs):
            raise NotAnArticle("page is a list of articles, not an article")
        if lists_whole_posts(self.tree, self.page.url, self.split.paragraphs):
            raise NotAnArticle("page is a list of posts under their linked titles, not an article")
        if len(text) < 80:
            raise NotAnArticle("no article text found")
        if not holds_prose(text):
            raise NotAnArticle("no paragraph of prose: a page of fields or captions, not an article")

    def to_record(self) -> Article:
        title, text = self.title(), self.text()
        self.check(title, text)
        return Article(
            url=self.url(), site=self.site(), title=title, text=text, published=self.published(),
            author=self.author(), category=self.category(), summary=self.summary(), source=self.source(),
            images=self.images(), extraction=self.extraction, published_range=self.published_range(),
        )


_SUBHEADINGS = ("h2", "h3", "h4", "h5", "h6")


def declared_url(tree: HtmlElement, url: str, heading: Callable[[], HtmlElement | None]) -> str:
    """The article's own address: the page's canonical link (or og:url) on its host; else the link
    its heading is, all of it, on its host: a blog's post title links to the post's permalink
    ("<h2><a href="/Lists/Posts/Post.aspx?ID=33">Hội nghị ...</a></h2>" on the same post shown at
    "/Lists/Posts/ViewPost.aspx?ID=33", the address its feed links); else the address it was
    fetched at."""
    for href in _CANONICAL(head(tree)):
        absolute = urljoin(url, href.strip())
        if host_of(absolute) == host_of(url):
            return canonical_url(absolute)
    shown = heading()
    links = [a for a in shown.iter("a") if (a.get("href") or "").strip()] if shown is not None else []
    if shown is not None and len(links) == 1 and clean(links[0].text_content()) == clean(shown.text_content()):
        href = (links[0].get("href") or "").strip()
        absolute = urljoin(url, href)
        if not href.startswith(("#", "javascript:")) and host_of(absolute) == host_of(url):
            return canonical_url(absolute)
    return own_anchors_address(tree, url) or canonical_url(url)


_FRAGMENT_LINKS = xpath("/descendant::a[contains(@href, '#')]/@href")
_IDS = xpath("/descendant::*/@id")


def own_anchors_address(tree: HtmlElement, url: str) -> str | None:
    """The address the page's links to its own anchors give it, when they all give the same other
    one: a post's comments link to themselves at the post's permalink, whatever address showed the
    post (Orchard's unmanaged alias "/hoi-nghi-lan-thu-22" and "/Contents/Item/Display/231" both
    show "<li id="comment-412">...<a href="/tin-tuc/hoi-nghi-ban-chap-hanh-dang-bo-tinh-lan-thu-22
    #comment-412">10 days ago</a>"). A link to an anchor the page does not hold (a widget's latest
    comments on other posts) says nothing of this page."""
    addresses = set()
    ids: set[str] | None = None  # the page's anchors, read once, when a link to one is found
    for href in _FRAGMENT_LINKS(tree):
        address, _, anchor = href.strip().partition("#")
        if not address or not anchor or address.startswith("javascript:"):
            continue
        absolute = urljoin(url, address)
        if host_of(absolute) != host_of(url):
            continue
        if ids is None:
            ids = set(_IDS(tree))
        if anchor in ids:
            addresses.add(canonical_url(absolute))
    if len(addresses) != 1:
        return None
    [address] = addresses
    return address if address != canonical_url(url) else None


# A field's label that names a picture's caption: "Chú thích Hình ảnh", "Chú thích ảnh", SharePoint's
# English "Image Caption".
_CAPTION_LABEL = re.compile(r"^(?:chú thích|(?:image |photo )?caption)\b", re.I)
_LABELLED = xpath("descendant::*[@aria-labelledby]")


def labelled_fields_of(frame: HtmlElement) -> Iterator[tuple[str, str]]:
    """(label, text) of each element of `frame` that names its label by id (aria-labelledby)."""
    root = frame.getroottree().getroot()
    for field_el in _LABELLED(frame):
        labels = [root.get_element_by_id(i, None) for i in field_el.get("aria-labelledby", "").split()]
        label = clean(" ".join(el.text_content() for el in labels if el is not None))
        if label:
            yield label, clean(field_el.text_content())


def labelled_caption(frame: HtmlElement | None) -> str | None:
    """The text of the one field of `frame` its label calls a picture's caption, if there is one."""
    if frame is None:
        return None
    captions = [text for label, text in labelled_fields_of(frame) if _CAPTION_LABEL.match(label)]
    return captions[0] if len(captions) == 1 and captions[0] else None


def _linked_outside(block: Block, container: HtmlElement) -> bool:
    """A picture between the heading and the body, outside the body's prose, that runs a script is the
    page's button, not the article's picture: a search box's ("<a href="javascript: {}"><img
    src=".../searchresultui.png"></a>"). (A picture linked to its full size stays the article's.)"""
    el = block.element
    if block.kind != "image" or el is None or container in el.iterancestors():
        return False
    return any(a.tag == "a" and _leads_nowhere(a.get("href") or "") for a in el.iterancestors())


def _leads_nowhere(href: str) -> bool:
    """A link that runs a script: the picture in it is a button."""
    return href.strip().lower().startswith("javascript:")


def _emptied(el: HtmlElement) -> bool:
    """An element of the pruned copy that shows nothing: no text, no picture."""
    return not el.text_content().strip() and el.find(".//img") is None


_WORD = re.compile(r"\w+")
_PROSE_WITHIN = 12  # elements after a date line to its article's first paragraph (a lead, a picture's box)


def _prose_follows(line: HtmlElement) -> bool:
    """Is the first block of text after the line (and outside it) a paragraph of prose? A picture's
    caption is none: the body may open with a figure ("<figure><img><figcaption>Đoàn công tác khảo
    sát nhà máy ...</figcaption></figure><p>Chiều 5/6, ...")."""
    """Is the first block of text after the line (and outside it) a paragraph of prose? (Its own
    words, not their indentation: "<a>Xây\n      dựng Đảng</a>" is a short link.)"""
    for el in _FOLLOWING(line):
        if el.tag in ("script", "style", "figcaption") or next(el.iterancestors("figcaption"), None) is not None:
            continue
        own = clean(el.text or "")
        if len(own) >= 25:
            return reads_as_paragraph(clean(el.text_content()))
    return False


_FOLLOWING = xpath(f"following::*[position() <= {_PROSE_WITHIN}]")


def _typed_subheading(el: HtmlElement) -> bool:
    """A paragraph set in bold throughout that does not read as a sentence: a subheading typed so."""
    return is_emphasised(el) and not reads_as_paragraph(clean(el.text_content()))


def _right_after(before: HtmlElement | None, el: HtmlElement | None) -> bool:
    """Is `el` (or the box holding it) the element right after `before`, or after the wrappers that
    `before` closes ("<div><div>Kim Oanh</div></div><div><div>Theo Báo ...</div></div>")?"""
    if before is None or el is None or el in before.iterancestors():
        return False
    following = element_after(before, levels=6)
    return following is not None and (following is el or following in el.iterancestors())


def _heading_in(element: HtmlElement, text: str) -> HtmlElement | None:
    """The <h2>..<h6> that shows `text`: the element, or the one heading inside its wrappers."""
    if element.tag in _SUBHEADINGS:
        return element
    inside = [el for el in element.iter(*_SUBHEADINGS) if clean(el.text_content()) == text]
    return inside[0] if len(inside) == 1 else None


_OG_IMAGE = xpath('descendant::meta[@property="og:image"]/@content')


def _declared_picture(tree: HtmlElement) -> str | None:
    """The picture the page declares as its own (og:image), when it declares one."""
    found = _OG_IMAGE(head(tree))
    return clean(found[0]) or None if found else None


# A picture's file name less the size a CMS writes into its copies: "hoi-nghi-1024x683.jpg".
_SIZED = re.compile(r"-\d+x\d+(?=\.\w+$)")


def _same_picture(src: str, declared: str) -> bool:
    """Do two addresses name the same picture file (one maybe a sized copy of the other)?"""
    def name(address: str) -> str:
        return _SIZED.sub("", urlsplit(address.strip()).path.rsplit("/", 1)[-1]).lower()
    return bool(name(src)) and name(src) == name(declared)


_WRAPPER_LEVELS = 6  # levels of wrappers between the heading and a featured image right above them
# ...and, for the picture the page declares its own (og:image), any level up to <body>: a theme sets
# it above the whole content area, outside <main> and the article (Twenty Seventeen's single post,
# seven levels up; fourteen when each of the wrappers is wrapped again).
_DECLARED_PICTURE_LEVELS = 32


def picture_above(heading: HtmlElement | None, declared: str | None = None) -> HtmlElement | None:
    """The picture set right above the heading, nothing else in its element: the article's
    featured image where the template puts it first ("<figure class="wp-block-post-featured-image">
    <img ...></figure><h1>...", WordPress block themes). A picture that links elsewhere is a banner.
    Further up, above the content area that opens with the heading ("<div
    class="single-featured-image-header"><img></div><div class="site-content-contain"><div
    id="content"><div class="wrap"><div id="primary"><main><article><header><h1>", seven levels
    up), only the picture the page `declared` its own (og:image)."""
    if heading is None:
        return None
    above = _picture_over(heading, _WRAPPER_LEVELS)
    if above is None and declared:
        above = _picture_over(heading, _DECLARED_PICTURE_LEVELS)
        if above is not None and not any(_same_picture(img.get("src") or "", declared) for img in above.iter("img")):
            return None
    return above


def _picture_over(heading: HtmlElement, levels: int) -> HtmlElement | None:
    """picture_above() through up to `levels` levels of wrappers."""
    # The heading alone in its wrappers ("<header><h1>...</h1><div>date</div></header>" counts:
    # the picture is above the header): the first of its element's children, up to six levels
    # (wrappers of one child each count).
    # Short lines of metadata may sit between them: ColorMag's "<div class="cm-featured-image"><img>
    # </div><div><div>Tin hoạt động</div><div>02/02/2024 Văn phòng Tỉnh ủy 1.540 lượt xem</div>
    # <header><h1>...". Such lines sit beside one of the heading's wrappers, not at every level: a
    # section's name above the heading, then the menu above its table, then the banner, are the
    # portal's.
    above = heading.getprevious()
    between = 0
    levels_with_lines = 0
    for _ in range(levels):
        skipped = False
        while above is not None and (not isinstance(above.tag, str) or _metadata_above(above)):
            if isinstance(above.tag, str):
                between += len(clean(above.text_content()))
                skipped = True
            above = above.getprevious()
        levels_with_lines += skipped
        if levels_with_lines > 1:
            return None
        parent = heading.getparent()
        if above is not None or parent is None or parent.tag in ("body", "html"):
            break
        heading = parent
        above = heading.getprevious()
    if between > _METADATA_MAX:
        return None
    if above is None or (above.tag != "img" and above.find(".//img") is None):
        return None
    if clean(above.text_content()) and not _captioned_picture(above):
        return None
    if any(link.get("href") for link in above.iter("a")):
        return None
    if any((alt := clean(img.get("alt") or "")) and not any(c.isalnum() for c in alt) for img in above.iter("img")):
        # A picture that stands for a mark is the mark: SharePoint 2010's separator between the
        # site's name and the page's title ("<span class="s4-titlesep"><img src="/_layouts/images/
        # fgimg.png" alt=":"></span><h2>Ủy ban Kiểm tra ...</h2>"), no featured image.
        return None
    return above


_METADATA_MAX = 200  # characters of the lines between the featured image and the heading
_CAPTION_MAX = 200  # characters of a featured image's caption


def _captioned_picture(box: HtmlElement) -> bool:
    """One picture and, after it, a short line of text: a featured image with its caption (OceanWP's
    "<div class="thumbnail"><img ...><div class="thumbnail-caption">Đồng chí Bí thư Tỉnh ủy phát biểu
    kết luận hội nghị</div></div>" above the post's title)."""
    pictures = list(box.iter("img"))
    if len(pictures) != 1 or next(box.iter("h1", "h2", "h3", "h4", "h5", "h6"), None) is not None:
        return False  # (a title bar's icon beside its name: Liferay's "<h1><img class="icon"> Tin tức</h1>")
    text = clean(box.text_content())
    if len(text) > _CAPTION_MAX:
        return False
    around = set(pictures[0].iterancestors())
    before = []
    for el in box.iter():
        if el is pictures[0]:
            break
        before.append(el.text if isinstance(el.tag, str) else "")
        if el not in around:  # (the tail of an element around the picture follows it)
            before.append(el.tail or "")
    return not clean(" ".join(text or "" for text in before))


_FOOTER_LEVELS = 3  # a byline's box shares the container's parent, or the wrapper around it
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# The letters of an article's box of metadata under its body: byline, counters, category, tags, buttons.
_METADATA_BOX = 300
_FOOTER_LINES = 8  # "six lines of address and licence", and a line or two of links


def _hangs_higher(line: HtmlElement, container: HtmlElement, around: HtmlElement) -> bool:
    """Does the line sit fewer levels under `around` (their common ancestor) than the body's container?
    The imprint closes the page in the frame, a level or two under it ("<div><p>Cơ quan chủ quản: ...
    </p></div>" beside the column ten levels down to the body); a byline in a grid of boxes under the
    body sits as deep as the body, or deeper (Liferay 7.4's content page: "<div class="row"><div
    class="col"><div><div><div>Hữu Nghĩa</div>", however many wrappers are added to each)."""
    def depth(el: HtmlElement) -> int:
        levels = 0
        while el is not around and el is not None:
            el, levels = el.getparent(), levels + 1
        return levels
    return depth(line) < depth(container)


def _tags_down(around: HtmlElement, el: HtmlElement) -> list[str]:
    """The tags from the child of `around` down to `el`."""
    tags = []
    while el is not around and el is not None:
        tags.append(el.tag)
        el = el.getparent()
    return tags[::-1]


def _in_a_box_like(around: HtmlElement, container: HtmlElement, el: HtmlElement) -> bool:
    """Does `el` sit in a box shaped as the container is, down from `around` (the same tags, whatever
    their classes): a listing's next teaser ("<article><div><p>" beside the container's "<article><div>"),
    not a box of another kind after the body ("<p>" after "<section><div>")?"""
    shape, own = _tags_down(around, container), _tags_down(around, el)
    return len(own) > len(shape) and own[:len(shape)] == shape


def _in_a_teaser(line: HtmlElement, heading: HtmlElement) -> bool:
    """Is the line in a box, short of the one that holds the page's heading, whose own heading
    (<h2>..<h6>) links to another page by a title of some words: another article's teaser?"""
    for box in line.iterancestors():
        if heading in box.iterdescendants():
            return False
        for sub in box.iter(*_SUBHEADINGS):
            links = [a for a in sub.iter("a") if not _leads_nowhere((a.get("href") or "").strip())]
            if any(len(clean(a.text_content()).split()) >= 3 for a in links):
                return True
    return False


def _follows(around: HtmlElement, first: HtmlElement, second: HtmlElement) -> bool:
    """Does `second` come after `first` in `around`, their common ancestor (neither holding the other)?"""
    def child_of_around(el: HtmlElement) -> HtmlElement:
        while el.getparent() is not around:
            el = el.getparent()
        return el
    return around.index(child_of_around(second)) > around.index(child_of_around(first))


def _links_home(el: HtmlElement) -> bool:
    """Does the element link to the home page ("<a href="/">Trang chủ</a>")?"""
    links = (urlsplit((a.get("href") or "").strip()) for a in el.iter("a") if a.get("href"))
    # ("javascript:" and "mailto:" lead nowhere: SharePoint's print link and its pager's
    # "href="javascript:"" have no path either)
    return any(
        link.scheme in ("", "http", "https") and link.path in ("", "/") and not link.query and not link.fragment
        and (link.netloc or link.path) for link in links
    )


def _metadata_above(el: HtmlElement) -> bool:
    """A short line of the heading's metadata (its category, date, author, views), no picture in it.
    A line that links to the home page is the portal's menu or breadcrumb ("Trang chủ | Xây dựng
    Đảng | ..."), and what is above it the portal's banner."""
    text = clean(el.text_content())
    if not text or len(text) > 120 or el.tag == "img" or el.find(".//img") is not None:
        return False
    return sum(1 for _ in el.iter("a")) <= 3 and not _links_home(el)


# --- listings ------------------------------------------------------------------------------------

_OG_ARTICLE = xpath('/descendant::meta[@property="og:type"][translate(@content, "ARTICLE", "article")="article"]')
_PUBLISHED_TIME = xpath('/descendant::meta[@property="article:published_time"]')
_COUNT_ELEMENTS = xpath("count(.//*)")
_FIRST_H1 = xpath("descendant::h1[1]")  # (find(".//h1") walks the rest of the page for a second one)
_LINK_HEADINGS = xpath("descendant-or-self::*[self::h2 or self::h3 or self::h4][descendant::a[@href]]")
_ALL_LINK_HEADINGS = xpath("/descendant::*[self::h2 or self::h3 or self::h4][descendant::a[@href]]")
_ARTICLE_TYPES = re.compile(r'"@type"\s*:\s*\[?\s*"(?:News|Blog|Reportage|Analysis)?(?:Article|Posting)"')


def declares_article(tree: HtmlElement) -> bool:
    """The page says it is one article: og:type "article", article:published_time, or JSON-LD
    NewsArticle/Article/BlogPosting. Category pages say "website" (nghean.dcs.vn's listings)."""
    if _OG_ARTICLE(tree) or _PUBLISHED_TIME(tree):  # <meta>s stray into <body> too
        return True
    scripts = (el.text or "" for el in tree.iter("script") if el.get("type") == "application/ld+json")
    return any(_ARTICLE_TYPES.search(s) for s in scripts)


_TITLE_LETTERS = 20  # a post's title, not a section's name ("Tin tức")
# (walked by lxml's iter() in C: the XPath "/descendant::*[self::h1 or ... or self::p]" tested seven
# node sets on every element, 0.14 ms of a 2 ms template read on dcs-quangtri's 200-element pages)
_HEADINGS_AND_PARAGRAPHS = (*_HEADINGS, "p")


def lists_whole_posts(tree: HtmlElement, url: str, paragraphs: list[str]) -> bool:
    """A blog's listing that shows each post whole: the body read is the paragraphs under a
    heading that links to another page of the portal (the post's own), and another such heading
    has paragraphs of prose of its own. Twenty Twelve's category page: "<article><h1
    class="entry-title"><a href="/2016/05/ban-thuong-vu-.../">Ban Thường vụ ...</a></h1><div
    class="entry-content"><p>Sáng 23/5, ...</p><p>...</p></div></article>", once per post. An
    article's own heading is not linked, or links to the article itself; and a page that declares
    itself an article is one (a round-up whose items link to the stories: looks_like_listing)."""
    if not paragraphs or declares_article(tree):
        return False
    # (the page's own addresses: where it was fetched and its canonical link, not a heading's link)
    own = {canonical_url(url)} | {canonical_url(urljoin(url, href.strip())) for href in _CANONICAL(head(tree))}
    posts: dict[HtmlElement, int] = {}
    under: list[tuple[HtmlElement, HtmlElement]] = []  # each paragraph under a post's linked title
    current: HtmlElement | None = None
    for el in tree.getroottree().getroot().iter(*_HEADINGS_AND_PARAGRAPHS):
        if el.tag != "p":
            current = el if _links_elsewhere(el, url, own) else None
            if current is not None:
                posts[current] = 0
            continue
        if current is None:
            continue
        under.append((el, current))
        if reads_as_paragraph(short_text(el, 1500) or ""):
            posts[current] += 1
    if sum(1 for count in posts.values() if count) < 2:
        return False  # (most pages: asked before the body's paragraphs are looked for on the page)
    first = holders_of(paragraphs[:1], tree).get(paragraphs[0], [])
    body_under = next((heading for el, heading in under
                       if any(el is holder or el in holder.iterancestors() for holder in first)), None)
    if body_under is None:
        return False
    # Another post shown whole, or two more shown by their summaries (Orchard's archives: each post's
    # "<h1><a href="/xay-dung-dang/...">title</a></h1>", its date line and a 200-character excerpt).
    others = [count for heading, count in posts.items() if heading is not body_under and count]
    return any(count >= 2 for count in others) or len(others) >= 2


def _links_elsewhere(heading: HtmlElement, url: str, own: set[str]) -> bool:
    """Is the heading, all of it, one link to another page of the portal, its text a title's (words,
    not a section's name: "<h2><a href="/tin-tuc">Tin tức</a></h2>" over an article heads no post)?"""
    links = [a for a in heading.iter("a") if (a.get("href") or "").strip()]
    if len(links) != 1 or clean(links[0].text_content()) != clean(heading.text_content()):
        return False
    text = clean(heading.text_content())
    if letters(text) < _TITLE_LETTERS or len(text.split()) < 4:
        return False
    target = urljoin(url, (links[0].get("href") or "").strip())
    return host_of(target) == host_of(url) and canonical_url(target) not in own


def looks_like_listing(tree: HtmlElement, paragraphs: list[str]) -> bool:
    """A home or category page: what was extracted is link titles, or teaser summaries that
    each sit beside a linked heading (<div class="news-item"><h3><a>title</a></h3><p>sapo</p>).

    A page that declares itself an article and has a heading is one, even when it is a list
    of linked items with summaries ("10 DIY Woodworking Projects", each a link and a blurb)."""
    has_heading = bool(_FIRST_H1(tree))
    if has_heading and declares_article(tree):
        return False
    if not has_heading and len(_ALL_LINK_HEADINGS(tree)) >= 5:
        return True
    if len(paragraphs) < 3:
        # Pruning takes teaser boxes out; when they hold more text than the line or two that
        # was left, that was the page's furniture and the page a listing (nghean.dcs.vn's
        # category pages: "Xây dựng Đảng Tiếng Việt English RSS Tiêu điểm: ...").
        teaser_text = sum(len(clean(group.text_content())) for group in chrome.teaser_groups(tree))
        return teaser_text > sum(len(p) for p in paragraphs)
    anchors = {clean(a.text_content()) for a in tree.iter("a")}
    holders = holders_of(paragraphs, tree)
    teasers: set[HtmlElement] = set()
    linked = 0
    for text in paragraphs:
        if text in anchors:
            linked += 1
            continue
        for holder in holders.get(text, [])[:1]:
            for ancestor in list(holder.iterancestors())[:2]:
                # A teaser is a small box: one linked heading and a short summary.
                if _COUNT_ELEMENTS(ancestor) > 40:
                    break
                if len(_LINK_HEADINGS(ancestor)) == 1 and len(clean(ancestor.text_content())) < 700:
                    teasers.add(ancestor)
                    break
    count = linked + len(teasers)
    return len(teasers) >= 2 and count >= 0.5 * len(paragraphs)
