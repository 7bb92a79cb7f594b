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
