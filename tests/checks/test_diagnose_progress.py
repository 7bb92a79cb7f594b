"""`diagnose` on a terminal counts what a long scan has read; piped, it stays the report.

Found walking the on-call path (fix-23): `diagnose` on a 200 MB log of the app's own JSON
lines ran 2 min 7 s at load 5 with nothing on the terminal, like a hang. Stand-ins: the
two-entry fixture catalog, a healthy log, and the real scan made slow by a wrapper."""

from __future__ import annotations

import time

import pytest

import petstore_tui.services.log_scan as log_scan
from petstore_tui.commands import diagnose_progress
from tests.checks.test_diagnose_slow_load import log, run  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("log")


@pytest.fixture
def slow_scan(monkeypatch):
    real = log_scan.scan_paths

    def scan(*args, **kwargs):
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(log_scan, "scan_paths", scan)
    monkeypatch.setattr(diagnose_progress, "PROGRESS_AFTER", 0.05)
    monkeypatch.setattr(diagnose_progress, "PROGRESS_EVERY", 0.05)


def test_a_long_scan_on_a_terminal_says_what_it_has_read_then_wipes_the_line(log, slow_scan,  # noqa: F811
                                                                             monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, err = run(monkeypatch, capsys, True, log)
    assert code == 0 and "no known failures found in 5 lines" in out
    said = err.getvalue()
    assert "petstore-tui diagnose: reading ok.log: " in said
    assert "so far" in said and "(Ctrl+C stops with a partial report)" in said
    assert said.endswith(diagnose_progress.CLEAR)  # wiped before the report


def test_piped_stderr_gets_no_progress(log, slow_scan, monkeypatch, capsys):  # noqa: F811
    code, out, err = run(monkeypatch, capsys, False, "--json", log)
    assert code == 0 and out.startswith("{") and err.getvalue() == ""


def test_a_quick_scan_shows_nothing_but_its_report(log, monkeypatch, capsys):  # noqa: F811
    code, out, err = run(monkeypatch, capsys, True, log)
    assert code == 0 and "reading" not in err.getvalue()


def test_the_progress_line_keeps_to_one_row_at_80_columns(log, slow_scan, monkeypatch, capsys):  # noqa: F811
    """A line wrapped onto a second row would leave it behind when the line is rewritten."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run(monkeypatch, capsys, True, log)
    rows = [row for row in err.getvalue().split(diagnose_progress.CLEAR) if row]
    assert rows and all(len(row) < 80 for row in rows)


def test_the_progress_line_fits_stderrs_width_not_stdouts(monkeypatch):
    """Stand-ins: stderr (where the line goes) a terminal of 80 columns, stdout one of 200
    (`diagnose app.log | less` has it the other way round), an engine that has read 12 lines.
    Before, the line was cut to stdout's width and wrapped onto a second row at 80."""
    import threading

    from tests.support.terminals import TerminalStream, widths

    class Written(TerminalStream):
        def __init__(self, fd):
            super().__init__(fd)
            self.said = threading.Event()

        def write(self, text):
            super().write(text)
            self.said.set()
            return len(text)

    class Engine:
        lines_read = 12

    widths(monkeypatch, {1: 200, 2: 80})
    monkeypatch.setattr(diagnose_progress, "PROGRESS_AFTER", 0)
    stderr = Written(2)
    end = diagnose_progress.note_progress(stderr, Engine(), ["/var/log/a-rather-long-folder-name/controller.log"])
    assert stderr.said.wait(30)
    end()
    rows = [row for row in stderr.getvalue().split(diagnose_progress.CLEAR) if row]
    assert rows and all(len(row) < 80 for row in rows), rows
