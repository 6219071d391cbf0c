"""Blocks: an article container -> paragraphs, images and captions in reading order.

Both paths end here: the profile path walks the profile's container, the generic path walks the
container that holds the paragraphs trafilatura chose (for images and captions).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extract import chrome
from crawler.extract.page import HtmlElement, select
from crawler.extract.record import Image
from crawler.extract.text import clean


@dataclass
class Block:
    """One unit of the article body in reading order."""

    kind: str  # "text" | "image" | "caption"
    text: str = ""
    src: str | None = None
    element: HtmlElement | None = None


BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt"}
CONTAINER_TAGS = {
    "div", "section", "article", "header", "footer", "aside", "nav", "main", "td", "th", "caption", "span", "font",
    "center", "tbody", "tr", "table", "ul", "ol", "dl",
}
_CAPTION_MAX = 300


def _element_text(el: HtmlElement) -> str:
    return clean(el.text_content())


def _image_src(img: HtmlElement) -> str | None:
    for attr in ("data-src", "data-original", "src"):
        value = (img.get(attr) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return None


_BACKGROUND_URL = re.compile(r"background(?:-image)?\s*:[^;]*?url\(\s*['\"]?([^'\")]+?)['\"]?\s*\)", re.I)


def background_picture(el: HtmlElement) -> str | None:
    """The picture an empty box shows as its background: Liferay Blogs' cover image, "<div
    class="aspect-ratio cover-image" style="background-image: url(/documents/20121/0/hoi-nghi.jpg/...)">
    </div>" between the entry's byline and its text, with no <img> at all."""
    if el.find(".//img") is not None:
        return None
    match = _BACKGROUND_URL.search(el.get("style") or "")
    value = match.group(1).strip() if match else ""
    return value if value and not value.startswith("data:") else None


def walk(el: HtmlElement, caption_selector: str, captions: set[HtmlElement] | None = None) -> Iterator[Block]:
    """Body container -> blocks in reading order: paragraphs, images, captions. `captions` are the
    caption_selector's matches when the caller has them (for a tree that holds `el`)."""
    if captions is None:
        captions = set(select(el, caption_selector))
    yield from _walk_element(el, captions, _holding_blocks(el, captions))


def _holding_blocks(root: HtmlElement, captions: set[HtmlElement]) -> set[HtmlElement]:
    """Elements under `root` with a block, a container, a figure or a caption inside them: found
    in one pass, not by searching below every element on the way down (quadratic on deep pages)."""
    holding: set[HtmlElement] = set()
    for el in root.iterdescendants(etree.Element):
        if el not in captions and _empty(el):
            # An empty element is no block: WordPress's "<p><span id="more-1562"></span>Đồng chí ...</p>"
            # marks where the teaser ends, and the paragraph around it is one line all the same.
            continue
        if el.tag in BLOCK_TAGS or el.tag in CONTAINER_TAGS or el.tag == "figure" or el in captions:
            for ancestor in el.iterancestors():
                if ancestor in holding:
                    break
                holding.add(ancestor)
                if ancestor is root:
                    break
    return holding


def _empty(el: HtmlElement) -> bool:
    """An element that shows nothing: no child, no text, no background picture."""
    return len(el) == 0 and not (el.text or "").strip() and background_picture(el) is None


