"""The generic path's body: the article's region, pruned of chrome, through trafilatura.

Read by the generic page object (generic.py). Only the region that holds the heading and the
body's container is copied, pruned and handed to trafilatura (the menus, sidebars and footers of
a portal page are most of its markup, and were most of trafilatura's time).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree

from crawler.extract import chrome
from crawler.extract.blocks import Block, background_picture, walk
from crawler.extract.layout import common_ancestor
from crawler.extract.page import HtmlElement, new_element, select, xpath
from crawler.extract.queries import in_python_list, python_queries
from crawler.extract.text import clean, has_text, letters

if TYPE_CHECKING:
    from trafilatura.settings import Extractor


@dataclass
class Body:
    """What trafilatura chose, as blocks in reading order (text lines and captions), each with the
    element of the region's pruned copy that shows it when found; `container` holds them all."""

    blocks: list[Block] = field(default_factory=list)
    container: HtmlElement | None = None
    # The pruned copy of the region trafilatura read, and the page's element of each of its elements.
    pruned: HtmlElement | None = None
    twins: dict[HtmlElement, HtmlElement] = field(default_factory=dict)
    captions: set[HtmlElement] = field(default_factory=set)  # caption elements of the pruned copy

    def holder(self, text: str) -> HtmlElement | None:
        found = (b.element for b in self.blocks if b.kind == "text" and b.text == text and b.element is not None)
        return next(found, None)


@cache
def _options_template() -> Extractor:
    # trafilatura is imported on the first page that needs the generic path: a crawl that the
    # profile's rules cover never pays for loading it (0.1 s at every start).
    from trafilatura.settings import Extractor

    return Extractor(output_format="python", fast=True, comments=False, with_metadata=False)


def _trafilatura_options(url: str) -> Extractor:
    """bare_extraction(url=url, include_comments=False, with_metadata=False, fast=True)'s options,
    made once: building them reads trafilatura's configuration anew on every call."""
    options = copy.copy(_options_template())
    options.url = url
    options.source = url.encode("utf-8", "replace").decode("utf-8") if url else None
    return options


def region_copy(region: HtmlElement) -> tuple[HtmlElement, dict[HtmlElement, HtmlElement]]:
    """A document of a copy of the region inside copies of its ancestors (each with its tag and
    attributes, without its other children), and the page's element of each copied one.

    trafilatura looks for the body's container by what elements are called, first match first:
    given the region alone it took the first of jyllands-posten.dk's "c-article-text-container"s
    for the article; with the ancestors it finds the element around all of them, as on the page."""
    twin = copy.deepcopy(region)
    twin.tail = None
    twins = dict(zip(twin.iter(), region.iter(), strict=True))
    inner = twin
    # page.new_element: every element of the copy gets its class chosen in C, as on the page;
    # lxml.html.Element's document called back into Python for each element proxy that the
    # pruning and trafilatura make (40 a page, a tenth of their time).
    for ancestor in region.iterancestors():
        if ancestor.tag == "html" or not isinstance(ancestor.tag, str):
            break
        outer = new_element(ancestor.tag, dict(ancestor.attrib))
        outer.append(inner)
        inner = outer
    if inner.tag != "body":
        body = new_element("body")
        body.append(inner)
        inner = body
    document = new_element("html")
    document.append(inner)
    return document, twins


