"""Publishing pages whose layout sets each of the article's fields in a control of its own: the title
only in the master's title row, after the site's path; the page's picture above the body; the byline,
the date and the picture's caption after it (SharePoint's page layouts of field controls)."""

from __future__ import annotations

from crawler.extract import Page, extract

URL = "https://tinhuy.example.vn/xay-dung-dang/Pages/hoi-nghi-so-ket.aspx"
TITLE = "Ban Thường vụ Tỉnh ủy cho ý kiến công tác chuẩn bị đại hội nhiệm kỳ 2025 - 2030"
LEAD = "Chiều 3/3, Ban Thường vụ Tỉnh ủy họp cho ý kiến về công tác chuẩn bị đại hội đảng bộ cơ sở nhiệm kỳ mới."
PARAGRAPHS = [
    "Theo báo cáo của Ban Tổ chức Tỉnh ủy, toàn tỉnh có 426 tổ chức cơ sở đảng đã xây dựng xong dự thảo báo cáo.",
    "Các cấp ủy đã chọn 18 đảng bộ cơ sở để chỉ đạo đại hội điểm, dự kiến hoàn thành trước ngày 30/4/2025.",
    "Kết luận buổi làm việc, đồng chí Phó Bí thư Thường trực Tỉnh ủy yêu cầu các cấp ủy chuẩn bị chu đáo văn kiện.",
]
CAPTION = "Đồng chí Phó Bí thư Thường trực Tỉnh ủy phát biểu kết luận buổi làm việc."


def field(number: int, label: str, inner: str) -> str:
    """A rich field control as SharePoint renders it: a hidden label, the field naming it."""
    return (
        f"<div><div id='ctl0{number}_label' style='display:none'>{label}</div>"
        f"<div id='ctl0{number}_field' class='ms-rtestate-field' style='display:inline'"
        f" aria-labelledby='ctl0{number}_label'>{inner}</div></div>"
    )


PICTURE = "<div class='ms-rtestate-field'><img alt='' src='/xay-dung-dang/PublishingImages/hoi-nghi.jpg'></div>"


def article_left(byline: str = "Minh Châu") -> str:
    """The fields as ArticleLeft.aspx sets them: the picture and its caption, the date line and the
    byline, then the body."""
    body = f"<p><strong>{LEAD}</strong></p>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<div class="article article-left">
    <div class="captioned-image"><div class="image">{field(1, "Hình ảnh Trang", PICTURE)}</div>
     <div class="caption">{field(2, "Chú thích Hình ảnh", CAPTION)}</div></div>
    <div class="article-header"><div class="date-line">04/03/2025</div><div class="by-line">{byline}</div></div>
    <div class="article-content">{field(5, "Nội dung Trang", body)}</div></div>
   <div class="tools"><a href="javascript:window.print();">In bài viết</a> | <a href="javascript:">Chia sẻ</a></div>"""


def publishing_page(byline: str = "Minh Châu", main: str | None = None, browser_title: str = TITLE) -> Page:
    body = f"<p><strong>{LEAD}</strong></p>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    if main is None:
        main = f"""
   {field(1, "Hình ảnh Trang", PICTURE)}
   {field(2, "Nội dung Trang", body)}
   <div><div id="slwp_ctl00_PlaceHolderMain_ctl03_SummaryLinkFieldControl" class="slm-layout-main slwpmarker"><div
    class="dfwp-column" style="width:100%"><div class="slm-layout-main groupmarker"><div
    class="groupheader item medium">Tin
    liên quan</div><ul class="dfwp-list"><li><div class="item link-item"><a
    href="/xay-dung-dang/Pages/kiem-tra.aspx">Xem
    thêm: Kiểm tra, giám sát là khâu đột phá</a></div></li></ul></div></div></div></div>
   <div>{byline}</div>
   <div>04/03/2025</div>
   {field(6, "Chú thích Hình ảnh", CAPTION)}
   <div class="zone"><div class="tools"><a href="javascript:window.print();">In bài viết</a> |
    <a href="javascript:">Chia sẻ</a></div>
    <div><h2>Tin cùng chuyên mục</h2><ul><li><a href="/xay-dung-dang/Pages/a.aspx">Trao Huy hiệu Đảng đợt 19/5</a></li>
    <li><a href="/xay-dung-dang/Pages/b.aspx">Tỉnh ủy quán triệt Nghị quyết số 57-NQ/TW</a></li></ul></div></div>"""
    html = f"""<html><head><meta charset="utf-8"><title>{browser_title}</title></head><body>
