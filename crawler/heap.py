"""The cyclic garbage collector during a crawl, in both of its processes (the crawl's, settled by
crawler/fetch/pipeline.py once the run is open, and the archive writer's, crawler/apply/writer.py),
and during a re-extraction (crawler/reextract.py, before its workers are forked, so that they
inherit it).

A page's extraction makes tens of thousands of short-lived objects, freed by reference counting
as soon as the page is done. With Python's default threshold (a young collection every 700
allocations) collections run in the middle of every page and walk what is still alive; a young
generation of 20,000 runs them a few times a page. What exists when the crawl starts (Scrapy,
the replay manifest, the plan of known URLs, the open archive) lives as long as the run, and is
frozen: the full collections stop walking it.
"""

from __future__ import annotations

import gc

YOUNG_GENERATION = 20_000


def settle() -> None:
    """Call once, when the process has set up what it keeps for the whole run."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION, middle, old)
