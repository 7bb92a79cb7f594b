"""What a fix shows before it acts (Plan, Change) and what it says after (Outcome); the errors that stop it. No I/O here."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

from checks.model import CheckResult, Finding
from petstore_core.settings import APP_NAMESPACE


def command_for(target, *words: str) -> str:
    """`petstore-tui [the target's options] WORDS...` as a shell line: a command printed
    for the operator to copy (undo with, fix list) must find the same journal and act on
    the same account, cluster and checkout from any shell (--sandbox, --profile, ...)."""
    options: list[str] = ["--sandbox"] if target.sandbox else []
    for flag, value in (("--profile", target.profile), ("--region", target.region),
                        ("--cluster", target.cluster), ("--context", target.context),
                        ("--kubeconfig", target.kubeconfig),
                        ("--namespace", None if target.namespace == APP_NAMESPACE else target.namespace),
                        ("--project-dir", target.project_dir)):
        if value:
            options += [flag, str(value)]
    return shlex.join(["petstore-tui", *options, *words])


class FixError(RuntimeError):
    """The fix cannot go on; the message says why (exit 1)."""


class NothingToFix(FixError):
    """Live state is already what the fix would make it: the check that found it passes."""


class FixRefused(FixError):
    """Acting would be unsafe or ambiguous (the operator's own policy versions, a file
    changed since the plan, no confirmation on a real account): the message says what to do."""


class UnknownFix(ValueError):
    """The id names no catalog entry, preflight check or fix (a usage error: exit 2)."""


class PermissionDenied(FixError):
    """AWS or Kubernetes refused a call the fix makes: the caller lacks `actions`."""

    def __init__(self, code: str, message: str, actions: tuple[str, ...]):
        super().__init__(message)
        self.code = code
        self.actions = actions


@dataclass
class Change:
    """One change exactly as it will be made: an AWS API call with its parameters, a
    Kubernetes object as a diff, a unified diff of a repository file, or a command."""

    kind: str  # "aws-call" | "kube-object" | "file-edit" | "command"
    summary: str  # one line
    detail: str = ""  # the call's parameters as JSON, or the diff
    data: dict[str, Any] = field(default_factory=dict)  # the same, structured (JSON output)


@dataclass
class Plan:
    """What one fix will change on one target, built from live state."""

    fix: str  # the Fix's id
    title: str
    failure_id: str  # the catalog entry it answers
    check: str  # the probe or preflight check re-run to verify
    resource: str
    target: str  # the target's label
    kind: str  # "aws" | "kubernetes" | "repository"
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # advice: drift, follow-ups
    needs: tuple[str, ...] = ()  # permissions applying (and undoing) needs
    state: dict[str, Any] = field(default_factory=dict, repr=False)  # what apply reads

    def as_dict(self) -> dict[str, Any]:
        return {"fix": self.fix, "title": self.title, "failure_id": self.failure_id, "check": self.check,
                "resource": self.resource, "target": self.target, "kind": self.kind,
                "changes": [{"kind": c.kind, "summary": c.summary, "detail": c.detail, "data": c.data}
                            for c in self.changes],
                "notes": list(self.notes), "needs": list(self.needs)}


# Outcome.status values; `ok` ones exit 0
FIXED, NOTHING, UNDONE = "fixed", "nothing-to-do", "undone"
ROLLED_BACK, DENIED, FAILED, REFUSED, PLANNED = "rolled-back", "denied", "failed", "refused", "planned"
MANUAL = "manual"  # a known failure that no fix handles: its own fix text is the way


@dataclass
class Outcome:
    status: str
    message: str
    plan: Plan | None = None
    entry: str | None = None  # the journal entry (`fix undo ENTRY`)
    verification: CheckResult | None = None
    finding: Finding | None = None  # fix-permission-denied, when the caller lacked a permission
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in (FIXED, NOTHING, UNDONE, PLANNED)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "ok": self.ok, "message": self.message,
                               "entry": self.entry, "details": list(self.details),
                               "plan": self.plan.as_dict() if self.plan else None, "verification": None,
                               "finding": None}
        if self.verification is not None:
            v = self.verification
            out["verification"] = {"check": v.id, "status": v.status.value, "summary": v.summary,
                                   "detail": v.detail}
        if self.finding is not None:
            f = self.finding
            out["finding"] = {"id": f.failure_id, "title": f.title, "resource": f.resource,
                              "evidence": list(f.evidence), "details": f.details,
                              "fix": f.fix.summary if f.fix else ""}
        return out
