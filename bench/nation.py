"""A synthetic national archive for bench/scale.py: 40 provincial portals' whole history, article by
article, as records and as the lean pages they were extracted from.

What makes it realistic where bench/synth.py's single portal is not:
- each portal has its own vocabulary: its province, its districts and communes (names made of
  Vietnamese syllables, fixed per portal), its bodies, its reporters;
- a quarter of a portal's articles are district reports written from one of its few templates
  ("Đảng bộ xã X tổ chức Đại hội ... nhiệm kỳ 2025-2030"): their boilerplate paragraphs are the same
  from report to report, the district, people, figures and dates differ, so that they are different
  articles that share LSH buckets (the near-duplicate lookup's hard case);
- one article in twelve re-posts a recent article of another portal, its lead dropped and a
  sentence added ("Theo ..."), as district and provincial portals re-post each other: most stay
  within the near-duplicate threshold (a re-post), a shorter original edited so is kept apart; one
  in thirty is re-fetched later with an edit (a second version);
- the rest is news recombined from the sentences of the fixtures' gold texts with figures varied,
  each paragraph opened by a generated sentence naming the portal's bodies, topics and places.

Pages are lean: a *.dcs.vn article page (head, menu, breadcrumb, the article, a sidebar of ten
links, footer) without the ASP.NET ViewState and inline scripts that make a real page weigh 50 KB:
about 8 KB, 3 KB compressed. Article n is the same record in every run (seeded by n alone), so an
archive of the first 10,000 articles is a prefix of one of 2,000,000.

    python -m bench.nation --articles 5 --show
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache, cached_property, lru_cache

from bench.synth import ACTIONS, AUTHORS, TOPICS, WHEN, Portal
from crawler.extract.fold import fold
from crawler.extract.record import Article, Image, Page

VN = timezone(timedelta(hours=7))
# The 34 provinces since the 2025 merger, then six portals of provinces merged away whose older
# sites are archived too. Nghệ An is the one portal with a profile (crawler/sites/nghean.py).
PROVINCES = (
    ("nghean", "Nghệ An"), ("hanoi", "Hà Nội"), ("hue", "Huế"), ("laichau", "Lai Châu"), ("dienbien", "Điện Biên"),
    ("sonla", "Sơn La"), ("langson", "Lạng Sơn"), ("quangninh", "Quảng Ninh"), ("thanhhoa", "Thanh Hóa"),
    ("hatinh", "Hà Tĩnh"), ("caobang", "Cao Bằng"), ("tuyenquang", "Tuyên Quang"), ("laocai", "Lào Cai"),
    ("thainguyen", "Thái Nguyên"), ("phutho", "Phú Thọ"), ("bacninh", "Bắc Ninh"), ("hungyen", "Hưng Yên"),
    ("haiphong", "Hải Phòng"), ("ninhbinh", "Ninh Bình"), ("quangtri", "Quảng Trị"), ("danang", "Đà Nẵng"),
    ("quangngai", "Quảng Ngãi"), ("gialai", "Gia Lai"), ("khanhhoa", "Khánh Hòa"), ("lamdong", "Lâm Đồng"),
    ("daklak", "Đắk Lắk"), ("hochiminhcity", "Thành phố Hồ Chí Minh"), ("dongnai", "Đồng Nai"),
    ("tayninh", "Tây Ninh"), ("cantho", "Cần Thơ"), ("vinhlong", "Vĩnh Long"), ("dongthap", "Đồng Tháp"),
    ("camau", "Cà Mau"), ("angiang", "An Giang"), ("hagiang", "Hà Giang"), ("yenbai", "Yên Bái"),
    ("bacgiang", "Bắc Giang"), ("quangbinh", "Quảng Bình"), ("binhphuoc", "Bình Phước"), ("longan", "Long An"),
)
# From the first archived article to the last: article n of TOTAL is published at FIRST + n * span / TOTAL.
FIRST = datetime(2010, 1, 1, 7, 0, tzinfo=VN)
LAST = datetime(2026, 11, 30, 17, 0, tzinfo=VN)
TOTAL = 2_000_000
CATEGORIES = ("Xây dựng Đảng", "Chính quyền", "Tuyên giáo", "Dân vận", "Kinh tế - Xã hội", "Quốc phòng - An ninh")
SYLLABLES = (
    "An", "Bình", "Châu", "Diễn", "Đông", "Giang", "Hòa", "Hưng", "Khánh", "Lạc", "Lộc", "Minh", "Nam", "Nghĩa",
    "Phong", "Phú", "Quang", "Sơn", "Tân", "Thạch", "Thanh", "Thành", "Thịnh", "Tiến", "Trung", "Tường", "Văn",
    "Vĩnh", "Xuân", "Yên", "Mường", "Nậm", "Pà", "Hợp", "Kim", "Long", "Mỹ", "Ngọc", "Phước", "Tây",
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Lò", "Vi", "Lương", "Hà")
MIDDLE = ("Văn", "Thị", "Đình", "Hữu", "Minh", "Thanh", "Quang", "Xuân", "Ngọc", "Đức")
GIVEN = ("Hùng", "Lan", "Tuấn", "Hà", "Dũng", "Mai", "Thắng", "Hương", "Sơn", "Hải", "Bình", "Thảo", "Long", "Nga")
UNITS = ("xã", "phường", "đặc khu")
# District reports: (title, boilerplate paragraphs the report always carries).
REPORT_KINDS = (
    "tổ chức Đại hội đại biểu Đảng bộ lần thứ {term}, nhiệm kỳ 2025-2030",
    "tổng kết công tác xây dựng Đảng và hệ thống chính trị năm {year}",
    "sơ kết 6 tháng thực hiện nhiệm vụ phát triển kinh tế - xã hội năm {year}",
    "triển khai Nghị quyết của Ban Chấp hành Trung ương về sắp xếp tổ chức bộ máy",
    "tổ chức Hội nghị học tập, quán triệt Nghị quyết Đại hội Đảng bộ tỉnh",
)
PAGE_CHROME = 1  # markup variant of the lean page (one today)


@dataclass(frozen=True)
class Record:
    """Article `number` of the corpus: its record, the page it came from, when it was fetched, and
    the portal's id for it. `edit_of`: the number of the article this one is a later version of."""

    number: int
    article: Article
    page: Page
    fetched_at: str
    site_article_id: str
    kind: str  # "news", "report", "repost" or "edit"


