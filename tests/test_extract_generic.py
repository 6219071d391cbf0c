"""The generic path's rules, each on the smallest page that needs it."""

from __future__ import annotations

import re

import lxml.html
import pytest

from crawler.extract import ArticlePage, NotAnArticle, Page, extract
from crawler.extract.body import captions_under_images
from crawler.extract.generic import lists_whole_posts
from crawler.extract.layout import first_prose
from tests.fixtures import saved_page

URL = "https://tinhuy.example.vn/tin-tuc/bai-viet-123.html"
PARAGRAPHS = [
    "Sáng 12/3, Ban Thường vụ Tỉnh ủy tổ chức hội nghị sơ kết công tác quý I năm 2024 và triển khai nhiệm vụ.",
    "Tham dự hội nghị có các đồng chí trong Ban Thường vụ Tỉnh ủy, lãnh đạo các ban Đảng và các sở, ngành.",
    "Hội nghị thống nhất các giải pháp trọng tâm trong quý II, nhất là giải ngân vốn đầu tư công và thu ngân sách.",
]


def page(body: str, head: str = "", url: str = URL) -> Page:
    html = f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    return Page(url=url, body=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"})


def article_html(before: str = "", inside: str = "", after: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<div class='header'><a href='/'>Trang chủ</a></div>"
        f"<div class='main'><h1>Hội nghị sơ kết công tác quý I năm 2024</h1>{before}"
        f"<div class='content'>{paragraphs}{inside}</div>{after}</div>"
    )


def test_a_lead_class_between_heading_and_body_is_the_summary() -> None:
    lead = "Hội nghị đánh giá kết quả quý I và bàn giải pháp cho những tháng tiếp theo của năm 2024."
    article = extract(page(article_html(before=f"<div class='news-sapo'>{lead}</div>")))
    assert article.summary == lead
    assert article.text.split("\n\n")[:4] == [lead, *PARAGRAPHS]


def test_a_description_class_on_a_caption_or_author_box_is_not_the_lead() -> None:
    # lrt.lt: <div class="avatar-group__description">Name, professor...</div> above the text;
    # elpais.com: the photo's caption sits in a "summary"-classed figure.
    before = (
        "<div class='avatar-group__description'>Nguyễn Văn A, giảng viên Học viện Chính trị khu vực III</div>"
        "<figure><img src='/a.jpg'><figcaption class='summary'>Quang cảnh hội nghị sơ kết quý I năm 2024 tại "
        "Hội trường Tỉnh ủy</figcaption></figure>"
    )
    article = extract(page(article_html(before=before)))
    assert article.summary is None
    assert article.text.split("\n\n") == PARAGRAPHS


def test_text_after_the_last_paragraph_is_kept() -> None:
    # ilgiornale.it closes its article with loose text after the last </p>.
    tail = "Đây là lần đầu tiên hội nghị sơ kết được tổ chức theo hình thức trực tuyến đến các xã, phường."
    article = extract(page(article_html(inside=tail)))
    assert article.text.split("\n\n")[-1] == tail


def test_block_children_of_a_list_item_are_separate_words() -> None:
    inside = "<ul><li><p><strong>Ứng dụng nội bộ</strong></p><p>Dùng cho hoạt động của cơ quan.</p></li></ul>"
    article = extract(page(article_html(inside=inside)))
    assert "Ứng dụng nội bộ Dùng cho hoạt động của cơ quan." in article.text.split("\n\n")


@pytest.mark.parametrize("path", ["/vi-vn", "/vi-vn/chuyen-muc/xay-dung-dang/1-2"])
def test_home_and_category_pages_are_not_articles_on_the_generic_path(path: str) -> None:
    with pytest.raises(NotAnArticle, match="list of articles"):
        extract(saved_page("nghean", f"https://nghean.dcs.vn{path}"), ArticlePage)


def test_an_article_that_is_a_list_of_linked_items_is_still_an_article() -> None:
    # "10 DIY Woodworking Projects": each item a linked heading and a blurb, like a listing's
    # teasers; the page says it is an article (og:type) and has its heading.
    items = "".join(
        f"<div class='item'><h3><a href='/du-an-{n}'>Dự án số {n} cho gia đình</a></h3>"
        f"<p>Một dự án đơn giản số {n}, làm trong một buổi chiều với vài tấm gỗ và dụng cụ thông thường.</p></div>"
        for n in range(1, 7)
    )
    body = f"<article><h1>Sáu dự án đồ gỗ tự làm cho ngôi nhà</h1>{items}</article>"
    article = extract(page(body, head="<meta property='og:type' content='article'>"))
    assert "Dự án số 3 cho gia đình" in article.text
    with pytest.raises(NotAnArticle):
        extract(page(body.replace("<h1>", "<h2>").replace("</h1>", "</h2>")))


def test_a_label_under_the_body_that_repeats_a_menu_item_is_the_category() -> None:
    # Orchard Core's blog theme: the post's category is a badge under the text, beside its tags,
    # and the menu above the article has a link of the same words.
    menu = (
        "<ul><li><a href='/chuyen-muc/xay-dung-dang'>Xây dựng Đảng</a></li><li><a href='/lien-he'>Liên hệ</a></li></ul>"
    )
    badges = "<div><span><i></i> Sắp xếp bộ máy</span></div><div><span><i></i> Xây dựng Đảng</span></div>"
    body = menu + article_html(after=badges)
    assert extract(page(body)).category == "Xây dựng Đảng"
    # a tag no menu names is not a category, and neither is a label behind a link
    assert extract(page(menu.replace("Xây dựng Đảng", "Dân vận") + article_html(after=badges))).category is None
    linked = "<div><a href='/tag/xay-dung-dang'>Xây dựng Đảng</a></div>"
    assert extract(page(menu + article_html(after=linked))).category is None


def test_the_sites_name_set_as_an_h1_is_not_the_title_the_page_title_opens_with() -> None:
    # Liferay 6's theme: the site's name is an <h1> over the page, and <title> ends with it.
    title = "Hội nghị sơ kết công tác quý I năm 2024"
    head = f"<title>{title} - Tin tức - Sự kiện - Tỉnh ủy Tiền Giang</title>"
    logo = "<h1><a href='/web/tinhuy/trang-chu'><span>Tỉnh ủy Tiền Giang</span></a></h1>"
    article = extract(page(logo + article_html().replace("Hội nghị sơ kết công tác quý I năm 2024", title), head))
    assert article.title == title
    # a <title> that names the site first and the article last still gives the article's heading
    head = f"<title>Tỉnh ủy Tiền Giang - {title}</title>"
    assert extract(page(article_html(), head)).title == title


def test_a_table_of_figures_with_each_cell_in_a_paragraph_gives_one_line_per_row() -> None:
    rows = [
        ["Đảng bộ", "Số đảng viên", "Tỷ lệ"],
        ["Thành ủy Quy Nhơn", "14.206", "98,9%"],
        ["Thị ủy An Nhơn", "7.318", "98,1%"],
    ]
    table = "<table border='1'><tbody>" + "".join(
        "<tr>" + "".join(f"<td><p>{cell}</p></td>" for cell in row) + "</tr>" for row in rows
    ) + "</tbody></table>"
    article = extract(page(article_html(inside=table)))
    assert article.text.split("\n\n")[len(PARAGRAPHS):] == [" ".join(row) for row in rows]
    # a layout table's cell holding the article's paragraphs still gives a line per paragraph
    cell = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    layout = f"<table><tr><td><img src='/a.jpg'></td><td>{cell}</td></tr></table>"
    assert extract(page("<h1>Hội nghị sơ kết công tác quý I năm 2024</h1>" + layout)).text.split("\n\n") == PARAGRAPHS


PHOTO_STORY_LEAD = (
    "Sáng 31/3, tại Quảng trường Nguyễn Tất Thành, Tỉnh ủy, HĐND, UBND tỉnh long trọng tổ chức Lễ kỷ niệm"
    " 50 năm Ngày giải phóng tỉnh. Một số hình ảnh tại buổi lễ:"
)


def _photo_story(credit: str, pictures: int = 3) -> str:
    figures = "".join(
        f"<table><tr><td><img src='/anh/le-ky-niem-{i}.jpg'></td></tr><tr><td align='center'><em>Quang cảnh buổi lễ"
        f" kỷ niệm, ảnh số {i}</em></td></tr></table>" for i in range(pictures)
    )
    footer = (
        "<div>CỔNG THÔNG TIN ĐIỆN TỬ TỈNH ỦY BÌNH ĐỊNH<br>Cơ quan chủ quản: Văn phòng Tỉnh ủy. Địa chỉ: 02 Trần Phú,"
        " thành phố Quy Nhơn.<br>Điện thoại: 0256.3822.xxx - Email: vptu@tinhuy.example.vn<br>"
        "Bản quyền thuộc Tỉnh ủy. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</div>"
    )
    return (
        "<table><tr><td><div class='main'><h1>Kỷ niệm 50 năm Ngày giải phóng tỉnh (31/3/1975 - 31/3/2025)</h1>"
        f"<div>31/03/2025</div><div>{credit}</div><div><div><p>{PHOTO_STORY_LEAD}</p>{figures}</div></div></div>"
        f"</td></tr><tr><td>{footer}</td></tr></table>"
    )


def test_a_photo_story_of_one_paragraph_is_the_body_not_the_footer() -> None:
    article = extract(page(_photo_story("Minh Châu")))
    assert article.text == PHOTO_STORY_LEAD
    assert len(article.images) == 3 and article.summary is None


def test_a_photo_credit_over_a_photo_story_names_its_author() -> None:
    assert extract(page(_photo_story("Ảnh: Đình Phú"))).author == "Đình Phú"
    # over an article told in words, a photo credit names no author
    pictures = "<p><img src='/a.jpg'></p><p><img src='/b.jpg'></p>"
    words = article_html(before="<div>Ảnh: Đình Phú</div>", inside=pictures)
    assert extract(page(words)).author is None


@pytest.mark.parametrize(
    "script", ["/image/image_gallery?uuid={}&amp;groupId=10180", "/image.axd?picture=/2025/04/{}.jpg"]
)
def test_pictures_a_script_serves_are_told_apart_by_their_query(script: str) -> None:
    # Liferay's gallery; a handler whose own name has an extension (BlogEngine.NET's image.axd)
    inside = "".join(f"<p><img src='{script.format(name)}'></p>" for name in ("b627ee80", "f50c02d0"))
    article = extract(page(article_html(inside=inside)))
    assert [image.src.split("=")[1].rsplit("/", 1)[-1][:8] for image in article.images] == ["b627ee80", "f50c02d0"]


def test_a_lead_set_beside_a_picture_is_not_its_caption() -> None:
    lead = "Quý I năm 2024, tình hình kinh tế - xã hội của tỉnh tiếp tục chuyển biến tích cực, du lịch tăng mạnh."
    before = (
        "<div><figure style='width:200px'><p><img src='/uploads/hoi-nghi.jpg'></p></figure>"
        f"<div class='hometext'>{lead}</div></div>"
    )
    article = extract(page(article_html(before=before)))
    assert article.summary == lead
    assert [(image.src.rsplit("/", 1)[1], image.caption) for image in article.images] == [("hoi-nghi.jpg", None)]


def test_an_office_set_apart_under_the_body_is_its_author() -> None:
    office = "Phòng Thông tin - Tư liệu, Văn phòng Tỉnh ủy"
    article = extract(page(article_html(inside=f"<p style='text-align: right;'><strong>{office}</strong></p>")))
    assert (article.author, article.text.split("\n\n")) == (office, PARAGRAPHS)
    # a closing sentence that starts with an office's name is text
    closing = "Sở Y tế đã triển khai kế hoạch tiêm chủng đến các xã, phường trong tỉnh."
    article = extract(page(article_html(inside=f"<p>{closing}</p>")))
    assert article.author is None and article.text.split("\n\n")[-1] == closing


def test_a_first_paragraph_followed_by_a_subheading_is_no_lead() -> None:
    inside = "<h3>Giảm 6 đầu mối cấp tỉnh</h3>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:])
    body = (
        "<div class='main'><h1>Hội nghị sơ kết công tác quý I năm 2024</h1>"
        f"<div class='content'><p>{PARAGRAPHS[0]}</p>{inside}</div></div>"
    )
    article = extract(page(body))
    assert article.summary is None
    assert article.text.split("\n\n") == [PARAGRAPHS[0], "Giảm 6 đầu mối cấp tỉnh", *PARAGRAPHS[1:]]


def test_a_gallery_under_one_paragraph_beside_heavy_widgets_is_the_article() -> None:
    # WordPress: a photo story's one paragraph, a gallery of captioned pictures and a photo credit;
    # the sidebar's text widgets hold more prose than the paragraph.
    gallery = "".join(
        f"<figure><img src='/wp-content/uploads/le-dang-huong-{i}.jpg'><figcaption>Đoàn đại biểu dâng hương tại"
        f" Đền thờ Chủ tịch Hồ Chí Minh, ảnh số {i}</figcaption></figure>" for i in range(3)
    )
    widget = (
        "<section><h2>Giới thiệu</h2><div>Cổng thông tin điện tử của Tỉnh ủy lưu trữ tin bài đã đăng trước ngày hợp"
        " nhất tỉnh; mọi thông tin mới xin xem tại cổng thông tin của tỉnh mới sau hợp nhất.</div></section>"
    )
    body = (
        "<header><p>Trang thông tin điện tử của Tỉnh ủy (lưu trữ)</p></header><div><main><article>"
        "<h1>Hình ảnh: Lễ dâng hương kỷ niệm 95 năm Ngày thành lập Đảng</h1>"
        f"<div><p>{PHOTO_STORY_LEAD}</p><figure>{gallery}</figure><p><em>Ảnh: Hoàng Nam</em></p></div>"
        f"</article></main><aside>{widget * 4}</aside></div>"
    )
    article = extract(page(body))
    assert article.text == PHOTO_STORY_LEAD
    assert (article.author, len(article.images)) == ("Hoàng Nam", 3)


def test_captions_weigh_in_the_region_of_a_photo_story() -> None:
    from crawler.extract.layout import article_region, prose
    from crawler.extract.page import parse

    captions = "".join(
        f"<figure><img src='/a{i}.jpg'><figcaption>Đoàn đại biểu dâng hương tại Đền thờ Chủ tịch Hồ Chí Minh, ảnh"
        f" số {i}</figcaption></figure>" for i in range(3)
    )
    # the sidebar's three widgets, each heavier than the story's one paragraph
    widget = f"<section><div>{PARAGRAPHS[0]} {PARAGRAPHS[2]}</div></section>"
    html = (
        "<div><article><h1>Lễ dâng hương kỷ niệm 95 năm Ngày thành lập Đảng</h1>"
        f"<div><p>{PHOTO_STORY_LEAD}</p>{captions}</div></article><aside>{widget * 3}</aside></div>"
    )
    tree = parse(page(html))
    heading = next(tree.iter("h1"))
    assert article_region(tree, heading, prose(tree, heading)).tag == "article"


def test_a_breadcrumb_of_spans_in_list_items_ending_with_the_title_gives_the_category() -> None:
    title = "Hội nghị sơ kết công tác quý I năm 2024 của Ban Chấp hành Đảng bộ tỉnh"
    crumbs = "".join(
        f"<li><span><a href='{href}'>{text}</a></span></li>"
        for href, text in (("/web/tinhuy/trang-chu", "Trang chủ"), ("/web/tinhuy/tin-tuc", "Tin tức - Sự kiện"),
                           ("/web/tinhuy/tin-tuc/-/content/hoi-nghi", title))
    )
    body = f"<nav><ul>{crumbs}</ul></nav>" + article_html().replace("Hội nghị sơ kết công tác quý I năm 2024", title)
    assert extract(page(body)).category == "Tin tức - Sự kiện"


def test_lines_past_a_box_of_other_articles_outside_the_body_are_not_text() -> None:
    related = (
        "<div><h4>Tin cùng chuyên mục</h4><ul><li><a href='/tin/1'>Huyện ủy sơ kết 5 năm thực hiện Chỉ thị 05</a></li>"
        "<li><a href='/tin/2'>Trao Huy hiệu Đảng đợt 3/2 cho 412 đảng viên</a></li></ul></div>"
    )
    footer = (
        "<div><div><p>Cơ quan chủ quản: Ban Thường vụ Tỉnh ủy. Địa chỉ: 450 đường 16 Tháng 4, thành phố Phan Rang"
        " - Tháp Chàm. Chịu trách nhiệm nội dung: Trưởng Ban Tuyên giáo Tỉnh ủy.</p>"
        "<p>Copyright © Đảng bộ tỉnh 2026</p></div></div>"
    )
    body = (
        "<div><div><h1>Hội nghị sơ kết công tác quý I năm 2024</h1></div></div>"
        "<div><div>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + f"{related}</div></div>{footer}"
    )
    assert extract(page(body)).text.split("\n\n") == PARAGRAPHS


def test_the_posts_tags_under_a_label_are_not_text() -> None:
    """WordPress's tags line at the end of the post, kept inside its box once the theme's <footer>
    is a <div>: "Thẻ bài viết: #Đảng viên mới" names the tag pages, it is no paragraph."""
    tags = ("<div><div><span><span>Thẻ bài viết: </span><a href='/tag/dang-vien-moi/' rel='tag'><span>#</span>"
            "Đảng viên mới</a></span></div></div>")
    assert extract(page(article_html(inside=tags))).text.split("\n\n") == PARAGRAPHS


def test_a_category_page_of_teasers_with_long_excerpts_is_no_article() -> None:
    """WordPress's category archive (Kadence): under "Chuyên mục: Tin hoạt động" and its description,
    each post a box of its linked title, category, author and date links, an excerpt of 55 words and
    "Xem thêm <title>": more than 400 characters each, the excerpt itself fewer."""
    def teaser(n: int) -> str:
        title = f"Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ {20 + n} thảo luận dự thảo văn kiện Đại hội"
        return (f"<article><div><header><div><a href='/c/tin-hoat-dong/'>Tin hoạt động</a></div>"
                f"<h2><a href='/tin-hoat-dong/bai-{n}/'>{title}</a></h2><div>Bởi <a href='/author/bientap/'>Ban"
                f" Biên tập</a> <time>{10 + n}/06/2025</time></div></header><div><p>{PARAGRAPHS[n % 3]} "
                f"{PARAGRAPHS[(n + 1) % 3]} Hội nghị cũng đã [&hellip;]</p></div><footer><p><a href='/tin-hoat-dong/"
                f"bai-{n}/'>Xem thêm<span> {title}</span></a></p></footer></div></article>")
    body = ("<div class='header'><a href='/'>Trang chủ</a></div><main><h1>Chuyên mục: <span>Tin hoạt động</span></h1>"
            "<div><p>Hoạt động của Tỉnh ủy, Ban Thường vụ Tỉnh ủy và các cơ quan tham mưu, giúp việc.</p></div>"
            f"<div>{''.join(teaser(n) for n in range(3))}</div></main>")
    with pytest.raises(NotAnArticle):
        extract(page(body, url="https://tinhuy.example.vn/category/tin-hoat-dong/"))


# A Blogs entry of Liferay 7.3: the page says only how long ago it was published, and when it was
# made (its form's hidden "formDate", the server's clock in milliseconds: 16/06/2025 09:30 in Vietnam).
RENDERED_AT = "<form><input name='_blogs_formDate' type='hidden' value='1750041000000'></form>"


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        # "1 Ngày" is 24 to 48 hours before 09:30 on the 16th: mostly on the 14th (14.5 of its 24 hours)
        ("Cách đây 1 Ngày", "2025-06-14"),
        ("Cách đây 16 giờ", "2025-06-15"),
        ("Cách đây 5 Ngày - 804 Views", "2025-06-10"),
        ("3 ngày trước", "2025-06-12"),
    ],
)
def test_a_date_shown_as_time_ago_is_the_day_counted_back_from_when_the_page_was_made(
    shown: str, expected: str | None
) -> None:
    before = (f"<div><a href=''>Minh Hằng</a></div>"
              f"<div><span style='position:absolute'>Ngày xuất bản</span>{shown}</div>")
    article = extract(page(article_html(before=before, after=RENDERED_AT)))
    assert article.published == expected


