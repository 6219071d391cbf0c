"""A portal's URL shapes, learned from its own pages: which links lead to articles, which to
listings, and which to neither, for a portal without a hand-written profile.

Data flow: the discovering spider (crawler/fetch/discover.py) asks a ShapeBook what each link is
likely to be, fetches it, and tells the book what the page turned out to be (an article that
extraction gave a record, a listing of many article links, or another page: contact, documents,
galleries); the book counts outcomes per shape, and the archive keeps the counts for the next run
(archive/sites.py, table url_shapes). Pure: no Scrapy, no archive.

A shape is a URL with what varies from page to page replaced by its kind: the first path segment
stays (a NukeViet module, a WordPress base, "vi-vn"), inner segments are "*", the last segment is
named by its form: https://tinhuy.example/news/thoi-su/hoi-nghi-ban-chap-hanh-1234.html ->
"news/*/{slug-n}.html"; https://nghean.dcs.vn/vi-vn/tin/nang-cao/1-2-34842 -> "vi-vn/tin/*/{n-n}";
https://tinhuy.example/index.php?mod=news&act=detail&id=4321 -> "{word}.php?act=detail&id&mod=news"
(the query's keys, with the values that route).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

Kind = Literal["article", "listing", "skip"]
# (articles, listings, pages) seen of a shape.
Counts = tuple[int, int, int]

# Links to files, never to a page: "/Uploads/van-ban/2023/ke-hoach-so-123-kh-tu.pdf".
FILE_EXTENSIONS = frozenset(
    "pdf doc docx xls xlsx ppt pptx odt ods zip rar 7z gz tar jpg jpeg png gif bmp webp svg ico tif tiff"
    " mp3 mp4 m4a wav wma avi wmv flv mov mkv webm txt csv xml json js css exe apk swf woff woff2 ttf eot".split()
)
# Path segments of what a portal shows beside its news, in the route names of the CMSs and the
# Vietnamese words portals use for them: contact forms, search, tag pages, sign-in, site maps,
# documents (decisions and plans, "van-ban"), galleries, calendars, polls, feeds. Never an article,
# so never fetched as one; a category listing of news is never named by one of them.
NOT_NEWS_SEGMENTS = frozenset(
    """
    lien-he lienhe contact contacts contact-us gop-y gopy hoi-dap hoidap faq
    tim-kiem timkiem search seek
    tag tags the tu-khoa tukhoa
    login dang-nhap dangnhap register dang-ky dangky users user account logout quen-mat-khau
    sitemap so-do-site sodo site-map
    rss feed feeds atom
    print in-bai inbai
    van-ban vanban laws law documents document tai-lieu tailieu download downloads tai-ve
    album albums gallery galleries thu-vien-anh thuvienanh anh photos photo video videos media multimedia
    podcast audio emagazine infographic infographics
    lich-cong-tac lichcongtac calendar su-kien-lich weblinks lien-ket lienket voting binh-chon binhchon
    statistics thong-ke banners comment comments siteterms dieu-khoan author
    wp-admin wp-login wp-json xmlrpc wp-content wp-includes
    _layouts siteassets
    """.split()
)
# Path segments a CMS family reserves for what is not news, whatever the portal calls it: Liferay
# 7.4's friendly URL separators put a web content's display page under "/w/<url-title>" and a
# document's under "/d/<url-title>" (FriendlyURLResolverConstants: URL_SEPARATOR_JOURNAL_ARTICLE
# "/w/", URL_SEPARATOR_FILE_ENTRY "/d/"): "/d/ke-hoach-so-125-kh-tu" shows a plan's number, title,
# date and a table, and is no article however much it looks like one.
CMS_NOT_NEWS_SEGMENTS: dict[str, frozenset[str]] = {"liferay": frozenset({"d"})}
# Pages a CMS family shows any item of a list on, beside the item's own page when it has one:
# SharePoint's display form of a list item, "/Pages/Forms/DispForm.aspx?ID=105" (the item's fields,
# page content included, under "Trang - <file name>") for "/Pages/Trao-Huy-hieu-....aspx", and the
# list form that redirects to it ("/_layouts/listform.aspx?PageType=4&ListId=...&ID=105").
CMS_ITEM_FORMS: dict[str, frozenset[str]] = {"sharepoint": frozenset({"dispform", "listform"})}


def is_item_form(url: str, cms: str | None) -> bool:
    """Is the URL one of the pages the portal's CMS shows any list item on (CMS_ITEM_FORMS)?"""
    forms = CMS_ITEM_FORMS.get(cms or "")
    segments = _segments(urlsplit(url).path)
    return bool(forms and segments and _stem(segments[-1])[0].lower() in forms)
