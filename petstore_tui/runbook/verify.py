"""Whether a step the journal records as done still stands: one or two cheap reads of what it made (Terraform's state, EKS, ECR, the kubeconfig, the cluster's objects, the local app). Each returns why the result no longer holds, or None."""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml

from petstore_core import aws, settings
from petstore_tui.runbook import common
from petstore_tui.runbook.model import StepContext
from petstore_tui.services import ecr
from petstore_tui.services import local_app as app

_LIVE = ("ACTIVE", "UPDATING")  # what `aws eks update-kubeconfig` accepts too


async def terraform_init(ctx: StepContext) -> str | None:
    folder = common.terraform_dir(ctx)
    if not (folder / ".terraform").is_dir():
        return f"{folder / '.terraform'} is gone"
    return None


async def terraform_apply(ctx: StepContext) -> str | None:
    """Terraform's state still has its outputs, and the cluster they name is live."""
    if not ctx.outputs.get("terraform"):
        return "the journal holds no Terraform outputs"
    live = await common.terraform(ctx).output()
    if not live:
        return "Terraform's state has no outputs any more"
    name = str(live.get("cluster_name") or ctx.target.cluster_name)

    def describe() -> dict | None:
        eks = aws.client(ctx.target, "eks")
        try:
            return eks.describe_cluster(name=name)["cluster"]
        except eks.exceptions.ResourceNotFoundException:
            return None

    cluster = await asyncio.to_thread(describe)
    where = "the sandbox's emulator" if ctx.target.sandbox else ctx.target.region_name
    if cluster is None:
        return f"EKS cluster {name} does not exist in {where}"
    if cluster.get("status") not in _LIVE:
        return f"EKS cluster {name} is {cluster.get('status')}"
    ctx.cache["eks-cluster"] = cluster
    return None


async def image_push(ctx: StepContext) -> str | None:
    image, tag = ctx.outputs.get("image"), ctx.outputs.get("image_tag")
    if not image or not tag:
        return "the journal holds no pushed image"
    repository = ecr.repository_name(image)

    def found() -> str | None:
        client = aws.client(ctx.target, "ecr")
        try:
            images = client.describe_images(repositoryName=repository, imageIds=[{"imageTag": str(tag)}])
        except client.exceptions.RepositoryNotFoundException:
            return f"ECR repository {repository} does not exist"
        except client.exceptions.ImageNotFoundException:
            return f"image {repository}:{tag} is not in ECR"
        return None if images.get("imageDetails") else f"image {repository}:{tag} is not in ECR"

    return await asyncio.to_thread(found)


async def kubeconfig(ctx: StepContext) -> str | None:
    """The file still holds the context, pointing at the cluster's current endpoint."""
    path, name = ctx.outputs.get("kubeconfig"), ctx.outputs.get("kube_context")
    if not path or not Path(path).is_file():
        return f"the kubeconfig {path} is gone"
    try:
        data = yaml.safe_load(Path(path).read_text()) or {}
    except (OSError, yaml.YAMLError):
        return f"the kubeconfig {path} cannot be read"
    contexts = {c.get("name"): c.get("context") or {} for c in data.get("contexts") or [] if isinstance(c, dict)}
    if name not in contexts:
        return f"context {name} is not in {path} any more"
    cluster = ctx.cache.get("eks-cluster")
    servers = {c.get("name"): (c.get("cluster") or {}).get("server") for c in data.get("clusters") or []
               if isinstance(c, dict)}
    if cluster and servers.get(contexts[name].get("cluster")) != cluster.get("endpoint"):
        return f"context {name} points at another endpoint than the cluster's"
    return None


async def manifests(ctx: StepContext) -> str | None:
    folder = ctx.outputs.get("manifests")
    if not folder or not (Path(folder) / "app" / "kustomization.yaml").is_file():
        return f"the rendered manifests in {folder} are gone"
    if ctx.outputs.get("app_namespace") not in (None, ctx.target.namespace):
        return f"they were rendered for namespace {ctx.outputs['app_namespace']}"
    return None


async def controller_prereqs(ctx: StepContext) -> str | None:
    refs = ({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "alb"}},
            {"apiVersion": "v1", "kind": "ServiceAccount",
             "metadata": {"name": "aws-load-balancer-controller", "namespace": settings.CONTROLLER_NAMESPACE}})
    apply = common.applier(ctx)
    for ref in refs:
        if await asyncio.to_thread(apply.get, ref) is None:
            return f"{ref['kind']} {ref['metadata']['name']} is not in the cluster"
    return None


async def controller_helm(ctx: StepContext) -> str | None:
    return await _ready(ctx, settings.CONTROLLER_NAMESPACE, settings.CONTROLLER_RELEASE)


async def app_apply(ctx: StepContext) -> str | None:
    for ref in ctx.outputs.get("deployments") or []:
        namespace, _, name = str(ref).partition("/")
        why = await _ready(ctx, namespace, name)
        if why:
            return why
    ingress = ctx.outputs.get("ingress")
    if ingress:
        ref = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
               "metadata": {"name": ingress["name"], "namespace": ingress["namespace"]}}
        if await asyncio.to_thread(common.applier(ctx).get, ref) is None:
            return f"Ingress {ingress['namespace']}/{ingress['name']} is not in the cluster"
    return None


async def ingress_wait(ctx: StepContext) -> str | None:
    ingress, url = ctx.outputs.get("ingress"), ctx.outputs.get("url")
    if not ingress or not url:
        return "the journal holds no Ingress address"
    host = await asyncio.to_thread(common.applier(ctx).ingress_hostname, ingress["namespace"], ingress["name"])
    if f"http://{host}" != url:
        return f"Ingress {ingress['namespace']}/{ingress['name']} has " + (
            f"another address ({host})" if host else "no address")
    return None


async def local_app(ctx: StepContext) -> str | None:
    if await asyncio.to_thread(app.running) != ctx.outputs.get("url"):
        return "the local app is not running (the sandbox was stopped or restarted)"
    return None


async def _ready(ctx: StepContext, namespace: str, name: str) -> str | None:
    ref = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": namespace}}
    dep = await asyncio.to_thread(common.applier(ctx).get, ref)
    if dep is None:
        return f"deployment {namespace}/{name} is not in the cluster"
    want = (dep.get("spec") or {}).get("replicas")
    want = 1 if want is None else int(want)
    ready = int((dep.get("status") or {}).get("availableReplicas") or 0)
    if ready < want:
        return f"deployment {namespace}/{name} has {ready}/{want} replicas available"
    return None
