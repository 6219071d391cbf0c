"""Where things sit on a page without a profile: the article's region, its body's container, the
breadcrumb, the lead, captions. Read by the generic page object (generic.py).

Every rule here reads the page's structure and text, never what its authors named its elements:
a portal renamed from "news-sapo" to "pnl-a", or wrapped in `<section>`s instead of `<div>`s,
reads the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, pairwise
from urllib.parse import SplitResult, urljoin, urlsplit

from lxml import etree

from crawler.extract.fold import fold
from crawler.extract.page import HtmlElement, short_text, xpath
from crawler.extract.text import clean, letters

# --- the article's region ----------------------------------------------------------------------

_PARAGRAPH_MIN = 30  # characters: shorter blocks (widget lines, menu items) weigh nothing


def _weight(el: HtmlElement) -> float:
    """A text block's weight: its text less the part in links (a teaser is mostly its link)."""
    text = letters(el.text_content())
    if text < _PARAGRAPH_MIN:
        return 0.0
    linked = sum(letters(a.text_content()) for a in el.iter("a"))
    return text - 2 * linked


@dataclass
class Prose:
    """Where a page's prose is: `container`, the element whose paragraphs hold the most text (each
    paragraph counts for its parent, half for its grandparent: a body split over several <div>s
    still gathers under one), and `within`, the prose held under each element."""

    container: HtmlElement | None
    within: dict[HtmlElement, float]


def prose(tree: HtmlElement, heading: HtmlElement | None = None) -> Prose:
    scores: dict[HtmlElement, float] = {}
    within: dict[HtmlElement, float] = {}
    paragraphs: dict[HtmlElement, int] = {}
    for el in tree.iter(
        "p", "div", "td", "pre", "blockquote", "section", "article", "header", "main", "font", "span", "figcaption"
    ):
        if el.tag == "figcaption":
            # A picture's caption is the article's, though no paragraph: a photo story's gallery
            # ("<figure><img><figcaption>Đoàn đại biểu dâng hương ...</figcaption></figure>" three
            # times under one paragraph) weighs in the region it lies in, beside the sidebar's widgets.
            for ancestor in el.iterancestors():
                within[ancestor] = within.get(ancestor, 0.0) + letters(el.text_content())
            continue
        own = el.text
        # A <div>, <td> or <font> counts as a paragraph only for text of its own; most have none
        # but indentation, shorter than a paragraph before its spaces are taken out.
        if el.tag != "p" and not (own and len(own) >= _PARAGRAPH_MIN and letters(own) >= _PARAGRAPH_MIN):
            continue
        weight = _weight(el)
        if weight <= 0:
            continue
        parent = el.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + weight
        paragraphs[parent] = paragraphs.get(parent, 0) + 1
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0.0) + weight / 2
            paragraphs[grandparent] = paragraphs.get(grandparent, 0) + 1
        for ancestor in el.iterancestors():
            within[ancestor] = within.get(ancestor, 0.0) + weight
    container = max(scores, key=lambda el: scores[el]) if scores else None
    if heading is not None and container is not None:
        container = _nearer_the_heading(heading, container, scores, paragraphs)
    return Prose(container, within)


def _nearer_the_heading(
    heading: HtmlElement, container: HtmlElement, scores: dict[HtmlElement, float], paragraphs: dict[HtmlElement, int]
) -> HtmlElement:
    """Around a short article, the page's other prose may weigh as much as its body: the footer's
    six lines of address and licence ("Cơ quan chủ quản: ...", "Giấy phép số 86/GP-TTĐT ...")
    under a body of two paragraphs. The element of two paragraphs or more that shares a smaller
    element with the article's heading, and holds half the text of the heaviest, is the body's.
    A photo story's body is one paragraph and its pictures ("<p>Sáng 31/3, ... Một số hình ảnh tại
    buổi lễ:</p>" over four pictures, each in a table with its caption): two pictures or more count
    for the second paragraph."""
    shared = common_ancestor([heading, container])
    depth = len(list(shared.iterancestors())) if shared is not None else -1
    best, best_depth = container, depth
    for el in scores:
        if el is container or scores[el] < 0.5 * scores[container]:
            continue
        if paragraphs.get(el, 0) < 2 and (paragraphs.get(el, 0) < 1 or _pictures(el) < 2):
            continue
        around = common_ancestor([heading, el])
        el_depth = len(list(around.iterancestors())) if around is not None else -1
        if el_depth > best_depth or (el_depth == best_depth and scores[el] > scores[best]):
            best, best_depth = el, el_depth
    return best


def _pictures(el: HtmlElement) -> int:
    return sum(1 for img in el.iter("img") if (img.get("src") or "").strip())


def body_container(tree: HtmlElement) -> HtmlElement | None:
    """The element whose paragraphs hold the most text (Prose.container)."""
    return prose(tree).container


def common_ancestor(elements: Iterable[HtmlElement]) -> HtmlElement | None:
    """The deepest element holding all of them (itself when one holds the others).

    The first element's line of ancestors is listed, and each other element climbs only until it
    meets that line, above the deepest point met so far (a body's thirty paragraphs each climbed
    to the <html> before, to be compared level by level)."""
    given = iter(elements)
    first = next(given, None)
    if first is None:
        return None
    line = [*reversed(list(first.iterancestors())), first]
    depth = {el: index for index, el in enumerate(line)}
    deepest = len(line) - 1
    for el in given:
        node: HtmlElement | None = el
        while node is not None and depth.get(node, deepest + 1) > deepest:
            node = node.getparent()
        if node is None:  # another document
            return None
        deepest = depth[node]
    return line[deepest]


