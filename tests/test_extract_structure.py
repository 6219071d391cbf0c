"""The generic path's rules read structure and text, not names: each rule on the smallest page that
needs it, written the way another portal's templates would (opaque classes, <header> wrappers)."""

from __future__ import annotations

import pytest

from crawler.extract import ArticlePage, GenericPage, NotAnArticle, Page, extract
from crawler.extract.titles import clean_title

URL = "https://tinhuy.example.vn/tin-tuc/hoi-nghi-so-ket-123.html"
TITLE = "Hội nghị sơ kết công tác xây dựng Đảng quý I năm 2024"
PARAGRAPHS = [
    "Sáng 12/3, Ban Thường vụ Tỉnh ủy tổ chức hội nghị sơ kết công tác quý I năm 2024 và triển khai nhiệm vụ.",
    "Tham dự hội nghị có các đồng chí trong Ban Thường vụ Tỉnh ủy, lãnh đạo các ban Đảng và các sở, ngành.",
    "Hội nghị thống nhất các giải pháp trọng tâm trong quý II, nhất là giải ngân vốn đầu tư công và thu ngân sách.",
]
LEAD = "Hội nghị đánh giá kết quả quý I và bàn giải pháp cho những tháng tiếp theo của năm 2024 trên địa bàn tỉnh."
MENU = "<div class='q1'><a href='/'>Trang chủ</a> <a href='/tin-tuc/'>Tin tức</a> <a href='/lien-he/'>Liên hệ</a></div>"


def page(body: str, head: str = "", url: str = URL) -> Page:
    html = f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    return Page(url=url, body=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"})


def paragraphs(extra_after: str = "", extra_before: str = "") -> str:
    return "<div class='q7'>" + extra_before + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + extra_after + "</div>"


def article(before_body: str = "", after: str = "", heading: str = f"<h1 class='q3'>{TITLE}</h1>",
            outside: str = "", inside_after: str = "", inside_before: str = "") -> str:
    return (
        f"<div class='q0'><span class='q2'>Thứ Bảy, 21/11/2026</span>{MENU}</div>"
        f"<div class='q4'>{heading}{before_body}{paragraphs(inside_after, inside_before)}{after}</div>{outside}"
    )


# --- the date line -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrapped",
    [
        "<header class='entry-header'>{h}<div class='q5'>Ngày đăng: 12/03/2024 09:30</div></header>",
        "<div class='article-header'>{h}<span>12/03/2024 09:30</span></div>",
        "<div class='top-header clock'>{h}<span class='today'>Thứ Ba, 12/03/2024 - 09:30</span></div>",
    ],
)
def test_a_date_line_in_a_header_is_the_date_not_a_clock(wrapped: str) -> None:
    heading = wrapped.format(h=f"<h1>{TITLE}</h1>")
    record = extract(page(article(heading=heading)))
    assert record.published == "2024-03-12T09:30:00+07:00"


@pytest.mark.parametrize(
    "line",
    [
        "Xuất bản thông tin: 12/03/2024 09:30",  # Liferay's asset publisher
        "Cập nhật lúc 09:30 ngày 12/03/2024",
        "Ngày đăng: 12-03-2024 | 09:30",
        "Tạp chí số 5 (2024) - Ngày 12/03/2024 09:30",  # a magazine's issue line
    ],
)
def test_date_lines_as_portals_write_them(line: str) -> None:
    record = extract(page(article(before_body=f"<div class='q5'>{line}</div>")))
    assert record.published == "2024-03-12T09:30:00+07:00"
    assert line not in record.text


def test_a_dated_title_is_no_date_line_when_its_heading_holds_a_script() -> None:
    # SharePoint's <h1>: the title in a <span>, then the page description's box and its script.
    title = "Cần Thơ tổ chức Lễ kỷ niệm 135 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 - 19/5/2025)"
    heading = (f"<h1 class='q3'><span>{title}</span><div><span></span><script>"
               "_spBodyOnLoadFunctionNames.push('setupPageDescriptionCallout');</script></div></h1>")
    record = extract(page(article(heading=heading, before_body="<div class='q5'>18/05/2025</div>")))
    assert (record.title, record.published) == (title, "2025-05-18")