def _walk_element(el: HtmlElement, captions: set[HtmlElement], holding: set[HtmlElement]) -> Iterator[Block]:
    for child in el:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        # A caption's box that holds the picture too is the picture's box: "<table class="image-caption">
        # <tr><td><img ...></td></tr><tr><td><em>Đồng chí Bí thư ...</em></td></tr></table>" (CKEditor).
        if child in captions and child.find(".//img") is None:
            text = _element_text(child)
            if text:
                yield Block("caption", text, element=child)
            continue
        if tag == "img":
            src = _image_src(child)
            if src and not chrome.is_placeholder_image(child):
                yield Block("image", src=src, element=child)
            continue
        has_inner_blocks = child in holding
        if tag in BLOCK_TAGS and not has_inner_blocks:
            for img in child.iter("img"):
                src = _image_src(img)
                if src and not chrome.is_placeholder_image(img):
                    yield Block("image", src=src, element=img)
            text = _element_text(child)
            if text:
                yield Block("text", text, element=child)
            continue
        if tag in CONTAINER_TAGS and not has_inner_blocks:
            # Its text of its own, or held by inline elements only: "<div class="tacgia"><span><b>Kim
            # Ngân</b></span></div>" is one line.
            text = _element_text(child)
            if not text and (src := background_picture(child)):
                yield Block("image", src=src, element=child)
                continue
            if text:
                for img in child.iter("img"):
                    src = _image_src(img)
                    if src and not chrome.is_placeholder_image(img):
                        yield Block("image", src=src, element=img)
                yield Block("text", text, element=child)
                continue
        yield from _walk_element(child, captions, holding)
        if child.tail and child.tail.strip() and el.tag not in BLOCK_TAGS:
            yield Block("text", clean(child.tail), element=el)


def _is_caption_like(block: Block) -> bool:
    """A short line right under an image, set apart the way editors mark captions:
    <p style="text-align: center;"><em>Quang cảnh hội nghị</em></p>."""
    el = block.element
    if el is None or len(block.text) > _CAPTION_MAX:
        return False
    style = (el.get("style") or "").replace(" ", "").lower()
    if "text-align:center" in style or (el.get("align") or "").lower() == "center":
        return True
    if "text-align:right" in style or (el.get("align") or "").lower() == "right":
        return False  # a byline or a source line, as editors set them (body._set_as_caption)
    # ...or in small print: "<div class="cover-image-caption"><small>Quang cảnh ...</small></div>"
    emphasis = "".join(e.text_content() for e in el.iter("em", "i", "small"))
    return clean(emphasis) == block.text


def mark_captions(blocks: list[Block]) -> None:
    """Mark the text blocks that are captions of the image before them."""
    previous = "start"
    for block in blocks:
        if block.kind == "text" and previous == "image" and _is_caption_like(block):
            block.kind = "caption"
        previous = block.kind


def uncaption_lead(blocks: list[Block], lead: str | None) -> list[Block]:
    """The lead set beside a picture is the lead, not the picture's caption: NukeViet's "<figure
    class="noncaption"><img></figure><div class="hometext">Quý I năm 2025, ...</div>"."""
    return [Block("text", block.text, element=block.element) if block.kind == "caption" and block.text == lead
            else block for block in blocks]


def text_blocks(blocks: list[Block]) -> list[Block]:
    """The text blocks that are paragraphs: captions marked first, widget lines and photo credits left out."""
    mark_captions(blocks)
    return [
        block for block in blocks
        if block.kind == "text" and not chrome.is_chrome_line(block.text) and not chrome.is_photo_credit(block.text)
    ]


def paragraphs(blocks: list[Block]) -> list[str]:
    return [block.text for block in text_blocks(blocks)]


def images(blocks: list[Block], base_url: str) -> Iterator[Image]:
    pending: Block | None = None
    for block in blocks:
        if block.kind == "image" and block.src:
            if pending is not None:
                yield Image(urljoin(base_url, pending.src or ""), None)
            pending = block
        elif block.kind == "caption" and pending is not None:
            yield Image(urljoin(base_url, pending.src or ""), block.text)
            pending = None
        elif block.kind == "text" and pending is not None:
            yield Image(urljoin(base_url, pending.src or ""), None)
            pending = None
    if pending is not None:
        yield Image(urljoin(base_url, pending.src or ""), None)


_WIDTH = re.compile(r"(?:^|;)\s*(?:max-)?width\s*:\s*(\d+)px")


