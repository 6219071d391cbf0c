"""The crawl's two processes settle their heap once set up (crawler/heap.py)."""

from __future__ import annotations


def test_settling_the_heap_freezes_what_exists_and_widens_the_young_generation() -> None:
    import gc

    from crawler import heap

    threshold = gc.get_threshold()
    try:
        heap.settle()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (heap.YOUNG_GENERATION, *threshold[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
