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
from petstore_tui.runbook.outline import TITLES


class Runbook(list):
    """The ordered steps, named (the journal keeps deploy and destroy apart)."""

    def __init__(self, name: str, steps):
        super().__init__(steps)
        self.name = name


def deploy_runbook(target: settings.Target) -> Runbook:
    steps = [
        Step("preflight", TITLES["preflight"], preflight, source="any"),
        Step("terraform-init", TITLES["terraform-init"], terraform_init, source="terraform",
             verify=verify.terraform_init),
        Step("terraform-plan", TITLES["terraform-plan"], terraform_plan, source="terraform"),
        Step("terraform-apply", TITLES["terraform-apply"], terraform_apply, source="terraform",
             resume_from="terraform-plan", verify=verify.terraform_apply),
        Step("image-build", TITLES["image-build"], image_build, source="image-build",
             skip_if=common.engine_reason),
        Step("image-push", TITLES["image-push"], image_push, source="image-build",
             skip_if=push_skip_reason, resume_from="image-build", verify=verify_image_push),
        Step("kubeconfig", TITLES["kubeconfig"], write_kubeconfig, source="aws",
             verify=verify.kubeconfig),
        Step("manifests", TITLES["manifests"], fill_manifests, source="kubectl",
             verify=verify.manifests),
        Step("controller-prereqs", TITLES["controller-prereqs"],
             controller_prereqs, source="kubectl", skip_if=common.kube_reason, verify=verify.controller_prereqs),
        Step("controller-helm", TITLES["controller-helm"],
             controller_helm, source="helm", skip_if=common.helm_or_kube_reason, verify=verify.controller_helm),
        Step("app-apply", TITLES["app-apply"], app_apply,
             source="kubectl", skip_if=app_skip_reason, verify=verify_app_running),
        Step("ingress-wait", TITLES["ingress-wait"], ingress_wait,
             source="alb-controller", skip_if=ingress_skip_reason, verify=verify_app_url),
    ]
    if target.sandbox:
        steps.append(Step("local-app", TITLES["local-app"], local_app, source="app",
                          skip_if=local_app_skip_reason, verify=verify.local_app))
    return Runbook("deploy", steps)
