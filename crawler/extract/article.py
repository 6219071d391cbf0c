"""Page -> Article: the page object of a portal profile, and extract(), the one entry point.

A profile's selectors are hints written against reconstructed markup: whenever one matches
nothing (a sub-site, a changed template) its field comes from the generic page object
(crawler/extract/generic.py) instead, and when the body selector misses the whole record does;
`Article.extraction` says which path ran.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from typing import ClassVar

from lxml import etree

from crawler.extract import chrome, errorpage
from crawler.extract.blocks import Block, images, text_blocks, walk
from crawler.extract.bylines import Line, Split, clean_author, page_author, split_lines
from crawler.extract.dates import parse_date, to_iso
from crawler.extract.generic import CAPTIONS, GenericPage
from crawler.extract.knowledge import NOTHING_KNOWN, PortalKnowledge
from crawler.extract.layout import is_home_crumb
from crawler.extract.page import ClassIndex, HtmlElement, parse, region_of, selector_tokens, xpath
from crawler.extract.record import Article, ErrorKind, Image, NotAnArticle, Page
from crawler.extract.template import read_with_template
from crawler.extract.text import clean
from crawler.extract.titles import clean_title

# A page always ends with its closing tags ("...</div></body></html>"); a body cut off by a
# dropped connection or a server that died mid-answer does not, and must not become a version.
_CLOSING_TAG = re.compile(rb"</(?:html|body)\s*>", re.I)
# ...that is, a page that opened them: a body that is one script and nothing else (php-bacgiang's
# soft 404, '<script language="javascript">window.location = "/404.html" </script>') has none to
# close, and is whole.
_OPENING_TAG = re.compile(rb"<(?:html|body)[\s>]", re.I)


def _has_closing_tag(body: bytes) -> bool:
    # Where it nearly always is: the last bytes; only then the whole body (a page with a long
    # script after </html>).
    return bool(_CLOSING_TAG.search(body, max(0, len(body) - 2048)) or _CLOSING_TAG.search(body))


def check_whole(page: Page) -> bool:
    """NotAnArticle when the page's body is empty; whether it ends with its closing tags."""
    if not page.body or page.body.isspace():  # not strip(): it copies the whole page
        raise NotAnArticle("200 with an empty body", ErrorKind.EMPTY_PAGE)
    return _has_closing_tag(page.body) or not _OPENING_TAG.search(page.body)


_SHOWN_TEXT = xpath("/descendant::body/descendant::text()[not(ancestor::script) and not(ancestor::style)]")
_AFTER_THE_ARTICLE = 200  # characters of the page's text after the article's last paragraph


def check_continues(tree: HtmlElement, article: Article, page: Page) -> None:
    """NotAnArticle (truncated) unless a page cut off before its closing tags goes on after the
    article's last paragraph: a saved israel-nachrichten.org page ends in its footer, after the
    article and its comments, and reads as the whole page would; a body cut mid-paragraph ends
    with the article's text."""
    last = article.text.rsplit("\n\n", 1)[-1][:60]
    shown = clean(" ".join(_SHOWN_TEXT(tree)))
    at = shown.rfind(last) if last else -1
    if at < 0 or len(shown) - at - len(last) < _AFTER_THE_ARTICLE:
        raise NotAnArticle(f"no closing tag in {len(page.body)} bytes", ErrorKind.TRUNCATED)


def check_decoded(article: Article, page: Page) -> None:
    """NotAnArticle when the record holds U+FFFD: bytes the page's encoding could not decode (a
    windows-1258 page labelled utf-8 with no <meta> to say otherwise reads "Tri\ufffd\ufffdn
    khai"). Archived, it would become a version of the article. A page whose own UTF-8 bytes
    carry U+FFFD (people.com.cn prints "胡\ufffd础" where its editor's text was broken) is read
    as written."""
    # (U+FFFD's first byte, 0xEF, is rare in a page: one memchr() rules most pages out before the
    # three bytes are searched for)
    if b"\xef" in page.body and b"\xef\xbf\xbd" in page.body:
        return
    if "\ufffd" in article.title or "\ufffd" in article.text:
        raise NotAnArticle(f"replacement characters in {article.title[:60]!r}", ErrorKind.UNDECODABLE)


