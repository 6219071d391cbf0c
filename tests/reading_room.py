"""An archive to read in the browser, made the way a real one is: the saved Nghệ An portal crawled,
then crawled again after the portal published articles over six months, edited two and re-posted
one. The browser tests (tests/test_ui.py) and the README's screenshots (scripts/screenshots.py)
both read it: versions to compare, months to chart, more results than one page, a re-post."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.conftest import REPO, tinbai_command
from tests.portal_snapshots import LISTINGS as LISTING_FILES
from tests.portal_snapshots import NGHEAN, SITE, Snapshot, article_url, new_article_text

# Articles the second crawl finds: NEW_PER_MONTH in each of MONTHS of 2026, in turn in each listing.
MONTHS = ("05", "06", "07", "08", "09", "10")
NEW_PER_MONTH = 5
FIRST_NEW_ID = 40001
LISTINGS = ("xay-dung-dang", "chinh-quyen", "tuyen-giao")
# The article the tests open: the first hit for "dang uy", edited by the portal after the first crawl.
EDITED = "pages/tin/21523.html"
EDITED_URL = (f"{SITE}/vi-vn/tin/ban-tuyen-giao-tinh-uy-va-dang-uy-khoi-cac-co-quan-tinh-trien-khai-chuong-trinh"
              "-phoi-hop-giai-doan-2023-2025/1-8-21523")
EDIT = "Hội nghị thống nhất bổ sung nội dung phối hợp tuyên truyền trên nền tảng số của các cơ quan đảng."
SECOND_EDITED = "pages/tin/34817.html"
SECOND_EDIT = "Buổi lễ diễn ra trang trọng tại hội trường Tỉnh ủy, có sự tham dự của gia đình các đảng viên."
# The re-post: the edited article's text again under another section's URL, with a line added.
REPOST_ID = 40100
REPOST_URL = f"{SITE}/vi-vn/tin/dang-lai-ban-tuyen-giao-phoi-hop/1-5-{REPOST_ID}"
REPOST_LINE = "Bài viết được đăng lại từ chuyên mục Tuyên giáo của Cổng thông tin điện tử Tỉnh ủy Nghệ An."


# The new articles' places and subjects: no two articles share both, so none is a near duplicate of another.
PLACES = ("Quỳnh Lưu", "Diễn Châu", "Yên Thành", "Đô Lương", "Thanh Chương", "Nghi Lộc", "Hưng Nguyên", "Nam Đàn",
          "Anh Sơn", "Con Cuông", "Tương Dương", "Kỳ Sơn", "Quế Phong", "Quỳ Châu", "Nghĩa Đàn", "Tân Kỳ")
SUBJECTS = (
    ("chuyển đổi số", "đưa hồ sơ đảng viên lên môi trường số và họp chi bộ trực tuyến ở các bản xa"),
    ("nông thôn mới", "làm đường bê tông liên thôn, kênh mương nội đồng và nhà văn hóa xóm"),
    ("phòng chống thiên tai", "gia cố đê bao, dự trữ lương thực và diễn tập sơ tán dân trước mùa mưa bão"),
    ("giảm nghèo bền vững", "hỗ trợ bò giống, vốn vay ưu đãi và dạy nghề cho hộ nghèo vùng cao"),
    ("hợp tác xã kiểu mới", "liên kết trồng cam, chè và tiêu thụ sản phẩm qua sàn thương mại điện tử"),
    ("bảo vệ rừng", "giao khoán rừng đầu nguồn cho cộng đồng và tuần tra chống cháy rừng"),
    ("giáo dục chính trị", "bồi dưỡng lý luận cho đoàn viên thanh niên và quần chúng ưu tú"),
    ("cải cách hành chính", "tiếp nhận hồ sơ một cửa và trả kết quả thủ tục trong ngày"),
)


# Sentences the new articles are made of, four each, chosen by the article's number: two articles share
# one sentence at most, so none is a near duplicate of another.
SENTENCES = (
    "Ban Thường vụ Đảng ủy xã {place} tổ chức hội nghị chuyên đề về {subject}, với sự tham dự của bí thư các chi bộ.",
    "Theo báo cáo, thời gian qua xã {place} tập trung {work}.",
    "Kết quả được nhân dân đồng tình, ủng hộ và đạt {percent}% chỉ tiêu nghị quyết đề ra cho năm nay.",
    "Nhiều ý kiến tại hội nghị đề nghị tỉnh sớm bố trí nguồn vốn để {place} hoàn thành các công trình còn dang dở.",
    "Đồng chí Bí thư Đảng ủy xã {place} yêu cầu các chi bộ cụ thể hóa nghị quyết về {subject} sát với từng thôn, bản.",
    "Trong năm, xã đã kết nạp {members} đảng viên mới, phần lớn là đoàn viên thanh niên đã qua rèn luyện.",
    "Người đứng đầu các thôn, bản phải chịu trách nhiệm trước Đảng ủy về kết quả thực hiện ở địa bàn mình.",
    "Mặt trận Tổ quốc và các đoàn thể được giao giám sát việc {work} để bảo đảm công khai, minh bạch.",
    "Một số chi bộ còn lúng túng trong cách làm; hội nghị đã chỉ rõ nguyên nhân và giao thời hạn khắc phục.",
    "Dịp này, Đảng ủy xã {place} khen thưởng {members} tập thể và cá nhân có thành tích xuất sắc.",
    "Huyện ủy đánh giá cao cách làm của {place} và đề nghị nhân rộng ra các xã lân cận trong năm tới.",
)


def new_article(index: int) -> tuple[str, list[str]]:
    """The title and paragraphs of new article number `index` (0-based)."""
    place = PLACES[index % len(PLACES)]
    subject, work = SUBJECTS[(index // len(PLACES) + index) % len(SUBJECTS)]
    values = {"place": place, "subject": subject, "work": work, "percent": 50 + index % 40, "members": 3 + index % 9}
    # Sentence 0 opens every article; three more, a different three for each number (steps through
    # the pool that are prime to its size visit three distinct sentences).
    step = (1, 3, 7, 9)[index % 4]
    chosen = [0, *(1 + (index + step * turn) % (len(SENTENCES) - 1) for turn in range(3))]
    first, second, third, fourth = (SENTENCES[n].format(**values) for n in chosen)
    return f"Xã {place} bàn giải pháp {subject}", [first, second, f"{third} {fourth}"]


def _add(snapshot: Snapshot, index: int, article_id: int, listing: str, published: str) -> None:
    """A new article through Snapshot.add(), then given its own title and text."""
    snapshot.add(article_id, listing, published=published)
    title, paragraphs = new_article(index)
    placeholder = f"Hội nghị chuyên đề số {article_id}"
    for relative in (f"pages/tin/new-{article_id}.html", LISTING_FILES[listing]):
        path = snapshot.root / relative
        html = path.read_text(encoding="utf-8").replace(placeholder, title)
        for old, new in zip(new_article_text(article_id), paragraphs, strict=True):
            html = html.replace(old, new)
        path.write_text(html, encoding="utf-8")


def _crawl(replay: Path, db: Path, *extra: str) -> None:
    env = {key: value for key, value in os.environ.items() if key.lower() not in ("http_proxy", "https_proxy")}
    done = subprocess.run(
        [tinbai_command(), "crawl", "nghean", "--replay", str(replay), "--db", str(db), *extra],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    # 1: the saved portal's deliberate 404 and 500.
    if done.returncode not in (0, 1):
        raise RuntimeError(f"crawl of {replay} failed ({done.returncode}): {done.stderr}")


def _repost(snapshot: Snapshot) -> None:
    """The edited article's page under a "Chính quyền" URL, with one more paragraph: a near duplicate."""
    page = (NGHEAN / EDITED).read_text(encoding="utf-8")
    page = page.replace(EDITED_URL, REPOST_URL).replace(EDITED_URL.removeprefix(SITE), REPOST_URL.removeprefix(SITE))
    page = re.sub(r'(<h1 class="news-title">)(.*?)(</h1>)', r"\g<1>\g<2> (đăng lại)\g<3>", page)
    page = page.replace('<div class="news-content">',
                        f'<div class="news-content">\n<p style="text-align: justify;">{REPOST_LINE}</p>', 1)
    relative = f"pages/tin/repost-{REPOST_ID}.html"
    (snapshot.root / relative).write_text(page, encoding="utf-8")
    snapshot.manifest["pages"].append({"url": REPOST_URL, "file": relative,
                                       "headers": {"Content-Type": "text/html; charset=utf-8"}})
    listing = snapshot.root / "pages/chuyen-muc/chinh-quyen-1-5.html"
    link = f'<li><a href="{REPOST_URL.removeprefix(SITE)}">Đăng lại</a></li>\n'
    listing.write_text(re.sub(r'(<li[^>]*>\s*<a href="/vi-vn/tin/)', link + r"\1", listing.read_text("utf-8"),
                              count=1), encoding="utf-8")


def new_article_ids() -> list[int]:
    return list(range(FIRST_NEW_ID, FIRST_NEW_ID + len(MONTHS) * NEW_PER_MONTH))


def build_reading_archive(work: Path) -> Path:
    """The archive file, in `work` (which gets the snapshot's replay set too)."""
    work.mkdir(parents=True, exist_ok=True)
    db = work / "nghean.db"
    _crawl(NGHEAN, db)
    snapshot = Snapshot(work / "snapshot")
    for index, article_id in enumerate(new_article_ids()):
        month = MONTHS[index // NEW_PER_MONTH]
        day = 3 + 5 * (index % NEW_PER_MONTH)
        _add(snapshot, index, article_id, LISTINGS[index % len(LISTINGS)], f"{day:02d}/{month}/2026  08:{index:02d}")
    snapshot.edit(EDITED, EDIT)
    snapshot.edit(SECOND_EDITED, SECOND_EDIT)
    _repost(snapshot)
    snapshot.write()
    # --full: the known articles are fetched again whatever their schedule, so the edits are seen.
    _crawl(snapshot.root, db, "--full")
    return db


__all__ = ["EDIT", "EDITED_URL", "REPOST_URL", "article_url", "build_reading_archive", "new_article_ids"]
