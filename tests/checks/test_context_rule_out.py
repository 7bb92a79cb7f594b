"""`ruled_out_by_context` (checks/engine/core.py `_ruled_out`, `_context`): another system named
in the lines of the same stream before the line that closed an event rules the event out,
and every path finds the same: feed line by line, feed_lines in batches of any size, the
bulk path with blocks of any size (the lines before a block come from the stream's ring),
on both matchers (issue 13, round 19)."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from checks.catalog_entry import CatalogError, load_entry
from checks.engine import Engine
from checks.engine.matcher import hyperscan_available

MATCHERS = ["python"] + (["hyperscan"] if hyperscan_available() else [])
WINDOW = 6
ENTRY = f"""\
id: store-key-refused
title: A store refused the key
severity: critical
sources: [app]
signatures:
  - 'the\\s+access\\s+key\\s+was\\s+refused'
explanation: x
fix: y
ruled_out_by:
  - 'by\\s+the\\s+test\\s+double'
ruled_out_by_context:
  lines: {WINDOW}
  patterns:
    - '\\bOtherStore\\b'
"""
HIT = b"ERROR upload failed: the access key was refused"
NAME = b"INFO connecting to OtherStore at http://10.0.0.5:9000"


@pytest.fixture(scope="module")
def entry(tmp_path_factory):
    folder = tmp_path_factory.mktemp("catalog") / "store-key-refused"
    folder.mkdir()
    (folder / "failure.yaml").write_text(ENTRY)
    return load_entry(folder)


def _findings(engine: Engine) -> list[tuple]:
    return sorted((f.failure_id, f.resource, f.count) for f in engine.findings())


def _by_feed(engine: Engine, lines: list[bytes], resource: str = "r") -> list[tuple]:
    engine.reset()
    for line in lines:
        engine.feed(line, source="app", resource=resource)
    engine.flush()
    return _findings(engine)


def _by_batches(engine: Engine, lines: list[bytes], rng: random.Random) -> list[tuple]:
    engine.reset()
    at = 0
    while at < len(lines):
        size = rng.choice((1, 2, 3, 7, 40))
        batch = lines[at:at + size]
        if rng.random() < 0.2:  # the stream switches to line by line for a while
            for line in batch:
                engine.feed(line, source="app", resource="r")
        else:
            engine.feed_lines(batch, source="app", resource="r")
        at += size
    engine.flush()
    return _findings(engine)


def _by_bulk(engine: Engine, lines: list[bytes], block_size: int) -> list[tuple]:
    engine.reset()
    engine.scan_stream(io.BytesIO(b"\n".join(lines) + b"\n"), source="app", resource="r", block_size=block_size)
    return _findings(engine)


def _plain_log(rng: random.Random, count: int = 120) -> tuple[list[bytes], int]:
    """Single-line events only (each closed by the next line), and the number of hits
    that no name stands within WINDOW lines before the line after them (the oracle)."""
    lines = []
    for number in range(count):
        roll = rng.random()
        lines.append(HIT if roll < 0.15 else NAME if roll < 0.2 else b"INFO request %d served" % number)
    expected = 0
    for number, line in enumerate(lines):
        if line == HIT:
            closing = number + 1  # the line that closes the event (or the end of the stream)
            if NAME not in lines[max(0, closing - WINDOW):closing]:
                expected += 1
    return lines, expected


def _rough_log(rng: random.Random, count: int = 200) -> list[bytes]:
    """The same with what groups lines into longer events and what the paths clean:
    indented continuations, tracebacks, blank lines, colour codes and CRs, the name in
    an event's own lines, the other in-event rule-out."""
    out: list[bytes] = []
    for number in range(count):
        roll = rng.random()
        if roll < 0.12:
            out.append(HIT)
        elif roll < 0.16:
            out.append(NAME)
        elif roll < 0.2:
            out.append(b"    at upload (OtherStore.java:%d)" % number)
        elif roll < 0.24:
            out.extend([b"Traceback (most recent call last):", b'  File "x.py", line 1, in f',
                        b"botocore.exceptions.ClientError: the access key was refused"])
        elif roll < 0.28:
            out.append(b"")
        elif roll < 0.31:
            out.append(b"\x1b[31m" + HIT + b"\x1b[0m\r")
        elif roll < 0.33:
            out.append(HIT + b" by the test double")
        elif roll < 0.36:
            out.append(b"\x1b[1mOther\x1b[0mStore ready\r")
        else:
            out.append(b"INFO request %d served" % number)
    return out


@pytest.mark.parametrize("kind", MATCHERS)
@pytest.mark.parametrize("seed", range(12))
def test_plain_events_follow_the_window(entry, kind, seed):
    """One-line events: a hit is ruled out exactly when the name is among the WINDOW
    lines before the line that closes it, on every path."""
    rng = random.Random(seed)
    lines, expected = _plain_log(rng)
    engine = Engine([entry], matcher=kind, clock=lambda: 1.0)
    want = [("store-key-refused", "r", expected)] if expected else []
    assert _by_feed(engine, lines) == want
    assert _by_batches(engine, lines, rng) == want
    for block_size in (64, 333, 1 << 20):
        assert _by_bulk(engine, lines, block_size) == want


