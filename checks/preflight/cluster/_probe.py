"""Bases for cluster checks: skip cleanly while the cluster is unknown or not created yet."""

from __future__ import annotations

from typing import Any

from checks.model import CheckResult
from checks.preflight.base import Check, ProbeCheck
from checks.preflight.context import CheckContext, in_thread
from petstore_core.errors import describe_aws_error


async def cluster_or_skip(check: Check, ctx: CheckContext) -> tuple[dict | None, CheckResult | None]:
    """The cluster's description, or the skip result that says why there is none."""
    try:
        cluster = await in_thread(ctx.cluster)
    except Exception as exc:
        return None, check.skipped(f"cluster unknown: {describe_aws_error(exc)}")
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
