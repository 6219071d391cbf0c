"""Bylines: who wrote the article, and which lines around its text say so rather than tell the news.

Read by both page objects. A byline is a short name-like line at the end or the start of the body
(set apart in bold, capitals or aligned right, or labelled "Tác giả:", "Bài và ảnh:"), a name with
its affiliation ("Nguyễn Văn An, Học viện Chính trị quốc gia Hồ Chí Minh"), or a magazine's byline
block (the name, then a line naming the institution); a "Theo Báo Nghệ An" line is the source.
None of these stays in the text. Without one, the page's own metadata names the author.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from crawler.extract import chrome
from crawler.extract.chrome import class_words, is_chrome_element, is_photo_credit
from crawler.extract.fold import fold
from crawler.extract.knowledge import NOTHING_KNOWN, PortalKnowledge
from crawler.extract.layout import pieces_of
from crawler.extract.page import HtmlElement, jsonld_values, xpath
from crawler.extract.text import clean, is_shouting, title_case_name
from crawler.extract.titles import names_the_site

_AUTHOR_PREFIX = re.compile(
    r"^(?:(?:tác giả(?:\s+bài viết)?|bài(?:\s*(?:,|&|và)\s*ảnh)?|tin(?:\s*(?:,|&|và)\s*ảnh)?|bài viết|người viết"
    r"|phóng viên|pv|ctv"
    r"|nhóm phóng viên|nhóm pv)"
    r"\s*[:：]\s*"
    r"|(?:(?:đăng|viết|gửi|posted|written)\s+)?(?:by|bởi|von|par|por)\s*:?\s+)",
    re.I,
)
_SOURCE_LINE = re.compile(
    r"^(?:\(?\s*(?:theo|nguồn tin|nguồn)\s*[:：]?\s+)(?!null\b|none\b)(?P<source>.{2,80}?)\s*\)?\.?$", re.I
)
# "Bài: Minh Châu - Ảnh: Thành Duy": the photo credit after the writer goes.
_TRAILING_PHOTO_CREDIT = re.compile(r"\s*(?:[-–,;|]\s*|\s)(?:ảnh|đồ họa|video|photo)\s*[:：].*$", re.I)
# ...an apostrophe inside: the Ê Đê and Jrai names of the Central Highlands ("H'Linh Niê", "Ksor H'Bơi").
_NAME_WORD = re.compile(r"^[A-ZÀ-ỸĐ][\wÀ-ỹ.]*(?:['’][\wÀ-ỹ.]+)*$")
# Degrees and ranks before a name: "PGS, TS", "PGS.TS.", "ThS.", "Đại tá", "Nhà báo".
_HONORIFIC = re.compile(
    r"^(?:(?:gs|pgs|tskh|ts|ths|ncs|cn|ks|bs|ls|nb)\b\.?\s*[,.]?\s*"
    r"|(?:đại|thượng|trung|thiếu)\s+(?:tá|úy|tướng)\s+|nhà báo\s+|luật sư\s+|bác sĩ\s+)+",
    re.I,
)
# What an affiliation names: "Học viện Chính trị quốc gia Hồ Chí Minh", "Trường Chính trị tỉnh",
# "Ban Tuyên giáo Tỉnh ủy", "Bộ Quốc phòng", "Báo Nghệ An", "Đại học Vinh".
_INSTITUTION = re.compile(
    r"^(?:học viện|trường|viện|bộ|ban|sở|phòng|cục|tổng cục|vụ|đại học|tỉnh ủy|thành ủy|huyện ủy|quận ủy|"
    r"thị ủy|đảng ủy|ủy ban|ubnd|hđnd|mttq|trung tâm|báo|tạp chí|đài|hội|liên đoàn|liên hiệp|mặt trận|"
    r"văn phòng|khoa|bộ môn|quân khu|quân đoàn|sư đoàn|bộ chỉ huy|bộ tư lệnh|công an|tòa án|viện kiểm sát|"
    r"ngân hàng|công ty|tập đoàn|nguyên|giảng viên|phó|trưởng|giám đốc|bí thư|chủ tịch|nghiên cứu sinh|"
    r"sinh viên|học viên)\b",
    re.I,
)
_BYLINE_MAX = 80
_AFFILIATION_MAX = 200


def source_of(text: str) -> str | None:
    """"Theo Báo Nghệ An" -> "Báo Nghệ An": the paper the article is taken from."""
    match = _SOURCE_LINE.match(text)
    return match.group("source").strip() if match and len(text) <= 100 else None


def _name_case(name: str) -> str:
    """"PGS, TS NGUYỄN VĂN AN" -> "PGS, TS Nguyễn Văn An": a name typed in capitals, its degrees kept."""
    honorific = _HONORIFIC.match(name)
    start = honorific.end() if honorific else 0
    rest = name[start:]
    return name[:start] + (title_case_name(rest) if is_shouting(rest) else rest)


def clean_author(text: str) -> str | None:
    """'QUANG MINH\u00a0\u00a0' -> 'Quang Minh'; 'Hồng Hạnh (Trung tâm Truyền thông)' -> 'Hồng Hạnh';
    'Bài: Minh Châu - Ảnh: Thành Duy' -> 'Minh Châu'; 'Ảnh: Thành Duy' (a photo credit) -> None."""
    text = clean(text)
    if is_photo_credit(text) or _SOURCE_LINE.match(text):
        return None
    text = _TRAILING_PHOTO_CREDIT.sub("", _AUTHOR_PREFIX.sub("", text))
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text).strip(" .,-–")
    if not text:
        return None
    return _name_case(text)


def looks_like_name(text: str) -> bool:
    """A byline: a few capitalised words, maybe two names joined by " - " or ","."""
    text = re.sub(r"\s*\([^)]*\)\s*$", "", clean(text))
    honorific = _HONORIFIC.match(text)
    if honorific:
        text = text[honorific.end():]
    if not text or len(text) > _BYLINE_MAX or text.endswith((".", ":", ";", "?", "!", "…")):
        return False
    words = [w for w in re.split(r"[\s,\-–&]+", text) if w and w.lower() not in ("và", "và:")]
    return 1 <= len(words) <= 9 and all(_NAME_WORD.match(w) for w in words)


# A date (its day of the week first, maybe), then what follows it on the same line: "10/01/2025
# Minh Châu - Hoàng Vũ", "Thứ Sáu, 21/03/2025 10:30 Dân vận".
_DATE_THEN = re.compile(
    r"^((?:(?:thứ\s+\w+|chủ\s+nhật)\s*[,\-–]?\s*)?\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}(?:,?\s+\d{1,2}[:h]\d{2})?)"
    r"\s+(\S.*)$",
    re.I,
)
# A section's name: a few words, no figure, no sentence ("Dân vận", "Tin huyện, thành").
_SHORT_LABEL = re.compile(r"^[^\W\d_]+(?:[\s,\-–]+[^\W\d_]+){0,4}$")


def is_dated_byline(text: str) -> bool:
    """The article's metadata read as one line, its date and its byline, photo credit or section
    ("<tr><td>10/01/2025</td><td>Minh Châu - Hoàng Vũ</td></tr>" under SharePoint 2007's heading;
    "<span>Thứ Sáu, 21/03/2025 10:30</span> <a>Dân vận</a>" under a blog post): never a line of
    text, wherever the reader of the page set it."""
    rest = after_date(text)
    return rest is not None and (looks_like_name(rest) or is_photo_credit(rest) or bool(_SHORT_LABEL.match(rest)))


def after_date(text: str) -> str | None:
    """What follows a date that opens the line ("10/01/2025 Ảnh: Đình Phú" -> "Ảnh: Đình Phú")."""
    match = _DATE_THEN.match(clean(text))
    return match.group(2) if match is not None and chrome.is_date_line(match.group(1)) else None


def _is_byline(line: str) -> bool:
    """'Quang Minh', 'Tác giả: Nguyễn Văn An', 'Bài, ảnh: Minh Châu - Ảnh: Thành Duy'."""
    name = clean_author(line)
    return bool(name) and looks_like_name(name or "") and (bool(_AUTHOR_PREFIX.match(line)) or looks_like_name(line))


def is_institution(text: str) -> bool:
    """A line that names where someone works: "Học viện Chính trị khu vực III", "Bộ Quốc phòng".

    Names of institutions capitalise every few words ("Ban Tuyên giáo Tỉnh ủy"); a sentence that
    starts with one ("Sở Y tế đã triển khai kế hoạch ...") does not go on so."""
    text = clean(text).strip(" ()")
    if not (0 < len(text) <= _AFFILIATION_MAX and _INSTITUTION.match(text)) or text.endswith(("?", "!", ":")):
        return False
    words = [word for word in re.split(r"[\s,;()\-–]+", text.rstrip(" .")) if word]
    capitals = sum(1 for word in words if word[:1].isupper() or word[:1].isdigit())
    return capitals >= 0.4 * len(words)


def with_affiliation(line: str) -> str | None:
    """The name of "Nguyễn Văn An, Học viện Chính trị quốc gia Hồ Chí Minh, Bộ Quốc phòng" (also
    after " - " or in parentheses); None unless a name comes first and an institution after it."""
    line = clean(line)
    if len(line) > _AFFILIATION_MAX + _BYLINE_MAX:
        return None
    line = _AUTHOR_PREFIX.sub("", line)
    honorific = _HONORIFIC.match(line)
    start = honorific.end() if honorific else 0
    for match in re.finditer(r"\s*(?:,|\s[-–]\s|\()\s*", line[start:]):
        name, rest = line[: start + match.start()], line[start + match.end():]
        if looks_like_name(name) and is_institution(rest.rstrip(" )")):
            return _name_case(clean(name))
    return None


@dataclass
class Line:
    """One line of the body, with the element that shows it when known (for how it is set)."""

    text: str
    element: HtmlElement | None = None


def _set_apart(line: Line) -> bool:
    """Shown unlike the text around it: in capitals, bold or italic throughout, or aligned right
    ("<p style="text-align: right;"><strong>Thành Duy - Hoài Thu</strong></p>")."""
    if is_shouting(line.text):
        return True
    el = line.element
    if el is None:
        return False
    for holder in (el, el.getparent()):
        if holder is None:
            break
        style = (holder.get("style") or "").replace(" ", "").lower()
        if "text-align:right" in style or (holder.get("align") or "").lower() == "right":
            return True
    if el.tag in ("b", "strong", "em", "i"):
        return True
    emphasis = "".join(e.text_content() for e in el.iter("b", "strong", "em", "i") if e is not el)
    return bool(emphasis) and clean(emphasis) == line.text


def _syllables(text: str) -> bool:
    """Two to five short words, as Vietnamese names are written: "Thanh Tâm", "Minh Trí - Thanh Hà"."""
    words = [word for word in re.split(r"[\s\-–,]+", text) if word]
    return 2 <= len(words) <= 8 and all(len(word) <= 7 for word in words)


def is_labelled(text: str) -> bool:
    """"Tác giả: Nguyễn Văn An", "Bài và ảnh: Minh Châu", "PV: ...": a line that says it names the author."""
    return bool(_AUTHOR_PREFIX.match(clean(text)))


def _all_linked(line: Line) -> bool:
    el = line.element
    if el is None:
        return False
    linked = clean(" ".join(a.text_content() for a in (el.iter("a") if el.tag != "a" else [el])))
    return bool(linked) and len(linked) >= len(line.text) - 2


def _byline_name(line: Line, at_start: bool) -> str | None:
    """The author named by a line at the end (or, stricter, the start) of the body."""
    text = line.text
    if len(text) > _BYLINE_MAX + _AFFILIATION_MAX or is_photo_credit(text) or source_of(text):
        return None
    labelled = bool(_AUTHOR_PREFIX.match(text))
    if not labelled and _all_linked(line):
        return None  # "View Webcam", "Facebook Twitter": links, not a name
    if not labelled and line.element is not None and line.element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return None  # "More Home Decor", "Frequently Asked Questions": a box's heading
    if len(text) <= _BYLINE_MAX and _is_byline(text) and (labelled or not at_start or _set_apart(line)):
        # At the start a bare name must be set apart: a first line "Nghệ An" is a place.
        if at_start and not labelled and len(text.split()) < 2:
            return None
        return clean_author(text)
    if (labelled and is_institution(named := _AUTHOR_PREFIX.sub("", clean(text))) and len(named) <= _BYLINE_MAX
            and line.element is not None and line.element.find(".//a") is None):
        # An office typed under the label, no person's name: "Tác giả: Ban Tuyên giáo và Dân vận Tỉnh
        # ủy" under NukeViet's body, as an office signs the article set apart. Not a link to an
        # account's page: "Tác giả bài viết: <a href="/author/bientap">Ban Biên tập</a>" is the desk
        # that posted it (WordPress's meta line).
        return named
    if labelled or _set_apart(line) or not at_start:
        return with_affiliation(text)
    return None


# A reporter signing with initials: "P.V", "PV", "T.H".
_INITIALS = re.compile(r"^(?:[A-ZĐ]\.?){2,4}$")


def _avatar_of(initials: str, name: str) -> bool:
    """Are `initials` ("MH") the first letters of the words of `name` ("Minh Hằng"), a name?"""
    letters = [c for c in initials if c.isalpha()]
    words = name.split()
    return (bool(_INITIALS.match(initials)) and len(words) == len(letters) and looks_like_name(name)
            and all(word[:1].upper() == letter.upper() for word, letter in zip(words, letters, strict=True)))


# A short label before a name: "Tin, ảnh: Hữu Thành", "Nhóm phóng viên: ...".
_LABEL_THEN_NAME = re.compile(r"^(?P<label>[^\W\d_]+(?:[\s,]+[^\W\d_]+){0,2})\s*[:：]\s*(?P<name>.+)$")


def _after_label(text: str) -> str | None:
    """The name after a short label of small words ("Tin, ảnh: Hữu Thành"), in the article's
    metadata: what the label says is not looked up, what follows it must read as a name of two
    to five syllables. Photo credits and source lines are no byline."""
    match = _LABEL_THEN_NAME.match(text)
    if match is None or is_photo_credit(text) or source_of(text) or len(text) > _BYLINE_MAX:
        return None
    label, name = match.group("label"), clean_author(match.group("name")) or ""
    if label[:1].isupper() and any(word[:1].isupper() for word in label.split()[1:]):
        return None  # "Tỉnh ủy Long An: ..." is a sentence's subject, not a label
    return name if looks_like_name(name) and (_syllables(name) or _INITIALS.match(name)) else None


# "do Phạm Thu Hà lúc 14:00 trong Xây dựng Đảng" (a blog's "by NAME at TIME in CATEGORY"), "Đăng
# bởi Minh Châu vào 10/01/2025": the account that posted the article, named in its metadata line.
_POSTED_BY = re.compile(
    r"^(?:(?:được\s+)?đăng\s+bởi|posted\s+by|bởi|by|do)\s+(?P<name>.+?)"
    r"(?:\s+(?:lúc|vào lúc|vào|at|on|ngày|trong|in)\b.*)?$",
    re.I,
)


def _is_person(name: str) -> bool:
    """Does the text read as a person's name: name-like words, Vietnamese syllables?"""
    return looks_like_name(name) and bool(_syllables(name))


