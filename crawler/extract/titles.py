"""Titles: which text of the page is the article's title, and which part of it names the site.

Read by both page objects (generic.py, article.py). The heading the page shows is the title; a
<title> or og:title is one when the page shows no heading, less what it adds after a separator when
that names the site (or, with the portal's other pages known, repeats on all of them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urljoin, urlsplit

from crawler.extract.fold import fold
from crawler.extract.knowledge import NOTHING_KNOWN, PortalKnowledge
from crawler.extract.page import HtmlElement, head, short_text, xpath
from crawler.extract.text import clean
from crawler.extract.urls import host_of

_SEPARATORS = r"\||-|–|—|::|»|>"
_SEPARATOR = re.compile(rf"\s+(?:{_SEPARATORS})\s+")
_SUFFIX = re.compile(rf"\s+(?:{_SEPARATORS})\s+(?!.*\s(?:{_SEPARATORS})\s)")
# A portal's name needs no match: "Cổng thông tin điện tử ...", "Trang thông tin điện tử ...".
_PORTAL_NAME = re.compile(r"^(?:cổng|trang) (?:thông tin|ttđt)", re.I)
_MEDIA = r"video|clip|ảnh|photo|infographic|e-?magazine|longform|podcast|audio|trực tiếp|live"
# Stray markers around a heading: "[Video] ...", "Infographic: ...", "... (Ảnh)"; a footnote mark
# at the end: "Phát huy vai trò nêu gương (*)", "Tư tưởng Hồ Chí Minh về cán bộ*" (the note itself
# sits under the article).
_TITLE_MARKERS = re.compile(
    rf"^\s*(?:[\[(](?:{_MEDIA})[\])]\s*[:\-–]?\s*|(?:{_MEDIA})\s*:\s+)"
    rf"|\s*(?:[\[(](?:{_MEDIA})[\])]|\(\s*\*+\s*\)|(?<=\S)\*+)\s*$",
    re.I,
)
_SITE_NAME_METAS = xpath(
    'descendant::meta[@property="og:site_name"]/@content | descendant::meta[@name="application-name"]/@content'
)
_OG_TITLE = xpath('descendant::meta[@property="og:title"]/@content')
# The first <title>, found without walking the rest of the page: lxml's find(".//title") and
# iter("title") look ahead for the next match once they have the first (20 µs a portal page).
_TITLE = xpath("descendant::title[1]")
_LINKS = xpath("descendant::a[@href]")
# Pictures inside links, by their alternative text: the logo is one, linked to the home page.
_LINKED_PICTURES = xpath("descendant::img[@alt][ancestor::a[@href]]")
# The home page as a server names its default document: "/", "/index.php", "/Default.aspx".
_HOME_PATH = re.compile(r"/?(?:(?:index|default)\.\w+)?$", re.I)


def site_names(tree: HtmlElement, url: str, declared: Iterable[str] = ()) -> tuple[str, ...]:
    """The names a page gives its site: the caller's (a profile's, the portal's), og:site_name,
    application-name, the logo's, the host."""
    found = _SITE_NAME_METAS(head(tree))
    names = [*declared, *(clean(n) for n in found), *logo_names(tree, url), host_of(url)]
    return tuple(dict.fromkeys(n for n in names if n))


def logo_names(tree: HtmlElement, url: str) -> list[str]:
    """What the pictures linked to the portal's home page say they show: its logo's alternative
    text names the portal ("<a href="https://tinhuy.tuyenquang.example/"><img alt="Tỉnh ủy Tuyên
    Quang"></a>", beside the screen readers' "<h1>Tỉnh ủy Tuyên Quang</h1>" that opens the <title>
    "Tỉnh ủy Tuyên Quang - Mặt trận và các đoàn thể ..."). A name of three words or more: "logo",
    "Trang chủ" name no portal."""
    body = tree.find("body")
    host = host_of(url).removeprefix("www.")
    names = []
    for picture in _LINKED_PICTURES(body if body is not None else tree):
        alt = clean(picture.get("alt") or "")
        if not 3 <= len(alt.split()) <= 15:
            continue
        href = next(link.get("href") for link in picture.iterancestors("a") if link.get("href") is not None)
        if not _may_be_home(href.strip()):
            continue
        target = urlsplit(urljoin(url, href.strip()))
        if not target.query and (target.hostname or "").lower().removeprefix("www.") == host \
                and _HOME_PATH.match(target.path):
            names.append(alt)
    return names


