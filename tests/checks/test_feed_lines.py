"""Engine.feed_lines (checks/engine/live_batch.py), the live path the TUI's pump feeds in
batches, finds exactly what Engine.feed of each line finds: the same findings in the same
order, with the same counts, evidence, recognition, details, times and ruled-out entries,
whatever the batch sizes, and when one stream switches between the two ways (issue 14)."""

from __future__ import annotations

import random

import pytest

from checks.catalog_loader import CATALOG_DIR, load_catalog, load_samples, sample_lines
from checks.engine import Engine, live_batch
from checks.engine.matcher import hyperscan_available

MATCHERS = ["python"] + (["hyperscan"] if hyperscan_available() else [])
STREAMS = [("app", "pod/a"), ("app", "pod/b"), ("alb-controller", "pod/ctrl")]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(CATALOG_DIR)


@pytest.fixture(scope="module")
def make(catalog, tmp_path_factory):
    """Engines over the real catalog, their compiled forms kept in one cache folder (a
    Hyperscan compile per engine would take seconds)."""
    cache = tmp_path_factory.mktemp("compiled")

    def engine(kind: str = MATCHERS[-1]) -> Engine:
        return Engine(catalog, matcher=kind, clock=lambda: 1.0, cache_dir=cache)

    return engine


def _noisy(line: bytes, rng: random.Random) -> list[bytes]:
    """The line as printed, or damaged: colour codes, a CR, folded at 80 columns, a wrap mark."""
    roll = rng.random()
    if roll < 0.05:
        return [b"\x1b[31m" + line + b"\x1b[0m\r"]
    if roll < 0.1 and len(line) > 80:
        # a terminal folds characters, not bytes: a str line cannot hold half a character
        text = line.decode("utf-8", "surrogateescape")
        return [text[i:i + 80].encode("utf-8", "surrogateescape") for i in range(0, len(text), 80)]
    if roll < 0.13 and b" " in line:
        head, _, tail = line.rpartition(b" ")
        return [head + " \u21b5".encode(), tail]
    return [line]


def _log(seed: int, count: int = 3000) -> list[bytes]:
    """Every sample of the catalog, positive and negative (ruled_out_by lives in the
    negatives), between healthy lines, with tracebacks, indented lines, boxes, empty lines
    and paste damage, so batches end inside events and at lines that are no sync point."""
    rng = random.Random(seed)
    blocks = [[line for line in sample_lines(path) if line.strip()]
              for entry in sorted(CATALOG_DIR.iterdir()) if entry.is_dir()
              for kind in ("positive", "negative") for path in load_samples(entry)[kind]]
    out: list[bytes] = []
    for number in range(count):
        roll = rng.random()
        if roll < 0.1:
            out.extend(piece for line in rng.choice(blocks) for piece in _noisy(line, rng))
        elif roll < 0.12:
            out.extend([b"Traceback (most recent call last):", b'  File "app.py", line 3, in <module>',
                        b"sqlite3.OperationalError: attempt to write a readonly database"])
        elif roll < 0.14:
            out.extend([b"  indented " + str(number).encode(), b"", "\u2502 boxed".encode()])
        else:
            out.append(f'{{"ts":"2026-11-28T05:00:{number % 60:02d}Z","msg":"GET /api/v1/pets/{number}"}}'.encode())
    return out


def _state(engine: Engine) -> list:
    """Everything a reader of the findings sees, in the order findings() gives them."""
    return [(f.failure_id, f.resource, f.source, f.count, tuple(f.evidence), sorted(f.recognition.items()),
             f.first_seen, f.last_seen, repr(f.details), f.simulated, f.acknowledged) for f in engine.findings()]


def _line_by_line(engine: Engine, fed: list[tuple[tuple[str, str], list[bytes]]]) -> Engine:
    for (source, resource), lines in fed:
        for line in lines:
            engine.feed(line, source=source, resource=resource)
    engine.flush()
    return engine


def _chunks(lines: list, rng: random.Random) -> list[list]:
    chunks, start = [], 0
    while start < len(lines):
        size = rng.choice([1, 2, 3, 17, 120, 500])
        chunks.append(lines[start:start + size])
        start += size
    return chunks


@pytest.mark.parametrize("kind", MATCHERS)
@pytest.mark.parametrize("seed", [1, 2])
def test_batches_of_interleaved_streams_find_what_line_by_line_finds(make, kind, seed):
    """Stand-in: none; the real catalog, three streams taking turns in batches of 1 to 500
    lines (the pump's passes), str and bytes lines, against feeding the same lines one by
    one in the same order."""
    rng = random.Random(seed)
    queues = {stream: _chunks(_log(seed + 10 * n), rng) for n, stream in enumerate(STREAMS)}
    fed = []  # the streams take turns at random; each stream's chunks keep their order
    while queues:
        stream = rng.choice(sorted(queues))
        fed.append((stream, queues[stream].pop(0)))
        if not queues[stream]:
            del queues[stream]
    batched = make(kind)
    for (source, resource), chunk in fed:
        lines = [line.decode("utf-8", "replace") if rng.random() < 0.5 else line for line in chunk]
        batched.feed_lines(lines, source=source, resource=resource)
    batched.flush()
    expected = _line_by_line(make(kind), fed)
    assert _state(batched) == _state(expected)
    assert batched.lines_read == expected.lines_read == sum(len(chunk) for _, chunk in fed)
    assert len(_state(expected)) >= 30
    assert sum(f.count for f in expected.findings()) > 100