def test_a_link_that_repeats_a_dated_title_is_no_date_line() -> None:
    """A print link's label repeats the title between the heading and the date line ("In <title>");
    the date the title names ("trước ngày 30/6/2025") is not the article's."""
    title = "Điện Biên phấn đấu hoàn thành xóa nhà tạm trước ngày 30/6/2025"
    heading = (f"<h1 class='q3'><span>{title}</span></h1><div class='q6'><a href='javascript:print()'>"
               f"<img src='/p.png' alt=''> <span>In <span class='q9'>{title}</span></span></a></div>")
    line = "<div class='q5'>Thứ tư, ngày 05 tháng hai năm 2025 16:45</div>"
    record = extract(page(article(heading=heading, before_body=line)))
    assert record.title == title
    assert record.published == "2025-02-05T16:45:00+07:00"


def test_the_header_clock_is_no_date_when_the_page_shows_none() -> None:
    # before the heading, far from the body, no time, the latest day on the page
    related = "<ul><li><a href='/a'>Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 15</a> (20/11/2026)</li></ul>"
    record = extract(page(article(outside=related)))
    assert record.published is None


def test_a_date_under_the_body_counts_when_none_is_above() -> None:
    record = extract(page(article(after="<p class='q9'><em>Cập nhật lúc 10:20 ngày 14/6/2021</em></p>")))
    assert record.published == "2021-06-14T10:20:00+07:00"


def test_the_portal_knows_its_clock() -> None:
    # A date line "above" the heading that the portal shows on every page is its clock.
    from crawler.extract import PortalKnowledge
    from crawler.extract.knowledge import line_key

    heading = f"<div class='q8'>Thứ Bảy, 21/11/2026 08:30</div><h1>{TITLE}</h1>"
    body = f"<div class='q4'>{heading}{paragraphs()}</div>"
    assert extract(page(body)).published == "2026-11-21T08:30:00+07:00"
    knowledge = PortalKnowledge(chrome_lines=frozenset({line_key("Thứ Bảy, 21/11/2026 08:30")}))
    assert extract(page(body), knowledge=knowledge).published is None


# --- the lead ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lead_html",
    [
        "<div class='pnl-a'>{lead}</div>",  # "news-sapo" renamed
        "<p><strong>{lead}</strong></p>",  # bold, inside the body's container
        "<h2 class='x1'>{lead}</h2>",
    ],
)
def test_a_lead_is_the_first_prose_the_page_sets_apart(lead_html: str) -> None:
    lead = lead_html.format(lead=LEAD)
    inside = lead.startswith("<p>")
    record = extract(page(article(before_body="" if inside else lead, inside_before=lead if inside else "")))
    assert record.summary == LEAD
    assert record.text.split("\n\n") == [LEAD, *PARAGRAPHS]


def test_a_first_paragraph_like_the_others_is_no_lead() -> None:
    record = extract(page(article()))
    assert record.summary is None
    assert record.text.split("\n\n") == PARAGRAPHS


def test_a_pictures_caption_above_the_date_line_is_no_lead() -> None:
    # The picture and its caption in their box, then the date line and the byline, then the body
    # (SharePoint's ArticleLeft layout): the caption is the picture's, not the article's lead.
    caption = "Đại biểu tham quan mô hình chợ nổi văn minh của phường Lê Bình."
    above = (f"<div class='z1'><div class='z2'><img src='/anh/cho-noi.jpg'></div><div class='z3'>{caption}</div></div>"
             "<div class='z4'><div class='z5'>12/03/2024</div><div class='z6'>Minh Châu</div></div>")
    record = extract(page(article(before_body=above, inside_before=f"<p><strong>{LEAD}</strong></p>")))
    assert record.summary == LEAD
    assert record.text.split("\n\n") == [LEAD, *PARAGRAPHS]


@pytest.mark.parametrize("mark", ["…", " [&hellip;]", " [...]"])
def test_the_bodys_beginning_cut_off_above_it_is_no_lead(mark: str) -> None:
    """An automatic excerpt where the lead goes, the first words of the body run together and cut
    off inside a word: no lead, and the body's first paragraph stays."""
    cut = PARAGRAPHS[0] + " " + PARAGRAPHS[1][:30]
    record = extract(page(article(before_body=f"<div class='x5'><p>{cut}{mark}</p></div>")))
    assert record.summary is None
    assert record.text.split("\n\n") == PARAGRAPHS


