"""The Check base class and small helpers to build CheckResults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from checks.model import CheckResult, Status
from checks.preflight.context import CheckContext, in_thread


class Check:
    """One preflight check: `id`, `group`, `title`, `timeout` (None: the context's),
    `async run(ctx) -> CheckResult`. Subclasses implement `run`; the runner adds timing,
    the timeout and error handling."""

    id: ClassVar[str] = ""
    group: ClassVar[str] = ""
    title: ClassVar[str] = ""
    timeout: ClassVar[float | None] = None
    failure_id: ClassVar[str | None] = None  # the catalog entry a failure is evidence of

    def effective_timeout(self, ctx: CheckContext) -> float:
        return ctx.timeout_override or self.timeout or ctx.timeout

    async def run(self, ctx: CheckContext) -> CheckResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def result(self, status: Status, summary: str, detail: str = "", fix: str = "",
               failure_id: str | None = None) -> CheckResult:
        """`failure_id` None: the class's own for fail/warn; "" for none at all."""
        if failure_id is None and status in (Status.FAIL, Status.WARN):
            failure_id = self.failure_id
        failure_id = failure_id or None
        return CheckResult(self.id, self.group, status, summary, detail, fix, failure_id)

    def passed(self, summary: str, detail: str = "") -> CheckResult:
        return self.result(Status.PASS, summary, detail)

    def failed(self, summary: str, detail: str = "", fix: str = "", failure_id: str | None = None) -> CheckResult:
        return self.result(Status.FAIL, summary, detail, fix, failure_id)

    def warned(self, summary: str, detail: str = "", fix: str = "", failure_id: str | None = None) -> CheckResult:
        return self.result(Status.WARN, summary, detail, fix, failure_id)

    def skipped(self, summary: str, detail: str = "") -> CheckResult:
        return self.result(Status.SKIP, summary, detail)

    def errored(self, summary: str, detail: str = "", fix: str = "") -> CheckResult:
        return self.result(Status.ERROR, summary, detail, fix)


class BlockingCheck(Check):
    """A check whose work blocks (parsing files, boto3, the kubernetes client): subclasses
    write a plain `_check(ctx)`, which runs in a thread so the others go on meanwhile."""

    async def run(self, ctx: CheckContext) -> CheckResult:
        return await in_thread(self._check, ctx)

    def _check(self, ctx: CheckContext) -> CheckResult:  # pragma: no cover - abstract
        raise NotImplementedError


class ProbeCheck(Check):
    """A check that runs a blocking probe (boto3, kubernetes client) in a thread and
    re-labels its result with this check's id and group."""

    probe: ClassVar[Callable[[CheckContext], Any]]

    async def run(self, ctx: CheckContext) -> CheckResult:
        result = await in_thread(type(self).probe, ctx)
        if isinstance(result, list):
            result = worst(result)
        result.id, result.group = self.id, self.group
        return result


_RANK = {Status.PASS: 0, Status.SKIP: 1, Status.WARN: 2, Status.ERROR: 3, Status.FAIL: 4}


def worst(results: list[CheckResult]) -> CheckResult:
    """Fold several probe results into one: the worst status leads, the rest go to detail."""
    ordered = sorted(results, key=lambda r: _RANK[r.status], reverse=True)
    head = ordered[0]
    others = [f"{r.status.value}: {r.summary}" for r in ordered[1:]]
    detail = "\n".join(filter(None, [head.detail, *others]))
    return CheckResult(head.id, head.group, head.status, head.summary, detail, head.fix, head.failure_id)
