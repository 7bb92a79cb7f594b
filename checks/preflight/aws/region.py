"""aws.region: a region is set (--region, AWS_REGION, AWS_DEFAULT_REGION or the profile)."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.context import CheckContext


class RegionCheck(BlockingCheck):
    id = "aws.region"
    group = "aws"
    title = "AWS region"

    def _check(self, ctx: CheckContext) -> CheckResult:
        target = ctx.target
        if target.region:
            return self.passed(f"{target.region} (from --region)")
        for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
            if ctx.env.get(name):
                return self.passed(f"{ctx.env[name]} (from {name})")
        if target.sandbox:
            return self.passed(f"{target.region_name} (sandbox default)")
        region = target.region_or_none  # the profile's: petstore-tui never guesses one
        if region:
            return self.passed(f"{region} (from the profile)")
        return self.failed("no region set", fix="pass --region, set AWS_REGION, or set region in the profile")