def article_region(tree: HtmlElement, heading: HtmlElement | None, found: Prose) -> HtmlElement:
    """The smallest element that holds the article's heading and its body's container: what lies
    outside it (menus, sidebars, the footer, often comments and related news) is the portal's.
    The page's <body> when they share nothing smaller.

    When an element around it holds twice as much prose besides it as it holds itself, the body's
    container was one part of a body spread over many (a guide in sections of their own: four to
    eight times as much): the region grows to that element. Around a portal's short article, the
    comments and the footer's widgets may hold as much prose as the article itself."""
    body = tree.find("body")
    whole = body if body is not None else tree
    container = found.container
    if container is None:
        return whole
    anchors = [container] if heading is None else [heading, container]
    region = common_ancestor(anchors)
    if region is None or region.tag in ("html", "body"):
        return whole
    if heading is None:  # the lead and the date line sit beside the body's container
        parent = region.getparent()
        region = parent if parent is not None and parent.tag not in ("html", "body") else region
    for ancestor in list(region.iterancestors()):
        if found.within.get(ancestor, 0.0) > 3 * found.within.get(region, 0.0):
            region = ancestor
        if ancestor.tag in ("html", "body"):
            break
    return whole if region.tag in ("html", "body") else region


# --- blocks that read as text -------------------------------------------------------------------