def _posted_by(text: str) -> str | None:
    """The person a metadata line says posted the article (an office's account, "do Cổng TTĐT
    Tỉnh ủy lúc 15:40", names nobody)."""
    match = _POSTED_BY.match(clean(text))
    if match is None or len(text) > 2 * _BYLINE_MAX:
        return None
    name = clean_author(match.group("name")) or ""
    if names_the_site(name, ()) or is_institution(name):
        return None
    return name if _is_person(name) else None


def _in_microdata(line: Line) -> bool:
    """A value given to machines as microdata ("<div itemprop="author"><span itemprop="name">Hoàng
    Thị Mai</span></div>", the account that posted a reprint, hidden by NukeViet): the page's
    metadata, read as such by page_author(), not a line shown in the article's header."""
    el = line.element
    return el is not None and any(a.get("itemprop") is not None for a in (el, *el.iterancestors()))


def _institution_line(line: Line) -> bool:
    return is_institution(line.text) and not line.text.endswith(".")


@dataclass
class Split:
    """The body's paragraphs with the byline and source lines taken off."""

    paragraphs: list[str]
    author: str | None = None
    source: str | None = None
    # who the photo credit ("Ảnh: Hoàng Nam") names: a photo story's author (generic.py)
    photographer: str | None = None

    def text(self, lead: str | None) -> str:
        """The article's text: its lead (when the page marks one) first, then the paragraphs."""
        return "\n\n".join([lead, *self.paragraphs] if lead else self.paragraphs)


