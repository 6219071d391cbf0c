"""`scrapy crawl KEY`: Scrapy's crawl command, with the exit codes of `tinbai crawl`.

Scrapy's own exits 0 whatever the run met (1 only when the spider could not be built). This one
exits 0 when the run was clean, 1 when it finished with errors or was interrupted, 2 when it could
not run (a bad -s value, an archive it could not read, one found damaged midway), with one line on
stderr for 1 and 2. Which errors: `tinbai runs`.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands import crawl

from crawler.fetch.pipeline import could_not_run, keep_failure, run_status


class Command(crawl.Command):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's usage errors
            return
        assert self.crawler_process is not None
        site = args[0]
        crawler = self._create_crawler(site)
        failed: list[BaseException] = []
        keep_failure(self.crawler_process.crawl(crawler, **opts.spargs), failed)
        self.crawler_process.start()
        db = str(crawler.settings.get("TINBAI_DB"))
        why = could_not_run(crawler, db, failed[0] if failed else None, site=site)
        status = run_status(crawler)
        if why is not None or status is None:
            print(f"Error: {why or f'the crawl of {site} did not run'}", file=sys.stderr)
            self.exitcode = 2
        elif status != "ok":
            print(f"the crawl of {site} finished with status {status}: `tinbai runs --db {db}` says what it met",
                  file=sys.stderr)
            self.exitcode = 1
