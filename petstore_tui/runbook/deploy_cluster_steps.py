"""The deploy runbook's steps in the cluster: manifests, the controller, the app, the Ingress
address (or the local app), with their skip reasons and verifications."""

from __future__ import annotations

import asyncio
import shlex
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

from checks import alb_policy
from petstore_core import settings
from petstore_core.words import counted
from petstore_tui.runbook import common, sandbox_steps, verify
from petstore_tui.runbook.model import StepContext, StepFailed, StepResult, done
from petstore_tui.services import docker, helm, manifests
from petstore_tui.services import local_app as app
from petstore_tui.services.kube_apply import order_for_apply

INGRESS_TIMEOUT = 900.0  # the controller creates the ALB within minutes; DNS takes longer
HEALTH_TIMEOUT = 600.0
CONTROLLER_READY_TIMEOUT = 300.0
ROLLOUT_TIMEOUT = 600.0


async def fill_manifests(ctx: StepContext) -> StepResult:
    tfout = await common.terraform_outputs(ctx)
    values = manifests.placeholder_values(tfout, cluster=ctx.target.cluster_name,
                                          region=ctx.target.region_name)
    image = ctx.outputs.get("image") or tfout.get("ecr_repository_url") or "petstore"
    tag = ctx.outputs.get("image_tag") or await asyncio.to_thread(docker.git_commit, ctx.project)
    dest = ctx.workdir / "manifests"
    overlay = ctx.options.get("overlay") or "dev"
    namespace = common.app_namespace(ctx)
    written = manifests.render(ctx.project, dest, values, overlay=overlay, image=image, tag=tag,
                               namespace=namespace)
    with ctx.waiting_for("kubectl kustomize", manifests.KUSTOMIZE_TIMEOUT):
        objects = await asyncio.to_thread(manifests.kustomize, written["kustomization"].parent)
    for path in written.values():
        ctx.emit(f"wrote {path}", "info")
    return done(f"{len(written)} files, {len(objects)} app objects in namespace {namespace} "
                f"({overlay} overlay, image {image}:{tag})", manifests=str(dest), app_namespace=namespace)


# ---- 7-9. controller and app ---------------------------------------------------------------
async def controller_prereqs(ctx: StepContext) -> StepResult:
    (folder,) = common.require(ctx, "manifests")
    apply = common.applier(ctx)
    names = []
    for file in ("ingressclass.yaml", "serviceaccount.yaml"):  # IngressClass first
        path = Path(folder) / "controller" / file  # the manifests step's copy of kubernetes/controller/
        if not path.is_file():  # the chart makes neither: controller_values turns both off
            raise StepFailed(f"kubernetes/controller/{file} is missing: this step applies it before the "
                             f"controller's Helm install (restore it: git -C {shlex.quote(settings.shown_path(ctx.project))} "
                             f"checkout -- kubernetes/controller/{file})")
        for obj in manifests.load_yaml(path):
            await asyncio.to_thread(apply.apply, obj)
            names.append(f"{obj['kind']}/{obj['metadata']['name']}")
            ctx.emit(f"applied {names[-1]}", "info")
    return done(", ".join(names))


async def controller_helm(ctx: StepContext) -> StepResult:
    (folder,) = common.require(ctx, "manifests")
    tfout = await common.terraform_outputs(ctx)
    base = yaml.safe_load((Path(folder) / "controller" / "values.yaml").read_text()) or {}
    values = helm.controller_values(base, cluster=str(tfout.get("cluster_name") or ctx.target.cluster_name),
                                    region=str(tfout.get("region") or ctx.target.region_name),
                                    vpc_id=str(tfout.get("vpc_id") or ""))
    # Pinned: the IAM policy in terraform/ is the policy of exactly this release.
    with ctx.waiting_for(f"helm upgrade --install {settings.CONTROLLER_RELEASE} --wait (its pods ready; "
                         "helm prints nothing until then)", helm.CALL_TIMEOUT):
        release = await helm.install_controller(values, kubeconfig=common.kubeconfig_path(ctx),
                                                kubecontext=common.kube_context(ctx),
                                                version=alb_policy.HELM_CHART_VERSION)
    ctx.emit(f"release {release['release']} revision {release['revision']}: {release['status']}", "info")
    apply = common.applier(ctx)
    with ctx.waiting_for(f"deployment {settings.CONTROLLER_NAMESPACE}/{settings.CONTROLLER_RELEASE} to be ready",
                         CONTROLLER_READY_TIMEOUT):
        await asyncio.to_thread(apply.wait_deployment_ready, settings.CONTROLLER_NAMESPACE,
                                settings.CONTROLLER_RELEASE, CONTROLLER_READY_TIMEOUT,
                                lambda ready, want: ctx.progress(ready, want, "controller replicas ready"))
    return done(f"controller revision {release['revision']} ready")


