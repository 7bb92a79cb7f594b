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
        from_profile = _profile_region(target.profile)
        if from_profile and from_profile != target.region_name:
            return self.warned(f"the profile says {from_profile} but petstore-tui will use "
                               f"{target.region_name}", fix=f"pass --region {from_profile} or set AWS_REGION")
        if from_profile:
            return self.passed(f"{from_profile} (from the profile)")
        return self.warned(f"no region set: petstore-tui will use {target.region_name}",
                           fix="pass --region or set AWS_REGION")


def _profile_region(profile: str | None) -> str | None:
    """The region the profile (or the default profile) configures, if any."""
    import botocore.session

    try:
        return botocore.session.Session(profile=profile or None).get_config_variable("region")
    except Exception:  # a missing profile is aws.credentials' to report
        return None