def split_lines(
    lines: Sequence[Line], before: Sequence[Line] = (), after: Sequence[Line] = (),
    knowledge: PortalKnowledge = NOTHING_KNOWN,
) -> Split:
    """Take the byline, the source line and photo credits off the end of the body, then a byline
    (or a magazine's byline block) off its start. `before` and `after` are lines just outside the
    body (between the heading and the first paragraph, right after the last): read for a byline,
    never kept as text."""
    body = join_labels(line for line in lines if not knowledge.is_chrome_line(line.text))
    after = join_labels(after)
    body, boxed = _without_author_box(body)
    author: str | None = None
    source: str | None = None
    photographer = next((credited(line.text) for line in before if is_photo_credit(line.text)), None)
    for _ in range(4):
        if not body:
            break
        last = body[-1]
        found_source = source_of(last.text)
        if found_source and source is None:
            source = found_source
            body.pop()
        elif is_photo_credit(last.text):
            photographer = photographer or credited(last.text)
            body.pop()
        elif author is None and (name := _byline_name(last, at_start=False)):
            author = name
            body.pop()
        elif author is None and len(body) >= 2 and _institution_line(last) and (
            name := _byline_name(body[-2], at_start=False)
        ):
            author = name  # a magazine's block: the name, then where the writer works
            del body[-2:]
        elif author is None and _institution_line(last) and _set_apart(last) and len(last.text) <= _BYLINE_MAX:
            # An office signs the article, set apart like a name: "<p style="text-align: right;"><strong>
            # Phòng Thông tin - Tư liệu, Văn phòng Tỉnh ủy</strong></p>" under the body.
            author = clean(last.text)
            body.pop()
        else:
            break
    for line in after:
        # Right after the body (the caller keeps only those lines, and labelled ones) a name of two
        # to five syllables, or one set apart: "<div class="by-line">Mỹ Linh</div>" under
        # SharePoint's content field; links ("Facebook Twitter") and a box's title ("Zero Trust
        # Access Simplified") are no name. So is a name with the newsroom after it in parentheses,
        # however many words that takes: "<div>Vũ Hồng Nhung (Trung tâm Truyền thông Đông Triều)</div>"
        # under a Liferay Journal template's body.
        named = _syllables(line.text) or with_affiliation(line.text) is not None
        if author is None and (name := _byline_name(line, at_start=not named)):
            author = name
        elif source is None and (found_source := source_of(line.text)):
            source = found_source
        elif is_photo_credit(line.text):
            photographer = photographer or credited(line.text)
        elif not _institution_line(line):
            break
    head = [*before, *body[:3]]
    for index, line in enumerate(head):
        if author is not None:
            break
        if index + 1 < len(before) and _avatar_of(line.text, before[index + 1].text):
            # "MH" then "Minh Hằng": a portrait drawn as the initials of the name beside it (Liferay's
            # user sticker). The name is the byline, a link to its owner's page as it may be.
            author = clean_author(before[index + 1].text)
            break
        # Between the heading and the body (the article's metadata: "<div class="date-line">24/06/2025
        # 2:30 CH</div><div>Minh Đức - Bảo Trâm</div>" on SharePoint 2013) a name of two to five
        # syllables is the byline however it is set, as right after the body; in the body's
        # first lines it must be set apart.
        shown = index < len(before) and not _in_microdata(line)
        name = _byline_name(line, at_start=not (shown and (_syllables(line.text) or _INITIALS.match(line.text))))
        if name is None and shown:
            name = _after_label(line.text) or _posted_by(line.text)
        if name is None and index + 1 < len(head) and _institution_line(head[index + 1]) and looks_like_name(line.text):
            name = clean_author(line.text)  # the block's name line, its next line the institution
        if name is not None:
            author = name
            taken = {id(line)}
            if index + 1 < len(head) and _institution_line(head[index + 1]):
                taken.add(id(head[index + 1]))
            body = [b for b in body if id(b) not in taken]
            break
    return Split([line.text for line in body], author or boxed, source, photographer)


