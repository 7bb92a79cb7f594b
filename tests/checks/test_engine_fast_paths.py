"""The diagnose speed-ups give what the plain ways gave: newline counts, timestamps, cached
compiled regexes, and the bulk path's skipping of normalisation (issue 14)."""

from __future__ import annotations

import calendar
import io
import random
import re

import pytest

from checks.catalog_loader import CATALOG_DIR, load_catalog, load_samples, sample_lines
from checks.engine import Engine
from checks.engine import compiled as compiled_cache
from checks.engine.event_time import _timegm, event_time_at_start
from checks.engine.matcher import RE_FLAGS, compile_signature, hyperscan_available
from checks.engine.sync_points import newlines

MATCHERS = ["python"] + (["hyperscan"] if hyperscan_available() else [])


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(CATALOG_DIR)


def test_newlines_equals_bytes_count():
    """Stand-in: none; random buffers and ranges, short (bytes.count) and long (the
    replace-based count with the ends taken off)."""
    rng = random.Random(14)
    big = b"".join(rng.choice([b"a" * rng.randrange(200), b"\n", b"\n\n", b"x\ny"]) for _ in range(20000))
    for _ in range(400):
        data = big if rng.random() < 0.7 else bytes(rng.choice(b"ab\n") for _ in range(rng.randrange(300)))
        lo = rng.randrange(len(data) + 1)
        hi = rng.randrange(lo, len(data) + 1)
        assert newlines(data, lo, hi) == data.count(b"\n", lo, hi)
    assert newlines(big) == big.count(b"\n")
    assert newlines(b"") == 0


def _reference_event_time(line: bytes, default: float) -> float:
    """The engine's timestamp parse as it was, with calendar.timegm."""
    m = re.search(rb"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,]\d+)?\s?(Z|[+-]\d\d:?\d\d)?", line[:80])
    if not m:
        return default
    try:
        stamp = calendar.timegm(tuple(int(g) for g in m.groups()[:6]) + (0, 0, 0))
    except (ValueError, OverflowError):
        return default
    zone = m.group(7)
    if zone and zone not in (b"Z", b"z"):
        sign = 1 if zone[:1] == b"+" else -1
        digits = zone[1:].replace(b":", b"")
        stamp -= sign * (int(digits[:2]) * 3600 + int(digits[2:4]) * 60)
    return float(stamp)


def test_timestamps_parse_as_with_calendar():
    """Stand-in: none; every month of years around the leap rules, odd days and times, and
    stamps calendar rejects (year 0, month 0 or 13)."""
    rng = random.Random(7)
    for year in [1, 4, 100, 400, 1600, 1899, 1900, 1970, 1999, 2000, 2024, 2026, 2100, 9999]:
        for month in range(1, 13):
            day, hour, minute, second = rng.randrange(40), rng.randrange(30), rng.randrange(70), rng.randrange(70)
            assert _timegm(year, month, day, hour, minute, second) == calendar.timegm(
                (year, month, day, hour, minute, second, 0, 0, 0))
    lines = [f"{y:04d}-{m:02d}-{d:02d}{sep}{h:02d}:{mi:02d}:{s:02d}{frac}{zone} msg".encode()
             for y, m, d, h, mi, s, sep, frac, zone in (
                 (rng.choice([0, 1, 1970, 2024, 2026, 9999]), rng.randrange(14), rng.randrange(33), rng.randrange(25),
                  rng.randrange(61), rng.randrange(61), rng.choice("T "), rng.choice(["", ".123", ",5"]),
                  rng.choice(["", "Z", "+02:00", "-0530", " +0100"]))
                 for _ in range(3000))]
    for line in lines + [b"no stamp here", b"2026-11-27T10:00:00Z"]:
        assert event_time_at_start(line, -1.0) == _reference_event_time(line, -1.0), line


