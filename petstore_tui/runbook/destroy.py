"""The cleanup runbook: typed confirmation, Ingress first (ALB and SGs gone), namespace, controller, images, terraform destroy, leftovers."""

from __future__ import annotations

import asyncio
import time

from petstore_core import aws, settings
from petstore_core.errors import describe_aws_error
from petstore_core.words import counted
from petstore_tui.events import StepStatus
from petstore_tui.fixes.journal import retire
from petstore_tui.runbook import common, sandbox_steps
from petstore_tui.runbook.deploy import Runbook, from_outline
from petstore_tui.runbook.model import StepContext, StepFailed, StepResult, done
from petstore_tui.services import ecr, helm, local_app
from petstore_tui.services import terraform as tf
from petstore_tui.services.manifests import MANAGED_BY, managed
from petstore_tui.services.terraform_sandbox import release_ahead_of_destroy

ALB_GONE_TIMEOUT = 600.0
NAMESPACE_GONE_TIMEOUT = 600.0
ALB_TAG = "elbv2.k8s.aws/cluster"  # the controller tags every ALB, target group and SG it makes


async def confirm(ctx: StepContext) -> StepResult:
    name = ctx.target.cluster_name
    ok = await ctx.confirm(
        f"Destroy everything of cluster {name} ({ctx.target.label})? Type the cluster name to confirm.",
        detail="Deletes the Ingress (and its ALB), the app namespace, the controller, the ECR images, "
               "then every Terraform resource.",
        expected_text=name)
    if not ok:
        return StepResult(StepStatus.STOPPED, "not confirmed: nothing was deleted")
    return done("confirmed")


# What the app's overlay holds, in reverse order of apply: a destroy in a namespace that is
# not ours deletes these (when they carry our label) instead of the namespace.
APP_KINDS = (("networking.k8s.io/v1", "Ingress"), ("networking.k8s.io/v1", "NetworkPolicy"),
             ("autoscaling/v2", "HorizontalPodAutoscaler"), ("policy/v1", "PodDisruptionBudget"),
             ("apps/v1", "Deployment"), ("v1", "Service"), ("v1", "ConfigMap"), ("v1", "Secret"))


def _ingress_ref(ctx: StepContext) -> dict:
    ing = ctx.outputs.get("ingress") or {"name": "petstore", "namespace": common.app_namespace(ctx)}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": ing["name"], "namespace": ing["namespace"]}}


def _not_ours(what: str) -> StepFailed:
    return StepFailed(f"{what} was not created by petstore-tui (no label {'='.join(MANAGED_BY)}): "
                      "not deleting it; check -n and --context, or delete it yourself with kubectl")


def controller_resources(target: settings.Target) -> dict[str, list[str]]:
    """ARNs/ids of load balancers, target groups and security groups tagged for the cluster."""
    cluster = target.cluster_name
    elbv2 = aws.client(target, "elbv2")
    found: dict[str, list[str]] = {"load_balancers": [], "target_groups": [], "security_groups": []}
    lbs = [lb["LoadBalancerArn"] for lb in elbv2.describe_load_balancers().get("LoadBalancers", [])]
    tgs = [tg["TargetGroupArn"] for tg in elbv2.describe_target_groups().get("TargetGroups", [])]
    for key, arns in (("load_balancers", lbs), ("target_groups", tgs)):
        for start in range(0, len(arns), 20):  # DescribeTags takes at most 20 ARNs
            for desc in elbv2.describe_tags(ResourceArns=arns[start:start + 20]).get("TagDescriptions", []):
                tags = {t["Key"]: t["Value"] for t in desc.get("Tags", [])}
                if tags.get(ALB_TAG) == cluster or f"kubernetes.io/cluster/{cluster}" in tags:
                    found[key].append(desc["ResourceArn"])
    ec2 = aws.client(target, "ec2")
    for filt in ({"Name": f"tag:{ALB_TAG}", "Values": [cluster]},
                 {"Name": "tag-key", "Values": [f"kubernetes.io/cluster/{cluster}"]}):
        for group in ec2.describe_security_groups(Filters=[filt]).get("SecurityGroups", []):
            if group["GroupId"] not in found["security_groups"] and group.get("GroupName") != "default":
                found["security_groups"].append(group["GroupId"])
    return found


