"""Base for cluster checks: skip cleanly when no cluster exists yet."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.base import ProbeCheck
from checks.preflight.context import CheckContext, in_thread


class ClusterProbeCheck(ProbeCheck):
    group = "cluster"

    async def run(self, ctx: CheckContext) -> CheckResult:
        from petstore_tui.services.aws import describe_aws_error

        try:
            cluster = await in_thread(ctx.cluster)
        except Exception as exc:
            return self.skipped(f"cluster unknown: {describe_aws_error(exc)}")
        if cluster is None:
            return self.skipped(f"cluster {ctx.target.cluster_name} does not exist yet")
        return await super().run(ctx)
