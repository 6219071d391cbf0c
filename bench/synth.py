"""A synthetic nghean.dcs.vn in the replay format (crawler/fetch/replay.py), as large as asked, for bench/perf.py.

Every page is a saved page of fixtures/nghean with its article swapped: the menus, sidebars, footer,
scripts and ASP.NET ViewState stay, so a page weighs what the real portal's do (~50 KB). Article
text is recombined from the sentences of the fixtures' gold texts, each paragraph opened by a
generated sentence naming a body, a topic and a place of Nghệ An, so that no two articles share a
text and search meets a realistic vocabulary. Listings have 20 articles a page with the portal's
pagination; the home page and the sidebars link the newest articles. Generation is deterministic:
article n is the same page in every set, whatever the set's size.

    python -m bench.synth /tmp/portal --articles 5000
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import quote

from crawler.extract.fold import fold

REPO = Path(__file__).resolve().parents[1]

FIXTURES = REPO / "fixtures" / "nghean"
HOST = "https://nghean.dcs.vn"
VN = timezone(timedelta(hours=7))
# Article n (1-based) is published at FIRST + n * STEP: 20,000 articles span eight years up to
# the fixtures' "today" (the header clock says Thứ Bảy, 21/11/2026).
LAST = datetime(2026, 11, 20, 16, 40, tzinfo=VN)
STEP = timedelta(hours=3, minutes=30)
FIRST_ID = 40_000  # portal ids above the fixtures' (34871 is their newest)
PER_PAGE = 20

# (slug, id pair, name): the three categories of the portal's menu.
CATEGORIES = (
    ("xay-dung-dang", "1-2", "Xây dựng Đảng"),
    ("chinh-quyen", "1-5", "Chính quyền"),
    ("tuyen-giao", "1-8", "Tuyên giáo"),
)

BODIES = (
    "Ban Thường vụ Tỉnh ủy", "Thường trực Tỉnh ủy", "UBND tỉnh", "Thường trực HĐND tỉnh", "Ủy ban MTTQ Việt Nam tỉnh",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ban Nội chính Tỉnh ủy",
    "Đảng ủy các cơ quan Đảng tỉnh", "Đảng ủy UBND tỉnh", "Đoàn đại biểu Quốc hội tỉnh", "Tỉnh đoàn",
    "Hội Nông dân tỉnh", "Liên đoàn Lao động tỉnh", "Hội Liên hiệp Phụ nữ tỉnh", "Sở Nội vụ", "Sở Tài chính",
    "Bộ Chỉ huy Quân sự tỉnh", "Công an tỉnh",
)
ACTIONS = (
    "tổ chức hội nghị về", "triển khai", "sơ kết", "tổng kết", "cho ý kiến vào đề án", "kiểm tra", "giám sát",
    "quán triệt", "ký kết chương trình phối hợp về", "hướng dẫn", "đẩy mạnh", "bàn giải pháp", "tập huấn",
    "đánh giá kết quả", "làm việc về",
)
TOPICS = (
    "công tác xây dựng Đảng", "chuyển đổi số", "xây dựng nông thôn mới", "cải cách hành chính",
    "phòng, chống tham nhũng, tiêu cực", "công tác dân vận", "giảm nghèo bền vững", "phát triển kinh tế - xã hội",
    "công tác kiểm tra, giám sát", "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "phát triển đảng viên", "bảo vệ nền tảng tư tưởng của Đảng", "thu hút đầu tư", "phòng, chống thiên tai",
    "chính sách dân tộc", "xây dựng đời sống văn hóa ở cơ sở", "sắp xếp đơn vị hành chính",
    "chính quyền địa phương hai cấp", "công tác cán bộ", "an ninh trật tự", "giải ngân vốn đầu tư công",
    "quốc phòng toàn dân", "công tác tuyên truyền", "chăm lo người có công",
)
PLACES = (
    "Quỳnh Lưu", "Diễn Châu", "Yên Thành", "Đô Lương", "Thanh Chương", "Nam Đàn", "Hưng Nguyên", "Nghi Lộc",
    "Con Cuông", "Tương Dương", "Kỳ Sơn", "Quế Phong", "Quỳ Châu", "Quỳ Hợp", "Nghĩa Đàn", "Tân Kỳ", "Anh Sơn",
    "Thái Hòa", "Hoàng Mai", "Cửa Lò", "Trường Vinh", "Thành Vinh", "Vinh Hưng", "Vinh Phú", "Vinh Lộc",
    "Mường Xén", "Nậm Cắn", "Châu Tiến", "Minh Hợp", "Tam Quang", "Mỹ Lý", "Bắc Lý", "Hữu Kiệm", "Na Ngoi",
)
PLACE_KINDS = ("xã", "phường", "huyện", "thị xã", "thị trấn")
WHEN = ("Sáng", "Chiều", "Ngày", "Tối")
AUTHORS = (
    "Thành Duy", "Hoài Thu", "Quang Minh", "Minh Chi", "Phương Thảo", "Hữu Nghĩa", "Thanh Lê", "Công Kiên",
    "Mai Hoa", "Thu Huyền", "Đình Tuyên", "Hải Vương", "Thành Duy - Hoài Thu", "Nguyễn Hải", "Kim Oanh",
)
SOURCES = ("Báo Nghệ An", "Đài PT-TH Nghệ An")

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])")
_NUMBER = re.compile(r"\b\d{3,}\b")
# Links only (<a href>): the page's own <link rel="canonical"> must keep pointing at itself.
_ARTICLE_LINK = re.compile(r'(<a\b[^>]*?\bhref=")(?:https://nghean\.dcs\.vn)?/vi-vn/tin/[^"]*(")')
_HIDDEN_VALUE = re.compile(r'(id="__(?:VIEWSTATE|EVENTVALIDATION)" value=")([^"]*)(")')
_CONTENT_END = re.compile(r'</div>\s*<div class="news-(?:tags|share)"')


@dataclass(frozen=True)
class Story:
    """What one synthetic article says: the HTML is rendered from it, the checks compare with it."""

    number: int
    category: tuple[str, str, str]
    title: str
    published: datetime
    lead: str | None
    paragraphs: tuple[str, ...]
    author: str | None
    source: str | None
    image: tuple[int, str, str] | None  # (markup variant, src, caption)
    template: int

    @property
    def portal_id(self) -> int:
        return FIRST_ID + self.number

    @property
    def path(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", fold(self.title)).strip("-")
        return f"/vi-vn/tin/{slug}/{self.category[1]}-{self.portal_id}"

    @property
    def url(self) -> str:
        return HOST + self.path

    @property
    def text(self) -> str:
        """The record's text as extraction should give it: the lead, then the paragraphs."""
        return "\n\n".join(([self.lead] if self.lead else []) + list(self.paragraphs))