@pytest.mark.parametrize(
    ("shown", "published", "between"),
    [
        # Liferay's units (portal-kernel Time: a week 7 days, a month 30, a year 365) and its
        # Vietnamese keys ("{0} Các tháng", "{0} Năm"); the middle day of the window is the record's
        # day, the window's first and last days its range.
        ("Cách đây 2 Tuần", "2025-05-29", "2025-05-26/2025-06-02"),
        ("Cách đây 3 Các tháng", "2025-03-03", "2025-02-16/2025-03-18"),
        ("Cách đây 1 Năm", "2023-12-16", "2023-06-17/2024-06-16"),
        ("2 năm trước", "2022-12-16", "2022-06-17/2023-06-17"),
        ("5 Months Ago", "2025-01-02", "2024-12-18/2025-01-17"),
        # A day's window too: the day named may be the one before the article's.
        ("Cách đây 1 Ngày", "2025-06-14", "2025-06-14/2025-06-15"),
    ],
)
def test_an_entry_weeks_months_or_years_old_is_dated_with_the_days_it_lies_between(
    shown: str, published: str, between: str
) -> None:
    # An old Blogs entry shows "Cách đây 3 Các tháng": read as no date, it was no article at all.
    before = f"<div><a href=''>Minh Hằng</a></div><div>{shown}</div>"
    article = extract(page(article_html(before=before, after=RENDERED_AT)))
    assert (article.published, article.published_range) == (published, between)