def _may_be_home(href: str) -> bool:
    """Can the link lead to a home page, wherever it is resolved from? Not when the last segment of
    its path names a page other than a default document ("/tin-tuc/hoi-nghi-123.html", a teaser's
    picture): resolving an address changes the last segment only when it is "", "." or "..". Asked
    before urljoin(), four times its cost, for each linked picture of a page."""
    last = urlsplit(href).path.rsplit("/", 1)[-1]
    return last in ("", ".", "..") or _HOME_PATH.match(last) is not None


def names_the_site(suffix: str, site_names: Iterable[str]) -> bool:
    """ "Cổng thông tin điện tử Tỉnh ủy Nghệ An" or "Tỉnh ủy Nghệ An" name the portal of that
    name; "Nghệ An" alone (a place, as in "Lễ hội Làng Sen - Nghệ An") does not."""
    folded = fold(suffix).strip(" .")
    if not folded:
        return False
    if _PORTAL_NAME.match(suffix):
        return True
    for name in (fold(n).strip(" .") for n in site_names if n):
        if folded == name or (name and name in folded):
            return True
        if folded in name and len(folded.split()) >= 3:
            return True
        # a host given as the name: "nghean.dcs.vn" for "www.nghean.dcs.vn", "Baonghean.vn"
        if "." in name and folded.removeprefix("www.") == name.removeprefix("www."):
            return True
    return False


def has_a_suffix(title: str) -> bool:
    """Does the title end with a separator and a suffix ("... - Tỉnh ủy Nghệ An"), the one part of
    it clean_title() asks the site's names about? Most headings do not: a caller that finds the
    names by searching the page need not search it for them."""
    return _SUFFIX.search(clean(title)) is not None


def clean_title(title: str, site_names: Iterable[str] = (), knowledge: PortalKnowledge = NOTHING_KNOWN) -> str:
    """Drop a site suffix only when it names the site: "... giai đoạn 2023 - 2025" keeps its " - ",
    "Hội nghị ... - Cổng thông tin điện tử Tỉnh ủy Nghệ An" loses it, and so does
    "... - Ban Tuyên giáo Tỉnh ủy" when the portal's pages all end so (`knowledge`)."""
    title = clean(title)
    names = tuple(site_names)
    while (match := _SUFFIX.search(title)) is not None:
        suffix = title[match.end():]
        if not (names_the_site(suffix, names) or knowledge.has_suffix(suffix)):
            break
        title = title[: match.start()].rstrip()
    previous = None
    while previous != title:
        previous, title = title, _TITLE_MARKERS.sub("", title).strip()
    return title


def is_site_heading(h1: HtmlElement, names: tuple[str, ...]) -> bool:
    """The site's logo set as <h1> (WordPress "wp-block-site-title", <h1><a href="/">)."""
    text = fold(clean(h1.text_content()))
    if any(text == fold(name) for name in names):
        return True
    links = _LINKS(h1)
    return len(links) == 1 and (links[0].get("rel") == "home" or links[0].get("href") in ("/", "./", "#"))


# What a CMS typesets in the heading it shows and not in <title>: WordPress's wptexturize() prints
# "giai đoạn 2020 – 2025" in the <h1> for "giai đoạn 2020 - 2025" in <title> and og:title.
_TYPESET = str.maketrans({"–": "-", "—": "-", "―": "-", "‐": "-", "‑": "-", "“": '"', "”": '"', "‘": "'", "’": "'"})


def _key(text: str) -> str:
    """A text as compared with the page's other copies of it: folded, dashes and quotes plain."""
    return fold(text).translate(_TYPESET)


def _agrees(heading: str, page_title: str) -> bool:
    """Does the heading show the page's title: all of it, or a stretch of it that does not sit
    between two of its parts? A part in the middle is the section the page is filed under:
    Liferay's portlet <h1> "Tin tức - Sự kiện" in "<title>Hội nghị ... - Tin tức - Sự kiện - Tỉnh
    ủy Hà Giang</title>"."""
    if not page_title:
        return False
    if _agrees_as_keys(_key(heading), _key(page_title)):
        return True
    # A <title> that lost the characters a file name may not hold: NukeViet's nv_html_page_title()
    # writes "Kết luận 21-KLTW" for the heading's "Kết luận 21-KL/TW", drops the quotes of "Dân vận khéo".
    return _agrees_as_keys(_unpunctuated(heading), _unpunctuated(page_title))


