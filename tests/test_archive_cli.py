"""Querying the archive from the command line: show (versions, word diff), export (streamed), search errors."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import open_archive, save_article
from archive.query.export import export_rows, write_jsonl
from archive.query.filters import Filters
from archive.query.history import render_diff, word_diff
from crawler.cli import cli
from crawler.extract.record import Article

URL = "https://nghean.dcs.vn/vi-vn/tin/hoi-nghi-ban-chap-hanh/1-2-500"
V1 = "Sáng 8/7, Ban Chấp hành Đảng bộ tỉnh họp.\n\nHội nghị kéo dài hai ngày."
V2 = "Sáng 8/7, Ban Chấp hành Đảng bộ tỉnh Nghệ An họp.\n\nHội nghị kéo dài ba ngày."
V3 = V2 + "\n\nHội nghị đã bế mạc."
LONG = " ".join(f"Đoạn văn thứ {n} nói về công tác xây dựng Đảng ở cơ sở." for n in range(30))


def article(url: str = URL, text: str = V1, **fields: object) -> Article:
    values: dict = {"site": "nghean", "title": "Hội nghị Ban Chấp hành", "published": "2026-07-08T08:00:00+07:00",
                    "category": "Xây dựng Đảng"}
    values.update(fields)
    return Article(url=url, text=text, **values)


@pytest.fixture
def archive_file(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    db = open_archive(path)
    for number, text in enumerate((V1, V2, V2, V3), start=1):
        save_article(db, article(text=text), fetched_at=f"2026-07-0{number}T00:00:00+00:00")
    save_article(db, article(url="https://nghean.dcs.vn/vi-vn/tin/khac/1-5-600", text=LONG, title="Bài khác",
                             published="2025-01-02", category="Chính quyền"))
    save_article(db, article(url="https://dienchau.nghean.dcs.vn/tin/600.html", text=LONG + " Nguồn: Tỉnh ủy.",
                             site="dienchau", title="Bài khác (đăng lại)"))
    db.close()
    return path


def run(*args: str) -> tuple[int, str]:
    """Exit code and standard output, or the error message when the command failed."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output


def test_word_diff_marks_changed_words_only() -> None:
    changes = word_diff(V1, V2)
    assert ("+", "Nghệ An") in changes and ("-", "hai") in changes and ("+", "ba") in changes
    assert render_diff(changes) == (
        "Sáng 8/7, Ban Chấp hành Đảng bộ tỉnh {+Nghệ An+} họp.\n\nHội nghị kéo dài [-hai-] {+ba+} ngày."
    )


def test_show_lists_versions_and_diffs_the_last_two(archive_file: Path) -> None:
    code, output = run("show", "1", "--db", str(archive_file))
    assert code == 0, output
    assert "v1  2026-07-01" in output and "v2  2026-07-02" in output and "v3  2026-07-04" in output
    assert "v4" not in output  # the unchanged fetch of 07-03 only moved last_seen
    assert "diff v2 -> v3" in output and "ba ngày.\n\n{+Hội nghị đã bế mạc.+}" in output


def test_show_any_two_versions_as_json_by_a_tracking_url(archive_file: Path) -> None:
    code, output = run("show", URL + "?utm_source=facebook&fbclid=x", "--db", str(archive_file), "--diff", "1", "2",
                       "--json")
    assert code == 0, output
    shown = json.loads(output)
    assert shown["id"] == 1 and shown["text"] == V3 and shown["last_seen"] == "2026-07-04T00:00:00+00:00"
    assert [v["version"] for v in shown["versions"]] == [1, 2, 3]
    assert shown["diff"]["versions"] == [1, 2]
    assert {"op": "-", "text": "hai"} in shown["diff"]["changes"]


def test_show_unknown_article_is_one_clear_line(archive_file: Path) -> None:
    # Could not run: exit code 2, as every command says a bad argument.
    code, output = run("show", "https://nghean.dcs.vn/khong-co", "--db", str(archive_file))
    assert code == 2 and output.strip() == "Error: no article with id or URL https://nghean.dcs.vn/khong-co"
    code, output = run("show", "1", "--db", str(archive_file), "--diff", "1", "9")
    assert code == 2 and "no version 9" in output