def read_body(
    region: HtmlElement, url: str, caption_selector: str, container: HtmlElement | None = None,
    by_lines: bool = False,
) -> Body:
    """Prune a copy of the region, then let trafilatura choose the body among what is left.

    When, in an article's region, what trafilatura chose holds less than half the text of the
    element whose prose is the most on the page (`container`, layout.prose), and that text is not
    in <p>s, that element is read instead, line by line (as it is when `by_lines`: the caller knows
    it holds the text):
    legacy portals write their articles as text between <br>s, in <font>s and <span>s, which
    trafilatura's main pass reads as nothing, and its fallback as the whole page on one line."""
    pruned, twins = region_copy(region)
    chrome.prune(pruned, in_place=True)
    drop_cut_copies(pruned)
    box_loose_lines(pruned)
    unframe_text_figures(pruned)
    caption_elements = set(select(pruned, caption_selector)) | set(captions_under_images(pruned))
    captions = {clean(el.text_content()) for el in caption_elements}
    captions.discard("")
    # Images are asked for separately below: include_images changes which blocks trafilatura
    # keeps, and it then kept image-side text as body. fast=True skips trafilatura's second
    # opinion (its readability and jusText runs, compared with its own choice): on a tree already
    # pruned of chrome that comparison changes no body, and costs as much as the rest of the run
    # (BENCHMARKS.md, the extraction runs).
    inverse = {original: twin for twin, original in twins.items()} if container is not None else {}
    prose_holder = inverse.get(container) if container is not None else None
    if prose_holder is not None:
        unbox_around(prose_holder)
    if by_lines and prose_holder is not None:  # the caller knows the text's element: a form's field
        return _read_lines(prose_holder, pruned, twins, caption_elements, caption_selector)
    body = _trafilatura_body(pruned, url, whole=region.tag == "body")
    texts = list(body_lines(body)) if body is not None else []
    # Only inside an article's region (on a whole page the prose's element may be its footer), and
    # only for prose that is not in paragraphs (<p>s trafilatura reads well: a listing's footer).
    if prose_holder is not None and region.tag != "body" and prose_holder.tag not in ("body", "html"):
        held = letters(prose_holder.text_content())
        in_paragraphs = sum(letters(p.text_content()) for p in prose_holder.iter("p"))
        # Mostly text between <br>s (not lists or tables): read line by line unless trafilatura read
        # nine tenths of its lines. (Asked only of prose not in paragraphs: a portal's article is in
        # <p>s, and its lines need not be read.)
        if in_paragraphs < 0.5 * held and (letters(" ".join(texts)) < 0.5 * held or (
            _between_breaks(prose_holder) >= 0.5 * held and _covered(prose_holder, texts) < 0.9 * held
        )):
            return _read_lines(prose_holder, pruned, twins, caption_elements, caption_selector)
    if body is None:
        return Body(pruned=pruned, twins=twins, captions=caption_elements)
    headings = {clean(h.text_content()) for h in pruned.iter("h1")}
    holders = holders_of([t for t in texts if t not in captions], pruned)
    blocks = [
        Block("caption" if text in captions else "text", text, element=(holders.get(text) or [None])[0])
        for text in texts if text not in headings
    ]
    found = common_ancestor(els[-1] for els in holders.values())
    return Body(headings_between(blocks, found), found, pruned, twins, caption_elements)


def headings_between(blocks: list[Block], container: HtmlElement | None) -> list[Block]:
    """The body's lines with the subheadings between its paragraphs that trafilatura left out: without
    an <article> or a class it knows, it reads a body's <p>s only, and "<h3>Nâng cao chất lượng tổ
    chức cơ sở đảng</h3>" between two of them was lost. A heading that links is no subheading."""
    if container is None:
        return blocks
    order = {el: index for index, el in enumerate(container.iter())}
    known = [order[block.element] for block in blocks if block.element in order]
    if len(known) < 2:
        return blocks
    first, last = min(known), max(known)
    have = {block.text for block in blocks}
    missing = []
    for heading in container.iter("h2", "h3", "h4", "h5", "h6"):
        text = clean(heading.text_content())
        if text and text not in have and len(text) <= 200 and heading.find(".//a[@href]") is None:
            if first < order[heading] < last:
                missing.append((order[heading], Block("text", text, element=heading)))
    if not missing:
        return blocks
    merged: list[Block] = []
    for block in blocks:
        at = order.get(block.element) if block.element is not None else None
        while missing and at is not None and missing[0][0] < at:
            merged.append(missing.pop(0)[1])
        merged.append(block)
    return merged + [block for _, block in missing]


_BLOCKS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "section", "article", "header",
    "footer", "aside", "nav", "main", "blockquote", "figure", "form", "pre", "center",
})
_INLINE_LINES = frozenset({"a", "span", "strong", "b", "em", "i", "font", "time", "small", "label", "cite"})