@dataclass(frozen=True)
class Province:
    key: str
    name: str
    index: int

    @property
    def site(self) -> str:
        """Nghệ An is the profiled portal (key "nghean"); the others are keyed by host."""
        return self.key if self.key == "nghean" else self.host

    @property
    def host(self) -> str:
        return f"{self.key}.dcs.vn"

    @cached_property
    def places(self) -> tuple[str, ...]:
        rng = random.Random(f"places-{self.key}")
        names = {f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}" for _ in range(90)}
        return tuple(sorted(names))[:60]

    @cached_property
    def people(self) -> tuple[str, ...]:
        rng = random.Random(f"people-{self.key}")
        return tuple(f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(40))

    @cached_property
    def bodies(self) -> tuple[str, ...]:
        return (f"Ban Thường vụ Tỉnh ủy {self.name}", f"Thường trực Tỉnh ủy {self.name}", f"UBND tỉnh {self.name}",
                f"HĐND tỉnh {self.name}", f"Ủy ban MTTQ Việt Nam tỉnh {self.name}", f"Tỉnh đoàn {self.name}",
                f"Ban Tổ chức Tỉnh ủy {self.name}", f"Ủy ban Kiểm tra Tỉnh ủy {self.name}", "Đảng ủy Quân sự tỉnh",
                f"Công an tỉnh {self.name}", f"Hội Nông dân tỉnh {self.name}", f"Sở Nội vụ {self.name}")


PORTALS = tuple(Province(key, name, index) for index, (key, name) in enumerate(PROVINCES))
# Portals differ in size: the largest publishes about three times as much as the smallest.
WEIGHTS = tuple(0.5 + ((index * 37) % 40) / 26 for index in range(len(PORTALS)))
_CUMULATIVE = tuple(sum(WEIGHTS[: i + 1]) for i in range(len(WEIGHTS)))
_NUMBER = re.compile(r"\b\d{3,}\b")