def _unpunctuated(text: str) -> str:
    return " ".join(_FILE_NAME_MARKS.sub("", _key(text)).split())


_FILE_NAME_MARKS = re.compile(r'[\\/:*?"]')


def _agrees_as_keys(shown: str, declared: str) -> bool:
    if declared in shown:
        return True
    at = declared.find(shown)
    if at < 0:
        return False
    after_a_part = _PART_BEFORE.search(declared[:at]) is not None
    before_a_part = _PART_AFTER.match(declared[at + len(shown):]) is not None
    return not (after_a_part and before_a_part)


def _opens(heading: str, page_title: str) -> bool:
    """Is the heading the first part of the page's title ("A" of "A - B - C", or all of it)?"""
    shown, declared = _key(heading), _key(page_title)
    return bool(shown) and declared.startswith(shown) and (
        declared == shown or _PART_AFTER.match(declared[len(shown):]) is not None
    )


def _closes(heading: str, page_title: str) -> bool:
    """Is the heading only the last part of the page's title ("C" of "A - B - C")?"""
    shown, declared = _key(heading), _key(page_title)
    return bool(shown) and declared != shown and declared.endswith(shown) and (
        _PART_BEFORE.search(declared[: -len(shown)]) is not None
    )


_PART_BEFORE = re.compile(rf"\S\s+(?:{_SEPARATORS})\s+$")
_PART_AFTER = re.compile(rf"\s+(?:{_SEPARATORS})\s+\S")


# Elements a page shows its title in when it has no <h1>: "<td class="tieude"><b>...</b></td>",
# "<h2>", "<div><strong>", a <div> made <section>; links come last (a breadcrumb's last crumb, a link to itself).
_SHOWING = (
    "h1", "h2", "h3", "h4", "h5", "h6", "b", "strong", "td", "th", "div", "section", "article", "header", "span",
    "p", "font", "a",
)


def shown_in_page(
    tree: HtmlElement, wanted: Iterable[str], body_container: Callable[[], HtmlElement | None] | None = None
) -> tuple[str, HtmlElement] | None:
    """The first of `wanted` that an element of the page's body shows as its whole text, as the
    element shows it ("2020 – 2025" for "2020 - 2025"), with the element (headings before other
    elements, links last; given where the body's container is, the one nearest above it)."""
    keys = {_key(text): text for text in wanted if text}
    if not keys:
        return None
    longest = max(len(text) for text in keys.values()) + 20
    found = _showing(tree, keys, longest)
    for key in keys:  # in the caller's order of preference
        if key in found:
            container = body_container() if body_container is not None and len(found[key]) > 1 else None
            shown = _nearest_above(found[key], container, tree)
            if shown is None:
                shown = min(found[key], key=lambda el: _SHOWING.index(el.tag))
            return short_text(shown, longest) or keys[key], shown
    return None


def _showing(tree: HtmlElement, keys: Iterable[str], longest: int) -> dict[str, list[HtmlElement]]:
    """The elements of the page's body whose whole text is one of `keys` (_key() of texts), by key."""
    wanted = set(keys)
    body = tree.find("body")
    found: dict[str, list[HtmlElement]] = {}
    for el in (body if body is not None else tree).iter(*_SHOWING):
        own = el.text
        # text of its own, or one child that has it: "<h2><a href="...">Hội nghị ...</a></h2>"
        if not (own and own.strip()) and len(el) != 1:
            continue
        text = short_text(el, longest)
        if text is None:
            continue
        key = _key(text)
        if key in wanted:
            found.setdefault(key, []).append(el)
    return found


_TEXTS_HOLDING = xpath("count(descendant::text()[contains(normalize-space(.), $opening)])")
_TEXTS_BEING = xpath("boolean(descendant::text()[normalize-space(.) = $text])")