@pytest.mark.parametrize("kind", MATCHERS)
@pytest.mark.parametrize("seed", range(12))
def test_grouped_and_noisy_events_agree(entry, kind, seed):
    """Events of several lines, noise, blank lines and block cuts anywhere: feed, batches
    and the bulk path rule out the same events."""
    rng = random.Random(1000 + seed)
    lines = _rough_log(rng)
    engine = Engine([entry], matcher=kind, clock=lambda: 1.0)
    by_feed = _by_feed(engine, lines)
    assert by_feed, "the log holds hits no name stands before"
    assert _by_batches(engine, lines, rng) == by_feed
    for block_size in (50, 97, 4096, 1 << 20):
        assert _by_bulk(engine, lines, block_size) == by_feed


def test_the_window_is_the_lines_before_the_closing_line(entry):
    """WINDOW lines back from the line after the hit reach the name; one more line of
    distance does not."""
    engine = Engine([entry], matcher="python", clock=lambda: 1.0)
    filler = [b"INFO request served"]
    near = [NAME] + filler * (WINDOW - 2) + [HIT, b"INFO next"]
    far = [NAME] + filler * (WINDOW - 1) + [HIT, b"INFO next"]
    assert _by_feed(engine, near) == []
    assert _by_feed(engine, far) == [("store-key-refused", "r", 1)]
    assert _by_bulk(engine, far, 64) == _by_feed(engine, far)


def test_streams_do_not_share_context(entry):
    """The name in one stream rules out nothing in another; a stream that ended (flush)
    leaves no context to the next one."""
    engine = Engine([entry], matcher="python", clock=lambda: 1.0)
    engine.feed(NAME, source="app", resource="a")
    engine.feed(HIT, source="app", resource="b")
    engine.flush()
    assert _findings(engine) == [("store-key-refused", "b", 1)]
    engine.reset()
    engine.feed(NAME, source="app", resource="a")
    engine.flush()
    engine.feed(HIT, source="app", resource="a")
    engine.flush()
    assert _findings(engine) == [("store-key-refused", "a", 1)]


def test_no_entry_reading_context_keeps_no_lines(entry):
    """A catalog without ruled_out_by_context keeps no ring: nothing added per line."""
    plain = entry.__class__(**{**{f: getattr(entry, f) for f in entry._fields},
                               "ruled_out_by_context": (), "context_lines": 0})
    engine = Engine([plain], matcher="python", clock=lambda: 1.0)
    engine.feed_lines([NAME, HIT, b"INFO x"], source="app", resource="r")
    engine.feed(NAME, source="app", resource="r")
    assert engine._recent == {}
    engine.flush()
    assert _findings(engine) == [("store-key-refused", "r", 1)]


@pytest.mark.parametrize("block, problem", [
    ("ruled_out_by_context: ['x']", "must be a mapping of `lines`, `patterns`"),
    ("ruled_out_by_context: {lines: 0, patterns: ['x']}", "from 1 to 200"),
    ("ruled_out_by_context: {lines: 201, patterns: ['x']}", "from 1 to 200"),
    ("ruled_out_by_context: {lines: 5, patterns: []}", "at least one pattern"),
    ("ruled_out_by_context: {lines: 5, patterns: ['(']}", "does not compile"),
    ("ruled_out_by_context: {lines: 5, patterns: ['x?']}", "matches the empty string"),
])
def test_bad_context_fields_are_refused(tmp_path: Path, block, problem):
    folder = tmp_path / "store-key-refused"
    folder.mkdir()
    head = ENTRY.split("ruled_out_by_context:")[0]
    (folder / "failure.yaml").write_text(head + block + "\n")
    with pytest.raises(CatalogError, match=problem.replace("(", r"\(").replace("`", "`")):
        load_entry(folder)


def test_when_event_limits_the_events_context_rules_out(tmp_path: Path):
    """With `when_event`, the context rules out only events that hold it: a missing
    credential near a store's name stays a finding, the store's refusal does not."""
    folder = tmp_path / "store-key-refused"
    folder.mkdir()
    text = ENTRY.replace("  lines: ", "  when_event: 'refused'\n  lines: ").replace(
        "was\\s+refused'", "was\\s+(refused|missing)'")
    (folder / "failure.yaml").write_text(text)
    entry = load_entry(folder)
    assert entry.context_when_event == "refused"
    engine = Engine([entry], matcher="python", clock=lambda: 1.0)
    refused = [NAME, HIT, b"INFO next"]
    missing = [NAME, b"ERROR upload failed: the access key was missing", b"INFO next"]
    assert _by_feed(engine, refused) == [] == _by_bulk(engine, refused, 64)
    assert _by_feed(engine, missing) == [("store-key-refused", "r", 1)] == _by_bulk(engine, missing, 64)