class Corpus:
    """Article n (1-based) of the national archive, as a record and a lean page."""

    def __init__(self, total: int = TOTAL) -> None:
        self.total = total
        self.sentences = Portal().sentences  # the fixtures' gold sentences (bench/synth.py)

    # --- who, when -------------------------------------------------------------------------------

    @staticmethod
    def _rng(number: int, salt: str = "") -> random.Random:
        return random.Random(f"{number}{salt}")

    def portal_of(self, number: int) -> Province:
        point = self._rng(number, "portal").random() * _CUMULATIVE[-1]
        return PORTALS[next(i for i, edge in enumerate(_CUMULATIVE) if point < edge)]

    def published(self, number: int) -> datetime:
        """To the minute, as the portals' date lines show it."""
        return (FIRST + (LAST - FIRST) * (number / self.total)).replace(second=0, microsecond=0)

    def kind(self, number: int) -> str:
        draw = self._rng(number, "kind").random()
        if number > 200 and draw < 1 / 12:
            return "repost"
        if number > 600 and draw < 1 / 12 + 1 / 30:
            return "edit"
        return "report" if draw < 1 / 12 + 1 / 30 + 0.25 else "news"

    # --- text ------------------------------------------------------------------------------------

    def _place(self, rng: random.Random, portal: Province) -> str:
        return f"{rng.choice(UNITS)} {rng.choice(portal.places)}"

    def _opening(self, rng: random.Random, portal: Province, when: datetime) -> str:
        return (f"{rng.choice(WHEN)} {when.day}/{when.month}, {rng.choice(portal.bodies)} {rng.choice(ACTIONS)} "
                f"{rng.choice(TOPICS)} tại {self._place(rng, portal)}.")

    def _sentence(self, rng: random.Random, sentence: str | None = None) -> str:
        sentence = sentence or rng.choice(self.sentences)
        return _NUMBER.sub(lambda m: m.group() if m.group().startswith(("19", "20")) else str(rng.randrange(100, 999)),
                           sentence)

    def _news(self, number: int, portal: Province, when: datetime) -> tuple[str, str | None, list[str]]:
        rng = self._rng(number, "news")
        title = f"{rng.choice(portal.bodies)} {rng.choice(ACTIONS)} {rng.choice(TOPICS)}"
        title += rng.choice(("", f" năm {when.year}", f" tại {self._place(rng, portal)}"))
        paragraphs = [f"{self._opening(rng, portal, when)} {self._sentence(rng)}" for _ in range(rng.randint(2, 4))]
        lead = self._opening(rng, portal, when) if rng.random() < 0.6 else None
        if lead is not None and portal.key != "nghean":
            # Only the profile reads the *.dcs.vn lead block as the lead; the generic path reads it
            # as the first paragraph, which is what the record says.
            paragraphs, lead = [lead, *paragraphs], None
        return title, lead, paragraphs

    @cache  # noqa: B019 - the corpus lives as long as the run; a portal has a handful of templates
    def _template(self, portal: Province, kind: int) -> tuple[str, ...]:
        rng = random.Random(f"template-{portal.key}-{kind}")
        # Three different sentences: a page repeating a paragraph is read as showing it once.
        return tuple(self._sentence(rng, sentence) for sentence in rng.sample(self.sentences, 3))

    def _report(self, number: int, portal: Province, when: datetime) -> tuple[str, str | None, list[str]]:
        rng = self._rng(number, "report")
        kind = rng.randrange(len(REPORT_KINDS))
        place = self._place(rng, portal)
        secretary, deputy = rng.sample(portal.people, 2)
        title = f"Đảng bộ {place} " + REPORT_KINDS[kind].format(term=rng.randint(18, 27), year=when.year)
        members, cells = rng.randrange(120, 2400), rng.randrange(8, 60)
        specific = [
            f"{rng.choice(WHEN)} {when.day}/{when.month}/{when.year}, Đảng bộ {place} "
            f"{REPORT_KINDS[kind].format(term=rng.randint(18, 27), year=when.year)}. Dự và chỉ đạo có đồng chí "
            f"{secretary}, {rng.choice(portal.bodies)}.",
            f"Đảng bộ {place} hiện có {cells} chi bộ trực thuộc với {members} đảng viên; trong nhiệm kỳ qua đã kết nạp "
            f"{rng.randrange(20, 300)} đảng viên mới, thu ngân sách đạt {rng.randrange(80, 260)}% dự toán.",
            f"Đồng chí {deputy} được bầu giữ chức Phó Bí thư; đồng chí {secretary} tái đắc cử Bí thư Đảng ủy {place}.",
        ]
        boilerplate = list(self._template(portal, kind))
        return title, None, specific[:2] + boilerplate[:2] + specific[2:] + boilerplate[2:]

    def reposted(self, number: int) -> int:
        """The number of the article that re-post `number` re-posts."""
        return max(1, number - self._rng(number, "repost").randrange(1, 200))

    def _repost(self, number: int) -> tuple[Province, str, str | None, list[str], int]:
        rng = self._rng(number, "repost")
        original = max(1, number - rng.randrange(1, 200))
        source = self.record(original)
        portal = self.portal_of(number)
        paragraphs = source.article.text.split("\n\n")
        if source.article.summary:
            paragraphs = paragraphs[1:]
        paragraphs.append(f"Theo {self.portal_of(original).name}, {self._sentence(rng).lower()}")
        return portal, source.article.title, None, paragraphs, original

    # --- records ---------------------------------------------------------------------------------

    def url(self, portal: Province, title: str, category: int, number: int) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-")[:80]
        return f"https://{portal.host}/vi-vn/tin/{slug}/1-{category + 2}-{100_000 + number}"

    # Re-posts and edits read records up to 600 numbers back again.
    @lru_cache(maxsize=2048)  # noqa: B019 - one corpus per run
    def record(self, number: int) -> Record:
        when = self.published(number)
        kind = self.kind(number)
        if kind == "edit":
            return self._edit(number)
        if kind == "repost":
            portal, title, lead, paragraphs, _ = self._repost(number)
        elif kind == "report":
            portal = self.portal_of(number)
            title, lead, paragraphs = self._report(number, portal, when)
        else:
            portal = self.portal_of(number)
            title, lead, paragraphs = self._news(number, portal, when)
        rng = self._rng(number, "meta")
        category = rng.randrange(len(CATEGORIES))
        author = rng.choice(AUTHORS) if rng.random() < 0.8 else None
        image = None
        if rng.random() < 0.6:
            image = Image(f"https://{portal.host}/uploads/{when:%Y/%m}/{number}.jpg",
                          f"Quang cảnh {self._opening(rng, portal, when)[:-1].lower()}")
        url = self.url(portal, title, category, number)
        text = "\n\n".join(([lead] if lead else []) + paragraphs)
        article = Article(url=url, site=portal.site, title=title, text=text, published=when.isoformat(),
                          author=author, category=CATEGORIES[category], summary=lead,
                          images=(image,) if image else (), extraction=_extraction(portal))
        fetched = when + timedelta(hours=rng.randrange(1, 30))
        return Record(number, article, self.page(article), fetched.astimezone(UTC).isoformat(timespec="seconds"),
                      str(100_000 + number), kind)

    def _edit(self, number: int) -> Record:
        """A later fetch of an earlier article whose text was edited: its second version."""
        rng = self._rng(number, "edit")
        earlier = self.record(max(1, number - rng.randrange(300, 600)))
        while earlier.kind == "edit":  # an edit of an edit: edit the original once more
            earlier = self.record(earlier.number - 1)
        old = earlier.article
        text = old.text + "\n\n" + f"(Cập nhật) {self._sentence(rng)}"
        article = Article(url=old.url, site=old.site, title=old.title, text=text, published=old.published,
                          author=old.author, category=old.category, summary=old.summary, images=old.images,
                          extraction=old.extraction)
        fetched = self.published(number).astimezone(UTC).isoformat(timespec="seconds")
        return Record(number, article, self.page(article), fetched, earlier.site_article_id, "edit")

    # --- pages -----------------------------------------------------------------------------------

    def page(self, article: Article) -> Page:
        return Page(url=article.url, body=article_html(article).encode("utf-8"),
                    headers={"Content-Type": "text/html; charset=utf-8"})


