"""config.node-role: the node group's IAM role may pull from ECR (AmazonEC2ContainerRegistryReadOnly, or a policy granting ecr:GetAuthorizationToken, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer)."""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from pathlib import Path

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._project import (
    Terraform,
    TfResource,
    interpolate,
    refs,
    resolve,
    terraform,
)
from checks.preflight.context import CheckContext

# AWS-managed policies that let a node pull images from ECR.
ECR_MANAGED = ("AmazonEC2ContainerRegistryReadOnly", "AmazonEC2ContainerRegistryPullOnly",
               "AmazonEC2ContainerRegistryPowerUser", "AmazonEC2ContainerRegistryFullAccess",
               "AdministratorAccess")
PULL_ACTIONS = ("ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")


def _for_each_keys(tf: Terraform, body: dict) -> list[str]:
    """The keys a for_each iterates: a literal list/map, toset([...]) text or a variable."""
    value = resolve(tf, body.get("for_each"))
    if isinstance(value, dict):
        return [str(k) for k in value]
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        inner = re.fullmatch(r"\$\{\s*toset\(\s*(.*)\)\s*\}", value.strip(), re.S)
        if inner:
            listed = resolve(tf, "${" + inner.group(1).strip() + "}")
            if isinstance(listed, list):
                return [str(v) for v in listed]
            return re.findall(r'"([^"]+)"', inner.group(1))
    return []


def _policy_arns(tf: Terraform, attachment: TfResource) -> list[str]:
    arn = str(attachment.body.get("policy_arn", ""))
    if "each." in arn:
        return [re.sub(r"\$\{\s*each\.(key|value)\s*\}", key, arn) for key in _for_each_keys(tf, attachment.body)]
    return [arn]


def _policy_text(tf: Terraform, value) -> str:
    """The text of a policy attribute: jsonencode/heredoc text, a data document's statements
    or a file() it reads."""
    text = str(value)
    for name in refs(text, "data.aws_iam_policy_document"):
        for doc in tf.data_of_type("aws_iam_policy_document"):
            if doc.name == name:
                text += json.dumps(doc.body)
    for path in re.findall(r'\bfile\(\s*"([^"]+)"\s*\)', text):
        resolved = interpolate(tf, re.sub(r"\$\{\s*path\.(module|root|cwd)\s*\}", str(tf.folder), path))
        if resolved and (tf.folder / resolved).is_file():
            text += (tf.folder / resolved).read_text(errors="replace")
        elif resolved and Path(resolved).is_file():
            text += Path(resolved).read_text(errors="replace")
    return text


def grants_pull(text: str) -> list[str]:
    """The pull actions a policy text leaves out (Allow assumed; patterns with wildcards)."""
    patterns = [p for listed in re.findall(r'(?i)\bactions?"?\s*[=:]\s*(\[[^\]]*\]|"[^"]*")', text)
                for p in re.findall(r'"([^"]+)"', listed)]
    return [a for a in PULL_ACTIONS if not any(fnmatchcase(a.lower(), p.lower()) for p in patterns)]


class NodeRoleCheck(BlockingCheck):
    id = "config.node-role"
    group = "config"
    title = "Node role can pull from ECR"
    failure_id = "ecr-pull-forbidden"

    def _check(self, ctx: CheckContext) -> CheckResult:
        tf = terraform(ctx)
        groups = tf.of_type("aws_eks_node_group")
        if not groups:
            return self.skipped("no aws_eks_node_group in terraform/*.tf", "\n".join(tf.errors))
        roles = {r.name: r for r in tf.of_type("aws_iam_role")}
        problems, warnings, notes = [], [], []
        for group in groups:
            label = f"aws_eks_node_group.{group.name}"
            names = [n for n in refs(group.body.get("node_role_arn"), "aws_iam_role") if n in roles]
            if not names:
                warnings.append(f"{label}: node_role_arn {group.body.get('node_role_arn')!r} is not a role "
                                "Terraform creates here")
                continue
            role = roles[names[0]]
            arns = [str(a) for a in resolve(tf, role.body.get("managed_policy_arns")) or []]
            texts = [_policy_text(tf, p.get("policy")) for p in role.body.get("inline_policy") or []]
            for attachment in tf.of_type("aws_iam_role_policy_attachment"):
                if role.name in refs(attachment.body.get("role"), "aws_iam_role"):
                    arns += _policy_arns(tf, attachment)
            for inline in tf.of_type("aws_iam_role_policy"):
                if role.name in refs(inline.body.get("role"), "aws_iam_role"):
                    texts.append(_policy_text(tf, inline.body.get("policy")))
            for policy in tf.of_type("aws_iam_policy"):
                if any(f"aws_iam_policy.{policy.name}." in a for a in arns):
                    texts.append(_policy_text(tf, policy.body.get("policy")))
            managed = [m for m in ECR_MANAGED for a in arns if re.search(r"policy/" + m + r"\b", a)]
            missing = grants_pull("\n".join(texts)) if texts else list(PULL_ACTIONS)
            if managed:
                notes.append(f"{label}: role aws_iam_role.{role.name} has {managed[0]}")
            elif not missing:
                notes.append(f"{label}: role aws_iam_role.{role.name} grants {', '.join(PULL_ACTIONS)}")
            else:
                attached = [a.rsplit("/", 1)[-1] for a in arns]
                problems.append(f"{label}: role aws_iam_role.{role.name} cannot pull from ECR (attached: "
                                f"{', '.join(attached) or 'nothing'}; missing {', '.join(missing)})")
        if problems:
            return self.failed(problems[0], "\n".join(problems + warnings + notes),
                               "attach arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly to the node role "
                               "(the for_each list of aws_iam_role_policy_attachment.node in terraform/iam.tf)")
        if warnings:
            return self.warned(warnings[0], "\n".join(warnings + notes))
        return self.passed("; ".join(notes))
