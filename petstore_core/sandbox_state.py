"""Where the running sandbox (moto's server, the local app) is recorded: one JSON file in
the state folder, written by `petstore-tui sandbox start` and read by every --sandbox
command to find the emulator's endpoint."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from petstore_core import settings

# Fake credentials for the emulator: moto accepts any, and a real key must never be sent.
SANDBOX_CREDENTIALS = {
    "aws_access_key_id": "sandbox",
    "aws_secret_access_key": "sandbox",
}


@dataclass
class SandboxState:
    endpoint: str  # http://127.0.0.1:<port>
    pid: int  # moto server process
    started_at: float
    app_url: str | None = None  # the local Pet Store, once the runbook starts it
    app_pid: int | None = None
    extra: dict = field(default_factory=dict)


def state_path() -> Path:
    return settings.state_dir() / "sandbox.json"


def read() -> SandboxState | None:
    try:
        data = json.loads(state_path().read_text())
        return SandboxState(**data)
    except (OSError, ValueError, TypeError):
        return None


def write(state: SandboxState) -> None:
    path = state_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(state), indent=2))
    os.replace(tmp, path)


def clear() -> None:
    state_path().unlink(missing_ok=True)


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