def box_loose_lines(tree: HtmlElement) -> None:
    """Give each element that stands alone beside blocks a block of its own: "<div><a>Tin tức - Sự
    kiện</a><h1>...</h1><span>Ngày đăng: 10/06/2025 10:30</span> <strong>Đoàn công tác ...</strong>
    <div><p>...</p></div></div>", a template whose boxes around the category, the date line and the
    lead were left out. trafilatura reads such a box's loose elements as one line with the heading
    between them; each was written as its own element, between blocks, with nothing but spaces
    around it."""
    for box in list(tree.iter(*_BLOCKS)):
        children = [child for child in box if isinstance(child.tag, str)]
        if not any(child.tag in _BLOCKS for child in children) or clean(box.text):
            continue
        for child in children:
            if child.tag not in _INLINE_LINES or clean(child.tail) or not clean(child.text_content()):
                continue
            if child.get("itemprop") is not None:
                continue  # a value given as microdata ("<span itemprop="name">"): metadata, read as such
            previous = child.getprevious()
            while previous is not None and not isinstance(previous.tag, str):
                previous = previous.getprevious()
            if previous is not None and clean(previous.tail):
                continue
            line = lxml.html.Element("div")
            child.addprevious(line)
            line.tail, child.tail = child.tail, None
            line.append(child)


_MEDIA = ("img", "picture", "video", "audio", "iframe", "object", "embed", "svg", "canvas", "table")


def unframe_text_figures(tree: HtmlElement) -> None:
    """A <figure> that frames words only is the article's text set apart, not a picture: a pull
    quote ("<figure><blockquote><p>Văn kiện phải chỉ rõ ...</p><cite>Đồng chí Bí thư Tỉnh ủy</cite>
    </blockquote></figure>", WordPress's block). trafilatura drops every <figure> it is given; as
    the <div> it is used as, its lines are read."""
    for figure in list(tree.iter("figure")):
        if next(figure.iter(*_MEDIA), None) is None and has_text(figure.text_content()):
            figure.tag = "div"


def unbox_around(holder: HtmlElement) -> None:
    """The tables and lists around the body's paragraphs are the page's boxes, not a table or a list:
    table cells of its layout (a SharePoint page's zones, "<table id="MSO_ContentTable"><tr><td>
    <table><tr><td>" around the web part that shows the post, its sidebar the next cell; a legacy
    portal's page grid), the item of a list of posts that a blog's view shows the post as ("<ul><li>
    <div><h2>...</h2>...<div><p>Chiều 28/11, ..."). trafilatura reads a table's cells as a table's
    and a list's items as a list's: it found no body in them, or set the body's own table of figures
    after its paragraphs. As the <div>s they are used as, it reads the post."""
    for ancestor in holder.iterancestors():
        if ancestor.tag in _BOX_TAGS:
            ancestor.tag = "div"


_BOX_TAGS = ("table", "tbody", "thead", "tfoot", "tr", "td", "th", "ul", "ol", "li")


_ELLIPSIS_TEXT = xpath("/descendant::text()[contains(., '…') or contains(., '...')]")


def drop_cut_copies(tree: HtmlElement) -> None:
    """Take out a block that is the beginning of the paragraphs after it cut off with an ellipsis:
    WordPress's automatic excerpt (the first 55 words and "…") where the lead goes, over the post
    it copies. It is no lead, and trafilatura, reading it first, would drop the first paragraph
    as a repeat of it."""
    blocks: list[HtmlElement] = []
    for piece in _ELLIPSIS_TEXT(tree):
        block = piece.getparent()
        while block is not None and block.tag not in ("p", "div", "td", "li", "body"):
            block = block.getparent()
        if block is not None and block.tag != "body" and block not in blocks:
            blocks.append(block)
    for block in blocks:
        text = clean(block.text_content())
        following: list[str] = []
        for el in block.itersiblings():
            for paragraph in el.iter("p") if el.tag != "p" else [el]:
                following.append(clean(paragraph.text_content()))
            if len(following) >= 5:
                break
        if not following:  # the paragraphs after the block's box: "<div><p>excerpt…</p></div><div><p>..."
            for ancestor in block.iterancestors():
                after = [p for sibling in ancestor.itersiblings() for p in sibling.iter("p")][:5]
                if after:
                    following = [clean(p.text_content()) for p in after]
                    break
        if is_cut_copy(text, " ".join(following)):
            chrome.drop(block)


def is_cut_copy(text: str, paragraphs: str) -> bool:
    """Is the text the beginning of the paragraphs (joined by spaces), cut off with an ellipsis
    ("Ngày 10/6, ... chỉ đạo hội nghị. Trong quý II, khối dân vận các cấp…"), bare or in brackets
    (WordPress's own mark, "... đã xem xét kết [&hellip;]", cut inside a word)?"""
    if text.endswith(("[…]", "[...]")):
        text = text[: text.rindex("[")].rstrip()
    elif not text.endswith(("…", "...")):
        return False
    start = text.rstrip(" .…")
    return len(start) >= 40 and len(paragraphs) > len(start) and paragraphs.startswith(start)


