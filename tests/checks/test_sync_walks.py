"""The bulk path's sync-point walks and the trigger test under normalise() answer what the
plain ways answered (issue 14, round 7: docs/knowledge/diagnose-speed.md)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from checks.catalog_loader import CATALOG_DIR, load_samples, sample_lines
from checks.engine import normalize, sync_points
from checks.engine.grouping import WRAP_WIDTH, is_sync_point
from checks.engine.normalize import STEPS, normalise, python_damage

REPO = Path(__file__).resolve().parents[2]
TRIGGERS = tuple(trigger for trigger, _ in STEPS)
needs_native = pytest.mark.skipif(normalize.damage is python_damage,
                                  reason="checks/engine/_line_scan.c (VERSION 6) is not built here")


def _catalog_lines() -> list[bytes]:
    lines = []
    for entry_dir in sorted(p for p in CATALOG_DIR.iterdir() if p.is_dir()):
        samples = load_samples(entry_dir)
        for kind in ("positive", "negative"):
            for path in samples[kind]:
                lines.extend(sample_lines(path))
    return lines


def _lines_with_triggers(rng: random.Random, count: int) -> list[bytes]:
    """Lines holding triggers (whole, cut short, at the start, the middle and the very
    end), their first bytes alone, and bytes near them."""
    pieces = [*TRIGGERS, *(t[:-1] for t in TRIGGERS if len(t) > 1), b'"', b"&", b"\\", b"\xe2\x80", b"\xc2",
              b"word ", b"  ", b"\t", b'{"level":"info"}', b"]", b"(http"]
    out = [b"", *TRIGGERS, *(t[:-1] for t in TRIGGERS)]
    for _ in range(count):
        out.append(b"".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12))))
    return out


@needs_native
def test_the_native_trigger_test_answers_what_python_does():
    """Stand-in: none; every line of the catalog's samples and random lines built around
    each trigger: a trigger the native pass missed (or found where there is none) fails."""
    rng = random.Random(7)
    lines = _catalog_lines() + _lines_with_triggers(rng, 20000)
    for line in lines:
        assert normalize.damage(line) == python_damage(line), line
    found = {i for line in lines for i in normalize.damage(line)}
    assert found == set(range(len(STEPS)))  # each trigger was found somewhere


@needs_native
def test_a_trigger_at_either_end_of_the_data_is_found():
    """Stand-in: none; each trigger as the whole data, at its start, at its very end, and
    with its last byte missing (then not found); in short data and in data long enough to
    be searched trigger by trigger (_line_scan.c TRIGGERS_BY_MEMMEM)."""
    long = b"&#x2 &amp \\ \" x" * 400
    assert len(long) > 4096
    for index, trigger in enumerate(TRIGGERS):
        for data in (trigger, trigger + b" tail", b"head " + trigger, long + trigger, trigger + long):
            assert index in normalize.damage(data), data
            assert normalize.damage(data) == python_damage(data)
        assert normalize.damage(trigger[:-1]) == python_damage(trigger[:-1])
        assert normalize.damage(long + trigger[:-1]) == python_damage(long + trigger[:-1])
    block = b"\n".join(_catalog_lines())
    assert normalize.damage(block) == python_damage(block)
    assert normalize.damage(bytearray(b'x "log": y')) == python_damage(b'x "log": y')
    assert normalize.damage(memoryview(b"a&amp;b")) == python_damage(b"a&amp;b")


@needs_native
def test_normalise_gives_the_same_lines_with_either_trigger_test(monkeypatch):
    """Stand-in: normalize.damage replaced by its pure-Python twin (what an install
    without the extension runs): every catalog sample line normalises to the same bytes."""
    lines = _catalog_lines() + _lines_with_triggers(random.Random(8), 5000)
    native = [normalise(line) for line in lines]
    monkeypatch.setattr(normalize, "damage", python_damage)
    assert [normalise(line) for line in lines] == native


def test_without_the_extension_the_python_trigger_test_is_used():
    """Stand-in: the extension made unimportable in a fresh interpreter."""
    code = ("import sys; sys.modules['checks.engine._line_scan'] = None\n"
            "import checks.engine.normalize as n\n"
            "assert n.damage is n.python_damage\n"
            "assert n.normalise(b'a &amp; b') == b'a & b'\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()


# ---- the sync-point walks, against the plain definitions (every line normalised afresh)

def _line(buf: bytes, start: int, damaged=None) -> bytes:
    nl = buf.find(b"\n", start)
    line = buf[start:] if nl < 0 else buf[start:nl]
    return normalise(line) if damaged is None or start in damaged else line


def _starts(buf: bytes) -> list[int]:
    return [0] + [i + 1 for i, c in enumerate(buf) if c == 10 and i + 1 < len(buf)]


def _plain_sync_after(buf, pos, end, damaged):
    starts = [s for s in _starts(buf) if s > pos]
    start = buf.rfind(b"\n", 0, pos) + 1 if pos > 0 else 0
    for nxt in starts:
        if nxt >= end:
            return end
        if is_sync_point(_line(buf, nxt, damaged), _line(buf, start, damaged), nxt - 1 - start):
            return nxt
        start = nxt
    return end


def _plain_sync_before(buf, start, floor, damaged):
    starts = _starts(buf)
    while start > floor:
        prev = max(s for s in starts if s < start)
        if is_sync_point(_line(buf, start, damaged), _line(buf, prev, damaged), start - 1 - prev):
            return start
        start = prev
    return floor


def _kinds_of_lines(rng: random.Random) -> list[bytes]:
    """Lines that are sync points or not: plain, indented, prefixed, boxed, cut at the
    wrap width, traceback heads, blank, wrap-marked, PostgreSQL secondaries, JSON records
    and paste damage (normalised first)."""
    return [
        b"plain message here", b"  indented under it", b"\tTab indented", b"",
        b"Traceback (most recent call last):", b'  File "app.py", line 3, in <module>', b"ValueError: bad",
        b"web-1  | starting", b"web-1  |   continued", b"2026-11-27T10:00:00Z   indented after a stamp",
        "\u2502 Error: boxed".encode(), "\u2502   detail".encode(), b"x" * WRAP_WIDTH, b"y" * WRAP_WIDTH,
        "wrapped line \u21b5".encode(), b"2026-11-27 10:00:00 UTC [7] FATAL:  password authentication failed",
        b"2026-11-27 10:00:00 UTC [7] DETAIL:  Connection matched", b'{"log":"  indented in a record\\n"}',
        b'{"log":"plain in a record\\n","time":"2026-11-27T10:00:00Z"}', b"&nbsp;&nbsp;indented by entities",
        b"**bold** `code`", b"\\\"quoted\\\"", bytes(rng.randrange(32, 127) for _ in range(rng.randrange(1, 90))),
    ]


def test_the_sync_point_walks_answer_what_the_plain_walks_do():
    """Stand-in: none; random buffers of lines of every kind that decides a sync point,
    each walk from every line (damaged lines known, and not known): the walks read each
    line once, and must answer as if they read every line afresh at every step."""
    rng = random.Random(71)
    for _ in range(60):
        kinds = _kinds_of_lines(rng)
        buf = b"\n".join(rng.choice(kinds) for _ in range(rng.randrange(2, 40))) + b"\n"
        starts = _starts(buf)
        damaged_known = {s for s in starts if normalise(_line(buf, s)) != _line(buf, s, set())}
        end = len(buf)
        for damaged in (None, damaged_known):
            for start in starts:
                for pos in (start, min(start + 3, end - 1)):
                    assert sync_points._sync_after(buf, pos, end, damaged) == \
                        _plain_sync_after(buf, pos, end, damaged), (buf, pos)
                floor = rng.choice([s for s in starts if s <= start])
                assert sync_points._sync_before(buf, start, floor, damaged) == \
                    _plain_sync_before(buf, start, floor, damaged), (buf, start, floor)
        for lo in starts:
            plain_last = next((s for s in reversed(starts) if lo < s and is_sync_point(
                _line(buf, s), normalise(buf[max(buf.rfind(b"\n", 0, s - 1) + 1, lo):s - 1]),
                s - 1 - max(buf.rfind(b"\n", 0, s - 1) + 1, lo))), lo)
            assert sync_points._last_sync_point(buf, lo, end) == plain_last, (buf, lo)
            first = buf.find(b"\n", lo)
            plain_first = None
            for s in starts:
                if s <= first + 1 or s >= end:
                    continue
                prev = buf.rfind(b"\n", 0, s - 1) + 1
                if is_sync_point(_line(buf, s), normalise(buf[prev:s - 1]), s - 1 - prev):
                    plain_first = s
                    break
            assert sync_points._first_sync_point(buf, lo, end) == plain_first, (buf, lo)


@pytest.mark.parametrize("second", [b"web-1  | beta gamma", b"2026-11-27T10:00:00Z beta gamma"])
def test_a_match_into_a_prefixed_line_after_a_cut_line_is_found_in_bulk(second):
    """Stand-in: a one-signature entry (written, not from the catalog). A line cut at the
    wrap width ending in `alpha`, then a line with a tool prefix and no indentation after
    it: the grouping joins it and drops its prefix, so the event reads `alpha\\nbeta`.
    Feeding line by line finds it (the reference), and so does the Python matcher's bulk
    path; the Hyperscan bulk path finds it since round 8 (line_scan flags a prefixed line
    after a cut line; a strict xfail before: docs/knowledge/diagnose-speed.md)."""
    from checks.engine import Engine
    from checks.engine.matcher import hyperscan_available
    from checks.model import Fix, KnownFailure, Severity, Source

    if not hyperscan_available():
        pytest.skip("Hyperscan is not installed")
    entry = KnownFailure(id="x", title="X", severity=Severity.ERROR, sources=(Source.ANY,),
                         signatures=(r"alpha\s+beta",), explanation="why", fix=Fix("do", steps=("one",)))
    cut = (b"start " + b"." * WRAP_WIDTH)[:WRAP_WIDTH - 5] + b"alpha"
    data = b"plain line\n" + cut + b"\n" + second + b"\nnext line here\nplain\n"
    fed = Engine([entry], matcher="hyperscan")
    fed.feed_many(data.split(b"\n")[:-1])
    fed.flush()
    assert [f.failure_id for f in fed.findings()] == ["x"]
    python = Engine([entry], matcher="python")
    python.scan_bytes(data)
    assert [f.failure_id for f in python.findings()] == ["x"]
    bulk = Engine([entry], matcher="hyperscan")
    bulk.scan_bytes(data)
    assert [f.failure_id for f in bulk.findings()] == ["x"]


def test_the_split_sync_point_test_answers_what_is_sync_point_does():
    """Stand-in: none; is_sync_point_split with split() of both lines given (the walks
    split each line once) against is_sync_point, on pairs of every kind of line that
    decides a sync point, catalog sample lines among them, and a width of either line."""
    from checks.engine.grouping import is_sync_point_split, split

    rng = random.Random(818)
    kinds = _kinds_of_lines(rng) + _catalog_lines()[:400]
    for _ in range(20000):
        line, previous = rng.choice(kinds), rng.choice(kinds)
        width = rng.choice([len(previous), WRAP_WIDTH])
        assert is_sync_point_split(line, split(line), previous, split(previous), width) == \
            is_sync_point(line, previous, width), (line, previous, width)
