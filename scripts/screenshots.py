"""The README's screenshots of the reading room, made again: an archive with versions, months and a
re-post (tests/reading_room.py), `tinbai serve`, and headless Chromium (tests/browser.py).

    python -m scripts.screenshots [--out docs/screenshots]

Writes search.png, article.png, versions.png and portal.png. Needs Debian's chromium and
chromium-driver, and the test extra (selenium): pip install -e '.[test]'.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from archive import open_archive
from tests.browser import serving, start_chromium
from tests.reading_room import EDITED_URL, build_reading_archive

# (file, path under the archive's base URL, window height): each page down to what it is for.
WIDTH = 1280


def pages(article_id: int) -> list[tuple[str, str, int]]:
    return [
        ("search.png", "/search?q=dang+uy", 900),
        ("article.png", f"/articles/{article_id}", 1000),
        ("versions.png", f"/articles/{article_id}/versions", 820),
        ("portal.png", "/portal/nghean", 1100),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"), help="where the PNG files go")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tinbai-screenshots-") as work:
        db = build_reading_archive(Path(work) / "archive")
        archive = open_archive(db, readonly=True)
        article_id = archive.execute("SELECT id FROM articles WHERE url = ?", [EDITED_URL]).fetchone()[0]
        archive.close()
        with serving(db) as base:
            driver = start_chromium(Path(work) / "profile", width=WIDTH)
            try:
                for name, path, height in pages(article_id):
                    # The page's own size, whatever the headless window's frame takes.
                    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                        "width": WIDTH, "height": height, "deviceScaleFactor": 1, "mobile": False})
                    driver.get(base + path)
                    driver.save_screenshot(str(args.out / name))
                    print(args.out / name)
            finally:
                driver.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
