"""`tinbai sites`, `tinbai sites add|remove` and `tinbai crawl URL|--all`: the portals an archive
knows, by key or by home page, profiled or not."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from crawler import sites as registry
from tests.fixtures import FIXTURES

QUANGBINH = FIXTURES / "nukeviet-quangbinh"
QUANGBINH_HOME = "https://tinhuy.quangbinh.example/"


def _listed(tinbai: Any, db: Path) -> dict[str, dict[str, Any]]:
    result = tinbai("sites", "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    return {row["key"]: row for row in json.loads(result.stdout)}


def _one_line_exit_2(result: Any, words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_a_portals_key_is_its_host_without_www_unless_a_profile_names_it() -> None:
    assert registry.site_key("https://www.tinhuybinhphuoc.vn/") == "tinhuybinhphuoc.vn"
    assert registry.site_key("https://thanhhoa.dcs.vn/tinhuy/KenhTin/Kinh-te.aspx") == "thanhhoa.dcs.vn"
    assert registry.site_key("https://nghean.dcs.vn/vi-vn") == "nghean"
    profile = registry.discovered_profile("https://www.tinhuybinhphuoc.vn/")
    assert profile.key == "tinhuybinhphuoc.vn" and profile.discovers
    assert profile.owns("https://tinhuybinhphuoc.vn/tin-tuc/") and profile.owns("https://www.tinhuybinhphuoc.vn/")
    assert not profile.owns("https://binhphuoc.gov.vn/")
    assert profile.page_class.site == "tinhuybinhphuoc.vn"


def test_a_fresh_archive_lists_the_built_in_portals(tmp_path: Path, tinbai: Any) -> None:
    listed = _listed(tinbai, tmp_path / "none.db")  # no archive yet: the built-in list
    assert set(listed) == {portal.key for portal in registry.BUILT_IN}
    assert listed["nghean"]["extraction"] == "profile" and listed["nghean"]["home"] == "https://nghean.dcs.vn/"
    assert listed["thanhhoa.dcs.vn"]["extraction"] == "generic"
    assert all(row["origin"] == "built-in" and row["articles"] == 0 for row in listed.values())


def test_a_portal_added_is_crawled_by_all_and_removed_is_left_out(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "portals.db"
    added = tinbai("sites", "--db", str(db), "add", QUANGBINH_HOME, "--name", "Tỉnh ủy Quảng Bình")
    assert added.returncode == 0 and added.stdout.strip() == "tinhuy.quangbinh.example", added.stderr
    row = _listed(tinbai, db)["tinhuy.quangbinh.example"]
    assert (row["origin"], row["name"], row["home"], row["extraction"]) == (
        "added", "Tỉnh ủy Quảng Bình", QUANGBINH_HOME, "generic")

    crawled = tinbai("crawl", "--all", "--replay", str(QUANGBINH), "--db", str(db))
    assert crawled.returncode == 1, crawled.stderr  # the built-in portals are not in this replay set
    summaries = {summary["site"]: summary for summary in json.loads(crawled.stdout)}
    assert set(summaries) == {portal.key for portal in registry.BUILT_IN} | {"tinhuy.quangbinh.example"}
    assert summaries["tinhuy.quangbinh.example"]["new"] == 12
    row = _listed(tinbai, db)["tinhuy.quangbinh.example"]
    assert (row["cms"], row["articles"], row["last_run_status"]) == ("nukeviet", 12, "errors")

    removed = tinbai("sites", "--db", str(db), "remove", "tinhuy.quangbinh.example")
    assert removed.returncode == 0, removed.stderr
    assert "tinhuy.quangbinh.example" not in _listed(tinbai, db)
    removed_built_in = tinbai("sites", "remove", "thanhhoa.dcs.vn", "--db", str(db))
    assert removed_built_in.returncode == 0, removed_built_in.stderr
    again = tinbai("crawl", "--all", "--replay", str(QUANGBINH), "--db", str(db))
    sites = {summary["site"] for summary in json.loads(again.stdout)}
    assert "tinhuy.quangbinh.example" not in sites and "thanhhoa.dcs.vn" not in sites and "nghean" in sites
    # What was archived of a removed portal stays.
    assert sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone() == (12,)
    # Its URL brings it back.
    assert tinbai("sites", "add", QUANGBINH_HOME, "--db", str(db)).returncode == 0
    assert "tinhuy.quangbinh.example" in _listed(tinbai, db)


def test_a_portal_crawled_by_its_url_joins_the_list(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "url.db"
    result = tinbai("crawl", QUANGBINH_HOME, "--replay", str(QUANGBINH), "--db", str(db))
    assert result.returncode == 1, result.stderr  # its removed articles answer 404
    [summary] = json.loads(result.stdout)
    assert summary["site"] == "tinhuy.quangbinh.example" and summary["new"] == 12
    assert _listed(tinbai, db)["tinhuy.quangbinh.example"]["origin"] == "added"
    # ... and is named by its key from then on; the removed articles' 404s are not asked again.
    again = tinbai("crawl", "tinhuy.quangbinh.example", "--replay", str(QUANGBINH), "--db", str(db))
    assert again.returncode == 0 and json.loads(again.stdout)[0]["new"] == 0, again.stderr


def test_a_profiled_portals_url_is_crawled_with_its_profile(tmp_path: Path, tinbai: Any) -> None:
    db = tmp_path / "nghean.db"
    result = tinbai("crawl", "https://nghean.dcs.vn/", "--replay", str(FIXTURES / "nghean"), "--db", str(db))
    assert result.returncode == 1, result.stderr
    [summary] = json.loads(result.stdout)
    assert summary["site"] == "nghean" and summary["new"] == 16
    extractions = sqlite3.connect(db).execute("SELECT DISTINCT extraction FROM articles").fetchall()
    assert extractions == [("profile:nghean",)]


def test_bad_names_are_one_line_and_exit_2(tmp_path: Path, tinbai: Any) -> None:
    db = str(tmp_path / "bad.db")
    _one_line_exit_2(tinbai("crawl", "thanhhoa", "--db", db), "unknown site 'thanhhoa'")
    _one_line_exit_2(tinbai("crawl", "--db", db), "name a site")
    _one_line_exit_2(tinbai("sites", "add", "thanhhoa.dcs.vn", "--db", db), "home page URL")
    _one_line_exit_2(tinbai("sites", "remove", "nowhere.example", "--db", db), "no portal 'nowhere.example'")
    _one_line_exit_2(tinbai("crawl", QUANGBINH_HOME, "--start", "https://elsewhere.example/", "--db", db),
                     "is not on")
