"""Plans and outcomes as the text people read (the CLI prints it, the TUI's dialog shows it); every line redacted."""

from __future__ import annotations

import json

from petstore_core.redact import redact
from petstore_tui.fixes.model import MANUAL, Outcome, Plan


def plan_lines(plan: Plan) -> list[str]:
    lines = [f"fix {plan.fix}: {plan.title}", f"target: {plan.target}   finding: {plan.failure_id}   "
             f"verified by: {plan.check}"]
    for number, change in enumerate(plan.changes, 1):
        lines.append(f"{number}. [{change.kind}] {change.summary}")
        lines += [f"   {line}" for line in change.detail.splitlines()]
    for note in plan.notes:
        first, *rest = note.splitlines()
        lines.append(f"note: {first}")
        lines += [f"   {line}" for line in rest]
    lines.append(f"needs: {', '.join(plan.needs)}")
    return [redact(line) for line in lines]


def outcome_lines(outcome: Outcome) -> list[str]:
    # "manual" is no state a person reads: its message says plainly there is no one-key fix
    lines = [outcome.message if outcome.status == MANUAL else f"{outcome.status}: {outcome.message}"]
    if outcome.verification is not None:
        v = outcome.verification
        lines.append(f"{v.id}: {v.status.value}: {v.summary}")
    for detail in outcome.details:
        lines += detail.splitlines()
    if outcome.finding is not None:
        f = outcome.finding
        lines.append(f"finding {f.failure_id}: {f.title}")
        if f.fix is not None:
            lines.append(f"  fix: {f.fix.summary}")
        policy = f.details.get("policy")
        if policy:
            lines.append("  grant (least privilege):")
            lines += [f"    {line}" for line in json.dumps(policy, indent=2).splitlines()]
    return [redact(line) for line in lines]