def test_a_date_the_page_states_has_no_range() -> None:
    before = "<div>Thứ Hai, 16/06/2025 09:30</div>"
    article = extract(page(article_html(before=before, after=RENDERED_AT)))
    assert (article.published, article.published_range) == ("2025-06-16T09:30:00+07:00", None)


def test_time_ago_is_counted_from_the_date_header_when_the_page_has_no_stamp() -> None:
    before = "<div>Cách đây 2 Ngày</div>"
    html = page(article_html(before=before))
    dated = Page(url=html.url, body=html.body, headers={**html.headers, "Date": "Mon, 16 Jun 2025 02:30:00 GMT"})
    assert extract(html).published is None  # no clock of its own: never the time of reading
    assert extract(dated).published == "2025-06-13"


def test_initials_drawn_beside_a_name_are_its_portrait_and_the_name_is_the_byline() -> None:
    # Liferay's Blogs: <span class="sticker">MH</span> then <a class="username">Minh Hằng</a>.
    before = ("<div><span><span>MH</span></span></div><div><a href=''>Minh Hằng</a></div>"
              "<div>Cách đây 16 giờ - 1.204 Views</div>")
    assert extract(page(article_html(before=before, after=RENDERED_AT))).author == "Minh Hằng"


def test_a_picture_drawn_as_a_boxs_background_is_an_image_with_its_small_print_caption() -> None:
    # Liferay Blogs' cover image: no <img>, a box's CSS background, its caption in <small> below.
    before = ("<div style='background-image: url(/documents/20121/0/hoi-nghi.jpg/5e3a?t=1749904860000);'></div>"
              "<div><div><small>Quang cảnh hội nghị sơ kết quý I</small></div></div>")
    article = extract(page(article_html(before=before)))
    assert [(image.src, image.caption) for image in article.images] == [
        ("https://tinhuy.example.vn/documents/20121/0/hoi-nghi.jpg/5e3a?t=1749904860000",
         "Quang cảnh hội nghị sơ kết quý I")
    ]
    assert "Quang cảnh" not in article.text


def test_a_label_above_the_heading_is_its_category_however_many_wrappers_hold_the_heading() -> None:
    wrapped = "<h1>Hội nghị sơ kết công tác quý I năm 2024</h1>"
    for _ in range(6):
        wrapped = f"<div>{wrapped}</div>"
    body = (f"<div><div><span>Xây dựng Đảng</span></div>{wrapped}"
            "<div>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div></div>")
    assert extract(page(body)).category == "Xây dựng Đảng"


def test_the_line_in_small_print_right_under_a_background_picture_is_a_caption() -> None:
    # What trafilatura's body or a walk of the entry's box would keep as its first line otherwise
    # (liferay-laocai's entries with their class names gone).
    box = lxml.html.fromstring(
        "<div><div style='background-image: url(/documents/20121/0/chuyen-doi-so.jpg)'></div><!-- text resume -->"
        "<div><div><div><small>Cán bộ Văn phòng Tỉnh ủy vận hành hệ thống</small></div></div>"
        "<div><p>Văn phòng Tỉnh ủy vừa tổ chức hội nghị đánh giá kết quả chuyển đổi số.</p></div></div></div>"
    )
    assert [element.text_content() for element in captions_under_images(box)] == [
        "Cán bộ Văn phòng Tỉnh ủy vận hành hệ thống"
    ]


def test_a_date_the_page_shows_comes_before_a_time_ago() -> None:
    # "2 ngày trước" in a line under the heading, the date itself under the text: the date shown.
    before = "<div>Đăng 2 ngày trước - 804 lượt xem</div>"
    after = "<div>Cập nhật lúc 10:20 ngày 14/06/2025</div>" + RENDERED_AT
    assert extract(page(article_html(before=before, after=after))).published == "2025-06-14T10:20:00+07:00"


def test_no_label_is_read_above_the_page_body() -> None:
    # The article alone in wrappers up to <body>, its menus after it: the <title> is no category.
    wrapped = ("<article><header><h1>Hội nghị sơ kết, đánh giá công tác quý I</h1>"
               "<div>Đăng ngày 12/03/2024</div></header><div>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
               + "</div><footer>Chia sẻ</footer></article>")
    body = (f"<div><div><main><div>{wrapped}</div></main><nav><a href='/'>Trang chủ</a></nav></div>"
            "<div>©</div></div>")
    head = "<title>Hội nghị sơ kết, đánh giá công tác quý I – Tỉnh ủy</title>"
    assert extract(page(body, head=head)).category is None


def test_a_lead_in_its_own_box_over_the_texts_box_is_the_summary_when_no_name_tells_them_apart() -> None:
    # WordPress's entry summary and entry content with their class names gone: trafilatura takes both
    # boxes for the body (and the author box in the content, and the entry footer); the lead is the
    # box before the one that holds the paragraphs.
    lead = ("Ngày 25/11, Ban Chấp hành Đảng bộ tỉnh tổ chức Hội nghị lần thứ 21 để đánh giá tình hình thực hiện"
            " nhiệm vụ năm 2024 và cho ý kiến vào phương hướng, nhiệm vụ năm 2025.")
    paragraphs = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = f"""<div><header><p><a href="/">Tỉnh ủy An Giang</a></p></header><div><main><article>
<header><h1>Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 21</h1></header>
<div><p>{lead}</p></div>
<div>{paragraphs}
<figure><img src="/wp-content/uploads/2024/11/hoi-nghi-bch-21.jpg" alt=""><figcaption>Đồng chí Bí thư Tỉnh ủy phát biểu
kết luận hội nghị</figcaption></figure>
<p><strong>Minh Tâm</strong></p>
<div><div><img alt="" src="https://secure.gravatar.com/avatar/72bb?s=42"></div><div><h2><span>Tác giả:</span> Ban Biên
tập</h2><p>Ban Biên tập Trang thông tin điện tử Tỉnh ủy An Giang, trực thuộc Văn phòng Tỉnh ủy.
<a href="/?author=2">Xem tất cả bài viết của Ban Biên tập</a></p></div></div></div>
<footer><span><span>Tác giả </span> <a href="/?author=2">Ban Biên tập</a></span><span><span>Đăng vào </span>
<a href="/?p=8412"><time datetime="2024-11-26T08:30:00+07:00">26/11/2024</time></a></span><span><span>Chuyên mục
</span><a href="/?cat=3">Tin hoạt động</a></span></footer></article></main></div></div>"""
    title = "<title>Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 21 – Tỉnh ủy An Giang</title>"
    article = extract(page(html, head=title))
    assert article.summary == lead
    assert article.text.split("\n\n")[:4] == [lead, *PARAGRAPHS]
def test_the_logos_name_set_as_a_hidden_h1_is_not_the_title_the_page_title_opens_with() -> None:
    # mojoPortal's framework skin: "<title>Site - Post</title>", the site's name in a screen readers'
    # <h1> beside the logo that links home, the post's title in an <h2> over the body.
    title = "Ban Dân vận Tỉnh ủy triển khai nhiệm vụ năm 2025"
    head = f"<title>Tỉnh ủy Tuyên Quang - {title}</title>"
    banner = (
        "<header><a href='https://tinhuy.example.vn/'><img src='/logo.png' alt='Tỉnh ủy Tuyên Quang'></a>"
        "<h1 class='x1'>Tỉnh ủy Tuyên Quang</h1></header>"
    )
    body = banner + article_html().replace("<h1>Hội nghị sơ kết công tác quý I năm 2024</h1>", f"<h2>{title}</h2>")
    assert extract(page(body, head)).title == title
    # (a picture that links elsewhere names no site: a partner's banner)
    elsewhere = body.replace("href='https://tinhuy.example.vn/'", "href='https://dangcongsan.example/'")
    assert extract(page(elsewhere, head)).title == "Tỉnh ủy Tuyên Quang"


def test_a_hidden_h1_of_the_title_and_its_section_gives_the_title_the_page_shows_alone() -> None:
    # Liferay 7's theme: a hidden "<h1>Title - Section</h1>" (the <title> less the site), the asset
    # publisher's "<div><span>Title</span></div>" under its portlet's "<h2>Section</h2>"; beside it, a
    # listing's links show the title too.
    title = "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 24 - Khóa XV"
    head = f"<title>{title} - Xây dựng Đảng - Tỉnh ủy Sơn La</title>"
    menu = "<ul><li><a href='/xay-dung-dang'>Xây dựng Đảng</a></li><li><a href='/dan-van'>Dân vận</a></li></ul>"
    teaser = "Sáng 14/1, Ban Chấp hành Đảng bộ tỉnh tổ chức Hội nghị lần thứ 24 để cho ý kiến vào các dự thảo văn kiện."
    listing = f"<div><h4><a href='/tin-tuc/-/content/hoi-nghi'>{title}</a></h4><p>{teaser}</p></div>" * 2
    portlet = (
        f"<h1 class='x1'>{title} - Xây dựng Đảng</h1><div>{listing}</div>"
        f"<div><h2>Xây dựng Đảng</h2><div><div class='x2'><span>{title}</span></div>"
        "<div><div>Thứ Ba, 14/01/2025 | 08:35</div><div class='x3'>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div></div></div></div>"
    )
    article = extract(page(menu + portlet, head))
    assert (article.title, article.text) == (title, "\n\n".join(PARAGRAPHS))
    assert article.published == "2025-01-14T08:35:00+07:00"
    # A title with a dash whose parts the page does not show alone keeps them.
    other = "Hội nghị sơ kết công tác quý I - Triển khai nhiệm vụ quý II"
    head = f"<title>{other} - Tỉnh ủy Sơn La</title>"
    shown = f"<h1>{other}</h1><div class='x3'>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>"
    assert extract(page(menu + shown.replace("quý I -", "quý I -"), head)).title == other