def _between_breaks(holder: HtmlElement) -> int:
    """Letters of the text set between <br>s: the own text of the elements that hold a <br>."""
    return sum(
        letters(" ".join([el.text or "", *(child.tail or "" for child in el)]))
        for el in holder.iter() if isinstance(el.tag, str) and el.find("br") is not None
    )


def _covered(holder: HtmlElement, texts: list[str]) -> int:
    """Letters of the holder's lines (its text cut at <br>s) that trafilatura's lines hold: it
    reads lines between <br>s in a <div>, and in a <section> loses the first and what follows the
    last ("<section>Tối 21/11, ...<br>Chương trình ...<br>Phát biểu ...<article>Văn Thông</article>")."""
    read = "\n".join(texts)
    return sum(letters(line) for line in lines_at_breaks(holder) if line in read)


def _read_lines(
    holder: HtmlElement, pruned: HtmlElement, twins: dict[HtmlElement, HtmlElement], captions: set[HtmlElement],
    caption_selector: str,
) -> Body:
    """The prose's element read block by block, a block's text split at its <br>s."""
    blocks: list[Block] = []
    for block in walk(holder, caption_selector, captions):
        if block.kind == "text" and block.element is not None and block.element.find(".//br") is not None:
            blocks += [Block("text", line, element=block.element) for line in lines_at_breaks(block.element)]
        elif join_data_row(blocks, block):
            continue
        elif block.kind in ("text", "caption"):
            blocks.append(block)
    return Body(blocks, holder, pruned, twins, captions)


def lines_at_breaks(el: HtmlElement) -> list[str]:
    """An element's text cut at its <br>s: "Sáng 12/3, ...<br><br>Tham dự ..." -> two lines."""
    lines = [""]
    for piece in _pieces(el):
        if piece is None:
            lines.append("")
        else:
            lines[-1] += piece
    return [text for text in (clean(line) for line in lines) if text]


def _pieces(el: HtmlElement) -> Iterator[str | None]:
    """The element's text in order, None for each <br>."""
    yield el.text or ""
    for child in el:
        if isinstance(child.tag, str):
            if child.tag == "br":
                yield None
            else:
                yield from _pieces(child)
        yield child.tail or ""


def _trafilatura_body(pruned: HtmlElement, url: str, whole: bool) -> etree._Element | None:
    """trafilatura's body of the pruned region.

    On a whole page, its whole cascade (bare_extraction): when its main pass finds little, it
    falls back on a plain dump of the page and retries for recall, which pages of any layout
    need. On an article's region, its main pass alone (cleaning, tag conversion, the body's
    choice): what the fallbacks would weigh against, the page around the article, is not there,
    and they cost as much as the main pass (a portal's article: 1.3 ms with them, 0.8 without).
    trafilatura is pinned (pyproject.toml): these are its 2.3.1 stages, in bare_extraction's order.
    Its class and id queries are asked in Python (queries.py): the same answers, sooner.
    """
    import trafilatura

    options = _trafilatura_options(url)
    if whole:
        # trafilatura prunes the tree it is given (comment boxes, by its own rules) before it copies it.
        with python_queries():
            document = trafilatura.bare_extraction(pruned, options=options)
        return getattr(document, "body", None)
    from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
    from trafilatura.main_extractor import extract_content
    from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH

    # what trafilatura prunes first: its own boilerplate, and comment boxes when comments are off
    prune_unwanted_nodes(pruned, in_python_list(tuple(RAW_TREE_PRUNE_XPATH)))
    prune_unwanted_nodes(pruned, in_python_list(tuple(REMOVE_COMMENTS_AND_LISTS_XPATH)))
    cleaned = convert_tags(tree_cleaning(copy.copy(pruned), options), options, url)
    with python_queries():
        body, _ = extract_content(cleaned, options)
    return body


