"""Shared by the aws checks: the STS identity, fetched once per context."""

from __future__ import annotations

import re
import shlex

from botocore.exceptions import NoCredentialsError

from checks.preflight.context import CheckContext


def caller_identity(ctx: CheckContext) -> dict:
    return ctx.memo("sts-identity", lambda: client(ctx, "sts").get_caller_identity())


def client(ctx: CheckContext, service: str):
    """ctx.aws_client(service); for the context's own clients, only once the session, the
    region and the credentials resolve, in that order (what building and then calling the
    client would raise first). Without credentials botocore raises the same
    NoCredentialsError at the first call, but after building the client: ~0.1 s of CPU
    for EC2's service model."""
    if ctx.client_factory is None:
        session = ctx.aws_session()
        ctx.target.region_name  # RegionNotSet  # noqa: B018
        if session.get_credentials() is None:
            raise NoCredentialsError()
    return ctx.aws_client(service)


def credential_fix(summary: str, profile: str | None = None) -> str:
    """The fix for a summary of petstore_core/errors.py's describe_aws_error; profile names
    the --profile in the commands it gives."""
    lowered = summary.lower()
    named = ["--profile", profile] if profile else []
    if "no aws region" in lowered:  # settings.RegionNotSet: it names the profile too
        return "pass --region, set AWS_REGION, or set region in the profile"
    if "no valid sso session" in lowered:
        return f"sign in: {shlex.join(['aws', 'sso', 'login', *named])}; then run preflight again"
    if "credential source" in lowered:
        return ("run the profile's credential source by hand to see its own error: "
                f"{shlex.join(['aws', 'sts', 'get-caller-identity', *named])}")
    if "config file" in lowered and "cannot be parsed" in lowered:
        return "correct the file's syntax; aws configure list-profiles reads it once it parses"
    if "cannot reach the aws endpoint" in lowered or "did not answer in time" in lowered:
        return ("check the network, the proxy (HTTPS_PROXY, NO_PROXY) or the VPN, and that the region "
                "exists; the keys were not tried")
    if "expired" in lowered:
        return "refresh the credentials: aws sso login --profile <profile>, or export new temporary keys"
    missing = re.search(r"AWS profile '([^']*)' not found", summary)
    if missing:
        return (f"aws configure list-profiles lists the profiles there: pass one with --profile; or create "
                f"this one: {shlex.join(['aws', 'configure', '--profile', missing.group(1)])} "
                f"(aws configure sso for IAM Identity Center)")
    if "no aws credentials" in lowered or "profile" in lowered:
        return "aws configure --profile <name>, or aws sso login; then pass --profile or set AWS_PROFILE"
    return "check the profile's keys with `aws sts get-caller-identity`"