async def app_apply(ctx: StepContext) -> StepResult:
    (folder,) = common.require(ctx, "manifests")
    namespace = common.app_namespace(ctx)
    objects = order_for_apply(await asyncio.to_thread(manifests.kustomize, Path(folder) / "app"))
    stray = [o for o in objects if (o["metadata"].get("namespace") or namespace) != namespace
             and o["kind"] != "Namespace"]
    if stray:  # a manifests folder rendered for another namespace: never apply across two
        raise StepFailed(f"{folder} was rendered for namespace {stray[0]['metadata']['namespace']}, not "
                         f"{namespace}: run the deploy from manifests")
    if ctx.target.sandbox:
        return await sandbox_steps.app_apply(ctx, objects)
    apply = common.applier(ctx)
    applied = 0
    for obj in objects:
        name = _ref(obj)
        current = await asyncio.to_thread(apply.get, obj, namespace)
        if current is not None and not manifests.managed(current):
            if obj["kind"] == "Namespace":  # someone else's namespace: used, never made ours
                ctx.emit(f"namespace {namespace} exists and was not created by petstore-tui: deploying "
                         "into it and leaving it alone (a destroy deletes only what this deploy made)", "info")
                continue
            raise StepFailed(f"{name} exists and was not created by petstore-tui (no label "
                             f"{'='.join(manifests.MANAGED_BY)}): not taking it over; remove it or "
                             "deploy to another namespace with -n")
        await asyncio.to_thread(apply.apply, obj, namespace)
        applied += 1
        ctx.emit(f"applied {name}", "info")
    deployments = [o for o in objects if o["kind"] == "Deployment"]
    for dep in deployments:
        ns = dep["metadata"].get("namespace") or namespace
        with ctx.waiting_for(f"the rollout of deployment {ns}/{dep['metadata']['name']}", ROLLOUT_TIMEOUT):
            await asyncio.to_thread(apply.wait_deployment_ready, ns, dep["metadata"]["name"], ROLLOUT_TIMEOUT,
                                    lambda ready, want: ctx.progress(ready, want, "replicas ready"))
    ingress = next((o for o in objects if o["kind"] == "Ingress"), None)
    outputs = {}
    if ingress is not None:
        outputs["ingress"] = {"name": ingress["metadata"]["name"],
                              "namespace": ingress["metadata"].get("namespace") or namespace}
    outputs["deployments"] = [f"{d['metadata'].get('namespace') or namespace}/{d['metadata']['name']}"
                              for d in deployments]
    return done(f"{applied} objects applied in namespace {namespace}, {counted(len(deployments), 'rollout')} complete",
                **outputs)


def _ref(obj: dict) -> str:
    """`Deployment team-a/petstore`, `Namespace team-a`: how kubectl users name objects."""
    meta = obj.get("metadata") or {}
    where = f"{meta['namespace']}/" if meta.get("namespace") else ""
    return f"{obj['kind']} {where}{meta.get('name')}"


# ---- 10. Ingress address, or the local app ------------------------------------------------
async def app_skip_reason(ctx: StepContext) -> str | None:
    if ctx.target.sandbox:
        return await sandbox_steps.app_reason(ctx)
    return await common.kube_reason(ctx)


async def ingress_skip_reason(ctx: StepContext) -> str | None:
    if not ctx.target.sandbox:
        return await common.kube_reason(ctx)
    if ctx.outputs.get("app_port"):
        return None  # the containers' loopback port stands in for the ALB's URL
    return "the sandbox has no load balancer: the local app stands in for it (next step)"


async def local_app_skip_reason(ctx: StepContext) -> str | None:
    if ctx.outputs.get("app_port"):
        return "the app runs in containers (app-apply): no local app"
    return None


async def verify_image_push(ctx: StepContext) -> str | None:
    return await verify.image_push(ctx) or (await sandbox_steps.verify_push(ctx) if ctx.target.sandbox else None)


async def verify_app_running(ctx: StepContext) -> str | None:
    return await (sandbox_steps.verify_app(ctx) if ctx.target.sandbox else verify.app_apply(ctx))


async def verify_app_url(ctx: StepContext) -> str | None:
    return await (sandbox_steps.verify_app(ctx) if ctx.target.sandbox else verify.ingress_wait(ctx))


async def ingress_wait(ctx: StepContext) -> StepResult:
    if ctx.target.sandbox:
        return await sandbox_steps.url(ctx)
    (ingress,) = common.require(ctx, "ingress")
    apply = common.applier(ctx)
    deadline = time.monotonic() + INGRESS_TIMEOUT
    host = None
    with ctx.waiting_for(f"an ALB address on Ingress {ingress['namespace']}/{ingress['name']} (the "
                         "controller creates the load balancer)", INGRESS_TIMEOUT):
        while host is None:
            host = await asyncio.to_thread(apply.ingress_hostname, ingress["namespace"], ingress["name"])
            if host is None:
                if time.monotonic() > deadline:
                    raise StepFailed(f"the Ingress got no address in {INGRESS_TIMEOUT:.0f}s: look at the "
                                     "controller logs (petstore-tui diagnose --live)")
                await asyncio.sleep(10)
    ctx.emit(f"Ingress address: {host}", "info")
    url = f"http://{host}"
    deadline = time.monotonic() + HEALTH_TIMEOUT
    with ctx.waiting_for(f"HTTP 200 from {url}/api/v1/health (the ALB's DNS name and targets)", HEALTH_TIMEOUT):
        while True:
            ok, why = await asyncio.to_thread(_probe, url + "/api/v1/health")
            if ok:
                break
            ctx.emit(f"health: {why}", "stdout")
            if time.monotonic() > deadline:
                raise StepFailed(f"{url}/api/v1/health did not answer 200 in {HEALTH_TIMEOUT:.0f}s ({why})")
            await asyncio.sleep(10)
    ctx.emit(f"Pet Store API: {url}", "info")
    return done(f"healthy at {url}", url=url)


def _probe(url: str) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - the ALB's http URL
            return response.status == 200, f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return False, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return False, str(getattr(exc, "reason", exc))


async def local_app(ctx: StepContext) -> StepResult:
    with ctx.waiting_for("the local app to answer its health check"):
        url = await asyncio.to_thread(app.start, ctx.project, lambda line: ctx.emit(line, "stdout"))
    ctx.emit(f"Pet Store API (local): {url}", "info")
    return done(f"healthy at {url}", url=url)