async def ingress_delete(ctx: StepContext) -> StepResult:
    apply = common.applier(ctx)
    ref = _ingress_ref(ctx)
    shown = f"Ingress {ref['metadata']['namespace']}/{ref['metadata']['name']}"
    current = await asyncio.to_thread(apply.get, ref)
    if current is not None and not managed(current):
        raise _not_ours(shown)
    existed = current is not None and await asyncio.to_thread(apply.delete, ref)
    ctx.emit(f"{shown} " + ("deleted" if existed else "was already gone"), "info")
    deadline = time.monotonic() + ALB_GONE_TIMEOUT
    with ctx.waiting_for("the controller to delete the ALB and its security groups", ALB_GONE_TIMEOUT):
        while True:
            left = await asyncio.to_thread(controller_resources, ctx.target)
            lbs, sgs = left["load_balancers"], left["security_groups"]
            ctx.progress(0, None, f"{counted(len(lbs), 'load balancer')}, {counted(len(sgs), 'security group')} left")
            if not lbs and not [g for g in sgs if g]:
                break
            if time.monotonic() > deadline:
                raise StepFailed(f"the controller did not remove the ALB and its security groups in "
                                 f"{ALB_GONE_TIMEOUT:.0f}s ({len(lbs)} LB, {len(sgs)} SG left): is it running?")
            await asyncio.sleep(10)
    return done("Ingress deleted; the controller removed its load balancer and security groups")


async def namespace_delete(ctx: StepContext) -> StepResult:
    """Our namespace goes whole; in one we did not create, only the objects we labelled."""
    apply = common.applier(ctx)
    name = common.app_namespace(ctx)
    ref = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    current = await asyncio.to_thread(apply.get, ref)
    if current is None:
        return done(f"namespace {name} was already gone")
    if managed(current):
        await asyncio.to_thread(apply.delete, ref)
        with ctx.waiting_for(f"namespace {name} to be deleted (its objects and finalizers)",
                             NAMESPACE_GONE_TIMEOUT):
            await asyncio.to_thread(apply.wait_gone, ref, NAMESPACE_GONE_TIMEOUT)
        return done(f"namespace {name} deleted")
    ctx.emit(f"namespace {name} was not created by petstore-tui: it stays; deleting only the objects "
             f"labelled {'='.join(MANAGED_BY)} in it", "info")
    deleted = []
    for api_version, kind in APP_KINDS:
        for obj in await asyncio.to_thread(apply.list_objects, api_version, kind, name, "=".join(MANAGED_BY)):
            await asyncio.to_thread(apply.delete, obj, name)
            deleted.append(f"{kind} {name}/{obj['metadata']['name']}")
            ctx.emit(f"deleted {deleted[-1]}", "info")
    return done(f"namespace {name} left in place (not ours); {len(deleted)} of our objects deleted in it")


async def controller_uninstall(ctx: StepContext) -> StepResult:
    with ctx.waiting_for(f"helm uninstall {settings.CONTROLLER_RELEASE} --wait", helm.CALL_TIMEOUT):
        await helm.uninstall_controller(kubeconfig=common.kubeconfig_path(ctx), kubecontext=common.kube_context(ctx))
    return done(f"release {settings.CONTROLLER_RELEASE} uninstalled")


async def ecr_images_delete(ctx: StepContext) -> StepResult:
    try:
        tfout = await common.terraform_outputs(ctx)
    except Exception:  # no state any more: the default repository name
        tfout = {}
    repository = ecr.repository_name(tfout.get("ecr_repository_url"))
    count = await asyncio.to_thread(ecr.delete_all_images, ctx.target, repository)
    return done(f"{counted(count, 'image')} deleted from {repository}")


