"""Helm through pyhelm3: install or upgrade the AWS Load Balancer Controller from the eks chart repository."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pyhelm3 import Client

from petstore_core import process, settings

CHART = "aws-load-balancer-controller"
CHART_REPO = "https://aws.github.io/eks-charts"
HELM_TIMEOUT = "10m"  # helm's own --timeout (the wait for the release's resources)
CALL_TIMEOUT = 900.0  # ours, around every helm call
VERSION_TIMEOUT = 30.0  # pyhelm3 runs `helm version` synchronously, with no timeout of its own


class HelmUnavailable(RuntimeError):
    """helm is not installed (or not runnable)."""


def helm_reason() -> str | None:
    """Why Helm cannot be used, or None."""
    if process.which("helm") is None:
        return "helm not found on PATH"
    return None


def _build(kubeconfig: Path | None, kubecontext: str | None):
    try:
        # The constructor runs `helm version` synchronously and asserts helm exists.
        return Client(executable="helm", kubeconfig=kubeconfig, kubecontext=kubecontext,
                      default_timeout=HELM_TIMEOUT)
    except AssertionError:
        raise HelmUnavailable("helm not found") from None


async def client(kubeconfig: Path | None = None, kubecontext: str | None = None):
    """A pyhelm3 Client, built off the event loop."""
    if process.which("helm") is None:
        raise HelmUnavailable("helm not found")
    try:
        return await asyncio.wait_for(asyncio.to_thread(_build, kubeconfig, kubecontext), VERSION_TIMEOUT)
    except TimeoutError:
        raise HelmUnavailable(f"helm version did not answer in {VERSION_TIMEOUT:.0f}s") from None


def controller_values(base: dict[str, Any] | None, *, cluster: str, region: str, vpc_id: str,
                      service_account: str = CHART) -> dict[str, Any]:
    """Our values file with what must never be left to discovery: the cluster, region and
    VPC named explicitly (IMDSv2 hop limit 1 hides them), the IngressClass and the
    ServiceAccount ours rather than the chart's."""
    values = dict(base or {})
    values.update({"clusterName": cluster, "region": region, "vpcId": vpc_id,
                   "createIngressClassResource": False})
    sa = dict(values.get("serviceAccount") or {})
    sa.update({"create": False, "name": sa.get("name") or service_account})
    values["serviceAccount"] = sa
    return values


async def install_controller(values: dict[str, Any], *, kubeconfig: Path | None = None,
                             kubecontext: str | None = None, version: str | None = None) -> dict:
    """helm upgrade --install aws-load-balancer-controller (kube-system) with `values`; the
    release's name, namespace, revision and status."""
    helm = await client(kubeconfig, kubecontext)

    async def work():
        chart = await helm.get_chart(CHART, repo=CHART_REPO, version=version)
        return await helm.install_or_upgrade_release(
            settings.CONTROLLER_RELEASE, chart, values,
            namespace=settings.CONTROLLER_NAMESPACE, create_namespace=False, wait=True,
            timeout=HELM_TIMEOUT)

    revision = await asyncio.wait_for(work(), CALL_TIMEOUT)
    return {"release": revision.release.name, "namespace": revision.release.namespace,
            "revision": revision.revision, "status": str(getattr(revision.status, "value", revision.status))}


async def uninstall_controller(*, kubeconfig: Path | None = None, kubecontext: str | None = None) -> None:
    helm = await client(kubeconfig, kubecontext)
    await asyncio.wait_for(
        helm.uninstall_release(settings.CONTROLLER_RELEASE, namespace=settings.CONTROLLER_NAMESPACE,
                               wait=True, timeout=HELM_TIMEOUT), CALL_TIMEOUT)