# ...and the danda of Devanagari and Bengali: "... पकड़ा।"
_SENTENCE_END = re.compile(r"[.!?…:;»\"”’)。！？」』）।॥]\s*$")
# Scripts written without spaces between words: a word is about two of their characters.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def reads_as_paragraph(text: str) -> bool:
    """Prose, not a label, a date line, a name or a caption: ten words or more, ending as a
    sentence ends."""
    if not (25 <= len(text) <= 1500 and _SENTENCE_END.search(text)):
        return False
    words = max(len(text.split()), len(_UNSPACED.findall(text)) // 2)
    return words >= 10 and (len(text) >= 60 or words > len(text.split()))


def holds_prose(text: str) -> bool:
    """Does an article's text ("\n\n" between paragraphs) hold a paragraph that reads as one? A
    document's page of labelled fields ("Trích yếu Kế hoạch chuyển giao hồ sơ ...", "Tệp đính kèm
    KH-215-TU.pdf") or a gallery's captions hold none: no article, whatever their length."""
    return any(reads_as_paragraph(line) or len(line) > 1500 for line in text.split("\n\n"))


_BLOCK_TAGS = {
    "p", "div", "section", "article", "header", "td", "span", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em",
    "i", "font", "blockquote", "center",
}
_NOT_SHOWN = (etree.Comment, etree.ProcessingInstruction, "script", "style")
_NOT_PROSE = ("li", "figure", "figcaption", "a", "table", "ul", "ol", "nav", "form", "button", "label")


def is_emphasised(el: HtmlElement) -> bool:
    """Bold or italic throughout: "<div><strong>Ngày 15/5, ...</strong></div>"."""
    if el.tag in ("b", "strong", "em", "i"):
        return True
    text = clean(el.text_content())
    emphasis = clean("".join(e.text_content() for e in el.iter("b", "strong", "em", "i") if e is not el))
    return bool(text) and emphasis == text


def _single_block(el: HtmlElement) -> bool:
    """An element that is one block of text: no image, table or list in it, and at most one child
    with text of its own beside inline markup."""
    if next(el.iter("img", "figure", "video", "table", "ul", "ol", "iframe"), None) is not None:
        return False
    blocks = [
        child for child in el
        if isinstance(child.tag, str) and child.tag in ("p", "div", "section", "h2", "h3", "h4", "blockquote")
        and clean(child.text_content())
    ]
    if len(blocks) == 1 and clean(blocks[0].text_content()) == clean(el.text_content()):
        # ...through wrappers: a box whose one child holds all its text is that child's block (SharePoint's
        # content column, "<div><div><div>19/06/2025</div><div>byline</div><div><p>..</p><p>..</p></div></div>
        # </div>", once its class names say nothing).
        return _single_block(blocks[0])
    return len(blocks) <= 1


def own_text(el: HtmlElement) -> str:
    """The element's text outside its child elements: "<div><div><img><p><em>caption</em></p></div>
    Ngày 5/6, Ban Dân vận ...</div>" -> "Ngày 5/6, Ban Dân vận ..."."""
    return clean(" ".join([el.text or "", *(child.tail or "" for child in el)]))


def _beside_its_picture(el: HtmlElement) -> bool:
    """A paragraph written around a box holding its picture (and the picture's caption): NukeViet
    3's lead, "<div id="hometext"><div style="width:100px"><a><img></a><p><em>Đồng chí ...</em></p>
    </div>Ngày 5/6, Ban Dân vận Tỉnh ủy tổ chức ...</div>"."""
    boxes = [child for child in el if isinstance(child.tag, str) and clean(child.text_content())]
    if not boxes or any(box.find(".//img") is None and box.tag != "img" for box in boxes):
        return False
    return reads_as_paragraph(own_text(el))


def lead_text(el: HtmlElement) -> str:
    """The lead's text: without the picture box it is written around (_beside_its_picture)."""
    return own_text(el) if _beside_its_picture(el) else clean(el.text_content())


_NEXT_TEXT = xpath("following::text()[normalize-space()][1]")


def _captions_a_picture(el: HtmlElement, text: str, body: HtmlElement | None) -> bool:
    """Is the line the caption of a picture set apart from the body: all the text of the box that
    shows the picture before it, with more lines (a date line, a byline) between that box and the
    body? SharePoint's ArticleLeft layout: "<div><div><img></div><div>Đại biểu tham quan mô hình
    chợ nổi ...</div></div><div><div>21/05/2025</div><div>Diễm My</div></div><div>[body]</div>". A
    lead right above the body beside its picture stays the lead."""
    if body is None or el.find(".//img") is not None:
        return False
    for box in el.iterancestors():
        if box.find(".//img") is None:
            continue
        first = next(x for x in box.iter() if x is el or x.tag == "img")
        if clean(box.text_content()) != text or first is el:
            return False  # (the picture under its line: a lead written above it)
        following = _NEXT_TEXT(box)
        after = following[0].getparent() if following else None
        return after is not None and after is not body and body not in after.iterancestors()
    return False


def _dated_line(el: HtmlElement) -> bool:
    """Is `el` a line that holds a <time>: the page's date line and what shares its box, with no
    paragraph of its own beside it? A box that holds the date line and a paragraph apart from it (a
    header with the date over the lead) is looked into, not skipped."""
    if el.find(".//time") is None:
        return False
    for block in el.iter("p", "div", "section", "article", "blockquote"):
        if block is el or block.find(".//time") is not None:
            continue
        text = short_text(block, 1500)
        if text and reads_as_paragraph(text):
            return False
    return True


def first_prose(
    region: HtmlElement, after: HtmlElement | None, stop: HtmlElement | None, title: str = ""
) -> HtmlElement | None:
    """The first element of `region` after `after` (the heading) that reads as a paragraph and is
    one block, up to and including `stop` (the body's first paragraph). Not the article's `title`
    shown again: a page may give its headline twice, once hidden for screen readers ("<h1
    class="sr-only">") and once shown ("<h4><span>Kỷ niệm 95 năm Ngày thành lập Đảng Cộng sản Việt
    Nam (3/2/1930 - 3/2/2025)</span></h4>", which ends as a sentence may), on Liferay 7."""
    started = after is None
    inside_stop = set(stop.iterancestors()) if stop is not None else set()
    skip_below: HtmlElement | None = None
    for el in region.iter():
        if not started:
            if el is after:
                started, skip_below = True, after  # nothing inside the heading itself
            continue
        if skip_below is not None:
            if skip_below in el.iterancestors():
                continue
            skip_below = None
        if not isinstance(el.tag, str):
            continue
        # (not an element around the body: ASP.NET WebForms pages hold all of theirs in one <form>)
        # ...nor a line that holds a <time>: the page's date line and what shares its box (WordPress's
        # entry meta, "Đăng bởi Ban Biên tập <time>19/06/2025</time> Để lại bình luận trong <title>").
        if (el.tag in _NOT_PROSE or el.tag == "time" or _dated_line(el)) and el not in inside_stop:
            skip_below = el
            if el is stop:
                return None
            continue
        if el.tag in _BLOCK_TAGS and el not in inside_stop:
            text = short_text(el, 1500)
            if text and title and text == title:
                skip_below = el
                continue
            if text and reads_as_paragraph(text) and _single_block(el):
                if _captions_a_picture(el, text, stop):
                    skip_below = el
                    continue
                return el
            if text and _beside_its_picture(el):
                return el
        if el is stop:
            return None
    return None


def set_apart(
    lead: HtmlElement, paragraph: HtmlElement | None, container: HtmlElement | None,
    heading: HtmlElement | None = None,
) -> bool:
    """Does the page show `lead` apart from the body's paragraphs? Outside the element holding
    them, another kind of element than the next paragraph ("<div>" over "<p>"s), or bold or
    italic when it is not."""
    if paragraph is None:
        return False
    if container is not None and container not in lead.iterancestors():
        return True
    if lead.tag != paragraph.tag or _in_own_box(lead, paragraph, heading):
        return True
    return is_emphasised(lead) != is_emphasised(paragraph)


def _in_own_box(lead: HtmlElement, paragraph: HtmlElement, heading: HtmlElement | None) -> bool:
    """Are the lead and the paragraphs in two boxes side by side, the lead the only prose in the
    heading's? WordPress's Post Excerpt block beside the post's content ("<div><h1>...</h1><div><p>
    Sáng 28/5, ...</p></div></div><div><div><p>...</p><p>...</p></div></div>") when the reader took
    both boxes for the body. A box of its own between the heading's and the body's is a widget (a
    newsletter's "Sign up for our newsletters ..."), not the lead."""
    if heading is None:
        return False
    ancestors = [lead, *lead.iterancestors()]
    paragraph_box = paragraph
    for above in paragraph.iterancestors():
        if above in ancestors:
            lead_box = ancestors[ancestors.index(above) - 1]
            break
        paragraph_box = above
    else:
        return False
    if lead_box is lead or paragraph_box is paragraph or lead_box not in heading.iterancestors():
        return False
    prose = [el for el in lead_box.iter(*_BLOCK_TAGS) if el is not lead and lead not in el.iterancestors()
             and el not in ancestors and reads_as_paragraph(clean(el.text_content()))]
    return not prose and sum(1 for _ in paragraph_box.iter(paragraph.tag)) >= 2


# --- the breadcrumb -----------------------------------------------------------------------------

_HOME_WORDS = {"trang chu", "trang nhat", "home", "trang chinh"}
_CRUMBS_MAX = 6  # links in a breadcrumb; a menu has more
_PATH_MARKS = ("»", "›", ">", "/", "→", "::", "\\")
# The home page's address: "/", "./", "https://nghean.dcs.vn/", the default language's "/vi-vn".
_HOME_HREF = re.compile(r"(?:https?://[^/]+)?/?(?:\./?|/|/?[a-z]{2}-[a-z]{2}/?)?|(?:https?://[^/]+)/?")


def is_home_crumb(text: str) -> bool:
    return fold(text) in _HOME_WORDS


def _is_home(link: HtmlElement, text: str) -> bool:
    href = (link.get("href") or "").strip()
    return is_home_crumb(text) or bool(href and _HOME_HREF.fullmatch(href))


def _link_groups(links: Iterable[HtmlElement]) -> dict[HtmlElement, list[HtmlElement]]:
    """Groups of links that follow one another as a path: those of one parent, or of one list
    (each in its <li>)."""
    groups: dict[HtmlElement, list[HtmlElement]] = {}
    for link in links:
        parent = link.getparent()
        if parent is None:
            continue
        # ...through the <span> a theme puts each crumb's link in, then its <li>: Liferay 6's
        # "<li><span><a href="/web/tinhuy/tin-tuc">Tin tức - Sự kiện</a></span></li>"
        for tag in ("span", "li"):
            if parent.tag in (tag, "li") and len(parent) <= 2 and parent.getparent() is not None:
                parent = parent.getparent()
        if parent.tag == "li":
            nest = _nested_path(parent)
            parent = nest if nest is not None else parent
        groups.setdefault(parent, []).append(link)
    return groups


def _nested_path(item: HtmlElement) -> HtmlElement | None:
    """The outermost list of a path drawn as lists nested one in another, each of one item that
    holds a crumb and the list of the next: SharePoint's ListSiteMapPath, "<ul><li><a
    href="/">Thành ủy Cần Thơ</a><ul><li><img alt=":"><a href="/quan-huyen">Tin quận, huyện</a>
    <ul><li><span>[title]</span></li></ul></li></ul></li></ul>". None when the item's list is no
    such nest (a menu's lists hold several items)."""
    outermost = None
    listing = item.getparent()
    while listing is not None and listing.tag in ("ul", "ol") and sum(1 for c in listing if c.tag == "li") == 1:
        outermost = listing
        holder = listing.getparent()
        # (through wrappers of the list alone: "<li><a>...</a><div><ul>...")
        while holder is not None and holder.tag != "li" and _wraps_only(holder):
            holder = holder.getparent()
        if holder is None or holder.tag != "li":
            break
        listing = holder.getparent()
    return outermost if outermost is not None and outermost is not item.getparent() else None


def _wraps_only(el: HtmlElement) -> bool:
    """Does the element hold one element and no text of its own?"""
    return len(el) == 1 and not (el.text or "").strip() and not (el[0].tail or "").strip()


def _leads_to(first: HtmlElement, second: HtmlElement) -> bool:
    """Is the second link's address under the first's, as a path's crumbs are? The portal's root
    named by the portal ("<a href="/web/guest">Tỉnh ủy Hà Giang</a> / <a
    href="/web/guest/tin-tuc-su-kien">Tin tức - Sự kiện</a>" on Liferay 6.2) leads the path as
    "Trang chủ" does."""
    root = urlsplit((first.get("href") or "").strip()).path.rstrip("/")
    under = urlsplit((second.get("href") or "").strip()).path
    if bool(root) and under.startswith(root + "/") and len(under.rstrip("/")) > len(root) + 1:
        return True
    # ...and so does a page of the same name in the folder above: each web of a SharePoint site has
    # its own "Pages/default.aspx" ("<a href="/vi-vn/Pages/default.aspx">Tỉnh ủy Đồng Nai</a> > <a
    # href="/vi-vn/xay-dung-dang/Pages/default.aspx">Xây dựng Đảng</a>"), a static site its "index.html".
    roots, unders = root.split("/"), under.rstrip("/").split("/")
    if len(roots) < 2 or "." not in roots[-1]:
        return False
    while len(roots) > 1 and len(unders) > 1 and roots[-1].casefold() == unders[-1].casefold():
        roots, unders = roots[:-1], unders[:-1]
    folder, below = "/".join(roots), "/".join(unders)
    return len(unders) > len(roots) and below.startswith(folder + "/")


def _leaves_the_home(home: HtmlElement, crumb: HtmlElement) -> bool:
    """Does the crumb lead out of the folder the home page's address lies in? A path goes down from
    the home page; Liferay 5.2's dock lists "<a href="/web/guest">Trang chủ</a>" and "<a
    href="/c/portal/login?p_l_id=10149">Đăng nhập</a>" as crumbs are listed, the sign-in page
    outside "/web/". A home page at the root ("/", "/trang-chu", "/index.php") has every page in its
    folder, and a home page that is a file names no folder of the site's pages (SharePoint's
    "/Pages/default.aspx" over "/tin-tuc/Pages/...")."""
    root, under = urlsplit((home.get("href") or "").strip()), urlsplit((crumb.get("href") or "").strip())
    folder, _, name = root.path.rstrip("/").rpartition("/")
    if not folder or "." in name or not under.path.startswith("/") or (under.netloc and under.netloc != root.netloc):
        return False
    return not under.path.startswith(folder + "/")


def _has_text(link: HtmlElement) -> bool:
    return bool(link.text and link.text.strip()) or bool(clean(link.text_content()))


def _with_text(links: list[HtmlElement], most: int) -> list[HtmlElement]:
    """The links that show text, read only as far as one more than `most` of them (a menu's fifty
    links are no path after the seventh)."""
    found: list[HtmlElement] = []
    for link in links:
        if _has_text(link):
            found.append(link)
            if len(found) > most:
                break
    return found


def _crumbs(parent: HtmlElement, links: list[HtmlElement], folded_title: str) -> list[str]:
    """The crumbs of a group of links that reads as a path from the home page, else []. Links
    without text (SharePoint's arrow image before its path) are no crumbs, but the home page's
    icon leads a path as "Trang chủ" does: "<li><a href="/"><i class="fa fa-home"></i></a></li>
    <li><a href="/ListView/38/...">Xây dựng Đảng</a></li>", a path of one crumb."""
    if len(links) < 2:
        return []  # (most groups: a link alone in its parent, read no further)
    home_icon = not _has_text(links[0]) and _is_home(links[0], "")
    links = _with_text(links, 3 if home_icon else _CRUMBS_MAX)
    if home_icon:
        if not 1 <= len(links) <= 3:
            return []
    elif not 2 <= len(links) <= _CRUMBS_MAX:
        return []
    first = short_text(links[0], 60)
    if first is None or not (home_icon or _is_home(links[0], first) or _leads_to(links[0], links[1])):
        return []
    if any(_leaves_the_home(links[0], link) for link in links[1:]):
        return []
    # Nothing but the path in the group's element: a menu has more links in its sub-lists.
    if sum(1 for link in parent.iter("a") if _has_text(link)) != len(links):
        return []
    # A path reads "Trang chủ » Tin tức » Xây dựng Đảng", or is a list of its crumbs; a bar of
    # links side by side, or set apart by "|", is a menu ("Trang chủ | Giới thiệu | Sơ đồ site").
    between = short_text(parent, 400) or ""
    for link in links:
        between = between.replace(clean(link.text_content()), " ", 1)
    listed = all(_in_list_item(link) for link in links)
    marked = any(mark in between for mark in _PATH_MARKS) or _pictures_between(parent, links) or _way_down(links)
    if "|" in between or not (listed or marked):
        return []
    # A list of three sections or more under the home page, none of them under the one before it,
    # is a menu of peers, not a way down: "<ul><li><a href="/">Trang chủ</a></li><li><a
    # href="/gioi-thieu">Giới thiệu</a></li><li><a href="/tin-tuc">Tin tức</a></li> ... <li><a
    # href="/lien-he">Liên hệ</a></li></ul>" (a menu with no sub-lists, Bootstrap's navbar).
    if not marked and len(links) >= 4 and not any(_leads_to(a, b) for a, b in pairwise(links[1:])):
        return []
    # The last crumb may be the article's own title, as long as titles are: it is no section.
    if fold(clean(links[-1].text_content())) == folded_title:
        links = links[:-1]
    texts = [short_text(link, 60) for link in links]
    if any(text is None for text in texts):
        return []
    crumbs = [text for link, text in zip(links, texts, strict=True) if text and not _is_home(link, text)]
    return [text for text in crumbs if fold(text) != folded_title]


def _way_down(links: list[HtmlElement]) -> bool:
    """Do the crumbs after the home page lead each one under the one before, two of them at least?
    A path whose marks are drawn by the style sheet alone ("<a href="/"><img alt="Trang nhất"></a>
    <span class="spector">&nbsp;</span><a href="/news/">Tin tức</a><span class="spector">&nbsp;
    </span><a href="/news/xay-dung-dang/">Xây dựng Đảng</a>", NukeViet 3's modern theme) shows no
    mark between its links; the addresses still go down the portal's tree, as a menu's do not."""
    steps = [link for link in links if not _is_home(link, clean(link.text_content()))]
    return len(steps) >= 2 and all(_leads_to(first, second) for first, second in pairwise(steps))


def _pictures_between(parent: HtmlElement, links: list[HtmlElement]) -> bool:
    """Is each crumb set apart from the next by a picture outside the links? SharePoint's title row
    draws its path's arrow from a sprite: "<a href="/">Tỉnh ủy Quảng Ngãi</a><span class="s4-titlesep">
    <img src="/_layouts/15/images/spcommon.png" alt=":"></span><a href="/xay-dung-dang">Xây dựng
    Đảng</a>"."""
    wanted = set(links)
    seen, pictured = 0, True
    for el in parent.iter("a", "img"):
        if el.tag == "a" and el in wanted:
            if seen and not pictured:
                return False
            seen, pictured = seen + 1, False
        elif el.tag == "img" and not any(a.tag == "a" for a in el.iterancestors()):
            pictured = True
    return seen == len(links)


def _in_list_item(link: HtmlElement) -> bool:
    """Is the link an item of a list, or the one element of an item's <span>?"""
    parent = link.getparent()
    if parent is not None and parent.tag == "span" and len(parent) == 1:
        parent = parent.getparent()
    return parent is not None and parent.tag == "li"


def breadcrumb(tree: HtmlElement, heading: HtmlElement | None, title: str) -> str | None:
    """The last crumb of the page's path ("Trang chủ » Xây dựng Đảng" -> "Xây dựng Đảng"): a short
    group of short links led by the home page, the one nearest the heading: looked for around the
    heading first, then around each of its ancestors in turn (a menu is further away)."""
    folded_title = fold(title)
    scopes = [*heading.iterancestors()] if heading is not None else [tree]
    searched: set[HtmlElement] = set()
    inner: HtmlElement | None = None
    for scope in scopes:
        found = []
        for parent, links in _link_groups(_links_around(scope, inner)).items():
            if parent in searched:
                continue
            searched.add(parent)
            crumbs = _crumbs(parent, links, folded_title)
            if crumbs:
                found.append((parent, crumbs[-1]))
        if found:
            if len(found) == 1 or heading is None:
                return found[0][1]
            order = {el: index for index, el in enumerate(scope.iter())}
            return min(found, key=lambda item: abs(order.get(item[0], 0) - order.get(heading, 0)))[1]
        inner = scope
    return None


def _links_around(scope: HtmlElement, inner: HtmlElement | None) -> Iterable[HtmlElement]:
    """The links of `scope` outside `inner` (the scope searched before it), in document order. Each
    group of the inner scope's links was searched there: walking them again for each of the
    heading's ancestors made the search quadratic in the page's depth (a WordPress page's <h1>
    sits some twelve levels down, under every link of its menus)."""
    if inner is None:
        return scope.iter("a")
    around = [child.iter("a") for child in scope if child is not inner and isinstance(child.tag, str)]
    return chain((scope,) if scope.tag == "a" else (), *around)


def label_above(heading: HtmlElement | None, names: Iterable[str] = ()) -> str | None:
    """The short label set right above the heading: the category a display page maps there
    ("<span class="label-item">Xây dựng Đảng</span>" over the <h1> on Liferay 7), or a path of one
    crumb without links ("<td>Bản tin cơ sở</td>" over the title's row). Not a date, a sentence
    or the site's name."""
    el = heading
    levels = 0
    # The heading, then up to five of its ancestors (wrappers), for what precedes them. A wrapper
    # around one element alone is no level ("<div><div><h3>" reads as "<div><h3>"), up to twice as
    # many elements as levels: a <div> around every block doubles the way up, no more.
    for _ in range(12):
        if el is None or levels == 6 or el.tag in ("body", "html"):
            return None  # (the <head> before the <body> holds no label)
        parent = el.getparent()
        if parent is None or sum(1 for child in parent if isinstance(child.tag, str)) > 1:
            levels += 1
        for sibling in el.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str) or sibling.tag in ("script", "style", "img", "br"):
                continue
            text = _shown_text(sibling, 80)
            if text is None:
                return None
            if not text:
                continue
            if _shown_twice(sibling, parent):
                # A button that leads back to the list, printed above the article and again under it
                # ("<div><a href="/tin-hoat-dong">Xem tất cả tin</a></div>" over and under an
                # Oqtane.Blogs post, in one box): no label of it; the label may be further up (the
                # module's title).
                continue
            if sibling.tag in ("ul", "ol", "table", "form", "nav") or _holds_fields(sibling):
                # a list or a form above the heading is a box, not its label: a comment form's "<div>
                # <h3>Thêm bình luận</h3><input ...><textarea></textarea><p style="display:none"><a>Hủy
                # trả lời tin nhắn</a></p></div>" as WebForms pages write it, no <form> of its own
                return None
            if _buttons(sibling):
                # a row of links that run scripts ("<a href="javascript:void(0);" onclick="NewWindow(
                # '/news/sendmail/...')">Gửi bài viết qua email</a><br><a>In ra</a>") is the page's
                # buttons, beside the heading as a label would be, naming no category
                continue
            # A path over the heading names the category by its last crumb, not its first: SharePoint's
            # title row "<tr><td><a href="/vi-vn/Pages/default.aspx">Tỉnh ủy Đồng Nai</a> &gt; <a
            # href="/vi-vn/co-so/Pages/default.aspx">Tin huyện, thành phố</a> &gt; [title]</td></tr>".
            path = _path_in(sibling)
            text = path[-1] if path else _first_item(sibling) or text
            if not _is_label(text, names) and "," in text and sibling.find(".//a") is None:
                # Too long for one label, a list of them: "Xây dựng Đảng, Thời sự - Chính trị" in one <span>.
                text = text.split(",")[0].strip()
            return text if _is_label(text, names) and not _leaves_site(sibling, names) else None
        el = el.getparent()
    return None


