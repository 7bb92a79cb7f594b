"""aws.region: a region is set (--region, AWS_REGION, AWS_DEFAULT_REGION or the profile)."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.aws._common import credential_fix
from checks.preflight.base import BlockingCheck
from checks.preflight.context import CheckContext
from petstore_core.errors import describe_aws_error
from petstore_core.settings import profile_region


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
        try:
            region = profile_region(target.profile)  # the profile's: petstore-tui never guesses one
        except Exception as exc:  # a config file that does not parse, a profile not there
            # botocore could not read the profile: that is the problem to fix, not a region
            # to set (the file may hold one), as aws.credentials says it
            problem = describe_aws_error(exc)
            return self.failed(f"no region read: {problem}", fix=credential_fix(problem, target.profile))
        if region:
            return self.passed(f"{region} (from the profile)")
        return self.failed("no region set", fix="pass --region, set AWS_REGION, or set region in the profile")
