"""Deduplication that holds: the portal's id as identity, exact duplicates, near duplicates (re-posts)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from archive import open_archive, save_article, search
from archive.near import signature, similarity
from archive.query.filters import Filters
from crawler.extract.record import Article

GOLD = Path(__file__).resolve().parent.parent / "fixtures" / "nghean" / "expected"


def gold(article_id: str) -> dict[str, Any]:
    return json.loads((GOLD / f"{article_id}.json").read_text(encoding="utf-8"))


def article_from_gold(article_id: str, **changes: Any) -> Article:
    record = gold(article_id)
    fields = {key: record[key] for key in ("url", "site", "title", "text", "published", "author", "category")}
    fields.update(changes)
    return Article(**fields)


@pytest.fixture
def db() -> Iterator[sqlite_utils.Database]:
    database = open_archive(":memory:")
    yield database
    database.close()


def row(db: sqlite_utils.Database, article_id: int) -> dict[str, Any]:
    return next(db.query("SELECT * FROM articles WHERE id = ?", [article_id]))


# --- identity by the portal's id -----------------------------------------------------------


def test_changed_slug_with_the_same_portal_id_is_the_same_article(db: sqlite_utils.Database) -> None:
    old = article_from_gold("34871")
    first = save_article(db, old, site_article_id="34871")
    # The portal renamed the article (new slug) and fixed a sentence: same id, new version.
    renamed = article_from_gold(
        "34871",
        url="https://nghean.dcs.vn/vi-vn/tin/ban-thuong-vu-tinh-uy-cho-y-kien-du-thao-bao-cao/1-2-34871",
        text=old.text + "\n\nBài viết đã được cập nhật.",
    )
    second = save_article(db, renamed, site_article_id="34871")
    assert (first.status, second.status) == ("new", "updated")
    assert second.article_id == first.article_id and second.version == 2
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    urls = {r["url"] for r in db.query("SELECT url FROM article_urls")}
    assert urls == {old.url, renamed.url}


def test_without_the_portal_id_a_changed_slug_and_text_is_a_new_article(db: sqlite_utils.Database) -> None:
    # The control case: what the id prevents.
    old = article_from_gold("34871")
    save_article(db, old)
    renamed = article_from_gold("34871", url=old.url + "-moi", text=old.text + "\n\nBài viết đã được cập nhật.")
    assert save_article(db, renamed).status == "new"


def test_same_id_on_another_portal_is_another_article(db: sqlite_utils.Database) -> None:
    save_article(db, article_from_gold("34871"), site_article_id="34871")
    other = article_from_gold("34805", url="https://hatinh.dcs.vn/vi-vn/tin/x/1-2-34871", site="hatinh")
    assert save_article(db, other, site_article_id="34871").status == "new"


def test_an_article_saved_without_id_gets_it_on_its_next_fetch(db: sqlite_utils.Database) -> None:
    article = article_from_gold("34805")
    first = save_article(db, article)
    assert row(db, first.article_id)["site_article_id"] is None
    save_article(db, article, site_article_id="34805")
    assert row(db, first.article_id)["site_article_id"] == "34805"


# --- exact duplicates ------------------------------------------------------------------------


def test_same_normalised_text_under_another_url_is_one_article_with_two_urls(db: sqlite_utils.Database) -> None:
    article = article_from_gold("34842")
    save_article(db, article)
    # Another portal re-posts it word for word, with other spacing and case.
    copy = article_from_gold(
        "34842", url="https://hatinh.dcs.vn/vi-vn/tin/x/1-2-999", site="hatinh",
        text="  " + article.text.replace("\n\n", "\n\n  ").upper(),
    )
    result = save_article(db, copy)
    assert result.status == "alias"
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert {r["url"] for r in db.query("SELECT url FROM article_urls")} == {article.url, copy.url}


# --- near duplicates --------------------------------------------------------------------------


def repost_of(article_id: str) -> Article:
    """A district portal's copy: another byline, one sentence changed, one added, another section."""
    original = gold(article_id)
    paragraphs = original["text"].split("\n\n")
    paragraphs[1] = paragraphs[1].replace("Nghệ An", "tỉnh Nghệ An", 1) + " Đây là nội dung được nhấn mạnh."
    paragraphs.append("(Nguồn: Cổng thông tin điện tử Tỉnh ủy)")
    return article_from_gold(
        article_id,
        url=f"https://dienchau.nghean.dcs.vn/tin/{article_id}-dang-lai.html",
        site="dienchau",
        author="Phòng Văn hóa huyện",
        category="Tin tỉnh",
        text="\n\n".join(paragraphs),
    )


def test_a_repost_with_small_edits_is_linked_and_kept(db: sqlite_utils.Database) -> None:
    original = save_article(db, article_from_gold("34871"))
    save_article(db, article_from_gold("34858"))
    repost = save_article(db, repost_of("34871"))
    assert repost.status == "new"
    assert row(db, repost.article_id)["near_duplicate_of"] == original.article_id
    assert row(db, original.article_id)["near_duplicate_of"] is None
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 3


def test_a_repost_is_shown_under_its_original_and_never_hidden(db: sqlite_utils.Database) -> None:
    original = save_article(db, article_from_gold("34871"))
    repost = save_article(db, repost_of("34871"))
    title_words = "cho y kien du thao bao cao"
    [found] = search(db, title_words)
    assert found["id"] == original.article_id
    assert [similar["id"] for similar in found["similar"]] == [repost.article_id]
    unfolded = search(db, title_words, fold=False)
    assert sorted(r["id"] for r in unfolded) == [original.article_id, repost.article_id]
    # Words only the re-post has: it is found, as itself.
    [alone] = search(db, "day la noi dung duoc nhan manh")
    assert alone["id"] == repost.article_id and alone["near_duplicate_of"] == original.article_id
    # A filter only the re-post passes: found too.
    assert [r["id"] for r in search(db, title_words, filters=Filters(site="dienchau"))] == [repost.article_id]