@dataclass(frozen=True)
class Template:
    """A saved article page of the fixtures, cut where the synthetic article goes in."""

    html: str
    title: str  # as in the markup (escaped)
    path: str
    has_lead: bool


def category_path(category: tuple[str, str, str], page: int = 1) -> str:
    return f"/vi-vn/chuyen-muc/{category[0]}/{category[1]}" + (f"?page={page}" if page > 1 else "")


class Portal:
    """The synthetic portal: stories by number, pages rendered from the fixtures' templates."""

    def __init__(self, fixtures: Path = FIXTURES, seed: int = 1) -> None:
        self.fixtures = fixtures
        self.seed = seed
        manifest = json.loads((fixtures / "manifest.json").read_text(encoding="utf-8"))["pages"]
        self.headers = {entry.get("file"): entry.get("headers", {}) for entry in manifest}
        self.templates = self._templates(manifest)
        self.sentences = self._sentences()

    # --- inputs ----------------------------------------------------------------------------------

    def _templates(self, manifest: list[dict]) -> list[Template]:
        templates, seen = [], set()
        for entry in manifest:
            file, url = entry.get("file") or "", entry["url"]
            content_type = entry.get("headers", {}).get("Content-Type", "")
            # The legacy windows-1258 page and the second copy of an aliased article are left out:
            # every synthetic page is UTF-8 and unique.
            if not file.startswith("pages/tin/") or "utf-8" not in content_type or file in seen or "?" in url:
                continue
            if file.endswith("-1-5.html"):
                continue
            seen.add(file)
            page = (self.fixtures / file).read_text(encoding="utf-8")
            title = re.search(r'<h1 class="news-title">(.*?)</h1>', page, re.S)
            assert title is not None and '<div class="news-content">' in page, file
            templates.append(Template(page, title.group(1), url.removeprefix(HOST), 'class="news-sapo"' in page))
        return templates

    def _sentences(self) -> list[str]:
        sentences = []
        for path in sorted((self.fixtures / "expected").glob("*.json")):
            record = json.loads(path.read_text(encoding="utf-8"))
            if "text" not in record:
                continue
            for paragraph in record["text"].split("\n\n"):
                sentences += [s.strip() for s in _SENTENCE.split(paragraph) if len(s.split()) >= 6]
        return sentences

    # --- stories ---------------------------------------------------------------------------------

    def _rng(self, number: int, salt: int = 0) -> random.Random:
        return random.Random(self.seed * 1_000_003 + number * 7 + salt)

    @staticmethod
    def published(number: int, total: int = 20_000) -> datetime:
        return LAST - (total - number) * STEP

    def _place(self, rng: random.Random) -> str:
        return f"{rng.choice(PLACE_KINDS)} {rng.choice(PLACES)}"

    def _opening(self, rng: random.Random, when: datetime) -> str:
        return (
            f"{rng.choice(WHEN)} {when.day}/{when.month}, {rng.choice(BODIES)} {rng.choice(ACTIONS)} "
            f"{rng.choice(TOPICS)} tại {self._place(rng)}."
        )

    def _sentence(self, rng: random.Random) -> str:
        sentence = rng.choice(self.sentences)
        # Figures vary ("1.248 đảng viên"), years stay plausible.
        return _NUMBER.sub(lambda m: m.group() if m.group().startswith(("19", "20")) else str(rng.randrange(100, 999)),
                           sentence)

    @cache  # noqa: B019 - one portal per run; the listings read every story again
    def story(self, number: int) -> Story:
        return self.make_story(number)

    def make_story(self, number: int) -> Story:
        """Story `number`, not cached (an archive of 100,000 synthetic records needs no pages)."""
        rng = self._rng(number)
        when = self.published(number)
        template = number % len(self.templates)
        title = f"{rng.choice(BODIES)} {rng.choice(ACTIONS)} {rng.choice(TOPICS)}"
        title += rng.choice(("", f" năm {when.year}", f" tại {self._place(rng)}"))
        paragraphs = []
        for _ in range(rng.randint(4, 9)):
            paragraph = [self._opening(rng, when)] + [self._sentence(rng) for _ in range(rng.randint(1, 3))]
            paragraphs.append(" ".join(paragraph))
        lead = self._opening(rng, when) if self.templates[template].has_lead else None
        source = rng.choice(SOURCES) if rng.random() < 0.1 else None
        author = None if source else rng.choice(AUTHORS)
        image = None
        if rng.random() < 0.7:
            src = f"https://datafiles.nghean.gov.vn/nan-tu/{when:%Y/%m}/z{rng.randrange(10**12, 10**13)}.jpg"
            image = (rng.randrange(3), src, f"Quang cảnh {self._opening(rng, when)[:-1].lower()}")
        return Story(number, CATEGORIES[rng.randrange(3)], title[:1].upper() + title[1:], when, lead,
                     tuple(paragraphs), author, source, image, template)

    # --- pages -----------------------------------------------------------------------------------

    def _chrome(self, page: str, rng: random.Random, links: list[Story]) -> str:
        """Fresh ViewState, and every article link of the template pointing at `links` in turn."""
        page = _HIDDEN_VALUE.sub(
            lambda m: m.group(1) + base64.b64encode(rng.randbytes(len(m.group(2)) * 3 // 4)).decode() + m.group(3),
            page,
        )
        if not links:
            return page
        cycle = iter(range(10**9))
        return _ARTICLE_LINK.sub(lambda m: m.group(1) + links[next(cycle) % len(links)].path + m.group(2), page)

    def _content(self, story: Story) -> str:
        paragraphs = [f'<p style="text-align: justify;">{html.escape(p, quote=False)}</p>' for p in story.paragraphs]
        if story.image is not None:
            variant, src, caption = story.image
            caption = html.escape(caption)
            image = (
                f'<p style="text-align: center;"><img alt="Anh-tin-bai" src="{src}" style="width: 700px;" /></p>\n'
                f'<p style="text-align: center;"><em>{caption}</em></p>',
                '<table align="center" border="0" cellpadding="3" cellspacing="0" class="image" style="width: 700px;">'
                f'<tbody><tr><td><img alt="Anh-tin-bai" src="{src}" /></td></tr>'
                f'<tr><td class="image_desc">{caption}</td></tr></tbody></table>',
                f'<figure class="image"><img src="{src}" alt="{caption}" width="700" height="467" />'
                f"<figcaption>{caption}</figcaption></figure>",
            )[variant]
            paragraphs.insert(1, image)
        if story.author or story.source:
            line = story.author or f"Theo {story.source}"
            paragraphs.append(f'<p style="text-align: right;"><strong>{html.escape(line)}&nbsp;&nbsp;</strong></p>')
        return "\n".join(paragraphs) + "\n"

    def article_html(self, story: Story) -> str:
        template = self.templates[story.template]
        page = template.html
        title = html.escape(story.title, quote=False)
        page = page.replace(template.title, title).replace(template.path, story.path)
        page = page.replace(quote(HOST + template.path, safe=""), quote(story.url, safe=""))
        description = html.escape((story.lead or story.paragraphs[0])[:160] + "...")
        page = re.sub(r'(<meta (?:name|property)="(?:og:)?description" content=")[^"]*', rf"\g<1>{description}", page)
        page = re.sub(r'(<span class="news-date">)[^<]*', rf"\g<1>Ngày đăng: {story.published:%d/%m/%Y  %H:%M}", page)
        slug, ids, name = story.category
        page = re.sub(
            r'<div class="breadcrumb">.*?</div>',
            f'<div class="breadcrumb"><a href="/vi-vn">Trang chủ</a> » <a href="{category_path(story.category)}">'
            f"{name}</a></div>",
            page, count=1,
        )
        if story.lead:
            page = re.sub(r'(<div class="news-sapo">).*?(</div>)', rf"\g<1>{html.escape(story.lead)}\g<2>", page,
                          count=1, flags=re.S)
        start = page.index('<div class="news-content">') + len('<div class="news-content">')
        end = _CONTENT_END.search(page, start)
        assert end is not None
        page = page[:start] + "\n" + self._content(story) + "     " + page[end.start():]
        rng = self._rng(story.number, salt=1)
        older = [self.story(n) for n in range(max(1, story.number - 12), story.number)]
        return self._chrome(page, rng, older)

    @cached_property
    def _listing_template(self) -> str:
        return (self.fixtures / "pages/chuyen-muc/xay-dung-dang-1-2.html").read_text(encoding="utf-8")

    def listing_html(self, category: tuple[str, str, str], page: int, stories: list[Story], pages: int,
                     newest: list[Story]) -> str:
        """Page `page` of `pages` of a category listing, `stories` on it, `newest` in the sidebars."""
        items = []
        for story in stories:
            title = html.escape(story.title)
            thumb = story.image[1] if story.image else "https://datafiles.nghean.gov.vn/nan-tu/no-image.jpg"
            teaser = html.escape((story.lead or story.paragraphs[0])[:200] + "...")
            items.append(
                f'     <div class="news-item"><a class="news-thumb" href="{story.path}"><img alt="{title}" '
                f'src="{thumb}" /></a>\n        <h3><a href="{story.path}">{title}</a></h3>'
                f'<span class="news-item-date">{story.published:%d/%m/%Y}</span>'
                f'<p class="news-item-sapo">{teaser}</p></div>'
            )
        links = []
        if page > 1:
            links.append(f'<a href="{category_path(category, page - 1)}" class="prev">Trang trước</a>')
        for number in range(max(1, page - 2), min(pages, page + 2) + 1):
            links.append(f'<span class="current">{number}</span>' if number == page
                         else f'<a href="{category_path(category, number)}">{number}</a>')
        if page < pages:
            links.append(f'<a href="{category_path(category, page + 1)}" class="next">Trang sau</a>')
            links.append(f'<a href="{category_path(category, pages)}" class="last">Trang cuối</a>')
        block = (
            f'<div class="category-news">\n     <h1 class="category-title">{category[2]}</h1>\n' + "\n".join(items)
            + f'\n     <div class="pagination">{" ".join(links)}</div>\n   </div>'
        )
        html_page = self._listing_template
        start = html_page.index('<div class="category-news">')
        end = html_page.index("</div>\n  </div>", html_page.index('<div class="pagination">')) + len("</div>")
        html_page = html_page[:start] + block + html_page[end:]
        html_page = html_page.replace("Xây dựng Đảng - ", f"{category[2]} - ", 1)
        html_page = html_page.replace(
            '» <a href="/vi-vn/chuyen-muc/xay-dung-dang/1-2">Xây dựng Đảng</a>',
            f'» <a href="{category_path(category)}">{category[2]}</a>', 1,
        )
        # The sidebars ("Tin mới nhất", "Tin đọc nhiều") come after the listing block.
        side = html_page.index('<div class="col-side">')
        rng = self._rng(page, salt=hash(category[1]) & 0xFFFF)
        return html_page[:side] + self._chrome(html_page[side:], rng, newest)

    def home_html(self, newest: list[Story]) -> str:
        page = (self.fixtures / "pages/home.html").read_text(encoding="utf-8")
        return self._chrome(page, self._rng(0, salt=2), newest)

    # --- the replay set --------------------------------------------------------------------------

    def write(self, directory: Path, articles: int, per_page: int = PER_PAGE) -> dict[str, int]:
        """Write a replay set of articles 1..`articles` into `directory`; returns its counts."""
        directory = Path(directory)
        for folder in ("pages/tin", "pages/chuyen-muc"):
            (directory / folder).mkdir(parents=True, exist_ok=True)
        article_headers = dict(self.headers["pages/tin/34871.html"])
        listing_headers = dict(self.headers["pages/chuyen-muc/xay-dung-dang-1-2.html"])
        entries: list[dict] = [
            {"url": f"{HOST}/robots.txt", "file": "robots.txt", "headers": self.headers["robots.txt"]},
            {"url": f"{HOST}/", "status": 302, "headers": {**listing_headers, "Location": f"{HOST}/vi-vn"}},
        ]
        (directory / "robots.txt").write_bytes((self.fixtures / "robots.txt").read_bytes())
        stories = [self.story(n) for n in range(1, articles + 1)]
        newest = stories[::-1][:12]
        (directory / "pages/home.html").write_text(self.home_html(newest), encoding="utf-8")
        entries.append({"url": f"{HOST}/vi-vn", "file": "pages/home.html", "headers": listing_headers})
        total_bytes = 0
        listings = 0
        for category in CATEGORIES:
            mine = [s for s in reversed(stories) if s.category == category]
            pages = max(1, -(-len(mine) // per_page))
            for page in range(1, pages + 1):
                name = f"pages/chuyen-muc/{category[0]}-{category[1]}-{page}.html"
                body = self.listing_html(category, page, mine[(page - 1) * per_page : page * per_page], pages, newest)
                (directory / name).write_text(body, encoding="utf-8")
                entries.append({"url": HOST + category_path(category, page), "file": name,
                                "headers": listing_headers})
                listings += 1
        for story in stories:
            name = f"pages/tin/{story.portal_id}.html"
            body = self.article_html(story).encode("utf-8")
            total_bytes += len(body)
            (directory / name).write_bytes(body)
            last_modified = story.published.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
            entries.append({"url": story.url, "file": name, "headers": {**article_headers,
                                                                          "Last-Modified": last_modified}})
        (directory / "manifest.json").write_text(json.dumps({"pages": entries}, ensure_ascii=False, indent=0),
                                                 encoding="utf-8")
        return {"articles": articles, "listings": listings, "pages": len(entries),
                "article_bytes_mean": total_bytes // max(1, articles)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args(argv)
    print(json.dumps(Portal().write(args.directory, args.articles)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
