"""Near duplicates: precision on templated district reports, recall on re-posts (archive/near.py).

A provincial campaign makes every district report on one template: most paragraphs are shared
word for word ("Thực hiện Kế hoạch số 15-KH/TU của Ban Thường vụ Tỉnh ủy..."), and what differs is
what each report is about: the district and its communes, the people who spoke, the dates, the
figures. Such reports are different articles, and joining them hid "Kỳ Sơn" behind "Thanh Chương".
A re-post is one article published again: on a district portal with a sentence added, a source
line, a paragraph left out, a date written out in full, a figure written another way.

generate() makes both kinds, reproducibly from a seed; measure() saves them into an in-memory
archive in publication order (originals, then re-posts) and compares the links archive/near.py
makes with the truth. The same signatures compared two by two give what MinHash alone (the
threshold without the check of what the texts report) would have linked.

    python -m bench.near [--districts 21] [--months 2] [--reposts 80] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

DISTRICTS = (
    "Kỳ Sơn", "Thanh Chương", "Quỳnh Lưu", "Diễn Châu", "Yên Thành", "Đô Lương", "Nghi Lộc", "Hưng Nguyên",
    "Nam Đàn", "Anh Sơn", "Con Cuông", "Tương Dương", "Quế Phong", "Quỳ Châu", "Quỳ Hợp", "Nghĩa Đàn",
    "Tân Kỳ", "Cửa Lò", "Hoàng Mai", "Thái Hòa", "Vinh",
)
COMMUNE_FIRST = ("Diễn", "Hưng", "Nghi", "Thanh", "Quỳnh", "Nam", "Tam", "Châu", "Mỹ", "Hữu", "Bắc", "Đông", "Tây")
COMMUNE_SECOND = ("Thịnh", "Lộc", "Phúc", "Hòa", "Thành", "Sơn", "Lâm", "Hợp", "Tiến", "Quang", "Kiệm", "Lý", "Xuân")
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Hồ", "Lô", "Vi", "Lương", "Hà")
MIDDLE = ("Văn", "Thị", "Đình", "Hữu", "Xuân", "Minh", "Quang", "Đức", "Thanh", "Công")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Hòa", "Lan", "Mai", "Nam", "Phong", "Sơn", "Tâm",
         "Thắng", "Tuấn", "Việt", "Hiếu", "Khánh", "Long", "Yến")

# Templates of the reports every district sends. Slots: {district} {commune1} {commune2}
# {secretary} {chair} {deputy} {day} {month} {members} {new_members} {rate} {money} {cells} {households}.
# Most sentences are the campaign's own words, shared by every report; a few carry the specifics.
TEMPLATES = (
    (
        "Sáng {day}/{month}, Ban Thường vụ Huyện ủy {district} tổ chức hội nghị sơ kết 6 tháng thực hiện Nghị "
        "quyết số 21-NQ/TW của Bộ Chính trị về tăng cường củng cố, xây dựng tổ chức cơ sở đảng và nâng cao chất "
        "lượng đội ngũ đảng viên trong giai đoạn mới.",
        "Thực hiện Kế hoạch số 15-KH/TU của Ban Thường vụ Tỉnh ủy, thời gian qua các cấp ủy, tổ chức đảng đã tập "
        "trung lãnh đạo, chỉ đạo quán triệt, triển khai nghị quyết đến cán bộ, đảng viên; ban hành chương trình "
        "hành động, kế hoạch thực hiện phù hợp với điều kiện thực tế của địa phương, gắn với việc thực hiện các "
        "nhiệm vụ chính trị trọng tâm và công tác xây dựng Đảng, xây dựng hệ thống chính trị trong sạch, vững mạnh.",
        "Công tác kiện toàn tổ chức bộ máy được quan tâm thực hiện; việc đổi mới nội dung, phương thức sinh hoạt "
        "chi bộ có chuyển biến tích cực, chất lượng sinh hoạt chuyên đề được nâng lên; công tác kiểm tra, giám "
        "sát được tăng cường, kỷ luật, kỷ cương trong Đảng được giữ vững, góp phần củng cố niềm tin của nhân dân "
        "đối với cấp ủy, chính quyền các cấp.",
        "Toàn Đảng bộ huyện hiện có {cells} tổ chức cơ sở đảng với {members} đảng viên; trong 6 tháng đã kết nạp "
        "{new_members} đảng viên mới, đạt {rate}% kế hoạch năm, trong đó các xã {commune1} và {commune2} có số "
        "đảng viên mới là người dân tộc thiểu số cao nhất.",
        "Các đại biểu đã thảo luận, làm rõ những kết quả đạt được, chỉ ra hạn chế, nguyên nhân và đề xuất giải "
        "pháp trong thời gian tới, nhất là việc phát triển đảng viên ở thôn, bản chưa có chi bộ, nâng cao chất "
        "lượng sinh hoạt chi bộ và công tác quản lý đảng viên đi làm ăn xa.",
        "Phát biểu kết luận hội nghị, đồng chí {secretary}, Bí thư Huyện ủy {district} đề nghị các cấp ủy tiếp tục "
        "quán triệt sâu sắc nghị quyết, gắn trách nhiệm của người đứng đầu với kết quả thực hiện nhiệm vụ.",
        "Dịp này, Ban Thường vụ Huyện ủy đã tặng giấy khen cho các tập thể, cá nhân có thành tích xuất sắc; đồng "
        "chí {deputy}, Phó Bí thư Thường trực Huyện ủy trao thưởng cho đại diện các chi bộ tiêu biểu.",
    ),
    (
        "Ngày {day}/{month}, UBND huyện {district} tổ chức hội nghị đánh giá kết quả thực hiện Chương trình mục "
        "tiêu quốc gia xây dựng nông thôn mới và giảm nghèo bền vững, triển khai nhiệm vụ những tháng cuối năm.",
        "Theo báo cáo, thực hiện Chương trình mục tiêu quốc gia, huyện đã chủ động xây dựng kế hoạch, phân bổ "
        "nguồn vốn kịp thời, lồng ghép các nguồn lực để đầu tư cơ sở hạ tầng thiết yếu, hỗ trợ phát triển sản "
        "xuất, đa dạng hóa sinh kế, nhân rộng mô hình giảm nghèo, nâng cao năng lực cho cộng đồng và cán bộ cơ sở, "
        "góp phần nâng cao đời sống vật chất, tinh thần cho người dân.",
        "Tổng nguồn vốn thực hiện chương trình trên địa bàn huyện là {money} tỷ đồng, đến nay đã giải ngân đạt "
        "{rate}%; toàn huyện còn {households} hộ nghèo, các xã {commune1} và {commune2} phấn đấu đạt chuẩn nông "
        "thôn mới trong năm nay.",
        "Công tác tuyên truyền được đẩy mạnh với nhiều hình thức phong phú, thiết thực; phong trào thi đua cả nước "
        "chung sức xây dựng nông thôn mới nhận được sự hưởng ứng tích cực của các tầng lớp nhân dân, nhiều hộ gia "
        "đình tự nguyện hiến đất, góp công, góp sức làm đường giao thông nông thôn, xây dựng nhà văn hóa.",
        "Tuy nhiên, việc thực hiện chương trình vẫn còn một số khó khăn, vướng mắc như tiến độ giải ngân một số "
        "nguồn vốn còn chậm, một số tiêu chí khó đạt, nguồn lực xã hội hóa còn hạn chế, tỷ lệ hộ tái nghèo ở "
        "vùng sâu, vùng xa còn cao.",
        "Kết luận hội nghị, đồng chí {chair}, Chủ tịch UBND huyện {district} yêu cầu các phòng, ban, đơn vị và "
        "UBND các xã tập trung đẩy nhanh tiến độ giải ngân, hoàn thành các chỉ tiêu đề ra.",
    ),
    (
        "Chiều {day}/{month}, Ủy ban Kiểm tra Huyện ủy {district} tổ chức hội nghị tổng kết công tác kiểm tra, "
        "giám sát và thi hành kỷ luật đảng, triển khai phương hướng, nhiệm vụ năm tới.",
        "Trong năm, cấp ủy, ủy ban kiểm tra các cấp trong Đảng bộ huyện đã thực hiện toàn diện các nhiệm vụ theo "
        "quy định của Điều lệ Đảng, bám sát chương trình kiểm tra, giám sát của cấp ủy, tập trung vào những lĩnh "
        "vực nhạy cảm, dễ phát sinh sai phạm, những vấn đề bức xúc, nổi cộm được dư luận quan tâm.",
        "Cấp ủy các cấp đã kiểm tra {cells} tổ chức đảng và {members} đảng viên, giám sát chuyên đề {new_members} "
        "tổ chức đảng; ủy ban kiểm tra các cấp đã kiểm tra khi có dấu hiệu vi phạm đối với {households} đảng viên, "
        "trong đó có đảng viên ở các xã {commune1}, {commune2}.",
        "Qua kiểm tra, giám sát đã kịp thời phát hiện, chấn chỉnh những thiếu sót, khuyết điểm, góp phần nâng cao "
        "năng lực lãnh đạo, sức chiến đấu của tổ chức cơ sở đảng, giữ vững kỷ luật, kỷ cương, tăng cường đoàn kết "
        "thống nhất trong Đảng bộ.",
        "Hội nghị đã nghe các ý kiến tham luận về kinh nghiệm trong công tác kiểm tra, giám sát ở cơ sở, việc "
        "thực hiện quy trình kiểm tra khi có dấu hiệu vi phạm và công tác giải quyết tố cáo, khiếu nại kỷ luật "
        "đảng.",
        "Phát biểu chỉ đạo, đồng chí {deputy}, Phó Bí thư Thường trực Huyện ủy {district} ghi nhận kết quả đạt "
        "được, đề nghị ủy ban kiểm tra các cấp tiếp tục đổi mới phương pháp, nâng cao chất lượng công tác, tỷ lệ "
        "hoàn thành chương trình phải đạt {rate}%.",
    ),
)
# Free-standing articles re-posted on district portals: the saved portal's gold texts.
GOLD = REPO / "fixtures" / "nghean" / "expected"


@dataclass(frozen=True)
class Doc:
    key: str
    text: str
    original: str | None = None  # the key of the article this one re-posts
    template: int | None = None  # the template a report was written on


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _commune(rng: random.Random) -> str:
    return f"{rng.choice(COMMUNE_FIRST)} {rng.choice(COMMUNE_SECOND)}"


def report(template: int, district: str, month: int, rng: random.Random) -> str:
    """One district's report on `template`: the shared paragraphs with its own specifics."""
    commune1 = _commune(rng)
    commune2 = _commune(rng)
    while commune2 == commune1:
        commune2 = _commune(rng)
    slots = {
        "district": district, "commune1": commune1, "commune2": commune2,
        "secretary": _name(rng), "chair": _name(rng), "deputy": _name(rng),
        "day": rng.randint(1, 28), "month": month, "members": rng.randint(2_000, 12_000),
        "new_members": rng.randint(20, 400), "rate": rng.randint(40, 120), "money": rng.randint(20, 480),
        "cells": rng.randint(30, 90), "households": rng.randint(150, 3_000),
    }
    return "\n\n".join(paragraph.format(**slots) for paragraph in TEMPLATES[template])


