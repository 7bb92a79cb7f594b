"""The bulk path's remembered normalisations (normalize.normalise_line) give what normalise
gives, and the bulk path over the Pet Store app's own JSON log lines (escapes, exceptions,
unicode, the catalog's messages inside `message`) finds what feeding line by line finds
(docs/knowledge/diagnose-speed.md, round 15).

Stand-in: none; the real catalog, the plain normalise as the reference."""

from __future__ import annotations

import io
import json
import random

import pytest

import checks.engine.normalize as normalize
from checks.catalog_loader import CATALOG_DIR, load_catalog, load_samples, sample_lines
from checks.engine import Engine
from checks.engine.matcher import hyperscan_available

MATCHERS = ["python"] + (["hyperscan"] if hyperscan_available() else [])
TIME_KEYS = ("time", "ts", "@timestamp")  # "ts" (what petstore/logs.py writes) is no record timestamp


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(CATALOG_DIR)


def _messages() -> list[str]:
    samples = [line.decode("utf-8", "replace") for d in sorted(CATALOG_DIR.iterdir()) if d.is_dir()
               for p in load_samples(d)["positive"] for line in sample_lines(p) if line.strip()]
    return samples + [
        "ImportError: cannot import name 'url_quote' from 'werkzeug.urls' (/usr/lib/python3/werkzeug/urls.py)",
        'psycopg2.OperationalError: connection to server at "db" (10.0.0.5), port 5432 failed: '
        "Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?",
        "sqlite3.OperationalError: attempt to write a readonly database",
        "caf\u00e9 \u2019quoted\u2019\u00a0nbsp \u201cdouble\u201d <tag> &amp; \\u003c C:\\new\\x.js:1:2\n    at y",
        "  indented \"quoted\" back\\slash\ttab",
    ]


def _app_log(seed: int, lines: int = 1500) -> bytes:
    """JSON lines as petstore/logs.py writes them (and with `time`, which unwraps): access
    lines, and the catalog's messages, escaped or as UTF-8, some with a traceback field."""
    rng = random.Random(seed)
    messages = _messages()
    out = []
    for n in range(lines):
        entry = {rng.choice(TIME_KEYS): f"2026-12-07T10:00:{n % 60:02d}Z", "level": "INFO", "logger": "petstore.access"}
        if rng.random() < 0.7:
            entry["message"] = f"GET /api/pets/{n} 200"
            entry.update(request_id=f"{rng.getrandbits(128):032x}", method="GET", status=200, duration_ms=1.5)
        else:
            message = rng.choice(messages)
            entry.update(level="ERROR", logger="petstore.app", message=message)
            if rng.random() < 0.3:
                entry["exception"] = "Traceback (most recent call last):\n  File \"/app/x.py\", line 3\n" + message
        key = "log" if rng.random() < 0.05 else None  # docker's json-file record around a line
        text = json.dumps(entry, ensure_ascii=rng.random() < 0.5, separators=(",", ":"))
        if key:
            text = json.dumps({key: text + "\n", "stream": "stderr", "time": "2026-12-07T10:00:00Z"})
        out.append(text.encode("utf-8"))
    return b"\n".join(out) + b"\n"


def test_remembered_normalisation_equals_normalise(monkeypatch):
    """Every line of an app log, asked once, again, and after the generations turned over
    (a small RECENT_BYTES), normalises as normalise does; lines that differ in one byte
    (an escape) keep their own answers."""
    monkeypatch.setattr(normalize, "_recent", [{}, {}, 0])
    monkeypatch.setattr(normalize, "RECENT_BYTES", 4096)
    lines = _app_log(5, 800).split(b"\n")[:-1]
    lines += [json.dumps({"time": "t", "message": m}, ensure_ascii=ascii_).encode()
              for m in _messages()[-5:] for ascii_ in (True, False)]
    lines += [line.replace(b"\\u00e9", b"\\u00e8") for line in lines if b"\\u00e9" in line]
    assert any(b"\\n" in line for line in lines) and any("\u2019".encode() in line for line in lines)
    for round_ in range(3):
        for line in lines if round_ != 1 else reversed(lines):
            assert normalize.normalise_line(line) == normalize.normalise(line)


def test_a_line_too_long_to_keep_is_normalised_each_time(monkeypatch):
    monkeypatch.setattr(normalize, "_recent", [{}, {}, 0])
    line = json.dumps({"time": "t", "message": "x\\u00e9" * normalize.RECENT_LINE}).encode()
    assert normalize.normalise_line(line) == normalize.normalise(line) == normalize.normalise_line(line)
    assert line not in normalize._recent[0] and line not in normalize._recent[1]


@pytest.mark.parametrize(("seed", "block_size"), [(1, 4096), (2, 1 << 20)])
def test_bulk_path_over_app_json_lines_equals_line_by_line(catalog, monkeypatch, seed, block_size):
    """The bulk path (remembered normalisations, generations turning over within a block)
    finds over the app's JSON lines what feeding them line by line finds, with either
    matcher: the same findings, counts and evidence."""
    monkeypatch.setattr(normalize, "_recent", [{}, {}, 0])
    monkeypatch.setattr(normalize, "RECENT_BYTES", 64 * 1024)
    data = _app_log(seed)
    results = []
    for kind in MATCHERS:
        bulk = Engine(catalog, matcher=kind, clock=lambda: 1.0)
        bulk.scan_stream(io.BytesIO(data), resource="log", block_size=block_size)
        results.append(sorted((f.failure_id, f.count, tuple(f.evidence)) for f in bulk.findings()))
        assert bulk.lines_read == data.count(b"\n")
        lines = Engine(catalog, matcher=kind, clock=lambda: 1.0)
        lines.feed_many(data.split(b"\n")[:-1], resource="log")
        lines.flush()
        results.append(sorted((f.failure_id, f.count, tuple(f.evidence)) for f in lines.findings()))
    assert len({f[0] for f in results[0]}) >= 10
    assert all(r == results[0] for r in results)
