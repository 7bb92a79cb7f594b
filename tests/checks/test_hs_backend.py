"""Hyperscan from the system library (our binding, _hs_native.c) and from the wheel: the
same answers, so the matcher may take either (checks/engine/hs_backend.py).

Stand-ins: none; both backends are the real libraries. Where the binding was not built
(no libhyperscan-dev when the project was installed; `./dev setup` installs it on
x86_64) the tests of the system library skip and say so; the wheel's likewise.
"""

from __future__ import annotations

import io
import random
import threading
import time

import pytest

import checks.engine.hs_backend as hs_backend
from checks.catalog_loader import CATALOG_DIR, load_catalog, load_samples, sample_lines
from checks.engine import Engine
from checks.engine.matcher import HyperscanMatcher


def summary(engine):
    return sorted((f.failure_id, f.resource, f.count, tuple(f.evidence)) for f in engine.findings())


def samples_log(seed: int) -> bytes:
    """Every positive sample of the catalog, in a random order, between healthy lines and
    lines cut at the wrap width (80 bytes, which the bulk path glues)."""
    rng = random.Random(seed)
    blocks = [sample_lines(path) for entry_dir in sorted(p for p in CATALOG_DIR.iterdir() if p.is_dir())
              for path in load_samples(entry_dir)["positive"]]
    rng.shuffle(blocks)
    out: list[bytes] = []
    for n, block in enumerate(blocks):
        out.extend(f'10.0.1.{i} - - "GET /api/v1/pets HTTP/1.1" 200 {n}'.encode() for i in range(rng.randrange(5)))
        if rng.random() < 0.2:
            out.append(b"w" * 79 + b"x")
        out.extend(block)
    return b"\n".join(out) + b"\n"

BACKENDS = [pytest.param(kind, marks=pytest.mark.skipif(
    not hs_backend.available(kind), reason=f"Hyperscan's {kind} backend is not there (see hs_backend.py)"))
    for kind in ("system", "wheel")]
BOTH = pytest.mark.skipif(not (hs_backend.available("system") and hs_backend.available("wheel")),
                          reason="needs both the system library's binding and the wheel")


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_backend_compiles_scans_and_stores_a_database(kind):
    backend = hs_backend.load(kind)
    assert backend.name == kind and backend.version.startswith(kind)
    flags = backend.HS_FLAG_CASELESS | backend.HS_FLAG_MULTILINE
    db = backend.compile([rb"access\s+denied", rb"^boom$"], [flags, flags], [7, 9])
    block = b"x ACCESS  Denied y\nboom\nnot boom\n"
    expected = [(7, 16), (9, 23)]
    assert db.scan(block) == expected
    with memoryview(block) as view, view[19:] as part:  # a slice, as the bulk path passes
        assert db.scan(part) == [(9, 4)]
    again = backend.deserialize(db.serialize())
    assert again.scan(block) == expected
    assert db.scan(b"") == []


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_backend_says_what_it_refuses(kind):
    backend = hs_backend.load(kind)
    with pytest.raises(backend.error):
        backend.compile([rb"(?:alpha){0,70000}beta"], [0], [0])  # too large for Hyperscan
    with pytest.raises(backend.error):
        backend.deserialize(b"not a database")


def test_the_environment_picks_a_backend_and_an_unknown_name_is_an_error(monkeypatch):
    monkeypatch.setenv(hs_backend.ENV_HYPERSCAN, "nosuch")
    with pytest.raises(ValueError, match="expected system or wheel"):
        hs_backend.load()
    for kind in ("system", "wheel"):
        if hs_backend.available(kind):
            monkeypatch.setenv(hs_backend.ENV_HYPERSCAN, kind)
            assert hs_backend.load().name == kind


@BOTH
def test_the_default_is_the_system_library_where_it_was_built(monkeypatch):
    monkeypatch.delenv(hs_backend.ENV_HYPERSCAN, raising=False)
    assert hs_backend.load().name == "system"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(CATALOG_DIR)


@pytest.fixture(scope="module")
def matchers(catalog):
    """The whole catalog's database, compiled once with each backend."""
    signatures = [s for entry in catalog for s in entry.signatures]
    return [HyperscanMatcher(signatures, backend=kind) for kind in ("system", "wheel")]


