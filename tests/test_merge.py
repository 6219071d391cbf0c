"""`tinbai merge`: archives crawled on several machines folded into one: articles deduplicated across
them, versions and takedown history interleaved by time, runs kept with their origin, the portals
known, idempotent, safe to interrupt."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive import merge as merging
from archive import open_archive, record_fetch, save_article, search
from archive.crawlstate import record_listing
from archive.merge import TakedownEvent, interleave, interleave_events, merge_archive
from archive.runs import finish_run, start_run, stats
from archive.sites import add_site, save_learning
from archive.store import StoredVersion
from archive.takedowns import article_of_url, mark_gone
from archive.templates import current_template, save_template
from archive.transaction import write_transaction
from bench.nation import PORTALS, Corpus
from crawler.cli import cli
from crawler.extract.knowledge import PortalKnowledge, Template
from crawler.extract.record import Article

REPO = Path(__file__).resolve().parents[1]
RECORDS = 240
# Portals 0-24 are crawled by the first machine, 15-39 by the second: 15-24 by both.
FIRST, SECOND = range(0, 25), range(15, 40)


def _edited(article: Article, sentence: str) -> Article:
    return replace(article, text=article.text + "\n\n" + sentence, content_hash="")


def _build(path: Path, portals: range, corpus: Corpus) -> dict[str, Any]:
    """An archive of the corpus' first RECORDS records of `portals`, as a crawl writes them, with two runs."""
    db = open_archive(path)
    saved: dict[str, Any] = {"urls": []}
    run = start_run(db, "first half")
    for number in range(1, RECORDS + 1):
        record = corpus.record(number)
        if number == RECORDS // 2:
            finish_run(db, run, status="ok", counts={"pages": number}, errors={})
            # (the first half read by the generic path, the second partly through a learned template)
            run = start_run(db, "second half")
        if PORTALS.index(next(p for p in PORTALS if p.site == record.article.site)) not in portals:
            continue
        save_article(db, record.article, page=record.page, fetched_at=record.fetched_at,
                     site_article_id=record.site_article_id)
        record_fetch(db, record.article.url, site=record.article.site, kind="article", status=200,
                     when=record.fetched_at)
        saved["urls"].append(record.article.url)
    finish_run(db, run, status="errors", counts={"pages": RECORDS, "by_template": 90, "by_generic": 30},
               errors={"http_500": 1})
    db.close()
    return saved


# A portal only the second machine crawled and learned a template of (the sources fixture also
# gives both machines templates of the portal of `latest_second`).
ONLY_SECOND = PORTALS[35].site


def _learned(db: Any, site: str, version: int, learned: str, lines: tuple[str, ...], run: int) -> str:
    knowledge = PortalKnowledge(chrome_lines=frozenset(lines), template=Template(site, version, ())).to_json()
    save_template(db, site, version, knowledge, pages=5, layouts=1, reason="first" if version == 1 else "learned again",
                  run=run)
    db.execute("UPDATE templates SET learned = ? WHERE site = ? AND version = ?", [learned, site, version])
    return knowledge


def _gone(db: Any, url: str, when: str) -> None:
    """The article at `url` answered 404 at `when`."""
    article_id = article_of_url(db, url)
    assert article_id is not None
    with write_transaction(db):
        mark_gone(db, article_id, url=url, reason="http_404", when=when, status=404)


def _seen(db: Any, record: Any, when: str) -> None:
    """The article of `record` fetched again at `when`, unchanged."""
    assert save_article(db, record.article, page=record.page, fetched_at=when,
                        site_article_id=record.site_article_id).status == "duplicate"