@pytest.mark.parametrize("frame", ["<figure class='x8'>{}</figure>", "{}"])
def test_a_pull_quote_between_paragraphs_is_text(frame: str) -> None:
    """A quote set apart between two paragraphs (WordPress's pull quote: a <figure> framing no
    picture) is the article's: its words and whom they are by, a line each."""
    words = "Văn kiện phải chỉ rõ những điểm nghẽn về hạ tầng giao thông và quy hoạch đất đai."
    speaker = "Đồng chí Bí thư Tỉnh ủy"
    quote = frame.format(f"<blockquote><p>{words}</p><cite>{speaker}</cite></blockquote>")
    body = f"<div class='q7'><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>{quote}<p>{PARAGRAPHS[2]}</p></div>"
    record = extract(page(f"<div class='q4'><h1 class='q3'>{TITLE}</h1>{body}</div>"))
    assert record.text.split("\n\n") == [PARAGRAPHS[0], PARAGRAPHS[1], words, speaker, PARAGRAPHS[2]]


# --- bylines -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("<p><strong>Minh Châu</strong></p>", "Minh Châu"),
        ("<p style='text-align: right;'>Minh Châu</p>", "Minh Châu"),
        ("<p align='right'><b>NGUYỄN VĂN AN</b></p>", "Nguyễn Văn An"),
        ("<p style='text-align: right;'><strong>Đức Hùng (Trung tâm Chính trị thị xã Ba Đồn)</strong></p>", "Đức Hùng"),
        ("<p><em>Nguyễn Văn An, Học viện Chính trị quốc gia Hồ Chí Minh</em></p>", "Nguyễn Văn An"),
        ("<p>Nguyễn Văn An, Học viện Chính trị khu vực III, Bộ Quốc phòng</p>", "Nguyễn Văn An"),
        ("<p><strong>Tác giả:</strong> Lê Thu Hà</p>", "Lê Thu Hà"),
        ("<p>Bài và ảnh: Phan Hoàng</p>", "Phan Hoàng"),
        # An office under its label, no name of a person: NukeViet's "<p class="h5 text-right"><strong>
        # Tác giả: </strong>Ban Tuyên giáo và Dân vận Tỉnh ủy</p>".
        ("<p><strong>Tác giả: </strong>Ban Tuyên giáo và Dân vận Tỉnh ủy</p>", "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
    ],
)
def test_a_byline_closing_the_body(line: str, author: str) -> None:
    record = extract(page(article(inside_after=line)))
    assert record.author == author
    assert record.text.split("\n\n") == PARAGRAPHS


@pytest.mark.parametrize("wrappers", [0, 2])
def test_a_source_line_under_the_byline_under_the_body(wrappers: int) -> None:
    # Each in a box of its own after the body's ("<div class="noi-dung">...</div><div class="tac-gia">Kim
    # Oanh</div><div class="nguon">Theo Báo Thừa Thiên Huế</div>", a Journal template of Liferay 5.2),
    # however many wrappers hold each alone.
    after = "".join("<div>" * wrappers + line + "</div>" * wrappers for line in (
        "<div class='a'>Kim Oanh</div>", "<div class='b'>Theo Báo Thừa Thiên Huế</div>"))
    record = extract(page(article(after=after)))
    assert (record.author, record.source) == ("Kim Oanh", "Báo Thừa Thiên Huế")
    assert record.text.split("\n\n") == PARAGRAPHS


def test_an_office_under_the_byline_label_is_the_author_unless_it_links_to_its_account() -> None:
    # WordPress's meta line names the desk that posted the article, a link to its account's page
    # ("<span>Tác giả bài viết:</span><a href="/author/bientap">Ban Biên tập</a>"): no signature.
    office = "<p><strong>Tác giả: </strong>Ban Tuyên giáo và Dân vận Tỉnh ủy</p>"
    assert extract(page(article(after=office))).author == "Ban Tuyên giáo và Dân vận Tỉnh ủy"
    account = "<p><span>Tác giả: </span><a href='/author/bientap'>Ban Biên tập</a></p>"
    assert extract(page(article(after=account))).author is None


def test_a_magazines_byline_block_opens_the_body() -> None:
    block = (
        "<p><strong>PGS, TS NGUYỄN VĂN AN</strong></p>"
        "<p><em>Viện Xây dựng Đảng, Học viện Chính trị quốc gia Hồ Chí Minh</em></p>"
    )
    record = extract(page(article(inside_before=block)))
    assert record.author == "PGS, TS Nguyễn Văn An"
    assert record.text.split("\n\n") == PARAGRAPHS


def test_a_name_block_between_the_heading_and_the_body() -> None:
    record = extract(page(article(before_body="<div class='x9'>PHAN HOÀNG</div>")))
    assert record.author == "Phan Hoàng"