def captions_under_images(tree: HtmlElement) -> Iterator[HtmlElement]:
    """Short lines set right under an image, centered or in italics: "<p><img></p><p><em>Quang cảnh
    hội nghị</em></p>", or the next row of the image's table: "<tr><td><img></td></tr><tr><td
    style="text-align: center">Quang cảnh ...</td></tr>", however deep each sits in wrappers."""
    for img in tree.iter("img"):
        # up to the largest element that holds the image and no text
        holder = img
        for _ in range(8):
            parent = holder.getparent()
            if parent is None or parent.tag in ("body", "html") or has_text(parent.text_content()):
                break
            holder = parent
        named = _line_naming(holder, img)
        if named is not None:
            yield named
            continue
        if holder is img:
            # the caption in the image's own block, after a line break: "<p align="center"><img
            # ...><br><em>Cán bộ Văn phòng Tỉnh ủy kiểm tra ...</em></p>"; or the next element, set
            # as a caption: "<div><img ...><p><em>Trao Bằng khen ...</em></p></div>"
            below = _line_under(img)
            if below is None:
                below = _caption_atop(img, img.getnext())
            if below is None:
                below = _set_right_after(img)
            if below is not None:
                yield below
            continue
        following = holder.getnext()
        in_table = holder.tag in ("td", "th", "tr")
        if holder.tag in ("td", "th") and following is None:
            row = holder.getparent()
            next_row = row.getnext() if row is not None else None
            following = next_row[0] if next_row is not None and len(next_row) else None
        elif holder.tag == "tr" and following is not None and len(following):
            following = following[0]
        if following is None or not isinstance(following.tag, str) or following.find(".//img") is not None:
            continue
        text = clean(following.text_content())
        # In a small table of its own (the image's row, then its caption's: "<table class="image">
        # ...<td class="image_desc">"), the line under the picture is its caption however it is set.
        small_table = in_table and len(_ROWS(next(holder.iterancestors("table"), holder))) <= 3
        # ...and so is the line that shares a box with the picture and nothing else (a figure
        # without the tag: SharePoint's "<div class="captioned-image"><div class="image">...")
        parent = holder.getparent()
        own_box = parent is not None and [c for c in parent if isinstance(c.tag, str)] == [holder, following]
        first = _first_line_after(holder) if not in_table else None
        if first is not None and clean(first.text_content()) != text:
            atop = _caption_atop(holder, following)
            if atop is not None:
                yield atop
        elif text and len(text) <= 300 and (small_table or own_box or _set_as_caption(following, text)):
            yield following
    for box in _PAINTED(tree):
        if background_picture(box) and not clean(box.text_content()):
            line = _first_line_after(box)
            if line is not None and _set_as_caption(line, clean(line.text_content())):
                yield line


_PAINTED = xpath("descendant::*[contains(@style, 'url(')]")


def _caption_atop(holder: HtmlElement, following: HtmlElement | None) -> HtmlElement | None:
    """The first line of the passage under a picture, when it is set as a caption: the editor typed
    the picture's caption at the top of the text block under it ("<div><img></div><div><p
    style="text-align: center"><small>Quang cảnh hội nghị</small></p><p>Thảo luận tại hội nghị,
    ...</p></div>", a CMS whose image block has no caption field: Piranha). The line is judged
    alone, not by a centred line further down the passage."""
    if following is None or not isinstance(following.tag, str) or following.find(".//img") is not None:
        return None
    first = _first_line_after(holder)
    if first is None or clean(first.text_content()) == clean(following.text_content()):
        return None
    shown = first.getparent() if first.tag in _INLINE_LINES and first.getparent() is not None else first
    return first if shown is not following and _set_as_caption(shown, clean(first.text_content())) else None


def _first_line_after(box: HtmlElement) -> HtmlElement | None:
    """The innermost element that holds the first text after `box` (in the boxes that follow it),
    when that text is a short line: the caption Liferay Blogs sets under its cover picture, "<div
    style="background-image: url(...)"></div><div><div><div><small>Quang cảnh ...</small>"."""
    for following in box.itersiblings():
        if not isinstance(following.tag, str):
            continue
        for el in following.iter(etree.Element):
            if clean(el.text):
                text = clean(el.text_content())
                return el if len(text) <= 300 and len(el) == 0 else None
        if clean(following.tail):
            return None
    return None


