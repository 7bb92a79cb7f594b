"""Shared by the aws checks: the STS identity, fetched once per context."""

from __future__ import annotations

from checks.preflight.context import CheckContext


def caller_identity(ctx: CheckContext) -> dict:
    return ctx.memo("sts-identity", lambda: ctx.aws_client("sts").get_caller_identity())


def credential_fix(summary: str) -> str:
    lowered = summary.lower()
    if "expired" in lowered:
        return "refresh the credentials: aws sso login --profile <profile>, or export new temporary keys"
    if "no aws credentials" in lowered or "profile" in lowered:
        return "aws configure --profile <name>, or aws sso login; then pass --profile or set AWS_PROFILE"
    return "check the profile's keys with `aws sts get-caller-identity`"