@BOTH
def test_both_backends_flag_the_same_on_every_catalog_sample(matchers):
    """The whole catalog's database on each of its samples, positive and negative."""
    system, wheel = matchers
    assert (system.rejected, system.prefiltered) == (wheel.rejected, wheel.prefiltered)
    seen = 0
    for entry_dir in sorted(p for p in CATALOG_DIR.iterdir() if p.is_dir()):
        for paths in load_samples(entry_dir).values():
            for path in paths:
                block = b"\n".join(sample_lines(path))
                assert sorted(system.candidates(block)) == sorted(wheel.candidates(block)), path
                seen += 1
    assert seen > 100


@BOTH
@pytest.mark.parametrize("seed", [1, 2])
def test_both_backends_find_the_same_in_a_mixed_log(catalog, matchers, seed):
    """The bulk path over the catalog's samples (tiny blocks), once with each backend."""
    data = samples_log(seed)
    found = []
    for matcher in matchers:
        engine = Engine(catalog, matcher=matcher, clock=lambda: 1.0)
        engine.scan_stream(io.BytesIO(data), resource="log", block_size=4096)
        found.append(summary(engine))
    assert found[0] == found[1] != []


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_compile_lets_the_other_threads_run(kind):
    """The catalog's first compile takes seconds (a minute under load) in the troubleshooting
    panel's worker: a compile holding the GIL would freeze the UI meanwhile. Counted, not
    timed: the main thread's turns while the compile runs (1 on the binding before it
    released the GIL, 590 after, for this set on this machine)."""
    backend = hs_backend.load(kind)
    exprs = [rb"error\s+%d[^\n]{0,120}?denied\s+\w{3,40}\s+(to|for)\s+\S+\s+%d" % (i, i) for i in range(12)]
    flags = backend.HS_FLAG_CASELESS | backend.HS_FLAG_MULTILINE
    inside = threading.Event()
    turns = 0

    def compile_once() -> None:
        inside.set()
        backend.compile(exprs, [flags] * len(exprs), list(range(len(exprs))))
        inside.clear()

    worker = threading.Thread(target=compile_once)
    worker.start()
    while worker.is_alive():  # bounded by the compile
        if inside.is_set():
            turns += 1
        time.sleep(0.001)
    assert turns >= 10


SYSTEM = pytest.mark.skipif(not hs_backend.available("system"),
                            reason="the system library's binding was not built (see hs_backend.py)")


@SYSTEM
def test_a_scan_on_its_own_thread_answers_what_a_scan_of_the_slice_answers():
    """Database.scan_begin(data, lo, hi) scans data[lo:hi] on a thread of its own
    (_hs_native.c): the same hits as scan(data[lo:hi]), offsets from lo, for slices cut
    through matches and lines; one such scan at a time a database, then another."""
    backend = hs_backend.load("system")
    flags = backend.HS_FLAG_CASELESS | backend.HS_FLAG_MULTILINE
    db = backend.compile([rb"access\s+denied", rb"^boom$", rb"\x60"], [flags, flags, 0], [7, 9, 3])
    rng = random.Random(5)
    data = b"".join(rng.choice([b"x ACCESS  Denied y\n", b"boom\n", b"not boom `\n", b"access\ndenied\n"])
                    for _ in range(2000))
    for lo, hi in [(0, len(data)), (1, len(data) - 1), (0, 0), (7, 3), (-5, len(data) + 9),
                   *((rng.randrange(len(data)), rng.randrange(len(data))) for _ in range(30))]:
        started = db.scan_begin(data, lo, hi)
        assert started is not None
        lo_, hi_ = max(lo, 0), min(hi, len(data))
        assert started.hits() == db.scan(data[lo_:max(lo_, hi_)]), (lo, hi)
        assert started.hits() == db.scan(data[lo_:max(lo_, hi_)])  # asked again: the same list
        delay, scanned, _ = started.times()
        assert delay >= 0 and scanned >= 0
    running = db.scan_begin(data, 0, len(data))
    assert db.scan_begin(data, 0, len(data)) is None  # its scratch is taken: scan as usual
    assert running.hits() == db.scan(data)
    del running  # joined and its scratch given back
    assert db.scan_begin(data, 0, 10).hits() == db.scan(data[:10])