class ArticlePage:
    """A portal profile's page object: every field has one small method, its selector first and
    the generic page object's rule when the selector misses; `to_record()` assembles them.

    Subclasses (portal profiles, crawler/sites/) set the selectors; `None` means "use the generic
    rule", so this class itself reads any page as the generic page object does.
    """

    site: ClassVar[str] = ""  # a profile's key; pages without a profile are named by their host
    site_names: ClassVar[tuple[str, ...]] = ()
    hosts: ClassVar[tuple[str, ...]] = ()

    title_selector: ClassVar[str | None] = None
    date_selector: ClassVar[str | None] = None
    category_selector: ClassVar[str | None] = None
    lead_selector: ClassVar[str | None] = None
    body_selector: ClassVar[str | None] = None
    author_selector: ClassVar[str | None] = None
    caption_selector: ClassVar[str] = CAPTIONS
    # Inside the body container: what the portal puts there that is not the article.
    prune_selectors: ClassVar[tuple[str, ...]] = ()
    # Where the article sits in the page's bytes: (start, end) markers, e.g. from the breadcrumb
    # to the sidebar. A portal page is mostly menus, sidebars and ViewState; when both markers
    # are found, extract() parses <head> and the bytes between them first (see page.region_of).
    # A hint like the selectors: the whole page is parsed whenever the title, date or body
    # selector does not match inside the region.
    region: ClassVar[tuple[bytes, bytes] | None] = None

    def __init__(self, page: Page, knowledge: PortalKnowledge | None = None) -> None:
        self.page = page
        self.knowledge = knowledge or NOTHING_KNOWN
        self.tree = parse(page)

    @cached_property
    def generic(self) -> GenericPage:
        """The same page read without selectors: each field's fallback."""
        return GenericPage(
            self.page, self.knowledge, tree=self.tree, site_names=self.site_names,
            caption_selector=self.caption_selector,
        )

    @cached_property
    def index(self) -> ClassIndex:
        return ClassIndex(self.tree, selector_tokens_of(type(self)))  # type: ignore[arg-type]  # classes hash

    def select(self, selector: str | None) -> list[HtmlElement]:
        """A profile selector over the whole page."""
        return self.index.select(self.tree, selector) if selector else []

    def select_one(self, selector: str | None) -> HtmlElement | None:
        found = self.select(selector)
        return found[0] if found else None

    # --- which path -------------------------------------------------------------------

    @cached_property
    def profile_body(self) -> HtmlElement | None:
        """The profile's article container, pruned; None when the selector matches nothing."""
        body = self.select_one(self.body_selector)
        if body is None:
            return None
        text = body.text_content()
        if not (clean(text[:200]) or clean(text)):  # the first words answer, nearly always
            return None
        return chrome.prune(body, extra=self.prune_selectors)

    def holds_article(self) -> bool:
        """The profile's title, date line and body are all on this (part of the) page."""
        return (
            self.profile_body is not None
            and self.select_one(self.title_selector) is not None
            and (self.date_selector is None or self.select_one(self.date_selector) is not None)
        )

    @property
    def extraction(self) -> str:
        return f"profile:{self.site}" if self.profile_body is not None else "generic"

    @cached_property
    def blocks(self) -> list[Block]:
        """The profile's body in reading order (empty when its selector missed)."""
        body = self.profile_body
        return list(walk(body, self.caption_selector)) if body is not None else []

    @cached_property
    def split(self) -> Split:
        """The profile body's paragraphs, bylines and source lines taken off (bylines.split_lines)."""
        title = self.title()
        lines = [Line(b.text, b.element) for b in text_blocks(self.blocks) if b.text != title]
        return split_lines(lines, knowledge=self.knowledge)

    # --- fields -----------------------------------------------------------------------

    def url(self) -> str:
        return self.generic.url()

    def title(self) -> str:
        heading = self.select_one(self.title_selector)
        text = clean(heading.text_content()) if heading is not None else ""
        if text:
            return clean_title(text, self.generic.names, self.knowledge)
        return self.generic.title()

    def published(self) -> str | None:
        line = self.select_one(self.date_selector)
        value = parse_date(clean(line.text_content())) if line is not None else None
        return to_iso(value) if value is not None else self.generic.published()

    def published_range(self) -> str | None:
        """None where the profile's date line names the date; else the generic path's."""
        line = self.select_one(self.date_selector)
        if line is not None and parse_date(clean(line.text_content())) is not None:
            return None
        return self.generic.published_range()

    def category(self) -> str | None:
        crumbs = [clean(a.text_content()) for a in self.select(self.category_selector)]
        crumbs = [crumb for crumb in crumbs if crumb and not is_home_crumb(crumb)]
        return crumbs[-1] if crumbs else self.generic.category()

    def summary(self) -> str | None:
        if self.profile_body is None:
            return self.generic.summary()
        lead = self.select_one(self.lead_selector)
        return (clean(lead.text_content()) or None) if lead is not None else None

    def text(self) -> str:
        if self.profile_body is None:
            return self.generic.text()
        paragraphs = list(self.split.paragraphs)
        lead = self.summary()
        if lead and not (paragraphs and paragraphs[0] == lead):
            paragraphs.insert(0, lead)
        return "\n\n".join(paragraphs)

    def author(self) -> str | None:
        line = self.select_one(self.author_selector)
        if line is not None and clean(line.text_content()):
            return clean_author(clean(line.text_content()))
        if self.profile_body is None:
            return self.generic.author()
        if self.split.author or self.split.source:
            return self.split.author  # a reprint's poster is no author (GenericPage.author)
        return page_author(self.tree, self.generic.names, self.knowledge)

    def source(self) -> str | None:
        return self.split.source if self.profile_body is not None else self.generic.source()

    def images(self) -> tuple[Image, ...]:
        if self.profile_body is None:
            return self.generic.images()
        return tuple(images(self.blocks, self.page.url))

    def check(self, title: str, text: str) -> None:
        # First: an error page served with 200 is a soft 404 whatever else it holds or lacks.
        reason = errorpage.error_page_reason(self.tree, title, text)
        if reason is not None:
            raise NotAnArticle(reason, ErrorKind.SOFT_404)
        if self.profile_body is None:
            self.generic.check(title, text)
        elif not title:
            raise NotAnArticle("no title found")
        elif len(text) < 80:
            raise NotAnArticle("no article text found")

    def to_record(self) -> Article:
        title, text = self.title(), self.text()
        self.check(title, text)
        return Article(
            url=self.url(),
            site=self.site or self.generic.site(),
            title=title,
            text=text,
            published=self.published(),
            published_range=self.published_range(),
            author=self.author(),
            category=self.category(),
            summary=self.summary(),
            source=self.source(),
            images=self.images(),
            extraction=self.extraction,
        )


