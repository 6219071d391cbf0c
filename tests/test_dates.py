"""Vietnamese date lines: day-first, to the minute, +07:00."""

import pytest

from crawler.extract.dates import parse_date, to_iso


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
    ],
)
def test_day_first_forms(line: str, expected: str) -> None:
    assert to_iso(parse_date(line)) == expected


def test_a_day_and_month_without_year_is_not_a_date() -> None:
    # "Chiều 19/9" opens article text: an afternoon, not a publication date.
    assert parse_date("Chiều 19/9, Ban Tuyên giáo Tỉnh ủy tổ chức hội nghị") is None


def test_impossible_dates_are_rejected() -> None:
    assert parse_date("31/02/2024") is None
