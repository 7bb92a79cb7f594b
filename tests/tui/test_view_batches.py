"""The panel's pump sends the view its lines and findings in batches at most ten a second
(petstore_tui/screens/troubleshoot_pump.py): nothing lost, nothing reordered."""

from __future__ import annotations

from petstore_tui.screens.troubleshoot_pump import VIEW_EVERY, ViewBatches


def test_lines_between_batches_arrive_whole_and_in_order():
    """Passes every 50 ms feed 100 lines each; the view gets one batch per VIEW_EVERY
    holding every line since the last, in order. Stand-in: a clock passed by hand."""
    batches = ViewBatches()
    received: list[str] = []
    sent = 0
    now = 100.0
    for tick in range(40):
        batches.add([f"line {sent + i}" for i in range(100)], {})
        sent += 100
        batch = batches.take(now + tick * 0.05)
        if batch is not None:
            lines, dropped, findings = batch
            assert dropped == 0 and findings == []
            received.extend(lines)
    final = batches.take(now + 40 * 0.05 + VIEW_EVERY)
    if final is not None:
        received.extend(final[0])
    assert received == [f"line {i}" for i in range(sent)]


def test_batches_are_capped_but_a_lone_line_goes_at_once():
    """Times in binary fractions, so the arithmetic is exact: passes every 1/16 s, at most
    one batch every 1/8 s."""
    batches = ViewBatches(every=0.125)
    taken = 0
    for tick in range(16):  # one second of passes, lines in each
        batches.add(["x"], {})
        taken += batches.take(tick * 0.0625) is not None
    assert taken == 8
    assert batches.take(5.0) is not None  # what was held back goes at the next pass
    assert batches.take(5.05) is None  # nothing new: nothing sent
    batches.add(["after a quiet spell"], {})
    assert batches.take(9.0)[0] == ["after a quiet spell"]


def test_more_than_the_view_keeps_sends_the_tail_and_counts_the_rest():
    batches = ViewBatches(keep=5)
    batches.add([str(i) for i in range(8)], {})
    batches.add([str(i) for i in range(8, 12)], {})
    lines, dropped, _ = batches.take(1.0)
    assert lines == ["7", "8", "9", "10", "11"] and dropped == 7


def test_a_finding_that_changed_twice_between_batches_arrives_once_in_its_latest_state():
    batches = ViewBatches()
    batches.add([], {"readonly|pod/a": "count 1", "subnets|-": "count 1"})
    assert batches.take(1.0)[2] == ["count 1", "count 1"]
    batches.add([], {"readonly|pod/a": "count 2"})
    assert batches.take(1.01) is None  # too soon: kept
    batches.add(["line"], {"readonly|pod/a": "count 3"})
    assert batches.take(1.2) == (["line"], 0, ["count 3"])
