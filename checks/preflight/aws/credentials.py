"""aws.credentials: credentials resolve (profile, environment, SSO, instance role), and are not expired."""

from __future__ import annotations

from botocore.exceptions import NoCredentialsError

from checks.model import CheckResult
from checks.preflight.aws._common import caller_identity, credential_fix
from checks.preflight.base import BlockingCheck
from checks.preflight.context import CheckContext
from petstore_core.errors import describe_aws_error


class CredentialsCheck(BlockingCheck):
    id = "aws.credentials"
    group = "aws"
    failure_id = "aws-credentials-invalid"
    title = "AWS credentials"

    def _check(self, ctx: CheckContext) -> CheckResult:
        try:
            session = ctx.aws_session()
            credentials = session.get_credentials()
        except Exception as exc:
            message = describe_aws_error(exc)
            return self.failed(message, fix=credential_fix(message, ctx.target.profile))
        if credentials is None:
            message = describe_aws_error(_no_credentials())
            return self.failed(message, fix=credential_fix(message, ctx.target.profile))
        method = getattr(credentials, "method", "") or "unknown source"
        source = "the sandbox's fake credentials" if ctx.target.sandbox else f"from {method}"
        # Resolving is not enough: an expired session token only shows when used.
        try:
            caller_identity(ctx)
        except Exception as exc:
            message = describe_aws_error(exc)
            lowered = message.lower()
            # credentials that resolve but cannot be used; a network error is aws.identity's
            if any(word in lowered for word in ("expired", "rejected", "sso session", "credential source")):
                return self.failed(message, f"credentials {source}", credential_fix(message, ctx.target.profile))
        return self.passed(f"credentials resolve ({source})")


def _no_credentials():
    return NoCredentialsError()
