"""PortalKnowledge: what a portal's other pages tell, as a plain value handed to extraction."""

from __future__ import annotations

import pickle

from crawler.extract import Page, PortalKnowledge, extract, learn
from crawler.extract.knowledge import line_key
from tests.fixtures import load_gold, saved_page, tuning_gold_records

TITLES = ["Hội nghị sơ kết công tác quý I năm 2024", "Đại hội Chi bộ Khu phố 3 nhiệm kỳ 2025 - 2027",
          "Trao Huy hiệu 50 năm tuổi Đảng cho đảng viên lão thành", "Kiểm tra công tác dân vận tại cơ sở"]


def portal_page(number: int, title: str) -> Page:
    paragraphs = "".join(
        f"<p>Đoạn {n} của bài số {number}: {title.lower()}, cùng các nội dung liên quan được bàn kỹ tại hội nghị.</p>"
        for n in range(1, 4)
    )
    html = (
        f"<html><head><meta charset='utf-8'><title>{title} - Ban Tuyên giáo Tỉnh ủy</title></head><body>"
        "<div class='a'><span>Thứ Bảy, 21/11/2026</span><a href='/'>Trang chủ</a><a href='/tin/'>Tin tức</a></div>"
        f"<div class='b'><div class='c'><b>{title}</b></div><div>Ngày đăng: 1{number}/03/2024 09:30</div>"
        f"{paragraphs}</div>"
        "<div class='d'>Bản quyền thuộc Ban Tuyên giáo Tỉnh ủy</div></body></html>"
    )
    return Page(f"https://btg.example.vn/tin/{number}.html", html.encode("utf-8"))


def test_learn_finds_the_suffix_and_the_lines_every_page_shows() -> None:
    pages = [portal_page(n, title) for n, title in enumerate(TITLES, start=1)]
    knowledge = learn(pages)
    assert knowledge.title_suffixes == ("Ban Tuyên giáo Tỉnh ủy",)
    assert knowledge.is_chrome_line("THỨ BẢY, 21/11/2026")  # case and spacing do not matter
    assert knowledge.is_chrome_line("Bản quyền thuộc Ban Tuyên giáo Tỉnh ủy")
    # what changes from page to page is the article's
    assert not any(knowledge.is_chrome_line(title) for title in TITLES)
    assert not knowledge.is_chrome_line("Ngày đăng: 11/03/2024 09:30")


def test_knowledge_is_a_plain_value() -> None:
    lines = frozenset({line_key("Trang chủ")})
    knowledge = PortalKnowledge(("Tỉnh ủy Quảng Bình",), ("Ban Tuyên giáo Tỉnh ủy",), lines)
    assert pickle.loads(pickle.dumps(knowledge)) == knowledge
    assert hash(knowledge) == hash(pickle.loads(pickle.dumps(knowledge)))


def test_a_learned_suffix_leaves_the_title() -> None:
    pages = [portal_page(n, title) for n, title in enumerate(TITLES, start=1)]
    # The page shows its title without the suffix: the title is right without knowledge...
    assert extract(pages[0]).title == TITLES[0]
    # ...and <title> alone (no element shows the title) needs the portal's other pages.
    bare = Page(pages[0].url, pages[0].body.replace(f"<b>{TITLES[0]}</b>".encode(), b""))
    assert extract(bare).title == f"{TITLES[0]} - Ban Tuyên giáo Tỉnh ủy"
    assert extract(bare, knowledge=learn(pages)).title == TITLES[0]


def test_knowledge_learned_on_a_tuning_portal_keeps_its_records() -> None:
    cases = [(site, load_gold(path)) for site, path in tuning_gold_records() if site == "nukeviet-quangbinh"]
    pages = [saved_page(site, gold["url"]) for site, gold in cases]
    knowledge = learn(pages)
    assert knowledge.title_suffixes == ("Đảng bộ tỉnh Quảng Bình",)
    for page, (_, gold) in zip(pages, cases, strict=True):
        record = extract(page, knowledge=knowledge).to_dict()
        assert {field: record[field] for field in gold if field in record} == {
            field: gold[field] for field in gold if field in record
        }, gold["url"]