def _shown_with_its_section(
    tree: HtmlElement, heading: str, body_container: Callable[[], HtmlElement | None] | None = None
) -> tuple[str, HtmlElement] | None:
    """A heading that is the article's title and the page's section ("A - Xây dựng Đảng"), when the
    page shows both parts by themselves: the title over the body, the section in the menu. Liferay's
    theme repeats <title> less the site in a hidden <h1> ("<h1 class="hide-accessible">Sơn La: 1.127
    đảng viên ... - Xây dựng Đảng</h1>"), the asset publisher shows the article's own title in a
    <div> ("<div class="h2"><span>Sơn La: 1.127 đảng viên ...</span></div>") under its portlet's
    "<h2>Xây dựng Đảng</h2>". A title holding a dash whose parts the page does not show alone
    ("Hội nghị ... lần thứ 24 - Khóa XV") is kept whole. The title, and the element showing it: of
    several, the one nearest above the body (a listing beside the article shows its title too)."""
    cuts = list(_SEPARATOR.finditer(heading))
    if not cuts:
        return None
    parts = [(heading[: cut.start()].rstrip(), heading[cut.end():].lstrip()) for cut in reversed(cuts)]
    parts = [(title, section) for title, section in parts if len(title) >= 10]
    # (asked of libxml2 first: most pages show their title once, in the heading, and no part of it
    # as a text of its own)
    body = tree.find("body")
    root = body if body is not None else tree
    parts = [(title, section) for title, section in parts if _TEXTS_BEING(root, text=section)]
    if not parts or _TEXTS_HOLDING(root, opening=parts[-1][0][:20]) < 2:
        return None
    found = _showing(tree, {_key(text) for pair in parts for text in pair}, len(heading))
    for title, section in parts:  # the longest title first
        if _key(title) in found and _key(section) in found:
            shown = found[_key(title)]
            container = body_container() if body_container is not None and len(shown) > 1 else None
            nearest = _nearest_above(shown, container, tree)
            return title, nearest if nearest is not None else min(shown, key=lambda el: _SHOWING.index(el.tag))
    return None


def _nearest_above(elements: list[HtmlElement], body: HtmlElement | None, tree: HtmlElement) -> HtmlElement | None:
    """Of several elements showing the title, the last one before the body, not a link: SharePoint
    shows the page's title in its title row ("<h2>Ban Thường vụ ...</h2>", hidden by the master's
    style sheet) and again over the article ("<div class="bd-tieude">Ban Thường vụ ...</div>")."""
    if body is None or len(elements) < 2:
        return None
    order = {el: index for index, el in enumerate(tree.iter())}
    limit = order.get(body, -1)
    above = [el for el in elements if el.tag != "a" and order.get(el, limit) < limit]
    return max(above, key=lambda el: order[el]) if above else None


def _prefixes(title: str) -> list[str]:
    """"A - B - C" -> ["A - B - C", "A - B", "A"]: the title with none, one, then two of its
    trailing parts."""
    cuts = [match.start() for match in _SEPARATOR.finditer(title)]
    return [title] + [title[:cut].rstrip() for cut in reversed(cuts)]


def _suffixes(title: str, names: tuple[str, ...] = ()) -> list[str]:
    """"A > B > C" -> ["B > C", "C"]: the title without one, then two of its leading parts, for
    titles that give the site and the section first ("Cổng thông tin điện tử Đảng bộ tỉnh Hải
    Dương > Xây dựng Đảng > Hải Dương kết nạp ...", DotNetNuke). Only a path of three parts or
    more: a listing's title is the site and its section ("... Hải Dương > Xây dựng Đảng"), and
    its section's name is shown on it as a heading."""
    cuts = list(_SEPARATOR.finditer(title))
    # The path's own separator: "... > Kiểm tra - Giám sát" is two parts, the section's name holding a dash.
    cuts = [match for match in cuts if match.group().strip() == cuts[0].group().strip()] if cuts else []
    if len(cuts) == 1:
        # Two parts, the first shorter and no name of the site: the library or list a CMS puts first,
        # SharePoint's "<title>Pages - Ban Thường vụ Tỉnh ủy cho ý kiến ...</title>" (ListProperty
        # Title - FieldValue Title). A listing's "Site > Section" names the site first, and "Title -
        # Site" has its longer part first.
        lead, rest = title[: cuts[0].start()].rstrip(), title[cuts[0].end():].lstrip()
        return [rest] if len(lead) < len(rest) and not names_the_site(lead, names) else []
    return [title[match.end():].lstrip() for match in cuts] if len(cuts) >= 2 else []


