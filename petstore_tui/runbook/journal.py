"""The per-target journal: each step's status, timings, summary and outputs, so a run resumes."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from petstore_core import settings
from petstore_core.private_file import write_private
from petstore_core.redact import redact
from petstore_core.words import counted
from petstore_tui.runbook.model import duration

# a stopped or failed step's output kept in the journal: its last lines, each cut (a
# Terraform apply prints thousands; the end says where it stood)
OUTPUT_LINES = 200
OUTPUT_LINE = 1000


def journal_path(target: settings.Target) -> Path:
    folder = settings.state_dir() / "journals"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{target.key}.json"


def json_safe(value: Any) -> Any:
    """JSON-safe and redacted: outputs must never carry a secret into the file."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return redact(str(value))


class Journal:
    """{"target": label, "runbooks": {"deploy": {step: entry}, "destroy": {...}}}"""

    def __init__(self, target: settings.Target, data: dict | None = None):
        self.target = target
        self.path = journal_path(target)
        self.data = data or {"target": target.label, "runbooks": {}}

    @classmethod
    def load(cls, target: settings.Target) -> Journal:
        path = journal_path(target)
        try:
            data = json.loads(path.read_text())
            if not isinstance(data, dict) or not isinstance(data.get("runbooks"), dict):
                data = None
        except (OSError, ValueError):
            data = None
        return cls(target, data)

    def steps(self, runbook: str) -> dict[str, dict]:
        return self.data["runbooks"].setdefault(runbook, {})

    def status(self, runbook: str, step: str) -> str | None:
        return (self.steps(runbook).get(step) or {}).get("status")

    def outputs(self, runbook: str) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for entry in self.steps(runbook).values():
            if entry.get("status") in ("done", "skipped"):
                merged.update(entry.get("outputs") or {})
        return merged

    def reset(self, runbook: str) -> None:
        self.data["runbooks"][runbook] = {}

    def record(self, runbook: str, step: str, status: str, *, started: float, elapsed: float,
               summary: str = "", outputs: dict | None = None, output: list[str] | None = None) -> None:
        """`output`: the last lines the step printed (a stopped or failed one: what its tool
        said until then outlives the terminal; the next run shows them, runner.py)."""
        entry = {
            "status": status,
            "started": round(started, 3),
            "finished": round(time.time(), 3),
            "elapsed": round(elapsed, 3),
            "summary": redact(summary),
            "outputs": json_safe(outputs or {}),
        }
        if output:
            entry["output"] = [redact(line[:OUTPUT_LINE]) for line in output[-OUTPUT_LINES:]]
        self.steps(runbook)[step] = entry
        self.save()

    def save(self) -> None:
        write_private(self.path, json.dumps(self.data, indent=2, sort_keys=True))


def last_output(entry: dict) -> tuple[str, list[str]]:
    """A stopped (or failed, or died: "running") step's journalled output and the note
    that introduces it; ("", []) for any other entry."""
    lines = entry.get("output") if entry.get("status") in ("stopped", "failed", "running") else None
    if not lines or not isinstance(lines, list):
        return "", []
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.get("finished") or 0))
    state = "stopped" if entry.get("status") == "running" else entry["status"]
    heading = (f"the last run {state} this step ({when}, after {duration(entry.get('elapsed') or 0)}); "
               f"its output until then, {counted(len(lines), 'line')} from the journal:")
    return heading, [redact(str(line)) for line in lines]
