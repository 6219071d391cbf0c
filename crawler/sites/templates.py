"""A portal's learned template during a crawl: when to learn it, whether it still holds, when to
learn it again.

Data flow: the discovering spider (crawler/fetch/discover.py) reads each article page of a portal
without a profile through TemplateWatch.read() (extract() with what is known of the portal) and
tells it the pages it took for articles (accepted()). After LEARN_AFTER of them, read the generic
way, the watch learns the portal's template (crawler/extract/template.py) and reads the next pages
through it; a page it does not hold is read the generic way, and so is one page in CHECK_EVERY it
does hold, to compare. When RELEARN_MISSES of the last WINDOW pages it was tried on missed (not
held, or a record other than the generic path's: a changed layout), it is learned again from the
latest pages. What a run learned is one version, settled when the run ends (settle()): learned from
the run's sample, its article pages of the KEEP lowest content hashes, so that a crawl of the same
pages keeps the same template whichever pages reached it first; the spider hands it to the archive
(archive/templates.py), which gives the next run the newest. Pure: no Scrapy, no archive.
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass, replace

from crawler.extract import extract
from crawler.extract.article import ArticlePage
from crawler.extract.knowledge import NOTHING_KNOWN, PortalKnowledge
from crawler.extract.record import Article, NotAnArticle, Page
from crawler.extract.template import learn_template, read_with_template

# Learned after this many article pages, and again after this many more when a try found no layout,
# twice as many after each such try: a portal whose pages no layout reads (liferay-tiengiang: 38
# articles under their many addresses) was learned again every five pages, each try seconds of work.
LEARN_AFTER = 5
FRUITLESS_MOST = 4  # (at most 80 pages apart)
# Learned again when the template missed this many of the last WINDOW pages it was tried on.
RELEARN_MISSES = 3
WINDOW = 10
# The first page the template reads, then one in this many, is read the generic way too, to compare.
CHECK_EVERY = 10
# The latest pages kept to learn from: those the generic path read, and those the template read.
KEEP_GENERIC = 8
KEEP_TEMPLATE = 4
# The run's sample, learned from when the run ends: its article pages of the KEEP lowest content
# hashes, a set that depends on the pages alone. sharepoint-bentre's second version, learned when
# three of its list forms had missed, was learned from the 8, 9 or 12 pages that had arrived by then
# (whichever the crawl's timing brought first), and placed the list form's source row only when one
# of them showed it.
KEEP = KEEP_GENERIC + KEEP_TEMPLATE


@dataclass(frozen=True)
class Learned:
    """A version of the portal's template, learned this run, for the archive."""

    version: int
    knowledge: PortalKnowledge
    pages: int
    reason: str

    @property
    def layouts(self) -> int:
        return len(self.knowledge.template.layouts) if self.knowledge.template is not None else 0


