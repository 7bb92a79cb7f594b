"""The sandbox halves of the image, app and URL steps: the container engine standing in for ECR's registry and the cluster.

The base image stand-in (services/base_image.py), the loopback registry
(services/local_registry.py) and `podman kube play` (services/kube_play.py) replace what
the emulator lacks; every other part of the steps is the one a real deploy runs.
"""

from __future__ import annotations

import asyncio
import shutil

from petstore_core.words import counted
from petstore_tui.runbook import common
from petstore_tui.runbook.model import StepContext, StepFailed, StepResult, done
from petstore_tui.services import (
    base_image,
    docker,
    ecr,
    kube_play,
    local_registry,
    sandbox,
    sandbox_inventory,
)
from petstore_tui.services.ports import free_port


def _engine(ctx: StepContext):
    engine, _ = ctx.cache["engine"]
    return engine


def _emit(ctx: StepContext):
    return lambda line: ctx.emit(line, "stdout")


async def ensure_bases(ctx: StepContext, platform: str) -> None:
    """Every image the Dockerfile builds FROM: present, pulled, or stood in for."""
    engine = _engine(ctx)
    dockerfile = ctx.project / "docker" / "Dockerfile"
    for image in base_image.base_images(dockerfile):
        try:
            outcome = await asyncio.to_thread(base_image.ensure, engine, image, platform, _emit(ctx))
        except base_image.BaseImageError as exc:
            raise StepFailed(str(exc)) from None
        ctx.emit(outcome.message, "info")


# ---------------------------------------------------------------- push
async def push_reason(ctx: StepContext) -> str | None:
    reason = await common.engine_reason(ctx)
    if reason is None and shutil.which(local_registry.BINARY) is None:
        return (f"{local_registry.BINARY} is not installed (apt-get install docker-registry): "
                "nothing stands in for ECR's registry endpoint")
    return reason


async def push(ctx: StepContext, image: str, tag: str) -> StepResult:
    """Log in with moto's ECR token and push to the loopback registry, then record the
    pushed manifest in moto's ECR (describe-images then lists the image as in ECR)."""
    engine = _engine(ctx)
    login = await asyncio.to_thread(ecr.registry_login, ctx.target)
    try:
        endpoint, started = await asyncio.to_thread(local_registry.start)
    except local_registry.RegistryError as exc:
        raise StepFailed(str(exc)) from None
    ctx.emit(f"registry {endpoint} {'started' if started else 'running'}: it stands in for {login.server}",
             "info")
    await docker.login(engine, endpoint, login.username, login.password, insecure=True)
    ctx.emit(f"logged in to {endpoint} with the token from ECR ({login.server})", "info")
    repository = ecr.repository_name(image)
    destination = f"{endpoint}/{repository}:{tag}"
    await docker.push(engine, f"{image}:{tag}", _emit(ctx), destination=destination, insecure=True)
    digest = await asyncio.to_thread(local_registry.manifest_digest, endpoint, repository, tag)
    if not digest:
        raise StepFailed(f"the registry does not serve {repository}:{tag} after the push")
    await asyncio.to_thread(ecr.record_image, ctx.target, endpoint, repository, tag)
    ctx.emit(f"{repository}:{tag} in ECR as {digest}", "info")
    return done(f"pushed {image}:{tag} ({digest[:19]}…)", image_digest=digest)


# ---------------------------------------------------------------- the app
async def app_reason(ctx: StepContext) -> str | None:
    reason = await common.engine_reason(ctx)
    if reason is not None:
        return f"{reason}: the local app stands in for the cluster (local-app step)"
    if _engine(ctx).name != "podman":
        return f"{_engine(ctx).name} has no `kube play`: the local app stands in for the cluster"
    return None