def test_compiled_cache_rebuilds_the_same_patterns(tmp_path, catalog, monkeypatch):
    """Stand-in: a temp cache folder. Stored, loaded, equal to re.compile's patterns (same
    code, flags, groups); another pattern list, another Python build or a damaged file
    means compiling afresh."""
    items = [(s.encode(), RE_FLAGS) for e in catalog for s in e.signatures]
    items += [(e.resource_pattern, re.IGNORECASE) for e in catalog if e.resource_pattern]
    expected = [re.compile(pattern, flags) for pattern, flags in items]
    first = compiled_cache.compile_all(items, tmp_path)
    [stored] = tmp_path.glob("regex-*.marshal")
    calls = []
    real_compile = re.compile
    monkeypatch.setattr(compiled_cache.re, "compile", lambda *a: calls.append(a) or real_compile(*a))
    second = compiled_cache.compile_all(items, tmp_path)
    assert calls == []  # all of them from the stored form
    assert first == second == expected
    assert [p.groupindex for p in second] == [p.groupindex for p in expected]
    stored.write_bytes(b"\x00damaged")
    assert compiled_cache.compile_all(items, tmp_path) == expected and len(calls) == len(items)
    calls.clear()
    monkeypatch.setattr(compiled_cache, "_BUILD", ("another", "python"))
    assert compiled_cache.compile_all(items[:3], tmp_path) == expected[:3] and len(calls) == 3
    assert compiled_cache.compile_all(items, None) == expected


def _damaged(line: bytes, rng: random.Random) -> list[bytes]:
    """`line` with paste damage of every kind the engine repairs or regroups (as one or
    more lines), or as it is."""
    roll = rng.random()
    if roll < 0.1:
        return [line.replace(b'"', b'\\"')]
    if roll < 0.15:
        return [line.replace(b" ", "\u00a0".encode(), 2)]
    if roll < 0.2:
        return [line.replace(b"'", "\u2019".encode()).replace(b'"', b"&quot;").replace(b"<", b"\\u003c")]
    if roll < 0.25:
        return [b"  " + line]  # a continuation
    if roll < 0.3:  # compose, journald, quote and gutter prefixes, on bare and indented lines
        return [rng.choice([b"web-1  | ", b"May 15 23:09:27 host app[7]: ", b"> ", b" 12  "])
                + rng.choice([b"", b"  "]) + line]
    if roll < 0.35:  # a box line (Terraform, k9s)
        return [rng.choice(["│ ", "  ││ "]).encode() + line]
    if roll < 0.4:  # cut at 80 columns
        return [line[i:i + 80] for i in range(0, max(len(line), 1), 80)]
    if roll < 0.45 and b" " in line:  # folded where a tool marks it
        head, _, tail = line.rpartition(b" ")
        return [head + " \u21b5".encode(), tail]
    return [line]


def _catalog_log(seed: int) -> bytes:
    """Every positive sample of the catalog between healthy lines, some damaged, with
    tracebacks and indented lines, so regions and sync points meet damaged lines."""
    rng = random.Random(seed)
    blocks = [sample_lines(p) for d in sorted(CATALOG_DIR.iterdir()) if d.is_dir()
              for p in load_samples(d)["positive"]]
    out: list[bytes] = []
    for number in range(4000):
        if rng.random() < 0.08:
            out.extend(piece for line in rng.choice(blocks) if line.strip() for piece in _damaged(line, rng))
        elif rng.random() < 0.02:
            out.extend([b"Traceback (most recent call last):", b'  File "x", line 1', b"ValueError: x"])
        else:
            out.extend(_damaged(f'10.0.0.{number % 250} - - "GET /api/v1/pets HTTP/1.1" 200 {number}'.encode(), rng))
    return b"\n".join(out) + b"\n"


