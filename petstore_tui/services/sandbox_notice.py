"""The one line said on leaving the TUI while the sandbox still runs: what, and how to stop it."""

from __future__ import annotations

import os

from petstore_core import process, sandbox_state

# `./dev run` sets this so the line names the command as the operator typed it there
INVOKED_AS = "PETSTORE_TUI_INVOKED_AS"


def stop_command() -> str:
    return f"{os.environ.get(INVOKED_AS) or 'petstore-tui'} sandbox stop"


def still_running() -> str | None:
    """`None` when no sandbox runs; else one line naming the emulator (and the app, the
    registry) still running and the command that stops them. Reads the state files only
    (no network): it is said on the way out."""
    # start-up: the inventory module brings the build-leftover types; only on the way out
    from petstore_tui.services import sandbox_inventory

    state = sandbox_state.read()
    if state is None or not sandbox_state.pid_alive(state.pid) or process.exited(state.pid):
        return None
    parts = [f"the AWS emulator at {state.endpoint} (pid {state.pid})"]
    made = sandbox_inventory.read()
    app_url = state.app_url if state.app_pid and sandbox_state.pid_alive(state.app_pid) else None
    app_url = app_url or (made.get("app") or {}).get("url")
    if app_url:
        parts.append(f"the Pet Store at {app_url}")
    if made.get("registry"):
        parts.append("the local image registry")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"The sandbox is still running: {listed}; stop it with `{stop_command()}`."