def _gold_texts() -> dict[str, str]:
    texts = {}
    for path in sorted(GOLD.glob("*.json")):
        if path.name != "crawl.json":
            texts[f"gold-{path.stem}"] = json.loads(path.read_text(encoding="utf-8"))["text"]
    return texts


# How district portals re-post an article (each keeps everything the original reports).
def _add_sentence(paragraphs: list[str], rng: random.Random) -> list[str]:
    where = rng.randrange(len(paragraphs))
    extra = rng.choice((
        " Đây là nội dung được nhấn mạnh tại hội nghị.",
        " Tham dự hội nghị có đại diện lãnh đạo các ban, ngành, đoàn thể.",
        " Các ý kiến đều thống nhất cao với nội dung báo cáo.",
    ))
    return [p + extra if i == where else p for i, p in enumerate(paragraphs)]


def _add_source(paragraphs: list[str], rng: random.Random) -> list[str]:
    return [*paragraphs, rng.choice(("(Nguồn: Cổng thông tin điện tử Tỉnh ủy)", "Theo Báo Nghệ An điện tử",
                                     "(Trang thông tin điện tử Huyện ủy Tân Kỳ đăng lại)"))]


def _add_lead(paragraphs: list[str], rng: random.Random) -> list[str]:
    return ["Cổng thông tin điện tử huyện trân trọng giới thiệu bài viết về hoạt động nổi bật trong tuần.",
            *paragraphs]


