"""config.controller-policy: the policies Terraform attaches to the controller's role (the role whose trust names the controller's ServiceAccount), however attached and written (checks/project/iam.py), grant every action the release we install needs."""

from __future__ import annotations

import json
from pathlib import Path

from checks import alb_policy
from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import helm_values, terraform
from checks.preflight.context import CheckContext
from checks.probes.controller_policy import describe_missing
from checks.project import iam
from checks.project.hcl_eval import evaluate
from checks.project.hcl_parse import HclSyntaxError, parse_template
from checks.project.hcl_values import as_text
from checks.project.terraform import Terraform
from checks.project.terraform_files import TfBlock
from petstore_core.settings import CONTROLLER_NAMESPACE
from petstore_core.words import counted

DEFAULT_ACCOUNT = "aws-load-balancer-controller"
CONTROLLER_HINTS = ("load_balancer", "load-balancer", "loadbalancer", "lb_controller", "lb-controller",
                    "lb_ctrl", "lb-ctrl", "alb")


def controller_role(tf: Terraform, account: str) -> tuple[TfBlock | None, str]:
    """(the controller's aws_iam_role, how it was found): its trust names
    system:serviceaccount:kube-system:<account>; else a role named like the controller."""
    subject = f"system:serviceaccount:{CONTROLLER_NAMESPACE}:{account}"
    trusting = iam.roles_trusting(tf, subject)
    if trusting:
        return trusting[0], f"aws_iam_role.{trusting[0].name} trusts {subject}"
    for role in tf.of_type("aws_iam_role"):
        text = " ".join(str(role.body.get(k, "")) for k in ("name", "name_prefix", "description")) + role.name
        if any(hint in text.lower() for hint in CONTROLLER_HINTS):
            return role, f"aws_iam_role.{role.name} (named like the controller; no trust names {subject})"
    return None, f"no aws_iam_role trusts {subject}"


def source_file(tf: Terraform, policy: iam.AttachedPolicy) -> str:
    """The file a file()/templatefile() policy reads, relative to the project; "" if none."""
    raw = str((policy.source.body if policy.source else {}).get("policy", ""))
    try:
        parts = parse_template(raw, quoted=True)
    except HclSyntaxError:
        return ""
    node = parts[0][1] if len(parts) == 1 and isinstance(parts[0], tuple) and parts[0][0] == "interp" else None
    if not node or node[0] != "call" or node[1] not in ("file", "templatefile") or not node[2]:
        return ""
    full = Path(as_text(evaluate(node[2][0], tf.scope())))
    full = full if full.is_absolute() else Path(tf.folder) / full
    try:
        return str(full.resolve().relative_to(Path(tf.folder).resolve().parent))
    except ValueError:
        return str(full)


class ControllerPolicyFileCheck(BlockingCheck):
    id = "config.controller-policy"
    group = "config"
    title = "Controller IAM policy complete"
    failure_id = "alb-controller-iam-denied"

    def _check(self, ctx: CheckContext) -> CheckResult:
        release = alb_policy.INSTALLED_RELEASE
        tf = terraform(ctx)
        _path, values, _problem = helm_values(ctx)
        account = str(((values or {}).get("serviceAccount") or {}).get("name") or DEFAULT_ACCOUNT)
        role, how = controller_role(tf, account)
        fix = (f"attach the controller's published policy for {release} (docs/install/iam_policy.json of that release, "
               f"verbatim, kept in {alb_policy.POLICY_FILE}) to its role in terraform/iam.tf")
        if role is None:
            return self._default_file(ctx, how, fix, release)
        policies = iam.role_policies(tf, role)
        documents = [p.document for p in policies if p.document]
        unreadable = [f"{p.where}: {p.unknown}" for p in policies if p.unknown] + \
            [f"{p.where}: {p.managed_arn} is not defined in terraform/ (its actions cannot be read)"
             for p in policies if p.managed_arn]
        files = [f for f in (source_file(tf, p) for p in policies) if f]
        shown = ", ".join(files) or ", ".join(p.where for p in policies) or f"aws_iam_role.{role.name}"
        lines = [how, *(f"attached: {p.where}" for p in policies), *unreadable]
        patterns = alb_policy.policy_actions(documents)
        missing = alb_policy.missing_actions(patterns, release)
        marked = any(iam.UNKNOWN_MARK in a for group in (patterns.allow, *patterns.allow_not) for a in group)
        if missing and (unreadable or marked):
            return self.warned(f"unknown: {shown} lack {counted(len(missing), 'action')} controller {release} needs unless a "
                               "policy read only after apply grants them", "\n".join(lines), fix)
        if missing:
            failure = "alb-controller-addtags-denied" if "elasticloadbalancing:AddTags" in missing else None
            return self.failed(f"{shown} lacks {counted(len(missing), 'action')} controller {release} needs: "
                               + ", ".join(missing[:3]) + (" ..." if len(missing) > 3 else ""),
                               "\n".join(lines) + "\n" + describe_missing(missing, release),
                               f"replace {files[0] if files else 'the policy'} with docs/install/iam_policy.json of "
                               f"the controller at {release}, verbatim (and attach it to aws_iam_role.{role.name} "
                               "in terraform/iam.tf)", failure)
        return self.passed(f"{shown} grants all {len(alb_policy.required_actions(release))} actions of controller "
                           f"{release}", "\n".join(lines))

    def _default_file(self, ctx: CheckContext, how: str, fix: str, release: str) -> CheckResult:
        """No role found in Terraform: judge the policy file this repository keeps."""
        path = Path(ctx.project_dir) / alb_policy.POLICY_FILE
        if not path.is_file():
            return self.failed(f"{alb_policy.POLICY_FILE} is missing and {how}", fix=fix)
        try:
            document = json.loads(path.read_text())
        except ValueError as exc:
            return self.failed(f"{alb_policy.POLICY_FILE} is not valid JSON ({exc})", how, fix)
        missing = alb_policy.missing_actions(alb_policy.policy_actions(document), release)
        if missing:
            failure = "alb-controller-addtags-denied" if "elasticloadbalancing:AddTags" in missing else None
            return self.failed(f"{alb_policy.POLICY_FILE} lacks {counted(len(missing), 'action')} controller {release} needs",
                               how + "\n" + describe_missing(missing, release), fix, failure)
        return self.warned(f"{how}: only {alb_policy.POLICY_FILE} was checked", fix=fix)
