"""The deploy runbook: preflight, Terraform, image, kubeconfig, manifests, controller, app, Ingress (or the local app)."""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request
from pathlib import Path

from checks import alb_policy
from petstore_core import settings
from petstore_tui.events import StepStatus
from petstore_tui.runbook import common, sandbox_steps
from petstore_tui.runbook.model import Step, StepContext, StepFailed, StepResult, done, skipped
from petstore_tui.services import terraform as tf

INGRESS_TIMEOUT = 900.0  # the controller creates the ALB within minutes; DNS takes longer
HEALTH_TIMEOUT = 600.0
CONTROLLER_READY_TIMEOUT = 300.0
ROLLOUT_TIMEOUT = 600.0


class Runbook(list):
    """The ordered steps, named (the journal keeps deploy and destroy apart)."""

    def __init__(self, name: str, steps):
        super().__init__(steps)
        self.name = name


# ---- 1. preflight -------------------------------------------------------------------------
def _check_context(target: settings.Target):
    from checks.preflight import context as check_context

    cls = check_context.CheckContext
    factory = getattr(cls, "for_target", None) or getattr(cls, "from_target", None)
    if factory:
        return factory(target)
    try:
        return cls(target=target, project_dir=target.project)
    except TypeError:  # an older context without project_dir
        return cls(target=target)


async def preflight(ctx: StepContext) -> StepResult:
    from checks.model import Status

    try:
        from checks.preflight import run_preflight

        check_ctx = _check_context(ctx.target)
    except ImportError as exc:
        return skipped(f"preflight checks are not installed in this checkout ({exc})")
    # Before a first deploy there is no cluster to check; in the sandbox a missing tool
    # (helm, a container engine) only skips its steps, so it warns rather than blocks.
    blocking_groups = {"aws", "config"} if ctx.target.sandbox else {"tools", "aws", "config"}
    failures = []
    tolerated = []
    count = 0
    try:
        async for result in run_preflight(check_ctx, groups=("tools", "aws", "config")):
            count += 1
            status = getattr(result.status, "value", result.status)
            ctx.emit(f"[{status.upper():5}] {result.id}: {result.summary}",
                     "stderr" if status in ("fail", "error") else "stdout")
            if result.status in (Status.FAIL, Status.ERROR):
                (failures if result.group in blocking_groups else tolerated).append(result)
                if result.fix:
                    ctx.emit(f"        fix: {result.fix}", "info")
    except ImportError as exc:  # a checkout whose preflight package is incomplete
        return skipped(f"preflight checks are not installed in this checkout ({exc})")
    if failures:
        names = ", ".join(r.id for r in failures[:5])
        raise StepFailed(f"{len(failures)} preflight check(s) failed: {names} (fixes above)")
    if tolerated:
        names = ", ".join(r.id for r in tolerated)
        return done(f"{count} checks; {len(tolerated)} failed without blocking the sandbox "
                    f"({names}): their steps will be skipped")
    return done(f"{count} checks passed or warned")


# ---- 2. Terraform -------------------------------------------------------------------------
async def terraform_init(ctx: StepContext) -> StepResult:
    with ctx.waiting_for("terraform init", tf.INIT_TIMEOUT):
        result = await common.terraform(ctx).init()
    if not result.ok:
        raise StepFailed(f"terraform init: {result.error_text()}")
    return done(f"initialised {common.terraform_dir(ctx)}")


def _planfile(ctx: StepContext):
    return ctx.workdir / "deploy.tfplan"


async def terraform_plan(ctx: StepContext) -> StepResult:
    planfile = _planfile(ctx)
    with ctx.waiting_for("terraform plan", tf.PLAN_TIMEOUT):
        result = await common.terraform(ctx).plan(planfile, common.var_args(ctx))
    if not result.ok:
        raise StepFailed(f"terraform plan: {result.error_text()}")
    summary = result.summary
    if summary is None or summary.total == 0:
        return done("no changes", planfile=str(planfile), planned=0)
    if not await ctx.confirm(f"Apply this plan to {ctx.target.label}? {summary.describe()}",
                             detail="The plan above is saved; nothing changes until you agree."):
        return StepResult(StepStatus.STOPPED, "the plan was not confirmed; nothing was changed")
    return done(summary.describe(), planfile=str(planfile), planned=summary.total)


