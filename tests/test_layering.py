"""Imports go one way: extraction and the archive never pull in Scrapy."""

import subprocess
import sys


def test_extraction_and_archive_do_not_import_scrapy() -> None:
    code = (
        "import sys, crawler.extract, crawler.sites, archive, crawler.cli;"
        "bad = [m for m in sys.modules if m == 'scrapy' or m.startswith(('scrapy.', 'twisted'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_archive_imports_only_the_record_type_from_the_crawler() -> None:
    # ...and the folding rule, which search and extraction share (pure Python)
    allowed = {"crawler", "crawler.extract", "crawler.extract.record", "crawler.extract.fold"}
    code = (
        "import sys, archive;"
        "mods = sorted(m for m in sys.modules if m.startswith('crawler'));"
        f"print(mods); sys.exit(0 if set(mods) <= {allowed!r} else 1)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