def test_a_byline_above_the_body_past_a_menu_under_the_heading() -> None:
    # The page's side menu between the heading and the article's fields (SharePoint's quick launch
    # between its title row and the content box), the date line and the byline right above the body.
    menu = "".join(f"<li><a href='/{slug}'>{name}</a></li>" for slug, name in (
        ("tin-tuc", "Tin tức - Sự kiện"), ("xay-dung-dang", "Xây dựng Đảng"), ("quan-huyen", "Tin quận, huyện"),
        ("van-ban", "Văn bản"), ("luu-tru", "Lưu trữ tin")))
    fields = "<div class='x3'><div class='x4'>12/03/2024</div><div class='x5'>Diễm My</div></div>"
    record = extract(page(article(before_body=f"<ul class='x2'>{menu}</ul>{fields}")))
    assert (record.author, record.published) == ("Diễm My", "2024-03-12")
    assert record.text.split("\n\n") == PARAGRAPHS


def test_a_sentence_naming_an_office_is_text() -> None:
    last = "Sở Y tế, Ban Tuyên giáo Tỉnh ủy và các địa phương sẽ tiếp tục triển khai kế hoạch trong quý II"
    record = extract(page(article(inside_after=f"<p>{last}</p>")))
    assert record.author is None and record.text.split("\n\n")[-1] == last


def test_share_links_under_the_body_are_no_byline() -> None:
    shares = "<div class='x2'><a href='https://facebook.com/share'>Facebook</a> <a href='https://x.com/share'>Twitter</a></div>"
    assert extract(page(article(after=shares))).author is None


# --- titles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Phát huy vai trò nêu gương của cán bộ, đảng viên (*)", "Phát huy vai trò nêu gương của cán bộ, đảng viên"),
        ("Tư tưởng Hồ Chí Minh về công tác cán bộ*", "Tư tưởng Hồ Chí Minh về công tác cán bộ"),
        ("Tư tưởng Hồ Chí Minh về công tác cán bộ (**)", "Tư tưởng Hồ Chí Minh về công tác cán bộ"),
    ],
)
def test_footnote_marks_at_a_titles_end_go(raw: str, expected: str) -> None:
    assert clean_title(raw) == expected


def test_a_department_suffix_goes_when_the_portal_repeats_it() -> None:
    from crawler.extract import PortalKnowledge

    raw = f"{TITLE} - Ban Tuyên giáo Tỉnh ủy"
    assert clean_title(raw, ("Cổng thông tin điện tử Tỉnh ủy Quảng Bình",)) == raw
    knowledge = PortalKnowledge(title_suffixes=("Ban Tuyên giáo Tỉnh ủy",))
    assert clean_title(raw, ("Cổng thông tin điện tử Tỉnh ủy Quảng Bình",), knowledge) == TITLE


def test_a_department_suffix_goes_when_the_page_shows_the_title_without_it() -> None:
    # No <h1>: <title> carries the suffix, the page shows the heading without it.
    head = f"<title>{TITLE} - Ban Tuyên giáo Tỉnh ủy</title>"
    body = article(heading=f"<div class='x4'><b>{TITLE}</b></div><div class='x5'>12/03/2024 09:30</div>")
    record = extract(page(body, head=head))
    assert record.title == TITLE
    assert record.published == "2024-03-12T09:30:00+07:00"


def _named_page(comments: str = "") -> Page:
    """A page whose <title> is the short name its editors gave it, not the headline it shows
    (Umbraco: the node's name in <title>, its PageTitle in the <h1>), the <h1> alone in a box above
    the article's date line, lead and body."""
    head = "<title>Sơ kết quý I - Cổng TTĐT Đảng bộ tỉnh</title>"
    body = (
        f"<div class='q0'>{MENU}</div><section class='s1'><div><h1 class='s2'>{TITLE}</h1></div></section>"
        f"<section class='s3'><div><article><div class='m'><small>12/03/2024</small></div><h3>{LEAD}</h3>"
        f"{paragraphs()}</article>{comments}</div></section>"
    )
    return page(body, head=head)


def test_the_headline_over_the_body_is_the_title_when_the_title_tag_is_a_short_name() -> None:
    record = extract(_named_page())
    assert (record.title, record.published, record.summary) == (TITLE, "2024-03-12", LEAD)
    assert record.text.split("\n\n") == [LEAD, *PARAGRAPHS]