_BOX_LINES = 3  # the label, the name, a line about the writer


def _without_author_box(body: list[Line]) -> tuple[list[Line], str | None]:
    """The body without the author box that closes it, and the person the box names: a label
    alone on its line ("Tác giả", no colon), the name on the next, maybe a line about the writer
    ("Phóng viên Trung tâm Thông tin ..."), read into the body once nothing names the box. An
    account ("Ban Biên tập") names no one; a byline signed in the body comes first (split_lines)."""
    for index in range(max(0, len(body) - _BOX_LINES), len(body) - 1):
        if _LABEL_WITHOUT_VALUE.match(body[index].text) and index > 0:
            name = clean_author(body[index + 1].text) or ""
            named = name if _is_person(name) else None
            return body[:index], named
    return body, None


def byline_over(lines: Iterable[Line]) -> str | None:
    """The name the first of the lines over the body gives in words that say it is a byline: after
    a label ("Tin, ảnh: Hữu Thành") or as who posted the entry ("do <a>Phạm Thu Hà</a> lúc 14:00
    trong ..."). Never a bare name: over a text it may be any label (a picture field's "Hình ảnh
    Trang", written for screen readers)."""
    for line in lines:
        name = _after_label(line.text) or _posted_by(line.text)
        if name:
            return name
    return None


