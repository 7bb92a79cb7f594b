"""config.controller-policy: terraform/policies/aws-load-balancer-controller.json grants every action the release we install needs."""

from __future__ import annotations

import json

from checks import alb_policy
from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.context import CheckContext, in_thread
from checks.probes.controller_policy import describe_missing


class ControllerPolicyFileCheck(Check):
    id = "config.controller-policy"
    group = "config"
    title = "Controller IAM policy complete"
    failure_id = "alb-controller-iam-denied"

    async def run(self, ctx: CheckContext) -> CheckResult:
        return await in_thread(self._check, ctx)

    def _check(self, ctx: CheckContext) -> CheckResult:
        release = alb_policy.INSTALLED_RELEASE
        path = ctx.project_dir / alb_policy.POLICY_FILE
        fix = (f"replace {alb_policy.POLICY_FILE} with docs/install/iam_policy.json of the controller "
               f"at {release}, verbatim")
        if not path.is_file():
            return self.failed(f"{alb_policy.POLICY_FILE} is missing", fix=fix)
        try:
            document = json.loads(path.read_text())
        except ValueError as exc:
            return self.failed(f"{alb_policy.POLICY_FILE} is not valid JSON ({exc})", fix=fix)
        missing = alb_policy.missing_actions(alb_policy.policy_actions(document), release)
        if missing:
            failure = "alb-controller-addtags-denied" if "elasticloadbalancing:AddTags" in missing else None
            return self.failed(f"the policy lacks {len(missing)} action(s) controller {release} needs: "
                               + ", ".join(missing[:3]) + (" ..." if len(missing) > 3 else ""),
                               describe_missing(missing, release), fix, failure)
        return self.passed(f"grants all {len(alb_policy.required_actions(release))} actions of controller {release}")
