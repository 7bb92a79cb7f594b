"""config.helm-values: the controller's Helm values agree with Terraform (region, VPC, cluster name) and leave the IngressClass and ServiceAccount to us."""

from __future__ import annotations

import re

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import helm_values, terraform
from checks.preflight.context import CheckContext
from checks.project.hcl_values import is_unknown

PLACEHOLDER = re.compile(r"^\$\{[A-Z_][A-Z0-9_]*\}$")  # filled by the runbook from Terraform's outputs


class HelmValuesCheck(BlockingCheck):
    id = "config.helm-values"
    group = "config"
    title = "Helm values match Terraform"

    def _check(self, ctx: CheckContext) -> CheckResult:
        path, values, problem = helm_values(ctx)
        if values is None:
            return self.skipped(f"kubernetes/controller/values.yaml {problem}")
        tf = terraform(ctx)
        expected = {key: None if is_unknown(value) else value
                    for key, value in (("region", tf.value("region")), ("clusterName", tf.value("cluster_name")))}
        problems, notes = [], []
        failure_id = None
        for key, want in expected.items():
            have = values.get(key)
            if have is None:
                failure_id = failure_id or "alb-controller-imds-unavailable"
                problems.append(f"{key} is not set (the controller then asks IMDS, which a hop limit of 1 hides)")
            elif PLACEHOLDER.match(str(have)):
                notes.append(f"{key}: {have} (filled by the runbook)")
            elif want is not None and str(have) != str(want):
                problems.append(f"{key} is {have!r} but Terraform's is {want!r}")
            else:
                notes.append(f"{key}: {have}")
        vpc = values.get("vpcId")
        if vpc is None:
            failure_id = failure_id or "alb-controller-imds-unavailable"
            problems.append("vpcId is not set (the controller then asks IMDS, which a hop limit of 1 hides)")
        elif PLACEHOLDER.match(str(vpc)):
            notes.append(f"vpcId: {vpc} (filled by the runbook)")
        elif tf.of_type("aws_vpc"):
            problems.append(f"vpcId is hard-coded ({vpc}) but Terraform creates the VPC: use ${{VPC_ID}}")
        if values.get("createIngressClassResource", True) is not False and (path.parent / "ingressclass.yaml").is_file():
            failure_id = failure_id or "helm-resource-ownership-conflict"
            problems.append("createIngressClassResource is not false: Helm and we would both own IngressClass alb")
        if (values.get("serviceAccount") or {}).get("create", True) is not False:
            failure_id = failure_id or "alb-controller-serviceaccount-role-missing"
            problems.append("serviceAccount.create is not false: Helm would make a ServiceAccount without our "
                            "role annotation")
        if problems:
            return self.failed(problems[0], "\n".join(problems + notes),
                               "use the placeholders ${AWS_REGION}, ${VPC_ID}, ${CLUSTER_NAME} in "
                               "kubernetes/controller/values.yaml (the runbook fills them from Terraform)",
                               failure_id)
        return self.passed("region, VPC and cluster come from Terraform", "\n".join(notes))