def byline_in_line(line: HtmlElement | None, names: tuple[str, ...] = ()) -> str | None:
    """The name one part of the article's date line gives after a byline's label: blog modules
    print who posted the entry beside its date ("<span>Đăng bởi Thu Hà</span><span>Thứ Sáu,
    21/03/2025 10:30</span><span>Chuyên mục:</span><a>Dân vận</a>" under the body, mojoPortal's
    "Posted by {0}"), the name in the label's part or, alone, in the next ("Đăng bởi <a>Thu Hà</a>").
    An account's login ("Đăng bởi <a>bientap.ubkt</a>") names no writer, nor does the site's name."""
    if line is None:
        return None
    pieces = pieces_of(line)
    for index, piece in enumerate(pieces):
        label = _AUTHOR_PREFIX.match(piece + " ")  # (the label alone: "Đăng bởi")
        if label is None:
            continue
        value = (piece + " ")[label.end():].strip()
        if not value and index + 1 < len(pieces):
            value = pieces[index + 1]
        name = clean_author(value) or ""
        if len(name) <= _BYLINE_MAX and _is_person(name):
            return None if _is_site(name, names) else name
    return None


_LABEL_WITHOUT_VALUE = re.compile(r"^(?:tác giả(?:\s+bài viết)?|người viết)\s*[:：]?$", re.I)
_NEXT_WITH_TEXT = xpath("following::*[normalize-space()][1]")


