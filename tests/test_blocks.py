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