# Query parameters of searches and actions: "?s=dang+uy", "?keyword=", Liferay's action URLs.
NOT_NEWS_QUERY_KEYS = frozenset(
    "q s keyword keywords tukhoa search searchtext query replytocom share action do".split()
)
# Path segments that name the structure, kept in a shape wherever they are.
STRUCTURAL = frozenset("- content asset_publisher category page tag news tin tin-tuc detail chi-tiet".split())
LANGUAGES = frozenset("vi en vi-vn en-us vn".split())

# Pagination: "?page=3", "?paged=3" (WordPress), "?trang=3", Liferay's "..._cur=3".
_PAGE_KEYS = re.compile(r"^(?:page|paged|trang|pageindex|pagenumber|pg|pagenum|p_p_cur|.*_cur)$", re.I)
# The keys of a SharePoint list view's paging token, with "Paged=TRUE" (page_of()), and the view
# the pager names: the list's first page is "/tintuc/Pages/default.aspx", its pager's links add
# "&View=%7b2C4E6A8B-...%7d" (the web part's view, the one the first page shows).
_SHAREPOINT_TOKEN = re.compile(r"^(?:paged|pagedprev|pagefirstrow|view|p_\w+)$", re.I)
# "/page/3/" (WordPress), "/page-3" (NukeViet), "/trang-3", "/trang/3", "/trang-3.aspx".
_PAGE_PATH = re.compile(r"/(?:page|trang)[-/](\d+)(?=/|\.\w+$|$)", re.I)
_DIGITS = re.compile(r"\d+")
_ID_RUN = re.compile(r"(?:^|[-_.])\d{3,}(?:$|[-_.])")
# A slug and its id: "hoi-nghi-ban-chap-hanh-12" (NukeViet's alias-id, however small the id).
_SLUG_ID = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)+-\d+$")
_NUMBERS_ONLY = re.compile(r"^\d+(?:[-_]\d+)*$")
_DATE_SEGMENT = re.compile(r"^(?:19|20)\d\d-\d{1,2}-\d{1,2}$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_MONTH_OR_DAY = re.compile(r"^\d{1,2}$")
_WORDS = re.compile(r"[-_ ]+")
# An id in the query: "?id=1234", "?newsid=1234", "?ItemID=56789".
_ID_KEYS = re.compile(r"^(?:id|newsid|itemid|articleid|postid|p|nid|tinid|news_id|item_id|article_id)$", re.I)
# A script that takes its page's path in a query value: NukeViet with URL rewriting off,
# "/index.php?language=vi&nv=news&op=tin-co-so/dang-bo-phuong-tu-son-2202.html" for what it writes
# "/news/tin-co-so/dang-bo-phuong-tu-son-2202.html" with it on.
_SCRIPT = re.compile(r"\.(?:php|aspx?|jsp|cfm|cgi)$", re.I)


def _path_in_query(url: str) -> str:
    """The URL with the path a query value holds read as the path, after the script's: shapes and
    guesses see "/index.php/tin-co-so/dang-bo-...-2202.html?language=vi&nv=news", its category and
    its alias-id as a rewritten address shows them. A value that is an address of its own (Liferay's
    "redirect=/web/guest", "struts_action=/journal_articles/view") is no such path."""
    parts = urlsplit(url)
    if "/" not in parts.query or not _SCRIPT.search(parts.path):
        return url
    query = parse_qsl(parts.query, keep_blank_values=True)
    routed = [(key, value) for key, value in query if "/" in value and not value.startswith("/") and ":" not in value]
    if len(routed) != 1:
        return url
    [(key, value)] = routed
    kept = [(k, v) for k, v in query if k != key]
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/" + value, query=urlencode(kept)))


def page_of(url: str) -> tuple[str, int]:
    """(the listing, this page's number): the listing is named by the URL without its page number,
    extension and final slash, so that its pages name it alike however the first one is spelled:
    ".../thoi-su/page-3/" and ".../thoi-su/" -> ".../thoi-su"; "/tin-tuc/trang-2.aspx" and
    "/tin-tuc.aspx" -> "/tin-tuc"; "?page=3" -> the URL without it. A URL that is not a later page
    is number 1."""
    parts = urlsplit(url)
    number = 1
    query = parse_qsl(parts.query, keep_blank_values=True)
    paged = any(key.lower() == "paged" and value.upper() == "TRUE" for key, value in query)
    kept = []
    for key, value in query:
        if paged and _SHAREPOINT_TOKEN.match(key):
            # SharePoint's list views name a later page by the last item of the page before
            # ("?Paged=TRUE&p_NgayDang=20250527%2007%3a10%3a00&p_ID=247&PageFirstRow=3"): the row it
            # starts at orders the pages (PageFirstRow=1 is the first, under "PagedPrev=TRUE" too).
            if key.lower() == "pagefirstrow" and value.isdigit():
                number = max(number, int(value))
        elif _PAGE_KEYS.match(key) and value.isdigit():
            number = max(number, int(value))
        else:
            kept.append((key, value))
    path = parts.path
    match = _PAGE_PATH.search(path)
    if match:
        number = max(number, int(match.group(1)))
        path = path[: match.start()] + path[match.end() :]
    # ...or in the path a query value holds: "&op=tin-co-so/page-2" (_path_in_query)
    for index, (key, value) in enumerate(kept):
        in_value = _PAGE_PATH.search("/" + value) if "/" in value and not value.startswith("/") else None
        if in_value:
            number = max(number, int(in_value.group(1)))
            kept[index] = (key, ("/" + value)[: in_value.start()].lstrip("/") + ("/" + value)[in_value.end() :])
    stem, _extension = _stem(path.rstrip("/"))
    return urlunsplit(parts._replace(path=stem, query=urlencode(kept), fragment="")), number


def _segments(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment]


def _stem(segment: str) -> tuple[str, str]:
    """("hoi-nghi-1234", ".html") from "hoi-nghi-1234.html"."""
    stem, dot, extension = segment.rpartition(".")
    if dot and stem and extension.isalnum() and not extension.isdigit() and len(extension) <= 5:
        return stem, "." + extension.lower()
    return segment, ""


# A name as long as a headline: a page named after its title, numbers and all ("ban-thuong-vu-tinh-
# uy-cho-y-kien-de-an-sap-xep-don-vi-hanh-chinh-cap-xa.aspx", "uy-ban-kiem-tra-tinh-uy-thi-hanh-ky-
# luat-3-dang-vien-vi-pham", "tong-ket-cong-tac-dan-van-giai-doan-2020-2025"), not a section
# ("xay-dung-dang.aspx", "thoi-su-chinh-tri"). Liferay's display pages name their articles so, with
# or without a number in the title: one shape.
TITLE_WORDS = 7


def _form(segment: str) -> str:
    """The form of a URL's last segment: "{n}", "{n-n}", "{date}", "{slug-n}", "{title}", "{slug}",
    "{word}"."""
    stem, extension = _stem(segment)
    words = len(_WORDS.split(stem.strip("-_")))
    if _NUMBERS_ONLY.match(stem):
        form = "{n}" if stem.isdigit() else "{n-n}"
    elif _DATE_SEGMENT.match(stem):
        form = "{date}"
    elif words >= TITLE_WORDS:
        form = "{title}"
    elif _DIGITS.search(stem):
        form = "{slug-n}"
    elif words >= 2:
        form = "{slug}"
    else:
        form = "{word}"
    return form + extension


@lru_cache(maxsize=65536)
def shape_of(url: str) -> str:
    """The URL's shape: "news/*/{slug-n}.html", "vi-vn/tin/*/{n-n}", "category/*/", "{slug}/"."""
    parts = urlsplit(_path_in_query(url))
    segments = _segments(parts.path)
    tokens = []
    for number, segment in enumerate(segments):
        lowered = segment.lower()
        last = number == len(segments) - 1
        if lowered in STRUCTURAL or lowered in NOT_NEWS_SEGMENTS:
            tokens.append(lowered)
        elif last:
            tokens.append(_form(segment))
        elif (number == 0 or (number == 1 and segments[0].lower() in LANGUAGES)) and not _DIGITS.search(segment):
            tokens.append(lowered)
        else:
            tokens.append("{n}" if segment.isdigit() else "*")
    shape = "/".join(tokens) + ("/" if parts.path.endswith("/") and tokens else "")
    keys = sorted({_query_part(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)})
    return shape + ("?" + "&".join(keys) if keys else "")


# A query value that routes rather than names: a module or an action ("mod=news", "act=detail",
# "view=article"). A portal routed by its query string has its structure there: index.php?mod=news
# &act=detail&id=4321 is news, index.php?mod=vanban&act=detail&id=118 a document.
_ROUTE_VALUE = re.compile(r"^[A-Za-z_]{2,20}$")


def _query_part(key: str, value: str) -> str:
    """A query parameter in a shape: its key, with its value when the value routes."""
    key = key.lower()
    return f"{key}={value.lower()}" if _ROUTE_VALUE.match(value) and not _PAGE_KEYS.match(key) else key


# CMS families whose articles have an id, a date or a /content/ path in their URL: a long slug
# alone is one of their other pages (NukeViet's page module: /about/khai-quat-tinh-quang-binh.html).
# WordPress's default permalinks may be the post's name alone (/%postname%/).
_ARTICLES_NAMED_BY_ID = frozenset({"nukeviet", "liferay", "dcs"})


@lru_cache(maxsize=65536)
def guess(url: str, cms: str | None = None) -> Kind:
    """What a URL is likely to be before any page of its shape was seen: "skip" (a file, a search,
    contact, documents, tags...), "article" (an id, a date, Liferay's /content/, a long slug unless
    the portal's CMS (`cms`) names articles otherwise) or "listing" (anything else on the portal:
    categories, sections, their pages)."""
    parts = urlsplit(_path_in_query(url))
    segments = _segments(parts.path)
    lowered = [_stem(segment)[0].lower() for segment in segments]
    if segments and _stem(segments[-1])[1].lstrip(".") in FILE_EXTENSIONS:
        return "skip"
    if any(segment in NOT_NEWS_SEGMENTS for segment in lowered):
        return "skip"
    reserved = CMS_NOT_NEWS_SEGMENTS.get(cms or "")
    if reserved and any(segment in reserved for segment in lowered[:-1]):
        return "skip"
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(key.lower() in NOT_NEWS_QUERY_KEYS for key, _ in query):
        return "skip"
    if page_of(url)[1] > 1:
        return "listing"
    if "asset_publisher" in lowered:
        # Liferay: /tin-tuc/-/asset_publisher/AbCd/content/hoi-nghi-... is one article, the rest
        # of the publisher's URLs are its pages.
        return "article" if "content" in lowered[lowered.index("asset_publisher") + 1 : -1] else "listing"
    if "-" in lowered[:-1]:
        return "article"  # Liferay's friendly URL of one web content: /-/hoi-nghi-ban-chap-hanh
    if any(_ID_KEYS.match(key) and len(value) >= 3 and value.isdigit() for key, value in query):
        return "article"
    if not segments:
        return "listing"
    last = lowered[-1]
    if _ID_RUN.search(last) or _DATE_SEGMENT.match(last) or _SLUG_ID.match(last):
        return "article"
    if _dated(lowered):
        return "article"
    words = len(_WORDS.split(last.strip("-_")))
    if (words >= TITLE_WORDS or words >= 5 and not _DIGITS.search(last)) and cms not in _ARTICLES_NAMED_BY_ID:
        # WordPress /%postname%/: /ban-thuong-vu-tinh-uy-hop-phien-thuong-ky/; a name as long as a
        # headline, its numbers and all: SharePoint's friendly URL of a page named after its title,
        # /quan-huyen/quan-uy-ninh-kieu-tong-ket-5-nam-phong-trao-dan-van-kheo.
        return "article"
    return "listing"


def _dated(segments: list[str]) -> bool:
    """A dated path that goes on to a name: /2025/11/20/hoi-nghi/ or /2023-11-11/Thu-tuong... (a
    bare /2025/11/ is the month's archive, a listing)."""
    for number, segment in enumerate(segments[:-1]):
        if _DATE_SEGMENT.match(segment):
            return True
        if _YEAR.match(segment) and number + 1 < len(segments) and _MONTH_OR_DAY.match(segments[number + 1]):
            rest = segments[number + 2 :]
            return any(not _MONTH_OR_DAY.match(part) for part in rest)
    return False


@dataclass
class ShapeBook:
    """What a portal's pages taught about its URL shapes: counts per shape, from earlier runs and
    this one, and the kind each shape's next link is taken for."""

    counts: dict[str, list[int]] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    cms: str | None = None  # the portal's CMS family, once its pages showed it
    # What this run's trials decided (crawler/fetch/discover.py): a shape whose pages, fetched a few
    # at a time, yielded articles is one of articles for the rest of the run, whatever else a few
    # of its pages were; the counts say it to the next runs.
    verdicts: dict[str, Kind] = field(default_factory=dict)
    # The counts summed by the name of the shapes' pages (by_name()), made again after learn().
    _forms: dict[str, list[int]] | None = field(default=None, repr=False, compare=False)

    # A shape is decided by what its pages were once a few of them were seen: articles when
    # most were (listings of the same shape are read as listings all the same: a page fetched as
    # an article that holds none is read for its links), but hardly any was another page (an
    # "about" page with a date would be archived), listings when several were and none an article,
    # nothing worth fetching when several were other pages (documents, galleries) and none an
    # article or listing.
    ARTICLES_TO_DECIDE = 2
    LISTINGS_TO_DECIDE = 2
    PAGES_TO_SKIP = 3

    @classmethod
    def from_counts(cls, counts: Mapping[str, Counts]) -> ShapeBook:
        return cls({shape: list(each) for shape, each in counts.items()})

    def learn(self, url: str, outcome: Literal["article", "listing", "page"]) -> None:
        shape = shape_of(url)
        counts = self.counts.setdefault(shape, [0, 0, 0])
        counts[("article", "listing", "page").index(outcome)] += 1
        self.changed.add(shape)
        self._forms = None

    def decided(self, url: str) -> Kind | None:
        """The kind the pages of the URL's shape decided (this run's trial, else the counts), else
        what the pages named like it decided (by_name()), or None."""
        shape = shape_of(url)
        if shape in self.verdicts:
            return self.verdicts[shape]
        counts = self.counts.get(shape)
        return (self._decide(counts) if counts is not None else None) or self.by_name(shape)

    def by_name(self, shape: str) -> Kind | None:
        """"article" when the URL's page is named like the portal's articles, its shape not decided:
        a name as long as a headline ("{title}.html") is the portal's way of naming its articles
        wherever they sit once its pages of that name were articles, and hardly any another page.
        WordPress's "/%category%/%postname%.html" puts a post of a child category one level down
        ("/tin-co-so/dak-song/huyen-uy-dak-song-so-ket-3-nam-thuc-hien-chi-thi-so-05-ct-tu.html"
        beside "/tin-hoat-dong/hoi-nghi-ban-chap-hanh-dang-bo-tinh-lan-thu-27.html"): a shape of
        its own, of two pages only, too few for a trial."""
        name = _last_token(shape)
        if not name.startswith("{title}"):
            return None
        if self._forms is None:
            self._forms = {}
            for each, (articles, listings, pages) in self.counts.items():
                summed = self._forms.setdefault(_last_token(each), [0, 0, 0])
                summed[0] += articles
                summed[1] += listings
                summed[2] += pages
        counts = self._forms.get(name)
        return "article" if counts is not None and self._decide(counts) == "article" else None

    def _decide(self, counts: list[int]) -> Kind | None:
        articles, listings, pages = counts
        if articles >= self.ARTICLES_TO_DECIDE and articles >= listings and articles >= 4 * pages:
            return "article"
        if listings >= self.LISTINGS_TO_DECIDE and articles == 0:
            return "listing"
        if pages >= self.PAGES_TO_SKIP and articles == 0 and listings == 0:
            return "skip"
        return None

    def kind(self, url: str) -> Kind:
        """What a link to `url` is taken for: the shape's verdict when its pages decided one, else
        the URL's own form (guess())."""
        a_priori = guess(url, self.cms)
        if a_priori == "skip":
            return "skip"
        return self.decided(url) or a_priori

    def undecided(self, url: str) -> bool:
        """A link taken for a listing by its form alone, its shape not decided by any page: worth a
        trial when the portal shows many links of its shape (SharePoint's /Pages/<title>.aspx,
        "?ItemID=", "index.php?mod=news&act=detail&id=" are no form the guesses know)."""
        return guess(url, self.cms) == "listing" and page_of(url)[1] == 1 and self.decided(url) is None

    def is_listing_shape(self, url: str) -> bool:
        """Pages of this shape were listings, never articles: no use trying to extract one."""
        counts = self.counts.get(shape_of(url))
        return (counts is not None and counts[1] >= self.LISTINGS_TO_DECIDE and counts[0] == 0
                and self.verdicts.get(shape_of(url)) != "article")

    def learned(self) -> dict[str, Counts]:
        """The counts of the shapes this run saw pages of, to store."""
        return {shape: (self.counts[shape][0], self.counts[shape][1], self.counts[shape][2]) for shape in self.changed}


def _last_token(shape: str) -> str:
    """The form of the shape's last path segment: "tin-co-so/*/{title}.html" -> "{title}.html"."""
    return shape.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def article_links(book: ShapeBook, urls: Iterable[str]) -> list[str]:
    return [url for url in urls if book.kind(url) == "article"]
