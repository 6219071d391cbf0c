"""The archive: Article records -> dedup -> one SQLite file (sqlite-utils only, never Scrapy).

Data flow: the crawl's archive writer (crawler/apply/) opens the file with open_archive(),
brackets a crawl with start_run()/finish_run() and hands each Article to save_article();
the CLI and the browser UI read it back through archive/query/ (search, export, history, UI).
Schema: archive/schema.py, every table and every migration.
"""

from archive.crawlstate import CrawlPlan, LockHeld, RunLock, load_plan, record_fetch, record_listing
from archive.db import ArchiveError, open_archive
from archive.query.search import SearchError, search
from archive.runs import finish_run, start_run, stats
from archive.schema import migrate
from archive.store import SaveResult, load_raw_page, save_article

__all__ = [
    "ArchiveError",
    "CrawlPlan",
    "LockHeld",
    "RunLock",
    "SaveResult",
    "SearchError",
    "finish_run",
    "load_plan",
    "load_raw_page",
    "migrate",
    "open_archive",
    "record_fetch",
    "record_listing",
    "save_article",
    "search",
    "start_run",
    "stats",
]
