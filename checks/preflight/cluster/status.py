"""cluster.status: the cluster exists and is ACTIVE."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.cluster._probe import ClusterCheck
from checks.preflight.context import CheckContext


class ClusterStatusCheck(ClusterCheck):
    id = "cluster.status"
    title = "Cluster ACTIVE"

    def _check_cluster(self, ctx: CheckContext, cluster: dict) -> CheckResult:
        name = ctx.target.cluster_name
        status = cluster.get("status", "?")
        if status != "ACTIVE":
            return self.warned(f"cluster {name} is {status}", fix="wait for ACTIVE (aws eks wait cluster-active)")
        return self.passed(f"cluster {name} is ACTIVE (Kubernetes {cluster.get('version', '?')})")