_SHOWN_TEXT = xpath("descendant::text()[not(ancestor::script) and not(ancestor::style)]", smart_strings=False)


def shown_text(el: HtmlElement) -> str:
    """All the text the element shows (none of its scripts' and styles'), as it stands."""
    return "".join(_SHOWN_TEXT(el))


def _shown_text(el: HtmlElement, limit: int) -> str | None:
    """short_text() of what the element shows: Liferay's fragments carry their <style> inside them
    ("<div><span>Thời sự - Chính trị</span></div><style>.component-paragraph img {...}</style>")."""
    if el.find(".//style") is None and el.find(".//script") is None:
        return short_text(el, limit)
    pieces = _SHOWN_TEXT(el)
    if sum(len("".join(piece.split())) for piece in pieces) > limit:
        return None
    return clean("".join(pieces))


def _shown_twice(box: HtmlElement, around: HtmlElement | None) -> bool:
    """Is `box` one link that the element around it (and the heading's branch) shows again, the same
    words to the same address?"""
    links = box.findall(".//a") if box.tag != "a" else [box]
    if around is None or len(links) != 1 or not links[0].get("href"):
        return False
    own, href, text = links[0], links[0].get("href", "").strip(), clean(links[0].text_content())
    if not text or clean(box.text_content()) != text:
        return False
    return any(link is not own and (link.get("href") or "").strip() == href and clean(link.text_content()) == text
               for link in around.iter("a"))


