"""The spider of a portal without a profile: it learns the portal's URL shapes from its own pages.

It starts from the home page, the portal's sitemaps and feeds when it offers them (robots.txt's
`Sitemap:` lines, /sitemap.xml, the <link rel="alternate"> feeds of its home page, the paths its
CMS serves them at: crawler/fetch/feeds.py) and the feeds an earlier run found. Every link is taken
for what its URL shape has turned out to be on this portal (crawler/sites/shapes.py: an article,
a listing, or not worth fetching), and each page fetched says what it is:

- a page linked as an article (its URL has an id, a date, Liferay's /content/...) that extraction
  turns into an article with a title, a text and a publication date is an article: archived, its
  links not followed (the listings are the portal's index);
- a page with pagination, or with several article links the home page does not show, is a listing:
  its links are followed, its next page while it lists an article this run has not seen;
- any other page (contact, documents, a gallery, a tag page) is remembered as a page: its links are
  followed this once, and it is not fetched again by the next runs; its shape, seen often enough
  with nothing else, is not fetched at all.

A URL shape no form-based guess knows (SharePoint's /Pages/<title>.aspx, "?ItemID=",
"index.php?mod=news&act=detail&id=") is learned by trying (Trial): when a page shows many links of
one shape in its own content (not the links the home page shows too, menus and sidebars repeated on
every page), a few of them are fetched as articles, the rest held back; the shape is one of articles
once two of its pages yield articles (their articles are archived then, the held links asked for as
articles), and is dropped when they do not (the held links are read as listings).

The incremental rules are the profiled portals' (crawler/fetch/spider.py): known articles again
only when due, conditionally; the archive keeps what each URL was and the shapes' counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import HtmlResponse, Response
from twisted.python.failure import Failure

from crawler.apply.items import (
    CrawlError,
    FetchedArticle,
    ListingRead,
    NotModified,
    SiteLearned,
    TemplateLearned,
)
from crawler.extract import NotAnArticle
from crawler.extract.cms import cms_family
from crawler.extract.dates import parse_iso
from crawler.extract.knowledge import PortalKnowledge
from crawler.extract.record import Article, ErrorKind, Page
from crawler.extract.urls import canonical_url
from crawler.fetch.feeds import (
    FeedRead,
    alternate_feeds,
    feed_paths,
    names_feed,
    publication_times,
    read_feed,
    wanted_feed,
)
from crawler.fetch.links import links_of, links_under, parse_page, scripted_links
from crawler.fetch.middlewares import WARC_RECORD_META
from crawler.fetch.spider import PortalSpider, headers_of, page_from, requested_url, validators
from crawler.sites.shapes import TITLE_WORDS, Counts, ShapeBook, is_item_form, page_of, shape_of
from crawler.sites.templates import TemplateWatch

# A page is a listing when it links at least this many articles that the home page does not show
# (every page's sidebar repeats the home page's newest articles: a contact page has ten of them).
LISTING_MIN_ARTICLES = 2
# A shape is tried when a page's own content links this many of its pages, TRIAL_BATCH of them at
# a time, at most TRIAL_MOST in all.
TRIAL_AT = 3
TRIAL_BATCH = 3
TRIAL_MOST = 9


@dataclass
class Trial:
    """The pages of one URL shape fetched as articles to learn whether the shape is one of articles.

    `held`: what the tried pages yielded, kept until the shape is decided (an article of a shape
    dropped is not archived); `waiting`: the shape's other links, asked for once it is decided."""

    shape: str
    waiting: list[str] = field(default_factory=list)
    tried: set[str] = field(default_factory=set)
    in_flight: set[str] = field(default_factory=set)
    outcomes: Counter[str] = field(default_factory=Counter)  # article, listing, page, error
    held: list[tuple[FetchedArticle, Response]] = field(default_factory=list)
    verdict: str | None = None  # "article" or "dropped"

    def add(self, url: str) -> None:
        if url not in self.tried and url not in self.waiting:
            self.waiting.append(url)

    def next_batch(self) -> list[str]:
        room = min(TRIAL_BATCH, TRIAL_MOST - len(self.tried))
        batch, self.waiting = self.waiting[:max(0, room)], self.waiting[max(0, room):]
        self.tried.update(batch)
        self.in_flight.update(batch)
        return batch

    def decide(self, book: ShapeBook) -> str | None:
        """"article", "dropped", or None (try more) once every tried page is back. What the shape's
        other pages were counts too: links of one shape taken for articles by their form
        ("...-2021-2025.aspx") and for listings ("...-21-nq-tw.aspx") are one shape of the portal's."""
        if self.in_flight:
            return None
        seen = book.counts.get(self.shape, [0, 0, 0])
        articles = self.outcomes["article"] + seen[0]  # the held ones are not counted in the book yet
        others = seen[1] + seen[2]
        if articles >= ShapeBook.ARTICLES_TO_DECIDE and articles >= others and articles >= 4 * seen[2]:
            return "article"
        if self.waiting and len(self.tried) < TRIAL_MOST and (articles or others < TRIAL_BATCH):
            return None
        # A shape of few links, all tried: one article among them is not enough when another of its
        # pages was none or failed (SharePoint's menu "/Pages/GioiThieu.aspx", an "about" page with a
        # date and a by-line, beside "/Pages/SoDoSite.aspx" answering 404 and the home page's
        # "/Pages/default.aspx").
        alone = articles == len(self.tried)
        return "article" if articles > others and (articles >= ShapeBook.ARTICLES_TO_DECIDE or alone) else "dropped"


