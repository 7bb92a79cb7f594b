"""The fix journal of one target: every fix applied, what it changed and how to undo it, beside the runbook's journals (`journals/<target>.fixes.json`); redacted like them. File backups live in `journals/fix-backups/<entry>/`."""

from __future__ import annotations

import getpass
import json
import os
import time
from pathlib import Path
from typing import Any

from petstore_tui import settings
from petstore_tui.runbook.journal import _clean as redacted
from petstore_tui.runbook.journal import journal_path


def fixes_path(target: settings.Target) -> Path:
    return journal_path(target).with_suffix(".fixes.json")


def backups_dir(target: settings.Target, entry_id: str) -> Path:
    return journal_path(target).parent / "fix-backups" / f"{target.key}" / entry_id


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in a container
        return os.environ.get("USER", "unknown")


class FixJournal:
    """{"target": label, "entries": [{id, fix, failure_id, check, resource, status, at, by,
    changes, undo, verification, message}]}. Status: applying, verified, rolled-back,
    denied, failed, undone."""

    def __init__(self, target: settings.Target):
        self.target = target
        self.path = fixes_path(target)
        try:
            data = json.loads(self.path.read_text())
            entries = data.get("entries") if isinstance(data, dict) else None
        except (OSError, ValueError):
            entries = None
        self.entries: list[dict[str, Any]] = entries if isinstance(entries, list) else []

    def get(self, entry_id: str) -> dict[str, Any] | None:
        return next((e for e in self.entries if e.get("id") == entry_id), None)

    def of_fix(self, fix_id: str) -> list[dict[str, Any]]:
        return [e for e in self.entries if e.get("fix") == fix_id]

    def start(self, plan) -> dict[str, Any]:
        """A new entry in state `applying`, saved before anything changes: a fix
        interrupted half-way is still undoable from what it recorded."""
        number = 1 + max((int(str(e.get("id", "")).rsplit("-", 1)[-1]) for e in self.entries
                          if str(e.get("id", "")).rsplit("-", 1)[-1].isdigit()), default=0)
        entry = {"id": f"{plan.fix}-{number}", "fix": plan.fix, "failure_id": plan.failure_id,
                 "check": plan.check, "resource": plan.resource, "status": "applying",
                 "at": round(time.time(), 3), "by": _user(),
                 "changes": [{"kind": c.kind, "summary": c.summary, "detail": c.detail} for c in plan.changes],
                 "notes": list(plan.notes), "undo": {}, "verification": None, "message": ""}
        self.entries.append(entry)
        self.save()
        return entry

    def update(self, entry: dict[str, Any], **fields: Any) -> None:
        entry.update(fields)
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"target": self.target.label, "entries": redacted(self.entries)}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True))
        os.replace(tmp, self.path)
