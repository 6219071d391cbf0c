"""Vietnamese date lines: day-first, to the minute, +07:00; and a page that shows only how long ago,
dated by its portal's feed."""

import pytest

from crawler.extract.datelines import dated_by_feed
from crawler.extract.dates import parse_date, to_iso
from crawler.extract.record import Article
from crawler.fetch.feeds import read_feed


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Ngày đăng: 08/07/2024  11:38", "2024-07-08T11:38:00+07:00"),
        ("Thứ Tư, 08/04/2015, 08:11 [GMT+7]", "2015-04-08T08:11:00+07:00"),
        ("Thứ tư - 28/09/2022 21:45", "2022-09-28T21:45:00+07:00"),
        ("11:38 08/07/2024", "2024-07-08T11:38:00+07:00"),
        ("Cập nhật 10h30, 08/07/2024", "2024-07-08T10:30:00+07:00"),
        ("08/09/2025", "2025-09-08"),
        ("ngày 8 tháng Bảy năm 2024", "2024-07-08"),
        ("Thứ Hai, 12 tháng Mười Hai 2022 09:05", "2022-12-12T09:05:00+07:00"),
        ("2023-09-20T01:15:00Z", "2023-09-20T08:15:00+07:00"),
        # WordPress's vi language pack writes "g:i a" with "sáng" (morning) and "chiều" (afternoon)
        ("29 Tháng Sáu, 2016 at 7:32 sáng", "2016-06-29T07:32:00+07:00"),
        ("28 Tháng Sáu, 2016 at 4:45 chiều", "2016-06-28T16:45:00+07:00"),
        # .NET's vi-VN culture formats "dddd, MMMM dd, yyyy" with the month first (Articulate's VAPOR)
        ("Thứ Ba, Tháng Ba 04, 2025", "2025-03-04"),
        ("Thứ Hai, Tháng Mười Hai 01, 2025", "2025-12-01"),
    ],
)
def test_day_first_forms(line: str, expected: str) -> None:
    assert to_iso(parse_date(line)) == expected


def test_a_day_and_month_without_year_is_not_a_date() -> None:
    # "Chiều 19/9" opens article text: an afternoon, not a publication date.
    assert parse_date("Chiều 19/9, Ban Tuyên giáo Tỉnh ủy tổ chức hội nghị") is None


def test_impossible_dates_are_rejected() -> None:
    assert parse_date("31/02/2024") is None


# A Blogs entry that says "Cách đây 2 Ngày" at 09:30 on 16/06/2025: between the 13th and the 14th,
# its page names the 13th; the portal's RSS has its pubDate.
def _entry(published: str = "2025-06-13", published_range: str | None = "2025-06-13/2025-06-14") -> Article:
    return Article(url="https://tinhuy.laocai.example/tin-tuc/-/blogs/ky-niem", site="tinhuy.laocai.example",
                   title="Gặp mặt", text="Sáng 14/6, Ban Tuyên giáo Tỉnh ủy tổ chức gặp mặt.", published=published,
                   published_range=published_range)


def test_a_feeds_time_inside_the_window_a_page_shows_dates_the_article() -> None:
    dated = dated_by_feed(_entry(), "2025-06-14T02:00:00+00:00")  # "Sat, 14 Jun 2025 02:00:00 GMT"
    assert (dated.published, dated.published_range) == ("2025-06-14T09:00:00+07:00", None)


def test_a_feeds_time_outside_the_window_is_not_the_articles() -> None:
    # Another item's time, or the day the entry was edited: the page's reading stands.
    assert dated_by_feed(_entry(), "2025-06-15T02:00:00+00:00") == _entry()
    assert dated_by_feed(_entry(), None) == _entry()


def test_a_date_the_page_states_is_never_replaced_by_the_feeds() -> None:
    stated = _entry("2025-06-13T16:20:00+07:00", None)
    assert dated_by_feed(stated, "2025-06-13T02:00:00+00:00") == stated


def test_a_feed_items_publication_time_is_read_and_an_update_alone_is_not_one() -> None:
    rss = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
           b"<item><title>A</title><link>https://tinhuy.example/a</link>"
           b"<pubDate>Sat, 14 Jun 2025 02:00:00 GMT</pubDate></item></channel></rss>")
    atom = (b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>T</title>"
            b"<entry><title>B</title><link href='https://tinhuy.example/b'/><id>b</id>"
            b"<updated>2025-06-15T00:00:00Z</updated></entry></feed>")
    assert [entry.published for entry in read_feed(rss, "https://tinhuy.example/rss").pages] == [
        "2025-06-14T02:00:00+00:00"]
    assert [entry.published for entry in read_feed(atom, "https://tinhuy.example/atom").pages] == [None]