def _extraction(portal: Province) -> str:
    return "profile:nghean" if portal.key == "nghean" else "generic"


def _portal_of_site(site: str) -> Province:
    return next(portal for portal in PORTALS if portal.site == site)


def article_html(article: Article) -> str:
    """The lean *.dcs.vn page of `article` (the markup crawler/sites/dcs.py reads)."""
    portal = _portal_of_site(article.site)
    when = datetime.fromisoformat(article.published or FIRST.isoformat())
    title = html.escape(article.title, quote=False)
    paragraphs = article.text.split("\n\n")
    if article.summary:
        paragraphs = paragraphs[1:]
    body = [f'<p style="text-align: justify;">{html.escape(p, quote=False)}</p>' for p in paragraphs]
    if article.images:
        image = article.images[0]
        body.insert(1, f'<figure class="image"><img src="{image.src}" alt="{html.escape(image.caption or "")}" />'
                       f"<figcaption>{html.escape(image.caption or '')}</figcaption></figure>")
    if article.author:
        body.append(f'<p style="text-align: right;"><strong>{html.escape(article.author)}</strong></p>')
    lead = f'<div class="news-sapo">{html.escape(article.summary)}</div>' if article.summary else ""
    menu = "".join(f'<li><a href="/vi-vn/chuyen-muc/{re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")}/1-{i + 2}">'
                   f"{name}</a></li>" for i, name in enumerate(CATEGORIES))
    side = "".join(f'<li><a href="/vi-vn/tin/tin-moi/1-2-{n}">{html.escape(b)} {html.escape(t)}</a></li>'
                   for n, (b, t) in enumerate(zip(portal.bodies[:10], TOPICS, strict=False), start=1))
    name = f"Cổng thông tin điện tử Tỉnh ủy {portal.name}"
    crumbs = (f'<div class="breadcrumb"><a href="/vi-vn">Trang chủ</a> » <a href="/vi-vn/chuyen-muc/c/1-2">'
              f'{html.escape(article.category or "")}</a></div>')
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8" /><title>{title} - {name}</title>
<meta name="viewport" content="width=device-width, initial-scale=1" />
<link rel="canonical" href="{article.url}" /><meta property="og:title" content="{title}" />
<meta property="og:url" content="{article.url}" /><meta name="author" content="{name}" />
<link rel="stylesheet" href="/Portals/_default/skins/dcs/css/style.css" /></head>
<body><div class="header"><div class="logo"><a href="/vi-vn"><img src="/Portals/0/logo.png" alt="{name}" /></a>
</div><ul class="menu"><li><a href="/vi-vn">Trang chủ</a></li>{menu}</ul></div>
<div class="main"><div class="col-main">{crumbs}
<div class="news-detail"><h1 class="news-title">{title}</h1>
<span class="news-date">Ngày đăng: {when:%d/%m/%Y  %H:%M}</span>
{lead}<div class="news-content">
{chr(10).join(body)}
</div></div></div>
<div class="col-side"><h3>Tin mới nhất</h3><ul>{side}</ul></div></div>
<div class="footer"><p>{name}</p><p>Cơ quan chủ quản: Tỉnh ủy {portal.name}. Giấy phép số 123/GP-TTĐT.</p>
<p>Ghi rõ nguồn "{name}" khi phát hành lại thông tin từ Cổng này.</p></div></body></html>
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5)
    parser.add_argument("--start", type=int, default=1)
    parser.add_argument("--show", action="store_true", help="print the first page too")
    args = parser.parse_args(argv)
    corpus = Corpus()
    for number in range(args.start, args.start + args.articles):
        record = corpus.record(number)
        print(json.dumps({"kind": record.kind, "page_bytes": len(record.page.body), **record.article.to_dict()},
                         ensure_ascii=False))
    if args.show:
        print(corpus.record(args.start).page.body.decode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
