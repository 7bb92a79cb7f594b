"""When a finding was seen, as one line of bars (like a sparkline): each cell a slice of
time since the panel opened, its height the hits in it. Pure: the screen records hits."""

from __future__ import annotations

from collections.abc import Iterable

BARS = "▁▂▃▄▅▆▇█"


def strip(hits: Iterable[tuple[float, int]], start: float, end: float, width: int) -> str:
    """`hits`: (when, how many). A cell with no hit is a dot, so a gap reads as a gap."""
    width = max(1, width)
    span = max(end - start, 1e-9)
    cells = [0] * width
    for when, count in hits:
        index = min(width - 1, max(0, int((when - start) / span * width)))
        cells[index] += count
    top = max(cells)
    if top == 0:
        return "·" * width
    return "".join("·" if c == 0 else BARS[min(len(BARS) - 1, (c * len(BARS) - 1) // top)] for c in cells)


def seen_line(hits: Iterable[tuple[float, int]], start: float, end: float, since: str, width: int) -> str:
    """"seen ▂··█ 14:13:20→now" in `width` cells (`since`: the opening time as text); the
    bars give way first, then the word "seen", so the time stays whole (at 80 columns the
    detail pane leaves 26 cells and a floor of 10 bars pushed "→now" under its scrollbar)."""
    tail = f" {since}→now"
    head = "seen " if width - len(tail) - len("seen ") >= 6 else ""
    return head + strip(hits, start, end, max(1, width - len(head) - len(tail))) + tail