def _shared(corpus: Corpus) -> list[int]:
    """Record numbers of news articles on a portal both machines crawl."""
    both = {PORTALS[index].site for index in FIRST if index in SECOND}
    return [n for n in range(1, RECORDS + 1)
            if corpus.record(n).kind == "news" and corpus.record(n).article.site in both]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two overlapping archives, with the cases a merge must get right on top of the shared portals:
    an edit seen only by the second machine between two fetches of the first, an edit the second
    machine saw last, the same text under another URL, a re-post with a sentence added."""
    directory = tmp_path_factory.mktemp("machines")
    corpus = Corpus()
    first, second = directory / "north.db", directory / "south.db"
    _build(first, FIRST, corpus)
    _build(second, SECOND, corpus)
    shared = _shared(corpus)
    interleaved, latest_second = corpus.record(shared[0]), corpus.record(shared[1])
    only_first = next(corpus.record(n) for n in range(1, RECORDS) if corpus.record(n).kind == "news"
                      and PORTALS.index(next(p for p in PORTALS if p.site == corpus.record(n).article.site)) < 15)
    db_first, db_second = open_archive(first), open_archive(second)
    # The first machine fetched `interleaved` again on 2026-12-03 and saw an edit.
    save_article(db_first, _edited(interleaved.article, "Bản sửa lần hai."), page=interleaved.page,
                 fetched_at="2026-12-03T00:00:00+00:00", site_article_id=interleaved.site_article_id)
    # The second saw another edit on 2026-12-02, between the two.
    save_article(db_second, _edited(interleaved.article, "Bản sửa của máy thứ hai."), page=interleaved.page,
                 fetched_at="2026-12-02T00:00:00+00:00", site_article_id=interleaved.site_article_id)
    # The second machine saw the latest edit of `latest_second`.
    save_article(db_second, _edited(latest_second.article, "Đính chính cuối cùng về số liệu."),
                 page=latest_second.page, fetched_at="2026-12-05T00:00:00+00:00",
                 site_article_id=latest_second.site_article_id)
    # The same text under another URL (a category copy the first machine never saw), and a re-post.
    alias_url = only_first.article.url.replace("/1-", "/9-")
    save_article(db_second, replace(only_first.article, url=alias_url), fetched_at="2026-12-01T00:00:00+00:00")
    repost = replace(_edited(only_first.article, "Theo Cổng thông tin điện tử Tỉnh ủy, tin được đăng lại."),
                     url=f"https://{PORTALS[30].host}/vi-vn/tin/dang-lai/1-2-999999", site=PORTALS[30].site)
    save_article(db_second, repost, fetched_at="2026-12-01T00:00:00+00:00")
    # Takedowns. `back_elsewhere`: gone for the first machine, seen there later by the second.
    back_elsewhere, both_gone, gone_and_back = (corpus.record(n) for n in shared[2:5])
    _gone(db_first, back_elsewhere.article.url, "2026-12-06T00:00:00+00:00")
    _seen(db_second, back_elsewhere, "2026-12-07T00:00:00+00:00")
    # `both_gone`: the same takedown seen by both, first by the second machine.
    _gone(db_first, both_gone.article.url, "2026-12-08T00:00:00+00:00")
    _gone(db_first, both_gone.article.url, "2026-12-09T00:00:00+00:00")
    _gone(db_second, both_gone.article.url, "2026-12-07T00:00:00+00:00")
    # `gone_and_back`, on the second machine only: gone, a page of another article at its URL
    # meanwhile (refused, kept for audit), then back.
    _gone(db_second, gone_and_back.article.url, "2026-12-02T00:00:00+00:00")
    stranger = next(corpus.record(n) for n in range(RECORDS + 1, RECORDS + 100) if corpus.record(n).kind == "news")
    refused = save_article(db_second, replace(stranger.article, url=gone_and_back.article.url), page=stranger.page,
                           fetched_at="2026-12-03T00:00:00+00:00", site_article_id=stranger.site_article_id,
                           requested_url=gone_and_back.article.url)
    assert refused.status == "refused"
    _seen(db_second, gone_and_back, "2026-12-04T00:00:00+00:00")
    # `gone_first`: on the first machine's portals only, gone for good.
    gone_first = next(corpus.record(n) for n in range(RECORDS // 2, RECORDS) if corpus.record(n).kind == "news"
                      and PORTALS.index(next(p for p in PORTALS if p.site == corpus.record(n).article.site)) < 15)
    _gone(db_first, gone_first.article.url, "2026-12-10T00:00:00+00:00")
    # A portal added by hand on the second machine, and URL shapes both learned of one portal.
    add_site(db_second, "xuanthanh.gov.vn", "https://xuanthanh.gov.vn/", name="Xã Xuân Thành")
    save_learning(db_first, "xuanthanh.gov.vn", "https://xuanthanh.gov.vn/", {"tin-tuc/{slug-n}.html": (5, 0, 0)},
                  "wordpress")
    db_first.execute("UPDATE url_shapes SET updated = '2026-12-01T00:00:00+00:00'")
    save_learning(db_second, "xuanthanh.gov.vn", "https://xuanthanh.gov.vn/", {"tin-tuc/{slug-n}.html": (9, 1, 0)},
                  None)
    db_second.execute("UPDATE url_shapes SET updated = '2026-12-02T00:00:00+00:00'")
    # Learned templates: the first machine learned two versions of the portal of `latest_second`
    # (on 1 and 4 December), the second its own version 1 (on 2 December), which read its articles of
    # the portal (the edit it saw last among them), and ONLY_SECOND's.
    templated = latest_second.article.site
    knowledge = {
        "first_1": _learned(db_first, templated, 1, "2026-12-01T00:00:00+00:00", ("Trang chủ",), 1),
        "first_2": _learned(db_first, templated, 2, "2026-12-04T00:00:00+00:00", ("Trang chủ", "Liên hệ"), 2),
        "second_1": _learned(db_second, templated, 1, "2026-12-02T00:00:00+00:00", ("Tin mới",), 2),
        "only_second": _learned(db_second, ONLY_SECOND, 1, "2026-12-02T00:00:00+00:00", (), 2),
    }
    for table, key in (("articles", "id"), ("article_versions", "article_id")):
        db_second.execute(f"UPDATE {table} SET extraction = ? WHERE {key} IN (SELECT id FROM articles WHERE site = ?)",
                          [f"template:{templated}@1", templated])
    db_first.close()
    db_second.close()
    return {"knowledge": knowledge, "templated": templated,
            "first": first, "second": second, "interleaved": interleaved, "latest_second": latest_second,
            "only_first": only_first, "alias_url": alias_url, "repost": repost, "back_elsewhere": back_elsewhere,
            "both_gone": both_gone, "gone_and_back": gone_and_back, "gone_first": gone_first}


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a merge writes, but its own log (merge_sources' times) and the archive's id."""
    db = open_archive(path, readonly=True)
    queries = {
        "articles": "SELECT * FROM articles ORDER BY id",
        "versions": "SELECT * FROM article_versions ORDER BY article_id, version",
        "urls": "SELECT * FROM article_urls ORDER BY url",
        "images": "SELECT * FROM images ORDER BY article_id, position",
        "raw_pages": "SELECT id, url, fetched_at, sha256, article_id, compression FROM raw_pages ORDER BY id",
        "runs": "SELECT * FROM runs ORDER BY id",
        "article_events": "SELECT * FROM article_events ORDER BY id",
        "raw_pages_refused": "SELECT id, refused FROM raw_pages ORDER BY id",
        "sites": "SELECT * FROM sites ORDER BY key",
        "url_shapes": "SELECT * FROM url_shapes ORDER BY site, shape",
        "templates": "SELECT * FROM templates ORDER BY site, version",
        "site_counts": "SELECT * FROM site_counts ORDER BY site",
        "crawl_state": "SELECT * FROM crawl_state ORDER BY url",
        "feed_dates": "SELECT * FROM feed_dates ORDER BY url",
        "fts": "SELECT rowid, title, summary, text FROM articles_fts ORDER BY rowid",
        "fts_exact": "SELECT rowid, title, summary, text FROM articles_fts_exact ORDER BY rowid",
        "minhash": "SELECT * FROM article_minhash ORDER BY article_id",
        "lsh": "SELECT * FROM (SELECT * FROM article_lsh UNION ALL SELECT * FROM article_lsh_recent) ORDER BY 1, 2, 3",
        "lsh_stage": "SELECT * FROM article_lsh_stage",
    }
    rows = {name: [tuple(row) for row in db.execute(sql).fetchall()] for name, sql in queries.items()}
    db.close()
    return rows


