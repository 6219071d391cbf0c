"""`tinbai serve` and headless Chromium, as the browser tests (tests/test_ui.py) and the README's
screenshots (scripts/screenshots.py) use them.

Chromium is Debian's chromium with chromium-driver (.ci/run installs them). It resolves no host but
this machine's: an article's images stay on the portal (the archive keeps their address), and a
test must not send a request off this machine to fetch them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import REPO, tinbai_command

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(db: Path) -> Iterator[str]:
    """`tinbai serve --db DB` on a free port until the block ends; yields the archive's base URL."""
    env = {key: value for key, value in os.environ.items() if key.lower() not in ("http_proxy", "https_proxy")}
    port = free_port()
    server = subprocess.Popen(
        [tinbai_command(), "serve", "--db", str(db), "--port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}/{db.stem}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base, timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    output = server.stdout.read() if server.stdout else ""
                    raise AssertionError(f"tinbai serve did not start: {output}") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout:
            server.stdout.close()


def start_chromium(profile: Path, width: int = 1280, height: int = 900) -> Any:
    """A headless Chromium under Selenium, its window `width` x `height` CSS pixels."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert CHROMIUM and CHROMEDRIVER, "needs Debian's chromium and chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--hide-scrollbars", "--force-device-scale-factor=1", f"--window-size={width},{height}",
        # Every host name but this machine's fails to resolve (the images of the portal's pages).
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    # Both paths given: Selenium Manager has nothing to look up or download.
    os.environ.setdefault("SE_OFFLINE", "true")
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
