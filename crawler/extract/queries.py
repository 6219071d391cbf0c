"""trafilatura's class and id queries asked in Python, with the same answers, on an article's region.

trafilatura's main pass asks some ten XPath queries of the region it reads (its body's containers,
its boilerplate by class and id: `.//*[self::div or ...][re:test(@class, 'shar|social|...')]`).
libxml2 answers each by building node-sets and strings for every test of every element, and lxml
calls back into Python for each `re:test`: 0.1 ms a query on a region of twenty elements, a tenth
of the generic path in all. Asked in Python, with the same regular expressions compiled once, the
same queries read each element's attributes once.

Each query here answers exactly as the trafilatura query whose text it is written for (the same
elements, in document order); a query whose text is not one of these (another trafilatura)
is asked as it is. `python_queries()` gives trafilatura's main pass these for the length of one
call, and its own back after: plain trafilatura, run in the same process, is untouched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

from lxml import etree

from crawler.extract.page import HtmlElement as Element


def _first(el: Element, *names: str) -> str:
    """What an XPath union of attributes reads as a string (`@id|@class`): the value of the first
    of them in document order (the element's attribute order), "" when it has none."""
    if len(names) == 1:
        return el.get(names[0]) or ""
    for name, value in el.attrib.items():
        if name in names:
            return value
    return ""


def _test(pattern: str) -> Callable[[str], bool]:
    """lxml's re:test(): Python's re.search with the pattern as written."""
    compiled = re.compile(pattern)
    return lambda text: compiled.search(text) is not None


def _descendants(tree: Element, tags: tuple[str, ...] = ()) -> Iterator[Element]:
    """`.//*` (or `.//*[self::a or self::b]`): the elements under the context node, not itself."""
    for el in tree.iterdescendants(*tags) if tags else tree.iterdescendants(etree.Element):
        if isinstance(el.tag, str):
            yield el


def _first_children(elements: Iterator[Element]) -> list[Element]:
    """`.//*[...][1]`: each element that is the first of its siblings to pass the tests."""
    found, parents = [], set()
    for el in elements:
        parent = el.getparent()
        if parent not in parents:
            parents.add(parent)
            found.append(el)
    return found


_CONTAINERS = ("article", "div", "main", "section")
_BLOCKS = ("div", "item", "list", "p", "section", "span")

_BODY_ID = _test("(?:entry|article|art)-content|article__content|article(?:-|__)?body|articleBody|body-text")
_BODY_CLASS = _test(
    "post[-_]text|post-body|post-?entry|post[-_]?content|postContent|post_inner_wrapper|article-?text|articleText"
    "|(?:entry|page|text|article|art)-content|article__content|article(?:-|__)?body|articleBody|ArticleContent"
    "|body-text|article__container"
)


def _body(tree: Element) -> list[Element]:
    return _first_children(
        el for el in _descendants(tree, _CONTAINERS)
        if el.get("class") in ("post", "entry") or el.get("itemprop") == "articleBody"
        or el.get("id") == "articleContent" or _BODY_ID(el.get("id") or "") or _BODY_CLASS(el.get("class") or "")
    )


_STORY_ID = _test("^primary|story-body")
_FULLTEXT = re.compile("fulltext", re.IGNORECASE)
_STORY_CLASS = _test(
    "^article |post-bodycopy|story-?content|(?:theme|blog|section|single)-content|single-post|main-column"
    "|wpb_text_column|story-body|field-body"
)


def _story(tree: Element) -> list[Element]:
    for el in _descendants(tree, _CONTAINERS):
        id_, class_ = el.get("id") or "", el.get("class") or ""
        if (el.get("role") == "article" or id_ in ("article", "story")
                or class_ in ("postarea", "art-postcontent", "text", "cell", "story")
                or _STORY_ID(id_) or _FULLTEXT.search(class_) is not None or _STORY_CLASS(class_)):
            return [el]
    return []


_MAIN_ID = _test("content-main|content-body|contentBody")
_MAIN_CLASS = _test("content[-_]main|content(?:-|__)body")


def _main_content(tree: Element) -> list[Element]:
    for el in _descendants(tree, _CONTAINERS):
        id_, class_ = el.get("id") or "", el.get("class") or ""
        if (el.get("id") == "content" or el.get("class") == "content" or _MAIN_ID(id_) or _MAIN_CLASS(class_)
                or "main-content" in id_.replace("C", "c").replace("M", "m")
                or "main-content" in class_.replace("C", "c").replace("M", "m")
                or "page-content" in class_.replace("C", "c").replace("P", "p")):
            return [el]
    return []


def _main(tree: Element) -> list[Element]:
    first = next((
        el for el in _descendants(tree, ("article", "div", "section"))
        if (el.get("class") or "").startswith("main") or (el.get("id") or "").startswith("main")
        or (el.get("role") or "").startswith("main")
    ), None)
    main = next(_descendants(tree, ("main",)), None)
    if first is None or main is None or first is main:
        return [el for el in (first, main) if el is not None][:1]
    for el in tree.iter():  # the union in document order
        if el is first:
            return [first, main]
        if el is main:
            return [main, first]
    return [first, main]


_COOKIE = _test("cookie")
_DISCARD_ID = _test(
    "^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author"
    "|^(?:jp-|dpsp-content)|bmdh|footer|Footer|share|Share|nav|Nav|menu|related|message-container|premium|^ad-"
)
_DISCARD_CLASS = _test(
    "^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author"
    "|^(?:nav|post-nav|ZendeskForm)|subnav|avigation|navbar|navbox|menu|bar| ad |-ad-|(?:^| )ad-|dfp[Aa]d"
    "|outbrain|taboola|criteo|paid-?content|widget|footer|Footer|byline|Byline|share-|sociable|embedded|embed"
    "|tag-list|consent|modal-content|permission|elated|next-|-stories|most-popular|more-on|meta|rating|attachment"
    "|timestamp|user-info|user-profile|-icon|article-infos|message-container|slide|viewport|overlay|options|expand"
    "|obfuscated|blurred|mol-factbox|yin|zlylin|nfoline"
)


def _overall(tree: Element) -> list[Element]:
    return [
        el for el in _descendants(tree, _BLOCKS)
        if el.get("data-lp-replacement-content") is not None
        or "nav" in (el.get("role") or "").replace("N", "n")
        or "MostPopularStories" in (el.get("data-component") or "")
        or _COOKIE(_first(el, "id", "class")) or _DISCARD_ID(el.get("id") or "")
        or _DISCARD_CLASS(el.get("class") or "")
    ]


_HIDDEN = _test("hidden")
_HIDDEN_ID = _test("reader-comments|akismet")
_HIDDEN_CLASS = _test(
    "^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print| hidden| hide"
    "|noprint|notloaded"
)


def _hidden(tree: Element) -> list[Element]:
    found = []
    for el in _descendants(tree):
        style = el.get("style") or ""
        if (el.get("class") == "comments-title" or _first(el, "id", "class").startswith("reply-")
                or _HIDDEN(_first(el, "id", "style")) or "display:none" in style or "display: none" in style
                or _HIDDEN_ID(el.get("id") or "") or _HIDDEN_CLASS(el.get("class") or "")
                or el.get("aria-hidden") == "true"):
            found.append(el)
    return found


def _teaser(tree: Element) -> list[Element]:
    return [
        el for el in _descendants(tree, _BLOCKS)
        if "teaser" in (el.get("id") or "").replace("T", "t") or "teaser" in (el.get("class") or "").replace("T", "t")
    ]


def _caption(tree: Element) -> list[Element]:
    return [
        el for el in _descendants(tree, _BLOCKS)
        if "caption" in (el.get("id") or "") or "caption" in (el.get("class") or "")
    ]


_ADS = _test("mvp-post-add-(?:box|wrap)|infinite-?scroll")
_AD_BOX = _test("mvp-post-add-(?:box|wrap)")


def _ads(tree: Element) -> list[Element]:
    return [
        el for el in _descendants(tree, ("div", "section", "aside"))
        if (_ADS(el.get("id") or "") or _ADS(el.get("class") or ""))
        and (el.find(".//h1") is None or _AD_BOX(el.get("id") or "") or _AD_BOX(el.get("class") or ""))
    ]


_COMMENTS_ID = _test("^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)")
_COMMENTS_CLASS = _test("^[Cc]omment(?!ary)|(?:article|post)-comments")
_COMMENT_LIST_ID = _test("^(?:[Cc]omment(?!ary)|comol)")


def _comments(tree: Element) -> list[Element]:
    found = []
    for el in _descendants(tree, ("div", "list", "section", "details", "ol", "ul")):
        id_, class_ = el.get("id") or "", el.get("class") or ""
        if (_COMMENTS_ID(id_) or _COMMENTS_CLASS(class_)) and (
            el.tag not in ("ol", "ul") or _COMMENT_LIST_ID(id_) or _COMMENTS_CLASS(class_)
        ):
            found.append(el)
    return found


class PythonQuery:
    """A callable standing for one of trafilatura's compiled queries."""

    def __init__(self, query: etree.XPath, answer: Callable[[Element], list[Element]]) -> None:
        self.path = query.path
        self.answer = answer

    def __call__(self, tree: Element) -> list[Element]:
        return self.answer(tree)


@cache
def _answers() -> dict[str, Callable[[Element], list[Element]]]:
    """Each answer by the text of the query it was written for, trafilatura 2.3.1's (pinned in
    pyproject.toml; tests/test_extract_queries.py checks them on random and fixture pages). Another
    version's queries are asked as they are."""
    import trafilatura
    from trafilatura.xpaths import (
        BODY_XPATH,
        DISCARD_IMAGE_ELEMENTS,
        OVERALL_DISCARD_XPATH,
        RAW_TREE_PRUNE_XPATH,
        REMOVE_COMMENTS_AND_LISTS_XPATH,
        TEASER_DISCARD_XPATH,
    )

    if trafilatura.__version__ != "2.3.1":
        return {}
    pairs = [
        (BODY_XPATH[0], _body), (BODY_XPATH[2], _story), (BODY_XPATH[3], _main_content), (BODY_XPATH[4], _main),
        (OVERALL_DISCARD_XPATH[0], _overall), (OVERALL_DISCARD_XPATH[1], _hidden), (TEASER_DISCARD_XPATH[0], _teaser),
        (DISCARD_IMAGE_ELEMENTS[0], _caption), (RAW_TREE_PRUNE_XPATH[0], _ads),
        (REMOVE_COMMENTS_AND_LISTS_XPATH[0], _comments),
    ]
    return {query.path: answer for query, answer in pairs}


def in_python(query: etree.XPath) -> etree.XPath | PythonQuery:
    """The query asked in Python when it is one written here, else the query itself."""
    answer = _answers().get(query.path)
    return PythonQuery(query, answer) if answer is not None else query


@cache
def in_python_list(queries: tuple[etree.XPath, ...]) -> list[etree.XPath | PythonQuery]:
    return [in_python(query) for query in queries]


# trafilatura's main pass reads these module names when it runs (trafilatura.main_extractor: its
# body's containers, its pruning).
_MAIN_PASS = ("BODY_XPATH", "OVERALL_DISCARD_XPATH", "TEASER_DISCARD_XPATH", "DISCARD_IMAGE_ELEMENTS")


@contextmanager
def python_queries() -> Iterator[None]:
    """trafilatura's main pass with its queries asked in Python (`in_python`), for the block."""
    from trafilatura import main_extractor

    own = {name: getattr(main_extractor, name) for name in _MAIN_PASS}
    try:
        for name, queries in own.items():
            setattr(main_extractor, name, in_python_list(tuple(queries)))
        yield
    finally:
        for name, queries in own.items():
            setattr(main_extractor, name, queries)
