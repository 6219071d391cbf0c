"""Articles per month -> an SVG bar chart, drawn on the server: the portal's page shows a picture
without a JavaScript library, and a test can count its bars.

Data flow: archive/query/portal.py counts a portal's articles by month; the portal page
(archive/query/ui/views.py) draws them here, each bar a link to that month's articles.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import quoteattr

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 180
# Room for the counts on the left and the years under the bars.
LEFT, BOTTOM, TOP = 40, 22, 10


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` ("2025-11", "2026-02" -> 2025-11, 2025-12, 2026-01, 2026-02)."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_chart(counts: dict[str, int], link: Callable[[str], str] | None = None) -> Markup:
    """A bar per month from the first month with articles to the last, empty months included (a
    gap in the archive shows as a gap); each bar's tooltip says its month and count, and leads to
    link(month) when given. An empty Markup for no months."""
    months = [month for month in counts if len(month) == 7 and month[4] == "-" and month[:4].isdigit()]
    if not months:
        return Markup("")
    every = month_range(min(months), max(months))
    peak = max(counts[month] for month in months) or 1
    plot_width, plot_height = WIDTH - LEFT, HEIGHT - TOP - BOTTOM
    step = plot_width / len(every)
    gap = 1.0 if step > 3 else 0.0
    title = f"Articles per month, {every[0]} to {every[-1]}"
    parts = [
        f'<svg class="month-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' role="img" aria-label={quoteattr(title)}><title>{escape(title)}</title>',
    ]
    # The scale: the busiest month's count at the top, half of it in the middle.
    for value in sorted({peak, peak // 2} - {0}):
        y = TOP + plot_height - plot_height * value / peak
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="axis" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
    parts.append(f'<line class="base" x1="{LEFT}" x2="{WIDTH}" y1="{TOP + plot_height}" y2="{TOP + plot_height}"/>')
    # A year under its January (or under the first month); every other year when they would crowd.
    years_apart = 1 if step * 12 >= 36 else 2 if step * 24 >= 36 else 5
    for index, month in enumerate(every):
        year = int(month[:4])
        if (month.endswith("-01") or index == 0) and (index == 0 or year % years_apart == 0):
            x = LEFT + index * step
            parts.append(f'<text class="axis" x="{x:.1f}" y="{HEIGHT - 6}">{year}</text>')
    for index, month in enumerate(every):
        count = counts.get(month, 0)
        if not count:
            continue
        height = max(1.0, plot_height * count / peak)
        x, y = LEFT + index * step, TOP + plot_height - height
        label = f"{month}: {count} article{'s' if count != 1 else ''}"
        bar = (f'<rect class="bar" data-month="{month}" data-count="{count}" x="{x:.2f}" y="{y:.2f}"'
               f' width="{max(step - gap, 0.5):.2f}" height="{height:.2f}"><title>{escape(label)}</title></rect>')
        if link is not None:
            bar = f"<a href={quoteattr(link(month))}>{bar}</a>"
        parts.append(bar)
    parts.append("</svg>")
    return Markup("".join(parts))
