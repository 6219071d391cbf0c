"""Scrapy settings: the only configuration. Polite by default for live crawls; a replayed crawl
(TINBAI_REPLAY) drops the delays, see crawler.replay.ReplayAddon."""

BOT_NAME = "tinbai"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Where the archive lives, where a replay set is read from, where a live crawl is recorded to.
TINBAI_DB = "tinbai.db"
TINBAI_REPLAY = None
TINBAI_RECORD = None
TINBAI_CONTACT_URL = "https://github.com/tinbai/tinbai"
# Incremental by default: see crawler/spiders/portal.py. TINBAI_FULL fetches every listing page and
# every known article; TINBAI_REFRESH ([[younger_than_days, every_days], ...], JSON) overrides the
# profiles' refresh schedules; TINBAI_NOW (ISO 8601) is the time the schedule is judged at.
TINBAI_FULL = False
TINBAI_REFRESH = None
TINBAI_NOW = None
# Where the archive's writes happen (crawler/writer.py): "process", a process of their own beside
# the crawl's, committing whenever it has caught up; "inline", in the crawl's process, one commit
# per item.
TINBAI_WRITER = "process"
# A Retry-After longer than this (seconds) is not waited for: the URL fails now, the next run retries.
TINBAI_RETRY_AFTER_MAX = 120

# The contact URL is filled in by crawler.middlewares.ContactAddon from TINBAI_CONTACT_URL, so
# `-s TINBAI_CONTACT_URL=https://example.org/archive` changes it; this is the default's spelling.
TINBAI_USER_AGENT = "tinbai/0.1 (news archive crawler; +{contact})"
USER_AGENT = TINBAI_USER_AGENT.format(contact=TINBAI_CONTACT_URL)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# The pipeline writes to SQLite synchronously, so a response's outputs gain nothing from being
# processed side by side; Scrapy starts CONCURRENT_ITEMS asyncio tasks for every response
# (100 by default: 110,000 tasks in a 1,000-article crawl, a tenth of its time).
CONCURRENT_ITEMS = 1
# Scrapy reads each callback's source with inspect to warn about `return value` in generators
# (a lint, re-done for every bound method it has not seen: 2 s of a 1,000-article crawl).
WARN_ON_GENERATOR_RETURN_VALUE = False
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 30
# Article pages are 30-200 KB; anything this big is not a news page.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
# Never on: Scrapy's HTTP cache and JOBDIR queues pickle what they store.
HTTPCACHE_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote control: an HTTP server on loopback that runs the Python code it is sent,
# announced by a file with its token in the user's state directory (left behind by a killed run).
# An unattended archive crawl has no use for it: off, like the telnet console, and while off not
# even loaded (crawler.middlewares.UnusedComponentsAddon).
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"

# Spider middlewares that add a layer to every callback's output and do nothing here: no depth
# limit or depth priority is set, and links over the URL length limit are counted as malformed
# by the spider (crawler/spiders/portal.py, links_of) instead of being dropped silently.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    # A lint for spiders that copy response.meta into new requests; this one never does.
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
# No Referer header: a portal's pages are public and need none, and working out each request's
# referrer under the default policy was the costliest spider middleware (with the one above,
# 0.1 ms a page). A policy, not REFERER_ENABLED = False: without the middleware both redirect
# middlewares warn at every start that they found none.
REFERRER_POLICY = "no-referrer"
DOWNLOADER_MIDDLEWARES = {
    # The portals are public: no HTTP credentials to send.
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    # Counts without rebuilding every request's and response's HTTP text to measure it.
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
    "crawler.middlewares.DownloadCounts": 850,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.CheapMetaRefreshMiddleware": 580,
    # 610: sees a redirect before RedirectMiddleware (600) follows it.
    "crawler.middlewares.RedirectGuardMiddleware": 610,
}

# The duplicate filter keyed on each request's URL as it is (crawler.middlewares.UrlFingerprinter).
REQUEST_FINGERPRINTER_CLASS = "crawler.middlewares.UrlFingerprinter"
ADDONS = {
    "crawler.replay.ReplayAddon": 0,
    "crawler.middlewares.ContactAddon": 0,
    "crawler.middlewares.UnusedComponentsAddon": 0,
}
ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}
