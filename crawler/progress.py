"""Progress of long work (crawl, reextract, export) on one line of a terminal.

Data flow: the CLI makes a Progress when standard error is a terminal (for_terminal()) and hands it
to the work: the crawl's Scrapy extension (crawler/fetch/progress.py) and the CLI's own loops
update it; it redraws its line at most every INTERVAL seconds. Output that is not a terminal (a
pipe, a file, cron's mail, systemd's journal) gets nothing from it: for_terminal() returns None.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

INTERVAL = 0.25


class Progress:
    """One line on `stream`: for each part (a portal, or the whole job) its counts in the order first
    given, then the rate of the first count and the time so far.

    "nghean: 30 pages, 16 new, 2 errors · 14.8 pages/s · 0:02"
    """

    def __init__(self, stream: TextIO, *, rate_of: str, interval: float = INTERVAL) -> None:
        self.stream = stream
        self.rate_of = rate_of
        self.interval = interval
        self.started = time.monotonic()
        self.parts: dict[str, dict[str, int]] = {}
        self.drawn: float | None = None  # when the line was last drawn; None: not yet
        self.closed = False

    def __deepcopy__(self, memo: dict[int, object]) -> Progress:
        # One line on one terminal: Scrapy copies its settings (deepcopy), this stays the same object.
        return self

    def update(self, part: str, **counts: int) -> None:
        """Set `part`'s counts (pages=30, new=16, errors=2); redraws when INTERVAL has passed."""
        self.parts.setdefault(part, {}).update(counts)
        now = time.monotonic()
        if self.drawn is None or now - self.drawn >= self.interval:
            self.drawn = now
            self.draw()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        parts = [f"{part}: " + ", ".join(f"{value:,} {name}" for name, value in counts.items())
                 for part, counts in self.parts.items()]
        done = sum(counts.get(self.rate_of, 0) for counts in self.parts.values())
        minutes, seconds = divmod(int(elapsed), 60)
        clock = f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}" if minutes >= 60 else f"{minutes}:{seconds:02d}"
        return " · ".join([*parts, f"{done / elapsed:,.1f} {self.rate_of}/s", clock])

    def draw(self) -> None:
        if self.closed:
            return
        # Back to the line's start, the line, then clear what a longer line left.
        self.stream.write(f"\r{self.line()}\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        """The final line, kept on the terminal."""
        if self.closed:
            return
        self.draw()
        self.stream.write("\n")
        self.stream.flush()
        self.closed = True


def for_terminal(rate_of: str, stream: TextIO | None = None) -> Progress | None:
    """A Progress on standard error (or `stream`) when it is a terminal, else None."""
    stream = stream or sys.stderr
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):
        interactive = False
    return Progress(stream, rate_of=rate_of) if interactive else None
