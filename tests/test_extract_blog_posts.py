"""A blog's post page: the site's title as the page's <h1>, the post an item of a list of posts,
its day on a calendar leaf beside the title and its time, author and category in a metadata line
("by NAME at TIME in CATEGORY"), the layout in tables (a SharePoint 2013 Blog site's Post.aspx)."""

from __future__ import annotations

from bench.metamorphic import Gold, transform
from crawler.extract import Page, extract

URL = "https://tinhuy.example.vn/Lists/Posts/Post.aspx?ID=33"
SITE = "Cổng thông tin điện tử Tỉnh ủy Đắk Lắk"
TITLE = "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ ba, nhiệm kỳ 2025 - 2030"
PARAGRAPHS = [
    "Chiều 28/11, Ban Chấp hành Đảng bộ tỉnh tổ chức Hội nghị lần thứ ba để thảo luận về tình hình kinh tế - xã hội.",
    "Theo báo cáo, tốc độ tăng trưởng tổng sản phẩm trên địa bàn tỉnh năm 2025 ước đạt 7,2%, thu ngân sách đạt 112%.",
    "Kết luận hội nghị, Bí thư Tỉnh ủy yêu cầu các cấp ủy cụ thể hóa các nghị quyết bằng chương trình hành động.",
]
ROWS = [
    "<tr><th>Chỉ tiêu</th><th>Kế hoạch</th><th>Thực hiện</th></tr>",
    "<tr><td>Kết nạp đảng viên</td><td>120</td><td>133</td></tr>",
]
MENU = """<ul><li><span>Danh mục</span><ul>
<li><a href="/Lists/Categories/Category.aspx?CategoryId=1">Tin hoạt động</a></li>
<li><a href="/Lists/Categories/Category.aspx?CategoryId=2">Xây dựng Đảng</a></li></ul></li></ul>"""
ABOUT = """<div><h2>Giới thiệu</h2><p>Trang tin của Tỉnh ủy: hoạt động của Tỉnh ủy, công tác xây dựng Đảng, kiểm tra,
dân vận và tin cơ sở của các địa phương.</p><p>Cơ quan chủ quản: Văn phòng Tỉnh ủy. Chịu trách nhiệm: Chánh Văn phòng
Tỉnh ủy.</p></div>"""


def post_page(
    body: str = "", posted_by: str = "Cổng TTĐT Tỉnh ủy", leaf: str = "<div>2025</div><div>28/11</div>",
    as_list: bool = True, comments: str = "", box: str = "div", leaf_after: bool = False, above: str = "",
    title: str = TITLE, wrapped: bool = False,
) -> Page:
    body = body or "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    post = f"""<div><h2><a href="/Lists/Posts/Post.aspx?ID=33">{title}</a></h2>
<div><span>do <span><a href="/_layouts/15/userdisp.aspx?ID=9">{posted_by}</a></span> lúc 15:40 trong
<a href="/Lists/Categories/Category.aspx?CategoryId=1">Tin hoạt động</a></span></div>
<div><{box}>{body}</{box}></div><div><a href="javascript:;">Gửi liên kết qua email</a></div></div>"""
    post = f"<div>{post}</div>" if wrapped else post
    post = f"<div>{post}<div>{leaf}</div></div>" if leaf_after else f"<div><div>{leaf}</div>{post}</div>"
    if as_list:
        post = f"<ul><li>{above}{post}</li></ul>"
    html = f"""<html><head><meta charset="utf-8"><title>{title} - {SITE}</title></head><body><form>