@pytest.mark.parametrize("frame", ["{}", "<header>{}</header>"])
def test_a_section_page_showing_one_article_by_its_query_is_titled_by_the_article(frame: str) -> None:
    # Liferay 5.2's Journal Articles maximized: "/web/guest/hoat-dong-co-so?p_p_id=62_INSTANCE_Hd3c&
    # ...articleId=15240", whose <title> and portlet title are the section's page ("Hoạt động cơ sở",
    # the menu's link to "/web/guest/hoat-dong-co-so"), the article's own title a <div> over its date
    # (the two in one <header> as well).
    section = "Hoạt động cơ sở"
    menu = (f"<ul class='m'><li><a href='/web/guest/tin-tuc'>Tin tức</a></li>"
            f"<li><a href='/web/guest/hoat-dong-co-so'>{section}</a></li></ul>")
    body = (f"{menu}<div class='p'><div class='t'><span class='n'>{section}</span> "
            f"<a href='/web/guest/hoat-dong-co-so'>Trở về trang đầy đủ</a></div><div class='c'>"
            + frame.format(f"<div class='x4'>{TITLE}</div><div class='x5'>Thứ năm, 19/04/2012 - 10:00</div>")
            + f"{paragraphs()}</div></div>")
    url = "https://tinhuy.example.vn/web/guest/hoat-dong-co-so?p_p_id=62_INSTANCE_Hd3c&_62_INSTANCE_Hd3c_articleId=15240"
    record = extract(page(body, head=f"<title>{section} - Tỉnh ủy Thừa Thiên Huế</title>", url=url))
    assert (record.title, record.published, record.category) == (TITLE, "2012-04-19T10:00:00+07:00", section)
    assert record.text.split("\n\n") == PARAGRAPHS
    # The section's page itself, no query: its name is its title.
    listing = extract(page(body, head=f"<title>{section} - Tỉnh ủy Thừa Thiên Huế</title>",
                           url="https://tinhuy.example.vn/web/guest/hoat-dong-co-so"))
    assert listing.title == section


