"""The command line for people and for scripts: text by default, --json and --csv with the same field
names, errors by kind written one way, progress on a terminal and silence elsewhere."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive import finish_run, open_archive, save_article, start_run
from archive.runs import errors_by_kind_text
from crawler.cli import cli
from crawler.extract.record import Article, Image
from crawler.progress import Progress, for_terminal
from tests.conftest import REPO, tinbai_command
from tests.fixtures import FIXTURES

URL = "https://nghean.dcs.vn/vi-vn/tin/hoi-nghi-ban-chap-hanh/1-2-500"
LEAD = "Sáng 8/7, Ban Chấp hành Đảng bộ tỉnh họp phiên thường kỳ."
V1 = f"{LEAD}\n\nHội nghị kéo dài hai ngày.\n\nĐồng chí Bí thư Tỉnh ủy chủ trì."
V2 = f"{LEAD}\n\nHội nghị kéo dài ba ngày.\n\nĐồng chí Bí thư Tỉnh ủy chủ trì."


def article(number: int, **fields: Any) -> Article:
    values: dict[str, Any] = {
        "url": f"https://nghean.dcs.vn/vi-vn/tin/bai-{number}/1-2-{number}", "site": "nghean",
        "title": f"Đảng ủy xã họp lần {number}", "published": "2026-07-08T08:00:00+07:00",
        "category": "Xây dựng Đảng", "text": f"Bài {number}: Đảng ủy xã họp bàn việc thôn {number}.",
    }
    values.update(fields)
    return Article(**values)


@pytest.fixture
def archive_file(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    db = open_archive(path)
    fields = {"title": "Hội nghị Ban Chấp hành", "author": "Phan Hằng", "summary": LEAD, "source": "Báo Nghệ An",
              "images": (Image("https://nghean.dcs.vn/anh/1.jpg", "Quang cảnh hội nghị"),)}
    save_article(db, article(500, url=URL, text=V1, **fields), fetched_at="2026-07-01T00:00:00+00:00")
    save_article(db, article(500, url=URL, text=V2, **fields), fetched_at="2026-07-02T00:00:00+00:00")
    for number in range(1, 12):
        save_article(db, article(number))
    run = start_run(db, "nghean")
    finish_run(db, run, status="errors", counts={"pages": 20, "new": 12}, errors={"http_404": 1, "http_500": 2})
    db.close()
    return path


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def test_errors_by_kind_one_way() -> None:
    assert errors_by_kind_text({"http_404": 1, "http_500": 2, "timeout": 1}) == "http_500: 2, http_404: 1, timeout: 1"
    assert errors_by_kind_text({}) == "" and errors_by_kind_text(None) == ""


def test_show_prints_the_article_to_read(archive_file: Path) -> None:
    result = run("show", URL, "--db", str(archive_file))
    assert result.exit_code == 0, result.output
    text = result.stdout
    lines = text.splitlines()
    assert lines[0] == "Hội nghị Ban Chấp hành"
    assert lines[2] == "nghean · Xây dựng Đảng · 08/07/2026 08:00 · Phan Hằng · Theo Báo Nghệ An"
    # The lead once, then the paragraphs of the latest version, each on its own.
    article_text = text[:text.index("\nimages:")]
    assert article_text.count(LEAD) == 1
    assert article_text.endswith(f"{LEAD}\n\nHội nghị kéo dài ba ngày.\n\nĐồng chí Bí thư Tỉnh ủy chủ trì.\n")
    assert "  1. Quang cảnh hội nghị\n     https://nghean.dcs.vn/anh/1.jpg" in text
    assert f"seen under 1 URL:\n  {URL}" in text
    assert "diff v1 -> v2:" in text and "[-hai-] {+ba+}" in text


def test_show_json_and_csv_share_field_names(archive_file: Path) -> None:
    record = json.loads(run("show", "1", "--db", str(archive_file), "--json").stdout)
    assert record["author"] == "Phan Hằng" and record["urls"] == [URL] and len(record["versions"]) == 2
    assert record["repost_of"] is None and record["reposts"] == []
    [row] = list(csv.DictReader(io.StringIO(run("show", "1", "--db", str(archive_file), "--csv").stdout)))
    assert set(row) <= set(record) and {"title", "author", "summary", "text", "urls"} <= set(row)
    assert row["text"] == record["text"] and row["urls"] == URL and row["id"] == "1"


def test_search_says_how_many_match_and_which_it_shows(archive_file: Path) -> None:
    result = run("search", "dang uy", "--db", str(archive_file), "--limit", "3")
    assert result.exit_code == 0
    # Eleven "Đảng ủy xã" and the Ban Chấp hành's "Đảng bộ ... Tỉnh ủy".
    assert result.stdout.splitlines()[0] == '12 articles match "dang uy"; showing 1-3 (--offset 3 for more)'
    assert "\n  1. " in result.stdout and "\n  3. " in result.stdout and "\n  4. " not in result.stdout
    last = run("search", "dang uy", "--db", str(archive_file), "--limit", "3", "--offset", "9")
    assert last.stdout.splitlines()[0] == '12 articles match "dang uy"; showing 10-12'
    assert "\n 10. " in last.stdout and "\n 12. " in last.stdout
    none = run("search", "quang binh", "--db", str(archive_file))
    assert none.exit_code == 0 and none.stdout.strip() == '0 articles match "quang binh"'


def test_search_json_and_csv_have_the_same_fields_and_the_count_on_stderr(archive_file: Path) -> None:
    as_json = run("search", "dang uy", "--db", str(archive_file), "--limit", "4", "--json")
    as_csv = run("search", "dang uy", "--db", str(archive_file), "--limit", "4", "--csv")
    records = json.loads(as_json.stdout)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [list(record) for record in records] == [list(row) for row in rows]
    assert [str(record["id"]) for record in records] == [row["id"] for row in rows] and len(rows) == 4
    assert as_json.stderr.strip() == as_csv.stderr.strip() == (
        '12 articles match "dang uy"; showing 1-4 (--offset 4 for more)'
    )
    empty = list(csv.reader(io.StringIO(run("search", "quang binh", "--db", str(archive_file), "--csv").stdout)))
    assert empty == [["id", "url", "title", "published", "site", "category", "author", "removed", "near_duplicate_of",
                      "snippet", "position", "similar"]]


def test_stats_and_runs_for_people_and_scripts(archive_file: Path) -> None:
    table = run("stats", "--db", str(archive_file)).stdout.splitlines()
    assert table[0].split()[:7] == ["portal", "articles", "re-posts", "removed", "takedowns", "returns", "versions"]
    assert table[2].startswith("nghean") and table[2].endswith("http_500: 2, http_404: 1")
    [row] = list(csv.DictReader(io.StringIO(run("stats", "--db", str(archive_file), "--csv").stdout)))
    [record] = json.loads(run("stats", "--db", str(archive_file), "--json").stdout)
    assert list(row) == list(record)
    assert row["last_run_errors_by_kind"] == "http_500: 2, http_404: 1"
    assert record["last_run_errors_by_kind"] == {"http_404": 1, "http_500": 2}

    runs_table = run("runs", "--db", str(archive_file)).stdout.splitlines()
    assert runs_table[2].endswith("http_500: 2, http_404: 1")
    [run_row] = list(csv.DictReader(io.StringIO(run("runs", "--db", str(archive_file), "--csv").stdout)))
    [run_record] = json.loads(run("runs", "--db", str(archive_file), "--json").stdout)
    assert list(run_row) == list(run_record) and run_row["errors_by_kind"] == "http_500: 2, http_404: 1"


def on_a_terminal(*args: str, timeout: float = 120) -> tuple[int, str, str]:
    """Run `tinbai ARGS` with its standard error on a terminal (a pseudo-terminal) and its standard
    output on a pipe: (exit code, standard output, what the terminal showed)."""
    env = {key: value for key, value in os.environ.items() if key.lower() not in ("http_proxy", "https_proxy")}
    master, slave = pty.openpty()
    try:
        process = subprocess.Popen([tinbai_command(), *args], cwd=REPO, env=env, stdout=subprocess.PIPE,
                                   stderr=slave, stdin=subprocess.DEVNULL)
    finally:
        os.close(slave)
    out, _ = process.communicate(timeout=timeout)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal's other end closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    return process.returncode, out.decode(), shown.decode()


def test_crawl_and_reextract_show_progress_on_a_terminal_and_nothing_elsewhere(tmp_path: Path, tinbai: Any) -> None:
    code, out, shown = on_a_terminal("crawl", "nghean", "--replay", str(FIXTURES / "nghean"),
                                     "--db", str(tmp_path / "a.db"))
    assert code == 1 and json.loads(out)[0]["new"] == 16
    final = shown.replace("\r\n", "\n").split("\r")[-1]
    # The run's own figures at the end: 30 pages answered, 16 new articles, the 404 and the 500.
    assert final.startswith("nghean: 30 pages, 16 new, 2 errors · ") and " pages/s · 0:0" in final
    assert final.endswith("\x1b[K\n")
    piped = tinbai("crawl", "nghean", "--replay", str(FIXTURES / "nghean"), "--db", str(tmp_path / "b.db"))
    assert piped.returncode == 1 and piped.stderr == ""

    # Re-extraction over the crawled pages: 16 articles.
    code, out, shown = on_a_terminal("reextract", "--db", str(tmp_path / "a.db"), "--processes", "1")
    assert code == 0 and json.loads(out)["articles"] == 16
    assert shown.replace("\r\n", "\n").split("\r")[-1].startswith("reextract of 16: 16 articles, 0 updated, 0 failed")
    piped = tinbai("reextract", "--db", str(tmp_path / "b.db"), "--processes", "1")
    assert piped.returncode == 0 and piped.stderr == ""


def test_export_shows_progress_on_a_terminal(archive_file: Path, tinbai: Any) -> None:
    code, out, shown = on_a_terminal("export", "--db", str(archive_file))
    assert code == 0 and len(out.splitlines()) == 12
    assert shown.replace("\r\n", "\n").split("\r")[-1].startswith("export: 12 articles · ")
    piped = tinbai("export", "--db", str(archive_file))
    assert piped.returncode == 0 and piped.stderr == ""



def test_progress_redraws_one_line_at_most_every_interval() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    progress = for_terminal("pages", terminal)
    assert isinstance(progress, Progress) and for_terminal("pages", io.StringIO()) is None
    progress.interval = 3600
    progress.update("nghean", pages=1, new=0, errors=0)
    progress.update("nghean", pages=2, new=1, errors=0)  # within the interval: not drawn
    progress.update("dienchau", pages=5, new=2, errors=1)
    assert terminal.getvalue().count("\r") == 1
    progress.close()
    last = terminal.getvalue().split("\r")[-1]
    assert last.startswith("nghean: 2 pages, 1 new, 0 errors · dienchau: 5 pages, 2 new, 1 errors · ")
    assert " pages/s · 0:00\x1b[K\n" in last
    progress.close()
    assert terminal.getvalue().endswith("\x1b[K\n") and terminal.getvalue().count("\n") == 1