_ROWS = xpath(".//tr")


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _line_naming(holder: HtmlElement, img: HtmlElement) -> HtmlElement | None:
    """A short line after the picture, in the same box, that says what its alt text says: its
    caption, whatever lies between them ("<a><img alt="Nhà rông làng Kon Pring ..."></a><div
    class="modal">...</div><em>Nhà rông làng Kon Pring ...</em>", NukeViet's featured image and its
    hidden enlargement)."""
    alt = clean(img.get("alt") or "")
    if len(alt) < 10:
        return None
    for following in holder.itersiblings():
        if not isinstance(following.tag, str):
            continue
        # A teaser's heading repeats its thumbnail's alt text too: a line that links or heads is no caption.
        if following.tag in _HEADINGS or following.find(".//a[@href]") is not None:
            continue
        if following.find(".//img") is None and clean(following.text_content()) == alt:
            return following
    return None


def _set_right_after(img: HtmlElement) -> HtmlElement | None:
    """The element right after the picture, nothing between them, when it is a short line set as a
    caption (centered or in italics)."""
    if clean(img.tail) or any(el.tag == "a" for el in img.iterancestors()):
        return None  # a picture and a line in one link are a link: "<a><img><span>Huyện ủy ...</span></a>"
    following = img.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()
    if following is None or following.tag == "br" or following.find(".//img") is not None:
        return None
    text = clean(following.text_content())
    if not text or len(text) > 300:
        return None
    # The box holds the picture and the line and nothing else, or the picture names the line as
    # what describes it: WordPress's "<div class="wp-caption"><img aria-describedby="caption-
    # attachment-3049"><p id="caption-attachment-3049">Đồng chí ...</p></div>".
    box = img.getparent()
    own_box = box is not None and [c for c in box if isinstance(c.tag, str)] == [img, following] and not clean(
        box.text) and not clean(following.tail)
    described = bool(img.get("aria-describedby")) and img.get("aria-describedby") == following.get("id")
    return following if own_box or described or _set_as_caption(following, text) else None


def _line_under(img: HtmlElement) -> HtmlElement | None:
    """The element that is all the text of the image's block, set after it and a <br>, when it is
    set as a caption (centered or in italics): nothing but the picture and its line in the block."""
    block = img.getparent()
    if block is None or clean(block.text) or clean(img.tail):
        return None
    following = [el for el in img.itersiblings() if isinstance(el.tag, str)]
    if len(following) != 2 or following[0].tag != "br" or clean(following[0].tail):
        return None
    line = following[1]
    text = clean(line.text_content())
    if not text or len(text) > 300 or clean(line.tail) or text != clean(block.text_content()):
        return None
    return line if _set_as_caption(line, text) or _set_as_caption(block, text) else None


def _set_as_caption(el: HtmlElement, text: str) -> bool:
    """Centered, or in italics or small print throughout (the element or what it wraps); not aligned
    right, as editors set a byline or a source line: "<p style="text-align: right;"><em>Theo Báo Lạng
    Sơn</em></p>" under the body's last picture is the article's source."""
    for part in el.iter():
        if not isinstance(part.tag, str):
            continue
        style = (part.get("style") or "").replace(" ", "").lower()
        if "text-align:right" in style or (part.get("align") or "").lower() == "right":
            return False
        if "text-align:center" in style or (part.get("align") or "").lower() == "center" or part.tag == "center":
            return True
    emphasis = clean("".join(e.text_content() for e in el.iter("em", "i", "small")))
    return emphasis == text


def body_lines(body: etree._Element) -> Iterator[str]:
    """trafilatura's body -> one line per paragraph, heading, list item, quote, code block or table row.

    Loose text between blocks is a line of its own: ilgiornale.it ends its article with text
    after the last </p>."""
    if clean(body.text):
        yield clean(body.text)
    for child in body:
        tag = child.tag
        if tag in ("list", "table", "div", "main") or (tag == "quote" and child.find("p") is not None):
            # (a quote of paragraphs, or a pull quote's words and whom they are by: a line each)
            yield from body_lines(child)
        elif tag == "row" and child.find(".//p") is not None and not _data_row(child):
            # a layout table: the cell holds the article's paragraphs, each a line of its own
            for cell in child:
                yield from body_lines(cell)
        elif tag == "item" and child.find("list") is not None:
            own = clean(_xml_text(child, skip="list"))
            if own:
                yield own
            for sub in child.iterchildren("list"):
                yield from body_lines(sub)
        elif tag != "graphic":
            text = clean(_xml_text(child))
            if text:
                yield text
        if clean(child.tail):
            yield clean(child.tail)


