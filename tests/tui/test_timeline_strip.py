"""The strip of when a finding was seen: one cell a slice of time, its bar the hits in it."""

from __future__ import annotations

from petstore_tui.widgets.timeline_strip import seen_line, strip


def test_hits_land_in_their_slice_and_the_busiest_is_the_tallest():
    assert strip([(0.0, 1), (50.0, 4), (99.0, 2)], 0.0, 100.0, 10) == "▂····█···▄"


def test_no_hits_is_all_gaps_and_times_outside_clamp_to_the_ends():
    assert strip([], 0.0, 10.0, 4) == "····"
    assert strip([(-5.0, 1), (50.0, 1)], 0.0, 10.0, 3) == "█·█"


def test_the_seen_line_fits_its_width_the_time_whole():
    """The bars give way first, then "seen"; the opening time and "→now" never do."""
    assert seen_line([(0.0, 1)], 0.0, 10.0, "14:13:20", 26) == "seen █······· 14:13:20→now"
    assert seen_line([(0.0, 1)], 0.0, 10.0, "14:13:20", 20) == "█······ 14:13:20→now"
    for width in range(14, 60):
        assert len(seen_line([(0.0, 1)], 0.0, 10.0, "14:13:20", width)) == width