async def app_apply(ctx: StepContext, objects: list[dict], **stand_in_options) -> StepResult:
    """The Kustomize output run by `podman kube play`, waited on until it is healthy."""
    engine = _engine(ctx)
    app = sandbox_inventory.read().get("app") or {}
    port = int(app.get("port") or free_port())  # one URL for the sandbox's life
    standin = kube_play.stand_in(objects, port=port, **stand_in_options)
    for note in standin.notes:
        ctx.emit(note, "info")
    url = f"http://127.0.0.1:{port}"
    try:
        pods = await asyncio.to_thread(kube_play.play, engine, standin, _emit(ctx))
        sandbox_inventory.update(app={"port": port, "url": url, "pods": pods,
                                      "health_path": standin.health_path})
        ctx.progress(0, 1, f"waiting for {url}{standin.health_path}")
        await asyncio.to_thread(kube_play.wait_ready, engine, url + standin.health_path,
                                progress=lambda text: ctx.emit(text, "info"))
    except kube_play.StandInError as exc:
        raise StepFailed(str(exc)) from None
    ctx.progress(1, 1, "ready")
    for pod in pods:
        ctx.emit(f"pod {pod} ready", "info")
    return done(f"{len(objects)} objects rendered, {counted(len(pods), 'pod')} running under podman kube play",
                url=url, app_port=port, pods=pods)


async def url(ctx: StepContext) -> StepResult:
    """The ALB step's stand-in: the Service's loopback port, probed like the ALB's URL."""
    app = sandbox_inventory.read().get("app") or {}
    base = ctx.outputs.get("url") or app.get("url")
    if not base:
        raise StepFailed("the app is not running under the stand-in: run the deploy from app-apply")
    ok, why = await asyncio.to_thread(kube_play.health, base + (app.get("health_path") or "/api/v1/health"))
    if not ok:
        raise StepFailed(f"{base} does not answer its health check ({why})")
    ctx.emit(f"Pet Store API (sandbox stand-in for the ALB): {base}", "info")
    return done(f"healthy at {base}", url=base)


# ---------------------------------------------------------------- journal checks
async def verify_push(ctx: StepContext) -> str | None:
    """The loopback registry still runs and serves the pushed tag (moto's ECR is checked
    by runbook/verify.py)."""
    endpoint = await asyncio.to_thread(local_registry.running)
    if endpoint is None:
        return "the sandbox's registry is not running (the sandbox was stopped or restarted)"
    image, tag = ctx.outputs.get("image"), ctx.outputs.get("image_tag")
    if not await asyncio.to_thread(local_registry.manifest_digest, endpoint, ecr.repository_name(image), str(tag)):
        return f"the sandbox's registry does not serve {image}:{tag}"
    return None


async def verify_app(ctx: StepContext) -> str | None:
    """The app's pods still run under the stand-in and answer their health check."""
    app = sandbox_inventory.read().get("app") or {}
    url = ctx.outputs.get("url") or app.get("url")
    if not app or not url:
        return "the app's pods are gone (the sandbox was stopped or destroyed)"
    ok, why = await asyncio.to_thread(kube_play.health, url + (app.get("health_path") or "/api/v1/health"))
    return None if ok else f"{url} does not answer its health check ({why})"


# ---------------------------------------------------------------- cleanup
async def remove_containers(ctx: StepContext) -> StepResult:
    """The app's pods, the images this sandbox built, the registry; the cached stand-in
    base stays (`petstore-tui sandbox stop --remove-base` removes it)."""
    said = []
    engine, reason = await docker.engine_or_reason(sandbox=True)
    if engine is not None:
        pods = await asyncio.to_thread(kube_play.down, engine)
        said.append(f"{counted(len(pods), 'pod')} removed")
        images = list(sandbox_inventory.read().get("images", []))
        removed = await asyncio.to_thread(docker.remove_images, engine, images)
        sandbox_inventory.forget_images(images)
        said.append(f"{counted(len(removed), 'image')} removed")
        stages = list(sandbox_inventory.read().get("stages", []))
        cleared = await asyncio.to_thread(docker.remove_stages, engine, stages)
        sandbox_inventory.update(stages=None)
        if cleared:
            said.append(f"{counted(cleared, 'untagged image')} its builds left removed")
        swept = await asyncio.to_thread(sandbox.sweep_stopped_build, engine)
        if swept:
            said.append(swept)
    else:
        said.append(f"no engine to remove pods and images with ({reason})")
    said.append(await asyncio.to_thread(local_registry.stop))
    sandbox_inventory.update(app=None)
    for line in said:
        ctx.emit(line, "info")
    return done("; ".join(said))
