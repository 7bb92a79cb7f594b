"""aws.ec2: the EC2 API answers with these credentials in this region."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.aws._common import client, credential_fix
from checks.preflight.base import BlockingCheck
from checks.preflight.context import CheckContext
from petstore_core.errors import describe_aws_error
from petstore_core.words import counted


class Ec2ReachableCheck(BlockingCheck):
    id = "aws.ec2"
    group = "aws"
    failure_id = "aws-credentials-invalid"
    title = "EC2 API reachable"

    def _check(self, ctx: CheckContext) -> CheckResult:
        try:
            zones = client(ctx, "ec2").describe_availability_zones()["AvailabilityZones"]
        except Exception as exc:
            message = describe_aws_error(exc)
            where = ctx.target.region_or_none
            return self.failed(f"EC2 in {where}: {message}" if where else message, fix=credential_fix(message, ctx.target.profile))
        available = [z["ZoneName"] for z in zones if z.get("State") == "available"]
        if len(available) < 2:
            return self.failed(f"{ctx.target.region_name} offers {counted(len(available), 'available zone')}; "
                               "an ALB needs two", fix="choose another region", failure_id="")
        return self.passed(f"EC2 answers in {ctx.target.region_name} ({len(available)} zones)")