class TemplateWatch:
    """One portal's learned template over a crawl (`page_class`: its profile's page class, with no
    selectors)."""

    def __init__(self, page_class: type[ArticlePage], site: str) -> None:
        self.page_class = page_class
        self.site = site
        self.knowledge: PortalKnowledge = NOTHING_KNOWN
        self.version = 0  # the version the run started from
        self.started_from: PortalKnowledge = NOTHING_KNOWN
        self.sample: dict[str, Page] = {}  # the run's sample: content hash -> page, the KEEP lowest
        self.last_try: tuple[frozenset[str], PortalKnowledge] | None = None  # its pages, what it learned
        self.generic_pages: deque[Page] = deque(maxlen=KEEP_GENERIC)
        self.template_pages: deque[Page] = deque(maxlen=KEEP_TEMPLATE)
        self.recent: deque[bool] = deque(maxlen=WINDOW)  # each page tried: did the template hold it?
        self.reads = 0  # pages the template read
        self.since_try = 0  # pages the generic path read since the template was last learned
        self.fruitless = 0  # tries in a row that found no layout
        self.changed = False  # the run learned a template other than the one it started from

    def start_from(self, version: int, knowledge: PortalKnowledge) -> None:
        """What an earlier run learned: version `version` of the portal's template."""
        self.version, self.knowledge, self.started_from = version, knowledge, knowledge

    @property
    def serving(self) -> bool:
        template = self.knowledge.template
        return template is not None and bool(template.layouts)

    def read(self, page: Page) -> Article:
        """The page's record (NotAnArticle when it holds none), through the template when it holds
        the page."""
        return extract(page, self.page_class, self.knowledge)

    def held(self, page: Page) -> Article | None:
        """The page's record when the template learned from the portal's articles holds it (its
        heading, date line and body where theirs are), else None; None while no template serves."""
        if not self.serving or read_with_template(
            page, self.knowledge, site_names=self.page_class.site_names,
            caption_selector=self.page_class.caption_selector,
        ) is None:
            return None
        try:
            article = self.read(page)
        except NotAnArticle:
            return None
        return article if article.extraction.startswith("template:") else None

    def accepted(self, page: Page, article: Article) -> Article:
        """The crawl took the page for an article, read as `article`: the record to archive (the
        generic path's when a check finds the template reading it otherwise). May learn."""
        if article.extraction.startswith("template:"):
            self.reads += 1
            held = True
            if self.reads % CHECK_EVERY == 1:
                try:
                    generic: Article | None = extract(page, self.page_class, self.knowledge.with_template(None))
                except NotAnArticle:
                    # The generic path reads no article where the template reads one (its body
                    # search finds no block of text long enough): they disagree, a miss; the page
                    # is a dated article with a title and a text, and is archived as the template
                    # read it.
                    generic = None
                if generic is None:
                    held = False
                elif replace(generic, extraction=article.extraction) != article:
                    held, article = False, generic
            self.recent.append(held)
            (self.template_pages if held else self.generic_pages).append(page)
            if not held:
                self.since_try += 1
        else:
            if self.serving:
                self.recent.append(False)
            self.generic_pages.append(page)
            self.since_try += 1
        self._keep(page)
        self._learn_when_due()
        return article

    def _keep(self, page: Page) -> None:
        """The page joins the run's sample when its content hash is among the KEEP lowest (a page
        read under two addresses, sharepoint-bentre's "/tin-tuc/pages/" and "/tin-tuc/Pages/", once)."""
        self.sample[_key(page)] = page
        if len(self.sample) > KEEP:
            del self.sample[max(self.sample)]

    def _learn_when_due(self) -> None:
        if self.serving:
            if self.recent.count(False) >= RELEARN_MISSES:
                self._learn()
        elif self.since_try >= LEARN_AFTER << min(self.fruitless, FRUITLESS_MOST):
            self._learn()

    def _learn(self) -> None:
        """Learned from the latest pages, to read the run's next pages: numbered as the version the
        run will keep (the records it reads name it), kept when the run ends only if the run's sample
        teaches the same (settle())."""
        knowledge = self._learned_from([*self.template_pages, *self.generic_pages])
        self.since_try = 0
        self.recent.clear()
        self.fruitless = 0 if _serves(knowledge) else self.fruitless + 1
        if _same(knowledge, self.knowledge):
            return
        self.knowledge = knowledge
        self.changed = not _same(knowledge, self.started_from)

    def _learned_from(self, pages: list[Page], *, again: bool = True) -> PortalKnowledge:
        """What the pages teach, whatever order they came in: each page once, by content hash (not
        learned `again` from the pages of the latest try)."""
        by_key = {_key(page): page for page in pages}
        keys = frozenset(by_key)
        if not again and self.last_try is not None and self.last_try[0] == keys:
            return self.last_try[1]
        names = replace(self.started_from, title_suffixes=(), chrome_lines=frozenset(), template=None)
        knowledge = learn_template(
            [by_key[key] for key in sorted(by_key)], site=self.site, version=self.version + 1, knowledge=names,
            site_names=self.page_class.site_names, caption_selector=self.page_class.caption_selector,
        )
        self.last_try = (keys, knowledge)
        return knowledge

    def settle(self) -> Learned | None:
        """The version the run learned, for the archive, when it learned one: learned from the run's
        sample (a function of the pages the run read, not of the order they came in); when that
        finds no layout, the one the run read with (never a template that reads less)."""
        if not self.changed:
            return None
        knowledge = self._learned_from(list(self.sample.values()), again=False)
        if not _serves(knowledge) and self.serving:
            knowledge = self.knowledge
        if _same(knowledge, self.started_from):
            return None
        reason = "first" if self.version == 0 else "stopped matching" if _serves(self.started_from) else "learned again"
        return Learned(self.version + 1, knowledge, len(self.sample), reason)


def _key(page: Page) -> str:
    return hashlib.sha1(page.body).hexdigest()


def _serves(knowledge: PortalKnowledge) -> bool:
    return knowledge.template is not None and bool(knowledge.template.layouts)


def _same(new: PortalKnowledge, old: PortalKnowledge) -> bool:
    """The same lines, suffixes and layouts (versions aside)."""
    new_layouts = new.template.layouts if new.template is not None else ()
    old_layouts = old.template.layouts if old.template is not None else ()
    return (new.chrome_lines, new.title_suffixes, new_layouts) == (old.chrome_lines, old.title_suffixes, old_layouts)
