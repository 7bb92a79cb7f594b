"""Live probes of AWS and Kubernetes state, each returning CheckResult(s) whose failure_id names the catalog entry it is evidence of; `run_probes(ctx)` is what `diagnose --live` calls."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from checks.model import CheckResult, Status
from checks.preflight.context import CheckContext, in_thread
from checks.probes.controller_policy import probe_controller_policy
from checks.probes.ingressclass import probe_ingressclass
from checks.probes.oidc import probe_oidc
from checks.probes.pods import probe_pods
from checks.probes.service_account import probe_service_account
from checks.probes.subnets import evaluate_subnets, probe_subnets
from petstore_core.redact import redact
from petstore_core.settings import CONTROLLER_NAMESPACE

__all__ = ["ALL_PROBES", "evaluate_subnets", "probe_controller_policy", "probe_ingressclass",
           "probe_oidc", "probe_pods", "probe_service_account", "probe_subnets", "run_probes"]


def _controller_pods(ctx: CheckContext) -> list[CheckResult]:
    results = probe_pods(ctx, CONTROLLER_NAMESPACE)
    # kube-system holds other pods too; only problems matter here, not "all fine" noise.
    return [r for r in results if r.status != Status.PASS and "aws-load-balancer-controller" in r.summary] or []


# Each probe is blocking (boto3, the kubernetes client, every call with a timeout), so
# run_probes runs them in threads at once, each cut at ctx.timeout.
ALL_PROBES: tuple[tuple[str, Callable[[CheckContext], object]], ...] = (
    ("cluster.subnets", probe_subnets),
    ("cluster.controller-policy", probe_controller_policy),
    ("cluster.oidc", probe_oidc),
    ("cluster.ingressclass", probe_ingressclass),
    ("cluster.service-account", probe_service_account),
    ("cluster.pods", probe_pods),
    ("cluster.controller-pods", _controller_pods),
)


async def _one(ctx: CheckContext, probe_id: str, probe) -> list[CheckResult]:
    try:
        outcome = await asyncio.wait_for(in_thread(probe, ctx), ctx.timeout)
    except TimeoutError:
        return [CheckResult(probe_id, "cluster", Status.ERROR, f"timed out after {ctx.timeout:g}s")]
    except Exception as exc:
        return [CheckResult(probe_id, "cluster", Status.ERROR,
                            redact(f"probe failed: {type(exc).__name__}: {exc}".splitlines()[0][:300]))]
    results = outcome if isinstance(outcome, list) else [outcome]
    for r in results:
        r.summary, r.detail, r.fix = redact(r.summary), redact(r.detail), redact(r.fix)
    return results


async def run_probes(ctx: CheckContext) -> list[CheckResult]:
    """Every probe, concurrently; results in probe order."""
    batches = await asyncio.gather(*(_one(ctx, pid, fn) for pid, fn in ALL_PROBES))
    return [r for batch in batches for r in batch]
