"""The deploy runbook's steps on the AWS side: preflight, Terraform, the image (build, push to
ECR), the kubeconfig of the EKS cluster."""

from __future__ import annotations

import asyncio
import os

from checks.model import Status
from checks.preflight import context as check_context
from checks.preflight.runner import run_preflight
from petstore_core import aws, settings
from petstore_core.sandbox_state import SANDBOX_CREDENTIALS
from petstore_core.words import counted
from petstore_tui.events import StepStatus
from petstore_tui.fixes.model import command_for
from petstore_tui.runbook import common, sandbox_steps
from petstore_tui.runbook.model import StepContext, StepFailed, StepResult, done, skipped
from petstore_tui.services import docker, ecr, kubeconfig, node_platform, sandbox_inventory
from petstore_tui.services import terraform as tf


# ---- 1. preflight -------------------------------------------------------------------------
def _check_context(target: settings.Target):
    cls = check_context.CheckContext
    factory = getattr(cls, "for_target", None) or getattr(cls, "from_target", None)
    if factory:
        return factory(target)
    try:
        return cls(target=target, project_dir=target.project)
    except TypeError:  # an older context without project_dir
        return cls(target=target)


async def preflight(ctx: StepContext) -> StepResult:
    check_ctx = _check_context(ctx.target)
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
        raise StepFailed(f"{counted(len(failures), 'preflight check')} failed: {names} (fixes above)")
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
    """The plan the operator agreed to: the apply step applies this file and no other."""
    return ctx.workdir / "deploy.tfplan"


def _unconfirmed(ctx: StepContext):
    """Where a plan waits for the operator's answer: renamed to _planfile on yes only, so a
    Cancel (or a run killed at the question) leaves nothing the apply step would apply."""
    return ctx.workdir / "deploy.tfplan.unconfirmed"


async def terraform_plan(ctx: StepContext) -> StepResult:
    planfile, pending = _planfile(ctx), _unconfirmed(ctx)
    planfile.unlink(missing_ok=True)  # a new plan replaces any earlier one, agreed or not
    with ctx.waiting_for("terraform plan", tf.PLAN_TIMEOUT):
        result = await common.terraform(ctx).plan(pending, common.var_args(ctx))
    if not result.ok:
        pending.unlink(missing_ok=True)
        raise StepFailed(f"terraform plan: {result.error_text()}")
    summary = result.summary
    if summary is None or summary.total == 0:
        pending.unlink(missing_ok=True)
        return done("no changes", planfile=str(planfile), planned=0)
    if not await ctx.confirm(f"Apply this plan to {ctx.target.label}? {summary.describe()}",
                             detail=" ".join(filter(None, ("The plan above is saved; nothing changes until you agree.",
                                                           long_apply_advice(ctx.target))))):
        return StepResult(StepStatus.STOPPED, "the plan was not confirmed; nothing was changed")
    os.replace(pending, planfile)
    return done(summary.describe(), planfile=str(planfile), planned=summary.total)


def long_apply_advice(target) -> str | None:
    """For a real AWS target: keep the terminal of a long apply alive. A SIGKILL or a closed
    terminal mid-apply left terraform.tfstate at 0 bytes while AWS held what the apply had
    made (measured: docs/knowledge/orphaned-tool-processes.md); tmux or screen outlive the
    terminal. The sandbox's apply takes seconds and its state can be thrown away."""
    if target.sandbox:
        return None
    return ("An EKS apply runs for many minutes: run petstore-tui inside tmux or screen, and do not "
            "close the terminal or kill petstore-tui meanwhile; Terraform killed mid-apply can leave "
            "terraform.tfstate empty while AWS keeps what it made.")


async def terraform_apply(ctx: StepContext) -> StepResult:
    planfile = _planfile(ctx)
    planned = int(ctx.outputs.get("planned") or 0)
    adapter = common.terraform(ctx, on_progress=lambda n, addr, _total: ctx.progress(n, planned or None, addr))
    if planfile.exists():
        advice = long_apply_advice(ctx.target)
        if advice:
            ctx.emit(advice, "info")
        ctx.progress(0, planned or None, "applying")
        with ctx.waiting_for("terraform apply", tf.APPLY_TIMEOUT):
            result = await adapter.apply(planfile)
        if not result.ok:
            raise StepFailed(f"terraform apply: {result.error_text()}")
        planfile.unlink(missing_ok=True)  # a saved plan is used once; a retry plans again
        applied = f"{result.completed} resources changed"
    elif _unconfirmed(ctx).exists():
        # the last plan was answered Cancel (or never answered): it is never applied
        raise StepFailed("the last plan was not confirmed, so nothing was applied: plan again and agree, "
                         + command_for(ctx.target, "deploy", "--from", "terraform-plan"))
    elif planned:
        # a done apply run again (`o`, --only) finds its plan used: the plan step makes another
        raise StepFailed("the saved plan is gone (an apply uses it once): plan again, "
                         + command_for(ctx.target, "deploy", "--from", "terraform-plan"))
    else:
        applied = "nothing to apply"
    outputs = await adapter.output()
    for name in ("cluster_name", "vpc_id", "ecr_repository_url", "cluster_endpoint"):
        if name in outputs:
            ctx.emit(f"{name} = {outputs[name]}", "info")
    return done(applied, terraform=outputs)


# ---- 3-4. image -----------------------------------------------------------------------------
async def image_build(ctx: StepContext) -> StepResult:
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
                                    platform=platform, network="host" if ctx.target.sandbox else None,
                                    on_mark=sandbox_inventory.keep_build if ctx.target.sandbox else None)
    if ctx.target.sandbox:
        sandbox_inventory.add_image(image, stages)
    return done(f"built {image} for {platform}", image=repository, image_tag=tag, platform=platform)


async def push_skip_reason(ctx: StepContext) -> str | None:
    if ctx.target.sandbox:
        return await sandbox_steps.push_reason(ctx)
    return await common.engine_reason(ctx)


async def image_push(ctx: StepContext) -> StepResult:
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
