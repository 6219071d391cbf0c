"""Field rules on small pages: titles, bylines, dates, each rule with the page that forced it."""

from __future__ import annotations

import pytest

from crawler.extract import Page, extract
from crawler.extract.bylines import clean_author, split_byline
from crawler.extract.chrome import is_chrome_line
from crawler.extract.dates import parse_date, to_iso
from crawler.extract.page import decode
from crawler.extract.titles import clean_title

SITE = ("Cổng thông tin điện tử Tỉnh ủy Hà Tĩnh", "hatinh.dcs.vn")
BODY = "".join(
    f"<p>Đoạn văn thứ {n} của bài viết về hội nghị sơ kết công tác xây dựng Đảng quý I năm 2024.</p>"
    for n in range(1, 4)
)


def page(head: str, body: str, url: str = "https://tinhuy.example.vn/tin/hoi-nghi-123.html") -> Page:
    html = f"<html lang='vi'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    return Page(url=url, body=html.encode("utf-8"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hội nghị sơ kết - Cổng thông tin điện tử Tỉnh ủy Hà Tĩnh", "Hội nghị sơ kết"),
        ("Hội nghị sơ kết | hatinh.dcs.vn", "Hội nghị sơ kết"),
        ("Hội nghị sơ kết - Tỉnh ủy Hà Tĩnh", "Hội nghị sơ kết"),
        # never cut at " - " when what follows is not the site
        ("Chương trình hành động giai đoạn 2025 - 2030", "Chương trình hành động giai đoạn 2025 - 2030"),
        ("Lễ hội Làng Sen - Hà Tĩnh", "Lễ hội Làng Sen - Hà Tĩnh"),
        ("Đại hội Đảng bộ - Báo Lao Động", "Đại hội Đảng bộ - Báo Lao Động"),
        # stray markers
        ("[Video] Hội nghị sơ kết", "Hội nghị sơ kết"),
        ("Infographic: Kết quả quý I", "Kết quả quý I"),
        ("Hội nghị sơ kết (Ảnh)", "Hội nghị sơ kết"),
        ("Hội nghị sơ kết (*)", "Hội nghị sơ kết"),
    ],
)
def test_title_suffix_goes_only_when_it_names_the_site(raw: str, expected: str) -> None:
    assert clean_title(raw, SITE) == expected


def test_og_site_name_is_a_site_name_on_the_generic_path() -> None:
    head = "<meta property='og:site_name' content='Báo Hà Tĩnh'><title>Hội nghị sơ kết quý I - Báo Hà Tĩnh</title>"
    assert extract(page(head, BODY)).title == "Hội nghị sơ kết quý I"


def test_the_sites_logo_heading_is_not_the_title() -> None:
    # WordPress: <h1 class="wp-block-site-title"><a href="/" rel="home">Site</a></h1> above the article.
    head = (
        "<meta property='og:site_name' content='Tỉnh ủy Hà Tĩnh'>"
        "<title>Hội nghị sơ kết quý I – Tỉnh ủy Hà Tĩnh</title>"
    )
    body = "<h1 class='site-title'><a href='/' rel='home'>Tỉnh ủy Hà Tĩnh</a></h1><h2>Hội nghị sơ kết quý I</h2>" + BODY
    assert extract(page(head, body)).title == "Hội nghị sơ kết quý I"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("QUANG MINH\u00a0\u00a0", "Quang Minh"),
        ("Hồng Hạnh (Trung tâm Truyền thông tỉnh)", "Hồng Hạnh"),
        ("Tác giả: Nguyễn Văn An", "Nguyễn Văn An"),
        ("Bài và ảnh: Minh Châu", "Minh Châu"),
        ("Tin, ảnh: Hữu Thành", "Hữu Thành"),
        ("Tin và ảnh: Hữu Thành", "Hữu Thành"),
        ("Bài & ảnh: Minh Châu", "Minh Châu"),
        ("Bài: Minh Châu - Ảnh: Thành Duy", "Minh Châu"),
        ("Ảnh: Thành Duy", None),
        ("Theo Báo Nghệ An", None),
    ],
)
def test_clean_author(line: str, expected: str | None) -> None:
    assert clean_author(line) == expected


