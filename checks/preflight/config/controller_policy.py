"""config.controller-policy: the policy document Terraform attaches to the controller's role (the file() its aws_iam_policy reads, terraform/policies/aws-load-balancer-controller.json by default) grants every action the release we install needs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from checks import alb_policy
from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._project import Terraform, interpolate, terraform
from checks.preflight.context import CheckContext
from checks.probes.controller_policy import describe_missing

FILE_CALL = re.compile(r'\bfile\(\s*"((?:[^"$]|\$\{[^}]*\})+)"\s*\)')
CONTROLLER_HINTS = ("load_balancer", "load-balancer", "loadbalancer", "lb_controller", "lb-controller",
                    "lb_ctrl", "lb-ctrl", "alb")


def _is_controller(*texts: object) -> bool:
    text = " ".join(str(t) for t in texts).lower()
    return any(hint in text for hint in CONTROLLER_HINTS)


def attached_policy_file(tf: Terraform, project_dir: Path) -> tuple[Path, str]:
    """(path, where it comes from) of the controller's policy document: the file() read by
    the aws_iam_policy (or aws_iam_role_policy) for the controller; the fixed path when
    Terraform names none."""
    default = Path(project_dir) / alb_policy.POLICY_FILE
    candidates = []
    for kind in ("aws_iam_policy", "aws_iam_role_policy"):
        for res in tf.of_type(kind):
            match = FILE_CALL.search(str(res.body.get("policy", "")))
            if match:
                candidates.append((res, match.group(1)))
    if not candidates:
        return default, "the default path (no file() policy in terraform/*.tf)"
    attached = {n for a in tf.of_type("aws_iam_role_policy_attachment")
                if _is_controller(a.name, a.body.get("role"))
                for n in re.findall(r"aws_iam_policy\.([A-Za-z0-9_-]+)", str(a.body.get("policy_arn")))}
    chosen = [c for c in candidates if c[0].type == "aws_iam_policy" and c[0].name in attached] or \
        [c for c in candidates if _is_controller(c[0].name, c[0].body.get("name"), c[0].body.get("name_prefix"),
                                                 c[0].body.get("description"), c[0].body.get("role"), c[1])]
    if not chosen:
        return default, "the default path (no controller policy reads a file())"
    res, raw = chosen[0]
    text = re.sub(r"\$\{\s*path\.(module|root|cwd)\s*\}", str(tf.folder), raw)
    text = interpolate(tf, text)
    if text is None:
        return default, f"the default path ({res.type}.{res.name} reads {raw!r}, which cannot be resolved)"
    path = Path(text) if Path(text).is_absolute() else tf.folder / text
    return path, f"{res.type}.{res.name} ({res.file}) reads file({raw!r})"


class ControllerPolicyFileCheck(BlockingCheck):
    id = "config.controller-policy"
    group = "config"
    title = "Controller IAM policy complete"
    failure_id = "alb-controller-iam-denied"

    def _check(self, ctx: CheckContext) -> CheckResult:
        release = alb_policy.INSTALLED_RELEASE
        path, how = attached_policy_file(terraform(ctx), ctx.project_dir)
        try:
            shown = str(path.resolve().relative_to(Path(ctx.project_dir).resolve()))
        except ValueError:
            shown = str(path)
        fix = (f"replace {shown} with docs/install/iam_policy.json of the controller at {release}, verbatim "
               f"(and attach {alb_policy.POLICY_FILE} in terraform/iam.tf)")
        if not path.is_file():
            return self.failed(f"{shown} is missing", how, fix=fix)
        try:
            document = json.loads(path.read_text())
        except ValueError as exc:
            return self.failed(f"{shown} is not valid JSON ({exc})", how, fix=fix)
        missing = alb_policy.missing_actions(alb_policy.policy_actions(document), release)
        if missing:
            failure = "alb-controller-addtags-denied" if "elasticloadbalancing:AddTags" in missing else None
            return self.failed(f"{shown} lacks {len(missing)} action(s) controller {release} needs: "
                               + ", ".join(missing[:3]) + (" ..." if len(missing) > 3 else ""),
                               how + "\n" + describe_missing(missing, release), fix, failure)
        return self.passed(f"{shown} grants all {len(alb_policy.required_actions(release))} actions of "
                           f"controller {release}", how)