def _drop_paragraph(paragraphs: list[str], rng: random.Random) -> list[str]:
    if len(paragraphs) < 6:
        return _add_sentence(paragraphs, rng)
    # Never the first (it names the event) and never the last (the conclusion).
    where = rng.randrange(1, len(paragraphs) - 1)
    return paragraphs[:where] + paragraphs[where + 1:]


def _reword(paragraphs: list[str], rng: random.Random) -> list[str]:
    swaps = (("tổ chức", "đã tổ chức"), ("đề nghị", "yêu cầu"), ("tiếp tục", "cần tiếp tục"),
             ("nâng cao", "không ngừng nâng cao"), ("thời gian qua", "thời gian vừa qua"))
    changed = list(paragraphs)
    for old, new in rng.sample(swaps, 2):
        for i, paragraph in enumerate(changed):
            if old in paragraph:
                changed[i] = paragraph.replace(old, new, 1)
                break
    return changed


def _full_dates(paragraphs: list[str], rng: random.Random) -> list[str]:
    import re

    # "12/3" written out as "12/3/2026", "1.200" as "1200": the same date and figure.
    text = "\n\n".join(paragraphs)
    text = re.sub(r"\b(\d{1,2}/\d{1,2})\b(?!/)", r"\1/2026", text, count=1)
    return text.split("\n\n")