async def terraform_destroy(ctx: StepContext) -> StepResult:
    adapter = common.terraform(ctx, on_progress=lambda n, addr, total: ctx.progress(n, total, addr))
    if not (adapter.workdir / ".terraform").is_dir():
        with ctx.waiting_for("terraform init", tf.INIT_TIMEOUT):
            init = await adapter.init()
        if not init.ok:
            raise StepFailed(f"terraform init: {init.error_text()}")
    ahead = await _release_sandbox_ahead(ctx) if ctx.target.sandbox else []
    with ctx.waiting_for("terraform destroy", tf.APPLY_TIMEOUT):
        result = await adapter.destroy(common.var_args(ctx))
    if not result.ok:
        raise StepFailed(f"terraform destroy: {result.error_text()}")
    # Said, so that the count adds up to what the deploy created.
    also = f", {len(ahead)} deleted ahead in the emulator" if ahead else ""
    # what the target's AWS and Kubernetes fixes changed is destroyed: `fix list` stops offering their undo
    retired = retire(ctx.target, "destroyed with its target (terraform destroy, "
                                 + time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()) + ")")
    if retired:
        ctx.emit(f"{counted(retired, 'applied fix', 'applied fixes')} of this target destroyed with it: "
                 "nothing left to undo", "info")
    return done(f"{result.completed} resources destroyed{also}")


async def _release_sandbox_ahead(ctx: StepContext) -> list[str]:
    """Sandbox only: the EKS cluster and the NAT gateway go in the emulator first, which
    spares the provider's fixed waits before and after deleting them
    (docs/knowledge/terraform-provider-waits.md). If that fails, terraform destroy deletes
    them as usual, only slower."""
    try:
        vpc_id = (await common.terraform_outputs(ctx)).get("vpc_id")
    except Exception:  # no outputs (nothing applied yet): only the cluster, by its name
        vpc_id = None
    try:
        released = await asyncio.to_thread(release_ahead_of_destroy, ctx.target, vpc_id)
    except Exception as exc:  # the emulator's answer, whatever it is: Terraform still deletes
        ctx.emit(f"sandbox: nothing deleted ahead of Terraform ({describe_aws_error(exc)})", "stderr")
        return []
    for item in released:
        ctx.emit(f"sandbox: deleted {item} in the emulator ahead of terraform destroy", "stdout")
    return released


def _removal_commands(target: settings.Target, left: dict[str, list[str]]) -> list[str]:
    """The aws commands that delete what is left, for the operator's account: their region
    and --profile (the CLI's default profile may be another account), and in the sandbox the
    emulator's URL (never the real AWS)."""
    calls = [["elbv2", "delete-load-balancer", "--load-balancer-arn", arn] for arn in left["load_balancers"]]
    calls += [["elbv2", "delete-target-group", "--target-group-arn", arn] for arn in left["target_groups"]]
    calls += [["ec2", "delete-security-group", "--group-id", gid] for gid in left["security_groups"]]
    return [aws.cli_command(target, *call) for call in calls]


async def leftovers(ctx: StepContext) -> StepResult:
    left = await asyncio.to_thread(controller_resources, ctx.target)
    commands = _removal_commands(ctx.target, left)
    if not commands:
        return done(f"nothing left tagged with cluster {ctx.target.cluster_name}")
    ctx.emit(f"left behind, tagged with cluster {ctx.target.cluster_name} (delete load balancers "
             "first, then target groups, then security groups):", "stderr")
    for command in commands:
        ctx.emit(f"  {command}", "stderr")
    return done(f"{counted(len(commands), 'leftover')} listed with the commands to remove them",
                leftovers=left)


async def local_app_stop(ctx: StepContext) -> StepResult:
    return done(await asyncio.to_thread(local_app.stop))


async def _kube_reason(ctx: StepContext) -> str | None:
    return await common.kube_reason(ctx)


def destroy_runbook(target: settings.Target) -> Runbook:
    return from_outline("destroy", target, {
        "confirm": dict(run=confirm, destructive=True, always=True),
        "ingress-delete": dict(run=ingress_delete, destructive=True, source="kubectl", skip_if=_kube_reason),
        "namespace-delete": dict(run=namespace_delete, destructive=True, source="kubectl", skip_if=_kube_reason),
        "controller-uninstall": dict(run=controller_uninstall, destructive=True, source="helm",
                                     skip_if=common.helm_or_kube_reason),
        "sandbox-containers": dict(run=sandbox_steps.remove_containers, destructive=True, source="image-build"),
        "ecr-images-delete": dict(run=ecr_images_delete, destructive=True, source="aws"),
        "terraform-destroy": dict(run=terraform_destroy, destructive=True, source="terraform"),
        "leftovers": dict(run=leftovers, source="aws"),
        "local-app-stop": dict(run=local_app_stop),
    })
