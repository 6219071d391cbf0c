"""A Scrapy extension for tests: the crawl process sends itself SIGTERM when its first spider opens,
before Scrapy's engine runs, as systemd does when a job is stopped while it is still starting.
Named in a test crawl's EXTENSIONS setting (tests/test_parallel.py)."""

from __future__ import annotations

import os
import signal
from typing import Any

from scrapy import signals


class TermWhenOpened:
    sent = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> TermWhenOpened:
        extension = cls()
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        return extension

    def spider_opened(self) -> None:
        # Once per process: a second SIGTERM makes Scrapy stop at once, uncleanly.
        if not TermWhenOpened.sent:
            TermWhenOpened.sent = True
            os.kill(os.getpid(), signal.SIGTERM)
