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
