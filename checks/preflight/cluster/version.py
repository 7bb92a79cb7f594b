"""cluster.version: the cluster's Kubernetes version is in EKS standard support (asks EKS, falls back to the calendar)."""

from __future__ import annotations

from checks import eks_versions
from checks.model import CheckResult
from checks.preflight.cluster._probe import ClusterCheck
from checks.preflight.context import CheckContext

FAILURE_ID = "terraform-unsupported-eks-version"


class ClusterVersionCheck(ClusterCheck):
    id = "cluster.version"
    title = "Kubernetes version in support"
    failure_id = FAILURE_ID

    def _check_cluster(self, ctx: CheckContext, cluster: dict) -> CheckResult:
        status = eks_versions.live_status(ctx.aws_client("eks"), cluster.get("version", ""), ctx.today)
        text = status.describe()
        newest = ", ".join(eks_versions.standard_versions(ctx.today))
        fix = f"upgrade the cluster (one minor at a time); in standard support now: {newest}"
        if status.status == eks_versions.STANDARD:
            return self.passed(text)
        if status.status == eks_versions.EXTENDED:
            return self.warned(text, fix=fix)
        if status.status == eks_versions.UNKNOWN:
            return self.warned(text, fix="check `aws eks describe-cluster-versions`")
        return self.failed(text, fix=fix)