def test_ruled_out_findings_stay_ruled_out_in_batches(make, catalog, monkeypatch):
    """Stand-in: none; each entry with `ruled_out_by`, its negative samples fed in batches
    cut at every line: what rules a finding out line by line rules it out in batches."""
    entries = [entry for entry in catalog if entry.ruled_out_by]
    assert entries
    ruled_out = []
    original = Engine._ruled_out

    def counted(self, *args):
        ruled_out.append(original(self, *args))
        return ruled_out[-1]

    monkeypatch.setattr(Engine, "_ruled_out", counted)
    for entry in entries:
        for path in load_samples(CATALOG_DIR / entry.id)["negative"]:
            lines = sample_lines(path)
            for size in (1, 2, len(lines)):
                batched = make()
                for start in range(0, len(lines), size):
                    batched.feed_lines(lines[start:start + size], source="any", resource="r")
                batched.flush()
                expected = _line_by_line(make(), [(("any", "r"), lines)])
                assert _state(batched) == _state(expected), (entry.id, path.name, size)
    assert sum(ruled_out) >= 2 * len(entries)  # the samples do rule findings out, both ways


@pytest.mark.parametrize("kind", MATCHERS)
def test_one_stream_switching_between_feed_and_feed_lines_finds_the_same(make, kind):
    """Stand-in: none; one stream fed now a line at a time, now in a batch, at random
    (the held lines go over to feed's Grouper, and back at a sync point)."""
    rng = random.Random(5)
    lines = _log(5)
    engine = make(kind)
    for chunk in _chunks(lines, rng):
        if rng.random() < 0.4:
            for line in chunk:
                engine.feed(line, source="app", resource="pod/a")
        else:
            engine.feed_lines(chunk, source="app", resource="pod/a")
    engine.flush()
    assert _state(engine) == _state(_line_by_line(make(kind), [(("app", "pod/a"), lines)]))


def test_an_event_is_held_until_the_next_batch_ends_it_as_feed_holds_it(make):
    """Stand-in: none; a traceback cut between two batches: nothing is found while it may
    go on (feed holds its event the same way), and its exception line found with the rest."""
    engine = make()
    assert engine.feed_lines(["Traceback (most recent call last):", '  File "app.py", line 3']) == []
    found = engine.feed_lines(["sqlite3.OperationalError: attempt to write a readonly database", "next"])
    assert [f.failure_id for f in found] == ["sqlite-readonly-database"]
    assert engine.findings()[0].evidence == ["sqlite3.OperationalError: attempt to write a readonly database"]
    # the last line of a stream is held until the stream goes quiet: flush finds it
    assert engine.feed_lines(["sqlite3.OperationalError: attempt to write a readonly database"]) == []
    assert [f.count for f in engine.flush(source="any", resource="")] == [2]
    assert engine.lines_read == 5


def test_a_stream_without_sync_points_goes_line_by_line_and_is_not_scanned_again(make, monkeypatch):
    """Stand-in: none; a long indented dump (no line where an event surely starts) would be
    held and scanned again with every batch: past LINE_PATH_AFTER bytes the stream goes
    over to feed's Grouper, and back to batches at its next sync point."""
    monkeypatch.setattr(live_batch, "LINE_PATH_AFTER", 1000)
    lines = [b"dump:"] + [b"  key%d: value" % n for n in range(400)] + [b"done", b"ok"] * 3
    lines += [b"sqlite3.OperationalError: attempt to write a readonly database", b"after"]
    engine = make()
    for start in range(0, len(lines), 50):
        engine.feed_lines(lines[start:start + 50], resource="dump")
        assert sum(len(held) for held in engine._held.values()) <= 1000
    assert ("any", "dump") not in engine._groupers  # batches again after the dump
    engine.flush()
    assert _state(engine) == _state(_line_by_line(make(), [(("any", "dump"), lines)]))


def test_simulated_batches_are_marked_simulated_as_line_by_line(make):
    """Stand-in: none; a drill's lines (no program printed them) in a batch."""
    lines = ["sqlite3.OperationalError: attempt to write a readonly database", "next"]
    engine = make()
    engine.feed_lines(lines, source="app", resource="drill", simulated=True)
    engine.flush()
    expected = make()
    for line in lines:
        expected.feed(line, source="app", resource="drill", simulated=True)
    expected.flush()
    assert _state(engine) == _state(expected)
    assert [f.simulated for f in engine.findings()] == [True]
