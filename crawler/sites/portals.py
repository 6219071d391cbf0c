"""The built-in list of portals: the provincial Party committee portals whose address has public
evidence. `tinbai crawl --all` crawls them with those an archive adds (`tinbai sites add URL`).

A start, not the whole country (34 provincial committees since the 2025 merger, and the portals the
23 merged provinces left behind): a portal is listed here only when a public source shows its
address, and the evidence is said beside it. Adding one needs no code: `tinbai sites add URL`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Portal:
    """A portal by its home page; `key` is its host without "www." unless a profile names it."""

    key: str
    name: str
    home: str


BUILT_IN: tuple[Portal, ...] = (
    # The first portal, with a hand-written profile (crawler/sites/nghean.py).
    Portal("nghean", "Cổng thông tin điện tử Tỉnh ủy Nghệ An", "https://nghean.dcs.vn/"),
    # A category page of the portal is itself public: https://thanhhoa.dcs.vn/tinhuy/KenhTin/Kinh-te.aspx
    # ("(Thanhhoa.dcs.vn): Về trồng trọt..."), and open-source crawlers list the host.
    Portal("thanhhoa.dcs.vn", "Tỉnh ủy Thanh Hóa", "https://thanhhoa.dcs.vn/"),
    # Public link lists name "Tỉnh ủy Tây Ninh" -> https://tayninh.dcs.vn, and pages elsewhere embed
    # its images (https://tayninh.dcs.vn/uploads/news/2024_07/...).
    Portal("tayninh.dcs.vn", "Tỉnh ủy Tây Ninh", "https://tayninh.dcs.vn/"),
    # Its tag pages are public (https://thainguyen.dcs.vn/tag/truoc-day), and public link lists
    # name https://thainguyen.dcs.vn beside the province's own portal.
    Portal("thainguyen.dcs.vn", "Tỉnh ủy Thái Nguyên", "https://thainguyen.dcs.vn/"),
    # Pages elsewhere embed its images (https://tinhuybinhphuoc.vn/uploads/hdnd/2024_05/...).
    Portal("tinhuybinhphuoc.vn", "Tỉnh ủy Bình Phước", "https://tinhuybinhphuoc.vn/"),
)