def test_different_articles_of_the_same_kind_are_not_linked(db: sqlite_utils.Database) -> None:
    # Every gold article is on Party work in Nghệ An, many about meetings: none is a re-post.
    for path in sorted(GOLD.glob("*.json")):
        if path.name != "crawl.json":
            save_article(db, article_from_gold(path.stem))
    linked = db.execute("SELECT count(*) FROM articles WHERE near_duplicate_of IS NOT NULL").fetchone()[0]
    assert linked == 0
    assert db.execute("SELECT count(*) FROM article_minhash").fetchone()[0] == 16


def test_similarity_of_a_repost_and_of_two_meetings() -> None:
    original, repost = signature(gold("34871")["text"]), signature(repost_of("34871").text)
    other = signature(gold("34858")["text"])
    assert original is not None and repost is not None and other is not None
    assert similarity(original, repost) >= 0.8
    assert similarity(original, other) < 0.3


def test_short_texts_are_never_linked(db: sqlite_utils.Database) -> None:
    brief = "Hội nghị tổng kết công tác năm 2023 của Đảng ủy xã."
    first = save_article(db, Article(url="https://a.vn/1", site="a", title="Tổng kết", text=brief))
    second = save_article(db, Article(url="https://b.vn/2", site="b", title="Tổng kết", text=brief + " Xã Hưng Lộc."))
    assert second.status == "new"
    assert row(db, second.article_id)["near_duplicate_of"] is None
    assert signature(brief) is None
    assert first.article_id != second.article_id


def test_an_update_that_diverges_unlinks_the_repost(db: sqlite_utils.Database) -> None:
    save_article(db, article_from_gold("34871"))
    repost = repost_of("34871")
    result = save_article(db, repost)
    assert row(db, result.article_id)["near_duplicate_of"] is not None
    rewritten = Article(
        url=repost.url, site=repost.site, title=repost.title, text=gold("34858")["text"] + "\n\nBiên tập lại."
    )
    assert save_article(db, rewritten).status == "updated"
    assert row(db, result.article_id)["near_duplicate_of"] is None


# --- one canonical URL -------------------------------------------------------------------------

ARTICLE = "https://nghean.dcs.vn/vi-vn/tin/ky-ket-quy-che/1-5-12345"


@pytest.mark.parametrize(
    "variant",
    [
        "HTTPS://NGHEAN.DCS.VN/vi-vn/tin/ky-ket-quy-che/1-5-12345",
        "https://nghean.dcs.vn.:443/vi-vn/tin/ky-ket-quy-che/1-5-12345#binh-luan",
        "https://nghean.dcs.vn//vi-vn//tin/ky-ket-quy-che/1-5-12345",
        "https://nghean.dcs.vn/vi-vn/tin/ky-ket-quy-che/1-5-12345?utm_source=zalo&utm_campaign=x&zarsrc=31",
        "https://nghean.dcs.vn/vi-vn/tin/ky-ket-quy-che/1-5-12345?fbclid=IwAR2xK9&gidzl=abc",
        "https://nghean.dcs.vn/vi-vn/tin/ky-ket-quy-che/1-5-12345?print=1",
        "https://nghean.dcs.vn/vi-vn/tin/ky-ket-quy-che/1-5-12345?view=print",
        "https://nghean.dcs.vn/vi-vn/tin/ky-ket-quy-che/1-5-12345/print",
        "https://nghean.dcs.vn/vi-vn/tin/ky-ket-quy-che/1-5-12345/amp",
        "https://nghean.dcs.vn/vi-vn/tin/ky-ket-quy-che/1-5-12345?lang=vi",
        "https://nghean.dcs.vn/vi-vn/tin/ky-ket-quy-che/1-5-12345?culture=vi-VN",
        "https://nghean.dcs.vn/(S(x3k2abcdef))/vi-vn/tin/ky-ket-quy-che/1-5-12345",
        "https://nghean.dcs.vn/vi-vn/tin/ky-ket-quy-che/1-5-12345;jsessionid=ABC123",
    ],
)
def test_url_variants_have_one_canonical_form(variant: str) -> None:
    from crawler.extract.urls import canonical_url

    assert canonical_url(variant) == ARTICLE


def test_parameters_that_choose_the_page_stay() -> None:
    from crawler.extract.urls import canonical_url

    listing = "https://nghean.dcs.vn/vi-vn/chuyen-muc/xay-dung-dang/1-2?page=2"
    assert canonical_url(listing + "&utm_medium=social") == listing
    # Another language is another page; other ports are other servers.
    assert canonical_url(ARTICLE + "?lang=en") == ARTICLE + "?lang=en"
    assert canonical_url("https://nghean.dcs.vn:8443/vi-vn") == "https://nghean.dcs.vn:8443/vi-vn"
    assert canonical_url("https://nghean.dcs.vn/vi-vn/tin/in-an-tai-lieu/1-2-3") == (
        "https://nghean.dcs.vn/vi-vn/tin/in-an-tai-lieu/1-2-3"
    )


def test_the_nghean_profile_names_one_id_for_every_slug() -> None:
    from crawler.sites import get

    profile = get("nghean")
    assert profile.article_id(ARTICLE) == "12345"
    assert profile.article_id("https://nghean.dcs.vn/vi-vn/tin/ten-moi-cua-bai/1-2-12345?utm_source=fb") == "12345"
    assert profile.article_id("https://nghean.dcs.vn/vi-vn/chuyen-muc/chinh-quyen/1-5") is None