def test_a_captioned_picture_opening_the_body_does_not_hide_the_prose_under_the_heading() -> None:
    # Rank Math's title, shown nowhere, a shorter name of the one <h1> (heading_over_the_body), whose
    # body opens with a captioned picture: the caption is no line of prose, the paragraph after it is.
    heading = "Ban Thường vụ Thành ủy làm việc với Đảng ủy Khu công nghệ cao"
    seo = "Làm việc với Đảng ủy Khu công nghệ cao Đà Nẵng - Cổng thông tin điện tử Đảng bộ thành phố"
    figure = ("<figure><img src='/uploads/khao-sat.jpg' alt=''><figcaption><em>Đoàn công tác khảo sát nhà máy"
              " sản xuất linh kiện</em></figcaption></figure>")
    body = (f"<div class='q0'>{MENU}</div><article><header><div>Đăng vào 18/06/2025</div><h1>{heading}</h1></header>"
            f"<div class='q7'>{figure}" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div></article>")
    record = extract(page(body, head=f"<title>{seo}</title><meta property='og:title' content='{seo}'>"))
    assert record.title == heading
    assert record.text.split("\n\n") == PARAGRAPHS


def test_a_readers_comment_under_the_body_gives_neither_the_title_nor_the_date() -> None:
    # "Ý kiến bạn đọc (1)" over a comment dated the next day: a heading over a date line over prose.
    comments = ("<div class='c'><h3>Ý kiến bạn đọc (1)</h3><div><p><strong>Nguyễn Văn Tùng</strong> "
                "<small>13/03/2024 07:42</small></p><p>Mong hội nghị quan tâm hơn đến phát triển các huyện"
                " miền núi phía Tây của tỉnh trong thời gian tới.</p></div></div>")
    record = extract(_named_page(comments))
    assert (record.title, record.published, record.summary) == (TITLE, "2024-03-12", LEAD)


def test_an_empty_heading_and_og_title_do_not_make_the_portal_the_title() -> None:
    portal = "Cổng thông tin điện tử Tỉnh ủy Hà Giang"
    head = (
        f"<title>{TITLE} - {portal}</title><meta property='og:title' content=''>"
        f"<meta property='og:site_name' content='{portal}'>"
    )
    body = article(heading=f"<h1 class='x3'></h1><h1 class='logo'><a href='/'>{portal}</a></h1>")
    assert extract(page(body, head=head)).title == TITLE
    # <title> is the portal's name too: the heading-like line above the date line
    head = f"<title>{portal}</title><meta property='og:title' content=''>"
    shown = f"<h1></h1><div class='x4'><strong>{TITLE}</strong></div><div class='x5'>Ngày đăng: 12/03/2024</div>"
    body = article(heading=shown)
    record = extract(page(body, head=head))
    assert record.title == TITLE and record.published == "2024-03-12"


# --- the category ------------------------------------------------------------------------------


def test_the_breadcrumb_is_found_by_its_shape() -> None:
    crumbs = "<div class='z1'><a href='/'>Trang chủ</a> » <a href='/xay-dung-dang/'>Xây dựng Đảng</a></div>"
    assert extract(page(article(heading=crumbs + f"<h1>{TITLE}</h1>"))).category == "Xây dựng Đảng"


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_breadcrumb_is_found_around_the_heading_s_outer_boxes(where: str) -> None:
    # The heading two boxes down, a lone link beside it (no path), the page's menu above, and the
    # path outside the article's box, led by the home page's icon: a path of one crumb.
    crumbs = ("<ul class='z2'><li><a href='/'><i class='fa fa-home'></i></a></li>"
              "<li><a href='/ListView/38/xay-dung-dang'>Xây dựng Đảng</a></li></ul>")
    heading = f"<div class='w1'><div class='w2'><h1>{TITLE}</h1><a href='/tin-tuc/'>Tin tức</a></div></div>"
    body = article(heading=heading, outside=crumbs) if where == "after" else crumbs + article(heading=heading)
    assert extract(page(body)).category == "Xây dựng Đảng"


def test_a_comment_form_above_the_heading_is_no_label() -> None:
    # A WebForms page's comment form (no <form> of its own) moved above the article: its hidden
    # "cancel reply" link is no category.
    crumbs = "<div class='z1'><a href='/'>Trang chủ</a> » <a href='/xay-dung-dang/'>Xây dựng Đảng</a></div>"
    form = ("<div class='z2'><h3>Thêm bình luận</h3><input type='text' name='txtName'><textarea name='txtContent'>"
            "</textarea><p style='display:none'><a href='javascript:void(0);'>Hủy trả lời tin nhắn</a></p>"
            "<input type='hidden' name='hiddenReplyTo'></div>")
    assert extract(page(article(heading=f"{crumbs}{form}<h1>{TITLE}</h1>"))).category == "Xây dựng Đảng"


@pytest.mark.parametrize(("wrap", "unwrap"), [("", ""), ("<div>", "</div>")])
def test_a_breadcrumb_of_nested_lists_gives_the_category(wrap: str, unwrap: str) -> None:
    # Each crumb an item whose own list holds the next (SharePoint's ListSiteMapPath), the last the
    # title with no link, hidden in the title row's drop-down box beside the menu; each list maybe
    # in a wrapper of its own.
    arrow = "<span><img src='/_layouts/15/images/fgimg.png' alt=':'></span>"
    crumbs = (f"<div style='display:none'><ul class='z3'><li><a href='/'>Tỉnh ủy</a>{wrap}<ul><li>{arrow}"
              f"<a href='/xay-dung-dang'>Xây dựng Đảng</a>{wrap}<ul><li>{arrow}<span>{TITLE}</span></li></ul>"
              f"{unwrap}</li></ul>{unwrap}</li></ul></div>")
    menu = ("<ul class='z4'><li><a href='/'>Trang chủ</a></li><li><a href='/tin-tuc'>Tin tức - Sự kiện</a></li>"
            "<li><a href='/xay-dung-dang'>Xây dựng Đảng</a></li><li><a href='/lien-he'>Liên hệ</a></li></ul>")
    heading = f"<div class='z5'>{crumbs}{menu}</div><h1>{TITLE}</h1>"
    assert extract(page(article(heading=heading))).category == "Xây dựng Đảng"


# --- the same record either way --------------------------------------------------------------------


def test_the_generic_page_object_and_the_profile_base_give_the_same_record() -> None:
    body = article(before_body=f"<div class='x1'>{LEAD}</div><div>Ngày đăng: 12/03/2024 09:30</div>",
                   inside_after="<p><strong>Minh Châu</strong></p>")
    assert GenericPage(page(body)).to_record() == extract(page(body), ArticlePage)


def test_a_page_cut_off_inside_its_article_is_truncated() -> None:
    whole = page(article()).body
    cut = Page(URL, whole[: whole.index(PARAGRAPHS[2].encode()) + 40], {"Content-Type": "text/html; charset=utf-8"})
    with pytest.raises(NotAnArticle) as error:
        extract(cut)
    assert error.value.kind == "truncated"
    # ...while a page cut off in its footer, after the article, reads as the whole page would
    footer = "<div class='f'>" + "Cổng thông tin điện tử Tỉnh ủy. Giấy phép số 12/GP-TTĐT. " * 8 + "</div>"
    whole = page(article(outside=footer)).body
    cut = Page(URL, whole[: whole.rindex(b"</div>")], {"Content-Type": "text/html; charset=utf-8"})
    assert extract(cut).text == extract(page(article(outside=footer))).text


# --- legacy markup -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "<div class='q7'>" + "<br><br>".join(PARAGRAPHS) + "</div>",  # text between <br>s
        "<div class='q7'>" + "".join(f"<div><font face='Arial'>{p}</font></div>" for p in PARAGRAPHS) + "</div>",
        "<div class='q7'>" + "".join(f"<span>{p}</span><br>" for p in PARAGRAPHS) + "</div>",
        "<table><tr><td>" + "<br>".join(PARAGRAPHS) + "</td></tr></table>",
    ],
    ids=["breaks", "fonts", "spans", "table-cell"],
)
def test_an_article_written_without_paragraph_tags(body: str) -> None:
    # Home-made portals of the 2000s: no <p>, the lines cut by <br>s or held in <font>s.
    heading = f"<h1>{TITLE}</h1><div>Ngày đăng: 12/03/2024 09:30</div>"
    page_html = f"<div class='q0'>{MENU}</div><div class='q4'>{heading}{body}</div><div class='q9'>Bản quyền</div>"
    record = extract(page(page_html))
    assert record.text.split("\n\n") == PARAGRAPHS
    assert record.published == "2024-03-12T09:30:00+07:00"


