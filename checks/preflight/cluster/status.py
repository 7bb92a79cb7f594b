"""cluster.status: the cluster exists and is ACTIVE."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.context import CheckContext, in_thread


class ClusterStatusCheck(Check):
    id = "cluster.status"
    group = "cluster"
    title = "Cluster ACTIVE"

    async def run(self, ctx: CheckContext) -> CheckResult:
        from petstore_tui.services.aws import describe_aws_error

        try:
            cluster = await in_thread(ctx.cluster)
        except Exception as exc:
            return self.skipped(f"cluster unknown: {describe_aws_error(exc)}")
        name = ctx.target.cluster_name
        if cluster is None:
            return self.skipped(f"cluster {name} does not exist in {ctx.target.region_name} yet "
                                "(the cluster checks run once it does)")
        status = cluster.get("status", "?")
        if status != "ACTIVE":
            return self.warned(f"cluster {name} is {status}", fix="wait for ACTIVE (aws eks wait cluster-active)")
        return self.passed(f"cluster {name} is ACTIVE (Kubernetes {cluster.get('version', '?')})")