def _holds_fields(box: HtmlElement) -> bool:
    """Does the box hold a form a reader writes in (a text area: a comment form, not a search box)?"""
    return box.find(".//textarea") is not None


def _path_in(box: HtmlElement) -> list[str]:
    """The crumbs of the path a box shows (_crumbs), if its links read as one."""
    for parent, links in _link_groups(box.iter("a")).items():
        crumbs = _crumbs(parent, links, "")
        if crumbs:
            return crumbs
    return []


def _buttons(el: HtmlElement) -> bool:
    """Is every link of the element one that runs a script, its text all the element shows?"""
    links = list(el.iter("a"))
    if not links or any(not (a.get("href") or "").strip().lower().startswith("javascript:") for a in links):
        return False
    return "".join("".join(a.text_content() for a in links).split()) == "".join(el.text_content().split())


def _first_item(label: HtmlElement) -> str | None:
    """The first of several categories set side by side over the heading: each its own link
    ("<span>Posted in</span><a rel="category tag">Đắk Song</a>, <a>Xây dựng Đảng</a>", the words
    before them a caption for screen readers) or its own element ("<span>Dân vận</span><span>Xây
    dựng Đảng</span>", the commas drawn by the style sheet). None for a single label."""
    links = [clean(a.text_content()) for a in label.iter("a")]
    links = [text for text in links if text]
    if links:
        return links[0] if len(links) > 1 or clean(label.text_content()) != links[0] else None
    children = [child for child in label if child.tag not in _NOT_SHOWN]
    while len(children) == 1 and not (label.text or "").strip():  # through wrappers of one child
        label = children[0]
        children = [child for child in label if child.tag not in _NOT_SHOWN]
    items = [clean(child.text_content()) for child in children]
    items = [text for text in items if text]
    return items[0] if len(items) > 1 and not (label.text or "").strip() else None


