"""config.node-role: the node group's IAM role may pull from ECR (AmazonEC2ContainerRegistryReadOnly, or policies granting ecr:GetAuthorizationToken, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer), however Terraform attaches them."""

from __future__ import annotations

import re

from checks import alb_policy
from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import terraform
from checks.preflight.context import CheckContext
from checks.project import iam
from checks.project.hcl_values import is_unknown

# AWS-managed policies that let a node pull images from ECR.
ECR_MANAGED = ("AmazonEC2ContainerRegistryReadOnly", "AmazonEC2ContainerRegistryPullOnly",
               "AmazonEC2ContainerRegistryPowerUser", "AmazonEC2ContainerRegistryFullAccess",
               "AdministratorAccess")
PULL_ACTIONS = ("ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")


def missing_pull_actions(documents: list[dict]) -> list[str]:
    patterns = alb_policy.policy_actions(documents)
    return [a for a in PULL_ACTIONS if not alb_policy.covers(patterns, a)]


class NodeRoleCheck(BlockingCheck):
    id = "config.node-role"
    group = "config"
    title = "Node role can pull from ECR"
    failure_id = "ecr-pull-forbidden"

    def _check(self, ctx: CheckContext) -> CheckResult:
        tf = terraform(ctx)
        groups = tf.of_type("aws_eks_node_group")
        if not groups:
            if tf.problems:
                return self.warned("unknown: terraform/ does not parse (config.files says where)", "\n".join(tf.errors))
            return self.skipped("no aws_eks_node_group in terraform/*.tf")
        problems, warnings, notes = [], [], []
        for group in groups:
            label = f"aws_eks_node_group.{group.name}"
            arn = tf.evaluate(group.body.get("node_role_arn"), group)
            role = tf.find("aws_iam_role", arn.ref[1]) if is_unknown(arn) and arn.ref and \
                arn.ref[0] == "aws_iam_role" else None
            if role is None:
                warnings.append(f"unknown: {label}: node_role_arn {group.body.get('node_role_arn')!r} is not a role "
                                "Terraform creates here")
                continue
            policies = iam.role_policies(tf, role)
            managed = [m for p in policies for m in ECR_MANAGED if re.search(r"policy/" + m + r"\b", p.managed_arn)]
            documents = [p.document for p in policies if p.document]
            missing = missing_pull_actions(documents)
            unreadable = [f"{p.where}: {p.unknown}" for p in policies if p.unknown] + \
                [p.where for p in policies if p.managed_arn and not managed and "${?}" in p.managed_arn.split("/")[-1]]
            if managed:
                notes.append(f"{label}: role aws_iam_role.{role.name} has {managed[0]}")
            elif not missing:
                notes.append(f"{label}: role aws_iam_role.{role.name} grants {', '.join(PULL_ACTIONS)}")
            elif unreadable:
                warnings.append(f"unknown: {label}: role aws_iam_role.{role.name} lacks {', '.join(missing)} unless "
                                f"a policy read only after apply grants them ({'; '.join(unreadable)})")
            else:
                attached = [p.managed_arn.rsplit("/", 1)[-1] or p.where for p in policies]
                problems.append(f"{label}: role aws_iam_role.{role.name} cannot pull from ECR (attached: "
                                f"{', '.join(attached) or 'nothing'}; missing {', '.join(missing)})")
        if problems:
            return self.failed(problems[0], "\n".join(problems + warnings + notes),
                               "attach arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly to the node role "
                               "(the for_each list of aws_iam_role_policy_attachment.node in terraform/iam.tf)")
        if warnings:
            return self.warned(warnings[0], "\n".join(warnings + notes))
        return self.passed("; ".join(notes))
