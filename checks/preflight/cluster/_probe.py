"""Bases for cluster checks: skip while the cluster is not created yet, and say what stopped
them when it cannot even be looked up."""

from __future__ import annotations

from typing import Any

from checks.model import CheckResult
from checks.preflight.aws._common import credential_fix
from checks.preflight.base import Check, ProbeCheck
from checks.preflight.context import CheckContext, in_thread
from petstore_core.errors import SandboxNotRunning, describe_aws_error, error_code

# InvalidConfigError: a profile botocore cannot use (a source_profile that does not exist)
_CREDENTIALS = {"NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError", "ProfileNotFound",
                "InvalidConfigError"}
_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden"}


COULD_NOT_RUN = "could not run (needs "  # the summary's start: petstore_tui/commands/preflight.py folds repeats


def prerequisite(exc: BaseException) -> str:
    """What has to work before the cluster can be looked up, for an error of
    eks:DescribeCluster: the preflight check id that checks it where there is one."""
    name, code = type(exc).__name__, error_code(exc)
    if isinstance(exc, SandboxNotRunning):
        return "the sandbox"
    if name in ("RegionNotSet", "NoRegionError"):
        return "aws.region"
    if name in _CREDENTIALS or "credentials" in describe_aws_error(exc).lower():
        return "aws.credentials"
    if code in _DENIED:
        return "eks:DescribeCluster"
    return "the EKS API"


def could_not_run(check: Check, exc: BaseException) -> CheckResult:
    """The check could not run because the cluster could not be looked up: an error (not
    a skip, which says "does not apply yet"), so `preflight --group cluster` without
    credentials is not ready (exit 1, docs/preflight-json.md)."""
    message = describe_aws_error(exc)
    needs = prerequisite(exc)
    if needs == "eks:DescribeCluster":
        fix = "allow eks:DescribeCluster on the cluster for this identity (aws sts get-caller-identity names it)"
    elif needs == "the sandbox":
        fix = "petstore-tui sandbox start"
    elif needs == "the EKS API":
        fix = f"check the network, proxy or region; then petstore-tui preflight --only {check.id}"
    else:
        fix = credential_fix(message)
    return check.errored(f"{COULD_NOT_RUN}{needs}): {message}", fix=fix)


async def cluster_or_skip(check: Check, ctx: CheckContext) -> tuple[dict | None, CheckResult | None]:
    """The cluster's description, or the result that says why there is none: skip when it
    does not exist yet, error when it could not be looked up."""
    try:
        cluster = await in_thread(ctx.cluster)
    except Exception as exc:
        return None, could_not_run(check, exc)
    if cluster is None:
        return None, check.skipped(
            f"cluster {ctx.target.cluster_name} does not exist in {ctx.target.region_name} yet "
            "(the cluster checks run once it does)")
    return cluster, None


class ClusterCheck(Check):
    """A check of the cluster's own description: `_check_cluster(ctx, cluster)` runs in a
    thread once the cluster is known to exist."""

    group = "cluster"

    async def run(self, ctx: CheckContext) -> CheckResult:
        cluster, skip = await cluster_or_skip(self, ctx)
        if skip is not None:
            return skip
        return await in_thread(self._check_cluster, ctx, cluster)

    def _check_cluster(self, ctx: CheckContext, cluster: dict[str, Any]) -> CheckResult:  # pragma: no cover
        raise NotImplementedError


class ClusterProbeCheck(ProbeCheck):
    """A live probe re-labelled as a cluster check, run once the cluster exists."""

    group = "cluster"

    async def run(self, ctx: CheckContext) -> CheckResult:
        _, skip = await cluster_or_skip(self, ctx)
        if skip is not None:
            return skip
        return await super().run(ctx)
