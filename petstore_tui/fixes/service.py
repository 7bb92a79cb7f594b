"""FixService: find the fix for a catalog id or check id, plan it from live state, apply it under the target's run lock with a journal entry, verify with the probe or check that found the problem, and undo on failure or on request. Blocking: the TUI calls it from a thread worker."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from checks.catalog_loader import load_catalog
from checks.model import CheckResult, Finding, Severity, Status
from checks.preflight.base import worst
from checks.preflight.context import CheckContext
from checks.preflight.registry import ALL_CHECKS
from checks.preflight.runner import run_check, run_preflight
from checks.probes import ALL_PROBES
from petstore_core.errors import describe_aws_error, describe_kube_error
from petstore_core.kube import command_for_target, for_target
from petstore_core.redact import redact
from petstore_core.settings import Target
from petstore_tui.fixes import model
from petstore_tui.fixes.base import Fix, FixContext
from petstore_tui.fixes.journal import OPEN, FixJournal, backups_dir, gone_reason, journals, lock
from petstore_tui.fixes.model import (
    FixError,
    FixRefused,
    NothingToFix,
    Outcome,
    PermissionDenied,
    Plan,
    UnknownFix,
    command_for,
)
from petstore_tui.fixes.permissions import denial
from petstore_tui.fixes.registry import all_fixes
from petstore_tui.runbook.lock import RunLocked
from petstore_tui.stand_in_commands import StandIn, left_out_text, sandbox_commands

PERMISSION_FAILURE = "fix-permission-denied"


class NoAutomaticFix(FixError):
    """A known catalog entry or check that no fix handles: its own fix text says what to do
    (`details`: an entry's steps and commands)."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.details = details or []


def split_spec(spec: str) -> tuple[str, str | None]:
    """ID[:RESOURCE] -> (ID, RESOURCE or None). Check ids hold dots, never colons."""
    what, _, resource = spec.partition(":")
    return what.strip(), (resource.strip() or None)


class FixService:
    def __init__(self, target: Target, *, context_factory: Callable[[], CheckContext] | None = None,
                 fixes: tuple[Fix, ...] | None = None, stand_in: StandIn | None = None):
        self.target = target
        self.stand_in = stand_in  # the sandbox's app under podman, when the caller knows it
        self._context_factory = context_factory or (lambda: CheckContext.for_target(target))
        self.fixes = fixes if fixes is not None else all_fixes()

    # ---- lookup ------------------------------------------------------------------------------
    def candidates(self, what: str) -> list[Fix]:
        return [fix for fix in self.fixes if fix.handles(what)]

    def fixable_ids(self) -> set[str]:
        return {i for fix in self.fixes for i in (fix.id, *fix.catalog_ids, *fix.check_ids)}

    def _context(self, **kwargs: Any) -> FixContext:
        return FixContext(self._context_factory(), **kwargs)

    def _by_hand(self, what: str) -> NoAutomaticFix | None:
        """For a known id no fix handles: what to do instead, said plainly (None: unknown id)."""
        said = f"No one-key fix for {what}: fix it by hand"
        entry = next((e for e in load_catalog() if e.id == what), None)
        if entry is not None and entry.fix is not None:
            commands, left = list(entry.fix.commands), 0
            # the sandbox answers kubectl only when --context names a cluster (README, "The sandbox")
            if self.target.sandbox and not self.target.context:
                commands, left = sandbox_commands(commands, self.stand_in)
            return NoAutomaticFix(f"{said}. {entry.fix.summary}",
                                  [*(f"{n}. {for_target(step, self.target)}"
                                     for n, step in enumerate(entry.fix.steps, 1)),
                                   *(f"$ {command_for_target(command, self.target)}" for command in commands),
                                   *([left_out_text(left)] if left else [])])
        if entry is not None:
            return NoAutomaticFix(f"{said} (petstore-tui catalog list names its entry).")
        if what in {c.id for c in ALL_CHECKS}:
            return NoAutomaticFix(f"{said} as the check's fix says ({command_for(self.target, 'preflight', '--only', what)} prints it).")
        if what in dict(ALL_PROBES):
            return NoAutomaticFix(f"{said} as its finding's fix says ({command_for(self.target, 'diagnose', '--live')} prints it).")
        return None

    # ---- plan --------------------------------------------------------------------------------
    def plan(self, spec: str) -> Plan:
        """The plan of the first fix for ID that finds something to change. Raises
        UnknownFix, NoAutomaticFix, NothingToFix, FixRefused or PermissionDenied."""
        what, resource = split_spec(spec)
        fixes = self.candidates(what)
        if not fixes:
            by_hand = self._by_hand(what) if what else None
            if by_hand is not None:
                raise by_hand
            raise UnknownFix(f"no catalog entry, check or fix named {what!r} "
                             f"(fixable: {', '.join(sorted(self.fixable_ids()))})")
        reasons = []
        for fix in fixes:
            failure_id = what if what in fix.catalog_ids else fix.catalog_ids[0]
            history = FixJournal(self.target, fix.kind).entries
            try:
                return self._guard(fix, lambda fix=fix, failure_id=failure_id, history=history:
                                   fix.plan(self._context(history=history), failure_id, resource))
            except NothingToFix as exc:
                reasons.append(str(exc))
        raise NothingToFix("; ".join(reasons))

    def try_plan(self, spec: str) -> tuple[Plan | None, Outcome | None]:
        """(plan, None), or (None, the outcome that says why there is none). Raises UnknownFix."""
        what, _ = split_spec(spec)
        try:
            return self.plan(spec), None
        except PermissionDenied as exc:
            fix = self.candidates(what)[0]
            return None, Outcome(model.DENIED, self._denied_message(fix, exc), finding=self._finding(fix, exc))
        except NothingToFix as exc:
            return None, Outcome(model.NOTHING, f"nothing to fix: {exc}")
        except FixRefused as exc:
            return None, Outcome(model.REFUSED, str(exc))
        except NoAutomaticFix as exc:
            return None, Outcome(model.MANUAL, str(exc), details=exc.details)
        except FixError as exc:
            return None, Outcome(model.FAILED, str(exc))

    def fix_of(self, plan: Plan) -> Fix:
        return next(f for f in self.fixes if f.id == plan.fix)

    @staticmethod
    def _guard(fix: Fix, call: Callable[[], Any]) -> Any:
        """Run a fix's step; a permission refusal becomes PermissionDenied naming what the
        fix needs, any other AWS or Kubernetes error a FixError with one clear sentence."""
        try:
            return call()
        except (FixError, UnknownFix):
            raise
        except Exception as exc:
            refused = denial(exc)
            if refused:
                raise PermissionDenied(refused[0], redact(refused[1]), fix.needs) from None
            raise FixError(_describe(exc)) from None

    # ---- apply and verify --------------------------------------------------------------------
    def apply(self, plan: Plan, *, confirmed: bool) -> Outcome:
        """Apply under the target's run lock, journal it, verify, undo when not verified."""
        if not confirmed:
            return Outcome(model.REFUSED, f"not confirmed: nothing changed on {plan.target}", plan)
        fix = self.fix_of(plan)
        try:
            held = lock(self.target, fix.kind).acquire()
        except RunLocked as exc:
            return Outcome(model.REFUSED, str(exc), plan)
        try:
            return self._apply_locked(fix, plan)
        finally:
            held.release()

    def _apply_locked(self, fix: Fix, plan: Plan) -> Outcome:
        journal = FixJournal(self.target, fix.kind)
        entry = journal.start(plan)
        ctx = self._context(history=journal.entries, backups=backups_dir(self.target, entry["id"], fix.kind),
                            record=lambda undo: journal.update(entry, undo=undo))
        try:
            undo = self._guard(fix, lambda: fix.apply(ctx, plan))
        except PermissionDenied as exc:
            back = self._roll_back(fix, ctx, entry)
            journal.update(entry, status="denied", message=redact(str(exc)))
            return Outcome(model.DENIED, self._denied_message(fix, exc) + back, plan, entry["id"],
                           finding=self._finding(fix, exc))
        except FixError as exc:
            back = self._roll_back(fix, ctx, entry)
            status = model.REFUSED if isinstance(exc, FixRefused) else model.FAILED
            journal.update(entry, status=status, message=redact(str(exc)))
            return Outcome(status, redact(str(exc)) + back, plan, entry["id"])
        journal.update(entry, undo=undo)
        result = self.verify(plan.check)
        verification = {"check": result.id, "status": result.status.value, "summary": result.summary}
        if result.status == Status.PASS:
            journal.update(entry, status="verified", verification=verification,
                           message=f"verified: {plan.check} passes")
            return Outcome(model.FIXED, f"fixed and verified: {plan.check} passes ({result.summary}); "
                                        "undo with: " + command_for(self.target, "fix", "undo", entry["id"]),
                           plan, entry["id"], result, details=list(undo.get("report", [])))
        back = self._roll_back(fix, ctx, entry)
        journal.update(entry, status="rolled-back", verification=verification,
                       message=f"{plan.check} still {result.status.value}: {result.summary}")
        return Outcome(model.ROLLED_BACK, f"not fixed: {plan.check} still {result.status.value} after the "
                                          f"change ({result.summary})" + back, plan, entry["id"], result)

    def _roll_back(self, fix: Fix, ctx: FixContext, entry: dict) -> str:
        if not entry.get("undo"):
            return "; nothing had changed"
        try:
            lines = fix.undo(ctx, entry["undo"])
        except Exception as exc:  # say so loudly: the journal still holds what to undo
            return (f"; UNDO FAILED ({redact(_describe(exc))}): retry with "
                    + command_for(self.target, "fix", "undo", entry["id"]))
        return "; the change was undone (" + "; ".join(lines) + ")"

    def verify(self, check_id: str) -> CheckResult:
        """Re-run the probe (checks/probes) or preflight check with that id, on a fresh
        context: nothing read before the change is reused."""
        ctx = self._context_factory()
        probe = dict(ALL_PROBES).get(check_id)
        try:
            if probe is not None:
                result = probe(ctx)
                result = worst(result) if isinstance(result, list) else result
            else:
                check = next(c for c in ALL_CHECKS if c.id == check_id)
                result = asyncio.run(run_check(check(), ctx))
        except Exception as exc:
            return CheckResult(check_id, "fix", Status.ERROR, redact(f"verification failed: {_describe(exc)}"))
        result.summary, result.detail = redact(result.summary), redact(result.detail)
        return result

    # ---- undo --------------------------------------------------------------------------------
    def _journal_of(self, entry_id: str) -> tuple[FixJournal | None, dict[str, Any] | None]:
        for journal in journals(self.target):
            entry = journal.get(entry_id)
            if entry is not None:
                return journal, entry
        return None, None

    def entry(self, entry_id: str) -> dict[str, Any] | None:
        return self._journal_of(entry_id)[1]

    def undo(self, entry_id: str, *, confirmed: bool) -> Outcome:
        journal, entry = self._journal_of(entry_id)
        if journal is None or entry is None:
            raise UnknownFix(f"no fix {entry_id!r} in the journal of {self.target.label} (petstore-tui fix list)")
        gone = gone_reason(self.target, journal, entry)
        if gone:
            return Outcome(model.REFUSED, f"{entry_id} has nothing left to undo: {gone}")
        if entry.get("status") not in OPEN:
            return Outcome(model.REFUSED, f"{entry_id} is {entry.get('status')}: nothing to undo")
        if not confirmed:
            return Outcome(model.REFUSED, f"not confirmed: {entry_id} left as it is")
        fix = next((f for f in self.fixes if f.id == entry["fix"]), None)
        if fix is None:
            return Outcome(model.FAILED, f"{entry_id} was made by fix {entry['fix']!r}, which this version lacks")
        try:
            held = lock(self.target, journal.kind).acquire()
        except RunLocked as exc:
            return Outcome(model.REFUSED, str(exc))
        try:
            ctx = self._context(history=journal.entries)
            try:
                lines = self._guard(fix, lambda: fix.undo(ctx, entry.get("undo") or {}))
            except PermissionDenied as exc:
                return Outcome(model.DENIED, self._denied_message(fix, exc), entry=entry_id,
                               finding=self._finding(fix, exc))
            except FixError as exc:
                return Outcome(model.FAILED, f"{entry_id} not undone: {exc}", entry=entry_id)
            journal.update(entry, status="undone", message="undone: " + "; ".join(lines))
        finally:
            held.release()
        result = self.verify(entry["check"])
        return Outcome(model.UNDONE, f"{entry_id} undone: " + "; ".join(lines) +
                       f"; {entry['check']} now {result.status.value}: {result.summary}",
                       entry=entry_id, verification=result)

    # ---- what is fixable now -----------------------------------------------------------------
    async def fixable(self) -> list[dict[str, Any]]:
        """Every failed (or warning) check or probe that a fix handles, from a preflight
        run of just those checks."""
        return (await self.survey())[0]

    async def survey(self) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        """(fixable rows as `fixable` gives them, the checks that could not run with why):
        a check that errored (no region, no credentials, a timeout) may hide a fixable
        problem, so `fix list` names it rather than saying "nothing fixable"."""
        check_ids = {c for fix in self.fixes for c in fix.check_ids}
        rows = []
        not_checked: list[dict[str, str]] = []
        async for result in run_preflight(self._context_factory(), only=check_ids):
            if result.status is Status.ERROR:
                not_checked.append({"check": result.id, "summary": result.summary})
                continue
            if result.status not in (Status.FAIL, Status.WARN):
                continue
            fix = next((f for f in self.fixes if result.id in f.check_ids), None)
            if fix is None:
                continue
            rows.append({"check": result.id, "status": result.status.value, "summary": result.summary,
                         "failure_id": result.failure_id, "fix": fix.id, "title": fix.title, "kind": fix.kind,
                         "command": command_for(self.target, "fix", result.id)})
        return sorted(rows, key=lambda r: r["check"]), sorted(not_checked, key=lambda r: r["check"])

    def history(self) -> list[dict[str, Any]]:
        return [entry for journal in journals(self.target) for entry in journal.entries]

    def applied(self) -> list[tuple[dict[str, Any], str]]:
        """Every entry applied and not undone, with why `fix undo` would refuse it ("": it
        would act): its target destroyed or its sandbox stopped (gone_reason), or what it
        made changed by someone else since (Fix.altered, a live read per entry)."""
        found = []
        ctx: FixContext | None = None
        for journal in journals(self.target):
            for entry in journal.entries:
                if entry.get("status") not in (*OPEN, "gone"):
                    continue
                reason = gone_reason(self.target, journal, entry)
                fix = next((f for f in self.fixes if f.id == entry.get("fix")), None)
                if not reason and fix is not None:
                    ctx = ctx or self._context()
                    try:
                        reason = redact(fix.altered(ctx, entry.get("undo") or {}))
                    except Exception:  # unreadable now (no cluster, no credentials): `fix undo` will say why
                        reason = ""
                found.append((entry, reason))
        return found

    # ---- permission findings -----------------------------------------------------------------
    @staticmethod
    def _denied_message(fix: Fix, exc: PermissionDenied) -> str:
        return (f"permission denied while fixing ({exc.code}): {exc}; fix {fix.id} needs "
                f"{', '.join(fix.needs)} (finding {PERMISSION_FAILURE})")

    @staticmethod
    def _finding(fix: Fix, exc: PermissionDenied) -> Finding:
        entry = next((e for e in load_catalog() if e.id == PERMISSION_FAILURE), None)
        now = time.time()
        return Finding(PERMISSION_FAILURE, entry.title if entry else "A fix was refused a permission",
                       entry.severity if entry else Severity.ERROR, f"fix/{fix.id}", f"fix:{fix.id}",
                       first_seen=now, last_seen=now,
                       evidence=[redact(f"{exc.code}: {exc}"), f"needs: {', '.join(fix.needs)}"],
                       fix=entry.fix if entry else None, explanation=entry.explanation if entry else "",
                       details={"fix": fix.id, "code": exc.code, "actions": list(fix.needs),
                                "policy": least_privilege_policy(fix.needs)})


def least_privilege_policy(needs: tuple[str, ...]) -> dict[str, Any] | None:
    """The IAM policy that grants exactly the AWS actions a fix needs (None: it needs none)."""
    actions = sorted(a for a in needs if ":" in a and not a.startswith("kubernetes:"))
    if not actions:
        return None
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": "PetstoreTuiFix", "Effect": "Allow", "Action": actions, "Resource": "*"}]}


def _describe(exc: BaseException) -> str:
    if getattr(exc, "response", None) is not None:
        return describe_aws_error(exc)
    if getattr(exc, "status", None) is not None and hasattr(exc, "reason"):
        return describe_kube_error(exc)
    return redact(f"{type(exc).__name__}: {exc}")