def _leaves_site(el: HtmlElement, names: Iterable[str]) -> bool:
    """Does a link in the element lead to another site (a host that is none of the site's names)?
    A share button over the heading ("<a href="http://twitter.com/share">Tweet</a>") is no
    category label."""
    hosts = {name.removeprefix("www.") for name in names}
    for link in el.iter("a"):
        host = urlsplit((link.get("href") or "").strip()).hostname or ""
        if host and host.removeprefix("www.") not in hosts:
            return True
    return False


def _is_label(text: str, names: Iterable[str]) -> bool:
    from crawler.extract.chrome import is_chrome_heading, is_chrome_line
    from crawler.extract.dates import parse_date

    folded = fold(text)
    return (
        1 <= len(text.split()) <= 6 and not text.endswith((".", ":", "!", "?")) and parse_date(text) is None
        # (a number alone is no name: the year of a blog post's calendar leaf, "2025" over "28/11")
        and any(character.isalpha() for character in text)
        and not is_home_crumb(text) and not is_chrome_line(text) and not is_chrome_heading(text)
        and not any(folded == fold(name) for name in names)
    )


_CATEGORY_LINKS = xpath("descendant::a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]")


def filed_under(region: HtmlElement) -> str | None:
    """The first category the article says it is filed under, by the links HTML marks so
    (rel="category tag": "Được phân loại là <a rel="category tag">Thời sự - Chính trị</a>, ...")."""
    for link in _CATEGORY_LINKS(region):
        text = clean(link.text_content())
        if text:
            return text
    return None


