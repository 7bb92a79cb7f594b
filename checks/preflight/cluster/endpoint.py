"""cluster.endpoint: the API endpoint is reachable from outside the VPC (public access on)."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.cluster._probe import ClusterCheck
from checks.preflight.context import CheckContext

FAILURE_ID = "eks-endpoint-unreachable"


class ClusterEndpointCheck(ClusterCheck):
    id = "cluster.endpoint"
    title = "Public API endpoint"
    failure_id = FAILURE_ID

    def _check_cluster(self, ctx: CheckContext, cluster: dict) -> CheckResult:
        vpc = cluster.get("resourcesVpcConfig") or {}
        public = vpc.get("endpointPublicAccess", True)
        cidrs = vpc.get("publicAccessCidrs") or ["0.0.0.0/0"]
        if not public:
            return self.failed("the cluster's API endpoint is private only",
                               "kubectl and helm from outside the VPC cannot reach it",
                               "set endpoint_public_access = true in terraform/eks.tf (restrict "
                               "public_access_cidrs) and terraform apply")
        if "0.0.0.0/0" in cidrs:
            return self.passed("public endpoint on (open to 0.0.0.0/0: consider restricting it)")
        return self.passed(f"public endpoint on, limited to {', '.join(cidrs)}")