class DiscoveringSpider(PortalSpider):
    """PortalSpider for a profile without URL patterns (SiteProfile.discovers)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.book = ShapeBook()
        self.cms: str | None = None
        self.chrome: set[str] | None = None  # the home page's article links
        self.robots_sitemaps: list[str] = []
        self.robots: Any = None  # the portal's robots.txt, as Scrapy parsed it
        self.listed: dict[str, set[str]] = {}  # a listing's first page -> the articles its pages read so far list
        self.home_links: set[str] | None = None  # every link of the home page: menus, sidebars, its news
        self.trials: dict[str, Trial] = {}
        self.watch = TemplateWatch(self.profile.page_class, self.profile.key)
        self.deferred: list[scrapy.Request] = []  # list items' forms, asked for when nothing else is left

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DiscoveringSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider.ask_deferred, signal=signals.spider_idle)
        return spider

    def ask_deferred(self) -> None:
        """When every other page was read: the list items' forms held back (_read_links)."""
        if not self.deferred:
            return
        for request in self.deferred:
            self.crawler.engine.crawl(request)
        self.deferred = []
        raise DontCloseSpider

    # --- what the archive keeps ------------------------------------------------------------------

    def learn_from(self, counts: dict[str, Counts]) -> None:
        """The URL shapes earlier runs learned (the pipeline reads them when the run opens)."""
        self.book = ShapeBook.from_counts(counts)

    def use_template(self, stored: tuple[int, str] | None) -> None:
        """The newest template earlier runs learned of the portal: (version, its JSON), or None
        (the pipeline reads it when the run opens)."""
        if stored is not None:
            self.watch.start_from(stored[0], PortalKnowledge.from_json(stored[1], version=stored[0]))

    def learned(self) -> SiteLearned:
        """What the run learned of its portal, when it ends: the template among it."""
        return SiteLearned(home=self.profile.home, cms=self.cms, shapes=self.book.learned(), template=self._template())

    def _template(self) -> TemplateLearned | None:
        """The template version the run learned (TemplateWatch.settle()), for the archive."""
        each = self.watch.settle()
        if each is None:
            return None
        self.logger.info("template %s of %s learned from %d pages (%d layouts): %s", each.version,
                         self.profile.key, each.pages, each.layouts, each.reason)
        return TemplateLearned(each.version, each.knowledge.to_json(), each.layouts, each.pages, each.reason)

    # --- requests --------------------------------------------------------------------------------

    def _article(self, url: str, trial: str | None = None) -> scrapy.Request:
        request = self._page(url, "article", priority=1)
        if trial is not None:
            request.meta["trial"] = trial
        return request

    def _listing(self, url: str) -> scrapy.Request:
        return self._page(url, "listing", priority=0)

    def _page(self, url: str, page_type: str, priority: int) -> scrapy.Request:
        headers = self.plan.validators.get(url) if page_type == "article" and url in self.plan.known else None
        # The spider asks for each URL once a run itself (self.queued); Scrapy's duplicate filter
        # would only drop a redirect to a page already fetched, and with it the record of the URL
        # that redirected (an article linked under its second category answers 301 to its first:
        # the next run would find that URL never fetched and ask again).
        return scrapy.Request(
            url, callback=self.parse_page, errback=self.on_error, headers=headers, priority=priority,
            meta={"page_type": page_type, "tinbai_url": url, "handle_httpstatus_list": [304]}, dont_filter=True,
        )

    def _asks_for_feed(self, url: str) -> bool:
        """Not where an earlier run found none (--full asks again) or whose address says it lists no
        news (comments, accounts, tags). One feed under two spellings is asked for once (the base's
        canonical key): SharePoint's <link rel="alternate"> writes "web=%2Fxay%2Ddung%2Ddang" where
        its RSS button has "web=%2Fxay-dung-dang"."""
        if not wanted_feed(url):
            return False
        return self.full or url not in self.plan.known or self.plan.kinds.get(url) == "feed"

    def robots_parsed(self, robotparser: Any, request: scrapy.Request) -> None:
        """robots.txt was read (Scrapy's robots_parsed signal): its `Sitemap:` lines are feeds, asked
        for once the home page has said which CMS the portal runs (what its URLs mean)."""
        if self.profile.owns(request.url):
            self.robots = robotparser
            self.robots_sitemaps.extend(getattr(robotparser, "sitemaps", ()))

    # --- pages -----------------------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[Any]:
        url = requested_url(response)
        page_type = response.meta.get("page_type", "listing")
        if response.status == 304:
            yield NotModified(url, headers_of(response), page_type=page_type)
            return
        if not isinstance(response, HtmlResponse):
            if read_feed(response.body, response.url).kind != "unknown":
                # A link that answers with a feed is one, whatever its address: Liferay 7's RSS
                # button is "/web/guest/xay-dung-dang?p_p_id=...&p_p_resource_id=getRSS".
                self.feeds_asked.add(canonical_url(url))
                yield from self.parse_feed(response)
                return
            # A link that led to a file: nothing to archive, nothing to fetch again.
            yield ListingRead(url, response.status, [], kind="page")
            return
        page = page_from(response)
        # Where a redirect ended is read too: a link to it is not asked for again this run.
        self.queued.add(canonical_url(response.url))
        if self.cms is None:
            self.cms = self.book.cms = cms_family(page)
        starting = url in self.start_urls
        # Only a link taken for an article is extracted: a page reached as a listing is read for its
        # links whatever it holds (an "about" page with schema.org/Article and a date is not news).
        trial = self.trials.get(response.meta.get("trial", ""))
        upgraded = page_type == "listing" and not starting and self.book.kind(url) == "article"
        if upgraded:
            # Linked before the portal's pages showed what its URLs are (the home page's links are
            # sorted before any article is read), now of a form its articles have: read as one.
            page_type = "article"
        if page_type == "article" and (trial is not None or upgraded) and self._lists_its_own(page):
            page_type = "listing"
        if page_type == "article" and (trial is not None or not self.book.is_listing_shape(url)):
            outcome = self._article_of(page, url)
            if isinstance(outcome, Article):
                item = FetchedArticle(page=page, article=outcome, url=url,
                                      warc_record_id=response.meta.get(WARC_RECORD_META))
                if trial is not None and trial.verdict is None:
                    trial.held.append((item, response))
                    yield from self._settle(trial, url, "article")
                    return
                self.book.learn(url, "article")
                yield item
                yield from self._learned_article(url)
                return
            if outcome is not None:
                yield outcome
                if trial is not None:
                    yield from self._settle(trial, url, "error")
                return
        if page_type == "listing" and not starting and trial is None:
            held = self._laid_out_as_articles(page, url)
            if held is not None:
                self.book.learn(url, "article")
                yield FetchedArticle(page=page, article=held, url=url,
                                     warc_record_id=response.meta.get(WARC_RECORD_META))
                yield from self._learned_article(url)
                return
        read = yield from self._read_links(response, page, url, starting)
        if trial is not None:
            yield from self._settle(trial, url, read)

    def _lists_its_own(self, page: Page) -> bool:
        """Does the page link LISTING_MIN_ARTICLES articles under its own path? A category's page is
        the folder of its articles ("/news/thoi-su/" lists "/news/thoi-su/ban-chap-hanh-...-4291.html"),
        and is a listing whatever else it shows: NukeViet's viewcat pages open with their newest
        article's title, date and lead, which read as an article. No article is the folder of others."""
        tree = parse_page(page)
        if tree is None:
            return False
        under = [target for target in links_under(page, tree) if self.book.kind(target) == "article"]
        return len(under) >= LISTING_MIN_ARTICLES

    def _laid_out_as_articles(self, page: Page, url: str) -> Article | None:
        """The article of a page linked under an address that says nothing (taken for a listing by
        its form, its shape decided by no page), when its own markup does: the template learned from
        the portal's articles holds it, and it is dated and the folder of no articles. A SharePoint
        page named in run-together words ("/tin-tuc/Pages/HoiNghiTinhUy25.aspx") is a shape of its
        own, one page, too few for a trial. Its title is as long as a headline (shapes.TITLE_WORDS): the
        portal's "about" page may be laid out as its articles are, dated and all (sharepoint-gialai's
        "/Pages/Gioi-thieu.aspx", "Giới thiệu"); it and the contact pages are read for their links."""
        if not self.watch.serving or page.url != url or not self.book.undecided(url) or url in self.plan.kinds:
            return None
        article = self.watch.held(page)
        if (article is None or article.published is None or len(article.title.split()) < TITLE_WORDS
                or self._lists_its_own(page)):
            return None
        return self.watch.accepted(page, article)

    def _article_of(self, page: Page, url: str) -> Article | CrawlError | None:
        """The page's article; None when the page is not one; a CrawlError when it could not be
        told (a body cut off, undecodable, an extraction that raised)."""
        if page.url != url and self.book.kind(page.url) != "article":
            return None  # redirected to a listing or a page of another kind: the link was stale
        try:
            article = self.watch.read(page)
        except NotAnArticle as error:
            if error.kind is ErrorKind.NOT_AN_ARTICLE:
                return None
            if error.kind is ErrorKind.SOFT_404 and (url not in self.plan.known or url in self.plan.kinds):
                # A stale link to an article the archive never held ("Tin bài không tồn tại hoặc đã
                # bị gỡ bỏ." with status 200): one of the portal's other pages, nothing taken down.
                return None
            # An error page served in an article's place is kept for audit when the article is archived.
            kept = page if error.kind is ErrorKind.SOFT_404 else None
            return CrawlError(url, error.kind, str(error), status=page.status, headers=page.headers, page=kept)
        except Exception as error:  # noqa: BLE001 - one hostile page must not stop the run
            self.logger.exception("extraction failed on %s", url)
            return CrawlError(url, ErrorKind.EXTRACTION_FAILED, f"{type(error).__name__}: {error}"[:200],
                              status=page.status)
        # A portal's news carries its date; what has none is the portal's other pages (its
        # introduction, a leader's biography, a contact form with a text).
        if article.published is None:
            return None
        return self.watch.accepted(page, article)

    def _read_links(self, response: Response, page: Page, url: str, starting: bool) -> Generator[Any, None, str]:
        """Read a page that is no article for its links; returns what it was ("listing", "page")."""
        tree = parse_page(page)
        articles: list[str] = []
        listings: list[str] = []
        feeds: list[str] = []
        if tree is not None:
            for target, href in links_of(page, tree):
                if target is None:
                    if href not in self.malformed:
                        self.malformed.add(href)
                        yield CrawlError(url, ErrorKind.MALFORMED_LINK, href, page_type="link")
                    continue
                if not self.profile.owns(target) or not self._allowed(target):
                    continue
                # (a link the archive holds an article under is one, whatever its shape says: a page
                # taken for an article by its own markup, _laid_out_as_articles)
                kind = "article" if target in self.plan.archived else self.book.kind(target)
                if kind == "article":
                    articles.append(target)
                elif kind == "listing":
                    listings.append(target)
                elif names_feed(target):
                    feeds.append(target)
            # A pager whose links go by script alone: its later pages are followed like any listing's
            # (the other places scripts go to are pop-ups and modals, not followed).
            for target in scripted_links(page, tree):
                if (page_of(target)[1] > 1 and self.profile.owns(target) and self._allowed(target)
                        and self.book.kind(target) == "listing"):
                    listings.append(target)
        articles, listings = list(dict.fromkeys(articles)), list(dict.fromkeys(listings))
        if self.chrome is None and starting:
            self.chrome = set(articles)
            self.home_links = {*articles, *listings}
        base, number = page_of(url)
        later = sorted((link for link in listings if page_of(link)[0] == base and page_of(link)[1] > number),
                       key=lambda link: page_of(link)[1])
        own = [article for article in articles if article not in (self.chrome or ())]
        listing = (starting or bool(later) or number > 1 or len(own) >= LISTING_MIN_ARTICLES
                   or self.book.is_listing_shape(url))
        if not starting:
            self.book.learn(url, "listing" if listing else "page")
        # Fresh: an article not known when the run started that no earlier page of this listing
        # showed. A new article in every page's sidebar makes page 2 of an old listing worth
        # reading, not page 3. A listing's page read for the first time leads on to the next while it
        # shows an article not known before: its own articles may all be in the first page's
        # sidebars ("Tin đọc nhiều").
        listed = self.listed.setdefault(base, set())
        unknown = [article for article in articles if article not in self.plan.known]
        first_time = url not in self.plan.known
        fresh = any(first_time or article not in listed for article in unknown)
        listed.update(articles)
        queued = [(a, "article") for a in articles if self.full or a not in self.plan.known or self.plan.is_due(a)]
        firsts = [link for link in listings if page_of(link)[1] == 1 and self._worth_listing(link)]
        held = self._hold_for_trials(firsts, articles, starting)
        queued += [(link, "listing") for link in firsts if link not in held]
        if listing and later and (fresh or self.full):
            queued.append((later[0], "listing"))
        queued = [(target, kind) for target, kind in queued if target not in self.queued]
        self.queued.update(target for target, _ in queued)
        # Held links are pending in the crawl state (a run killed now asks for them next time).
        pending = [(link, "listing") for link in held if link not in self.queued]
        self.queued.update(held)
        yield ListingRead(url, response.status, queued + pending, kind="listing" if listing else "page")
        for target, page_type in queued:
            request = self._article(target) if page_type == "article" else self._listing(target)
            if is_item_form(target, self.cms):
                # A list item's form is asked for once every other page was: where the item has a
                # page of its own (a wiki page, a post), that page is met first and the form, read
                # last, is its alias; where it has none, the form is still read (shapes.CMS_ITEM_FORMS).
                self.deferred.append(request)
                continue
            yield request
        for trial in {shape_of(link): self.trials[shape_of(link)] for link in held}.values():
            yield from self._launch(trial)
        if tree is not None:
            # Feeds are announced where their listing is, as often as on the home page: Liferay's
            # asset publisher and SharePoint's list views put <link rel="alternate"> and an RSS icon
            # on the category's own page ("/web/guest/xay-dung-dang/-/asset_publisher/<id>/rss",
            # "/_layouts/15/feed.aspx?...&web=%2Fxay%2Ddung%2Ddang").
            announced = [*alternate_feeds(tree, response.url), *feeds]
            yield from (self._feeds_of(announced) if starting else self._feeds_only(announced))
        return "listing" if listing else "page"

    # --- trials ----------------------------------------------------------------------------------

    def _hold_for_trials(self, links: list[str], articles: list[str], starting: bool) -> set[str]:
        """The links (taken for listings) held back for a trial of their shape: those of a shape
        already on trial, and those of an undecided shape the page's own content shows TRIAL_AT
        times or more, whatever each link was taken for (on pages other than the home page, the
        links the home page shows too are its menus and sidebars)."""
        own = [link for link in links if link not in self.queued and self.book.undecided(link)]
        shown = [*articles, *links]
        counted = shown if starting else [link for link in shown if link not in (self.home_links or ())]
        shapes = Counter(shape_of(link) for link in counted)
        held: set[str] = set()
        for link in own:
            shape = shape_of(link)
            trial = self.trials.get(shape)
            if trial is None and shapes[shape] >= TRIAL_AT:
                trial = self.trials[shape] = Trial(shape)
                self.logger.info("trying the pages of %s as articles", shape)
            if trial is not None and trial.verdict is None:
                trial.add(link)
                held.add(link)
        return held

    def _launch(self, trial: Trial) -> Iterator[scrapy.Request]:
        """The trial's next pages, asked for as articles, when none is on its way."""
        if trial.verdict is None and not trial.in_flight:
            for url in trial.next_batch():
                request = self._article(url, trial=trial.shape)
                if is_item_form(url, self.cms):
                    self.deferred.append(request)  # (tried last, as they are read last: _read_links)
                    continue
                yield request

    def _settle(self, trial: Trial, url: str | None, outcome: str) -> Iterator[Any]:
        """A tried page came back (`outcome`: article, listing, page, error), or another page of the
        shape was learned (`url` None): decide the shape when its pages say, then release what was
        held; else try the next few."""
        if trial.verdict is not None:
            return
        if url is not None:
            if url not in trial.in_flight:
                return
            trial.in_flight.discard(url)
            trial.outcomes[outcome] += 1
        verdict = trial.decide(self.book)
        if verdict is None:
            if url is not None:
                yield from self._launch(trial)
            return
        trial.verdict = verdict
        self.logger.info("%s: %s (%s)", trial.shape, verdict, dict(trial.outcomes))
        if verdict == "article":
            self.book.verdicts[trial.shape] = "article"
            for item, _ in trial.held:
                self.book.learn(item.url, "article")
                yield item
        else:
            for item, response in trial.held:
                # A page of a shape that is not one of articles, whatever it holds: read for its links.
                yield from self._read_links(response, item.page, item.url, starting=False)
        trial.held.clear()
        waiting, trial.waiting = trial.waiting, []
        for link in waiting:
            yield self._article(link) if verdict == "article" else self._listing(link)

    def _learned_article(self, url: str) -> Iterator[Any]:
        """An article of a shape on trial, fetched for its own form: the shape may be decided now."""
        trial = self.trials.get(shape_of(url))
        if trial is not None:
            yield from self._settle(trial, None, "article")

    def on_error(self, failure: Failure) -> Iterator[Any]:
        yield from super().on_error(failure)
        request = failure.request  # type: ignore[attr-defined]
        trial = self.trials.get(request.meta.get("trial", ""))
        if trial is not None:
            yield from self._settle(trial, requested_url(request), "error")

    def _worth_listing(self, url: str) -> bool:
        """A listing link is followed unless an earlier run found the page to be neither a listing
        nor an article (a contact page is not read again every run; --full reads it). A page of a
        listing shape is read again: a category whose few articles were all on the home page."""
        return self.full or self.plan.kinds.get(url) != "page" or self.book.is_listing_shape(url)

    def _feeds_of(self, announced: list[str]) -> Iterator[scrapy.Request]:
        """robots.txt's sitemaps, the home page's own feeds, then the paths where the portal's CMS
        keeps them."""
        origin = self.profile.home.split("/", 3)
        root = "/".join(origin[:3])
        for url in self.robots_sitemaps:
            request = self._feed(url)
            if request is not None:
                yield request
        yield from self._feeds_only([*announced, *(root + path for path in feed_paths(self.cms))])

    def _feeds_only(self, announced: list[str]) -> Iterator[scrapy.Request]:
        """The feeds a page announces or links, those robots.txt allows: a page's own RSS link to
        a path the portal forbids ("/_layouts/15/listfeed.aspx?List=..." under "Disallow:
        /_layouts/") is not asked for at all, where a `Sitemap:` line robots.txt names is."""
        for url in announced:
            if not self._allowed(url):
                continue
            request = self._feed(url)
            if request is not None:
                yield request

    def _allowed(self, url: str) -> bool:
        """robots.txt lets the crawl ask for `url`. A link it forbids is left alone, not asked for and
        refused: DNN's robots.txt has "Disallow: /*/ctl/", and every page of a DNN portal links
        "/tin-tuc/ctl/Terms" and "/tin-tuc/ctl/Privacy" in its footer."""
        return self.robots is None or self.robots.allowed(url, self.settings.get("USER_AGENT", ""))

    # --- feeds and sitemaps ----------------------------------------------------------------------

    def _not_a_feed(self, response: Response) -> Iterator[Any]:
        # Something else answers there (the home page, an error page with status 200), or a page of
        # the portal's feeds: "/rss.aspx" of the *.dcs.vn CMS lists one feed per category
        # ("/rss/xay-dung-dang-12.rss"), each asked for as a feed.
        if isinstance(response, HtmlResponse):
            yield from self._feeds_only(self._feeds_listed(page_from(response)))

    def _feed_read(self, url: str, response: Response, read: FeedRead) -> Iterator[Any]:
        """A feed or sitemap read: its items queued as this portal's articles and listings, its
        sitemaps asked for when they changed."""
        queued: list[tuple[str, str]] = []
        feeds: list[str] = []
        # When each item was published, kept by the archive: a page that shows only how long ago
        # is dated by it (archive/feeddates.py).
        dates = publication_times(read, self.profile.owns)
        for entry in read.sitemaps:
            if self._sitemap_changed(entry.url, entry.lastmod):
                feeds.append(entry.url)
        for entry in read.pages:
            target = entry.url
            if not self.profile.owns(target) or not self._allowed(target):
                continue
            kind = self.book.kind(target)
            if kind == "skip":
                continue
            if read.kind == "feed":
                kind = "article"  # a news feed's items are its articles
            if kind == "listing" and page_of(target)[1] > 1:
                continue  # a listing's later pages are read from its first
            # A known listing is read from the home page's links; a known article when it is due.
            due = kind == "article" and self.plan.is_due(target)
            if self.full or target not in self.plan.known or due:
                queued.append((target, kind))
        queued = [(target, kind) for target, kind in dict.fromkeys(queued) if target not in self.queued]
        self.queued.update(target for target, _ in queued)
        yield ListingRead(url, response.status, queued, kind="feed", headers=validators(response), dates=dates)
        for target, page_type in queued:
            yield self._article(target) if page_type == "article" else self._listing(target)
        for feed in feeds:
            request = self._feed(feed)
            if request is not None:
                yield request

    def _feeds_listed(self, page: Page) -> list[str]:
        """The feeds a page of the portal's feeds links or announces."""
        tree = parse_page(page)
        if tree is None:
            return []
        linked = [target for target, _ in links_of(page, tree)
                  if target is not None and self.profile.owns(target) and names_feed(target)]
        return [*alternate_feeds(tree, page.url), *linked]

    def _sitemap_changed(self, url: str, lastmod: str | None) -> bool:
        """A sitemap of an index is read unless it says it has not changed since the last run read it."""
        fetched = self.plan.fetched.get(url)
        if self.full or lastmod is None or fetched is None:
            return True
        changed, read = parse_iso(lastmod), parse_iso(fetched)
        if not isinstance(read, datetime) or changed is None:
            return True
        if not isinstance(changed, datetime):
            return changed >= read.date()  # a day only: changed that day may be after the read
        return changed > read
