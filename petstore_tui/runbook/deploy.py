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


class Runbook(list):
    """The ordered steps, named (the journal keeps deploy and destroy apart)."""

    def __init__(self, name: str, steps):
        super().__init__(steps)
        self.name = name


def deploy_runbook(target: settings.Target) -> Runbook:
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
             skip_if=push_skip_reason, resume_from="image-build", verify=verify_image_push),
        Step("kubeconfig", "kubeconfig context for the cluster", write_kubeconfig, source="aws",
             verify=verify.kubeconfig),
        Step("manifests", "Fill manifests from Terraform outputs", fill_manifests, source="kubectl",
             verify=verify.manifests),
        Step("controller-prereqs", "IngressClass, then the controller ServiceAccount",
             controller_prereqs, source="kubectl", skip_if=common.kube_reason, verify=verify.controller_prereqs),
        Step("controller-helm", "Helm: aws-load-balancer-controller, wait until ready",
             controller_helm, source="helm", skip_if=common.helm_or_kube_reason, verify=verify.controller_helm),
        Step("app-apply", "Apply the app (Kustomize), wait for the rollout", app_apply,
             source="kubectl", skip_if=app_skip_reason, verify=verify_app_running),
        Step("ingress-wait", "Wait for the ALB hostname, probe health", ingress_wait,
             source="alb-controller", skip_if=ingress_skip_reason, verify=verify_app_url),
    ]
    if target.sandbox:
        steps.append(Step("local-app", "Start the Pet Store locally (sandbox)", local_app, source="app",
                          skip_if=local_app_skip_reason, verify=verify.local_app))
    return Runbook("deploy", steps)
