"""The deploy runbook: preflight, Terraform, image, kubeconfig, manifests, controller, app, Ingress (or the local app)."""

from __future__ import annotations

from petstore_core import settings
from petstore_tui.runbook import common, verify
from petstore_tui.runbook.deploy_aws_steps import (
    image_build,
    image_push,
    preflight,
    push_skip_reason,
    terraform_apply,
    terraform_init,
    terraform_plan,
    write_kubeconfig,
)
from petstore_tui.runbook.deploy_cluster_steps import (
    app_apply,
    app_skip_reason,
    controller_helm,
    controller_prereqs,
    fill_manifests,
    ingress_skip_reason,
    ingress_wait,
    local_app,
    local_app_skip_reason,
    verify_app_running,
    verify_app_url,
    verify_image_push,
)
from petstore_tui.runbook.model import Step
from petstore_tui.runbook.outline import outline


class Runbook(list):
    """The ordered steps, named (the journal keeps deploy and destroy apart)."""

    def __init__(self, name: str, steps):
        super().__init__(steps)
        self.name = name


def from_outline(kind: str, target: settings.Target, how: dict[str, dict]) -> Runbook:
    """Runbook `kind` for `target`: its steps, their order, titles and which are sandbox-only
    as outline.py lists them (the one list: the TUI draws it before this module loads),
    each given its run and options by `how`, keyed by step id. A step of the outline with
    no `how`, or a `how` for no step of it, is a programming error, raised at once."""
    listed = [step_id for step_id, _title in outline(kind, sandbox=True)]
    if set(how) != set(listed):
        raise ValueError(f"{kind}: steps without a run {sorted(set(listed) - set(how))}, "
                         f"runs without a step {sorted(set(how) - set(listed))} (runbook/outline.py)")
    return Runbook(kind, [Step(step_id, title, **how[step_id]) for step_id, title in outline(kind, target.sandbox)])


def deploy_runbook(target: settings.Target) -> Runbook:
    return from_outline("deploy", target, {
        "preflight": dict(run=preflight, source="any"),
        "terraform-init": dict(run=terraform_init, source="terraform", verify=verify.terraform_init),
        "terraform-plan": dict(run=terraform_plan, source="terraform"),
        "terraform-apply": dict(run=terraform_apply, source="terraform", resume_from="terraform-plan",
                                verify=verify.terraform_apply),
        "image-build": dict(run=image_build, source="image-build", skip_if=common.engine_reason),
        "image-push": dict(run=image_push, source="image-build", skip_if=push_skip_reason,
                           resume_from="image-build", verify=verify_image_push),
        "kubeconfig": dict(run=write_kubeconfig, source="aws", verify=verify.kubeconfig),
        "manifests": dict(run=fill_manifests, source="kubectl", verify=verify.manifests),
        "controller-prereqs": dict(run=controller_prereqs, source="kubectl", skip_if=common.kube_reason,
                                   verify=verify.controller_prereqs),
        "controller-helm": dict(run=controller_helm, source="helm", skip_if=common.helm_or_kube_reason,
                                verify=verify.controller_helm),
        "app-apply": dict(run=app_apply, source="kubectl", skip_if=app_skip_reason, verify=verify_app_running),
        "ingress-wait": dict(run=ingress_wait, source="alb-controller", skip_if=ingress_skip_reason,
                             verify=verify_app_url),
        "local-app": dict(run=local_app, source="app", skip_if=local_app_skip_reason, verify=verify.local_app),
    })
