"""trafilatura's class and id queries asked in Python (crawler/extract/queries.py) select exactly
the elements its XPath queries select, in the same order."""

from __future__ import annotations

import random
import re

import pytest
from lxml import etree, html
from trafilatura import main_extractor
from trafilatura.xpaths import (
    BODY_XPATH,
    DISCARD_IMAGE_ELEMENTS,
    OVERALL_DISCARD_XPATH,
    RAW_TREE_PRUNE_XPATH,
    REMOVE_COMMENTS_AND_LISTS_XPATH,
    TEASER_DISCARD_XPATH,
)

from crawler.extract.queries import PythonQuery, in_python, python_queries

QUERIES = [
    *BODY_XPATH, *OVERALL_DISCARD_XPATH, *TEASER_DISCARD_XPATH, *DISCARD_IMAGE_ELEMENTS, *RAW_TREE_PRUNE_XPATH,
    *REMOVE_COMMENTS_AND_LISTS_XPATH,
]
ANSWERED = [query for query in QUERIES if isinstance(in_python(query), PythonQuery)]


def test_the_costly_queries_are_answered_in_python() -> None:
    # all but "(.//article)[1]" and one contains(): libxml2 answers those at once
    assert len(ANSWERED) == len(QUERIES) - 2


def _page(elements: list[tuple[str, dict[str, str], int]]) -> etree._Element:
    """A page of elements, each under the one `parent` places before it (0: the <body>)."""
    root = html.fromstring("<html><body></body></html>")
    placed = [root.find("body")]
    for tag, attrib, parent in elements:
        placed.append(etree.SubElement(placed[parent], tag, attrib))
    return root


def _same(page: etree._Element) -> None:
    for query in ANSWERED:
        assert in_python(query)(page) == query(page), query.path


@pytest.mark.parametrize(("tag", "attrib"), [
    ("div", {"class": "Commentary"}), ("div", {"class": "comments"}), ("div", {"class": "x commentary"}),
    ("ul", {"id": "comments"}), ("ol", {"class": "comment-list"}), ("ol", {"id": "Commentary"}),
    ("div", {"id": "comment-1", "class": "post-comments"}), ("div", {"class": "article-body"}),
    ("div", {"class": "article__body"}), ("div", {"class": "articlebody"}), ("div", {"class": "articleXbody"}),
    ("div", {"class": "FullText"}), ("div", {"class": "article x"}), ("div", {"class": "x article "}),
    ("div", {"class": "post"}), ("section", {"itemprop": "articleBody"}), ("div", {"class": "text"}),
    ("div", {"style": "x", "id": "hidden"}), ("div", {"id": "x", "style": "hidden"}),
    ("div", {"style": "hidden", "id": "x"}), ("div", {"class": "reply-x", "id": "y"}),
    ("div", {"id": "y", "class": "reply-x"}), ("div", {"aria-hidden": "true"}), ("p", {"style": "display: none"}),
    ("span", {"class": "x ad-y"}), ("span", {"class": "xad-y"}), ("span", {"id": "cookie", "class": "x"}),
    ("span", {"class": "cookie", "id": "x"}), ("p", {"class": "sharing"}), ("p", {"class": "x sharing"}),
    ("p", {"id": "sidebar-2"}), ("p", {"role": "Navigation"}), ("section", {"class": "main-column"}),
    ("div", {"class": "dfpAd"}), ("div", {"class": "Teaser"}), ("div", {"class": "image-caption"}),
    ("div", {"class": "Main-Content"}), ("div", {"class": "Page-Content"}), ("div", {"id": "content"}),
    ("article", {"class": "mainstory"}), ("main", {}), ("div", {"class": "infinite-scroll"}),
    ("aside", {"id": "mvp-post-add-box"}),
])
def test_a_tested_element_is_selected_alike(tag: str, attrib: dict[str, str]) -> None:
    # each element alone, then with a first sibling that passes the same tests, then nested in one
    _same(_page([("div", {}, 0), (tag, attrib, 0), ("p", {"class": "plain"}, 0)]))
    _same(_page([(tag, attrib, 0), (tag, attrib, 0), ("div", {}, 0)]))
    _same(_page([(tag, attrib, 0), ("h1", {}, 1), (tag, attrib, 1), ("main", {}, 0)]))


def test_the_main_box_and_main_are_given_in_document_order() -> None:
    _same(_page([("main", {}, 0), ("div", {"class": "main"}, 1)]))
    _same(_page([("div", {"class": "main"}, 0), ("main", {}, 1)]))
    _same(_page([("div", {"id": "x"}, 0), ("main", {}, 0), ("div", {"id": "main"}, 1)]))


def test_random_pages_select_alike() -> None:
    words = sorted({chunk for query in QUERIES for chunk in _chunks(query.path)} | {"main", "content", "x", ""})
    pick = random.Random(18)
    tags = ["div", "section", "article", "main", "p", "span", "aside", "ul", "ol", "header", "a", "list", "item"]
    names = ["id", "class", "style", "role", "itemprop", "data-component", "aria-hidden"]
    for _ in range(60):
        elements = []
        for index in range(40):
            attrib = {name: pick.choice(["", " ", "-", "_"]).join(pick.sample(words, pick.randint(1, 2)))
                      for name in pick.sample(names, pick.randint(0, 3))}
            elements.append((pick.choice(tags), attrib, pick.randint(0, index)))
        _same(_page(elements))


def _chunks(path: str) -> set[str]:
    """The words of the query's patterns and literals, as attribute values are made of."""
    found = set()
    for pattern in re.findall(r"'([^']*)'", path):
        found |= {chunk for chunk in re.split(r"[|()?:^\[\]\\]+", pattern) if chunk}
    return found


def test_trafilatura_gets_its_own_queries_back() -> None:
    before = main_extractor.BODY_XPATH
    with python_queries():
        assert main_extractor.BODY_XPATH is not before
        assert isinstance(main_extractor.BODY_XPATH[0], PythonQuery)
    assert main_extractor.BODY_XPATH is before
