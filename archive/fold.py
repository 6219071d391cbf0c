"""Diacritic folding for search: Article text -> folded copy indexed by full-text search.

People type "dang uy" or "Nghe An" for "Đảng ủy" and "Nghệ An". SQLite's FTS5
`remove_diacritics` option cannot do this: it never folds "đ"/"Đ" (a letter of its
own, not "d" plus a mark), so "dang" would not find "Đảng". The archive therefore
indexes folded copies, and the query is folded the same way.

The rule itself lives in crawler/extract/fold.py (pure Python, no extraction stack),
where extraction uses it too: one folding for the whole project.
"""

from __future__ import annotations

from crawler.extract.fold import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, fold

__all__ = ["HIGHLIGHT_CLOSE", "HIGHLIGHT_OPEN", "fold"]
