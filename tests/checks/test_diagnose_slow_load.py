"""`diagnose` on a terminal says why a first run is silent (the catalog's first compile);
piped output stays exactly the report."""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import pytest

import checks.engine
from petstore_tui import cli
from petstore_tui.commands import diagnose

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"


class Stream(io.StringIO):
    def __init__(self, terminal: bool):
        super().__init__()
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


@pytest.fixture
def log(tmp_path, monkeypatch) -> str:
    """Stand-in: the two-entry fixture catalog instead of checks/catalog, and a healthy log."""
    monkeypatch.setenv("PETSTORE_TUI_CATALOG", str(FIXTURES))
    path = tmp_path / "ok.log"
    path.write_text("GET /api/v1/health 200\n" * 5)
    return str(path)


def slow_load(monkeypatch, seconds: float) -> None:
    """Stand-in for a cold Hyperscan compile: the real load, made slow."""
    real = checks.engine.load_default_engine

    def load(*args, **kwargs):
        time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(checks.engine, "load_default_engine", load)


def run(monkeypatch, capsys, terminal: bool, *argv: str) -> tuple[int, str, Stream]:
    stream = Stream(terminal)
    monkeypatch.setattr(sys, "stderr", stream)
    code = cli.main(["diagnose", *argv])
    return code, capsys.readouterr().out, stream


def test_a_terminal_hears_why_a_slow_load_is_silent(log, monkeypatch, capsys):
    monkeypatch.setattr(diagnose, "SLOW_LOAD_AFTER", 0.05)
    slow_load(monkeypatch, 0.5)
    code, out, err = run(monkeypatch, capsys, True, log)
    assert code == 0
    assert diagnose.SLOW_LOAD_NOTE in err.getvalue()
    assert "no known failures found in 5 lines" in out


def test_piped_stderr_gets_no_note(log, monkeypatch, capsys):
    monkeypatch.setattr(diagnose, "SLOW_LOAD_AFTER", 0.05)
    slow_load(monkeypatch, 0.5)
    code, out, err = run(monkeypatch, capsys, False, "--json", log)
    assert code == 0
    assert err.getvalue() == ""
    assert out.startswith("{")


def test_a_load_that_ended_never_notes_later(log, monkeypatch, capsys):
    monkeypatch.setattr(diagnose, "SLOW_LOAD_AFTER", 1.0)
    code, _, err = run(monkeypatch, capsys, True, log)
    time.sleep(1.3)  # past the delay: a timer left running would have printed by now
    assert code == 0
    assert err.getvalue() == ""


def test_a_closed_or_odd_stream_is_not_a_terminal():
    closed = io.StringIO()
    closed.close()
    assert diagnose.note_a_slow_load(closed)() is None
    assert diagnose.note_a_slow_load(object())() is None
    assert diagnose.note_a_slow_load(None)() is None
