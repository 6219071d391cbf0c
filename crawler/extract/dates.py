"""Publication dates as Vietnamese portals write them, always day-first, in Asia/Ho_Chi_Minh.

Forms seen: "Ngày đăng: 08/07/2024  11:38", "Thứ Tư, 08/04/2015, 08:11 [GMT+7]",
"Thứ tư - 28/09/2022 21:45", "11:38 08/07/2024", "08 tháng 7, 2024", "ngày 8 tháng Bảy năm 2024";
on the portals' English pages and elsewhere "June 29, 2020", "Dec. 13, 2025 10:05 AM", "29 June 2020".
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7))

_MONTH_WORDS = {
    "giêng": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
    "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "một một": 11, "mười hai": 12, "chạp": 12,
}
_EN_MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")),
        start=1,
    )
    for name in names
}
_EN_MONTH = (
    r"(?P<m>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# "16:40", "16h40", "16 giờ 40 phút", "4:20:15 CH" (.NET's vi-VN culture: SA morning, CH afternoon),
# "4:45 chiều" (WordPress's vi language pack writes "g:i a" with "sáng" and "chiều").
_TIME = (
    r"(?P<H>[01]?\d|2[0-3])\s*(?:[:hg]|giờ)\s*(?P<M>[0-5]\d)(?:\s*(?::\s*(?P<S>[0-5]\d)|phút))?"
    r"(?:\s*(?P<ampm>[AaPp][Mm]|SA|CH|sáng|chiều|tối)\b)?"
)
_NUMERIC_DATE = r"(?P<d>[0-3]?\d)\s*[/.-]\s*(?P<m>[01]?\d)\s*[/.-]\s*(?P<y>(?:19|20)\d\d)"
_WORD_DATE = (
    r"(?:ngày\s+)?(?P<d>[0-3]?\d)\s+tháng\s+(?P<m>[01]?\d|[^\W\d_]+(?:\s+(?:một|hai))?)\s*"
    r"(?:,\s*|\s+năm\s+|\s+)(?P<y>(?:19|20)\d\d)"
)
# .NET's vi-VN culture writes "MMMM dd, yyyy" month first: "Thứ Ba, Tháng Ba 04, 2025".
_WORD_MONTH_FIRST = (
    r"\btháng\s+(?P<m>[01]?\d|[^\W\d_]+(?:\s+(?:một|hai))?)\s+(?P<d>[0-3]?\d)\s*,\s*(?P<y>(?:19|20)\d\d)"
)
_EN_DATE = rf"\b{_EN_MONTH}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)"
_EN_DAY_FIRST = rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+{_EN_MONTH},?\s+(?P<y>(?:19|20)\d\d)"
# Python's re has no duplicate group names, so each shape is its own pattern.
_PATTERNS = [
    re.compile(rf"{_TIME}[^\d]{{0,12}}?{_NUMERIC_DATE}", re.I),
    re.compile(rf"{_TIME}[^\d]{{0,12}}?{_WORD_DATE}", re.I),
    re.compile(rf"{_NUMERIC_DATE}(?:[^\d]{{0,12}}?{_TIME})?", re.I),
    re.compile(rf"{_WORD_DATE}(?:[^\d]{{0,12}}?{_TIME})?", re.I),
    re.compile(rf"{_WORD_MONTH_FIRST}(?:[^\d]{{0,12}}?{_TIME})?", re.I),
    re.compile(rf"{_EN_DATE}(?:[^\d]{{0,12}}?{_TIME})?", re.I),
    re.compile(rf"{_EN_DAY_FIRST}(?:[^\d]{{0,12}}?{_TIME})?", re.I),
]
_YEAR = re.compile(r"(?:19|20)\d\d")
_ISO = re.compile(
    r"(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)(?:[T ](?P<H>\d\d):(?P<M>\d\d)(?::\d\d(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d\d:?\d\d)?)?"
)


def _month(value: str) -> int | None:
    if value.isdigit():
        return int(value)
    word = value.lower().strip(" .")
    return _MONTH_WORDS.get(word) or _EN_MONTHS.get(word)


def _build(groups: dict[str, str | None]) -> date | datetime | None:
    year, day = int(groups["y"] or 0), int(groups["d"] or 0)
    month = _month(groups["m"] or "")
    if not month:
        return None
    try:
        day_value = date(year, month, day)
    except ValueError:
        return None
    if groups.get("H") is None:
        return day_value
    hour = int(groups["H"] or 0)
    ampm = (groups.get("ampm") or "").lower()
    if ampm in ("pm", "ch", "chiều", "tối") and hour < 12:
        hour += 12
    elif ampm in ("am", "sa", "sáng") and hour == 12:
        hour = 0
    return datetime(year, month, day, hour, int(groups["M"] or 0), int(groups.get("S") or 0), tzinfo=VN_TZ)


def parse_date(text: str) -> date | datetime | None:
    """The first day-first date (with its time when written next to it) in `text`."""
    if not text or not _YEAR.search(text):
        return None  # every shape, ISO's too, has a year: most lines a page asks about have none
    candidates = [m for m in (pattern.search(text) for pattern in _PATTERNS) if m]
    if not candidates:
        return parse_iso(text)
    # The earliest match wins; at the same start the longer one (date with its time).
    for match in sorted(candidates, key=lambda m: (m.start(), -len(m.group(0)))):
        value = _build(match.groupdict())
        if value is not None:
            return value
    return None


_TIME_ALONE = re.compile(rf"(?<![\d/.:-]){_TIME}(?![\d/:])", re.I)
_DAY_MONTH = re.compile(r"^(?P<d>[0-3]?\d)\s*[/.-]\s*(?P<m>[01]?\d)$")


def parse_time(text: str) -> tuple[int, int] | None:
    """The hour and minute a line shows without a day ("do Cổng TTĐT lúc 15:40 trong Tin hoạt
    động"); None when it shows a date too, or no time."""
    if not text or _YEAR.search(text) or parse_date(text) is not None:
        return None
    match = _TIME_ALONE.search(text)
    if match is None:
        return None
    value = _build({"y": "2000", "m": "1", "d": "1", **match.groupdict()})
    return (value.hour, value.minute) if isinstance(value, datetime) else None


def parse_pieces(pieces: list[str]) -> date | None:
    """The day a calendar leaf shows in pieces, the year in one and the day and month in another
    ("2025" over "28/11", "28 Tháng 11" beside "2025"): a blog's post box."""
    years = [piece for piece in pieces if re.fullmatch(r"(?:19|20)\d\d", piece)]
    rest = [piece for piece in pieces if piece not in years]
    if len(years) != 1 or len(rest) != 1:
        return None
    numeric = _DAY_MONTH.match(rest[0])
    text = f"{numeric['d']}/{numeric['m']}/{years[0]}" if numeric else f"{rest[0]} {years[0]}"
    value = parse_date(text)
    return value if isinstance(value, date) and not isinstance(value, datetime) else None


def parse_iso(text: str) -> date | datetime | None:
    """ISO 8601 as found in meta tags and JSON-LD; a missing offset means Vietnam time."""
    match = _ISO.search(text or "")
    if not match:
        return None
    g = match.groupdict()
    try:
        if g["H"] is None:
            return date(int(g["y"]), int(g["m"]), int(g["d"]))
        tz = VN_TZ
        if g["tz"]:
            if g["tz"] == "Z":
                tz = UTC
            else:
                sign = 1 if g["tz"][0] == "+" else -1
                digits = g["tz"][1:].replace(":", "")
                tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        value = datetime(int(g["y"]), int(g["m"]), int(g["d"]), int(g["H"]), int(g["M"]), tzinfo=tz)
    except ValueError:
        return None
    return value.astimezone(VN_TZ)


def to_iso(value: date | datetime | None) -> str | None:
    """'2023-09-20T08:15:00+07:00' for a time, '2023-09-20' for a bare date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(VN_TZ).isoformat(timespec="seconds")
    return value.isoformat()
