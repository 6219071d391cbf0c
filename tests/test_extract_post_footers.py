"""A blog post's box closed by a footer of its own: share links, an author box whose label and name
stand on lines of their own ("Tác giả" over the linked name and a bio), then a line the blog
engine adds under it (a comments widget's prompt). Articulate's VAPOR theme lays its posts out so;
no class name here says what a box is."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crawler.extract import NotAnArticle, Page, extract
from crawler.extract.template import learn_template, read_with_template
from crawler.sites.templates import LEARN_AFTER
from tests.fixtures import saved_page

URL = "https://tinhuy.example.vn/tin-bai/2025/03/11/huyen-uy-tong-ket/"
TITLE = "Huyện ủy Cao Lộc tổng kết 5 năm thực hiện Chỉ thị số 05-CT/TW"
PARAGRAPHS = [
    "Sáng 11/3, Ban Thường vụ Huyện ủy Cao Lộc tổ chức hội nghị tổng kết 5 năm thực hiện Chỉ thị số 05-CT/TW.",
    "Sau 5 năm, 100% tổ chức cơ sở đảng trên địa bàn huyện đã xây dựng kế hoạch thực hiện chuyên đề hằng năm.",
    "Hội nghị đề ra 5 nhiệm vụ, giải pháp trọng tâm cho giai đoạn tới, chú trọng vai trò nêu gương của người đứng đầu.",
]
PROMPT = ("To enable comments sign up for a Disqus account and enter your Disqus shortname in the"
          " Articulate node settings.")


def post(body: str = "", writer: str = "Hoàng Thu Trang", bio: str = "Phóng viên Trung tâm Thông tin.",
         prompt: str = PROMPT) -> Page:
    body = body or "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = f"""<html><head><meta charset="utf-8"><title>{TITLE} - Đảng bộ tỉnh</title></head><body>
