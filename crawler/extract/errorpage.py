"""Error pages served as if they were articles: a parsed page -> "is this the portal's error page?".

Data flow: ArticlePage.check() (crawler/extract/article.py) asks error_page_reason() before it
accepts a record; a page it names is refused as a soft 404 (ErrorKind.SOFT_404). Pure: a page tree
and the record's title and text in, a reason or None out.

Portals answer a missing or broken article with status 200 and an error page: the *.dcs.vn CMS
with "<h1>Lỗi máy chủ</h1> ... <h2>404 - Trang bạn tìm không tồn tại.</h2>", ASP.NET with
"Server Error in '/' Application.", nginx with "<title>404 Not Found</title>". Archived, such a
page became a version of the article it replaced ("Lỗi máy chủ" as its title, its date and
category gone), and on a first crawl an "article" of its own.

The rule is structural: an error page *says* it is one where a page names itself, in its <title>
or its headings (h1, h2), and that element holds the error phrase and nothing else but a status
code or the portal's name ("404 - Trang bạn tìm không tồn tại", "Lỗi máy chủ - Tỉnh ủy Nghệ An").
A heading that only mentions an error ("Khắc phục lỗi máy chủ của Cổng dịch vụ công") is an
article's headline, not an error page. A page that names itself an error page is refused when its
record's title is that error phrase, or its text is short (an error page explains itself in a few
lines; a stack trace is a hundred words); an article of ERROR_PAGE_MAX_WORDS words or more under
a headline of its own is kept, whatever a sidebar heading says.
"""

from __future__ import annotations

import re

from crawler.extract.fold import fold
from crawler.extract.page import HtmlElement
from crawler.extract.text import clean

# What error pages call themselves, folded (fold(): no diacritics, lower case), each matched
# against a whole part of a title or heading. Vietnamese first: the portals' own wording.
_PHRASES = (
    # "Trang bạn tìm không tồn tại", "Bài viết không tồn tại hoặc đã bị xóa", "Đường dẫn không tồn tại"
    r"(?:trang|bai viet|tin bai|tin tuc|tin|noi dung|du lieu|duong dan|lien ket|chuyen muc)"
    r"(?: ban| quy vi)?(?: dang)?(?: tim| tim kiem| yeu cau| truy cap| nay)?"
    r" (?:khong|ko) (?:ton tai|co that|con ton tai)"
    r"(?: hoac da (?:bi )?(?:xoa|go bo|thay doi))?",
    # "Không tìm thấy trang", "Không tìm thấy bài viết bạn yêu cầu"
    r"khong tim thay(?: trang| bai viet| tin bai| noi dung| du lieu| duong dan| tai nguyen)?"
    r"(?: ban| quy vi)?(?: dang)?(?: tim| yeu cau| truy cap| can tim)?",
    # "Lỗi máy chủ", "Lỗi hệ thống", "Đã có lỗi xảy ra", "Lỗi 404", "Trang báo lỗi"
    r"loi(?: may chu| he thong| trang| ung dung| truy cap)?",
    r"(?:da )?(?:co|xay ra|gap) (?:mot )?loi(?: xay ra)?(?: trong qua trinh xu ly)?",
    r"trang bao loi",
    r"(?:he thong|website|trang web|cong thong tin) dang (?:duoc )?(?:bao tri|nang cap)",
    # English: IIS, ASP.NET, nginx, Apache, and the CMSs' defaults.
    r"(?:page|file|resource|article|content)? ?not found",
    r"(?:the )?(?:page|resource|file) (?:you (?:are looking|requested|were looking)(?: for)? )?"
    r"(?:cannot|could not|can ?not) be (?:found|displayed)",
    r"file or directory not found",
    r"server error in(?: .{1,40})? application",
    r"(?:internal )?server error",
    r"runtime error",
    r"service (?:temporarily )?unavailable",
    r"bad request",
    r"(?:403 )?forbidden",
    r"(?:an )?(?:unexpected )?error (?:has )?occurred",
    r"object reference not set to an instance of an object",
    r"oops.*",
    r"error",
)
_ERROR_PHRASE = re.compile("|".join(f"(?:{phrase})" for phrase in _PHRASES))
# A word that every phrase above holds one of: a title without any is no error's name (an article's
# headline, checked on every page, is turned away here without the phrases' long alternation).
_SIGN = re.compile(r"\b(?:loi|ton tai|co that|tim thay|bao tri|nang cap|found|error|unavailable|request"
                   r"|forbidden|occurred|oops|instance|displayed|[45]\d\d)\b")
