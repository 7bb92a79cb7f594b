"""Leaving the TUI while the sandbox runs says so, and how to stop it."""

from __future__ import annotations

import argparse
import os
import time

import pytest

from petstore_core import sandbox_state
from petstore_core.settings import Target
from petstore_tui.commands import tui
from petstore_tui.services import sandbox_inventory
from tests.support.terminals import TerminalStream, widths


class QuitAtOnce:
    """Stands in for PetstoreApp: the operator pressed q."""

    return_code = 0

    def __init__(self, services, initial):
        pass

    def run(self):
        pass


def _quit(monkeypatch, capsys) -> str:
    monkeypatch.setattr("petstore_tui.app.PetstoreApp", QuitAtOnce)
    assert tui.run(argparse.Namespace(catalog=None, file=None), Target(sandbox=True)) == 0
    return capsys.readouterr().err


def test_quitting_while_the_emulator_runs_names_it_and_the_stop_command(monkeypatch, capsys):
    """Stand-ins: the app (quits at once), a sandbox state naming this test's own pid as
    the emulator's (alive). Before, q left moto listening and said nothing."""
    sandbox_state.write(sandbox_state.SandboxState(endpoint="http://127.0.0.1:45123", pid=os.getpid(),
                                                   started_at=time.time()))
    sandbox_inventory.update(app={"url": "http://127.0.0.1:45200"})
    monkeypatch.setenv("COLUMNS", "200")  # one line when it fits
    err = _quit(monkeypatch, capsys)
    assert err.count("\n") == 1, err
    assert "still running" in err and "http://127.0.0.1:45123" in err and f"pid {os.getpid()}" in err
    assert "the Pet Store at http://127.0.0.1:45200" in err
    assert "`petstore-tui sandbox stop`" in err  # $COLUMNS is unset: stderr is no terminal (80) ...

    monkeypatch.setenv("PETSTORE_TUI_INVOKED_AS", "./dev run")
    assert "`./dev run sandbox stop`" in _quit(monkeypatch, capsys)


@pytest.mark.parametrize("columns", [120, 80])
def test_the_still_running_line_never_breaks_an_address(monkeypatch, columns):
    """Stand-ins: the app (quits at once), a sandbox state naming this test's own pid, the
    app and the registry in the inventory; stderr a terminal of `columns` (descriptor 2),
    stdout one of 200 (descriptor 1), as `./dev run` in a 120-column tmux. Before, the
    notice was one 170-character line that the terminal broke inside the Pet Store's URL."""
    widths(monkeypatch, {1: 200, 2: columns})
    sandbox_state.write(sandbox_state.SandboxState(endpoint="http://127.0.0.1:45123", pid=os.getpid(),
                                                   started_at=time.time()))
    sandbox_inventory.update(app={"url": "http://127.0.0.1:45200"}, registry={"url": "127.0.0.1:45300"})
    monkeypatch.setenv("PETSTORE_TUI_INVOKED_AS", "./dev run")
    monkeypatch.setattr("petstore_tui.app.PetstoreApp", QuitAtOnce)
    stderr = TerminalStream(2)
    monkeypatch.setattr("sys.stderr", stderr)
    assert tui.run(argparse.Namespace(catalog=None, file=None), Target(sandbox=True)) == 0
    rows = stderr.getvalue().splitlines()
    assert rows and all(len(row) <= columns for row in rows), rows
    for address in ("http://127.0.0.1:45123", "http://127.0.0.1:45200"):
        assert any(address in row for row in rows), (address, rows)  # whole on one row
    assert "    ./dev run sandbox stop" in rows  # alone on its row, to copy
    said = " ".join(stderr.getvalue().split())
    assert said.startswith("The sandbox is still running: the AWS emulator at http://127.0.0.1:45123")
    assert "the Pet Store at http://127.0.0.1:45200 and the local image registry" in said


def test_nothing_is_said_when_no_sandbox_runs(monkeypatch, capsys):
    """Stand-ins: the app; no sandbox state, then one whose emulator is gone."""
    assert _quit(monkeypatch, capsys) == ""
    sandbox_state.write(sandbox_state.SandboxState(endpoint="http://127.0.0.1:1", pid=2**22 + 12345,
                                                   started_at=time.time()))
    assert _quit(monkeypatch, capsys) == ""