def _narrow(img: HtmlElement) -> bool:
    """Shown small: a thumbnail ("<div style="width:100px;"><p><img ...></p></div>")."""
    width = (img.get("width") or "").strip().rstrip("px")
    if width.isdigit() and int(width) <= 200:
        return True
    for holder in (img, *list(img.iterancestors())[:3]):
        match = _WIDTH.search(holder.get("style") or "")
        if match and int(match.group(1)) <= 200:
            return True
    return False


_PICTURE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp)$", re.I)


def _full_size(img: HtmlElement) -> str | None:
    """The picture file a thumbnail links to, when it is shown small: NukeViet's "<a
    href="/uploads/news/2025_06/giao-ban-dan-van.jpg" rel="shadowbox"><img
    src="/files/news/thumb/giao-ban-dan-van.jpg" width="100"></a>"."""
    link = next(img.iterancestors("a"), None)
    href = (link.get("href") or "").strip() if link is not None else ""
    if not href or not _PICTURE_FILE.search(urlsplit(href).path) or not _narrow(img):
        return None
    return href


_PICTURE_EXTENSIONS = frozenset("jpg jpeg png gif webp bmp svg tif tiff avif jfif".split())


def _file_name(src: str) -> str:
    """The picture's file name; a picture a script serves is named by its query too: Liferay's
    "/image/image_gallery?uuid=b627ee80-...&groupId=10180" is one picture per uuid, and so is a
    handler's, BlogEngine.NET's "/image.axd?picture=/2025/04/sin-ho-dan-van-kheo.jpg"."""
    parts = urlsplit(src)
    name = parts.path.rsplit("/", 1)[-1]
    picture = "." in name and name.rsplit(".", 1)[1].lower() in _PICTURE_EXTENSIONS
    return name if picture or not parts.query else f"{name}?{parts.query}"


def _is_mark(img: HtmlElement) -> bool:
    """One of a row of pictures side by side in one element, some of them the same file: a rating's
    stars ("<span title="Xếp hạng hiện tại: 3"><img src="RatingsSmallStarFilled.png"> x3 <img
    src="RatingsSmallStarEmpty.png"> x2</span>"), marks drawn with pictures. A photo is not shown
    twice in a row."""
    parent = img.getparent()
    if parent is None:
        return False
    row = [child.get("src") for child in parent if child.tag == "img"]
    return len(row) >= 3 and len(set(row)) < len(row)


def _without_marks(blocks: list[Block]) -> Iterator[Block]:
    """The blocks less the pictures that are marks (_is_mark), and the caption under them (the
    rating's hidden "Xếp hạng hiện tại: 3 (3 xếp hạng)")."""
    dropped = False
    for block in blocks:
        if block.kind == "image" and block.element is not None and _is_mark(block.element):
            dropped = True
            continue
        if block.kind == "caption" and dropped:
            continue
        dropped = dropped and block.kind not in ("image", "text")
        yield block


def unique_images(blocks: list[Block], base_url: str) -> Iterator[Image]:
    """The body's images, each picture once: a thumbnail and its full size (NukeViet's
    /assets/news/... beside a hidden /uploads/news/... of the same file) are one image, at the
    thumbnail's place, with the full size's address."""
    blocks = list(_without_marks(blocks))
    preferred: dict[str, str] = {}
    for block in blocks:
        if block.kind == "image" and block.src and block.element is not None:
            name = _file_name(block.src)
            if name not in preferred or not _narrow(block.element):
                preferred[name] = urljoin(base_url, block.src)
            full = _full_size(block.element)
            if full is not None and _file_name(full) == name:
                preferred[name] = urljoin(base_url, full)
    seen: dict[str, int] = {}
    found: list[Image] = []
    for image in images(blocks, base_url):
        name = _file_name(image.src)
        if name in seen:
            index = seen[name]
            if found[index].caption is None and image.caption is not None:
                found[index] = Image(found[index].src, image.caption)
            continue
        seen[name] = len(found)
        found.append(Image(preferred.get(name, image.src), image.caption))
    yield from found
