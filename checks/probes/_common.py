"""Helpers shared by the live probes: result builders, the cluster lookup, Kubernetes calls with timeouts."""

from __future__ import annotations

from typing import Any

from checks.model import CheckResult, Status
from checks.preflight.context import CheckContext
from petstore_core.errors import KubeConfigError, describe_aws_error, describe_kube_error
from petstore_core.kube import REQUEST_TIMEOUT
from petstore_core.settings import CONTROLLER_NAMESPACE, ROLE_ANNOTATION  # noqa: F401 - the probes' names

GROUP = "cluster"
CONTROLLER_NAME = "aws-load-balancer-controller"


def result(id: str, status: Status, summary: str, detail: str = "", fix: str = "",
           failure_id: str | None = None) -> CheckResult:
    return CheckResult(id, GROUP, status, summary, detail, fix, failure_id)


def aws_error(id: str, exc: BaseException, what: str) -> CheckResult:
    return result(id, Status.ERROR, f"{what}: {describe_aws_error(exc)}")


def kube_error(id: str, exc: BaseException, what: str) -> CheckResult:
    # No usable kubeconfig is not this probe's failure (cluster.api reports it): skip.
    status = Status.SKIP if isinstance(exc, KubeConfigError) else Status.ERROR
    return result(id, status, f"{what}: {describe_kube_error(exc)}")


def cluster_or_result(ctx: CheckContext, id: str) -> tuple[dict | None, CheckResult | None]:
    """(cluster, None), or (None, a skip/error result to return as is)."""
    try:
        cluster = ctx.cluster()
    except Exception as exc:
        return None, aws_error(id, exc, "cannot describe the cluster")
    if cluster is None:
        return None, result(id, Status.SKIP, f"cluster {ctx.target.cluster_name} does not exist "
                                             f"in {ctx.target.region_name} yet")
    return cluster, None


def kube_call(ctx: CheckContext, api_class: str, method: str, *args: Any, **kwargs: Any) -> Any:
    """ctx's kubernetes client, class by name (CoreV1Api...), with our request timeout.
    The client first: where there is none (a sandbox without --context) that raises at
    once, before the import below, which took seconds of a check's 10 s limit at load 10
    while the other checks wanted the same interpreter (cluster.controller-policy timed out
    so in the TUI's preflight of a deployed sandbox)."""
    api_client = ctx.kube_api()
    # start-up: the kubernetes client is ~300 modules; only a cluster call loads it
    from kubernetes import client

    api = getattr(client, api_class)(api_client)
    kwargs.setdefault("_request_timeout", REQUEST_TIMEOUT)
    return getattr(api, method)(*args, **kwargs)


def is_not_found(exc: BaseException) -> bool:
    return getattr(exc, "status", None) == 404