def _after_the_site(title: str, names: tuple[str, ...]) -> list[str]:
    """"Site - A - B" -> ["A - B"]: a <title> that opens with the site's name (mojoPortal's "Tỉnh ủy
    Tuyên Quang - Mặt trận và các đoàn thể - Lan tỏa ..."), the rest; [] for any other."""
    cut = _SEPARATOR.search(title)
    if cut is None or not _is_only_the_site(title[: cut.start()], names):
        return []
    return [title[cut.end():].lstrip()]


def article_heading(
    tree: HtmlElement, names: tuple[str, ...], knowledge: PortalKnowledge = NOTHING_KNOWN,
    body_container: Callable[[], HtmlElement | None] | None = None,
) -> tuple[str, HtmlElement | None]:
    """The article's title and the element showing it (None when only <title> has it).

    An <h1> that agrees with og:title or <title> is the heading (not the site logo's <h1>);
    without one, the part of og:title or <title> that the page shows ("Hội nghị ..." of "Hội nghị
    ... - Ban Tuyên giáo Tỉnh ủy"), then og:title or <title> less a suffix naming the site; a
    title that is only the portal's name is none. `body_container` tells, when asked, where the
    body is: of several elements showing the title, the one nearest above it."""
    og_title, page_title = declared_titles(tree)
    candidates: list[tuple[str, HtmlElement]] = []
    for h1 in tree.iter("h1"):
        text = heading_text(h1, (og_title, page_title))
        if 10 <= len(text) <= 300 and not is_site_heading(h1, names) and not _names_the_site_after(
            text, (og_title, page_title), names
        ):
            candidates.append((text, h1))
    agreeing = [(text, h1) for text, h1 in candidates if _agrees(text, og_title) or _agrees(text, page_title)]
    if any(_opens(text, og_title) or _opens(text, page_title) for text, _ in agreeing):
        # The <title> opens with the article's heading and ends with the site's: Liferay 6's theme sets
        # the site's name as an <h1> too ("<h1 class="company-title"><a href="/web/tinhuy/trang-chu">Tỉnh
        # ủy Tiền Giang</a></h1>" above "<h1><span>Hội nghị ...</span></h1>", for "<title>Hội nghị ... -
        # Tin tức - Sự kiện - Tỉnh ủy Tiền Giang</title>").
        agreeing = [(text, h1) for text, h1 in agreeing if not (_closes(text, og_title) or _closes(text, page_title))]
    for text, h1 in agreeing:
        # Two headings that show the title, one with a part added: the other is the article's. Liferay's
        # theme repeats <title> less the site in a hidden <h1> ("Hội nghị ... - Chi tiết tin", the
        # display page's name) above the web content's own "<h1>Hội nghị ...</h1>".
        if any(other in _prefixes(text)[1:] for other, _ in agreeing):
            continue
        shown = _shown_with_its_section(tree, text, body_container)
        if shown is not None:
            return clean_title(shown[0], names, knowledge), shown[1]
        return clean_title(text, names, knowledge), h1
    for declared in (og_title, page_title):
        if not declared:
            continue
        after_the_site = _after_the_site(declared, names)
        parts = [p for p in (*_prefixes(declared), *_suffixes(declared, names), *after_the_site) if len(p) >= 10]
        shown = shown_in_page(tree, [p for p in parts if not _is_only_the_site(p, names)], body_container)
        if shown is not None and not _is_only_the_site(shown[0], names):
            # The part shown may still hold the section, shown alone too: Liferay 6.2's classic theme
            # shows "<h2 class="page-title">Hội nghị ... - Tin tức</h2>" (the page's subtitle and its
            # name) above the Blogs portlet's "<h1>Tin tức</h1>" and the entry's "<h3>Hội nghị ...</h3>".
            shown = _shown_with_its_section(tree, shown[0], body_container) or shown
            return clean_title(shown[0], names, knowledge), shown[1]
        title = clean_title(after_the_site[0] if after_the_site else declared, names, knowledge)
        if len(title) >= 10 and not _is_only_the_site(title, names):
            written_out = [(text, h1) for text, h1 in candidates if _written_out(title, text)]
            if len(written_out) == 1:
                # A browser title shortened from the heading, which nowhere shows it: SharePoint's SEO
                # title "<title>Sơ kết 3 năm Nghị quyết 21-NQ/TW</title>" for "<h1>Sơ kết 3 năm thực
                # hiện Nghị quyết số 21-NQ/TW về tăng cường ...</h1>".
                text, h1 = written_out[0]
                return clean_title(text, names, knowledge), h1
            return title, None
    if candidates:
        return clean_title(candidates[0][0], names, knowledge), candidates[0][1]
    return "", None