@pytest.mark.parametrize(("seed", "block_size"), [(1, 4096), (2, 64 * 1024), (3, 1 << 20)])
def test_real_catalog_bulk_with_cache_equals_line_by_line(tmp_path, catalog, seed, block_size):
    """Stand-in: none; the real catalog over a log of its own samples with paste damage
    mixed in: the bulk path (compiled regexes from the cache folder, normalising only
    the damaged lines) finds what feeding line by line finds, with either matcher."""
    data = _catalog_log(seed)
    results = []
    for kind in MATCHERS:
        for cache_dir in (None, tmp_path / kind, tmp_path / kind):  # no cache, cold, warm
            bulk = Engine(catalog, matcher=kind, clock=lambda: 1.0, cache_dir=cache_dir)
            bulk.scan_stream(io.BytesIO(data), resource="log", block_size=block_size)
            results.append(sorted((f.failure_id, f.resource, f.count, tuple(f.evidence)) for f in bulk.findings()))
            assert bulk.lines_read == data.count(b"\n")
        lines = Engine(catalog, matcher=kind, clock=lambda: 1.0)
        lines.feed_many(data.split(b"\n")[:-1], resource="log")
        lines.flush()
        results.append(sorted((f.failure_id, f.resource, f.count, tuple(f.evidence)) for f in lines.findings()))
    assert len({f[0] for f in results[0]}) >= 30
    assert all(r == results[0] for r in results)


def test_engine_takes_its_signatures_from_the_cache(tmp_path, catalog):
    """Stand-in: a temp cache folder; the engine's patterns are the signatures compiled."""
    engine = Engine(catalog, matcher="python", cache_dir=tmp_path)
    signatures = [s for e in catalog for s in e.signatures]
    assert list(engine.matcher.patterns) == [compile_signature(s) for s in signatures]
    with pytest.raises(ValueError):
        engine.matcher.use_patterns([])


def test_ruled_out_patterns_come_from_the_cache_too(tmp_path, catalog, monkeypatch):
    """Stand-in: a temp cache folder. An engine on a warm cache compiles none of the
    catalog's `ruled_out_by` patterns when its events meet them, and finds and rules out
    what an engine without the cache does (each entry's samples)."""
    ruling_out = [entry for entry in catalog if entry.ruled_out_by]
    assert len(ruling_out) >= 5
    Engine(catalog, matcher="python", cache_dir=tmp_path)  # fills the cache
    warm = Engine(catalog, matcher="python", cache_dir=tmp_path, clock=lambda: 1.0)
    calls = []
    real_compile = re.compile
    monkeypatch.setattr(re, "compile", lambda *a, **k: calls.append(a[0]) or real_compile(*a, **k))
    data = b"\n".join(line for entry in ruling_out for kind in ("negative", "positive")
                      for path in load_samples(CATALOG_DIR / entry.id)[kind] for line in sample_lines(path)) + b"\n"
    warm.scan_bytes(data, resource="log")
    monkeypatch.setattr(re, "compile", real_compile)
    # ruled_out_by_context's patterns (and its when_event) come from the cache as well
    patterns = {p.encode() for entry in ruling_out
                for p in (*entry.ruled_out_by, *entry.ruled_out_by_context, entry.context_when_event or "") if p}
    assert any(entry.ruled_out_by_context for entry in ruling_out)
    assert not patterns & set(calls)
    cold = Engine(catalog, matcher="python", clock=lambda: 1.0)
    cold.scan_bytes(data, resource="log")
    found = [(f.failure_id, f.resource, f.count, f.evidence) for f in warm.findings()]
    assert found == [(f.failure_id, f.resource, f.count, f.evidence) for f in cold.findings()]
    assert {entry.id for entry in ruling_out} <= {f[0] for f in found}


# ---- re's own cache kept across runs (petstore_core/regex_cache.py, petstore_tui/cli.py)
_PROCESS_PATTERNS = [
    (r"(?i)\b(basic\s+)([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])", 0),  # the redactor's shape of rule
    (rb"(?P<stamp>\d{4}-\d\d-\d\d)[T ](\d\d):(\d\d)", re.MULTILINE),
    (r"not\s+authorized\s+to\s+perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)", re.IGNORECASE),
]