def linked_in_metadata(
    tree: HtmlElement, heading: HtmlElement | None, body_start: HtmlElement | None, names: Iterable[str] = ()
) -> str | None:
    """The first link of the lines between the heading and the body that leads where one of the
    page's menus leads too: the category the metadata line names ("do <a href="/_layouts/15/userdisp
    .aspx?ID=9">Cổng TTĐT Tỉnh ủy</a> lúc 15:40 trong <a href="/Lists/Categories/Category.aspx?
    CategoryId=1">Tin hoạt động</a>", the blog's "Danh mục" box linking the same address). A link no
    menu has is a person's page, a tag, a comment count."""
    if heading is None or body_start is None:
        return None
    between: list[HtmlElement] = []
    elsewhere: set[str] = set()
    state = "before"
    for el in tree.iter():
        if el is heading:
            state = "heading"
        elif state == "heading" and heading not in el.iterancestors():
            state = "between"
        if el is body_start:
            state = "after"
        if el.tag != "a" or not (href := (el.get("href") or "").strip()) or href.startswith(("#", "javascript:")):
            continue
        if state == "between":
            between.append(el)
        elif state != "heading":
            elsewhere.add(href)
    for link in between:
        text = short_text(link, 80)
        if link.get("href", "").strip() in elsewhere and text and _is_label(text, names):
            return text
    return None


def label_below(
    tree: HtmlElement, body_end: HtmlElement | None, heading: HtmlElement | None, names: Iterable[str] = ()
) -> str | None:
    """The short label right after the body that repeats an item of the menu above the article: the
    section it is filed in, shown as a badge under the text ("<span class="badge"><i></i> Xây dựng
    Đảng</span>", the menu's "<a href="/chuyen-muc/xay-dung-dang">Xây dựng Đảng</a>"), beside the
    article's tags, which no menu names."""
    if body_end is None or heading is None:
        return None
    above: set[str] | None = None  # (read only for a line that reads as a label: most pages have none)
    for block, text in lines_between(tree, body_end, None, limit=3, longest=80):
        if block.tag == "a" or block.find(".//a") is not None:
            return None  # a link under the body leads on: a tag, a related article, a share button
        if _is_label(text, names):
            if above is None:
                above = _menu_items_above(tree, heading, names)
            if fold(text) in above:
                return text
    return None


def _menu_items_above(tree: HtmlElement, heading: HtmlElement, names: Iterable[str]) -> set[str]:
    """The folded texts of the links before the heading that stay on the site."""
    above: set[str] = set()
    for el in tree.iter():
        if el is heading:
            break
        if el.tag == "a" and not _leaves_site(el, names):
            text = clean(el.text_content())
            if text:
                above.add(fold(text))
    return above


def section_of_address(tree: HtmlElement, url: str, names: Iterable[str] = ()) -> str | None:
    """The link to the page the article's address is a child of, when nothing on the page names
    its section: "<a href="/thoi-su/">Thời sự</a>" in the menu of "/thoi-su/tong-ket-cong-tac-.../"
    (Umbraco's Starter Kit prints no category, the post is a child of its section's node). Not the
    portal's root, under which most of the page's links lie ("<a href="/web/tinhuy">Tỉnh ủy Tiền
    Giang</a>" on Liferay), nor a link whose text is several pieces (SharePoint's "<span>Xây dựng
    Đảng</span><span class="ms-hidden">Hiện đã chọn</span>")."""
    page = urlsplit(url)
    parents = []
    parent = page.path.rstrip("/").rpartition("/")[0]
    while parent:
        parents.append(parent)
        parent = parent.rpartition("/")[0]
    if not parents:
        return None
    origin = f"{page.scheme}://{page.netloc}/" if page.scheme in ("http", "https") and page.netloc else None
    links = [(link, link_address(url, origin, link.get("href") or "")) for link in tree.iter("a")]
    paths = [href.path for _, href in links if href.netloc == page.netloc]
    # The nearest page above the address that the page links to: the parent, or further up when the
    # levels between are the CMS's, not pages ("/xay-dung-dang/-/asset_publisher/q7RbWk2LmZ4c/content/
    # hoi-nghi-..." under Liferay's page "/xay-dung-dang", "<a href="/xay-dung-dang">Xây dựng Đảng</a>").
    linked = {href.path.rstrip("/") for _, href in links
              if href.netloc == page.netloc and not href.query and not href.fragment}
    parent = next((path for path in parents if path in linked), "")
    if not parent:
        return None
    for link, href in links:
        if href.netloc != page.netloc or href.query or href.fragment or href.path.rstrip("/") != parent:
            continue
        if 2 * sum(1 for path in paths if path.startswith(parent + "/")) > len(paths):
            return None  # the portal's root
        pieces = [text for text in link.itertext() if text.strip()]
        text = short_text(link, 80)
        if len(pieces) == 1 and text and _is_label(text, names):
            return text
    return None


def link_address(url: str, origin: str | None, href: str) -> SplitResult:
    """urlsplit(urljoin(url, href.strip())): a link's address on the page at `url`. A path from the
    host's root ("/tin-tuc") resolves under the page's scheme and host alone (`origin`,
    "https://host/"), the same on every page of the portal: its menus' links are resolved once, not
    on each page. Not "//" (an empty host and path, which stands for the page's own path), nor what
    reads so once urlsplit() drops tabs and line breaks ("/\t/")."""
    href = href.strip()
    if origin is not None and href.startswith("/"):
        read = href.replace("\t", "").replace("\r", "").replace("\n", "")
        if not read.startswith("//"):
            return _resolved(origin, href)
    return urlsplit(urljoin(url, href))


