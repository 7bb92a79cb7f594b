"""What every drill is: a Drill plants one headline failure in the sandbox and undoes it,
keeping what it changed on disk; a DrillOutcome says what the panel should do next."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from petstore_core import settings


class DrillError(RuntimeError):
    """The drill cannot be planted or undone here; the message says why."""


@dataclass
class DrillOutcome:
    """What happened, and what the troubleshooting panel should do to see it.

    `replay` holds (source kind, line) pairs fed to the engine as if they came from that
    source: the controller's log line a real controller would print (there is no real
    controller in the sandbox), or a recorded crash. Such lines are `simulated` (no
    program printed them in this run) unless the drill just ran the program that did.
    `probe` asks for the live probes."""

    message: str
    replay: list[tuple[str, str]] = field(default_factory=list)
    probe: bool = False
    resource: str = ""
    simulated: bool = True


class Drill:
    id = ""
    title = ""
    description = ""
    failure_id = ""  # the catalog entry the panel should show once planted

    def __init__(self, target: settings.Target) -> None:
        if not target.sandbox:
            raise DrillError("drills run in the sandbox only")
        self.target = target

    def plant(self) -> DrillOutcome:  # pragma: no cover - abstract
        raise NotImplementedError

    def run_plant(self) -> DrillOutcome:
        """Plant, and keep the replayed lines with the drill's memo: `diagnose --live
        --sandbox`, another process, feeds them (marked simulated when they are)."""
        outcome = self.plant()
        if outcome.replay:
            memo = self.load() or {}
            memo["replay"] = {"lines": [list(pair) for pair in outcome.replay],
                              "resource": outcome.resource, "simulated": outcome.simulated}
            self.save(memo)
        return outcome

    def replayed(self) -> tuple[list[tuple[str, str]], str, bool]:
        """(lines, resource, simulated) a planted drill replayed, for a later diagnose."""
        memo = (self.load() or {}).get("replay") or {}
        return ([tuple(pair) for pair in memo.get("lines", [])], memo.get("resource", ""),
                bool(memo.get("simulated", True)))

    def describe(self) -> dict[str, Any]:
        """What `drill list --json` prints for it."""
        return {"id": self.id, "title": self.title, "failure_id": self.failure_id,
                "description": self.description, "planted": self.planted}

    def undo(self) -> DrillOutcome:  # pragma: no cover - abstract
        raise NotImplementedError

    # what plant changed, kept on disk so undo works from another run of the app
    def _memo_path(self) -> Path:
        folder = settings.state_dir() / "drills"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{self.id}.json"

    def save(self, data: dict[str, Any]) -> None:
        self._memo_path().write_text(json.dumps(data, indent=2))

    def load(self) -> dict[str, Any] | None:
        try:
            return json.loads(self._memo_path().read_text())
        except (OSError, ValueError):
            return None

    def forget(self) -> None:
        self._memo_path().unlink(missing_ok=True)

    @property
    def planted(self) -> bool:
        return self.load() is not None