def test_re_cache_is_filled_with_the_patterns_a_run_compiled(tmp_path, monkeypatch):
    """Stand-in: a dict in the place of re's cache and a temp cache folder. What a run
    compiled is stored once; the next run's re.compile gets the rebuilt patterns (equal
    to re.compile's: code, flags, groups); nothing is written while nothing is new;
    another Python build's file or a damaged one is left alone."""
    from petstore_core import regex_cache

    run = {}
    monkeypatch.setattr(regex_cache, "_RE_CACHE", run)
    monkeypatch.setattr(regex_cache, "_stored", set())
    expected = {}
    for pattern, flags in _PROCESS_PATTERNS:
        run[type(pattern), pattern, int(flags)] = expected[type(pattern), pattern, int(flags)] = re.compile(pattern, flags)
    assert regex_cache.save(tmp_path)
    stored = tmp_path / regex_cache.FILE_NAME
    written = stored.stat().st_mtime_ns
    assert not regex_cache.save(tmp_path)  # nothing new since

    following = {}
    monkeypatch.setattr(regex_cache, "_RE_CACHE", following)
    monkeypatch.setattr(regex_cache, "_stored", set())
    assert regex_cache.preload(tmp_path) == len(_PROCESS_PATTERNS)
    assert following == expected
    assert all(following[key] is not expected[key] for key in expected)  # rebuilt, not re-compiled objects
    assert [p.groupindex for p in following.values()] == [p.groupindex for p in expected.values()]
    assert not regex_cache.save(tmp_path) and stored.stat().st_mtime_ns == written
    following[str, "a+b", 0] = re.compile("a+b")  # this run compiled one more
    assert regex_cache.save(tmp_path)

    for build, data in ((("another", "python"), None), (regex_cache.BUILD, b"\x00damaged")):
        monkeypatch.setattr(regex_cache, "_RE_CACHE", {})
        monkeypatch.setattr(regex_cache, "BUILD", build)
        if data is not None:
            stored.write_bytes(data)
        assert regex_cache.preload(tmp_path) == 0 and regex_cache._RE_CACHE == {}
    assert regex_cache.preload(tmp_path / "absent") == 0


def test_re_compile_answers_from_the_preloaded_cache(tmp_path, monkeypatch):
    """Stand-in: a temp cache folder; the real re module. A preloaded pattern is what
    re.compile returns, without compiling it (re's cache is purged before and after)."""
    from re import _compiler

    from petstore_core import regex_cache

    monkeypatch.setattr(regex_cache, "_stored", set())
    re.purge()
    try:
        for pattern, flags in _PROCESS_PATTERNS:
            re.compile(pattern, flags)
        assert regex_cache.save(tmp_path)
        re.purge()
        assert regex_cache.preload(tmp_path) == len(_PROCESS_PATTERNS)
        calls = []
        real = _compiler.compile
        monkeypatch.setattr(_compiler, "compile", lambda *a: calls.append(a) or real(*a))
        for pattern, flags in _PROCESS_PATTERNS:
            assert re.compile(pattern, flags) == real(pattern, flags)
        assert calls == []
    finally:
        re.purge()


def test_the_catalogs_patterns_stay_out_of_res_cache(tmp_path):
    """Stand-in: a temp cache folder and three made-up signatures; the real re module. A
    cold compile of the catalog left its ~500 patterns in re's cache, so the file of re's
    cache stored them and every later run rebuilt them all (~6 ms, more than it saved)."""
    from checks.engine import compiled

    items = [(rf"catalog-only-{i}\s+\d+", re.IGNORECASE) for i in range(3)]
    re.purge()
    try:
        patterns = compiled.compile_all(items, tmp_path)  # a miss: compiled by re, then stored
        assert [p.pattern for p in patterns] == [p for p, _ in items]
        assert not [key for key in re._cache if key[1] in {p for p, _ in items}]
        assert compiled.compile_all(items, tmp_path) == patterns  # the stored form still serves
    finally:
        re.purge()