<div><span>Thứ Hai, 16/06/2025</span> <a href="/lien-he/">Liên hệ</a></div>
<header><a href="/"><div></div></a><h1><a href="/">Đảng bộ tỉnh</a></h1>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu/">Giới thiệu</a></li>
<li><a href="/chuyen-muc/Dan%20van">Dân vận</a></li><li><a href="/van-ban/">Văn bản</a></li></ul></nav></header>
<div><main><article>
<header><h1>{TITLE}</h1><div><time datetime="2025-03-11">Thứ Ba, Tháng Ba 11, 2025</time></div>
<div><div>Chuyên mục <a href="/chuyen-muc/Dan%20van">Dân vận</a></div></div></header>
<section><img alt="{TITLE}" src="/media/1082/hoi-nghi.jpg?upscale=false"><div>{body}</div></section>
<section><p>Chia sẻ bài viết</p><a href="https://www.facebook.com/sharer/sharer.php?u={URL}">Facebook</a>
<a href="javascript:window.print();">In bài</a></section>
<footer><section><p>Tác giả</p><h4><a href="/tac-gia/x/">{writer}</a></h4><p>{bio}</p></section></footer>
<p><em>{prompt}</em></p>
</article></main>
<aside><h3>Tin mới</h3><ul><li><a href="/tin-bai/2025/06/12/ky-hop/">Ủy ban Kiểm tra Tỉnh ủy tổ chức Kỳ họp thứ 32</a>
</li></ul></aside></div>
<footer><p>Cơ quan chủ quản: Ban Thường vụ Tỉnh ủy</p></footer></body></html>"""
    return Page(url=URL, body=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"})


def test_the_name_under_an_author_boxs_label_is_the_author() -> None:
    article = extract(post())
    assert article.author == "Hoàng Thu Trang"
    assert article.published == "2025-03-11"


def test_an_account_in_the_author_box_is_no_writer_and_the_bodys_byline_is() -> None:
    signed = "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + (
        '<p style="text-align: right;"><strong>Nông Minh Đức</strong></p>')
    assert extract(post(writer="Ban Biên tập", bio="")).author is None
    assert extract(post(signed, writer="Ban Biên tập", bio="")).author == "Nông Minh Đức"


def test_a_person_in_the_author_box_wrote_what_a_source_line_credits() -> None:
    sourced = "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + (
        '<p style="text-align: right;"><em>Nguồn: Ủy ban Kiểm tra Tỉnh ủy</em></p>')
    article = extract(post(sourced))
    assert (article.author, article.source) == ("Hoàng Thu Trang", "Ủy ban Kiểm tra Tỉnh ủy")
    assert extract(post(sourced.replace("Nguồn: Ủy ban Kiểm tra Tỉnh ủy", "Theo Báo Lạng Sơn"),
                        writer="Ban Biên tập", bio="")).author is None


def test_a_paragraph_after_the_boxes_the_body_left_out_is_not_the_bodys() -> None:
    article = extract(post())
    assert article.text == "\n\n".join(PARAGRAPHS)
    assert "Disqus" not in article.text and "Phóng viên" not in article.text


def test_a_source_line_aligned_right_under_a_picture_is_not_its_caption() -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + (
        '<p style="text-align: center;"><img src="/media/1092/nha-van-hoa.jpg?width=700&amp;height=467" alt=""></p>'
        '<p style="text-align: right;"><em>Theo Báo Lạng Sơn</em></p>')
    article = extract(post(body, writer="Ban Biên tập", bio=""))
    assert article.source == "Báo Lạng Sơn"
    assert [image.caption for image in article.images] == [None, None]


def _posts(count: int) -> list[Page]:
    """Posts of one blog, each its own title, text and writer."""
    pages = []
    for number in range(count):
        paragraphs = [f"{p[:-1]} (bài {number + 1}, đoạn {index + 1})." for index, p in enumerate(PARAGRAPHS)]
        page = post("".join(f"<p>{p}</p>" for p in paragraphs), writer=("Hoàng Thu Trang", "Lộc Văn Thành")[number % 2])
        body = page.body.decode("utf-8").replace(TITLE, f"{TITLE} (kỳ {number + 1})")
        pages.append(Page(url=f"{URL}{number}/", body=body.encode("utf-8"), headers=page.headers))
    return pages


def test_a_template_learned_from_such_posts_reads_them_as_the_generic_path() -> None:
    pages = _posts(7)
    knowledge = learn_template(pages[:LEARN_AFTER], site="tinhuy.example.vn")
    assert knowledge.template is not None
    for page in pages:
        record = read_with_template(page, knowledge, site="tinhuy.example.vn")
        assert record is not None, page.url
        generic = extract(page, knowledge=knowledge.with_template(None))
        assert replace(record, extraction=generic.extraction) == generic
        assert "Disqus" not in record.text and record.author in ("Hoàng Thu Trang", "Lộc Văn Thành")


def test_a_paragraph_after_a_table_under_the_bodys_box_is_the_bodys() -> None:
    # The table's rows are lines of the body though no element of theirs is: no box left out.
    last = ("Tuy vậy, chỉ số giá tiêu dùng tháng 3 tăng 0,42% so với tháng trước; nhiều doanh nghiệp nhỏ và vừa"
            " gặp khó khăn về vốn.")
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + (
        "</div><div><div><table><tr><td>Chỉ tiêu</td><td>Quý I/2012</td></tr>"
        "<tr><td>Thu ngân sách (tỷ đồng)</td><td>786</td></tr></table></div></div><div>"
        f"<div><p>{last}</p></div>")
    article = extract(post(body))
    assert article.text.endswith(last)



def listing() -> Page:
    """A page of posts as Twenty Nineteen shows them: each its box of one shape (its own id and
    classes), its linked title, its excerpt with a "more" link, and its meta line."""
    teasers = "".join(
        f'<article id="post-{n}" class="post-{n} post type-post entry"><header class="entry-header">'
        f'<h2 class="entry-title"><a href="/archives/{n}" rel="bookmark">Tin thứ {n}: {TITLE}</a></h2></header>'
        f'<div class="entry-content"><p>{PARAGRAPHS[3 - n]}</p> <a href="/archives/{n}#more-{n}" class="more-link">'
        f'Đọc tiếp</a></div><footer class="entry-footer"><span class="byline"><span>Đăng bởi</span> <a'
        f' href="/archives/author/thanhtung">Thanh Tùng</a></span><span class="posted-on"><a href="/archives/{n}">'
        f'<time datetime="2025-03-{10 + n}T08:15:00+07:00">{10 + n}/03/2025</time></a></span><span> <a'
        f' href="/archives/category/dan-van" rel="category tag">Dân vận</a></span></footer></article>'
        for n in range(1, 4))
    html = f"""<html><head><meta charset="utf-8"><title>Cổng thông tin điện tử Đảng bộ tỉnh - Trang 3 / 4</title>
</head><body>
<header><p><a href="/">Đảng bộ tỉnh</a></p><nav><a href="/">Trang chủ</a> <a href="/gioi-thieu/">Giới thiệu</a></nav>
</header><div><main>{teasers}<nav><a href="/page/2">Mới hơn</a> <a href="/page/4">Cũ hơn</a></nav></main></div>
<footer><p>Cơ quan chủ quản: Ban Thường vụ Tỉnh ủy</p></footer></body></html>"""
    return Page(url="https://tinhuy.example.vn/page/3", body=html.encode("utf-8"),
                headers={"Content-Type": "text/html; charset=utf-8"})


def test_a_listings_next_teaser_is_no_line_left_after_a_box() -> None:
    # The last excerpt follows the other posts' boxes, and the page stays a list of posts.
    with pytest.raises(NotAnArticle):
        extract(listing())


def test_a_saved_listings_last_excerpt_keeps_it_a_listing() -> None:
    # Twenty Nineteen's third page of posts (wordpress-binhthuan): its first excerpt set apart as a lead,
    # its last one after the other posts' boxes; read as an article when that one was cut.
    with pytest.raises(NotAnArticle):
        extract(saved_page("wordpress-binhthuan", "https://tinhuy.binhthuan.example/page/3"))
