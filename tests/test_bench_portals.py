"""bench/portals.py's verdicts: issue #17's targets judged on the judging sets, pooled and each."""

from __future__ import annotations

from typing import Any

from bench.portals import speed_table, targets


def _result(name: str, role: str, *, template: float, trafilatura: float, authors: int = 10) -> dict[str, Any]:
    return {
        "set": name, "role": role, "articles_found": 10, "articles_expected": 10, "non_articles_archived": 0,
        "recalls": [1.0] * 10, "paragraph_recall": 1.0, "leaks": 0, "golds": 10, "titles": 10, "minutes": 10,
        "authors": authors, "template_pages": 10, "template_x_trafilatura": round(trafilatura / template, 2),
        "seconds_by_path": {"template": template, "generic": template * 4, "trafilatura": trafilatura,
                            "trafilatura_fast": trafilatura * 0.8},
    }


def _verdicts(text: str) -> dict[str, str]:
    rows = [line.strip("|").split("|") for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    return {cells[0].strip(): cells[2].strip() for cells in rows[1:]}


def test_a_judging_set_below_a_target_fails_it_even_when_the_pool_meets_it() -> None:
    fast = _result("fast", "judging", template=0.01, trafilatura=1.5)  # 150x
    slow = _result("slow", "judging", template=0.1, trafilatura=0.5, authors=9)  # 5x, 9/10 authors
    verdicts = _verdicts(targets([fast, slow]))
    # pooled: 2.0 s of trafilatura against 0.11 s through templates, 18x; but 5x on one set
    assert "18.18x pooled" in targets([fast, slow])
    assert verdicts["learned template >= 10x plain trafilatura"] == "**no**"
    assert verdicts["author right on >= 95% of pages"] == "**no**"  # 19/20 pooled, but 9/10 on one set
    assert verdicts["title right on >= 95% of pages"] == "yes"
    assert verdicts["every article found"] == "yes"


def test_tuning_sets_are_not_judged_and_are_reported_apart() -> None:
    tuning = _result("tuned", "tuning", template=0.1, trafilatura=0.2)  # 2x, not judged
    judging = _result("held-out", "judging", template=0.01, trafilatura=0.2)  # 20x
    assert _verdicts(targets([tuning, judging]))["learned template >= 10x plain trafilatura"] == "yes"
    table = speed_table([tuning, judging])
    assert "tuning, pooled: template 2.00x trafilatura (1.60x fast=True)" in table
    assert "judging, pooled: template 20.00x trafilatura (16.00x fast=True)" in table
