"""Page -> Article. The generic page object; portal profiles subclass it with selectors.

A profile's selectors are hints written against reconstructed markup: whenever the body selector
matches nothing (a sub-site, a changed template) the generic path (Vietnamese chrome rules, then
trafilatura) produces the record instead, and `Article.extraction` says which path ran.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from typing import ClassVar
from urllib.parse import urljoin

from lxml import etree

from crawler.extract import chrome, generic
from crawler.extract.blocks import Block, images, paragraphs, walk
from crawler.extract.dates import parse_date, to_iso
from crawler.extract.page import ClassIndex, HtmlElement, head, parse, region_of, selector_tokens
from crawler.extract.record import Article, ErrorKind, Image, Page
from crawler.extract.text import clean
from crawler.extract.urls import canonical_url, host_of

# Compiled once: a query string given to .xpath() is compiled again on every call.
_CANONICAL = etree.XPath('.//link[@rel="canonical"]/@href | .//meta[@property="og:url"]/@content')


class NotAnArticle(ValueError):
    """The page holds no article: a listing, an error page, or a page that is empty, cut off or
    undecodable. `kind` says which, in the runs' vocabulary."""

    def __init__(self, message: str, kind: ErrorKind = ErrorKind.NOT_AN_ARTICLE) -> None:
        super().__init__(message)
        self.kind = kind


# A page always ends with its closing tags ("...</div></body></html>"); a body cut off by a
# dropped connection or a server that died mid-answer does not, and must not become a version.
_CLOSING_TAG = re.compile(rb"</(?:html|body)\s*>", re.I)


def _has_closing_tag(body: bytes) -> bool:
    # Where it nearly always is: the last bytes; only then the whole body (a page with a long
    # script after </html>).
    return bool(_CLOSING_TAG.search(body, max(0, len(body) - 2048)) or _CLOSING_TAG.search(body))


def check_whole(page: Page) -> None:
    """NotAnArticle unless the page's body is there and complete."""
    if not page.body or page.body.isspace():  # not strip(): it copies the whole page
        raise NotAnArticle("200 with an empty body", ErrorKind.EMPTY_PAGE)
    if not _has_closing_tag(page.body):
        raise NotAnArticle(f"no closing tag in {len(page.body)} bytes", ErrorKind.TRUNCATED)


def check_decoded(article: Article) -> None:
    """NotAnArticle when the record holds U+FFFD: bytes the page's encoding could not decode (a
    windows-1258 page labelled utf-8 with no <meta> to say otherwise reads "Tri\ufffd\ufffdn
    khai"). Archived, it would become a version of the article."""
    if "\ufffd" in article.title or "\ufffd" in article.text:
        raise NotAnArticle(f"replacement characters in {article.title[:60]!r}", ErrorKind.UNDECODABLE)