def test_a_heading_over_a_readers_comment_is_not_the_title() -> None:
    # A blog post: its title in an <h2> over the lead and the body, then a reader's comment with its
    # own heading and date line, under the body.
    title = "Ban Dân vận Tỉnh ủy triển khai nhiệm vụ năm 2025"
    head = f"<title>Tin tức - {title}</title><meta property='og:title' content='{title}'>"
    comment = (
        "<div><h3>Bình luận</h3><h4>Cảm ơn Ban Dân vận Tỉnh ủy</h4>"
        "<div><span>16:02 21/03/2025</span> <span>Nguyễn Văn Chiến</span></div>"
        "<div>Mong các mô hình dân vận khéo ở xã tôi được nhân rộng hơn nữa trong thời gian tới.</div></div>"
    )
    body = (
        f"<div class='main'><header><h2>{title}</h2></header><div class='content'>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + f"</div><div>Thứ Sáu, 21/03/2025 10:30</div>{comment}</div>"
    )
    assert extract(page(body, head)).title == title


def test_a_first_paragraph_over_subheadings_typed_in_bold_is_no_lead() -> None:
    # Subheadings typed as bold paragraphs, not <h3>s: the first paragraph is the body's, as the next.
    inside = "".join(f"<p><strong>Giảm 6 đầu mối cấp tỉnh</strong></p><p>{p}</p>" for p in PARAGRAPHS[1:])
    body = (
        "<div class='main'><h1>Hội nghị sơ kết công tác quý I năm 2024</h1>"
        f"<div class='content'><p>{PARAGRAPHS[0]}</p>{inside}</div></div>"
    )
    article = extract(page(body))
    assert article.summary is None
    assert article.text.split("\n\n")[0] == PARAGRAPHS[0]


POST_TITLE = "Ban Dân vận Tỉnh ủy triển khai nhiệm vụ năm 2025"


def _post(date_line: str) -> Page:
    """A blog post whose author, date and category sit in one line under the body."""
    body = (
        "<nav><ol><li><a href='/'>Trang chủ</a></li><li><a href='/tin-tuc.aspx'>Tin tức</a></li></ol></nav>"
        f"<article><header><h2>{POST_TITLE}</h2></header><div><div class='content'>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + f"</div></div>{date_line}</article>"
    )
    return page(body, f"<title>Tin tức - {POST_TITLE}</title><meta property='og:title' content='{POST_TITLE}'>")


def test_who_posted_a_blog_entry_and_its_category_are_read_from_its_date_line() -> None:
    # mojoPortal's Blog: "Đăng bởi Thu Hà", the date and "Chuyên mục: <a>Dân vận</a>" under the body.
    line = (
        "<div><span>Đăng bởi Thu Hà</span> <span>Thứ Sáu, 21/03/2025 10:30</span> <span>Chuyên mục:</span>"
        " <span><a href='/Blog/ViewCategory.aspx?cat=3'>Tin huyện, thành</a></span></div>"
    )
    article = extract(_post(line))
    assert (article.author, article.category) == ("Thu Hà", "Tin huyện, thành")
    assert article.published == "2025-03-21T10:30:00+07:00"
    assert article.text.split("\n\n") == PARAGRAPHS
    # The name in a link after the label alone; an account's login is no writer's name.
    linked = line.replace("<span>Đăng bởi Thu Hà</span>", "<span>Đăng bởi <a href='#'>Thu Hà</a></span>")
    assert extract(_post(linked)).author == "Thu Hà"
    login = line.replace("<span>Đăng bởi Thu Hà</span>", "<span>Đăng bởi <a href='#'>bientap.tgtu</a></span>")
    assert extract(_post(login)).author is None


def test_a_date_line_read_with_the_section_beside_it_is_not_text() -> None:
    # The reader of the page joined the date and the category link under the body into one line.
    line = "<div>Thứ Sáu, 21/03/2025 10:30 <a href='/Blog/ViewCategory.aspx?cat=3'>Dân vận</a></div>"
    closing = "<p style='text-align:right'><strong>Thanh Phúc</strong></p>"
    post = _post(line)
    post = Page(url=post.url, body=post.body.replace(b"</div></div><div>", f"{closing}</div></div><div>".encode()),
                headers=post.headers)
    article = extract(post)
    assert article.text.split("\n\n") == PARAGRAPHS
    assert article.author == "Thanh Phúc"


def test_the_section_of_an_address_is_the_nearest_page_above_it_the_portal_links() -> None:
    # Liferay: the article opens under its page's publisher, "/xay-dung-dang/-/asset_publisher/<id>/
    # content/<url-title>"; the levels between are the portlet's, the page is "/xay-dung-dang".
    url = "https://tinhuy.example.vn/xay-dung-dang/-/asset_publisher/q7Rb/content/hoi-nghi-so-ket"
    menu = (
        "<ul><li><a href='/xay-dung-dang'>Xây dựng Đảng</a></li><li><a href='/dan-van'>Dân vận</a></li>"
        "<li><a href='/tin-tuc'>Tin tức</a></li><li><a href='/lien-he'>Liên hệ</a></li></ul>"
    )
    assert extract(page(article_html() + menu, url=url)).category == "Xây dựng Đảng"


_NAVBAR = (
    "<nav><a href='/'><i class='icon'></i></a><ul><li><a href='/'>Trang chủ</a></li>"
    "<li><a href='/gioi-thieu'>Giới thiệu</a></li><li><a href='/tin-tuc'>Tin tức</a></li>"
    "<li><a href='/van-ban'>Văn bản</a></li><li><a href='/lien-he'>Liên hệ</a></li></ul></nav>"
)


def test_a_menu_of_peer_sections_led_by_the_home_page_is_no_breadcrumb() -> None:
    # Bootstrap's navbar without sub-lists (Piranha's MvcWeb layout): a list of links after "Trang
    # chủ", as a path's crumbs are listed, but each a section beside the others, none under another.
    url = "https://tinhuy.example.vn/bai-viet/123"
    assert extract(page(_NAVBAR + article_html(), url=url)).category is None
    path = (
        "<ul><li><a href='/'>Trang chủ</a></li><li><a href='/tin-tuc'>Tin tức</a></li>"
        "<li><a href='/tin-tuc/xay-dung-dang'>Xây dựng Đảng</a></li>"
        "<li><a href='/tin-tuc/xay-dung-dang/to-chuc'>Công tác tổ chức</a></li></ul>"
    )
    assert extract(page(path + article_html(), url=url)).category == "Công tác tổ chức"


def test_a_category_labelled_without_a_colon_beside_the_date_in_the_metadata_line() -> None:
    # Piranha's post meta: each piece in its <span>, the label and its link without a colon, one
    # tag whose text is a slug (no title of another article: the date is the post's own).
    meta = (
        "<p><span>Chuyên mục <a href='/tin-tuc/category/xay-dung-djang'>Xây dựng Đảng</a></span>"
        " <span>Từ khóa <a href='/tin-tuc/tag/to-chuc-co-so-djang'>#to-chuc-co-so-djang</a></span>"
        " <span>Ngày đăng 15/01/2025</span></p>"
    )
    article = extract(page(_NAVBAR + article_html(before=meta)))
    assert article.category == "Xây dựng Đảng"
    assert article.published == "2025-01-15"
    assert article.text.split("\n\n") == PARAGRAPHS


def test_a_caption_typed_at_the_top_of_the_text_block_under_the_picture_is_its_caption() -> None:
    # An image block with no caption field (Piranha's ImageBlock), the caption typed by the editor
    # as the first line of the next HTML block, in small print and centred.
    blocks = (
        f"<div class='block'><div><p>{PARAGRAPHS[0]}</p></div></div>"
        "<div class='block'><div><img src='/uploads/1/toan-canh_1110x740.jpg'></div></div>"
        "<div class='block'><div><p style='text-align: center;'><small>Quang cảnh hội nghị sơ kết</small></p>"
        f"<p>{PARAGRAPHS[1]}</p><p>{PARAGRAPHS[2]}</p></div></div>"
    )
    body = f"<div class='main'><h1>Hội nghị sơ kết công tác quý I năm 2024</h1><main>{blocks}</main></div>"
    article = extract(page(body))
    assert [(image.src.rsplit("/", 1)[-1], image.caption) for image in article.images] == [
        ("toan-canh_1110x740.jpg", "Quang cảnh hội nghị sơ kết")
    ]
    assert article.text.split("\n\n") == PARAGRAPHS
    # ...and so it is with the picture alone between the two passages, its block's wrappers gone
    bare = body.replace("<div class='block'><div><img src='/uploads/1/toan-canh_1110x740.jpg'></div></div>",
                        "<img src='/uploads/1/toan-canh_1110x740.jpg'>")
    article = extract(page(bare))
    assert [image.caption for image in article.images] == ["Quang cảnh hội nghị sơ kết"]
    assert article.text.split("\n\n") == PARAGRAPHS


def _wiki_page(title: str) -> str:
    """A SharePoint 2010 wiki page: the title row (the site's name, a separator drawn from a sprite,
    the page's title), the last-modified line, the page content, and the rating's stars after it."""
    stars = "".join("<img src='/_layouts/Images/RatingsSmallStarFilled.png' alt=''>" for _ in range(3))
    stars += "".join("<img src='/_layouts/Images/RatingsSmallStarEmpty.png' alt=''>" for _ in range(2))
    return (
        "<table><tr><td><h1><a href='/'>Tỉnh ủy Gia Lai</a></h1>"
        "<span><span style='height:11px;width:11px;display:inline-block;overflow:hidden'>"
        "<img src='/_layouts/images/fgimg.png' alt=':' style='position:absolute;top:-585px'></span></span>"
        f"<h2>{title}</h2></td></tr></table>"
        "<div><div><div>Sửa đổi lần cuối lúc 19/05/2025 11:02 SA bởi <a href='/_layouts/userdisp.aspx?ID=15'>"
        "Ban Biên tập</a></div>"
        f"<div><div>{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}"
        "<p style='text-align:center'><img src='/PublishingImages/hoi-nghi.jpg' alt=''></p>"
        "<p style='text-align:center'><em>Quang cảnh hội nghị.</em></p></div></div></div>"
        f"<div><b>Xếp hạng Trang</b><div><span title='Xếp hạng hiện tại: 3'>{stars}</span>"
        "<span class='ms-hidden'>Xếp hạng hiện tại: 3 (3 xếp hạng)</span></div></div></div>"
    )