@cache
def selector_tokens_of(page_class: type[ArticlePage]) -> frozenset[str]:
    """The class tokens of the page class's field selectors: indexed together, in one pass."""
    selectors = (
        page_class.title_selector, page_class.date_selector, page_class.category_selector,
        page_class.lead_selector, page_class.body_selector, page_class.author_selector,
    )
    return frozenset().union(*(selector_tokens(selector) for selector in selectors))


def extract(
    page: Page, page_class: type[ArticlePage] = ArticlePage, knowledge: PortalKnowledge | None = None
) -> Article:
    """The one entry point: raw page in, Article out (or NotAnArticle, saying why not).

    `knowledge` is what the portal's other pages tell (crawler/extract/knowledge.py), when known.
    A hand-written profile reads the page first; without one, the portal's learned template
    (knowledge.template, crawler/extract/template.py) when its layout holds the page; else the
    generic path."""
    whole = check_whole(page)
    try:
        article = None
        if knowledge is not None and knowledge.template is not None and whole and page_class.body_selector is None:
            article = read_with_template(page, knowledge, site=page_class.site, site_names=page_class.site_names,
                                         caption_selector=page_class.caption_selector)
        region = region_of(page, page_class.region) if page_class.region and whole and article is None else None
        if region is not None:
            part = page_class(region, knowledge)
            if part.holds_article():
                article = part.to_record()
        if article is None:
            reader = page_class(page, knowledge)
            article = reader.to_record()
            if not whole:
                check_continues(reader.tree, article, page)
    except (etree.ParserError, ValueError) as error:
        if not whole:  # whatever failed, the page was cut off: the next run asks again
            raise NotAnArticle(f"no closing tag in {len(page.body)} bytes", ErrorKind.TRUNCATED) from error
        if isinstance(error, NotAnArticle):
            raise
        raise NotAnArticle(str(error) or "unparseable page") from error
    check_decoded(article, page)
    return article


__all__ = ["ArticlePage", "NotAnArticle", "extract"]
