"""The bulk path's passes on a second thread (checks/engine/ahead.py): the same findings as
one thread, blocks cut anywhere, errors and a broken stream handled (issue 14)."""

from __future__ import annotations

import io
import threading

import pytest

from checks.catalog_loader import CATALOG_DIR, load_catalog, load_samples, sample_lines
from checks.engine import Engine, ahead, bulk_scan
from checks.engine.line_scan import NATIVE
from checks.engine.matcher import hyperscan_available
from tests.checks.test_engine_fast_paths import _catalog_log

needs_threads = pytest.mark.skipif(not (hyperscan_available() and NATIVE),
                                   reason="the passes go to a second thread only with Hyperscan and the built "
                                          "_line_scan module (pip install builds it where a C compiler is)")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(CATALOG_DIR)


@pytest.fixture(autouse=True)
def _spare_core(monkeypatch):
    """The test machine may be busy: the second thread runs whatever the load average."""
    monkeypatch.setattr(bulk_scan, "spare_core", lambda: True)


class _Counting(ahead.Ahead):
    started = 0

    def start(self, func, *args):
        type(self).started += 1
        super().start(func, *args)


def _found(engine: Engine) -> list:
    return sorted((f.failure_id, f.resource, f.count, tuple(f.evidence), f.first_seen, f.last_seen,
                   repr(f.details), f.recognised_as) for f in engine.findings())


def _bulk(catalog, data: bytes, block_size: int, helper, monkeypatch) -> tuple[list, int]:
    monkeypatch.setattr(bulk_scan, "Ahead", helper)
    engine = Engine(catalog, matcher="hyperscan", clock=lambda: 1.0)
    engine.scan_stream(io.BytesIO(data), resource="log", block_size=block_size)
    return _found(engine), engine.lines_read