class ArticlePage:
    """Generic page object: every field has one small method; `to_record()` assembles them.

    Subclasses (portal profiles) set the selectors; `None` means "use the generic rule".
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
    caption_selector: ClassVar[str] = "figcaption, .image_desc, .caption, .PhotoCMS_Caption, .image-caption, .chu-thich"
    # Inside the body container: what the portal puts there that is not the article.
    prune_selectors: ClassVar[tuple[str, ...]] = ()
    # Where the article sits in the page's bytes: (start, end) markers, e.g. from the breadcrumb
    # to the sidebar. A portal page is mostly menus, sidebars and ViewState; when both markers
    # are found, extract() parses <head> and the bytes between them first (see page.region_of).
    # A hint like the selectors: the whole page is parsed whenever the title, date or body
    # selector does not match inside the region.
    region: ClassVar[tuple[bytes, bytes] | None] = None

    def __init__(self, page: Page) -> None:
        self.page = page
        self.tree = parse(page)

    @cached_property
    def _index(self) -> ClassIndex:
        return ClassIndex(self.tree, _selector_tokens(type(self)))  # type: ignore[arg-type]  # classes hash

    def select(self, selector: str | None) -> list[HtmlElement]:
        """A profile selector over the whole page."""
        return self._index.select(self.tree, selector)

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

    # --- fields -----------------------------------------------------------------------

    def url(self) -> str:
        for href in _CANONICAL(head(self.tree)):
            absolute = urljoin(self.page.url, href.strip())
            if host_of(absolute) == host_of(self.page.url):
                return canonical_url(absolute)
        return canonical_url(self.page.url)

    @cached_property
    def names(self) -> tuple[str, ...]:
        """What the site calls itself: a title suffix naming it goes, an author naming it is none."""
        return generic.site_names(self.tree, self.page.url, self.site_names)

    def title(self) -> str:
        return self._title

    @cached_property
    def _title(self) -> str:
        heading = self.select_one(self.title_selector) if self.title_selector else None
        if heading is not None and clean(heading.text_content()):
            return chrome.clean_title(clean(heading.text_content()), self.names)
        return generic.generic_title(self.tree, self.names)

    def published(self) -> str | None:
        line = self.select_one(self.date_selector)
        if line is not None:
            value = parse_date(clean(line.text_content()))
            if value is not None:
                return to_iso(value)
        return to_iso(generic.structured_date(self.tree) or generic.generic_date(self.tree, self.title()))

    def category(self) -> str | None:
        crumbs = [clean(a.text_content()) for a in self.select(self.category_selector)]
        crumbs = [crumb for crumb in crumbs if crumb and not generic.is_home_crumb(crumb)]
        if crumbs:
            return crumbs[-1]
        return generic.generic_category(self.tree)

    def summary(self) -> str | None:
        return self._lead

    @cached_property
    def _lead(self) -> str | None:
        lead = self.select_one(self.lead_selector)
        if lead is None and self.profile_body is None:
            return self.generic_body.lead
        text = clean(lead.text_content()) if lead is not None else ""
        return text or None

    @cached_property
    def generic_body(self) -> generic.GenericBody:
        return generic.generic_body(self.tree, self.page.url, self.caption_selector)

    @cached_property
    def blocks(self) -> list[Block]:
        body = self.profile_body
        if body is not None:
            return list(walk(body, self.caption_selector))
        return self.generic_body.blocks

    @cached_property
    def _split(self) -> tuple[list[str], str | None, str | None]:
        """(paragraphs, author, source): bylines and source lines come off the end of the body."""
        # the heading is the title, not a paragraph (trafilatura keeps Liferay's <h1> in the body)
        title = self.title()
        return chrome.split_byline([p for p in paragraphs(self.blocks) if p != title])

    def text(self) -> str:
        paragraphs = list(self._split[0])
        lead = self.summary()
        if lead and not (paragraphs and clean(paragraphs[0]) == lead):
            paragraphs.insert(0, lead)
        return "\n\n".join(paragraphs)

    def author(self) -> str | None:
        line = self.select_one(self.author_selector)
        if line is not None and clean(line.text_content()):
            return chrome.clean_author(clean(line.text_content()))
        return self._split[1] or generic.page_author(self.tree, self.names)

    def source(self) -> str | None:
        return self._split[2]

    def images(self) -> tuple[Image, ...]:
        return tuple(images(self.blocks, self.page.url))

    def check(self, title: str, text: str) -> None:
        if not title:
            raise NotAnArticle("no title found")
        if len(text) < 80:
            raise NotAnArticle("no article text found")
        if self.profile_body is None and generic.looks_like_listing(self.tree, self._split[0]):
            raise NotAnArticle("page is a list of articles, not an article")

    def to_record(self) -> Article:
        title, text = self.title(), self.text()
        self.check(title, text)
        return Article(
            url=self.url(),
            site=self.site or host_of(self.page.url),
            title=title,
            text=text,
            published=self.published(),
            author=self.author(),
            category=self.category(),
            summary=self.summary(),
            source=self.source(),
            images=self.images(),
            extraction=self.extraction,
        )


@cache
def _selector_tokens(page_class: type[ArticlePage]) -> frozenset[str]:
    """The class tokens of the page class's field selectors: indexed together, in one pass."""
    selectors = (
        page_class.title_selector, page_class.date_selector, page_class.category_selector,
        page_class.lead_selector, page_class.body_selector, page_class.author_selector,
    )
    return frozenset().union(*(selector_tokens(selector) for selector in selectors))


def extract(page: Page, page_class: type[ArticlePage] = ArticlePage) -> Article:
    """The one entry point: raw page in, Article out (or NotAnArticle, saying why not)."""
    check_whole(page)
    try:
        region = region_of(page, page_class.region) if page_class.region else None
        article = None
        if region is not None:
            part = page_class(region)
            if part.holds_article():
                article = part.to_record()
        if article is None:
            article = page_class(page).to_record()
    except (etree.ParserError, ValueError) as error:
        if isinstance(error, NotAnArticle):
            raise
        raise NotAnArticle(str(error) or "unparseable page") from error
    check_decoded(article)
    return article


__all__ = ["ArticlePage", "NotAnArticle", "extract"]