async def terraform_apply(ctx: StepContext) -> StepResult:
    planfile = _planfile(ctx)
    planned = int(ctx.outputs.get("planned") or 0)
    adapter = common.terraform(ctx, on_progress=lambda n, addr, _total: ctx.progress(n, planned or None, addr))
    if planfile.exists():
        ctx.progress(0, planned or None, "applying")
        with ctx.waiting_for("terraform apply", tf.APPLY_TIMEOUT):
            result = await adapter.apply(planfile)
        if not result.ok:
            raise StepFailed(f"terraform apply: {result.error_text()}")
        planfile.unlink(missing_ok=True)  # a saved plan is used once; a retry plans again
        applied = f"{result.completed} resources changed"
    elif planned:
        raise StepFailed("the saved plan is gone: run the deploy from terraform-plan")
    else:
        applied = "nothing to apply"
    outputs = await adapter.output()
    for name in ("cluster_name", "vpc_id", "ecr_repository_url", "cluster_endpoint"):
        if name in outputs:
            ctx.emit(f"{name} = {outputs[name]}", "info")
    return done(applied, terraform=outputs)


# ---- 3-4. image -----------------------------------------------------------------------------
async def image_build(ctx: StepContext) -> StepResult:
    from petstore_tui.services import docker, node_platform, sandbox_inventory

    engine, _ = ctx.cache["engine"]
    tfout = await common.terraform_outputs(ctx)
    repository = tfout.get("ecr_repository_url") or "petstore"
    tag = await asyncio.to_thread(docker.git_commit, ctx.project)
    image = f"{repository}:{tag}"
    try:  # the nodes' architecture, or the pods die with "exec format error"
        platform, why = node_platform.from_outputs(tfout)
    except node_platform.PlatformError as exc:
        raise StepFailed(str(exc)) from None
    ctx.emit(f"building for {platform} (the node group's {why})", "info")
    if ctx.target.sandbox:
        await sandbox_steps.ensure_bases(ctx, platform)
    with ctx.waiting_for(f"the build of {image}"):
        stages = await docker.build(engine, ctx.project, [image], lambda line: ctx.emit(line, "stdout"),
                                    platform=platform, network="host" if ctx.target.sandbox else None)
    if ctx.target.sandbox:
        sandbox_inventory.add_image(image, stages)
    return done(f"built {image} for {platform}", image=repository, image_tag=tag, platform=platform)


async def _push_reason(ctx: StepContext) -> str | None:
    if ctx.target.sandbox:
        return await sandbox_steps.push_reason(ctx)
    return await common.engine_reason(ctx)


async def image_push(ctx: StepContext) -> StepResult:
    from petstore_tui.services import docker, ecr

    engine, _ = ctx.cache["engine"]
    image, tag = common.require(ctx, "image", "image_tag")
    if ctx.target.sandbox:
        return await sandbox_steps.push(ctx, image, tag)
    login = await asyncio.to_thread(ecr.registry_login, ctx.target)
    await docker.login(engine, login.server, login.username, login.password)
    ctx.emit(f"logged in to {login.server}", "info")
    with ctx.waiting_for(f"the push of {image}:{tag}"):
        await docker.push(engine, f"{image}:{tag}", lambda line: ctx.emit(line, "stdout"))
    return done(f"pushed {image}:{tag}")


# ---- 5. kubeconfig --------------------------------------------------------------------------
async def write_kubeconfig(ctx: StepContext) -> StepResult:
    from petstore_core import aws
    from petstore_core.sandbox_state import SANDBOX_CREDENTIALS
    from petstore_tui.services import kubeconfig

    path = None
    env = None
    if ctx.target.sandbox:
        # The emulator's cluster endpoint is fictitious: keep it out of ~/.kube/config.
        path = ctx.workdir / "kubeconfig"
        env = {"AWS_ENDPOINT_URL": aws.sandbox_endpoint(),
               "AWS_ACCESS_KEY_ID": SANDBOX_CREDENTIALS["aws_access_key_id"],
               "AWS_SECRET_ACCESS_KEY": SANDBOX_CREDENTIALS["aws_secret_access_key"]}
    written, context = await asyncio.to_thread(kubeconfig.write_for_cluster, ctx.target, path, env)
    ctx.emit(f"context {context} written to {written}", "info")
    return done(f"context {context} in {written}", kubeconfig=str(written), kube_context=context)


# ---- 6. manifests ---------------------------------------------------------------------------
async def fill_manifests(ctx: StepContext) -> StepResult:
    from petstore_tui.services import docker, manifests

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
    from petstore_tui.services import manifests

    (folder,) = common.require(ctx, "manifests")
    apply = common.applier(ctx)
    names = []
    for file in ("ingressclass.yaml", "serviceaccount.yaml"):  # IngressClass first
        for obj in manifests.load_yaml(Path(folder) / "controller" / file):
            await asyncio.to_thread(apply.apply, obj)
            names.append(f"{obj['kind']}/{obj['metadata']['name']}")
            ctx.emit(f"applied {names[-1]}", "info")
    return done(", ".join(names))


