"""Helpers the deploy and cleanup steps share: Terraform setup, reachability checks, kube access."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from kubernetes import client

from petstore_core import aws, errors, kube
from petstore_core.terraform_vars import target_var_args
from petstore_core.words import counted
from petstore_tui.fixes.model import command_for
from petstore_tui.runbook.model import StepContext, StepFailed
from petstore_tui.services import docker
from petstore_tui.services import terraform as tf
from petstore_tui.services.helm import helm_reason
from petstore_tui.services.kube_apply import Applier
from petstore_tui.services.terraform_sandbox import sandbox_env, write_sandbox_override

KUBE_PROBE_TIMEOUT = 8.0


def terraform_dir(ctx: StepContext) -> Path:
    """terraform/ itself for a real target; for the sandbox a working copy in the state
    folder, refreshed from terraform/ with the emulator override written into it."""
    source = ctx.project / "terraform"
    if not ctx.target.sandbox:
        return source

    dest = ctx.workdir / "terraform"
    if not ctx.cache.get("tf-copied"):
        tf.working_copy(source, dest)
        write_sandbox_override(dest, aws.sandbox_endpoint(), ctx.target.region_name)
        ctx.cache["tf-copied"] = True
    return dest


def var_args(ctx: StepContext) -> list[str]:
    return target_var_args(ctx.target, ctx.options.get("environment"))


def terraform(ctx: StepContext, on_progress=None) -> tf.Terraform:
    """A Terraform adapter whose events are printed (and so fed to the engine)."""
    workdir = terraform_dir(ctx)
    counter = {"done": 0, "planned": 0}
    drifted: list[tf.Drift] = []

    def on_event(event: tf.TerraformEvent) -> None:
        if isinstance(event, tf.Drift):
            drifted.append(event)  # shown once the plan says whether it matters
            return
        if isinstance(event, (tf.PlannedChange, tf.ChangeSummary)) and drifted:
            _show_drift(ctx, drifted, matters=not (isinstance(event, tf.ChangeSummary) and event.total == 0))
            drifted.clear()
        text = tf.event_text(event)
        if isinstance(event, tf.PlannedChange):
            counter["planned"] += 1  # a destroy plans before it applies: its total
        if text:
            stream = "stderr" if isinstance(event, tf.Diagnostic) and event.severity == "error" else "stdout"
            ctx.emit(text, stream)
        if isinstance(event, tf.ApplyComplete) and event.action != "read" and on_progress is not None:
            counter["done"] += 1
            on_progress(counter["done"], event.address, counter["planned"] or None)

    env = None
    if ctx.target.sandbox:
        env = sandbox_env(os.environ)
    runner = tf.Terraform(workdir, on_event=on_event, env=env)
    ctx.cache.setdefault("terraform-adapters", []).append(runner)
    return runner


def _show_drift(ctx: StepContext, drifted: list[tf.Drift], *, matters: bool) -> None:
    """Each drifted resource when the plan changes something (the operator should see what
    moved under it); one line when the plan changes nothing, as Terraform's human view
    then says nothing of drift (docs/knowledge/terraform.md)."""
    if matters:
        for event in drifted:
            ctx.emit(tf.event_text(event), "stdout")
        return
    ctx.emit(f"{counted(len(drifted), 'resource')} read back different from the state; "
             "the plan needs no change for them", "stdout")


def terraform_seconds(ctx: StepContext) -> float:
    return sum(t.time_inside for t in ctx.cache.get("terraform-adapters", []))


def kubeconfig_path(ctx: StepContext) -> Path | None:
    """The kubeconfig every Kubernetes client, kubectl and helm call of a run uses:
    --kubeconfig, else the one the kubeconfig step wrote, else None (KUBECONFIG)."""
    found = ctx.target.kubeconfig or ctx.outputs.get("kubeconfig")
    return Path(found) if found else None


def kube_context(ctx: StepContext) -> str | None:
    """--context, else the context the kubeconfig step wrote, else the current one."""
    return ctx.target.context or ctx.outputs.get("kube_context")


async def kube_reason(ctx: StepContext) -> str | None:
    """Why the cluster's Kubernetes API cannot be used now, or None (cached per run)."""
    if "kube-reason" in ctx.cache:
        return ctx.cache["kube-reason"]

    kubeconfig = kubeconfig_path(ctx)
    context = kube_context(ctx)
    if not kubeconfig and ctx.target.sandbox:
        reason = "no kubeconfig for the cluster yet (the kubeconfig step has not run)"
    else:
        def probe() -> None:
            api = kube.api_client(ctx.target.with_(context=context), kubeconfig=kubeconfig)
            api.configuration.retries = 0

            client.VersionApi(api).get_code(_request_timeout=(4.0, 4.0))

        try:
            await asyncio.wait_for(asyncio.to_thread(probe), KUBE_PROBE_TIMEOUT)
            reason = None
        except TimeoutError:
            reason = "no Kubernetes API reachable (the API server did not answer in time)"
        except Exception as exc:
            reason = f"no Kubernetes API reachable: {errors.describe_kube_error(exc)}"
    ctx.cache["kube-reason"] = reason
    return reason


def applier(ctx: StepContext):
    api = kube.api_client(ctx.target.with_(context=kube_context(ctx)), kubeconfig=kubeconfig_path(ctx))
    return Applier(api)


async def helm_or_kube_reason(ctx: StepContext) -> str | None:
    return helm_reason() or await kube_reason(ctx)


async def engine_reason(ctx: StepContext) -> str | None:
    if "engine" not in ctx.cache:
        ctx.cache["engine"] = await docker.engine_or_reason(sandbox=ctx.target.sandbox)
    engine, reason = ctx.cache["engine"]
    return None if engine is not None else reason


async def terraform_outputs(ctx: StepContext) -> dict[str, Any]:
    """Terraform's outputs: from the apply step of this run or the journal, else read
    again with `terraform output -json` (a step run alone with --only)."""
    outputs = ctx.outputs.get("terraform")
    if outputs:
        return outputs
    outputs = await terraform(ctx).output()
    if not outputs:
        raise StepFailed("Terraform has no outputs: run the deploy from terraform-init")
    ctx.outputs["terraform"] = outputs
    return outputs


def app_namespace(ctx: StepContext) -> str:
    """The one namespace of this target's app, from render to apply, follow and destroy:
    -n, refused when the journal says the app went to another one (a second namespace
    would leave the first behind, and a destroy would aim at the wrong one)."""
    recorded = ctx.outputs.get("app_namespace")
    if recorded and recorded != ctx.target.namespace:
        raise StepFailed(f"the app of {ctx.target.label} was deployed to namespace {recorded} "
                         f"(journal), not {ctx.target.namespace}: pass -n {recorded}")
    return ctx.target.namespace


def require(ctx: StepContext, *names: str) -> list[Any]:
    """Outputs earlier steps must have produced; a clear failure naming the step to run."""
    values = []
    for name in names:
        value = ctx.outputs.get(name)
        if value in (None, "", []):
            raise StepFailed(f"missing {name!r} from an earlier step: "
                             + command_for(ctx.target, "deploy", "--from", "terraform-apply"))
        values.append(value)
    return values