def test_export_jsonl_writes_every_article_reposts_included(archive_file: Path) -> None:
    code, output = run("export", "--db", str(archive_file))
    assert code == 0
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    # By publication date, the re-post too, saying which article it re-posts.
    assert [row["id"] for row in lines] == [2, 1, 3]
    assert lines[2]["near_duplicate_of"] == 2 and lines[0]["near_duplicate_of"] is None
    assert lines[1]["versions"] == 3 and lines[1]["text"] == V3
    assert all("removed" in row and row["removed"] is None for row in lines)
    # The option that once let re-posts in is still accepted, and changes nothing.
    code, again = run("export", "--db", str(archive_file), "--include-near-duplicates")
    assert code == 0 and again == output


def test_export_csv_with_filters(archive_file: Path) -> None:
    code, output = run("export", "--db", str(archive_file), "--format", "csv", "--category", "chinh quyen")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [row["id"] for row in rows] == ["2"] and rows[0]["text"] == LONG
    code, output = run("export", "--db", str(archive_file), "--since", "2026-07", "--until", "2026-07-31")
    assert code == 0 and '"id": 1' in output and '"id": 2' not in output
    code, output = run("export", "--db", str(archive_file), "--since", "8/7/2026")
    assert code == 2 and "YYYY-MM-DD" in output


def test_export_streams_in_constant_memory(tmp_path: Path) -> None:
    db = open_archive(tmp_path / "big.db")
    paragraph = "Nội dung bài viết về công tác Đảng ở cơ sở, " * 100  # about 4.5 kB
    with db.atomic():
        db.table("articles").insert_all(
            {"url": f"https://a.vn/{n}", "site": "a", "title": f"Bài {n}", "text": f"{n} {paragraph}",
             "content_hash": str(n), "first_seen": "x", "last_seen": "x"}
            for n in range(3000)
        )
    total = sum(len(row[0].encode()) for row in db.execute("SELECT text FROM articles"))

    class Discard(io.StringIO):
        def write(self, text: str) -> int:
            return len(text)

    tracemalloc.start()
    written = write_jsonl(export_rows(db, Filters()), Discard())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    db.close()
    assert written == 3000 and total > 13_000_000
    # Holding every row (a list, fetchall) would take more than the text itself: a batch is a few MB.
    assert peak < total / 4, f"peak {peak} bytes for {total} bytes of text"


@pytest.mark.parametrize("query", ['"dang uy', "dang OR uy", "***", ""])
def test_malformed_search_exits_2_without_traceback(archive_file: Path, query: str) -> None:
    code, output = run("search", query, "--db", str(archive_file))
    assert code == 2
    assert output.startswith("Error: ") and "Traceback" not in output and output.count("\n") == 1


def test_search_exact_and_filters_from_the_command_line(archive_file: Path) -> None:
    code, output = run("search", "ban chap hanh", "--db", str(archive_file), "--json")
    assert code == 0 and [r["id"] for r in json.loads(output)] == [1]
    code, output = run("search", "Đảng bộ", "--db", str(archive_file), "--exact", "--json")
    assert [r["id"] for r in json.loads(output)] == [1]
    code, output = run("search", "dang", "--db", str(archive_file), "--json", "--site", "dienchau",
                       "--include-near-duplicates")
    assert [r["id"] for r in json.loads(output)] == [3]


def test_stats_per_site_counts_reposts_versions_and_last_run_errors(archive_file: Path) -> None:
    from archive import finish_run, start_run

    db = open_archive(archive_file)
    run_id = start_run(db, "nghean")
    finish_run(db, run_id, status="errors", counts={"pages": 20}, errors={"http_404": 1, "http_500": 2})
    db.close()
    code, output = run("stats", "--db", str(archive_file), "--json")
    assert code == 0
    rows = {row["site"]: row for row in json.loads(output)}
    nghean = rows["nghean"]
    assert (nghean["articles"], nghean["near_duplicates"], nghean["versions"]) == (2, 0, 4)
    assert (nghean["first_published"], nghean["last_published"]) == ("2025-01-02", "2026-07-08T08:00:00+07:00")
    assert nghean["last_run_status"] == "errors" and nghean["last_run_errors"] == 3
    assert nghean["last_run_errors_by_kind"] == {"http_404": 1, "http_500": 2}
    assert (rows["dienchau"]["articles"], rows["dienchau"]["near_duplicates"]) == (1, 1)
    assert rows["dienchau"]["last_run"] is None
