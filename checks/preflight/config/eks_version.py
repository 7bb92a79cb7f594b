"""config.eks-version: the Kubernetes version Terraform asks for (through variables, locals and tfvars as a plan sees them) is in EKS standard support."""

from __future__ import annotations

import re

from checks import eks_versions
from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import terraform
from checks.preflight.context import CheckContext
from checks.project.hcl_values import is_unknown


class EksVersionCheck(BlockingCheck):
    id = "config.eks-version"
    group = "config"
    title = "EKS version in support"
    failure_id = "terraform-unsupported-eks-version"

    def _check(self, ctx: CheckContext) -> CheckResult:
        tf = terraform(ctx)
        clusters = tf.of_type("aws_eks_cluster")
        if not clusters:
            if tf.problems:
                return self.warned("unknown: terraform/ does not parse (config.files says where)", "\n".join(tf.errors))
            return self.skipped("no aws_eks_cluster in terraform/*.tf")
        raw = clusters[0].body.get("version")
        source = f"aws_eks_cluster.{clusters[0].name}.version"
        named = re.fullmatch(r"\$\{\s*var\.(\w+)\s*\}", str(raw or ""))
        if named:  # *.auto.tfvars win over terraform.tfvars; -var over both
            source = f"var.{named.group(1)} ({tf.value_source(named.group(1))})"
        value = tf.evaluate(raw, clusters[0]) if raw is not None else None
        if value is None:
            return self.warned("the cluster's version is not set: EKS picks its default",
                               fix="set kubernetes_version explicitly")
        if is_unknown(value):
            return self.warned(f"unknown: {source} is known only after apply ({value.why})")
        status = eks_versions.support_status(str(value), ctx.today)
        newest = ", ".join(eks_versions.standard_versions(ctx.today))
        fix = f"set kubernetes_version to one in standard support ({newest}); check with aws eks describe-cluster-versions"
        text = f"{source} = {value}: {status.describe()}"
        if status.status == eks_versions.STANDARD:
            return self.passed(text)
        if status.status == eks_versions.UNKNOWN:
            return self.warned(text, fix=fix)
        return self.failed(text, fix=fix)
