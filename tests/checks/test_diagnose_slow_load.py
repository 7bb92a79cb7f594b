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
    """A load that is slow although the compiled catalog is cached (a loaded machine)."""
    run(monkeypatch, capsys, True, log)  # the compile, stored
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


def test_a_first_run_says_why_before_the_compile_starts(log, monkeypatch, capsys):
    """Found opening the tool in a fresh state folder: `diagnose` sat silent for the
    catalog's first compile (90 s at load 2 here) and the timer's note came only after a
    second of it. Now a terminal hears at once, before the compile, what it waits for and
    that `catalog warm` pays it ahead; the second run, loading the cache, hears nothing.
    Stand-ins: the fixture catalog (compiled here, its own cache key) in the test's own
    state folder, and a timer too late to be what speaks."""
    import os

    for stored in (Path(os.environ["PETSTORE_TUI_HOME"]) / "cache").glob("hyperscan-*.db"):
        stored.unlink()  # what earlier tests stored (tests/support/shared_compiles.py): a fresh folder
    monkeypatch.setattr(diagnose, "SLOW_LOAD_AFTER", 60.0)
    code, out, err = run(monkeypatch, capsys, True, log)
    assert code == 0 and "no known failures found in 5 lines" in out
    assert "compiling the catalog first" in err.getvalue() and "catalog warm" in err.getvalue()
    code, _, err = run(monkeypatch, capsys, True, log)
    assert code == 0 and err.getvalue() == ""
