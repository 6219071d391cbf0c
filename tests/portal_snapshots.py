"""Evolving copies of the saved Nghệ An portal, for the fault, soak and takedown tests: new articles,
edits, removals (404, 410, an error page served with 200, a redirect off the article, another
article in its place) and outages, each snapshot a replay set of its own built in a temporary
directory."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from tests.fixtures import FIXTURES

NGHEAN = FIXTURES / "nghean"
SITE = "https://nghean.dcs.vn"
TEMPLATE = "pages/tin/34817.html"  # an article of "Xây dựng Đảng"; new articles are written over its markup
TEMPLATE_URL = f"{SITE}/vi-vn/tin/trao-tang-huy-hieu-dang-dot-7-11-cho-cac-dang-vien-lao-thanh/1-2-34817"
LISTINGS = {
    "xay-dung-dang": "pages/chuyen-muc/xay-dung-dang-1-2.html",
    "xay-dung-dang-2": "pages/chuyen-muc/xay-dung-dang-1-2-page-2.html",
    "chinh-quyen": "pages/chuyen-muc/chinh-quyen-1-5.html",
    "chinh-quyen-2": "pages/chuyen-muc/chinh-quyen-1-5-page-2.html",
    "tuyen-giao": "pages/chuyen-muc/tuyen-giao-1-8.html",
}
# Words for made-up articles: each new article gets its own sentences, so that no two are near
# duplicates of each other or of the saved ones.
_PLACES = ["Quỳnh Lưu", "Diễn Châu", "Yên Thành", "Đô Lương", "Thanh Chương", "Nghi Lộc", "Hưng Nguyên", "Nam Đàn",
           "Anh Sơn", "Con Cuông", "Tương Dương", "Kỳ Sơn", "Quế Phong", "Quỳ Châu", "Nghĩa Đàn", "Tân Kỳ"]
_TOPICS = ["chuyển đổi số trong công tác đảng", "xây dựng nông thôn mới nâng cao", "phòng chống thiên tai mùa mưa bão",
           "giảm nghèo bền vững ở vùng cao", "phát triển hợp tác xã kiểu mới", "bảo vệ rừng đầu nguồn",
           "giáo dục chính trị cho đoàn viên", "cải cách thủ tục hành chính cấp xã"]


def article_url(article_id: int, slug: str = "tin-moi") -> str:
    return f"{SITE}/vi-vn/tin/{slug}-{article_id}/1-2-{article_id}"


def new_article_text(article_id: int) -> list[str]:
    place = _PLACES[article_id % len(_PLACES)]
    topic = _TOPICS[article_id % len(_TOPICS)]
    return [
        f"Sáng nay, Ban Thường vụ Đảng ủy xã {place} tổ chức hội nghị chuyên đề về {topic}, bài số {article_id}.",
        f"Báo cáo tại hội nghị nêu rõ, trong năm qua xã {place} đã có {article_id % 97 + 3} mô hình mới về {topic}, "
        f"được nhân dân đồng tình ủng hộ và đạt {article_id % 40 + 50}% chỉ tiêu đề ra.",
        f"Phát biểu kết luận, đồng chí Bí thư Đảng ủy xã {place} yêu cầu các chi bộ tiếp tục cụ thể hóa "
        f"nghị quyết, gắn trách nhiệm người đứng đầu với kết quả {topic} trong từng thôn, bản.",
    ]


class Snapshot:
    """A copy of fixtures/nghean in `root`, changed by the methods below; write() saves the manifest."""

    def __init__(self, root: Path, source: Path = NGHEAN) -> None:
        shutil.copytree(source, root)
        self.root = root
        self.manifest: dict[str, Any] = json.loads((root / "manifest.json").read_text(encoding="utf-8"))

    def copy(self, root: Path) -> Snapshot:
        self.write()
        return Snapshot(root, self.root)

    def write(self) -> Path:
        (self.root / "manifest.json").write_text(json.dumps(self.manifest, ensure_ascii=False, indent=1), "utf-8")
        return self.root

    def _entry(self, url: str) -> dict[str, Any]:
        return next(entry for entry in self.manifest["pages"] if entry["url"] == url)

    def _edit(self, relative: str, change: Any) -> None:
        path = self.root / relative
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")

    def add(self, article_id: int, listing: str, published: str = "21/11/2026  08:00") -> str:
        """A new article, linked at the top of `listing` (a key of LISTINGS). Returns its URL."""
        url = article_url(article_id)
        paragraphs = "\n".join(f'<p style="text-align: justify;">{p}</p>' for p in new_article_text(article_id))
        page = (self.root / TEMPLATE).read_text(encoding="utf-8")
        page = page.replace(TEMPLATE_URL, url).replace(TEMPLATE_URL.removeprefix(SITE), url.removeprefix(SITE))
        page = re.sub(r'(<h1 class="news-title">).*?(</h1>)', rf"\g<1>Hội nghị chuyên đề số {article_id}\g<2>", page)
        page = re.sub(r'(<span class="news-date">Ngày đăng: ).*?(</span>)', rf"\g<1>{published}\g<2>", page)
        page = re.sub(r'(<div class="news-content">).*?(\s*</div>\s*<div class="news-share">)',
                      lambda m: f"{m.group(1)}\n{paragraphs}\n<p style=\"text-align: right;\"><strong>Hoài Thu</strong>"
                                f"</p>{m.group(2)}", page, flags=re.S)
        relative = f"pages/tin/new-{article_id}.html"
        (self.root / relative).write_text(page, encoding="utf-8")
        self.manifest["pages"].append({"url": url, "file": relative,
                                       "headers": {"Content-Type": "text/html; charset=utf-8"}})
        link = f'<li><a href="{url.removeprefix(SITE)}">Hội nghị chuyên đề số {article_id}</a></li>\n'
        # Before the listing's first article link: the top of the list, where new articles appear.
        self._edit(LISTINGS[listing], lambda html: re.sub(r'(<li[^>]*>\s*<a href="/vi-vn/tin/)', link + r"\1", html,
                                                          count=1))
        return url

    def edit(self, relative: str, sentence: str) -> None:
        """The editors add a paragraph at the top of an article's text."""
        self._edit(relative, lambda html: html.replace(
            '<div class="news-content">', f'<div class="news-content">\n<p style="text-align: justify;">{sentence}</p>',
            1))

    def remove(self, url: str) -> None:
        """Taken down: unlinked from the home page and the listings, and its URL answers 404."""
        path = url.removeprefix(SITE)
        for page in ["pages/home.html", *(str(p.relative_to(self.root)) for p in self.root.glob("pages/chuyen-muc/*"))]:
            self._edit(page, lambda html: html.replace(f'href="{path}"', 'href="/vi-vn"'))
        entry = self._entry(url)
        entry.update(status=404, file="pages/loi/404.html")

    def answer(self, url: str, status: int, file: str | None = None, **headers: str) -> None:
        """`url` answers `status` with `file` (a path inside the set) as its body, or none."""
        entry = self._entry(url)
        entry["status"] = status
        entry["headers"] = {"Content-Type": "text/html; charset=utf-8", **headers}
        if file is None:
            entry.pop("file", None)
        else:
            entry["file"] = file

    def error_page_with_200(self, url: str, which: str = "404") -> None:
        """The portal's error page ("Trang bạn tìm không tồn tại", "Server Error in '/' Application")
        served with status 200 in place of the article: a soft 404."""
        self.answer(url, 200, f"pages/loi/{which}.html")

    def gone(self, url: str, status: int = 404) -> None:
        """The article's URL answers 404 or 410 with the portal's error page, still linked."""
        self.answer(url, status, "pages/loi/404.html")

    def redirect(self, url: str, target: str, status: int = 302) -> None:
        """The article's URL redirects (to the home page, a listing)."""
        self.answer(url, status, None, Location=target)

    def serve_instead(self, url: str, other_url: str) -> None:
        """`url` serves the page of another article (`other_url`'s file, its own canonical link)."""
        self.answer(url, 200, self._entry(other_url)["file"])

    def outage(self, *urls: str) -> None:
        """503 with a long Retry-After for `urls`, or for every page but robots.txt."""
        for entry in self.manifest["pages"]:
            if (entry["url"] in urls) if urls else not entry["url"].endswith("/robots.txt"):
                entry.update(status=503, headers={"Retry-After": "3600", "Content-Type": "text/html; charset=utf-8"})
                entry.pop("file", None)