def test_a_closing_paragraph_that_starts_like_a_label_is_text() -> None:
    # "Bài học ..." starts with "Bài" (the byline label "Bài: ...") but is a sentence.
    paragraphs = ["Đoạn một.", "Bài học kinh nghiệm từ cơ sở"]
    assert split_byline(paragraphs) == (paragraphs, None, None)


def test_photo_credit_and_source_come_off_the_end_but_are_not_the_author() -> None:
    body, author, source = split_byline(["Đoạn một.", "Minh Châu", "Ảnh: Thành Duy", "Theo Báo Nghệ An"])
    assert (body, author, source) == (["Đoạn một."], "Minh Châu", "Báo Nghệ An")


def test_a_labelled_byline_outside_the_body_is_the_author() -> None:
    body = f"<h1>Hội nghị sơ kết quý I</h1><div class='content'>{BODY}</div><div class='info'>Tác giả: Lê Thu Hà</div>"
    assert extract(page("", body)).author == "Lê Thu Hà"


def test_a_name_block_before_the_lead_is_the_author() -> None:
    body = f"<h1>Hội nghị sơ kết quý I</h1><div class='author'>PHAN HOÀNG</div><div class='content'>{BODY}</div>"
    assert extract(page("", body)).author == "Phan Hoàng"


def test_the_portal_itself_is_not_an_author() -> None:
    head = "<meta name='author' content='Cổng thông tin điện tử Tỉnh ủy Hà Tĩnh'>"
    body = f"<h1>Hội nghị sơ kết quý I</h1><div class='content'>{BODY}</div>"
    assert extract(page(head, body)).author is None


def test_json_ld_authors() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": '
        '[{"@type": "Person", "name": "Lê Thu Hà"}, {"@type": "Person", "name": "Phan Hoàng"}]}</script>'
    )
    body = f"<h1>Hội nghị sơ kết quý I</h1><div class='content'>{BODY}</div>"
    assert extract(page(head, body)).author == "Lê Thu Hà, Phan Hoàng"


def test_a_readers_comment_author_is_not_the_author() -> None:
    comments = "<div class='comments'><div class='comment-author'>Nguyễn Văn Bình</div><p>Bài hay.</p></div>"
    body = f"<h1>Hội nghị sơ kết quý I</h1><div class='content'>{BODY}</div>{comments}"
    assert extract(page("", body)).author is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("June 29, 2020", "2020-06-29"),
        ("Dec. 13, 2025 10:05 AM", "2025-12-13T10:05:00+07:00"),
        ("29 June 2020", "2020-06-29"),
        # the US month-first form is never read day-first into another date
        ("09/25/2025", None),
    ],
)
def test_english_month_words(line: str, expected: str | None) -> None:
    assert to_iso(parse_date(line)) == expected


def test_time_element_marked_published() -> None:
    body = (
        "<header><time class='entry-date published' datetime='2024-03-12T08:30:00+07:00'>12/03/2024</time></header>"
        f"<h1>Hội nghị sơ kết quý I</h1><div class='content'>{BODY}</div>"
    )
    assert extract(page("", body)).published == "2024-03-12T08:30:00+07:00"


@pytest.mark.parametrize(
    "line",
    [">> Quán triệt Nghị quyết Trung ương 5", "Xem thêm: Sơ kết công tác tổ chức", "Nguồn: null",
     "Cỡ chữ: A- A A+ | Đã xem: 856 | In bài", "Phản hồi (2)", "Thứ tư - 28/09/2022 21:45",
     "Ngày 14 tháng 6 năm 2021 | 10:20", "| | | Chia sẻ Facebook", "Lượt xem: 1609 | In bài | Chia sẻ lên Zalo",
     # .NET's vi-VN long date, the month's name and the half of the day in words (Orchard's date line)
     "30 Tháng Mười 2025 2:05:00 CH", "07 Tháng Mười Một 2025 9:30:00 SA"],
)
def test_widget_link_and_date_lines_are_not_text(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    ["»Jeg skal ud med dobbelt så meget pap«, udbryder hun.", "Chia sẻ để cùng nhau vượt khó",
     "Ngày 14/6/2021, Tỉnh ủy ban hành Chỉ thị số 05 về công tác cán bộ.",
     "Thành ủy Quy Nhơn | 14.206 | Chia sẻ kinh nghiệm", "Chia sẻ Facebook của Ban Tuyên giáo với đoàn viên"],
)
def test_sentences_that_start_like_widgets_stay(line: str) -> None:
    assert not is_chrome_line(line)


