"""layout.common_ancestor: the deepest element holding all of the given ones, as the level-by-level
comparison of their lines of ancestors gives it."""

from __future__ import annotations

import random

from lxml import etree

from crawler.extract.layout import common_ancestor
from crawler.extract.page import new_element


def _by_levels(elements: list[etree._Element]) -> etree._Element | None:
    chains = [[*reversed(list(el.iterancestors())), el] for el in elements]
    if not chains:
        return None
    common = None
    for level in zip(*chains, strict=False):
        if all(el is level[0] for el in level):
            common = level[0]
        else:
            break
    return common


def _tree(pick: random.Random, size: int) -> list[etree._Element]:
    root = new_element("html")
    placed = [root]
    for _ in range(size):
        placed.append(etree.SubElement(pick.choice(placed), pick.choice(["div", "p", "span"])))
    return placed


def test_the_deepest_element_holding_all_is_found_as_level_by_level() -> None:
    pick = random.Random(18)
    for _ in range(400):
        placed = _tree(pick, pick.randint(1, 60))
        chosen = pick.sample(placed, pick.randint(1, min(8, len(placed))))
        if pick.random() < 0.3:  # one of them holding the others, or given twice
            chosen.append(pick.choice([*chosen, placed[0]]))
        assert common_ancestor(iter(chosen)) is _by_levels(chosen)


def test_none_for_nothing_and_for_elements_of_two_documents() -> None:
    pick = random.Random(1)
    one, other = _tree(pick, 5), _tree(pick, 5)
    assert common_ancestor([]) is None
    assert common_ancestor([one[3], other[2]]) is None is _by_levels([one[3], other[2]])
    assert common_ancestor([one[4]]) is one[4]
