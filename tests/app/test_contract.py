"""The API against its own OpenAPI document: schemathesis with every check (positive and
negative data, stateful links) against real gunicorn on loopback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from petstore.validation import TEXT_PATTERN, text_problem

from .gunicorn_proc import GunicornProcess

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = 40  # per operation and phase: about 700 requests, some 10 s on this machine kind


def test_schemathesis_with_every_check_finds_no_disagreement(tmp_path):
    """Stand-in: real gunicorn (one worker) on 127.0.0.1 over SQLite in tmp_path; the
    schemathesis CLI with `--checks all` and every phase (coverage, fuzzing, stateful)."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'petstore.db'}", "LOG_LEVEL": "WARNING"}
    with GunicornProcess(tmp_path / "gunicorn.log", env, workers=1) as server:
        server.wait_ready()
        done = subprocess.run(
            [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run",
             f"{server.base}/api/v1/openapi.json", "--checks", "all",
             "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", str(EXAMPLES),
             "--seed", "20261205", "--workers", "1", "--generation-database", "none",
             "--no-color", "--report-dir", str(tmp_path / "report")],
            capture_output=True, text=True, timeout=600, cwd=tmp_path)
        assert server.proc.poll() is None, server.log_text()[-3000:]
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
    assert "No issues found" in done.stdout


TEXT = re.compile(TEXT_PATTERN)


def _documented(value: str, max_len: int = 50) -> bool:
    return 1 <= len(value) <= max_len and TEXT.search(value) is not None and not value.endswith("\n")


@pytest.mark.parametrize("value", [
    "Rex", "Mr. Whiskers", "x", "名前", "tab\tname", "line\nbreak", "nul\x00", "del\x7f", "c1\x85",
    "", " ", "\u3000\u00a0", " padded ", "x" * 50, "x" * 51, "zero\u200bwidth",
])
def test_document_pattern_and_validation_agree(value):
    """Stand-in: none; the pattern the document publishes against the app's own check."""
    assert _documented(value) == (text_problem(value, 50) is None), repr(value)


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_document_pattern_and_validation_agree_on_any_text(value):
    """Stand-in: none; hypothesis text (no surrogates: see the next test)."""
    assert _documented(value) == (text_problem(value, 50) is None), repr(value)


def test_unpaired_surrogate_is_refused_as_the_document_describes(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    doc = client.get("/api/v1/openapi.json").get_json()
    name = doc["components"]["schemas"]["PetInput"]["properties"]["name"]
    assert "unpaired surrogates" in name["description"] and name["pattern"] == TEXT_PATTERN
    resp = client.post("/api/v1/pets", data='{"name": "\\ud800", "species": "cat"}',
                       content_type="application/json")
    assert resp.status_code == 422
    assert resp.get_json()["errors"] == [{"field": "name", "message": "must not contain control characters"}]