def _straddling_log(cut: int) -> bytes:
    """Healthy lines, then every positive sample of the catalog, each placed so that its
    block of lines straddles a multiple of `cut` (where the bulk path's chunks end)."""
    healthy = b'10.0.0.7 - - [27/Nov/2026:10:00:00 +0000] "GET /api/v1/pets HTTP/1.1" 200 17\n'
    out = bytearray()
    for entry in sorted(d for d in CATALOG_DIR.iterdir() if d.is_dir()):
        for path in load_samples(entry)["positive"]:
            block = b"".join(line + b"\n" for line in sample_lines(path) if line.strip())
            boundary = (len(out) // cut + 1) * cut
            while len(out) + len(healthy) < boundary - len(block) // 2:
                out += healthy
            out += block
    return bytes(out + healthy)


@needs_threads
@pytest.mark.parametrize("block_size", [997, 4096, 65536])
def test_failure_blocks_across_chunk_ends_are_found_as_with_one_thread(catalog, monkeypatch, block_size):
    """Stand-in: none; the real catalog and its samples. Each sample's lines straddle the
    end of a chunk: the passes run ahead on a second thread (a `start` per chunk), and the
    findings, their counts, evidence and times, equal those of the same scan on one
    thread and of feeding the lines one by one."""
    data = _straddling_log(block_size)
    _Counting.started = 0
    threaded = _bulk(catalog, data, block_size, _Counting, monkeypatch)
    assert _Counting.started >= len(data) // block_size // 2
    assert threaded == _bulk(catalog, data, block_size, ahead.Inline, monkeypatch)
    assert threaded[1] == data.count(b"\n")
    lines = Engine(catalog, matcher="hyperscan", clock=lambda: 1.0)
    lines.feed_many(data.split(b"\n")[:-1], resource="log")
    lines.flush()
    assert threaded[0] == _found(lines)
    assert len({f[0] for f in threaded[0]}) >= 30


@needs_threads
@pytest.mark.parametrize(("seed", "block_size"), [(4, 1021), (5, 8192), (6, 1 << 20)])
def test_damaged_logs_give_one_threads_findings(catalog, monkeypatch, seed, block_size):
    """Stand-in: none; the catalog's samples with paste damage of every kind, cut lines,
    prefixes and boxes (the regions, sync points and glued lines of the bulk path)."""
    data = _catalog_log(seed)
    assert _bulk(catalog, data, block_size, ahead.Ahead, monkeypatch) == _bulk(
        catalog, data, block_size, ahead.Inline, monkeypatch)


@needs_threads
def test_busy_cores_keep_the_scan_on_one_thread(catalog, monkeypatch):
    """Stand-in: the load average and the cores this process may use, set: at load 1.2 of
    2 cores a second thread would wait for a core, at 0.8 it has one."""
    monkeypatch.setattr(bulk_scan, "spare_core", ahead.spare_core)
    monkeypatch.setattr(ahead.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    data = _straddling_log(4096)
    for load, threads in ((1.2, 0), (0.8, 1)):
        monkeypatch.setattr(ahead.os, "getloadavg", lambda load=load: (load, load, load))
        _Counting.started = 0
        _bulk(catalog, data, 4096, _Counting, monkeypatch)
        assert min(_Counting.started, 1) == threads, load


class _BrokenAfter(io.RawIOBase):
    """A stream (a disk or a pipe failing) that gives `data`, then raises OSError."""

    def __init__(self, data: bytes, chunk: int):
        self._data, self._chunk, self._at = data, chunk, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._at >= len(self._data):
            raise OSError(5, "Input/output error")
        piece = self._data[self._at:self._at + min(size, self._chunk)]
        self._at += len(piece)
        return piece


@pytest.mark.parametrize("helper", ["Ahead", "Inline"])
def test_a_read_error_keeps_the_findings_of_what_was_read(catalog, monkeypatch, helper):
    """Stand-in: a stream raising OSError after two chunks, the second ending in the
    failure. The error reaches the caller, and the engine holds the failure of the
    lines read before it, as it did before the passes ran ahead."""
    monkeypatch.setattr(bulk_scan, "Ahead", getattr(ahead, helper))
    healthy = b'10.0.0.7 - - [27/Nov/2026:10:00:00 +0000] "GET /api/v1/pets HTTP/1.1" 200 17\n'
    failure = b"Error: creating EKS Cluster (petstore): InvalidParameterException: unsupported Kubernetes version 1.19\n"
    chunk = 4096
    first = healthy * (chunk // len(healthy) + 1)
    second = healthy * 20 + failure + healthy * 3
    data = first[:chunk - 1] + b"\n" + second
    engine = Engine(catalog, matcher="hyperscan" if hyperscan_available() else "python", clock=lambda: 1.0)
    with pytest.raises(OSError):
        engine.scan_stream(_BrokenAfter(data, chunk), resource="log", block_size=chunk)
    assert [f.failure_id for f in engine.findings()] == ["terraform-unsupported-eks-version"]


@needs_threads
def test_an_error_in_the_passes_reaches_the_caller_and_the_thread_ends(catalog, monkeypatch):
    """Stand-in: a matcher whose scan raises on the second thread (as Hyperscan does on a
    broken database): scan_stream raises it, and no thread is left behind."""
    engine = Engine(catalog, matcher="hyperscan", clock=lambda: 1.0)
    scan, main = engine.matcher.candidates, threading.get_ident()

    def broken(block, prefixed=True):
        if threading.get_ident() == main:
            return scan(block, prefixed)
        raise RuntimeError("scan failed")
    monkeypatch.setattr(engine.matcher, "candidates", broken)
    before = threading.active_count()
    with pytest.raises(RuntimeError, match="scan failed"):
        engine.scan_stream(io.BytesIO(_catalog_log(7)), resource="log", block_size=4096)
    for _ in range(100):
        if threading.active_count() <= before:
            break
        threading.Event().wait(0.01)
    assert threading.active_count() <= before


@needs_threads
def test_a_stream_of_one_chunk_starts_no_thread(catalog, monkeypatch):
    """Stand-in: none; a live feed's few lines (one chunk) are scanned on this thread, and
    the second chunk of a longer stream starts the worker."""
    data = _straddling_log(4096)
    _Counting.started = 0
    _bulk(catalog, data[:4000], 4096, _Counting, monkeypatch)
    assert _Counting.started == 0
    _bulk(catalog, data[:12000], 4096, _Counting, monkeypatch)
    assert _Counting.started >= 1


def test_ahead_runs_one_call_at_a_time_and_hands_back_its_result_or_error():
    """Stand-in: none."""
    worker = ahead.Ahead()
    try:
        worker.start(threading.get_ident)
        assert worker.result() != threading.get_ident()
        worker.start(divmod, 7, 2)
        with pytest.raises(RuntimeError):
            worker.start(divmod, 1, 1)  # the previous call's result not taken
        assert worker.result() == (3, 1)
        worker.start(divmod, 1, 0)
        with pytest.raises(ZeroDivisionError):
            worker.result()
        with pytest.raises(RuntimeError):
            worker.result()  # nothing started
        worker.start(sum, [1, 2])
    finally:
        worker.close()  # with a call running: waits for it


@needs_threads
def test_the_matcher_scans_on_two_threads_at_once(catalog):
    """Stand-in: none; Hyperscan's scratch space is per thread: the same block scanned on
    two threads at once gives the same hits as on one."""
    engine = Engine(catalog, matcher="hyperscan")
    data = _catalog_log(8)
    expected = engine.matcher.candidates(data)
    found: list = []
    threads = [threading.Thread(target=lambda: found.append(engine.matcher.candidates(data))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [expected] * 4