def _merge(target: Path, *paths: Path) -> list[dict[str, Any]]:
    results = []
    db = open_archive(target)
    for path in paths:
        with open_archive(path, readonly=True) as source:
            results.append(merge_archive(db, source, source_path=path).as_dict())
    db.close()
    return results


@pytest.fixture(scope="module")
def merged(sources: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    target = tmp_path_factory.mktemp("merged") / "national.db"
    counts = _merge(target, sources["first"], sources["second"])
    return {"path": target, "counts": counts, "dump": dump(target)}


def _article(db: Any, url: str) -> dict[str, Any]:
    return next(db.query("SELECT articles.* FROM article_urls JOIN articles ON articles.id = article_urls.article_id"
                         " WHERE article_urls.url = ?", [url]))


def test_articles_both_machines_crawled_are_one_article_each(sources: dict[str, Any], merged: dict[str, Any]) -> None:
    first, second = (open_archive(sources[name], readonly=True) for name in ("first", "second"))
    target = open_archive(merged["path"], readonly=True)
    urls = {row[0] for db in (first, second) for row in db.execute("SELECT url FROM article_urls")}
    assert {row[0] for row in target.execute("SELECT url FROM article_urls")} == urls
    # Every portal id once; the second machine's alias URL and its re-post are the only extra URLs.
    ids = target.execute("SELECT site, site_article_id, count(*) FROM articles WHERE site_article_id IS NOT NULL"
                         " GROUP BY 1, 2 HAVING count(*) > 1").fetchall()
    assert ids == []
    distinct = {(row[0], row[1]) for db in (first, second)
                for row in db.execute("SELECT site, site_article_id FROM articles WHERE site_article_id IS NOT NULL")}
    # ...and the re-post, saved without a portal id (the alias, without one too, is the original).
    assert target.execute("SELECT count(*) FROM articles").fetchone()[0] == len(distinct) + 1
    counts = merged["counts"]
    assert counts[0]["new"] == counts[0]["articles"] and counts[0]["merged"] == 0
    assert counts[1]["merged"] > 20 and counts[1]["by"]["site_article_id"] > 20 and counts[1]["by"]["content"] == 1
    for db in (first, second, target):
        db.close()


def test_versions_are_interleaved_by_fetch_time(sources: dict[str, Any], merged: dict[str, Any]) -> None:
    target = open_archive(merged["path"], readonly=True)
    article = _article(target, sources["interleaved"].article.url)
    versions = list(target.query("SELECT version, fetched_at, text FROM article_versions WHERE article_id = ?"
                                 " ORDER BY version", [article["id"]]))
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert [v["fetched_at"] for v in versions] == [sources["interleaved"].fetched_at, "2026-12-02T00:00:00+00:00",
                                                   "2026-12-03T00:00:00+00:00"]
    assert versions[1]["text"].endswith("Bản sửa của máy thứ hai.") and versions[2]["text"].endswith("Bản sửa lần hai.")
    # The first machine saw the latest content: the article shows it.
    assert article["text"] == versions[2]["text"]
    # Where the second machine saw the latest, its record is the article's, and search finds it.
    latest = _article(target, sources["latest_second"].article.url)
    assert latest["text"].endswith("Đính chính cuối cùng về số liệu.")
    assert latest["last_seen"] == "2026-12-05T00:00:00+00:00"
    assert any(hit["id"] == latest["id"] for hit in search(target, '"dinh chinh cuoi cung ve so lieu"'))
    target.close()


def test_interleave_keeps_the_first_sighting_of_repeated_content() -> None:
    def version(when: str, content: str) -> StoredVersion:
        return StoredVersion(when, "t", content, content, None, "generic")

    ours = [version("2026-01-01", "a"), version("2026-03-01", "b")]
    theirs = [version("2026-01-02", "a"), version("2026-02-01", "c"), version("2026-04-01", "b")]
    assert [(v.fetched_at, v.content_hash) for v in interleave(ours, theirs)] == [
        ("2026-01-01", "a"), ("2026-02-01", "c"), ("2026-03-01", "b")]
    assert interleave(ours, ours) == ours and interleave(ours, []) == ours
    # Which archive comes first does not change the versions.
    assert [v.fetched_at for v in interleave(theirs, ours)] == [v.fetched_at for v in interleave(ours, theirs)]


def test_same_text_elsewhere_is_an_alias_and_a_repost_is_linked(sources: dict[str, Any],
                                                                merged: dict[str, Any]) -> None:
    target = open_archive(merged["path"], readonly=True)
    original = _article(target, sources["only_first"].article.url)
    assert _article(target, sources["alias_url"])["id"] == original["id"]
    repost = _article(target, sources["repost"].url)
    assert repost["id"] != original["id"] and repost["near_duplicate_of"] == original["id"]
    target.close()


def _takedowns(db: Any, url: str) -> tuple[Any, list[tuple[Any, ...]]]:
    """The article's (removed, removed_last_seen) and its events (at, event, reason, whether a page)."""
    article = _article(db, url)
    events = [tuple(row) for row in db.execute(
        "SELECT at, event, reason, raw_page_id IS NOT NULL FROM article_events WHERE article_id = ? ORDER BY at, id",
        [article["id"]])]
    return (article["removed"], article["removed_last_seen"]), events


def test_takedown_history_is_interleaved_by_time(sources: dict[str, Any], merged: dict[str, Any],
                                                 tmp_path: Path) -> None:
    target = open_archive(merged["path"], readonly=True)
    # Gone for the first machine on the 6th, seen there by the second on the 7th: back since.
    assert _takedowns(target, sources["back_elsewhere"].article.url) == ((None, None), [
        ("2026-12-06T00:00:00+00:00", "removed", "http_404", 0),
        ("2026-12-07T00:00:00+00:00", "returned", None, 0)])
    # One takedown seen by both: dated by the second machine (the 7th), last seen gone by the first (the 9th).
    assert _takedowns(target, sources["both_gone"].article.url) == (
        ("2026-12-07T00:00:00+00:00", "2026-12-09T00:00:00+00:00"),
        [("2026-12-07T00:00:00+00:00", "removed", "http_404", 0)])
    # The second machine's history, with the refused page it kept for audit, copied.
    state, events = _takedowns(target, sources["gone_and_back"].article.url)
    assert state == (None, None) and events == [
        ("2026-12-02T00:00:00+00:00", "removed", "http_404", 0),
        ("2026-12-03T00:00:00+00:00", "not_this_article", "not_this_article", 1),
        ("2026-12-04T00:00:00+00:00", "returned", None, 0)]
    page = target.execute("SELECT refused, article_id FROM raw_pages WHERE id = (SELECT raw_page_id FROM article_events"
                          " WHERE event = 'not_this_article')").fetchone()
    assert page == ("not_this_article", _article(target, sources["gone_and_back"].article.url)["id"])
    assert _takedowns(target, sources["gone_first"].article.url)[0][0] == "2026-12-10T00:00:00+00:00"
    # `tinbai stats` counts what the merged history holds.
    removed = sum(row["removed"] for row in stats(target))
    removals = sum(row["removals"] for row in stats(target))
    returns = sum(row["returns"] for row in stats(target))
    assert (removed, removals, returns) == (2, 4, 2)
    assert target.execute("SELECT count(*) FROM articles WHERE removed IS NOT NULL").fetchone()[0] == removed
    # The other order gives the same history.
    reverse = tmp_path / "reverse.db"
    _merge(reverse, sources["second"], sources["first"])
    other = open_archive(reverse, readonly=True)
    for name in ("back_elsewhere", "both_gone", "gone_and_back", "gone_first"):
        url = sources[name].article.url
        assert _takedowns(other, url) == _takedowns(target, url), name
    other.close()
    target.close()


def test_interleave_events_keeps_one_takedown_per_takedown() -> None:
    def event(at: str, kind: str, row: int | None = None) -> TakedownEvent:
        return TakedownEvent(at, kind, "https://x.vn/1", id=row)

    ours = [event("03", "removed", 1), event("05", "returned", 2)]
    # A later sighting of a takedown under way adds nothing; an earlier one takes the place of ours.
    assert interleave_events(ours, [event("04", "removed")]) == ours
    assert interleave_events(ours, [event("02", "removed")]) == [event("02", "removed", 1), ours[1]]
    # A takedown and return between ours fit in by time; a return while the article is there adds nothing.
    assert [(e.at, e.event) for e in interleave_events(ours, [event("06", "removed"), event("07", "returned"),
                                                              event("01", "returned")])] == [
        ("03", "removed"), ("05", "returned"), ("06", "removed"), ("07", "returned")]
    # A refused page is kept wherever it falls.
    assert [e.event for e in interleave_events(ours, [event("04", "not_this_article")])] == [
        "removed", "not_this_article", "returned"]
    once = interleave_events(ours, [event("02", "removed"), event("06", "removed")])
    assert interleave_events(once, [event("02", "removed"), event("06", "removed")]) == once


def test_portals_and_their_url_shapes_are_merged(merged: dict[str, Any]) -> None:
    target = open_archive(merged["path"], readonly=True)
    site = next(target.query("SELECT name, cms FROM sites WHERE key = 'xuanthanh.gov.vn'"))
    assert site == {"name": "Xã Xuân Thành", "cms": "wordpress"}
    shape = target.execute("SELECT articles, listings FROM url_shapes WHERE site = 'xuanthanh.gov.vn'").fetchall()
    assert shape == [(9, 1)]  # the row learned last
    target.close()


def test_runs_keep_their_origin(sources: dict[str, Any], merged: dict[str, Any]) -> None:
    target = open_archive(merged["path"], readonly=True)
    origins = {}
    for name in ("first", "second"):
        with open_archive(sources[name], readonly=True) as db:
            origins[name] = merging.archive_id(db)
    runs = list(target.query("SELECT site, status, origin, origin_run, errors_json FROM runs ORDER BY id"))
    assert [(run["origin"], run["origin_run"], run["site"]) for run in runs] == [
        (origins["first"], 1, "first half"), (origins["first"], 2, "second half"),
        (origins["second"], 1, "first half"), (origins["second"], 2, "second half")]
    assert json.loads(runs[1]["errors_json"]) == {"http_500": 1} and runs[0]["status"] == "ok"
    sources_seen = {row[0] for row in target.execute("SELECT origin FROM merge_sources")}
    assert sources_seen == set(origins.values())
    target.close()


def test_runs_keep_what_each_extraction_path_read(merged: dict[str, Any]) -> None:
    target = open_archive(merged["path"], readonly=True)
    rows = target.execute("SELECT site, by_profile, by_template, by_generic FROM runs ORDER BY id").fetchall()
    assert rows == [("first half", 0, 0, 0), ("second half", 0, 90, 30)] * 2
    target.close()


def test_learned_templates_are_numbered_after_the_targets_own_and_the_newest_serves(
    sources: dict[str, Any], merged: dict[str, Any]
) -> None:
    target = open_archive(merged["path"], readonly=True)
    knowledge, templated = sources["knowledge"], sources["templated"]
    runs = {(origin, number): run_id for run_id, origin, number in target.execute(
        "SELECT id, origin, origin_run FROM runs")}
    with open_archive(sources["second"], readonly=True) as db:
        second = merging.archive_id(db)
    rows = target.execute("SELECT version, knowledge, run, reason FROM templates WHERE site = ? ORDER BY version",
                          [templated]).fetchall()
    # The first machine's two versions, the second's as version 3 (its run the merged run), then the
    # first's version 2 again: learned on 4 December, after the second's, it goes on serving the portal.
    assert [(version, text) for version, text, _, _ in rows] == [
        (1, knowledge["first_1"]), (2, knowledge["first_2"]), (3, knowledge["second_1"]), (4, knowledge["first_2"])]
    assert rows[2][2] == runs[(second, 2)] and rows[2][3] == f"first (merged: version 1 of {second})"
    assert rows[3][3].startswith("the newest again after a merge: version 2, learned again")
    version, text = current_template(target, templated) or (0, "")
    assert version == 4 and PortalKnowledge.from_json(text, version=version).template == Template(templated, 4, ())
    # A portal only the second machine knew keeps its number.
    assert [row[0] for row in target.execute("SELECT version FROM templates WHERE site = ?", [ONLY_SECOND])] == [1]
    # What the second machine read through its version 1 says version 3 here, versions included.
    read = {row[0] for row in target.execute(
        "SELECT DISTINCT article_versions.extraction FROM article_versions JOIN articles ON articles.id = article_id"
        " WHERE site = ?",
        [templated])}
    assert f"template:{templated}@3" in read and f"template:{templated}@1" not in read
    latest = _article(target, sources["latest_second"].article.url)
    assert latest["extraction"] == f"template:{templated}@3"
    assert merged["counts"][1]["templates"] == 3
    target.close()


def test_crawl_state_keeps_the_latest_fetch_of_each_url(sources: dict[str, Any], merged: dict[str, Any],
                                                        tmp_path: Path) -> None:
    url = sources["interleaved"].article.url
    # The first machine fetched the URL once more since (a copy: the other tests merge the original).
    later = tmp_path / "north-later.db"
    later.write_bytes(sources["first"].read_bytes())
    first = open_archive(later)
    record_fetch(first, url, site=sources["interleaved"].article.site, kind="article", status=304,
                 when="2026-12-06T00:00:00+00:00", headers={"ETag": '"v9"'})
    first.close()
    target = tmp_path / "national.db"
    target.write_bytes(merged["path"].read_bytes())
    target = open_archive(target)
    with open_archive(later, readonly=True) as source:
        merge_archive(target, source, source_path=later)
    with open_archive(sources["second"], readonly=True) as source:
        merge_archive(target, source, source_path=sources["second"])  # fetched earlier there: not taken
    row = next(target.query("SELECT fetched, status, etag FROM crawl_state WHERE url = ?", [url]))
    assert row == {"fetched": "2026-12-06T00:00:00+00:00", "status": 304, "etag": '"v9"'}
    target.close()


def test_merging_again_changes_nothing(sources: dict[str, Any], merged: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "again.db"
    _merge(target, sources["first"], sources["second"])
    once = dump(target)
    counts = _merge(target, sources["first"], sources["second"])
    assert dump(target) == once
    assert all(count["new"] == 0 and count["changed"] == 0 for count in counts)


def test_an_interrupted_merge_run_again_gives_the_uninterrupted_result(
    sources: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(merging, "BATCH", 7)
    uninterrupted = tmp_path / "whole.db"
    _merge(uninterrupted, sources["first"], sources["second"])
    expected = dump(uninterrupted)

    interrupted = tmp_path / "interrupted.db"
    for stop_after in (3, 5):
        db = open_archive(interrupted)
        with open_archive(sources["first"], readonly=True) as first:
            merge_archive(db, first, source_path=sources["first"])
        with open_archive(sources["second"], readonly=True) as second:
            batches = []

            def stop(done: int, total: int, batches: list[int] = batches, after: int = stop_after) -> None:
                batches.append(done)
                if len(batches) == after:
                    raise KeyboardInterrupt

            with pytest.raises(KeyboardInterrupt):
                merge_archive(db, second, source_path=sources["second"], progress=stop)
        db.close()
    assert dump(interrupted) != expected  # stopped half-way
    _merge(interrupted, sources["first"], sources["second"])
    assert dump(interrupted) == expected


@pytest.mark.slow
def test_a_merge_killed_mid_way_and_run_again_gives_the_uninterrupted_result(
    sources: dict[str, Any], merged: dict[str, Any], tmp_path: Path
) -> None:
    """kill -9 at several moments of a real `tinbai merge`, then once more to the end."""
    target = tmp_path / "killed.db"
    command = [sys.executable, "-m", "crawler.cli", "merge", str(sources["first"]), str(sources["second"]),
               "--db", str(target)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for delay in (1.5, 2.5, 3.5):
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finished = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert dump(target) == merged["dump"]


def test_merge_command(sources: dict[str, Any], merged: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "cli.db"
    result = CliRunner().invoke(cli, ["merge", str(sources["first"]), str(sources["second"]), "--db", str(target)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert [entry["source"] for entry in printed] == [str(sources["first"]), str(sources["second"])]
    assert dump(target) == merged["dump"]


@pytest.mark.parametrize("case", ["missing", "itself", "not an archive", "a copy of the target"])
def test_merge_refuses_what_it_cannot_merge_in_one_line(sources: dict[str, Any], tmp_path: Path, case: str) -> None:
    target = tmp_path / "target.db"
    open_archive(target).close()
    source = {"missing": tmp_path / "none.db", "itself": target}.get(case, tmp_path / "other.db")
    if case == "not an archive":
        source.write_bytes(b"not a database" * 100)
    if case == "a copy of the target":
        source.write_bytes(target.read_bytes())
    result = CliRunner().invoke(cli, ["merge", str(source), "--db", str(target)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_tinbai_runs_shows_each_runs_origin(sources: dict[str, Any], merged: dict[str, Any]) -> None:
    result = CliRunner().invoke(cli, ["runs", "--db", str(merged["path"]), "--json"])
    assert result.exit_code == 0, result.output
    runs = json.loads(result.output)
    with open_archive(sources["second"], readonly=True) as second:
        assert [run["origin"] for run in runs[:2]] == [merging.archive_id(second)] * 2


def test_interleave_fits_theirs_in_and_is_stable_when_merged_again() -> None:
    def version(when: str, content: str) -> StoredVersion:
        return StoredVersion(when, "t", content, content, None, "generic")

    # A source whose second version was fetched before its first (a replayed crawl, a clock set
    # wrong): its order is kept, and merging it again, alone or after another source, adds nothing.
    odd = [version("2026-01-05", "a"), version("2026-01-03", "b")]
    other = [version("2026-01-04", "b"), version("2026-01-06", "c")]
    once = interleave(interleave([], odd), other)
    assert interleave(once, odd) == once and interleave(interleave(once, odd), other) == once
    # An earlier sighting of the next version's content takes its place; a later one adds nothing.
    ours = [version("2026-01-01", "a"), version("2026-01-10", "b")]
    assert [(v.fetched_at, v.content_hash) for v in interleave(ours, [version("2026-01-05", "b")])] == [
        ("2026-01-01", "a"), ("2026-01-05", "b")]
    assert interleave(ours, [version("2026-01-12", "b")]) == ours


def test_the_feed_time_read_last_by_either_machine_is_kept(tmp_path: Path) -> None:
    # What dates a page that shows only how long ago: a merged archive re-extracts it as its crawl did.
    entry = "https://tinhuy.laocai.example/tin-tuc/-/blogs/ky-niem"
    paths = {}
    for name, published, seen in (("north", "2025-06-14T02:00:00+00:00", "2026-12-02"),
                                  ("south", "2025-06-14T03:00:00+00:00", "2026-12-01")):
        paths[name] = tmp_path / f"{name}.db"
        db = open_archive(paths[name])
        record_listing(db, "https://tinhuy.laocai.example/c/blogs/rss", site="tinhuy.laocai.example", status=200,
                       queued=[], kind="feed", dates={entry: published})
        db.execute("UPDATE feed_dates SET seen = ?", [seen])
        db.close()
    _merge(tmp_path / "national.db", paths["north"], paths["south"])
    assert archive_published(tmp_path / "national.db", entry) == "2025-06-14T02:00:00+00:00"


def archive_published(path: Path, url: str) -> str:
    with open_archive(path, readonly=True) as db:
        return str(db.execute("SELECT published FROM feed_dates WHERE url = ?", [url]).fetchone()[0])


@pytest.mark.parametrize("order", ["redirected first", "seen first"])
def test_an_address_either_machine_saw_the_article_at_is_not_a_mere_redirect(tmp_path: Path, order: str) -> None:
    # One machine was redirected by the old category path to the article; the other, before the
    # portal changed its URL scheme, saw the article at that path. Merged, the path is one the
    # article was seen at: its 404 takes the article down, as on the second machine. A path both
    # machines were only redirected by stays a redirect, and its 404 does not.
    own = "https://nghean.dcs.vn/vi-vn/tin/chinh-quyen/hop/1-2-500"
    old = "https://nghean.dcs.vn/vi-vn/tin/thoi-su/hop/1-2-500"
    short = "https://nghean.dcs.vn/?p=500"
    text = "Sáng 8/7, Ban Thường vụ Tỉnh ủy Nghệ An họp phiên thường kỳ tháng 7, bàn nhiệm vụ trọng tâm quý III."
    article = Article(url=own, site="nghean", title="Tỉnh ủy họp", text=text)
    paths = {name: tmp_path / f"{name}.db" for name in ("redirected", "seen")}
    db = open_archive(paths["redirected"])
    save_article(db, article, fetched_url=own, requested_url=old)
    save_article(db, article, fetched_url=own, requested_url=short)
    db.close()
    db = open_archive(paths["seen"])
    save_article(db, article, fetched_url=old)
    save_article(db, article, fetched_url=own, requested_url=short)
    db.close()
    sources = [paths["redirected"], paths["seen"]]
    _merge(tmp_path / "national.db", *(sources if order == "redirected first" else reversed(sources)))
    db = open_archive(tmp_path / "national.db")
    assert db.execute("SELECT url, redirected FROM article_urls ORDER BY url").fetchall() == [
        (short, 1), (own, 0), (old, 0)]
    article_id = article_of_url(db, own)
    assert article_id is not None
    with write_transaction(db):
        assert mark_gone(db, article_id, url=short, reason="http_404", when="2026-12-07T00:00:00+00:00") \
            == "redirect_gone"
        assert mark_gone(db, article_id, url=old, reason="http_404", when="2026-12-07T00:00:00+00:00") == "removed"
    db.close()


def test_a_shortlink_each_machine_followed_to_another_article_does_not_merge_them(tmp_path: Path) -> None:
    # The portal gave the shortlink to a newer article between the two machines' crawls: the two
    # articles it led to stay two, each with its own text.
    short = "https://nghean.dcs.vn/?p=500"
    texts = {"first": "Sáng 8/7, Ban Thường vụ Tỉnh ủy Nghệ An họp phiên thường kỳ tháng 7, bàn nhiệm vụ quý III.",
             "second": "Chiều 20/9, Ủy ban Kiểm tra Tỉnh ủy Nghệ An tổng kết công tác kiểm tra, giám sát năm 2025."}
    paths = []
    for number, (name, text) in enumerate(texts.items(), start=1):
        paths.append(tmp_path / f"{name}.db")
        db = open_archive(paths[-1])
        own = f"https://nghean.dcs.vn/vi-vn/tin/{name}/1-2-{500 + number}"
        save_article(db, Article(url=own, site="nghean", title=name, text=text), fetched_url=own, requested_url=short)
        db.close()
    _merge(tmp_path / "national.db", *paths)
    db = open_archive(tmp_path / "national.db")
    assert db.execute("SELECT title FROM articles ORDER BY id").fetchall() == [("first",), ("second",)]
    db.close()