<div><div><a href="/"><img src="/SiteAssets/logo.png" alt="{SITE}"></a></div>
<div><ul><li><a href="/default.aspx">Trang chủ</a></li><li><a href="/SitePages/GioiThieu.aspx">Giới thiệu</a></li>
<li><a href="/Shared%20Documents/Forms/AllItems.aspx">Văn bản</a></li>
<li><a href="/SitePages/HoiDap.aspx">Hỏi đáp</a></li>
<li><a href="/SitePages/ThuVien.aspx">Thư viện ảnh</a></li><li><a href="/SitePages/SoDo.aspx">Sơ đồ cổng</a></li>
<li><a href="/SitePages/LienHe.aspx">Liên hệ</a></li></ul></div>
<h1><span>{SITE}</span></h1></div>
<div><div>{MENU}</div><div><table><tr><td><table><tr><td valign="top">{post}{comments}</td>
<td valign="top">{ABOUT}</td></tr></table></td></tr></table></div></div></form></body></html>"""
    return Page(url=URL, body=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"})


def test_an_h1_that_is_the_title_after_the_post_naming_the_site_is_not_the_heading() -> None:
    # "<title>Post - Site</title>" and "<h1>Site</h1>": the post's title is the <h2> of its box.
    assert extract(post_page(as_list=False)).title == TITLE


def test_a_post_in_the_cells_of_a_layout_table_is_read() -> None:
    # The post is an item of the view's list of posts, in the cell of the page's zone table.
    article = extract(post_page())
    assert article.title == TITLE
    assert article.text.split("\n\n") == PARAGRAPHS


def test_a_body_in_an_item_of_a_list_of_posts_is_read_whatever_its_boxes_are_called() -> None:
    # The view's list of posts, one item here, in the zone's table; every <div> then made a <section>,
    # an <article> or a <header> in turn, the text's box among them a <header>.
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = f"""<html><head><meta charset="utf-8"><title>{TITLE} - {SITE}</title></head><body><form>
<div><a href="javascript:;">Bỏ qua tới nội dung chính</a></div><div><div><div><div></div><div><div></div></div><div>
<table><tr><td><table><tr><td><div><div><div><div><div><ul><li><div><div><div>2025</div><div>28/11</div></div><div>
<h2><a href="/Lists/Posts/Post.aspx?ID=33">{TITLE}</a></h2><div><span>do <span><a
href="/_layouts/15/userdisp.aspx?ID=9">Cổng TTĐT Tỉnh ủy</a></span> lúc 15:40 trong <a
href="/Lists/Categories/Category.aspx?CategoryId=1">Tin hoạt động</a></span></div><p><div><div><div>{paragraphs}
</div></div></div></p><div><span><span><a href="#">Bình luận</a></span>
<a href="javascript:;">Gửi liên kết qua email</a></span></div></div></div><div><a></a><h3>2 bình luận</h3></div></li>
</ul></div><div></div></div></div><div></div></div></td></tr></table></td></tr></table></div></div></div></div>
</form></body></html>"""
    page = Page(url=URL, body=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"})
    assert extract(page).text.split("\n\n") == PARAGRAPHS
    assert extract(transform(page, "div_to_sections", Gold(TITLE, PARAGRAPHS))).text.split("\n\n") == PARAGRAPHS


def test_a_data_table_in_a_body_laid_out_in_tables_keeps_its_place() -> None:
    body = f"<p>{PARAGRAPHS[0]}</p><table>{''.join(ROWS)}</table><p>{PARAGRAPHS[1]}</p><p>{PARAGRAPHS[2]}</p>"
    article = extract(post_page(body))
    assert article.text.split("\n\n") == [
        PARAGRAPHS[0], "Chỉ tiêu Kế hoạch Thực hiện", "Kết nạp đảng viên 120 133", *PARAGRAPHS[1:],
    ]


def test_a_calendar_leaf_beside_the_title_dates_the_post_and_the_metadata_line_times_it() -> None:
    # Readers' comments under the post are dated later, with times: not the post's.
    comment = """<ul><li><div><b>Nguyễn Văn Bình</b> Mong tỉnh sớm công bố toàn văn nghị quyết.</div>
<div>Thứ Sáu, 28/11/2025 18:57</div></li></ul>"""
    assert extract(post_page(comments=comment)).published == "2025-11-28T15:40:00+07:00"
    assert extract(post_page(leaf="<div>28 Tháng 11</div><div>2025</div>")).published == "2025-11-28T15:40:00+07:00"


def test_a_calendar_leaf_in_wrappers_or_after_the_post_still_dates_it() -> None:
    # (a theme's wrapper around the title's box; the leaf set after the title's box instead of before it)
    assert extract(post_page(wrapped=True)).published == "2025-11-28T15:40:00+07:00"
    assert extract(post_page(leaf_after=True)).published == "2025-11-28T15:40:00+07:00"


def test_a_heading_that_shows_the_pages_title_is_kept_over_a_count_of_comments_above_the_date() -> None:
    # A title holding dates, and the comments' heading, "0 bình luận", set above the post's box.
    title = "Kỷ niệm 95 năm Ngày thành lập Đảng Cộng sản Việt Nam (3/2/1930 - 3/2/2025)"
    article = extract(post_page(title=title, above="<div><a name='comments'></a><h3>0 bình luận</h3></div>"))
    assert article.title == title
    assert article.text.split("\n\n") == PARAGRAPHS


def test_the_metadata_lines_link_that_a_menu_also_has_is_the_category() -> None:
    # (and the leaf's year above the title, "2025", is no category label)
    assert extract(post_page()).category == "Tin hoạt động"


def test_the_person_who_posted_is_the_author_and_an_office_account_is_none() -> None:
    assert extract(post_page(posted_by="Phạm Thu Hà")).author == "Phạm Thu Hà"
    assert extract(post_page()).author is None


def test_a_byline_labelled_tin_with_a_name_written_with_an_apostrophe() -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "<p style='text-align:right;'><em>Tin: H'Linh Niê</em></p>"
    article = extract(post_page(body))
    assert article.author == "H'Linh Niê"
    assert article.text.split("\n\n") == PARAGRAPHS


def test_a_post_shown_at_another_address_is_the_one_its_title_links_to() -> None:
    # The feed links "ViewPost.aspx?ID=33"; the page names no canonical link, its title links the permalink.
    page = post_page()
    viewed_at = "https://tinhuy.example.vn/Lists/Posts/ViewPost.aspx?ID=33"
    elsewhere = Page(url=viewed_at, body=page.body, headers=page.headers)
    assert extract(elsewhere).url == URL