def test_diagnose_runs_the_same_with_the_stored_patterns(tmp_path):
    """Stand-in: a temp state folder and the fixture catalog; two whole `diagnose`
    processes (the first stores what it compiled, the second starts from it): the same
    report."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    log = tmp_path / "x.log"
    log.write_text("2026-11-27T10:00:01Z AccessDenied: User: arn:aws:sts::1:assumed-role/r/1 is not authorized "
                   "to perform: elasticloadbalancing:AddTags on resource: x password=hunter22\nok\n")
    env = dict(os.environ, PETSTORE_TUI_HOME=str(tmp_path / "state"),
               PETSTORE_TUI_CATALOG=str(Path(__file__).parent / "fixtures" / "catalog"))
    docs = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-m", "petstore_tui", "diagnose", "--json", str(log)], env=env,
                              capture_output=True, timeout=300, cwd=repo)
        assert proc.returncode == 1, proc.stderr
        doc = json.loads(proc.stdout)
        doc.pop("generated_at"), doc.pop("seconds")
        docs.append(doc)
    assert (tmp_path / "state" / "cache" / "re-cache.marshal").is_file()
    assert docs[0] == docs[1] and "hunter22" not in json.dumps(docs[0])
    assert [f["id"] for f in docs[0]["findings"]] == ["fixture-addtags-denied"]


@pytest.mark.skipif(not hyperscan_available(), reason="Hyperscan is not installed")
@pytest.mark.parametrize(("seed", "block_size"), [(4, 4096), (5, 64 * 1024)])
def test_the_threaded_hyperscan_pass_finds_what_line_by_line_finds(tmp_path_factory, catalog, monkeypatch, seed,
                                                                   block_size):
    """The bulk path's Hyperscan pass of each block on a second thread (matcher.py
    `candidates_begin`, kept on here whatever the machine's load): the same findings as
    feeding the lines one by one and as the bulk path scanning on one thread. It failed
    with the thread's hit offsets left relative to the block's first sync point."""
    import checks.engine.bulk_scan as bulk_scan
    import checks.engine.matcher as matcher_module

    monkeypatch.setattr(bulk_scan, "LATE_STARTS", 10**9)
    monkeypatch.setattr(bulk_scan, "_core_free", lambda: True)
    begun = []
    original = matcher_module.HyperscanMatcher.candidates_begin

    def counted(self, buf, lo, hi):
        started = original(self, buf, lo, hi)
        begun.append(started is not None)
        return started

    monkeypatch.setattr(matcher_module.HyperscanMatcher, "candidates_begin", counted)
    data = _catalog_log(seed)
    cache_dir = tmp_path_factory.getbasetemp() / "threaded-hyperscan-cache"  # the catalog compiled once
    results = []
    for threads in (True, False):
        if not threads:
            monkeypatch.setattr(matcher_module.HyperscanMatcher, "candidates_begin", lambda *args: None)
        bulk = Engine(catalog, matcher="hyperscan", clock=lambda: 1.0, cache_dir=cache_dir)
        bulk.scan_stream(io.BytesIO(data), resource="log", block_size=block_size)
        results.append(sorted((f.failure_id, f.resource, f.count, tuple(f.evidence)) for f in bulk.findings()))
        assert bulk.lines_read == data.count(b"\n")
    lines = Engine(catalog, matcher="hyperscan", clock=lambda: 1.0, cache_dir=cache_dir)
    lines.feed_many(data.split(b"\n")[:-1], resource="log")
    lines.flush()
    results.append(sorted((f.failure_id, f.resource, f.count, tuple(f.evidence)) for f in lines.findings()))
    if hs_backend_kind() == "system":
        assert sum(begun) >= 3  # the thread did scan blocks
    assert len({f[0] for f in results[0]}) >= 30
    assert results[0] == results[1] == results[2]


def hs_backend_kind() -> str:
    import checks.engine.hs_backend as hs_backend

    return hs_backend.load().name


def test_a_second_thread_only_where_a_core_is_free(monkeypatch):
    """The threaded Hyperscan pass waits for a core on a busy machine (docs/knowledge/
    diagnose-speed.md, round 6): not with one core, nor at a load average of the cores' count."""
    import checks.engine.bulk_scan as bulk_scan

    monkeypatch.setattr(bulk_scan, "_cores", lambda: 1)
    monkeypatch.setattr(bulk_scan.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert not bulk_scan._core_free()
    monkeypatch.setattr(bulk_scan, "_cores", lambda: 2)
    assert bulk_scan._core_free()
    monkeypatch.setattr(bulk_scan.os, "getloadavg", lambda: (2.0, 0.0, 0.0))
    assert not bulk_scan._core_free()