@lru_cache(maxsize=4096)
def _resolved(base: str, href: str) -> SplitResult:
    return urlsplit(urljoin(base, href))


# --- lines around the body ------------------------------------------------------------------------

_LINE_BLOCKS = {
    "p", "div", "td", "th", "li", "dd", "dt", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
    "footer", "blockquote", "center", "figcaption", "caption", "body",
}


def _block_of(el: HtmlElement) -> HtmlElement:
    """The nearest block element around an inline one: the <p> of "<p><strong>Tác giả: </strong>...</p>"."""
    block = el
    while block.tag not in _LINE_BLOCKS:
        parent = block.getparent()
        if parent is None:
            break
        block = parent
    return block


def first_and_last(found: list[tuple[HtmlElement, str]], each: int = 4) -> list[tuple[HtmlElement, str]]:
    """The first `each` and the last `each` of the lines found between a heading and a body: the
    metadata sits under the heading or right above the body, the page's menus maybe between them."""
    return [*found[:each], *found[each:][-each:]]


def lines_between(
    root: HtmlElement, start: HtmlElement | None, stop: HtmlElement | None, limit: int = 3, longest: int = 280
) -> list[tuple[HtmlElement, str]]:
    """Up to `limit` short lines of text under `root` after `start` (and outside it) and before
    `stop` (or to the end): each the text of the block element that shows it."""
    started = start is None
    inside: HtmlElement | None = None  # skip the descendants of `start`
    found: list[tuple[HtmlElement, str]] = []
    seen: set[HtmlElement] = set()
    for el in root.iter():
        if not started:
            if el is start:
                started, inside = True, start
            continue
        if inside is not None and inside in el.iterancestors():
            continue
        inside = None
        if el is stop:
            break
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        own = (el.text or "").strip() or any((child.tail or "").strip() for child in el)
        if not own:
            continue
        block = _block_of(el)
        text = short_text(block, longest) if block is not root else None
        if text is None or (stop is not None and stop in block.iterdescendants()):
            # loose text in a container: "<div><p>...</p><strong>Quang Minh</strong></div>"
            block, text = el, short_text(el, longest)
        if block in seen:
            continue
        seen.add(block)
        if text is None:
            break  # a paragraph: the lines around the body end here
        if text:
            found.append((block, text))
            if len(found) >= limit:
                break
    return found


# --- articles laid out as labelled fields ---------------------------------------------------------

# What a form's labels name, as Vietnamese CMSs write them: SharePoint's list item display form
# ("<td class="ms-formlabel">Tiêu đề</td><td class="ms-formbody">Bí thư Tỉnh ủy ...</td>").
FIELD_LABELS = {
    "tieu de": "title", "ten bai": "title", "ngay dang": "published", "ngay xuat ban": "published",
    "ngay dang tin": "published", "tom tat": "summary", "trich dan": "summary", "sapo": "summary",
    "noi dung": "text", "noi dung trang": "text", "tac gia": "author", "nguon tin": "source", "nguon": "source",
    "chuyen muc": "category", "danh muc": "category", "danh muc wiki": "category", "anh dai dien": "image",
    "hinh anh": "image",
}


def pieces_of(line: HtmlElement) -> list[str]:
    """The texts a line shows, each as its element or the text between them holds it: "<span>Đăng
    bởi Thu Hà</span> <span>Thứ Sáu, 21/03/2025 10:30</span> <span>Chuyên mục:</span> <a>Dân
    vận</a>" -> ["Đăng bởi Thu Hà", "Thứ Sáu, 21/03/2025 10:30", "Chuyên mục:", "Dân vận"]."""
    return [text for text in (clean(piece) for piece in _SHOWN_TEXT(line)) if text]


def labelled_in_line(pieces: list[str], field: str) -> str | None:
    """The value the article's metadata line gives under a label naming `field` (FIELD_LABELS), in
    the label's piece or the next: "Chuyên mục: <a>Dân vận</a>" beside the date under a blog post."""
    for index, piece in enumerate(pieces):
        label, colon, value = piece.partition(":")
        # ...or the label alone in its piece, its value the next one: "<span>Chuyên mục <a>Xây
        # dựng Đảng</a></span>" (Piranha's post meta, the colon left out)
        if not colon and index + 1 < len(pieces) and FIELD_LABELS.get(fold(piece).strip()) == field:
            return pieces[index + 1]
        if not colon or FIELD_LABELS.get(fold(label).strip()) != field:
            continue
        value = value.strip() or (pieces[index + 1] if index + 1 < len(pieces) else "")
        # (several categories are several links: the first one's piece, "Tin huyện, thành" whole)
        return value or None
    return None


def category_in_line(line: HtmlElement, names: Iterable[str] = ()) -> str | None:
    """The category the article's metadata line names under its label (labelled_in_line)."""
    value = labelled_in_line(pieces_of(line), "category")
    return value if value and _is_label(value, names) else None


def labelled_fields(tree: HtmlElement) -> dict[str, HtmlElement] | None:
    """An article written as a form: rows of a short label and its value. The value elements by
    field name, when the rows name at least its title and its text."""
    for table in tree.iter("table"):
        fields: dict[str, HtmlElement] = {}
        for row in table.iterchildren("tr", "tbody"):
            for tr in ([row] if row.tag == "tr" else row.iterchildren("tr")):
                # cells, or whatever a template wraps a cell's content in
                cells = [cell for cell in tr if isinstance(cell.tag, str) and cell.tag not in ("script", "style")]
                if len(cells) != 2:
                    continue
                label = short_text(cells[0], 30)
                name = FIELD_LABELS.get(fold(label).strip(" :")) if label else None
                if name is not None and name not in fields:
                    fields[name] = cells[1]
        if "title" in fields and "text" in fields:
            return fields
    return None