def test_a_separator_and_rating_stars_drawn_with_pictures_are_no_images_of_the_article() -> None:
    title = "Ủy ban Kiểm tra Tỉnh ủy tổ chức Kỳ họp thứ 40"
    article = extract(page(_wiki_page(title), head=f"<title>{title}</title>"))
    assert [(image.src.rsplit("/", 1)[-1], image.caption) for image in article.images] == [
        ("hoi-nghi.jpg", "Quang cảnh hội nghị.")
    ]


def test_the_title_row_that_holds_the_heading_is_no_line_of_the_body() -> None:
    # A title with dates in parentheses reads as a sentence; with the site's name before it in the
    # row, it is still the row of the heading, and the date line is the one under it.
    title = "Gia Lai kỷ niệm 135 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 - 19/5/2025)"
    article = extract(page(_wiki_page(title), head=f"<title>{title}</title>"))
    assert article.text.split("\n\n") == PARAGRAPHS
    assert article.published == "2025-05-19T11:02:00+07:00"


def test_dates_of_teasers_under_their_own_headings_do_not_date_an_archive_page() -> None:
    # Piranha's archive says og:type "article" and has its <h1>; each teaser shows its own title
    # (not linked), date line and excerpt, then a "Read more" button: no date is the page's.
    teasers = "".join(
        f"<div class='col'><article><header><h3>Hội nghị sơ kết công tác quý {n} năm 2025 của Tỉnh ủy</h3>"
        f"<p><span>Chuyên mục <a href='/tin-tuc/category/thoi-su'>Thời sự</a></span>"
        f" <span>Từ khóa <a href='/tin-tuc/tag/so-ket'>#so-ket</a></span> <span>Ngày đăng 0{n}/07/2025</span></p>"
        f"<p>{PARAGRAPHS[n - 1]}</p><a href='/tin-tuc/hoi-nghi-so-ket-quy-{n}'>Xem tiếp</a></header></article></div>"
        for n in (1, 2, 3)
    )
    body = (
        "<div><span>Thứ Hai, 07/12/2026</span></div>" + _NAVBAR
        + "<header><h1>Tin tức - Sự kiện</h1><div>Tin tức, sự kiện về hoạt động của Đảng bộ tỉnh</div></header>"
        + f"<main>{teasers}</main>"
    )
    head = "<meta property='og:type' content='article'>"
    assert extract(page(body, head=head, url="https://tinhuy.example.vn/tin-tuc/category/thoi-su")).published is None


def test_a_wiki_pages_list_item_form_is_read_by_its_labels() -> None:
    # SharePoint 2010's display form of an Enterprise Wiki page: the file name, then "Tiêu đề",
    # "Nội dung Trang" (the page content) and "Danh mục Wiki" (its category) as labelled rows.
    rows = "".join(
        f"<tr><td class='label'><h3>{label}</h3></td><td>{value}</td></tr>" for label, value in (
            ("Tên", "Hoi-nghi-so-ket-quy-I"),
            ("Tiêu đề", "Hội nghị sơ kết công tác quý I năm 2024"),
            ("Nội dung Trang", "".join(f"<p>{p}</p>" for p in PARAGRAPHS)),
            ("Danh mục Wiki", "<a href='/Pages/Forms/TinTuc.aspx?FilterField1=Cat&FilterValue1=XDD'>Xây dựng Đảng</a>"),
        )
    )
    body = (f"<h2><a href='/Pages/Forms/AllItems.aspx'>Trang</a> &gt; Hoi-nghi-so-ket-quy-I</h2><table>{rows}</table>"
            "<div>Sửa đổi lần cuối lúc 12/03/2024 4:33 CH bởi <a href='/_layouts/userdisp.aspx?ID=3'>Biên tập</a>"
            "</div>")
    url = "https://tinhuy.example.vn/Pages/Forms/DispForm.aspx?ID=105"
    article = extract(page(body, head="<title>Trang - Hoi-nghi-so-ket-quy-I</title>", url=url))
    assert (article.title, article.category) == ("Hội nghị sơ kết công tác quý I năm 2024", "Xây dựng Đảng")
    assert article.text.split("\n\n") == PARAGRAPHS



def test_short_lines_closing_the_page_far_from_the_body_are_the_portals_imprint() -> None:
    # A SharePoint 2010 wiki page whose names say nothing (bench/metamorphic.py's opaque names): the
    # portal's imprint closes the page in a <div> like the others, levels away from the page content,
    # under the rating and categories. Its lines are not the body's, and the byline closing the body
    # (a right-aligned bold name) is its author.
    from bench.metamorphic import Gold, transform

    url = ("https://tinhuy.gialai.example/Pages/"
           "Ban-Thuong-vu-Tinh-uy-lam-viec-voi-Dang-uy-Khoi-cac-co-quan-va-doanh-nghiep-tinh.aspx")
    saved = saved_page("sharepoint-gialai", url)
    plain = extract(saved)
    opaque = extract(transform(saved, "opaque_names", Gold(plain.title, plain.text.split("\n\n"))))
    assert opaque.text == plain.text and "Cơ quan chủ quản" not in opaque.text
    assert opaque.author == plain.author == "Minh Nguyệt - Đức Thụy"


def test_a_byline_in_a_grid_under_the_body_is_no_imprint_however_wrapped() -> None:
    # Liferay 7.4's content page sets the byline in a row of columns under the body ("<div class="row">
    # <div class="col"><h6>Tác giả:</h6></div><div class="col">...<div>Hữu Nghĩa</div>"), as many levels
    # under the column they share as the body's box, or more. With a wrapper around every block it is as
    # far from the body's box as a footer, yet no imprint: those hang higher, in the page's frame.
    from bench.metamorphic import Gold, transform

    saved = saved_page(
        "liferay-haugiang",
        "https://tinhuy.haugiang.example/w/huyen-uy-vi-thuy-ra-mat-mo-hinh-dan-van-kheo-trong-xay-dung-nong-thon-moi")
    plain = extract(saved)
    wrapped = extract(transform(saved, "wrappers_added", Gold(plain.title, plain.text.split("\n\n"))))
    assert wrapped.author == plain.author == "Hữu Nghĩa"
    assert wrapped.text == plain.text
def _whole_post(slug: str, title: str, paragraphs: list[str]) -> str:
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<article><header><h1><a href='/2016/05/{slug}/' rel='bookmark'>{title}</a></h1></header>"
            f"<div class='entry-content'>{text}</div><footer>Đăng tại <a href='/category/tin/'>Tin hoạt động"
            f"</a></footer></article>")


def test_a_listing_that_shows_each_post_whole_is_not_an_article() -> None:
    # Twenty Twelve's category page: every post whole under its title linked to its own page, the
    # page's own heading "Nhóm lưu trữ: Tin hoạt động" above them; read as an article, it was archived
    # with the last post's text and then held that post's place.
    others = [p.replace("quý I", "quý II") for p in PARAGRAPHS]
    body = (
        "<h1>Nhóm lưu trữ: <span>Tin hoạt động</span></h1>"
        + _whole_post("hoi-nghi-quy-1", "Hội nghị sơ kết công tác quý I năm 2024", PARAGRAPHS)
        + _whole_post("hoi-nghi-quy-2", "Hội nghị sơ kết công tác quý II năm 2024", others)
    )
    with pytest.raises(NotAnArticle, match="posts under their linked titles"):
        extract(page(body, url="https://tinhuy.example.vn/category/tin/"))
    # The post's own page, its title linked to itself, is its article.
    single = _whole_post("hoi-nghi-quy-1", "Hội nghị sơ kết công tác quý I năm 2024", PARAGRAPHS)
    article = extract(page(single, url="https://tinhuy.example.vn/2016/05/hoi-nghi-quy-1/"))
    assert article.text.split("\n\n") == PARAGRAPHS


def test_a_lead_in_bold_under_the_authors_line_is_the_summary() -> None:
    # Orchard's blog post: the author's text field between the date line and the body, then the
    # lead in bold; the author's line is no line of the body that would keep the lead from being one.
    lead = "Chiều 30/10, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết công tác dân vận năm 2025, triển khai nhiệm vụ."
    paragraphs = "".join(f"<p style='text-align: justify;'>{p}</p>" for p in PARAGRAPHS)
    body = (
        "<div class='header'><a href='/'>Trang chủ</a></div><article><header><h1>Tổng kết công tác dân vận năm"
        " 2025</h1><div class='metadata'><div>30 Tháng Mười 2025 2:05:00 CH</div></div></header>"
        "<p class='text-field'><span>Tác giả:</span> <span>Lê Trường</span></p>"
        f"<p><strong>{lead}</strong></p>{paragraphs}</article>"
    )
    article = extract(page(body))
    assert article.summary == lead
    assert article.author == "Lê Trường"
    assert article.text.split("\n\n") == [lead, *PARAGRAPHS]


def test_a_featured_image_above_the_heading_keeps_its_caption() -> None:
    # OceanWP: the post's thumbnail and its caption in one box above the entry header.
    caption = "Đồng chí Bí thư Tỉnh ủy phát biểu kết luận hội nghị"
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    body = (
        "<div class='header'><a href='/'>Trang chủ</a></div><article><div><img src='/uploads/hoi-nghi.jpg'"
        f" alt=''><div>{caption}</div></div><header><h2>Hội nghị sơ kết công tác quý I năm 2024</h2></header>"
        f"<ul><li>17/06/2025</li></ul><div class='content'>{paragraphs}</div></article>"
    )
    article = extract(page(body))
    assert [(image.src, image.caption) for image in article.images] == [
        ("https://tinhuy.example.vn/uploads/hoi-nghi.jpg", caption)]
    assert article.text.split("\n\n") == PARAGRAPHS
    # A box whose text comes before its picture is no captioned picture: a section's name over a banner.
    banner = body.replace(f"<img src='/uploads/hoi-nghi.jpg' alt=''><div>{caption}</div>",
                          "<div>Tin hoạt động</div><img src='/uploads/banner.jpg' alt=''>")
    assert extract(page(banner)).images == ()
    # Nor a title bar's icon beside its name (Liferay's portlet header over the article).
    icon = "<header><h1><img src='/html/icons/asset_publisher.png' alt=''> <span>Tin tức</span></h1></header>"
    bar = body.replace(f"<div><img src='/uploads/hoi-nghi.jpg' alt=''><div>{caption}</div></div>", icon)
    assert extract(page(bar)).images == ()


