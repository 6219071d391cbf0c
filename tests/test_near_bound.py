"""The near-duplicate lookup compares a bounded number of texts however many reports of one
template are within the threshold, and still finds a re-post of any of them (archive/near.py,
COMPARED)."""

from __future__ import annotations

import random
from collections.abc import Iterator

import numpy as np
import pytest
import sqlite_utils

from archive import near, open_archive, save_article
from crawler.extract.record import Article

# A template's boilerplate: lowercase words only (no name, no figure), long enough that two reports
# differing in their slots are well within the threshold (about 0.9).
VOCABULARY = (
    "cán bộ đảng viên nhân dân phát triển kinh tế xã hội chỉ đạo kiểm tra giám sát thực hiện nghị quyết"
    " công tác xây dựng tổ chức cơ sở đảng nâng cao chất lượng sinh hoạt chi bộ chuyển đổi số giảm nghèo"
    " hệ thống chính trị vững mạnh đổi mới phương thức lãnh đạo cấp ủy chính quyền đoàn thể các cấp"
).split()
SYLLABLES = ("An", "Bình", "Châu", "Diễn", "Đông", "Giang", "Hòa", "Hưng", "Khánh", "Lạc", "Lộc", "Minh", "Nam",
             "Nghĩa", "Phong", "Phú", "Quang", "Sơn", "Tân", "Thạch")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ")
GIVEN = ("Hùng", "Lan", "Tuấn", "Hà", "Dũng", "Mai", "Thắng", "Hương", "Hải", "Bình")
SIBLINGS = 200


def boilerplate(rng: random.Random) -> list[str]:
    return [" ".join(rng.choice(VOCABULARY) for _ in range(60)).capitalize() + "." for _ in range(5)]


def report(number: int, paragraphs: list[str]) -> str:
    """Report `number` of the template: the same paragraphs, its own commune, secretary, date and
    figures in the same slots."""
    commune = f"{SYLLABLES[number % 20]} {SYLLABLES[number // 20 % 20]}"
    secretary = f"{FAMILY[number % 10]} Văn {GIVEN[number // 10 % 10]}"
    specific = (f"Sáng {number % 28 + 1}/{number % 12 + 1}, Đảng bộ xã {commune} tổ chức hội nghị, đồng chí "
                f"{secretary} chủ trì; đảng bộ hiện có {100 + number} đảng viên và {8 + number % 40} chi bộ"
                " trực thuộc.")
    return "\n\n".join([specific, *paragraphs[:3], f"Đồng chí {secretary} phát biểu kết luận hội nghị.",
                        *paragraphs[3:]])


def repost(text: str) -> str:
    return text + "\n\nTheo Cổng thông tin điện tử tỉnh, bài viết được đăng lại."


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch) -> Iterator[sqlite_utils.Database]:
    """An archive where no bucket is left out as crowded: every report of the template that is
    within the threshold is a candidate (in a large archive, the reports sharing names or figures)."""
    monkeypatch.setattr(near, "CROWDED_BUCKET", 10_000)
    monkeypatch.setattr(near, "_MEMBERS", near.members_sql())
    database = open_archive(":memory:")
    yield database
    database.close()


class Comparisons:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        compare = near.differ_in_specifics

        def counted(first: str, second: str) -> bool:
            self.count += 1
            return compare(first, second)

        monkeypatch.setattr(near, "differ_in_specifics", counted)


def save(db: sqlite_utils.Database, number: int, text: str) -> int | None:
    result = save_article(db, Article(url=f"https://xa.vn/{number}", site="xa", title=f"Báo cáo {number}", text=text))
    assert result.status == "new" and result.article_id == number
    return db.execute("SELECT near_duplicate_of FROM articles WHERE id = ?", [number]).fetchone()[0]


def test_a_repost_among_200_reports_of_its_template_is_found_with_few_comparisons(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """200 reports of one template, each within the threshold of most of the others: each new report
    is compared with at most COMPARED of them (before: with every earlier one, 19,900 in all), and is
    linked to none; a re-post of the 150th is linked to it after at most COMPARED + 1 comparisons
    (before: 150, the 149 earlier reports first), a re-post of that re-post to the 150th too."""
    paragraphs = boilerplate(random.Random(3))
    comparisons = Comparisons(monkeypatch)
    within = []
    for number in range(1, SIBLINGS + 1):
        text = report(number, paragraphs)
        if number == SIBLINGS:
            own = near.signature(text)
            within = [other for other in range(1, SIBLINGS)
                      if near.similarity(own, near.signature(report(other, paragraphs))) >= near.THRESHOLD]
        assert save(db, number, text) is None
    # The template is the hard case: the last report is within the threshold of most earlier ones.
    assert len(within) > 150
    assert comparisons.count <= SIBLINGS * near.COMPARED

    for number, original, text in ((201, 150, repost(report(150, paragraphs))),
                                   (202, 150, repost(repost(report(150, paragraphs)))),
                                   (203, 7, repost(report(7, paragraphs)))):
        comparisons.count = 0
        assert save(db, number, text) == original
        assert comparisons.count <= near.COMPARED + 1
    comparisons.count = 0
    assert save(db, 204, report(204, paragraphs)) is None
    assert comparisons.count <= near.COMPARED


def test_the_texts_compared_are_the_most_similar_in_id_order() -> None:
    """Within the bound, every candidate within the threshold, in id order (the earliest that
    reports the same wins, as before the bound); beyond it, the COMPARED with the most equal
    values, ties to the earlier, still in id order."""
    least = near._MIN_EQUAL
    few = np.array([least - 1, 128, least, least - 40, 110])
    assert near._most_similar(few) == [1, 2, 4]
    many = np.array([least] * 30 + [127, least - 1, 120, 120] + [least + 1] * 20)
    chosen = near._most_similar(many)
    assert len(chosen) == near.COMPARED == 16
    # 127, the two 120s, then 13 of the twenty at least + 1 (the earliest), none at least.
    assert chosen == [30, 32, 33, *range(34, 34 + 13)]
