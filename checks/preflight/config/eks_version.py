"""config.eks-version: the Kubernetes version Terraform asks for is in EKS standard support."""

from __future__ import annotations

from checks import eks_versions
from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._project import terraform
from checks.preflight.context import CheckContext


class EksVersionCheck(BlockingCheck):
    id = "config.eks-version"
    group = "config"
    title = "EKS version in support"
    failure_id = "terraform-unsupported-eks-version"

    def _check(self, ctx: CheckContext) -> CheckResult:
        tf = terraform(ctx)
        clusters = tf.of_type("aws_eks_cluster")
        if not clusters:
            return self.skipped("no aws_eks_cluster in terraform/*.tf")
        raw = clusters[0].body.get("version")
        source = f"aws_eks_cluster.{clusters[0].name}.version"
        if isinstance(raw, str) and raw.startswith("${var."):
            name = raw[6:-1]
            source = f"var.{name} ({tf.value_source(name)})"  # *.auto.tfvars win over terraform.tfvars
            raw = tf.value(name)
        if raw is None:
            return self.warned("the cluster's version is not set: EKS picks its default",
                               fix="set kubernetes_version explicitly")
        status = eks_versions.support_status(str(raw), ctx.today)
        newest = ", ".join(eks_versions.standard_versions(ctx.today))
        fix = f"set kubernetes_version to one in standard support ({newest}); check with aws eks describe-cluster-versions"
        text = f"{source} = {raw}: {status.describe()}"
        if status.status == eks_versions.STANDARD:
            return self.passed(text)
        if status.status == eks_versions.UNKNOWN:
            return self.warned(text, fix=fix)
        return self.failed(text, fix=fix)
