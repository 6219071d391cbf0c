"""`tinbai stats` and the UI's month facet at national scale: per-portal counts kept as the archive
changes (archive/sitecounts.py) always equal a count of the archive, and no statement they run reads
every article."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from archive import open_archive, save_article
from archive.merge import merge_archive
from archive.query.portal import categories, portals
from archive.runs import finish_run, recent_runs, start_run, stats
from archive.store import save_reextraction
from archive.takedowns import article_of_url, mark_gone, mark_present
from archive.transaction import write_transaction
from bench.nation import Corpus

KEPT = ("articles", "near_duplicates", "versions", "removed", "removals", "returns")


def counted(db) -> dict[str, tuple[int, ...]]:  # type: ignore[no-untyped-def]
    """site -> (articles, re-posts, versions, gone now, takedowns, returns), counted the slow way."""
    rows = db.execute(
        "SELECT site, count(*), count(near_duplicate_of), (SELECT count(*) FROM article_versions JOIN articles AS a"
        " ON a.id = article_versions.article_id WHERE a.site = articles.site), count(removed),"
        " (SELECT count(*) FROM article_events AS e JOIN articles AS a ON a.id = e.article_id"
        "  WHERE a.site = articles.site AND e.event = 'removed'),"
        " (SELECT count(*) FROM article_events AS e JOIN articles AS a ON a.id = e.article_id"
        "  WHERE a.site = articles.site AND e.event = 'returned') FROM articles GROUP BY site")
    return {row[0]: tuple(row[1:]) for row in rows}


def reported(db) -> dict[str, tuple[int, ...]]:  # type: ignore[no-untyped-def]
    return {row["site"]: tuple(row[name] for name in KEPT) for row in stats(db) if row["articles"]}


def kept_equal_counted(db) -> bool:  # type: ignore[no-untyped-def]
    """stats() and the kept category counts against a count of the articles; the portals listed."""
    slow = [{"category": row[0], "articles": row[1]} for row in db.execute(
        "SELECT category, count(*) FROM articles WHERE category IS NOT NULL GROUP BY category ORDER BY category")]
    by_site = {(row[0], row[1]): row[2] for row in db.execute(
        "SELECT site, category, count(*) FROM articles WHERE category IS NOT NULL GROUP BY site, category")}
    kept_by_site = {(site, row["category"]): row["articles"] for site in counted(db) for row in categories(db, site)}
    listed = {row["site"]: row["articles"] for row in portals(db)}
    return (reported(db) == counted(db) and categories(db) == slow and kept_by_site == by_site
            and listed == {site: figures[0] for site, figures in counted(db).items()})


def take_down(db, number: int, corpus: Corpus, *, back: bool) -> None:  # type: ignore[no-untyped-def]
    """Article `number` of the corpus found gone (and found again when `back`)."""
    url = corpus.record(number).article.url
    article_id = article_of_url(db, url)
    assert article_id is not None
    with write_transaction(db):
        assert mark_gone(db, article_id, url=url, reason="http_404", when="2026-12-02T00:00:00+00:00",
                         status=404) == "removed"
        if back:
            assert mark_present(db, article_id, url=url, when="2026-12-03T00:00:00+00:00")


def test_kept_counts_equal_the_archive_through_every_kind_of_write(tmp_path: Path) -> None:
    corpus = Corpus()
    path = tmp_path / "a.db"
    db = open_archive(path)
    run = start_run(db, "nghean")
    for number in range(1, 700):
        record = corpus.record(number)
        save_article(db, record.article, page=record.page, fetched_at=record.fetched_at,
                     site_article_id=record.site_article_id)
    finish_run(db, run, status="ok", counts={}, errors={})
    assert kept_equal_counted(db)
    # Takedowns: one article gone for good, one gone and back, both of portals that also move below.
    take_down(db, 10, corpus, back=False)
    take_down(db, 11, corpus, back=True)
    take_down(db, 660, corpus, back=False)
    assert sum(row["removed"] for row in stats(db)) == 2
    assert sum(row["returns"] for row in stats(db)) == 1
    assert kept_equal_counted(db)
    # An article re-fetched under another portal's key (a portal renamed), a re-extraction that
    # changes a text, and one that turns a re-post into an original.
    moved = corpus.record(10).article
    save_article(db, replace(moved, site="renamed.dcs.vn", text=moved.text + " Cập nhật.", content_hash=""),
                 fetched_at="2026-12-01T00:00:00+00:00")
    article_id, url = db.execute("SELECT id, url FROM articles WHERE near_duplicate_of IS NOT NULL LIMIT 1").fetchone()
    raw_page = db.execute("SELECT raw_page_id FROM article_versions WHERE article_id = ?", [article_id]).fetchone()[0]
    repost = next(n for n in range(1, 700) if corpus.record(n).article.url == url)
    rewritten = replace(corpus.record(repost).article, text="Một bài khác hẳn. " * 30, content_hash="")
    save_reextraction(db, article_id, rewritten, raw_page_id=raw_page)
    assert db.execute("SELECT near_duplicate_of FROM articles WHERE id = ?", [article_id]).fetchone()[0] is None
    # A re-extraction that files an unchanged text under another category, and one under none.
    for number, category in ((20, "Chuyên mục mới"), (21, None)):
        record = corpus.record(number)
        article_id, raw_page = db.execute(
            "SELECT articles.id, raw_page_id FROM articles JOIN article_versions ON article_id = articles.id"
            " WHERE url = ?", [record.article.url]).fetchone()
        assert save_reextraction(db, article_id, replace(record.article, category=category),
                                 raw_page_id=raw_page).status == "duplicate"
    assert "Chuyên mục mới" in {row["category"] for row in categories(db)}
    assert kept_equal_counted(db)
    assert "renamed.dcs.vn" in reported(db)
    db.close()
    # Merged into another archive, which had articles of its own.
    other = tmp_path / "b.db"
    target = open_archive(other)
    for number in range(650, 900):
        record = corpus.record(number)
        save_article(target, record.article, page=record.page, fetched_at=record.fetched_at,
                     site_article_id=record.site_article_id)
    with open_archive(path, readonly=True) as source:
        merge_archive(target, source, source_path=path)
    assert kept_equal_counted(target)
    target.close()


def test_stats_and_the_month_facet_read_no_table_whole(tmp_path: Path) -> None:
    corpus = Corpus()
    db = open_archive(tmp_path / "a.db")
    for number in range(1, 60):
        record = corpus.record(number)
        save_article(db, record.article, fetched_at=record.fetched_at, site_article_id=record.site_article_id)
    for site in ("nghean", "hanoi.dcs.vn", "a portal without articles"):
        run = start_run(db, site)
        finish_run(db, run, status="ok", counts={}, errors={})
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    stats(db)
    db.conn.set_trace_callback(None)
    # Datasette's facet query for the articles of one portal, by month (datasette/facets.py).
    statements.append("select published_month as value, count(*) as count from (select * from articles"
                      " where \"site\" = 'nghean') where published_month is not null group by published_month"
                      " order by count desc, value limit 31")
    plans = []
    for statement in statements:
        plans += [row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {statement}")]
    scans = [plan for plan in plans if plan.startswith("SCAN") and "site_counts" not in plan
             and plan not in ("SCAN CONSTANT ROW", "SCAN seen")]
    assert scans == [], scans
    assert any("idx_articles_site_month" in plan for plan in plans)
    assert "a portal without articles" in {row["site"] for row in stats(db)}
    db.close()


def test_a_portals_runs_find_the_share_of_its_last_run_without_its_profile_by_an_index(tmp_path: Path) -> None:
    # Each run shown carries the share of the last earlier run of its portal that read articles
    # without the profile (drift). A profiled portal's runs never read any that way: the lookup must
    # seek that run in an index, not read every earlier run of the portal from the table.
    db = open_archive(tmp_path / "a.db")
    for site, counts in (("nghean", {"by_profile": 5}), ("hanoi.dcs.vn", {"by_template": 3, "by_generic": 1}),
                         ("hanoi.dcs.vn", {"by_template": 1, "by_generic": 3}), ("nghean", {"by_profile": 4})):
        run = start_run(db, site)
        finish_run(db, run, status="ok", counts=counts, errors={})
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    shown = {site: recent_runs(db, site=site) for site in ("nghean", "hanoi.dcs.vn")}
    db.conn.set_trace_callback(None)
    plans = [row[-1] for statement in statements if statement.lstrip().upper().startswith("SELECT")
             for row in db.execute(f"EXPLAIN QUERY PLAN {statement}")]
    assert any("idx_runs_site_unprofiled (site=? AND id<?)" in plan for plan in plans), plans
    assert [run["previous_template_share"] for run in shown["hanoi.dcs.vn"]] == [0.75, None]
    assert [run["template_share"] for run in shown["hanoi.dcs.vn"]] == [0.25, 0.75]
    assert [run["previous_template_share"] for run in shown["nghean"]] == [None, None]
    db.close()
