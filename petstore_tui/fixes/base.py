"""The Fix base class and the context a fix works in (no Textual here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from checks.preflight.context import CheckContext
from petstore_core.settings import Target
from petstore_tui.fixes.model import Plan
from petstore_tui.runbook.journal import Journal


@dataclass
class FixContext:
    """What a fix reads and writes through: the checks' context (boto3 clients, the
    kube client, the project folder, Terraform outputs), the target's fix journal
    entries, and where this fix keeps file backups."""

    checks: CheckContext
    history: list[dict[str, Any]] = field(default_factory=list)  # this target's journal entries
    backups: Path | None = None  # set while applying
    record: Callable[[dict[str, Any]], None] = lambda undo: None  # saves undo data as it grows

    @property
    def target(self) -> Target:
        return self.checks.target

    @property
    def project(self) -> Path:
        return Path(self.checks.project_dir)

    def aws(self, service: str):
        return self.checks.aws_client(service)

    def terraform_output(self, name: str) -> Any:
        """A Terraform output: the context's, else what the deploy journal recorded from
        `terraform output -json` (the runbook's apply step)."""
        value = self.checks.terraform_outputs.get(name)
        if value is None:
            value = (Journal.load(self.target).outputs("deploy").get("terraform") or {}).get(name)
        return value.get("value") if isinstance(value, dict) else value


class Fix:
    """One mechanical fix. `catalog_ids` and `check_ids` say which findings and failed
    checks it answers; `check` is the probe or preflight check re-run to verify it;
    `needs` lists the permissions applying and undoing take (IAM actions, Kubernetes
    verbs), named in the fix-permission-denied finding when one is refused."""

    id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    kind: ClassVar[str] = ""  # "aws" | "kubernetes" | "repository"
    catalog_ids: ClassVar[tuple[str, ...]] = ()
    check_ids: ClassVar[tuple[str, ...]] = ()
    check: ClassVar[str] = ""
    needs: ClassVar[tuple[str, ...]] = ()

    def handles(self, what: str) -> bool:
        return what in (self.id, *self.catalog_ids, *self.check_ids)

    def new_plan(self, ctx: FixContext, failure_id: str, resource: str = "") -> Plan:
        where = f"checkout {ctx.project}" if self.kind == "repository" else ctx.target.label
        return Plan(self.id, self.title, failure_id or self.catalog_ids[0], self.check, resource,
                    where, self.kind, needs=self.needs)

    def plan(self, ctx: FixContext, failure_id: str, resource: str | None) -> Plan:  # pragma: no cover
        """Exactly what would change, from live state. Raises NothingToFix when the state
        is already right, FixRefused when acting would be unsafe or ambiguous."""
        raise NotImplementedError

    def apply(self, ctx: FixContext, plan: Plan) -> dict[str, Any]:  # pragma: no cover
        """Make the plan's changes; returns the undo data (also passed to ctx.record after
        each change, so an interruption leaves it undoable)."""
        raise NotImplementedError

    def undo(self, ctx: FixContext, undo: dict[str, Any]) -> list[str]:  # pragma: no cover
        """Put back what apply changed; one line per thing restored."""
        raise NotImplementedError

    def altered(self, ctx: FixContext, undo: dict[str, Any]) -> str:
        """Why undo would refuse now, from a live read: what the fix made was changed by
        someone else since ("": undo would act). `fix list` lists such an entry with this
        reason instead of offering its undo; undo refuses with the same words."""
        return ""
