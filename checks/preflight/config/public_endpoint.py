"""config.public-endpoint: the EKS cluster's API endpoint is public (kubectl from outside the VPC)."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.config._project import terraform
from checks.preflight.context import CheckContext, in_thread


class PublicEndpointCheck(Check):
    id = "config.public-endpoint"
    group = "config"
    title = "Public EKS endpoint in Terraform"
    failure_id = "eks-endpoint-unreachable"

    async def run(self, ctx: CheckContext) -> CheckResult:
        return await in_thread(self._check, ctx)

    def _check(self, ctx: CheckContext) -> CheckResult:
        tf = terraform(ctx)
        clusters = tf.of_type("aws_eks_cluster")
        if not clusters:
            return self.skipped("no aws_eks_cluster in terraform/*.tf", "; ".join(tf.errors))
        for cluster in clusters:
            vpc = cluster.body.get("vpc_config") or [{}]
            vpc = vpc[0] if isinstance(vpc, list) else vpc
            value = vpc.get("endpoint_public_access", True)  # the provider's default is true
            if isinstance(value, str) and value.startswith("${var."):
                value = tf.value(value[6:-1])
            if value is False or str(value).lower() == "false":
                return self.failed(f"aws_eks_cluster.{cluster.name} has endpoint_public_access = false",
                                   "kubectl, helm and this tool cannot reach a private-only endpoint from "
                                   "outside the VPC", "set endpoint_public_access = true (and restrict "
                                   "public_access_cidrs) in terraform/eks.tf")
        return self.passed("the cluster's API endpoint is public")
