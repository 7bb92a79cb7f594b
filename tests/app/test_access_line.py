"""The fast access line is byte for byte what JsonFormatter writes for the same fields."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest
from petstore.logs import JsonFormatter, access_line

PATHS = ["/api/v1/pets/1", '/odd"quote\\back', "/é/日本/🐕", "/ctl\x01\x7f", "/x/p://user:s3cret@db/"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("duration", "addr"), [(0.42, "127.0.0.1"), (None, None), (1234.5, "::1")])
def test_access_line_matches_the_formatter(monkeypatch, path, duration, addr):
    """Stand-in: none (stdout swapped for a buffer)."""
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    access_line("req-1", "GET", path, 404, duration, addr)
    line = out.getvalue()
    assert line.endswith("\n") and line.count("\n") == 1
    record = logging.LogRecord("petstore.access", logging.INFO, __file__, 1, "%s %s %s", ("GET", path, 404), None)
    fields = {"request_id": "req-1", "method": "GET", "path": path, "status": 404,
              "duration_ms": duration, "remote_addr": addr}
    for name, value in fields.items():
        setattr(record, name, value)
    expected = JsonFormatter().format(record)
    got = line.rstrip("\n")
    # Same bytes after the timestamp (taken at slightly different instants).
    assert got.split('", ', 1)[1] == expected.split('", ', 1)[1]
    entry = json.loads(got)
    assert entry["ts"].endswith("Z") and len(entry["ts"]) == 24
    assert "s3cret" not in got


# Paths that take mask()'s slow path, or come close: a password word in any case, one
# spelled with a long s (Unicode case folding: only non-ASCII text may match that way),
# URL credentials, a control character escaped next to `ss`.
MASKED_PATHS = ["/login/PassWord=hunter2", "/x/pa\u017f\u017fword=zz", "/r/postgresql://u:pw@db/x",
                "/e\x1ass/password:abc", "/no-secret-here"]


@pytest.mark.parametrize("path", MASKED_PATHS)
@pytest.mark.parametrize("known", [set(), {"hunter2"}, {"store.acc"}, {'"status": 2'}])
def test_access_line_masks_as_the_formatter_does(monkeypatch, path, known):
    """Secrets registered with redact.register_secret are masked anywhere in the line, even
    across the fixed text; the patterns only where the formatter's mask() would.
    Stand-in: none (stdout swapped for a buffer)."""
    from petstore import redact

    monkeypatch.setattr(redact, "_known", set(known))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    access_line("req-1", "GET", path, 200, 1.5, "10.0.0.7")
    record = logging.LogRecord("petstore.access", logging.INFO, __file__, 1, "%s %s %s", ("GET", path, 200), None)
    for name, value in {"request_id": "req-1", "method": "GET", "path": path, "status": 200,
                        "duration_ms": 1.5, "remote_addr": "10.0.0.7"}.items():
        setattr(record, name, value)
    expected = JsonFormatter().format(record)
    assert out.getvalue().rstrip("\n").split("Z", 1)[1] == expected.split("Z", 1)[1]


_CRASHING_WORKER = """
import os, sys
sys.path.insert(0, sys.argv[1])
from petstore.logs import access_line
print("before", end="")  # left in the text stream's buffer
access_line("req-crash", "GET", "/api/v1/pets/" + "9" * 70000, 200, 0.5, "127.0.0.1")
os._exit(3)  # a worker killed at once: no flush of Python's buffers, no atexit
"""


def test_an_access_line_is_out_before_the_worker_dies(tmp_path):
    """The line is written to the file descriptor (a pipe here, longer than a pipe takes at
    once) before access_line returns, after what print() had buffered.
    Stand-in: a child Python that ends with os._exit, as a killed gunicorn worker does."""
    import subprocess
    from pathlib import Path

    app_dir = Path(__file__).resolve().parents[2] / "petstore-app"
    done = subprocess.run([sys.executable, "-c", _CRASHING_WORKER, str(app_dir)], capture_output=True,
                          timeout=60, check=False)
    assert done.returncode == 3, done.stderr
    text = done.stdout.decode()
    assert text.startswith("before{") and text.endswith("\n") and text.count("\n") == 1
    assert json.loads(text[len("before"):])["path"].endswith("9" * 70000)


def test_the_timestamp_is_the_formatters():
    """`ts` as JsonFormatter writes it, at every millisecond of a second and across one."""
    from petstore.logs import _timestamp

    for now in (1764921600.0, 1764921600.0005, 1764921600.999999, 1764921601.25, 1764921659.9999999):
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", (), None)
        record.created, record.msecs = now, int((now - int(now)) * 1000)
        assert _timestamp(now) == json.loads(JsonFormatter().format(record))["ts"]
