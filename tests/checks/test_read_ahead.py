"""The bulk path's read-ahead (checks/engine/bulk_scan.py `_ReadAhead`): a regular file's
next block read, and its native line pass run, on a thread of its own while the block
before it is scanned; and the native line pass without the GIL (_line_scan.c VERSION 8)."""

from __future__ import annotations

import io
import random
import threading

import pytest

import checks.engine.bulk_scan as bulk_scan
from checks.engine import Engine, line_scan
from checks.engine.grouping import WRAP_WIDTH
from checks.engine.matcher import hyperscan_available
from checks.engine.normalize import MAX_LINE, RAW_MAX_LINE
from tests.checks.test_engine_fast_paths import _catalog_log

MATCHERS = ["python"] + (["hyperscan"] if hyperscan_available() else [])


def _summary(engine: Engine) -> tuple:
    return (engine.lines_read, engine.lines_cut,
            sorted((f.failure_id, f.resource, f.count, tuple(f.evidence)) for f in engine.findings()))


def _log_with_edges(seed: int) -> bytes:
    """The catalog's samples with paste damage (test_engine_fast_paths), with a line longer
    than RAW_MAX_LINE (its tail skipped: a block then starts inside a line), lines longer
    than MAX_LINE, ANSI colour and CR line ends on some lines (a noisy block is cleaned
    and scanned again), and no newline at the end."""
    rng = random.Random(seed)
    lines = _catalog_log(seed).split(b"\n")[:-1]
    at = len(lines) // 3
    lines.insert(at, b"x" * (RAW_MAX_LINE + 300_000) + b" password authentication failed for user \"a\"")
    lines.insert(at + 5, b"y " * (MAX_LINE // 2 + 10))
    for _ in range(20):
        n = rng.randrange(len(lines))
        lines[n] = b"\x1b[31m" + lines[n] + b"\x1b[0m\r"
    return b"\n".join(lines)


@pytest.fixture(scope="module")
def catalog():
    from checks.catalog_loader import load_catalog

    return load_catalog()


@pytest.mark.parametrize("matcher", MATCHERS)
@pytest.mark.parametrize(("seed", "block_size"), [(11, 4096), (12, 64 * 1024), (13, 256 * 1024)])
def test_a_file_read_ahead_finds_what_reading_it_here_finds(tmp_path, tmp_path_factory, catalog, monkeypatch,
                                                           matcher, seed, block_size):
    """Stand-in: none; the same file scanned with the read-ahead thread (kept on whatever
    the machine's load) and without it (a stream that is not a regular file), and fed line
    by line: the same lines read, lines cut and findings. Blocks of 4 KiB to 256 KiB (the
    native pass runs without the GIL from 64 KiB), starting inside a huge line's skipped
    tail, noisy blocks among them, four times over. The threads' hand-over race has a
    test of its own (below): this one did not meet it in the runs tried."""
    data = _log_with_edges(seed)
    path = tmp_path / "log"
    path.write_bytes(data)
    monkeypatch.setattr(bulk_scan, "_core_free", lambda: True)
    monkeypatch.setattr(bulk_scan, "LATE_STARTS", 10**9)
    made = []
    original = bulk_scan._ReadAhead.__init__

    def counted(self, *args):
        made.append(args[2] is not None)
        original(self, *args)

    monkeypatch.setattr(bulk_scan._ReadAhead, "__init__", counted)
    cache_dir = tmp_path_factory.getbasetemp() / "read-ahead-cache"  # the catalog compiled once
    engine = Engine(catalog, matcher=matcher, clock=lambda: 1.0, cache_dir=cache_dir)
    results = []
    for _ in range(4):
        engine.reset()
        with open(path, "rb") as handle:
            engine.scan_stream(handle, resource="log", block_size=block_size)
        results.append(_summary(engine))
    assert len(made) == 4 and all(made) == line_scan.PASS_WITHOUT_GIL
    plain = Engine(catalog, matcher=matcher, clock=lambda: 1.0, cache_dir=cache_dir)
    plain.scan_stream(io.BytesIO(data), resource="log", block_size=block_size)
    assert len(made) == 4  # a BytesIO is read here
    fed = Engine(catalog, matcher=matcher, clock=lambda: 1.0, cache_dir=cache_dir)
    fed.feed_many(data.split(b"\n"), resource="log")
    fed.flush()
    assert len(results[0][2]) >= 30
    assert all(result == _summary(plain) for result in results)
    assert _summary(fed)[2] == results[0][2]


class _FailingRead(io.FileIO):
    """A regular file whose third read fails."""

    reads = 0

    def read1(self, size: int = -1) -> bytes:
        self.reads += 1
        if self.reads == 3:
            raise OSError(5, "Input/output error")
        return self.read(size)


def test_an_error_of_a_read_ahead_read_is_raised_where_the_read_would_be(tmp_path, catalog, monkeypatch):
    """The read that fails on the read-ahead thread raises OSError from scan_stream, as
    it does read here, and the thread has ended (no thread left waiting)."""
    path = tmp_path / "log"
    path.write_bytes(_catalog_log(3))
    engine = Engine(catalog, matcher="python", clock=lambda: 1.0)
    for free in (True, False):
        monkeypatch.setattr(bulk_scan, "_core_free", lambda free=free: free)
        before = threading.active_count()
        with _FailingRead(path, "rb") as handle, pytest.raises(OSError, match="Input/output error"):
            engine.scan_stream(handle, resource="log", block_size=4096)
        assert handle.reads == 3
        assert threading.active_count() == before


def test_a_scan_stopped_early_stops_its_read_ahead(tmp_path, catalog, monkeypatch):
    """An error in the scan itself (here: the engine's first block) stops the read-ahead
    thread before scan_stream returns: it is waited for, not left reading."""
    path = tmp_path / "log"
    path.write_bytes(_catalog_log(4))
    monkeypatch.setattr(bulk_scan, "_core_free", lambda: True)
    engine = Engine(catalog, matcher="python", clock=lambda: 1.0)

    def broken(*args, **kwargs):
        raise RuntimeError("stop")

    monkeypatch.setattr(engine, "_bulk_block", broken)
    closed = []
    original = bulk_scan._ReadAhead.close
    monkeypatch.setattr(bulk_scan._ReadAhead, "close", lambda self: (original(self), closed.append(self._done.locked())))
    with open(path, "rb") as handle, pytest.raises(RuntimeError, match="stop"):
        engine.scan_stream(handle, resource="log", block_size=4096)
    assert closed == [True]  # _done is taken by close() once the thread released it


@pytest.mark.skipif(not line_scan.PASS_WITHOUT_GIL, reason="the native line pass holds the GIL (older build)")
def test_the_native_pass_without_the_gil_answers_as_the_python_one_on_two_threads_at_once():
    """scan_clean over 64 KiB and more runs without the GIL, so two threads may test lines
    at once (the read-ahead's block, this thread's head): each answers what the Python
    twin answers for its buffer. Lines built to reach every prefix test, the PostgreSQL
    label test after a prefix followed by no space among them (the test's per-line state,
    one a thread). It pins the answers; it did not catch that state shared between the
    threads (a static int: the window is one line's test), which stays a matter of reading
    _line_scan.c."""
    rng = random.Random(5)
    kinds = [b"web-1  | DETAIL:  key (id)=(1) exists", b"web-1  |DETAIL:  x", b"2026-11-27T10:00:00Z HINT: y",
             b"2026-11-27T10:00:00Z plain", b"[pod/api-1] CONTEXT: z", b"  indented", b"> quoted",
             "│ boxed".encode(), b"12  gutter", b"plain line with | bar", b"x" * WRAP_WIDTH,
             b"May 15 23:09:27 host app[7]: STATEMENT: s", b"a"]
    buffers = []
    for _ in range(2):
        lines = [rng.choice(kinds) + b" " * rng.randrange(3) for _ in range(20_000)]
        buffers.append(b"\n".join(lines) + b"\n")
    expected = [line_scan.python_scan_lines(buf, 0, len(buf), WRAP_WIDTH, True, MAX_LINE) for buf in buffers]
    answers: list[list] = [[], []]

    def run(n: int) -> None:
        for _ in range(15):
            answers[n].append(line_scan.scan_clean(buffers[n], 0, len(buffers[n]), WRAP_WIDTH, True, MAX_LINE))

    threads = [threading.Thread(target=run, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n in (0, 1):
        assert all(tuple(answer) == tuple(expected[n]) for answer in answers[n])
    assert len(buffers[0]) >= 64 * 1024 and expected[0][2]


@pytest.mark.parametrize("prepare", [None, len])
def test_the_read_ahead_hands_over_every_block_in_order_however_the_threads_interleave(prepare):
    """_ReadAhead alone over 3,000 small reads, the interpreter switching threads every
    microsecond (sys.setswitchinterval) so that every hand-over meets the other thread at
    every point: every block, in order, then b"", each with what `prepare` answered; none
    lost, and no wait for ever (the reads run on a thread of the test, joined with a time
    limit). Seen failing (a block lost, the scan waiting for ever) with the thread deciding
    whether it had read the last block from the shared slot after handing it over, which
    the other thread may have emptied by then."""
    import sys

    data = bytes(random.Random(9).randrange(256) for _ in range(30_000))
    got: list = []

    def consume() -> None:
        ahead = bulk_scan._ReadAhead(io.BytesIO(data).read, 10, prepare)
        try:
            while True:
                chunk, prepared = ahead.next()
                got.append((chunk, prepared))
                if not chunk:
                    return
        finally:
            ahead.close()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(3):
            got.clear()
            worker = threading.Thread(target=consume, daemon=True)
            worker.start()
            worker.join(60)
            assert not worker.is_alive(), "the read-ahead waits for ever"
            assert b"".join(chunk for chunk, _ in got) == data and got[-1] == (b"", None)
            assert all(prepared == (None if prepare is None else len(chunk)) for chunk, prepared in got[:-1])
    finally:
        sys.setswitchinterval(interval)