REPOSTS = (_add_sentence, _add_source, _add_lead, _drop_paragraph, _reword, _full_dates)


def generate(*, districts: int = 21, months: int = 2, reposts: int = 80, seed: int = 1) -> list[Doc]:
    """Originals (every template x district x month, and the gold texts), then re-posts of
    originals chosen at random, each by one or two of REPOSTS, in publication order."""
    rng = random.Random(seed)
    originals: list[Doc] = []
    for month in range(3, 3 + months):
        for template in range(len(TEMPLATES)):
            for district in DISTRICTS[:districts]:
                key = f"report-{template}-{district}-{month}"
                originals.append(Doc(key, report(template, district, month, rng), template=template))
    originals += [Doc(key, text) for key, text in _gold_texts().items()]
    rng.shuffle(originals)
    copies = []
    for number in range(reposts):
        source = rng.choice(originals)
        paragraphs = source.text.split("\n\n")
        for change in rng.sample(REPOSTS, rng.choice((1, 2))):
            paragraphs = change(paragraphs, rng)
        copies.append(Doc(f"repost-{number}", "\n\n".join(paragraphs), original=source.key))
    return originals + copies


def signature_similarity(first: str, second: str) -> float:
    """MinHash's estimate of the two texts' shingle overlap: above the threshold, MinHash alone
    would take one for a re-post of the other."""
    from archive.near import signature, similarity

    a, b = signature(first), signature(second)
    return similarity(a, b) if a is not None and b is not None else 0.0


@dataclass(frozen=True)
class Timing:
    saves: int
    seconds: float  # saving them all into the archive (dedup, index, signature, near-duplicate check)
    checks: int  # texts compared by what they report (differ_in_specifics)
    check_seconds: float


@dataclass(frozen=True)
class Scores:
    links: int  # articles linked to an earlier one
    correct: int  # linked to the article they re-post
    reposts: int
    found: int  # re-posts linked to their original
    reports_joined: int  # templated reports linked to another report
    close_reposts: int  # re-posts whose signature is within THRESHOLD of their original's (MinHash finds them)
    close_found: int

    @property
    def precision(self) -> float:
        return self.correct / self.links if self.links else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.reposts if self.reposts else 1.0

    @property
    def close_recall(self) -> float:
        return self.close_found / self.close_reposts if self.close_reposts else 1.0


def _score(docs: list[Doc], linked: dict[str, str | None]) -> Scores:
    from archive.near import THRESHOLD

    by_key = {doc.key: doc for doc in docs}
    close = {doc.key for doc in docs
             if doc.original is not None and signature_similarity(doc.text, by_key[doc.original].text) >= THRESHOLD}

    def root(key: str) -> str:
        return by_key[key].original or key

    links = correct = joined = close_found = 0
    for doc in docs:
        target = linked.get(doc.key)
        if target is None:
            continue
        links += 1
        right = doc.original is not None and root(target) == doc.original
        correct += right
        close_found += right and doc.key in close
        joined += doc.template is not None
    reposts = sum(doc.original is not None for doc in docs)
    return Scores(links, correct, reposts, correct, joined, len(close), close_found)


