"""Leaving the TUI while the sandbox runs says so, and how to stop it."""

from __future__ import annotations

import argparse
import os
import time

from petstore_core import sandbox_state
from petstore_core.settings import Target
from petstore_tui.commands import tui
from petstore_tui.services import sandbox_inventory


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
    err = _quit(monkeypatch, capsys)
    assert err.count("\n") == 1, err
    assert "still running" in err and "http://127.0.0.1:45123" in err and f"pid {os.getpid()}" in err
    assert "the Pet Store at http://127.0.0.1:45200" in err
    assert "`petstore-tui sandbox stop`" in err

    monkeypatch.setenv("PETSTORE_TUI_INVOKED_AS", "./dev run")
    assert "`./dev run sandbox stop`" in _quit(monkeypatch, capsys)


def test_nothing_is_said_when_no_sandbox_runs(monkeypatch, capsys):
    """Stand-ins: the app; no sandbox state, then one whose emulator is gone."""
    assert _quit(monkeypatch, capsys) == ""
    sandbox_state.write(sandbox_state.SandboxState(endpoint="http://127.0.0.1:1", pid=2**22 + 12345,
                                                   started_at=time.time()))
    assert _quit(monkeypatch, capsys) == ""
