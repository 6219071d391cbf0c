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

USER_AGENT = f"tinbai/0.1 (news archive crawler; +{TINBAI_CONTACT_URL})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
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
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

ADDONS = {"crawler.replay.ReplayAddon": 0}
ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}