def test_a_wrong_single_byte_header_is_corrected_by_the_meta() -> None:
    # a server default in front of a windows-1258 page: "ệ" is "ê" + a combining dot below
    html = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1258'></head>"
    body = html.encode("ascii") + b"<body>Vi\xea\xf2t Nam</body></html>"
    page = Page(url="http://a.example/", body=body, headers={"Content-Type": "text/html; charset=iso-8859-1"})
    assert "Việt Nam" in decode(page)


@pytest.mark.parametrize(
    ("line", "metadata"),
    [("10/01/2025 Minh Châu - Hoàng Vũ", True), ("06/01/2025 09:15 Hải Yến", True),
     ("10/01/2025 Ban Chấp hành Đảng bộ tỉnh họp phiên thường kỳ.", False), ("Ngày 10/1, Ban Chấp hành họp", False)],
)
def test_a_date_and_a_byline_read_as_one_line_are_metadata(line: str, metadata: bool) -> None:
    from crawler.extract.bylines import is_dated_byline

    assert is_dated_byline(line) is metadata


def test_a_comments_microdata_date_above_the_post_is_not_its_date() -> None:
    comment = (
        "<article itemscope itemtype='https://schema.org/Comment'><a href='#comment-1204'>"
        "<time datetime='2025-01-15T14:02:00+07:00' itemprop='datePublished'>15/01/2025 lúc 14:02</time></a>"
        "<p>Bài viết rất hay.</p></article>"
    )
    post = (
        "<article itemscope itemtype='https://schema.org/CreativeWork'>"
        "<h1 itemprop='headline'>Hội nghị sơ kết quý I</h1>"
        "<time datetime='2025-01-15T11:25:00+07:00' itemprop='datePublished'>15/01/2025</time>"
        f"<div class='content'>{BODY}</div></article>"
    )
    assert extract(page("", comment + post)).published == "2025-01-15T11:25:00+07:00"


def test_a_time_shown_as_the_date_links_tooltip_is_the_portals_and_the_offset_beside_it_is_not() -> None:
    # WordPress before 5.3 with Twenty Twelve: the day shown, its time as the link's title, and the
    # local wall time written with +00:00 in <time datetime> and article:published_time (PHP's date()
    # under UTC). 16:45 in Tây Ninh, not 23:45; and 17:15 on 30/05, not 00:15 the next day.
    for shown, tooltip, declared, expected in (
        ("28 Tháng Sáu, 2016", "4:45 chiều", "2016-06-28T16:45:00+00:00", "2016-06-28T16:45:00+07:00"),
        ("30 Tháng Năm, 2016", "5:15 chiều", "2016-05-30T17:15:00+00:00", "2016-05-30T17:15:00+07:00"),
    ):
        head = f"<meta property='article:published_time' content='{declared}'>"
        body = (
            f"<article><h1>Hội nghị sơ kết quý I</h1><div class='content'>{BODY}</div><footer>Đăng tại"
            f" <a href='/c/'>Tin hoạt động</a> on <a href='/p/' title='{tooltip}' rel='bookmark'><time"
            f" datetime='{declared}'>{shown}</time></a></footer></article>"
        )
        assert extract(page(head, body)).published == expected


def test_a_date_line_in_wrappers_that_hold_the_heading_too_is_found() -> None:
    # Orchard's post header, every block in a wrapper of its own: the heading, the tags and the date line
    # all fit one short line, and so does each wrapper around them down to the date's own.
    body = (
        "<article><div><header><div><h1>Trao Huy hiệu Đảng đợt 7/11 cho 312 đảng viên</h1></div>"
        "<div><p>Tags: <a href='/Tags/x'>Huy hiệu Đảng</a></p></div><div><div><div>07 Tháng Mười Một 2025"
        f" 9:30:00 SA</div></div></div></header></div><div class='content'>{BODY}</div></article>"
    )
    assert extract(page("", body)).published == "2025-11-07T09:30:00+07:00"