# --- forms, labels, menus ------------------------------------------------------------------------


def test_an_article_laid_out_as_labelled_fields() -> None:
    # SharePoint's list item display form: rows of a label and its value.
    rows = [("Tiêu đề", TITLE), ("Ngày đăng", "12/03/2024 09:30"), ("Tóm tắt", LEAD),
            ("Nội dung", "".join(f"<p>{p}</p>" for p in PARAGRAPHS)), ("Tác giả", "Hữu Hiệp"),
            ("Nguồn tin", ""), ("Chuyên mục", "Tin hoạt động; Tin cơ sở")]
    form = "<table class='x1'>" + "".join(f"<tr><td><h3>{k}</h3></td><td>{v}</td></tr>" for k, v in rows) + "</table>"
    record = extract(page(f"<h1>Tin hoạt động</h1>{form}", head="<title>Tin hoạt động - Đảng bộ tỉnh</title>"))
    assert (record.title, record.summary, record.author, record.source, record.category) == (
        TITLE, LEAD, "Hữu Hiệp", None, "Tin hoạt động"
    )
    assert record.published == "2024-03-12T09:30:00+07:00"
    assert record.text.split("\n\n") == [LEAD, *PARAGRAPHS]


def test_a_table_of_figures_in_a_forms_text_field_is_read_a_row_a_line() -> None:
    # SharePoint's rich text field holding a table: each row one line, its cells joined by a space
    # (the header row, its cells in bold, too), as trafilatura's rows are read.
    table = ("<table><tbody><tr><td><strong>Chỉ tiêu</strong></td><td><strong>Kế hoạch năm</strong></td>"
             "<td><strong>6 tháng</strong></td></tr><tr><td>Kết nạp đảng viên</td><td>200</td><td>96</td></tr>"
             "</tbody></table>")
    body = f"<div><p>{PARAGRAPHS[0]}</p>{table}<p>{PARAGRAPHS[1]}</p></div>"
    rows = [("Tiêu đề", TITLE), ("Ngày đăng", "12/03/2024 09:30"), ("Nội dung", body), ("Tác giả", "Hữu Hiệp")]
    form = "<table class='x1'>" + "".join(f"<tr><td><h3>{k}</h3></td><td>{v}</td></tr>" for k, v in rows) + "</table>"
    record = extract(page(f"<h1>Tin hoạt động</h1>{form}", head="<title>Tin hoạt động - Đảng bộ tỉnh</title>"))
    assert record.text.split("\n\n") == [
        PARAGRAPHS[0], "Chỉ tiêu Kế hoạch năm 6 tháng", "Kết nạp đảng viên 200 96", PARAGRAPHS[1]
    ]


def test_the_label_over_the_heading_is_the_category() -> None:
    heading = f"<div class='x5'><span><span>Xây dựng Đảng</span></span></div><div><h1>{TITLE}</h1></div>"
    assert extract(page(article(heading=heading))).category == "Xây dựng Đảng"


