"""aws.identity: who the credentials are (sts get-caller-identity)."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.aws._common import caller_identity, credential_fix
from checks.preflight.base import BlockingCheck
from checks.preflight.context import CheckContext
from petstore_core.errors import describe_aws_error


class IdentityCheck(BlockingCheck):
    id = "aws.identity"
    group = "aws"
    failure_id = "aws-credentials-invalid"
    title = "AWS caller identity"

    def _check(self, ctx: CheckContext) -> CheckResult:
        try:
            identity = caller_identity(ctx)
        except Exception as exc:
            message = describe_aws_error(exc)
            return self.failed(message, fix=credential_fix(message, ctx.target.profile))
        arn = identity.get("Arn", "?")
        return self.passed(f"{arn} (account {identity.get('Account', '?')})")