<form method="post" action="./hoi-nghi-so-ket.aspx" id="aspnetForm">
<div id="s4-workspace"><div id="s4-bodyContainer">
 <div id="s4-titlerow"><div id="titleAreaBox">
  <div id="siteIcon"><a href="/"><img src="/SiteAssets/logo.png" alt="Tỉnh ủy"></a></div>
  <div class="ms-breadcrumb-box">
   <div id="DeltaTopNavigation"><ul><li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li>
    <li><a href="/thoi-su">Thời sự - Chính trị</a></li><li><a href="/xay-dung-dang">Xây dựng Đảng</a></li>
    <li><a href="/tin-dia-phuong">Tin địa phương</a></li><li><a href="/van-ban">Văn bản</a></li>
    <li><a href="/thu-vien-anh">Thư viện ảnh</a></li><li><a href="/Pages/lien-he.aspx">Liên hệ</a></li></ul></div>
   <h1 id="pageTitle" class="ms-core-pageTitle"><span><span><span><a href="/">Tỉnh ủy</a></span><span> </span>
    <span class="s4-titlesep"><img src="/_layouts/15/images/spcommon.png" alt=":"></span><span> </span>
    <span><a href="/xay-dung-dang">Xây dựng Đảng</a></span></span> {TITLE}</span>
    <div><a href="javascript:;" style="display:none"><span>&#160;</span></a><script>// <![CDATA[
_spBodyOnLoadFunctionNames.push("setupPageDescriptionCallout");
// ]]></script></div></h1>
  </div>
 </div></div>
 <div id="contentRow">
  <div id="sideNavBox"><ul><li><a href="/thoi-su">Thời sự - Chính trị</a></li>
   <li><a href="/xay-dung-dang">Xây dựng Đảng</a></li><li><a href="/tin-dia-phuong">Tin địa phương</a></li></ul></div>
  <div id="contentBox"><div id="DeltaPlaceHolderMain">{main}
  </div></div>
 </div>
 <div id="footer"><p>Cơ quan chủ quản: Ban Thường vụ Tỉnh ủy</p></div>
</div></div></form></body></html>"""
    return Page(url=URL, body=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"})


def test_a_heading_that_leads_with_the_sites_path_shows_the_title_after_it() -> None:
    # SharePoint's title row: the site's path as links, the page's title, and a script in the same <h1>.
    assert extract(publishing_page()).title == TITLE


def test_a_path_whose_crumbs_are_set_apart_by_pictures_names_the_category() -> None:
    # "Tỉnh ủy [sprite] Xây dựng Đảng": the arrow is an image, no character between the links.
    assert extract(publishing_page()).category == "Xây dựng Đảng"


def test_a_byline_after_the_related_links_under_the_body_is_the_author() -> None:
    article = extract(publishing_page())
    assert article.author == "Minh Châu"
    assert article.published == "2025-03-04"
    assert "Minh Châu" not in article.text


def test_a_bold_first_paragraph_is_the_lead_when_the_heading_is_in_the_title_row() -> None:
    article = extract(publishing_page())
    assert article.summary == LEAD
    assert article.text.split("\n\n") == [LEAD, *PARAGRAPHS]


def test_the_pages_picture_is_captioned_by_the_field_labelled_so() -> None:
    article = extract(publishing_page())
    assert [(image.src, image.caption) for image in article.images] == [
        ("https://tinhuy.example.vn/xay-dung-dang/PublishingImages/hoi-nghi.jpg", CAPTION)
    ]


def test_pictures_in_the_heading_or_linked_above_the_body_are_not_the_articles() -> None:
    # The title row kept (nothing names it): the path's sprite arrow in the <h1>, the search box's
    # button between the heading and the body.
    body = "".join(f"<p>{p}</p>" for p in [LEAD, *PARAGRAPHS])
    html = f"""<html><head><meta charset="utf-8"><title>{TITLE}</title></head><body><div>
<div><h1><span><a href="/">Tỉnh ủy</a></span><span><img src="/_layouts/15/images/spcommon.png" alt=":"></span>
<span><a href="/xay-dung-dang">Xây dựng Đảng</a></span> {TITLE}</h1>
<div><input type="text" title="Tìm kiếm"><a href="javascript: {{}}"><img src="/_layouts/15/images/searchresultui.png"
alt="Tìm kiếm"></a></div></div>
<div><div><img src="/PublishingImages/hoi-nghi.jpg" alt=""></div><div>{body}</div></div></div></body></html>"""
    article = extract(Page(url=URL, body=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"}))
    assert [image.src for image in article.images] == ["https://tinhuy.example.vn/PublishingImages/hoi-nghi.jpg"]


def test_a_byline_under_the_date_line_above_the_body_is_the_author_when_the_heading_is_in_the_title_row() -> None:
    # ArticleLeft.aspx: picture, caption, date line, byline, then the body; the title only in the
    # master's title row, which goes with its menus.
    article = extract(publishing_page(main=article_left()))
    assert (article.author, article.published, article.summary) == ("Minh Châu", "2025-03-04", LEAD)
    assert article.text.split("\n\n") == [LEAD, *PARAGRAPHS]
    assert [(image.src, image.caption) for image in article.images] == [
        ("https://tinhuy.example.vn/xay-dung-dang/PublishingImages/hoi-nghi.jpg", CAPTION)
    ]


def test_the_heading_is_the_title_when_the_browser_title_shortens_it() -> None:
    # SharePoint's SEO browser title, shorter than the page's title and shown nowhere in the page.
    article = extract(publishing_page(main=article_left(), browser_title="Ban Thường vụ cho ý kiến chuẩn bị đại hội"))
    assert (article.title, article.author, article.published) == (TITLE, "Minh Châu", "2025-03-04")