async def controller_helm(ctx: StepContext) -> StepResult:
    import yaml

    from petstore_tui.services import helm

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
    from petstore_tui.services import manifests
    from petstore_tui.services.kube_apply import order_for_apply

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
    return done(f"{applied} objects applied in namespace {namespace}, {len(deployments)} rollout(s) complete",
                **outputs)


def _ref(obj: dict) -> str:
    """`Deployment team-a/petstore`, `Namespace team-a`: how kubectl users name objects."""
    meta = obj.get("metadata") or {}
    where = f"{meta['namespace']}/" if meta.get("namespace") else ""
    return f"{obj['kind']} {where}{meta.get('name')}"


# ---- 10. Ingress address, or the local app ------------------------------------------------
async def _app_reason(ctx: StepContext) -> str | None:
    if ctx.target.sandbox:
        return await sandbox_steps.app_reason(ctx)
    return await common.kube_reason(ctx)


async def _ingress_reason(ctx: StepContext) -> str | None:
    if not ctx.target.sandbox:
        return await common.kube_reason(ctx)
    if ctx.outputs.get("app_port"):
        return None  # the containers' loopback port stands in for the ALB's URL
    return "the sandbox has no load balancer: the local app stands in for it (next step)"


async def _local_app_reason(ctx: StepContext) -> str | None:
    if ctx.outputs.get("app_port"):
        return "the app runs in containers (app-apply): no local app"
    return None


async def _verify_push(ctx: StepContext) -> str | None:
    from petstore_tui.runbook import verify

    return await verify.image_push(ctx) or (await sandbox_steps.verify_push(ctx) if ctx.target.sandbox else None)


async def _verify_app(ctx: StepContext) -> str | None:
    from petstore_tui.runbook import verify

    return await (sandbox_steps.verify_app(ctx) if ctx.target.sandbox else verify.app_apply(ctx))


async def _verify_url(ctx: StepContext) -> str | None:
    from petstore_tui.runbook import verify

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
    from petstore_tui.services import local_app as app

    with ctx.waiting_for("the local app to answer its health check"):
        url = await asyncio.to_thread(app.start, ctx.project, lambda line: ctx.emit(line, "stdout"))
    ctx.emit(f"Pet Store API (local): {url}", "info")
    return done(f"healthy at {url}", url=url)


def deploy_runbook(target: settings.Target) -> Runbook:
    from petstore_tui.runbook import verify

    steps = [
        Step("preflight", "Preflight checks", preflight, source="any"),
        Step("terraform-init", "Terraform init", terraform_init, source="terraform",
             verify=verify.terraform_init),
        Step("terraform-plan", "Terraform plan (confirm the changes)", terraform_plan, source="terraform"),
        Step("terraform-apply", "Terraform apply", terraform_apply, source="terraform",
             resume_from="terraform-plan", verify=verify.terraform_apply),
        Step("image-build", "Build the image", image_build, source="image-build",
             skip_if=common.engine_reason),
        Step("image-push", "Log in to ECR and push", image_push, source="image-build",
             skip_if=_push_reason, resume_from="image-build", verify=_verify_push),
        Step("kubeconfig", "kubeconfig context for the cluster", write_kubeconfig, source="aws",
             verify=verify.kubeconfig),
        Step("manifests", "Fill manifests from Terraform outputs", fill_manifests, source="kubectl",
             verify=verify.manifests),
        Step("controller-prereqs", "IngressClass, then the controller ServiceAccount",
             controller_prereqs, source="kubectl", skip_if=common.kube_reason, verify=verify.controller_prereqs),
        Step("controller-helm", "Helm: aws-load-balancer-controller, wait until ready",
             controller_helm, source="helm", skip_if=common.helm_or_kube_reason, verify=verify.controller_helm),
        Step("app-apply", "Apply the app (Kustomize), wait for the rollout", app_apply,
             source="kubectl", skip_if=_app_reason, verify=_verify_app),
        Step("ingress-wait", "Wait for the ALB hostname, probe health", ingress_wait,
             source="alb-controller", skip_if=_ingress_reason, verify=_verify_url),
    ]
    if target.sandbox:
        steps.append(Step("local-app", "Start the Pet Store locally (sandbox)", local_app, source="app",
                          skip_if=_local_app_reason, verify=verify.local_app))
    return Runbook("deploy", steps)