_SHOWN = xpath("descendant::text()[not(ancestor::script) and not(ancestor::style)]", smart_strings=False)
_UNLINKED = xpath(
    "descendant::text()[not(ancestor::a) and not(ancestor::script) and not(ancestor::style)]", smart_strings=False
)


def _written_out(short: str, heading: str) -> bool:
    """Does the heading hold every word of the shorter title, in the same order, and more?"""
    words, held = _key(short).split(), iter(_key(heading).split())
    return len(words) >= 3 and len(heading) > len(short) and all(word in held for word in words)


def declared_titles(tree: HtmlElement) -> tuple[str, str]:
    """The titles the page declares: og:title and <title>."""
    og = _OG_TITLE(head(tree))
    title = _TITLE(tree)
    return clean(og[0]) if og else "", clean((title[0].text or "") if title else "")


def heading_text(h1: HtmlElement, declared: tuple[str, ...]) -> str:
    """What the heading shows (a script in it shows nothing), less the path of links it opens with
    when the rest is the page's declared title: SharePoint's title row puts the breadcrumb in the
    <h1> ("<h1><a href="/">Tỉnh ủy Quảng Ngãi</a> › <a href="/xay-dung-dang">Xây dựng Đảng</a>
    Ban Thường vụ ...</h1>" for "<title>Ban Thường vụ ...</title>")."""
    text = clean("".join(_SHOWN(h1)))
    if h1.find(".//a") is None:
        return text
    unlinked = clean("".join(_UNLINKED(h1)))
    if unlinked != text and any(_key(unlinked) == _key(title) or _written_out(title, unlinked)
                                for title in declared if title):
        return unlinked  # (...or writes out a browser title shortened from it)
    return text


def names_the_page(
    tree: HtmlElement, title: str, names: tuple[str, ...], knowledge: PortalKnowledge = NOTHING_KNOWN
) -> bool:
    """Is `title` what the page's <title> or og:title says, less a suffix naming the site ("<title>Kỷ
    niệm 95 năm ... - Cổng thông tin điện tử Tỉnh ủy Đắk Lắk</title>")? A heading showing it is the
    article's, whatever other heading stands over a date line nearby."""
    return any(text and _key(clean_title(text, names, knowledge)) == _key(title) for text in declared_titles(tree))


def _names_the_site_after(heading: str, declared: tuple[str, str], names: tuple[str, ...]) -> bool:
    """Is the heading the part of the page's title after the article's, naming the site? A
    SharePoint blog's title row shows the site's title as the page's <h1> ("<h1 id="pageTitle">Cổng
    thông tin điện tử Tỉnh ủy Đắk Lắk</h1>" for "<title>Hội nghị ... - Cổng thông tin điện tử Tỉnh ủy
    Đắk Lắk</title>"), the post's title an <h2> in its box."""
    return any(_closes(heading, title) for title in declared if title) and names_the_site(heading, names)


def _is_only_the_site(title: str, names: tuple[str, ...]) -> bool:
    """"Cổng thông tin điện tử Tỉnh ủy Hà Giang" as a page's whole title: the portal, not an article."""
    folded = fold(title).strip(" .")
    return bool(_PORTAL_NAME.match(title)) or any(folded == fold(name).strip(" .") for name in names)


def heading_above(line: HtmlElement, names: tuple[str, ...]) -> Iterator[tuple[str, HtmlElement]]:
    """Heading-like elements just above a date line, nearest first: a page with an empty <h1> and
    og:title whose title is "<div class="title"><b>Hội nghị ...</b></div>" over "Ngày đăng: ..."."""
    el: HtmlElement | None = line
    for _ in range(4):  # the line, then up to three of its ancestors, for preceding siblings
        if el is None:
            return
        for sibling in el.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str) or sibling.tag in ("script", "style", "a", "ul", "ol", "nav"):
                continue
            text = clean(sibling.text_content())
            if not text:
                continue
            if 10 <= len(text) <= 300 and not _is_only_the_site(text, names) and not _LINKS(sibling):
                yield text, sibling
            return
        el = el.getparent()
