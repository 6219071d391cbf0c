"""Scrapy settings: the only configuration. Polite by default for live crawls; a replayed crawl
(TINBAI_REPLAY) drops the delays, see crawler.fetch.replay.ReplayAddon."""

BOT_NAME = "tinbai"
# `scrapy list` and `scrapy crawl KEY`: one spider per site profile (crawler/fetch/spider.py), and
# `scrapy crawl` exiting 0, 1 or 2 as `tinbai crawl` does (crawler/fetch/commands/crawl.py).
SPIDER_LOADER_CLASS = "crawler.fetch.spider.SiteSpiderLoader"
COMMANDS_MODULE = "crawler.fetch.commands"

# Where the archive lives, where a replay set is read from, where a live crawl is recorded to.
TINBAI_DB = "tinbai.db"
TINBAI_REPLAY = None
# Seconds between two requests to a host on a replay (0: none, as fast as the machine goes); see
# crawler.fetch.replay.ReplayAddon.
TINBAI_REPLAY_DELAY = 0
TINBAI_RECORD = None
# Where every response is also written as WARC 1.1 (crawler/fetch/warc.py; `tinbai crawl --warc DIR`),
# and the size at which a WARC file is closed and the next one begun (bytes).
TINBAI_WARC = None
TINBAI_WARC_MAX_SIZE = 1 << 30
TINBAI_CONTACT_URL = "https://github.com/tinbai/tinbai"
# Incremental by default: see crawler/fetch/spider.py. TINBAI_FULL fetches every listing page and
# every known article; TINBAI_REFRESH ([[younger_than_days, every_days], ...], JSON) overrides the
# profiles' refresh schedules; TINBAI_NOW (ISO 8601) is the time the schedule is judged at.
TINBAI_FULL = False
TINBAI_REFRESH = None
TINBAI_NOW = None
# Where the archive's writes happen (crawler/apply/writer.py): "process", a process of their own beside
# the crawl's, committing whenever it has caught up; "inline", in the crawl's process, one commit
# per item.
TINBAI_WRITER = "process"
# A Retry-After longer than this (seconds) is not waited for: the URL fails now, the next run retries.
TINBAI_RETRY_AFTER_MAX = 120

# The contact URL is filled in by crawler.fetch.middlewares.ContactAddon from TINBAI_CONTACT_URL, so
# `-s TINBAI_CONTACT_URL=https://example.org/archive` changes it; this is the default's spelling.
TINBAI_USER_AGENT = "tinbai/0.1 (news archive crawler; +{contact})"
USER_AGENT = TINBAI_USER_AGENT.format(contact=TINBAI_CONTACT_URL)
ROBOTSTXT_OBEY = True
# Scrapy's own parser (Protego), keeping the file's Sitemap: lines for the discovering spider.
ROBOTSTXT_PARSER = "crawler.fetch.middlewares.SitemapRobotParser"
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# The pipeline hands each item to the archive writer and returns at once, so a response's items
# gain nothing from being processed side by side, while Scrapy would start CONCURRENT_ITEMS
# asyncio tasks for every response (100 by default).
CONCURRENT_ITEMS = 1
# Scrapy reads each callback's source with inspect to warn about `return value` in generators: a
# lint for spider authors, re-done for every bound method it has not seen.
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
# even loaded (crawler.fetch.middlewares.UnusedComponentsAddon).
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"

# Spider middlewares that add a layer to every callback's output and do nothing here: no depth
# limit or depth priority is set, and links over the URL length limit are counted as malformed
# by the spider (crawler/fetch/links.py) instead of being dropped silently.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    # A lint for spiders that copy response.meta into new requests; this one never does.
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
# No Referer header: a portal's pages are public and need none, and working out each request's
# referrer under the default policy is the costliest spider middleware. A policy, not
# REFERER_ENABLED = False: without the middleware both redirect middlewares warn at every start.
REFERRER_POLICY = "no-referrer"
DOWNLOADER_MIDDLEWARES = {
    # The portals are public: no HTTP credentials to send.
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    # Counts without rebuilding every request's and response's HTTP text to measure it.
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
    "crawler.fetch.middlewares.DownloadCounts": 850,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.fetch.middlewares.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.fetch.middlewares.CheapMetaRefreshMiddleware": 580,
    # Scrapy's own, with their refusals named (robots.txt, a body too large once decompressed).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.fetch.middlewares.NamedRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.fetch.middlewares.SizedCompressionMiddleware": 590,
    # 610: sees a redirect before RedirectMiddleware (600) follows it.
    "crawler.fetch.middlewares.RedirectGuardMiddleware": 610,
}

# The duplicate filter keyed on each request's URL as it is (crawler.fetch.middlewares.UrlFingerprinter).
REQUEST_FINGERPRINTER_CLASS = "crawler.fetch.middlewares.UrlFingerprinter"
ADDONS = {
    "crawler.fetch.replay.ReplayAddon": 0,
    "crawler.fetch.middlewares.ContactAddon": 0,
    "crawler.fetch.middlewares.UnusedComponentsAddon": 0,
}
ITEM_PIPELINES = {"crawler.fetch.pipeline.ArchivePipeline": 300}
# Progress on a terminal: loaded only when `tinbai crawl` sets TINBAI_PROGRESS (crawler/fetch/progress.py).
TINBAI_PROGRESS = None
EXTENSIONS = {"crawler.fetch.progress.CrawlProgress": 500}