def test_the_picture_the_page_declares_its_own_above_the_whole_content_area_is_its_featured_image() -> None:
    # Twenty Seventeen's single post: the featured image in a box of its own after the masthead,
    # above the content area's seven levels of wrappers down to the post's header and heading;
    # og:image names it (a sized copy of the file). A picture at that place that the page does not
    # declare its own is the site's, not the post's.
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    body = (
        "<div id='page'><header id='masthead'><a href='/' rel='home'>Tỉnh ủy</a></header>"
        "<div class='q1'><img src='/wp-content/uploads/2025/06/hoi-nghi.jpg' alt=''></div>"
        "<div class='q2'><div class='q3'><div class='q4'><div class='q5'><main><article><header>"
        "<div class='q6'><span>Đăng vào 18/06/2025</span></div><h1>Hội nghị sơ kết công tác quý I năm 2024</h1>"
        f"</header><div class='q7'>{paragraphs}</div></article></main></div></div></div></div></div>"
    )
    declared = "<meta property='og:image' content='https://tinhuy.example.vn/wp-content/uploads/2025/06/hoi-nghi-1024x683.jpg'>"
    article = extract(page(body, head=declared))
    assert [(image.src, image.caption) for image in article.images] == [
        ("https://tinhuy.example.vn/wp-content/uploads/2025/06/hoi-nghi.jpg", None)]
    assert article.text.split("\n\n") == PARAGRAPHS
    assert extract(page(body)).images == ()
    other = declared.replace("hoi-nghi-1024x683.jpg", "logo.png")
    assert extract(page(body, head=other)).images == ()


