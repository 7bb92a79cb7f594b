"""The bulk path's late-start guard (checks/engine/bulk_scan.py `LateStarts`): a stream's
threaded matcher passes stop after LATE_STARTS threads that waited for a core, and the
stream's first start (a cold thread after start-up) is not counted (issue 14, round 18)."""

from __future__ import annotations

import io
from pathlib import Path

import checks.engine.bulk_scan as bulk_scan
from checks.catalog_loader import load_catalog
from checks.engine import Engine
from checks.engine.matcher import LATE_START, LATE_STARTS

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"
COLD = 0.003  # seconds: a cold first start on a quiet machine (2.7-3.4 ms were counted)
WARM = 0.0001  # a start where the other core is free (0.07-0.24 ms)


def _decisions(lates: list[bool]) -> list[bool]:
    guard = bulk_scan.LateStarts()
    return [guard.keep(late) for late in lates]


def test_the_first_start_is_not_counted():
    assert LATE_STARTS == 2  # the sequences below are written for two
    assert _decisions([True, False, True, False, False]) == [True] * 5
    assert _decisions([True, True, False, True, False]) == [True, True, True, False, False]


def test_a_busy_machine_still_ends_the_threads():
    """Late after the first start as often as before: the guard's purpose stands."""
    assert _decisions([False, True, True, False]) == [True, True, False, False]
    assert _decisions([True, True, True]) == [True, True, False]
    assert _decisions([False] * 50) == [True] * 50


class _Started:
    """A matcher pass "on a thread" whose start waited `delay` seconds: the hits the
    matcher gives for buf[lo:hi], `late` as matcher.py's _StartedScan sets it."""

    def __init__(self, matcher, buf: bytes, lo: int, hi: int, delay: float):
        self._matcher, self._buf, self._lo, self._hi, self._delay = matcher, buf, lo, hi, delay
        self.late = False

    def hits(self):
        with memoryview(self._buf) as view, view[self._lo:self._hi] as part:
            hits = self._matcher.candidates(part, prefixed=False)
        self.late = self._delay > LATE_START
        return hits


def _log() -> bytes:
    lines = []
    for n in range(3000):
        if n % 700 == 350:
            lines.append(b"2026-11-27T10:00:01Z ImportError: cannot import name 'url_quote' from 'werkzeug.urls'")
        else:
            lines.append(b"2026-11-27T10:00:%02dZ GET /api/v1/pets 200 %d" % (n % 60, n))
    return b"\n".join(lines) + b"\n"


def test_a_cold_first_start_and_one_late_start_keep_the_threads(monkeypatch):
    """Injected start delays: the first block's cold start, then one late start among
    warm ones. Before round 18 the guard counted the cold start and scanned every block
    after the second late one on one thread."""
    monkeypatch.setattr(bulk_scan, "_core_free", lambda: True)
    engine = Engine(load_catalog(FIXTURES), matcher="python", clock=lambda: 1.0)
    delays = [COLD, WARM, WARM, 0.002] + [WARM] * 1000
    begun: list[float] = []

    def begin(buf, lo, hi):
        delay = delays[len(begun)]
        begun.append(delay)
        return _Started(engine.matcher, buf, lo, hi, delay)

    monkeypatch.setattr(engine.matcher, "candidates_begin", begin, raising=False)
    data = _log()
    engine.scan_stream(io.BytesIO(data), resource="log", block_size=4096)
    blocks = len(data) // 4096
    assert len(begun) >= blocks - 2  # every block with a sync point ran on "two threads"
    threaded = sorted((f.failure_id, f.count) for f in engine.findings())

    # the same findings as one thread throughout
    monkeypatch.setattr(engine.matcher, "candidates_begin", lambda *args: None, raising=False)
    engine.reset()
    engine.scan_stream(io.BytesIO(data), resource="log", block_size=4096)
    assert threaded == sorted((f.failure_id, f.count) for f in engine.findings())
    assert threaded and threaded[0][1] == 4


def test_two_late_starts_after_the_first_end_the_threads(monkeypatch):
    monkeypatch.setattr(bulk_scan, "_core_free", lambda: True)
    engine = Engine(load_catalog(FIXTURES), matcher="python", clock=lambda: 1.0)
    delays = [WARM, 0.002, WARM, 0.004] + [WARM] * 1000
    begun: list[float] = []

    def begin(buf, lo, hi):
        begun.append(delays[len(begun)])
        return _Started(engine.matcher, buf, lo, hi, begun[-1])

    monkeypatch.setattr(engine.matcher, "candidates_begin", begin, raising=False)
    engine.scan_stream(io.BytesIO(_log()), resource="log", block_size=4096)
    assert len(begun) == 4
