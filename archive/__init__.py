"""The archive: Article records -> dedup -> one SQLite file (sqlite-utils only, never Scrapy).

Data flow: the crawl pipeline opens the file with open_archive(), brackets a crawl with
start_run()/finish_run() and hands each Article to save_article(); the CLI reads it
back with search() and stats(). Schema: archive/schema.py.
"""

# crawlstate is imported for its migration (crawl_state, run_lock) as much as for its names.
from archive.crawlstate import CrawlPlan, LockHeld, RunLock, load_plan, record_fetch, record_listing
from archive.db import ArchiveError, open_archive
from archive.fold import fold
from archive.runs import finish_run, start_run, stats
from archive.schema import migrate
from archive.search import SearchError, search
from archive.store import SaveResult, load_raw_page, save_article

__all__ = [
    "ArchiveError",
    "CrawlPlan",
    "LockHeld",
    "RunLock",
    "SaveResult",
    "SearchError",
    "finish_run",
    "fold",
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