def _data_row(row: etree._Element) -> bool:
    """A row of a table of figures whose editor set each cell's value in a <p> ("<td><p>Thành ủy Quy
    Nhơn</p></td><td><p>14.206</p></td>"): two cells or more, each a short value, one line of text."""
    return short_value_cells([cell for cell in row if cell.tag == "cell"], _xml_text)


def short_value_cells(cells: list[etree._Element], text_of: Callable[[etree._Element], str]) -> bool:
    """Two cells or more, each a short value of one paragraph at most: a row of a table of figures
    (read a row a line by the generic path, and by a learned template as it does)."""
    return len(cells) >= 2 and all(len(cell.findall(".//p")) <= 1 and len(clean(text_of(cell))) <= 80
                                   for cell in cells)


_NOT_IN_A_DATA_ROW = ("div", "li", "table", "ul", "ol", "h2", "h3", "h4", "blockquote", "img")


def data_row(block: Block) -> HtmlElement | None:
    """The table row a text block is a cell (or a cell's one paragraph) of, when the row is one of
    data: cells of a few words and figures, no list or picture in any ("<tr><td>Kiểm tra đảng
    viên</td><td>118</td><td>19</td></tr>", or each value in a <p>: "<td><p>14.206</p></td>"), as
    trafilatura's body is read (_data_row). A layout table's cells hold paragraphs, each a line
    of its own."""
    el = block.element
    if block.kind != "text" or el is None:
        return None
    cell = el.getparent() if el.tag == "p" else el
    if cell is None or cell.tag not in ("td", "th"):
        return None
    row = cell.getparent()
    if row is None or row.tag != "tr" or any(True for _ in row.iterdescendants(*_NOT_IN_A_DATA_ROW)):
        return None
    cells = [cell for cell in row if cell.tag in ("td", "th")]
    if row.find(".//p") is not None and not short_value_cells(cells, lambda cell: cell.text_content()):
        return None
    return row


def join_data_row(blocks: list[Block], block: Block) -> bool:
    """Add a cell of a table of figures to the line of its row (data_row), the cells' texts joined
    by spaces, as trafilatura's <row> with no paragraph in it is read (body_lines): True when the
    block was one. A walk of the body's element meets each cell as a block of its own."""
    row = data_row(block)
    if row is None:
        return False
    if blocks and blocks[-1].element is row:
        blocks[-1] = Block("text", f"{blocks[-1].text} {block.text}", element=row)
    else:
        blocks.append(Block("text", block.text, element=row))
    return True


_INLINE = {"hi", "ref", "del"}


def _xml_text(el: etree._Element, skip: str = "") -> str:
    """Text of a trafilatura element; block children and <lb/> are word boundaries
    (<item><p>B2B Apps</p><p>Developed for...</p></item> is not "AppsDeveloped")."""
    parts = [el.text or ""]
    for child in el:
        if child.tag == skip:
            pass
        elif child.tag in _INLINE:
            parts.append(_xml_text(child))
        else:
            parts += [" ", _xml_text(child), " "]
        parts.append(child.tail or "")
    return "".join(parts)


def holders_of(paragraphs: list[str], tree: HtmlElement) -> dict[str, list[HtmlElement]]:
    """The elements of `tree` whose whole text is one of `paragraphs`, by paragraph."""
    wanted = set(paragraphs)
    starts = {p[:16] for p in paragraphs}
    found: dict[str, list[HtmlElement]] = {}
    for el in tree.iter("p", "div", "li", "td", "blockquote", "h2", "h3", "h4", "span", "section", "article",
                        "header", "font", "b", "strong", "em", "i", "center"):
        # text_content() of every div is quadratic on deep pages: a div or span holds a
        # paragraph only when it has text of its own.
        if el.tag not in ("p", "li", "td", "blockquote", "h2", "h3", "h4") and not (el.text and el.text.strip()):
            continue
        raw = el.text_content()
        # most elements are ruled out by how they start, before the whole text is cleaned
        head = clean(raw[:64])
        if len(head) < 16 < len(raw):
            head = clean(raw)
        if head[:16] not in starts:
            continue
        text = clean(raw)
        if text in wanted:
            found.setdefault(text, []).append(el)
    return found
