"""A crawl opens no remote-control server: Scrapy 2.19's RemoteControl (an HTTP server that runs
the Python code it is sent, announced by a job file holding its token) is off in the project's
settings, and the second test shows the first can tell. Switched off, it is not even loaded, nor is
the cookies middleware while cookies are off."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from scrapy.settings import Settings

from crawler.fetch.middlewares import UnusedComponentsAddon

REPLAY = Path(__file__).resolve().parent.parent / "fixtures" / "nghean"
ANNOUNCED = "Remote control HTTP server listening"
REMOTE_CONTROL = "scrapy.extensions.remote_control.RemoteControl"


def crawl(tinbai: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path,
          *settings: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    jobs = tmp_path / "job_files"
    options = [option for setting in settings for option in ("-s", setting)]
    result = tinbai("crawl", "nghean", "--replay", str(REPLAY), "--db", str(tmp_path / "a.db"), "-v",
                    "-s", f"REMOTE_CONTROL_JOBS_DIR={jobs}", *options)
    return result, jobs


def test_a_crawl_starts_no_remote_control_server(tinbai: Callable[..., subprocess.CompletedProcess[str]],
                                                 tmp_path: Path) -> None:
    result, jobs = crawl(tinbai, tmp_path)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    with sqlite3.connect(tmp_path / "a.db") as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] > 0
    assert ANNOUNCED not in result.stderr
    assert not jobs.exists()


def test_with_scrapys_default_it_would_have(tinbai: Callable[..., subprocess.CompletedProcess[str]],
                                            tmp_path: Path) -> None:
    result, jobs = crawl(tinbai, tmp_path, "REMOTE_CONTROL_ENABLED=True")
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert ANNOUNCED in result.stderr
    # Written while the crawl ran, removed when it stopped: the directory stays.
    assert jobs.is_dir()


def _settings(*overrides: str) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for override in overrides:
        name, _, value = override.partition("=")
        settings.set(name, value, priority="cmdline")
    UnusedComponentsAddon().update_settings(settings)
    return settings


def test_while_off_it_is_not_even_loaded() -> None:
    off, on = _settings(), _settings("REMOTE_CONTROL_ENABLED=True")
    assert REMOTE_CONTROL not in off.get_component_priority_dict_with_base("EXTENSIONS")
    assert REMOTE_CONTROL in on.get_component_priority_dict_with_base("EXTENSIONS")
    # Every other extension stays.
    others = set(on.get_component_priority_dict_with_base("EXTENSIONS")) - {REMOTE_CONTROL}
    assert others == set(off.get_component_priority_dict_with_base("EXTENSIONS")) and len(others) >= 8


def test_nor_is_the_cookies_middleware_while_cookies_are_off() -> None:
    cookies = "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"
    off, on = _settings(), _settings("COOKIES_ENABLED=True")
    assert off.getbool("COOKIES_ENABLED") is False  # the project's setting
    assert cookies not in off.get_component_priority_dict_with_base("DOWNLOADER_MIDDLEWARES")
    assert cookies in on.get_component_priority_dict_with_base("DOWNLOADER_MIDDLEWARES")
    # The project's own middlewares and Scrapy's others stay.
    kept = set(off.get_component_priority_dict_with_base("DOWNLOADER_MIDDLEWARES"))
    assert kept == set(on.get_component_priority_dict_with_base("DOWNLOADER_MIDDLEWARES")) - {cookies}
    assert "crawler.fetch.middlewares.RetryAfterMiddleware" in kept