def name_after_label(region: HtmlElement | None, names: tuple[str, ...] = ()) -> str | None:
    """The name on the line after a byline's label that stands alone in the article's box: a blog
    theme's author box under the post ("<p>Tác giả</p><h4><a>Hoàng Thu Trang</a></h4><p>Phóng viên
    ...</p>", Articulate's VAPOR), the label and the name in elements of their own. An account
    that is no one's name ("Ban Biên tập") or the site's names no writer."""
    if region is None:
        return None
    for el in region.iter():
        if not isinstance(el.tag, str) or not el.text or not _LABEL_WITHOUT_VALUE.match(clean(el.text)):
            continue
        if clean(el.text_content()) != clean(el.text):
            continue  # (the label opens a line that goes on: "Tác giả <b>...</b>" is read as a line)
        following = _NEXT_WITH_TEXT(el)
        if not following or region not in following[0].iterancestors():
            return None
        name = clean_author(following[0].text_content()) or ""
        if _is_person(name) and not _is_site(name, names):
            return name
        return None
    return None


def credit_in(texts: Iterable[str]) -> str | None:
    """Who the first photo credit among these lines names ("<p><em>Ảnh: Hoàng Nam</em></p>", or
    after a date: "10/01/2025 Ảnh: Hoàng Nam")."""
    shown = (after_date(text) or text for text in texts)
    return next((name for name in (credited(text) for text in shown if is_photo_credit(text)) if name), None)