def test_the_title_tag_is_no_label_over_a_heading_that_opens_the_page() -> None:
    # The menu after the article: nothing above the heading in <body>, and <head> before it.
    head = "<title>Kiểm tra, giám sát 6 tháng đầu năm - Cổng TTĐT Đảng bộ tỉnh</title>"
    body = f"<div class='q4'><div><h1>{TITLE}</h1></div>{paragraphs()}</div>{MENU}"
    assert extract(page(body, head=head, url="https://tinhuy.example.vn/hoi-nghi-so-ket-123.html")).category is None


def test_a_bar_of_links_set_apart_by_pipes_is_no_path() -> None:
    footer = ("<div class='f'><a href='/'>Trang chủ</a> | <a href='/gioi-thieu'>Giới thiệu</a> | "
              "<a href='/so-do-site'>Sơ đồ site</a></div>")
    # (an address under none of the menu's items: test_the_menu_item_the_address_lies_under_...)
    url = "https://tinhuy.example.vn/hoi-nghi-so-ket-123.html"
    assert extract(page(article(outside=footer), url=url)).category is None


def test_the_home_page_and_a_tool_outside_its_pages_are_no_path() -> None:
    # Liferay 5.2's dock: "<ul><li><a href="/web/guest">Trang chủ</a></li><li><a
    # href="/c/portal/login?p_l_id=10149">Đăng nhập</a></li></ul>" in the banner, listed as a path's
    # crumbs are, but its second link leaves the portal's pages: sign-in, no section under the home.
    dock = ("<ul class='d1'><li><a href='https://tinhuy.example.vn/web/guest'>Trang chủ</a></li>"
            "<li><a href='https://tinhuy.example.vn/c/portal/login?p_l_id=10149'>Đăng nhập</a></li></ul>")
    url = "https://tinhuy.example.vn/web/guest/xay-dung-dang/-/asset_publisher/Xd5p/content/hoi-nghi"
    assert extract(page(dock + article(), url=url)).category is None
    path = ("<ul class='d1'><li><a href='https://tinhuy.example.vn/web/guest'>Trang chủ</a></li>"
            "<li><a href='https://tinhuy.example.vn/web/guest/xay-dung-dang'>Xây dựng Đảng</a></li></ul>")
    assert extract(page(path + article(), url=url)).category == "Xây dựng Đảng"


def test_the_menu_item_the_address_lies_under_is_the_category() -> None:
    # No path, no label: the post is a child of its section's page (Umbraco's Starter Kit), the
    # nearest of the menu's items above it names the section, not the home page.
    menu = ("<div class='q1'><a href='/'>Trang chủ</a> <a href='/tin-tuc/'>Tin tức</a> "
            "<a href='/tin-tuc/xay-dung-dang/'>Xây dựng Đảng</a> <a href='/lien-he/'>Liên hệ</a></div>")
    body = article().replace(MENU, menu)
    url = "https://tinhuy.example.vn/tin-tuc/xay-dung-dang/hoi-nghi-so-ket-quy-i/"
    assert extract(page(body, url=url)).category == "Xây dựng Đảng"
    assert extract(page(body, url="https://tinhuy.example.vn/hoi-nghi-so-ket-quy-i/")).category is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [("Cập nhật lúc: 17/06/2025 4:20:15 CH", "2025-06-17T16:20:15+07:00"),
     ("Cập nhật lúc: 15/08/2023 9:05:00 SA", "2023-08-15T09:05:00+07:00")],
)
def test_dotnet_vietnamese_times(line: str, expected: str) -> None:
    # .NET's vi-VN culture writes "h:mm:ss tt" with SA (morning) and CH (afternoon).
    assert extract(page(article(before_body=f"<div>{line}</div>"))).published == expected


def test_a_body_that_opens_no_document_is_whole_not_cut_off() -> None:
    """php-bacgiang's soft 404 is one script, no <html> or <body>: nothing was cut, it holds no article."""
    script = b'<script language="javascript">window.location = "https://bacgiang.dcs.example/404.html" </script>'
    with pytest.raises(NotAnArticle) as error:
        extract(Page(URL, script, {"Content-Type": "text/html; charset=utf-8"}))
    assert error.value.kind == "not_an_article"
    # a page that opened its document and lost its end is still cut off
    with pytest.raises(NotAnArticle) as error:
        extract(Page(URL, b"<html><body>" + script, {"Content-Type": "text/html; charset=utf-8"}))
    assert error.value.kind == "truncated"