def test_a_listing_of_summaries_under_linked_titles_is_not_an_article() -> None:
    # Orchard's archive pages: each post's summary, "<h1><a>title</a></h1>", its date line and an
    # excerpt of a paragraph or two; the page's own "<h1>Archives</h1>" says nothing of an article.
    summaries = "".join(
        f"<li><article><header><h1><a href='/xay-dung-dang/bai-{n}'>Hội nghị sơ kết công tác xây dựng Đảng"
        f" đợt {n}</a></h1><div>0{n} Tháng Mười 2025 10:00:00 SA</div></header><p>{PARAGRAPHS[n - 1]} Đợt {n}.</p>"
        f"<p>Từ đầu nhiệm kỳ đến nay … <a href='/xay-dung-dang/bai-{n}'>more</a></p></article></li>"
        for n in (1, 2, 3)
    )
    body = f"<h1>Archives</h1><ul>{summaries}</ul>"
    with pytest.raises(NotAnArticle, match="posts under their linked titles"):
        extract(page(body, url="https://tinhuy.example.vn/xay-dung-dang/archive/2025"))
    # A section's name linked above an article's body is no post's title, though related posts follow.
    section = (
        "<h2><a href='/tin-tuc'>Tin tức</a></h2><div class='title'>Hội nghị sơ kết công tác quý I năm 2024</div>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + summaries.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    )
    assert not lists_whole_posts(lxml.html.fromstring(f"<html><body>{section}</body></html>"), URL, PARAGRAPHS)


def test_an_article_shown_at_another_address_is_archived_at_the_one_its_comments_link() -> None:
    # Orchard's unmanaged alias "/hoi-nghi-lan-thu-22" shows the post with no canonical link; its
    # comments link to themselves at the post's permalink.
    comments = (
        "<ul><li id='comment-412'><p>Hội nghị rất thiết thực, mong các nghị quyết sớm đi vào cuộc sống.</p>"
        "<a href='/tin-tuc/hoi-nghi-lan-thu-22#comment-412'>10 days ago</a></li></ul>"
    )
    alias = "https://tinhuy.example.vn/hoi-nghi-lan-thu-22"
    assert extract(page(article_html(after=comments), url=alias)).url == (
        "https://tinhuy.example.vn/tin-tuc/hoi-nghi-lan-thu-22")
    # A widget's links to comments this page does not hold name other posts.
    widget = "<ul><li><a href='/tin-tuc/bai-khac#comment-9'>Trần Văn A: Hội nghị rất thiết thực</a></li></ul>"
    assert extract(page(article_html(after=widget), url=alias)).url == alias


def test_a_page_title_with_the_section_added_is_not_the_title_when_both_are_shown_alone() -> None:
    """Liferay 6.2's classic theme shows "<h2 class="page-title">Hội nghị ... - Tin tức</h2>" (the
    page's subtitle and its name) above the Blogs portlet, whose title is the section's "<h1>Tin
    tức</h1>" and whose entry shows its own "<h3>Hội nghị ...</h3>" over its date line."""
    title = "Hội nghị sơ kết công tác quý I năm 2024"
    head = f"<title>{title} - Tin tức - Tỉnh ủy Nam Định</title>"
    body = (
        f"<header><h1><a href='/'><span>Tỉnh ủy Nam Định</span></a></h1><h2><span>{title} - Tin tức</span></h2>"
        "</header><nav><a href='/tin-tuc'>Tin tức</a></nav><section><header><h1><span>Tin tức</span></h1></header>"
        f"<div><div><span><a href='/tin-tuc/-/blogs' title='Quay lại'><span>Quay lại</span></a></span><h3><span>"
        f"{title}</span></h3></div><form><input type='hidden' value='248311'><div><div><div><span>Ngày xuất bản"
        "</span> 16:20 21/05/2025</div></div><div><div>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</div></div></div></form></div></section>"
    )
    article = extract(page(body, head))
    assert article.title == title
    assert article.published == "2025-05-21T16:20:00+07:00"
    # a title holding a dash whose parts the page does not show alone is kept whole
    dashed = "Nam Định - Ninh Bình thống nhất lộ trình sắp xếp"
    assert extract(page(body.replace(title, dashed), head.replace(title, dashed))).title == dashed


def test_a_comments_panel_under_the_body_is_not_text() -> None:
    """Liferay's Blogs entry: under the body the panel "Các lời bình" ("comments") opens with the
    entry's trackback address, then "Chưa có lời bình nào." when no one has commented (trafilatura
    keeps both, the entry's date in a "entry-content" box and the page's column its role="main")."""
    title = "Tổng kết Cuộc thi viết về bảo vệ nền tảng tư tưởng của Đảng năm 2025"
    panel = (
        "<div><div><div><div><span>Các lời bình</span></div></div><div><span>URL Trackback</span> "
        "<span>https://tinhuy.example.vn/tin-tuc/-/blogs/trackback/tong-ket-cuoc-thi</span><div><form><fieldset>"
        "<div>Chưa có lời bình nào. <a href='javascript:;'>Hãy là người đầu tiên.</a></div></fieldset></form>"
        "</div></div></div></div>"
    )
    body = (
        "<div role='main'><div><div><section><header><h1><span>Tin tức</span></h1></header><div><div><div><div>"
        f"<span><a href='/tin-tuc/-/blogs'><span>Quay lại</span></a></span><h3><span>{title}</span></h3></div>"
        "<form><div><div class='entry-content'><div>16:20 21/05/2025</div></div><div><div>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div></div><div class='entry-footer'><div"
        f" class='entry-author'>Bởi Trần Thu Hà</div></div></div></form>{panel}</div></div></div></section></div>"
        "</div></div>"
    )
    article = extract(page(body, f"<title>{title} - Tin tức - Tỉnh ủy Nam Định</title>"))
    assert article.text.split("\n\n") == PARAGRAPHS


def test_the_box_of_metadata_closing_the_body_gives_the_byline_and_category_not_text() -> None:
    """Liferay 6.2's Blogs entry ends with a box of the entry's metadata after the body's container:
    who posted it ("Bởi Vũ Minh Đức"), views and comments, the category under its label, ratings. Not
    lines of the text, whatever the box is named (an element named "footer" is pruned whole, with the
    byline); the sidebar's list of other entries, each "Bởi <a>Trần Thu Hà</a>,", names other writers."""
    box = (
        "<div class='{name}'><div>Bởi Vũ Minh Đức</div><div><span>702 Xem,</span> <span>0 Các lời bình</span></div>"
        "<span><span>Chuyên mục: <a href='/tin-tuc?categoryId=31502'>Tin hoạt động</a></span></span>"
        "<div><div>Bình chọn</div></div><div><div>Trung bình (2 Bình chọn)</div></div></div>"
    )
    teasers = "".join(
        f"<div><div><span><a href='/c/blogs/find_entry?entryId={n}'>Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ {n}"
        f"</a></span> <span>Bởi <a href='/c/blogs/find_entry?entryId={n}&amp;showAllEntries=1'>Trần Thu Hà</a>,"
        f"</span> <span>Vào ngày 16:20 21/05/2025</span></div></div>" for n in (30, 31)
    )
    breadcrumb = "<ul class='breadcrumb'><li><a href='/'>Trang chủ</a></li><li><a href='/tin-tuc'>Tin tức</a></li></ul>"
    for name in ("entry-footer", "x08f722"):
        body = breadcrumb + article_html(after=box.format(name=name)) + f"<div class='sidebar'>{teasers}</div>"
        article = extract(page(body))
        assert article.text.split("\n\n") == PARAGRAPHS, name
        assert (article.author, article.category) == ("Vũ Minh Đức", "Tin hoạt động"), name
    # a column of widgets under their headings after the body is no such box: a blog's categories
    widgets = (
        "<div><h3>Chuyên mục</h3><ul><li><a href='/Blog/ViewCategory.aspx?cat=1'>Tin hoạt động (2)</a></li>"
        "<li><a href='/Blog/ViewCategory.aspx?cat=2'>Dân vận (2)</a></li></ul><h3>Lưu trữ</h3><ul><li><a"
        " href='/Blog/ViewArchive.aspx?month=2'>Tháng Hai 2025 (1)</a></li></ul></div>"
    )
    assert extract(page(breadcrumb + article_html(after=widgets))).category == "Tin tức"
def test_a_reuse_notice_under_the_byline_is_not_text() -> None:
    # NukeViet's news module prints its copyright setting in a box under the labelled byline, inside
    # the same panel as the body: "Ghi rõ nguồn “...” khi phát hành lại thông tin từ website này."
    # Under a short item it weighs as much as the body, and was read as its last paragraph.
    notice = "Ghi rõ nguồn “Trang thông tin điện tử Tỉnh ủy” khi phát hành lại thông tin từ website này."
    body = (
        "<div class='a'><div class='b'><h1>Hội nghị sơ kết công tác quý I năm 2024</h1>"
        "<span class='c'>Thứ sáu - 04/12/2026 16:20</span>"
        f"<div class='d'><p>{PARAGRAPHS[0]}</p></div>"
        "<div class='e'><p class='f'><strong>Tác giả bài viết: </strong>Ban Tuyên giáo và Dân vận Tỉnh ủy</p></div>"
        f"<div class='g'>{notice}</div></div></div>"
    )
    article = extract(page(body))
    assert article.text == PARAGRAPHS[0]
    assert article.author == "Ban Tuyên giáo và Dân vận Tỉnh ủy"


def test_a_byline_label_in_its_own_element_stays_a_word_apart() -> None:
    # Twenty Nineteen's entry meta: "<span class="byline"><span class="screen-reader-text">Đăng
    # bởi</span><span class="author vcard"><a>Thanh Tùng</a></span></span>"; read whole it was
    # "Đăng bởiThanh Tùng", a label glued to the name.
    meta = (
        "<div class='meta'><span class='byline'><span class='sr'>Đăng bởi</span>"
        "<span class='x'><a href='/archives/author/thanhtung'>Thanh Tùng</a></span></span></div>"
    )
    assert extract(page(article_html(before=meta))).author == "Thanh Tùng"


@pytest.mark.parametrize(
    "title",
    ["Thành ủy Long Khánh sơ kết Chỉ thị 05",  # the path's row, short, is the label right above the heading
     "Ủy ban Kiểm tra Tỉnh ủy sơ kết công tác kiểm tra, giám sát 6 tháng đầu năm 2025"],
)
def test_a_path_of_pages_of_one_name_leads_from_the_home_page(title: str) -> None:
    # SharePoint Variations: each web has its own "Pages/default.aspx", the label's top web the
    # home page's ("/vi-vn/Pages/default.aspx"); the path over the title row names the category
    # by its last crumb, not its first.
    url = "https://tinhuy.example.vn/vi-vn/co-so/Pages/SoKet.aspx"
    row = (
        "<table class='t'><tr><td class='p'><span><span><a href='/vi-vn/Pages/default.aspx'>Tỉnh ủy Đồng Nai</a>"
        "</span><span> &gt; </span><span><a href='/vi-vn/co-so/Pages/default.aspx'>Tin huyện, thành phố</a>"
        f"</span><span> &gt; </span><span>{title}</span></span></td></tr><tr><td><h1>{title}</h1></td></tr></table>"
    )
    body = row + "<div class='main'>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>"
    assert extract(page(body, url=url)).category == "Tin huyện, thành phố"


def test_the_byline_beside_the_date_in_one_metadata_line() -> None:
    # A WordPress entry header with its class names said nothing of (the title in the site's header,
    # Twenty Nineteen's featured-image posts): "<div><span><span>Đăng bởi</span><span><a>Ngọc Lan</a>
    # </span></span> <span><a><time>17/06/2025</time></a></span> <span>Để lại bình luận ...</span></div>";
    # the date is one piece of the metadata line, the byline another.
    title = "Huyện ủy Hàm Thuận Bắc sơ kết 5 năm thực hiện Chỉ thị 05-CT/TW"
    site = "Đảng bộ tỉnh Bình Thuận"
    head = f"<title>{title} - {site}</title><meta property='og:site_name' content='{site}'>"
    body = (
        "<div><span>Thứ Sáu, 20/06/2025</span></div><main><article><header><div>"
        "<span><span>Đăng bởi</span><span><a>Ngọc Lan</a></span></span>\t<span><a><time"
        " datetime='2025-06-17T15:10:00+07:00'>17/06/2025</time></a></span>\t<span><span><a>Để lại bình luận"
        f"<span> trong {title}</span></a></span></span></div></header>"
        f"<div>{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}</div></article></main>"
    )
    article = extract(page(body, head=head))
    assert article.author == "Ngọc Lan"
    assert article.published == "2025-06-17T15:10:00+07:00"


def test_the_entry_meta_line_around_the_time_is_no_lead() -> None:
    # Twenty Nineteen's entry meta once its class names say nothing: the byline, the <time> and the
    # comments link ("Để lại bình luận trong <title>", as long as a sentence) in one box under the heading.
    lead = ("Sáng 18/6, Ban Chấp hành Đảng bộ tỉnh tổ chức Hội nghị lần thứ 28 (mở rộng) cho ý kiến vào dự thảo"
            " văn kiện.")
    title = "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 28 (mở rộng)"
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = (
        f"<div><div><h1>{title}</h1><div><span><span>Đăng bởi</span><span><a href='/archives/author/bbt'>Ban Biên"
        " tập</a></span></span> <span><a href='/archives/5160'><time datetime='2025-06-19T08:40:00+07:00'>19/06/2025"
        f"</time></a></span> <span><span><a href='/archives/5160#respond'>Để lại bình luận<span> trong {title}</span>"
        f"</a></span></span></div></div></div><div><div><p><strong>{lead}</strong></p>{body}</div></div>"
    )
    article = extract(page(html))
    assert article.summary == lead
    assert article.text.split("\n\n") == [lead, *PARAGRAPHS]


def test_a_column_around_the_date_line_byline_and_body_is_no_lead() -> None:
    # SharePoint's ArticleLinks layout once its class names say nothing: one column whose one box holds
    # the date line, the byline and the rich-text field. Where the page's body is read from the whole
    # <form> (the title row's breadcrumb its first line), the lead is looked for from the top: the
    # column, one child deep, is no block of its own, and the bold paragraph in the field is the lead.
    lead = "Chiều 18/6, Ban Thường vụ Tỉnh ủy tổ chức gặp mặt các cơ quan báo chí nhân kỷ niệm 100 năm Ngày Báo chí."
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    column = lxml.html.fromstring(
        "<div><a name='mainContent'></a><div><div><div style='display:none'>Liên kết Tóm tắt</div><div></div></div>"
        "<div><div>19/06/2025</div><div>Minh Châu - Đức Anh</div></div><div><div style='display:none'>Nội dung"
        f" Trang</div><div style='display:inline'><div><p><strong>{lead}</strong></p>{body}</div></div></div></div>"
        "</div>")
    found = first_prose(column, None, None)
    assert found is not None and found.tag == "p" and found.text_content() == lead


def test_a_box_with_the_date_line_over_the_lead_is_looked_into() -> None:
    # The date line (a <time>) and the lead in one box under the heading, the body in the next: the
    # box holds a line with a <time>, but it is no date line as a whole; its paragraph is the lead.
    lead = ("Sáng 18/6, Ban Chấp hành Đảng bộ tỉnh tổ chức Hội nghị lần thứ 28 (mở rộng) cho ý kiến vào dự thảo"
            " văn kiện trình Đại hội.")
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    region = lxml.html.fromstring(
        "<div><h1>Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 28</h1><div><div><time datetime='2025-06-19T08:40'>"
        f"19/06/2025 08:40</time></div><p>{lead}</p></div><div>{body}</div></div>")
    stop = region.findall("./div")[1].find("p")
    found = first_prose(region, region.find(".//h1"), stop)
    assert found is not None and found.text_content() == lead
# NukeViet 3's "modern" theme: the site's name in an <h1> of its own, a path whose marks are drawn by
# the style sheet, the newest article's teaser over the article in the same column, e-mail and print
# buttons beside the heading, the date line in the heading's box, the lead in a box of its own.
MODERN_URL = "https://tinhuy.example.vn/news/xay-dung-dang/hoi-nghi-so-ket-cong-tac-quy-i-1820/"
MODERN_LEAD = (
    "Chiều 9/1, Ủy ban Kiểm tra Tỉnh ủy tổng kết công tác kiểm tra, giám sát năm 2024, triển khai nhiệm vụ năm 2025."
)
MODERN_TEASER = (
    "<div><div><a href='/news/xay-dung-dang/so-ket-6-thang-1876/'><img src='/t.jpg' alt=''></a>"
    "<h3><a href='/news/xay-dung-dang/so-ket-6-thang-1876/'>Tỉnh ủy sơ kết công tác 6 tháng đầu năm 2025</a></h3>"
    "<p>Chiều 26/6, Ban Chấp hành Đảng bộ tỉnh tổ chức hội nghị sơ kết công tác 6 tháng đầu năm, triển khai nhiệm"
    " vụ trọng tâm.</p><p><a href='/news/xay-dung-dang/so-ket-6-thang-1876/'>Xem tiếp...</a></p></div></div>"
)
MODERN_CRUMBS = (
    "<div><a href='/'><img src='/home.png' alt='Trang nhất'></a><span>&nbsp;</span><a href='/news/'>Tin tức</a>"
    "<span>&nbsp;</span><a href='/news/xay-dung-dang/'>Xây dựng Đảng</a></div>"
)
MODERN_BUTTONS = (
    "<div><a href='javascript:void(0);' onclick=\"NewWindow('/news/sendmail/x/')\">Gửi bài viết qua email</a><br>"
    "<a href='javascript: void(0)'>In ra</a><br></div>"
)
MODERN_COMMENTS = (
    "<div><div><div><a href='javascript:void(0);'>+ Xem phản hồi</a>&nbsp;&nbsp;<a href='javascript:void(0);'>- Gửi"
    " phản hồi</a></div><h3>Ý kiến bạn đọc</h3></div><div><div></div></div><div><div><div>"
    "<input id='n' type='text' value='Tên của bạn'><input id='e' type='text' value='Email'></div>"
    "<p><textarea id='c' cols='1' rows='1'>Nội dung</textarea></p>"
    "<p>Mã an toàn: &nbsp; <img id='v' alt='Mã chống spam' src='/index.php?scaptcha=captcha' width='120'>"
    "&nbsp; <input id='s' type='text'>&nbsp; <input id='b' type='submit' value='Gửi bình luận'></p></div></div></div>"
)


def modern(
    body: list[str] = PARAGRAPHS, lead: str = MODERN_LEAD, teaser: str = MODERN_TEASER, after: str = "",
    names: bool = True,
) -> Page:
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    html = (
        "<html><head><meta charset='utf-8'><title>Hội nghị sơ kết công tác quý I - Đảng bộ tỉnh</title></head><body>"
        "<div class='wrapper'><div class='header'><div class='logo'><h1><a href='/'>Đảng bộ tỉnh</a></h1></div></div>"
        f"<div class='main'>{MODERN_CRUMBS}</div><div class='main'><div class='col-a1'>{teaser}"
        f"<div class='header-details'>{MODERN_BUTTONS}<div class='title'><h1>Hội nghị sơ kết công tác quý I</h1>"
        "<span class='small'>Đăng lúc: Thứ hai - 24/03/2025  10:10 \n- Người đăng bài viết: <a href='#'>Ban Biên"
        f" tập</a></span></div></div><div class='short-desc'>{lead}</div><div class='details-content'>{paragraphs}"
        "<p style='text-align: right;'><em>(Theo Báo Vĩnh Long)</em></p></div>"
        f"{after}</div><div class='col-a2'><h3>Thăm dò ý kiến</h3><p>Bạn đọc tin qua kênh nào?</p></div></div></div>"
        "</body></html>"
    )
    if not names:
        html = re.sub(r" (?:class|id)='[^']*'", "", html)
    return Page(url=MODERN_URL, body=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"})


def test_another_articles_teaser_above_the_heading_is_not_the_body() -> None:
    # The newest article's linked title, lead and "Xem tiếp..." over the article, in its column:
    # read as the body's first paragraph, it put the date line after the body's start.
    article = extract(modern())
    assert article.text.split("\n\n") == [MODERN_LEAD, *PARAGRAPHS]
    assert article.published == "2025-03-24T10:10:00+07:00"


def test_the_date_line_in_the_headings_box_is_no_line_of_a_short_body() -> None:
    # Two paragraphs and a lead in a box of its own: the column holds the most prose, the date
    # line beside the heading is inside it and was read as the body's first line.
    article = extract(modern(body=PARAGRAPHS[:2], teaser=""))
    assert article.text.split("\n\n") == [MODERN_LEAD, *PARAGRAPHS[:2]]
    assert article.published == "2025-03-24T10:10:00+07:00"
    assert article.source == "Báo Vĩnh Long"


def test_a_path_whose_marks_the_style_sheet_draws_names_the_category() -> None:
    # "<a href="/"><img></a><span>&nbsp;</span><a href="/news/">Tin tức</a><span>&nbsp;</span><a
    # href="/news/xay-dung-dang/">Xây dựng Đảng</a>": no mark between the crumbs, each under the one
    # before; and the e-mail and print buttons over the heading are no label.
    assert extract(modern()).category == "Xây dựng Đảng"


def test_buttons_over_the_heading_are_no_category_label() -> None:
    layout_page = modern().body.replace(MODERN_CRUMBS.encode(), b"")
    page = Page(url=MODERN_URL, body=layout_page, headers={"Content-Type": "text/html; charset=utf-8"})
    assert extract(page).category != "Gửi bài viết qua email"


def test_a_lead_written_around_its_picture_is_read_once() -> None:
    # "<div>lead<div><img><p><em>caption</em></p></div></div>": the lead's box read whole (the
    # caption after the lead) is the lead, not a first paragraph of the body.
    picture = (
        "<div style='width:460px;margin:10px auto;'><img alt='Quang cảnh' src='/uploads/news/2025_01/hoi-nghi.jpg'"
        " width='460'><p style='text-align: center;'><em>Quang cảnh hội nghị sơ kết</em></p></div>"
    )
    article = extract(modern(body=PARAGRAPHS[:2], teaser="", lead=MODERN_LEAD + picture))
    assert article.summary == MODERN_LEAD
    assert article.text.split("\n\n") == [MODERN_LEAD, *PARAGRAPHS[:2]]
    assert [image.caption for image in article.images] == ["Quang cảnh hội nghị sơ kết"]


def test_a_form_rows_label_is_no_line_of_the_body() -> None:
    # A comment box written without a <form>, its names gone: "Mã an toàn:" over the captcha's
    # field closed the body, and the source line above it was no longer its last line.
    article = extract(modern(body=PARAGRAPHS[:2], teaser="", after=MODERN_COMMENTS, names=False))
    assert article.text.split("\n\n") == [MODERN_LEAD, *PARAGRAPHS[:2]]
    assert article.source == "Báo Vĩnh Long"
def test_a_link_back_to_the_list_shown_over_and_under_the_article_is_no_label_of_it() -> None:
    # An Oqtane.Blogs post: the module's title, then "View All" over the post and again under it.
    back = "<div><a href='/tin-hoat-dong'>Xem tất cả tin</a></div>"
    body = (
        "<div><div><h2>Tin hoạt động</h2><hr></div>"
        f"<div><div>{back}<br><div><h2>Hội nghị sơ kết công tác quý I năm 2024</h2>"
        "<p>12/03/2024 | Người đăng: bientap</p>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + f"</div>{back}</div></div></div>"
    )
    article = extract(page(body))
    assert article.category == "Tin hoạt động"


def test_the_headline_shown_again_under_a_hidden_one_is_not_the_lead() -> None:
    # Liferay 7's frame gives the title to screen readers in an <h1> and the asset publisher shows
    # it again in an <h4>; this one ends as a sentence may, with a parenthesis.
    title = "Kỷ niệm 95 năm Ngày thành lập Đảng Cộng sản Việt Nam (3/2/1930 - 3/2/2025)"
    lead = "Tối 1/2, Tỉnh ủy tổ chức lễ kỷ niệm 95 năm Ngày thành lập Đảng và trao Huy hiệu Đảng cho đảng viên."
    body = (
        f"<h1 style='position:absolute'>{title}</h1><div><div><h4><span>{title}</span></h4></div>"
        f"<div><div>Thứ Bảy, 01/02/2025, 19:30</div><div>{lead}</div>"
        "<div>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div></div></div>"
    )
    article = extract(page(body, head=f"<title>{title} - Tỉnh ủy Quảng Ninh</title>"))
    assert article.title == title
    assert article.summary == lead
    assert article.text.split("\n\n") == [lead, *PARAGRAPHS]


def test_a_byline_right_after_the_body_with_a_long_newsroom_in_parentheses() -> None:
    # Nine words in all ("Vũ Hồng Nhung (Trung tâm Truyền thông Đông Triều)"): more than a bare name
    # has, yet a name, then where its writer works.
    after = "<div>Vũ Hồng Nhung (Trung tâm Truyền thông Đông Triều)</div><div><a href='/tag/a'>Đông Triều</a></div>"
    article = extract(page(article_html(after=after)))
    assert article.author == "Vũ Hồng Nhung"
    assert article.text.split("\n\n") == PARAGRAPHS


def test_a_date_line_the_articles_box_opens_with_under_its_heading_is_no_text() -> None:
    # An Oqtane.Blogs post whose class names say nothing: the heading, the meta line, the lead in bold,
    # the body, all in one <div>.
    lead = "Ngày 5/11, Ban Chấp hành Đảng bộ tỉnh tổ chức hội nghị lần thứ 12 để đánh giá kết quả 10 tháng năm 2026."
    body = (
        "<div><div><h2>Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 12</h2>"
        "<p>tháng 11 06, 2026 | Người đăng: bientap.ttdt | Lượt xem: 1284</p>"
        f"<p><strong>{lead}</strong></p>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div></div>"
    )
    article = extract(page(body))
    assert article.published == "2026-11-06"
    assert article.summary == lead
    assert article.text.split("\n\n") == [lead, *PARAGRAPHS]


def test_the_heading_over_a_date_line_is_found_when_the_links_under_it_are_indented() -> None:
    # The <title> names the section first ("Tin hoạt động | ..."), shown alone as the module's title;
    # the post's heading is the one over the date line that prose follows, a list of short links
    # between them, however deep their text is indented.
    title = "Hội nghị sơ kết công tác quý I năm 2024 của Ban Thường vụ Tỉnh ủy"
    body = (
        "<div><h2><span>Tin hoạt động</span></h2><hr></div>"
        f"<div><h2>{title}</h2><p>12/03/2024 | Người đăng: bientap</p>"
        "<ul><li><a href='/tin-hoat-dong?Category=3'>Xây\n                          dựng Đảng</a></li></ul>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>"
    )
    article = extract(page(body, head=f"<title>Tin hoạt động | {title}</title>"))
    assert article.title == title
    assert article.published == "2024-03-12"


def test_the_date_lines_under_the_headline_shown_again_date_the_article() -> None:
    # Liferay 7: the title in a hidden <h1>, then the asset publisher's box showing it again in an <h4>
    # over its metadata and the Journal template's date line: no other box's heading.
    title = "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 22: Cho ý kiến vào dự thảo văn kiện"
    body = (
        f"<h1 style='position:absolute'>{title}</h1><div><div><h4><span>{title}</span></h4>"
        "<div><div>Thứ Sáu, 10/01/2025, 08:15</div>"
        "<div>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div></div></div></div>"
    )
    assert extract(page(body, head=f"<title>{title} - Tỉnh ủy</title>")).published == "2025-01-10T08:15:00+07:00"


def test_of_two_date_lines_of_one_day_over_the_body_the_one_with_the_time_dates_it() -> None:
    # Liferay's asset metadata gives the day, the Journal template's line under it the day and time.
    body = (
        "<div><h1>Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 22</h1>"
        "<div><strong>Ban Biên tập</strong> <span>Đã xuất bản 10/01/2025</span> <span>1423 Lượt xem</span></div>"
        "<div><div>Thứ Sáu, 10/01/2025, 08:15</div>"
        "<div>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div></div></div>"
    )
    assert extract(page(body)).published == "2025-01-10T08:15:00+07:00"


def test_the_byline_under_a_body_that_ends_with_a_captioned_picture() -> None:
    caption = "Chương trình nghệ thuật chào mừng tại Quảng trường 30/10, thành phố Hạ Long."
    inside = (
        "<p style='text-align: center;'><img src='/documents/ky-niem-95-nam.jpg'></p>"
        f"<p style='text-align: center;'><em>{caption}</em></p>"
    )
    after = "<div>Thu Trang</div><div><a href='/tag/a'>kỷ niệm</a></div>"
    article = extract(page(article_html(inside=inside, after=after)))
    assert article.author == "Thu Trang"
    assert article.text.split("\n\n") == PARAGRAPHS
    assert [image.caption for image in article.images] == [caption]