def measure(docs: list[Doc], timing: list[Timing] | None = None) -> tuple[Scores, Scores]:
    """(MinHash alone, the archive): links made in publication order, scored against the truth.
    `timing`, when given, receives what the archive's saves cost."""
    import time

    import numpy as np

    from archive import near, open_archive, save_article
    from archive.near import NUM_PERM, THRESHOLD, signature
    from crawler.extract.record import Article

    checks = [0, 0.0]
    check = near.differ_in_specifics

    def counted(first: str, second: str) -> bool:
        started = time.perf_counter()
        try:
            return check(first, second)
        finally:
            checks[0] += 1
            checks[1] += time.perf_counter() - started

    near.differ_in_specifics = counted  # counted, for the figures; the same function
    started = time.perf_counter()

    db = open_archive(":memory:")
    ids: dict[int, str] = {}
    # A re-post that came out word for word the original (a change that found nothing to change)
    # is an exact duplicate: the archive keeps its URL as an alias of the original.
    aliases: dict[str, str] = {}
    for number, doc in enumerate(docs):
        result = save_article(db, Article(url=f"https://bench.example/{number}", site="bench",
                                          title=doc.key, text=doc.text))
        if result.status == "alias":
            aliases[doc.key] = ids[result.article_id]
        else:
            ids[result.article_id] = doc.key
    archive_links: dict[str, str | None] = {
        ids[article_id]: ids[original] if original is not None else None
        for article_id, original in db.execute("SELECT id, near_duplicate_of FROM articles")
    }
    archive_links.update(aliases)
    near.differ_in_specifics = check
    if timing is not None:
        timing.append(Timing(len(docs), time.perf_counter() - started, int(checks[0]), checks[1]))
    db.close()

    # MinHash alone: the earliest earlier article within THRESHOLD, followed to what it re-posts.
    signatures = [signature(doc.text) for doc in docs]
    stacked = np.stack([s if s is not None else np.zeros(NUM_PERM, dtype="<u4") for s in signatures])
    minhash_links: dict[str, str | None] = {}
    for number, doc in enumerate(docs):
        minhash_links[doc.key] = None
        if signatures[number] is None or number == 0:
            continue
        similar = (stacked[:number] == stacked[number]).sum(axis=1) / NUM_PERM >= THRESHOLD
        earlier = np.flatnonzero(similar)
        if len(earlier):
            target = docs[int(earlier[0])].key
            minhash_links[doc.key] = minhash_links.get(target) or target
    return _score(docs, minhash_links), _score(docs, archive_links)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--districts", type=int, default=len(DISTRICTS))
    parser.add_argument("--months", type=int, default=2)
    parser.add_argument("--reposts", type=int, default=80)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from archive.near import THRESHOLD

    docs = generate(districts=args.districts, months=args.months, reposts=args.reposts, seed=args.seed)
    reports = sum(doc.template is not None for doc in docs)
    print(f"{len(docs)} articles: {reports} templated district reports ({len(TEMPLATES)} templates x "
          f"{args.districts} districts x {args.months} months), {len(docs) - reports - args.reposts} other articles, "
          f"{args.reposts} re-posts (seed {args.seed})")
    timing: list[Timing] = []
    for name, scores in zip(("MinHash alone", "archive/near.py"), measure(docs, timing), strict=True):
        print(f"{name:>16}: {scores.links} links, precision {scores.precision:.3f} "
              f"({scores.links - scores.correct} wrong, {scores.reports_joined} of {reports} reports joined to "
              f"another), recall on re-posts {scores.recall:.3f} ({scores.found} of {scores.reposts}; "
              f"{scores.close_recall:.3f} of the {scores.close_reposts} whose signature is within "
              f"{THRESHOLD:.0%} of their original's)")
    [cost] = timing
    print(f"saves: {cost.saves} in {cost.seconds:.2f} s ({cost.seconds / cost.saves * 1000:.1f} ms each), of which "
          f"{cost.checks} comparisons of what two texts report: {cost.check_seconds:.2f} s "
          f"({cost.check_seconds / max(cost.checks, 1) * 1000:.2f} ms each)")


if __name__ == "__main__":
    main()