def told_in_pictures(pictures: int, paragraphs: int) -> bool:
    """An article told in its pictures: two or more, and no more paragraphs than pictures."""
    return pictures >= 2 and paragraphs <= pictures


def credited(text: str) -> str | None:
    """The name a photo credit gives: "Ảnh: Hoàng Nam" -> "Hoàng Nam" (None for "Ảnh: Tư liệu")."""
    name = text.split(":", 1)[1].strip() if ":" in text else ""
    return clean_author(name) if name and looks_like_name(name) else None


_LABEL_ALONE = re.compile(r"^(?:tác giả(?:\s+bài viết)?|người viết|bài viết|nguồn tin|nguồn|theo)\s*[:：]$", re.I)


def join_labels(lines: Iterable[Line]) -> list[Line]:
    """Lines with a label alone ("Tác giả:", "Nguồn:") joined to the value on the next line, a
    label without a value dropped: Liferay's fragments put the label in one column and the name in
    the next ("<h6>Tác giả:</h6>" | "<div>Ngọc Hân</div>"), an empty field leaving "Nguồn:" alone."""
    lines = list(lines)
    joined: list[Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not _LABEL_ALONE.match(line.text):
            joined.append(line)
            index += 1
            continue
        value = lines[index + 1] if index + 1 < len(lines) else None
        if value is not None and not _LABEL_ALONE.match(value.text) and len(value.text) <= _BYLINE_MAX:
            joined.append(Line(f"{line.text} {value.text}", value.element))
            index += 2
        else:
            index += 1
    return joined


def split_byline(paragraphs: list[str]) -> tuple[list[str], str | None, str | None]:
    """Take the byline, source line and photo credits off the end of the body (text only)."""
    split = split_lines([Line(text) for text in paragraphs])
    return split.paragraphs, split.author, split.source


# --- bylines outside the body ------------------------------------------------------------------

_AUTHOR_CLASS_WORDS = {"author", "authors", "byline", "tacgia", "writer", "nguoiviet", "butdanh", "reporter"}
_AUTHOR_METAS = ("author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author")
# Labels without a name, dates, addresses: "Author", "Tác giả", "admin", "bykj@mk.co.kr".
_NOT_A_NAME = re.compile(r"^(?:author|authors|tác giả|admin|administrator|by)$|\d|https?:|www\.|@", re.I)
_LABELLED_AUTHOR = re.compile(
    r"^(?:tác giả(?:\s+bài viết)?|người viết|bài(?:\s*,\s*ảnh|\s+và\s+ảnh)?)\s*[:：]\s*\S", re.I
)
_AUTHOR_LABELS = ("Tác giả", "TÁC GIẢ", "tác giả", "Người viết", "NGƯỜI VIẾT", "Bài và ảnh")
_AUTHOR_CLASS_PARTS = ("author", "byline", "tacgia", "writer", "butdanh")
_AUTHOR_META = xpath(
    "/descendant::meta[" + " or ".join(f'@name="{n}" or @property="{n}"' for n in _AUTHOR_METAS) + "]/@content"
)
_AUTHOR_LABEL_XPATH = xpath(
    "/descendant::text()[" + " or ".join(f'contains(., "{label}")' for label in _AUTHOR_LABELS) + "]"
)
_CLASS_OR_ID = xpath("/descendant::*[@class or @id]")
_ALL_CLASS_ID = xpath("/descendant::*/@class | /descendant::*/@id", smart_strings=False)
_ITEMPROP_AUTHOR = xpath("/descendant::*[@itemprop='author']")
_ITEMPROP_NAME = xpath("descendant::*[@itemprop='name']/@content | descendant::*[@itemprop='name']/descendant::text()")
_REL_AUTHOR = xpath('/descendant::a[@rel="author"]')
# libxml2 evaluates each contains() of the label query on every text node (milliseconds a page):
# the page's text is looked at once first.
_ALL_TEXT = xpath("string()", smart_strings=False)


def page_author(tree: HtmlElement, names: tuple[str, ...], knowledge: PortalKnowledge = NOTHING_KNOWN) -> str | None:
    """A byline outside the body, first found of: a labelled line ("Tác giả: Nguyễn Văn An"),
    microdata and JSON-LD authors, author meta tags, an element its page calls the author's.
    Never the site itself (nghean.dcs.vn's <meta name="author"> is the portal's name), a line the
    portal shows on every page, nor a photo credit."""
    for candidate in _author_candidates(tree):
        if knowledge.is_chrome_line(candidate):
            continue
        author = clean_author(html.unescape(candidate))
        if author and len(author) <= 120 and not _is_site(author, names) and not _NOT_A_NAME.search(author):
            return author
    return None


def _is_site(author: str, names: tuple[str, ...]) -> bool:
    folded = fold(author)
    return any(folded == fold(name) for name in names) or names_the_site(author, names)


@lru_cache(maxsize=8192)
def _is_author_box(attrs: str) -> bool:
    """class + " " + id of an element that holds a byline ("author", "byline", "tac-gia"...),
    not a reader's comment or a related box ("comment-author")."""
    if not any(part in attrs for part in _AUTHOR_CLASS_PARTS):
        return False
    words = class_words(attrs)
    return bool(words & _AUTHOR_CLASS_WORDS) and not words & chrome.CHROME_WORDS


def _author_candidates(tree: HtmlElement) -> Iterator[str]:
    text = _ALL_TEXT(tree)
    labelled = _AUTHOR_LABEL_XPATH(tree) if any(label in text for label in _AUTHOR_LABELS) else []
    for node in labelled:
        el = node.getparent()
        if el is None or not _LABELLED_AUTHOR.match(clean(node)) or _in_chrome(el):
            continue
        # "<p>Tác giả: <b>Lê Thu Hà</b></p>" or "...<br>Tác giả: Lê Thu Hà" (a tail)
        yield clean(el.text_content()) if node.is_text else clean(node)
    yield from _jsonld_authors(tree)
    for el in _ITEMPROP_AUTHOR(tree):
        named = _ITEMPROP_NAME(el)
        yield clean(" ".join(named)) if named else clean(el.get("content") or el.text_content())
    yield from (clean(value) for value in _AUTHOR_META(tree))
    # The words pages use for their author boxes: a hint after the page's own statements, for
    # pages whose byline sits neither at the body's ends nor in a labelled line.
    attributes = " ".join(_ALL_CLASS_ID(tree))
    classed = _CLASS_OR_ID(tree) if any(part in attributes for part in _AUTHOR_CLASS_PARTS) else []
    for el in classed:
        if _is_author_box(f"{el.get('class') or ''} {el.get('id') or ''}") and el.tag not in ("meta", "link", "img"):
            # (its pieces apart: a label in an element of its own is a word of its own, "<span>Đăng
            # bởi</span><span><a>Thanh Tùng</a></span>" in a WordPress theme's byline, not "bởiThanh")
            text = clean(" ".join(el.itertext()))
            if 2 <= len(text) <= 80 and not _in_chrome(el):
                yield text
    yield from (clean(a.text_content()) for a in _REL_AUTHOR(tree))


def _in_chrome(el: HtmlElement) -> bool:
    """Inside comments, related-news boxes and other furniture ("comment-author" is a reader)."""
    return any(is_chrome_element(a) for a in el.iterancestors())


def _jsonld_authors(tree: HtmlElement) -> Iterator[str]:
    for author in jsonld_values(tree, "author"):
        people = author if isinstance(author, list) else [author]
        names = [p.get("name") if isinstance(p, dict) else p for p in people]
        text = ", ".join(clean(str(n)) for n in names if isinstance(n, str) and clean(n))
        if text:
            yield text
