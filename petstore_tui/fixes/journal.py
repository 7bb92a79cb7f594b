"""The fix journals: every fix applied, what it changed and how to undo it, beside the runbook's journals and redacted like them. AWS and Kubernetes fixes journal per target (`journals/<target>.fixes.json`); repository fixes per checkout (`journals/checkout-<folder>-<hash>.fixes.json`), since a file edit belongs to no region or cluster and needs none set. File backups live in `journals/fix-backups/<scope>/<entry>/`; each journal has its own lock file (`.lock` beside it)."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from petstore_core import sandbox_state, settings
from petstore_core.private_file import write_private
from petstore_tui.runbook.journal import journal_path
from petstore_tui.runbook.journal import json_safe as redacted
from petstore_tui.runbook.lock import RunLock

REPOSITORY = "repository"  # Fix.kind of the fixes journaled per checkout


def checkout_key(project: Path) -> str:
    """A file-name-safe id of a checkout: its folder name and a hash of its full path."""
    resolved = Path(project).resolve()
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in resolved.name)
    return f"checkout-{name}-{hashlib.sha256(str(resolved).encode()).hexdigest()[:10]}"


def scope_key(target: settings.Target, kind: str) -> str:
    """The journal a fix of this kind writes to (RegionNotSet for a real target's AWS or
    Kubernetes fix without a region)."""
    return checkout_key(target.project) if kind == REPOSITORY else target.key


def fixes_path(target: settings.Target, kind: str = "aws") -> Path:
    """Beside the runbook's journals (journal_path's folder)."""
    folder = journal_path(target).parent if kind != REPOSITORY else settings.state_dir() / "journals"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{scope_key(target, kind)}.fixes.json"


def backups_dir(target: settings.Target, entry_id: str, kind: str = "aws") -> Path:
    return fixes_path(target, kind).parent / "fix-backups" / scope_key(target, kind) / entry_id


def lock(target: settings.Target, kind: str):
    """The run lock of the journal's scope: the target's (shared with deploy and destroy)
    for AWS and Kubernetes fixes, the checkout's own for repository fixes."""
    if kind == REPOSITORY:
        return RunLock(target, "fix", fixes_path(target, kind).parent / f"{scope_key(target, kind)}.lock")
    return RunLock(target, "fix")


def journals(target: settings.Target) -> list[FixJournal]:
    """Every journal a fix of this target may be in: the checkout's, and the target's when
    its region is known."""
    found = [FixJournal(target, REPOSITORY)]
    try:
        found.append(FixJournal(target))
    except settings.RegionNotSet:
        pass
    return found


OPEN = ("verified", "applying")  # applied and not undone: what `fix undo` acts on


def gone_reason(target: settings.Target, journal: FixJournal, entry: dict[str, Any]) -> str:
    """Why an applied entry has nothing left to undo, or "": marked gone by a finished
    `terraform destroy` of its target (retire), or made in a sandbox emulator that has
    stopped since (moto's server keeps its state in memory: the change went with it)."""
    if entry.get("status") == "gone":
        return str(entry.get("message") or "gone")
    if journal.kind == REPOSITORY or not target.sandbox or entry.get("status") not in OPEN:
        return ""
    state = sandbox_state.read()
    if state is None or not sandbox_state.pid_alive(state.pid):
        return "made in a sandbox emulator that has stopped since: its state, the change with it, is gone"
    if float(entry.get("at") or 0) < state.started_at:
        return ("made in a sandbox emulator that was stopped since (the running one started later): "
                "its state, the change with it, is gone")
    return ""


def retire(target: settings.Target, reason: str) -> int:
    """After a finished `terraform destroy` of the target: its open AWS and Kubernetes
    entries are marked gone (what they changed was destroyed with it); the checkout's
    file fixes stay. Returns how many."""
    try:
        journal = FixJournal(target)
    except settings.RegionNotSet:
        return 0
    retired = [e for e in journal.entries if e.get("status") in OPEN]
    for entry in retired:
        entry.update(status="gone", message=reason)
    if retired:
        journal.save()
    return len(retired)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in a container
        return os.environ.get("USER", "unknown")


class FixJournal:
    """{"target": label, "entries": [{id, fix, failure_id, check, resource, status, at, by,
    changes, undo, verification, message}]}. Status: applying, verified, rolled-back,
    denied, failed, undone, gone (destroyed with its target: nothing to undo)."""

    def __init__(self, target: settings.Target, kind: str = "aws"):
        self.target = target
        self.kind = kind
        self.path = fixes_path(target, kind)
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
        number = 1 + max((int(str(e.get("id", "")).rsplit("-", 1)[-1]) for e in self.of_fix(plan.fix)
                          if str(e.get("id", "")).rsplit("-", 1)[-1].isdigit()), default=0)  # per fix: subnet-role-tags-1, -2
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
        scope = str(self.target.project) if self.kind == REPOSITORY else self.target.label
        data = {"target": scope, "entries": redacted(self.entries)}
        write_private(self.path, json.dumps(data, indent=2, sort_keys=True))