# A status code and its words around the phrase: "404 - ", "HTTP Error 404.0 - ", "Lỗi 500:", "(404)".
_STATUS = re.compile(r"^(?:http )?(?:error |loi )?[45]\d\d(?:\.\d+)?\b|\b[45]\d\d(?:\.\d+)?$")
# Separators between a page's own name and the portal's: "Lỗi máy chủ - Tỉnh ủy Nghệ An".
_PARTS = re.compile(r"\s+[-|–—:»]\s+|\s*\|\s*")
# Titles and headings looked at: an error page names itself at the top, in its title or its first
# headings (an article page's h3s are its sidebar's boxes: "Tin mới nhất", "Liên kết website").
_ELEMENTS = ("title", "h1", "h2")
_MAX_ELEMENTS = 8
# Longest element text taken for a name (an error heading is a line, not a paragraph).
_MAX_NAME = 200
# An error page explains itself in a few lines; an ASP.NET stack trace is about a hundred words.
ERROR_PAGE_MAX_WORDS = 150


def is_error_phrase(text: str) -> bool:
    """Does `text` (a title, a heading) say "error page" and nothing else but a status code or the
    portal's name? "404 - Trang bạn tìm không tồn tại": yes; "Khắc phục lỗi máy chủ": no."""
    folded = fold(text)
    if len(folded) > _MAX_NAME or not _SIGN.search(folded):
        return False
    folded = " ".join(re.sub(r"[^\w\s|:–—»-]", " ", folded).split())
    if not folded:
        return False
    for part in [folded, *_PARTS.split(folded)]:
        part = part.strip(" -|:–—»")
        stripped = _STATUS.sub("", part).strip(" -|:–—»")
        if not stripped:
            # Nothing but a status code: "404", "HTTP Error 500".
            if part and re.search(r"[45]\d\d", part):
                return True
            continue
        if _ERROR_PHRASE.fullmatch(stripped):
            return True
    return False


def error_names(tree: HtmlElement) -> list[str]:
    """The page's title and headings that name it an error page ("Lỗi máy chủ")."""
    found = []
    for count, element in enumerate(tree.iter(*_ELEMENTS)):
        if count >= _MAX_ELEMENTS:
            break
        text = clean(element.text_content())
        if text and len(text) <= _MAX_NAME and is_error_phrase(text):
            found.append(text)
    return found


# A message block's words before it is folded: one of them, with or without diacritics, in any case.
_MESSAGE_SIGN = re.compile(r"t[ồo]n t[ạa]i|t[ìi]m th[ấa]y|l[ỗo]i|found|error|unavailable", re.I)
# A message says what went wrong in a few words; a lone "Lỗi" or "Error" is a form's label.
_MESSAGE_MIN_WORDS = 3


def error_messages(tree: HtmlElement) -> list[str]:
    """The blocks of the page's body that hold an error message and nothing else: a viewer page
    whose item is gone keeps its own title and says so in its content ("<div class="bd-thongbao">Tin
    bài không tồn tại hoặc đã bị gỡ bỏ.</div>", SharePoint's ChiTietTin.aspx?ItemID=240)."""
    body = tree.find("body")
    if body is None:
        return []
    found = []
    for element in body.iter():
        if not isinstance(element.tag, str) or len(element) or element.tag in ("a", "option", "script", "style"):
            continue
        raw = element.text or ""
        if len(raw) > _MAX_NAME or not _MESSAGE_SIGN.search(raw):
            continue
        text = clean(raw)
        if len(text.split()) >= _MESSAGE_MIN_WORDS and is_error_phrase(text):
            found.append(text)
    return found


def error_page_reason(tree: HtmlElement, title: str, text: str) -> str | None:
    """Why the page is its portal's error page rather than an article, or None.

    `title` and `text` are the record extracted from it (either may be empty). A page that names
    itself an error page nowhere but in a block of its content is one when what was read of it is
    short too (the footer of a viewer page with no item to show)."""
    names = error_names(tree)
    if not names and _words(text) < ERROR_PAGE_MAX_WORDS:
        names = error_messages(tree)
    if not names:
        return None
    if title and is_error_phrase(title):
        return f"an error page ({names[0]!r})"
    words = _words(text)
    if words < ERROR_PAGE_MAX_WORDS:
        return f"an error page ({names[0]!r}, {words} words)"
    return None


def _words(text: str) -> int:
    """The text's words, counted up to ERROR_PAGE_MAX_WORDS and one more: an article's thousand
    words are not split out to be compared with a hundred and fifty."""
    return len(text.split(None, ERROR_PAGE_MAX_WORDS))
