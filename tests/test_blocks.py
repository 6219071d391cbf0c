"""Walking a body's markup into blocks (crawler/extract/blocks.py), as the learned templates read it."""

from __future__ import annotations

from lxml import html

from crawler.extract.blocks import walk
from crawler.extract.generic import CAPTIONS


def test_a_tables_caption_and_header_cells_are_lines_of_their_own() -> None:
    """A table of figures with its title in <caption> and a header row of <th>: the caption is a
    line, each header cell a block of its own (a row is joined with spaces by its reader), never the
    cells' texts run together ("Đảng bộ75 năm70 năm")."""
    body = html.fromstring(
        "<div><p>Số lượng đảng viên được tặng Huy hiệu Đảng như sau:</p>"
        "<table><caption>Số đảng viên được tặng Huy hiệu Đảng đợt 3/2/2025</caption><tbody>"
        "<tr><th>Đảng bộ</th><th>75 năm</th><th>70 năm</th></tr>"
        "<tr><td>Huyện Cái Bè</td><td>2</td><td>5</td></tr></tbody></table></div>"
    )
    texts = [(block.element.tag, block.text) for block in walk(body, CAPTIONS) if block.kind == "text"]
    assert texts == [
        ("p", "Số lượng đảng viên được tặng Huy hiệu Đảng như sau:"),
        ("caption", "Số đảng viên được tặng Huy hiệu Đảng đợt 3/2/2025"),
        ("th", "Đảng bộ"), ("th", "75 năm"), ("th", "70 năm"),
        ("td", "Huyện Cái Bè"), ("td", "2"), ("td", "5"),
    ]


def test_a_template_reads_a_row_of_values_each_in_a_paragraph_as_one_row() -> None:
    """A table of figures whose editor set each value in a <p> ("<td><p>14.206</p></td>") is read a
    row a line by a learned template, as by the generic path; a layout table's cells of paragraphs
    stay lines of their own."""
    from crawler.extract.body import data_row

    figures = html.fromstring(
        "<div><table><tr><td><p><strong>Đảng bộ</strong></p></td><td><p>Tỷ lệ</p></td></tr>"
        "<tr><td><p>Thành ủy Quy Nhơn</p></td><td><p>98,9%</p></td></tr></table></div>"
    )
    rows = [data_row(block) for block in walk(figures, CAPTIONS) if block.kind == "text"]
    assert len(rows) == 4 and None not in rows and len(set(rows)) == 2
    layout = html.fromstring(
        "<div><table><tr><td><p>Ngày 26/2, Ủy ban Kiểm tra Tỉnh ủy tổ chức kỳ họp thứ 39.</p>"
        "<p>Tại kỳ họp, Ủy ban Kiểm tra Tỉnh ủy đã xem xét kết quả kiểm tra khi có dấu hiệu vi phạm"
        " đối với Ban Thường vụ Đảng ủy xã Tân Hương.</p></td><td><p>Ảnh</p></td></tr></table></div>"
    )
    assert all(data_row(block) is None for block in walk(layout, CAPTIONS) if block.kind == "text")


def test_an_empty_anchor_inside_a_paragraph_leaves_it_one_line() -> None:
    # WordPress marks where a teaser ends with an empty span at the start of the next paragraph:
    # the paragraph is a line of the body all the same (a learned template read it as nothing).
    box = html.fromstring(
        "<div><p><strong>Chiều 28/6, Ban Chấp hành Đảng bộ tỉnh tổ chức Hội nghị lần thứ 5.</strong></p>"
        "<p><span id='more-1562'></span>Đồng chí Bí thư Tỉnh ủy chủ trì hội nghị.</p><p>Theo báo cáo, ...</p></div>"
    )
    assert [block.text for block in walk(box, CAPTIONS)] == [
        "Chiều 28/6, Ban Chấp hành Đảng bộ tỉnh tổ chức Hội nghị lần thứ 5.",
        "Đồng chí Bí thư Tỉnh ủy chủ trì hội nghị.", "Theo báo cáo, ..."]
