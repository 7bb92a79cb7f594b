"""Each runbook's step ids and titles, and nothing else: the Deploy and Cleanup screens draw
their step list from it at once, while the steps' own modules (boto3, the Kubernetes client:
seconds to import on a loaded machine) load behind it. The one list of the steps: deploy.py
and destroy.py build theirs from it (deploy.from_outline), giving each id its run, so the
two never differ. Imports nothing."""

from __future__ import annotations

DEPLOY = (
    ("preflight", "Preflight checks"),
    ("terraform-init", "Terraform init"),
    ("terraform-plan", "Terraform plan (confirm the changes)"),
    ("terraform-apply", "Terraform apply"),
    ("image-build", "Build the image"),
    ("image-push", "Log in to ECR and push"),
    ("kubeconfig", "kubeconfig context for the cluster"),
    ("manifests", "Fill manifests from Terraform outputs"),
    ("controller-prereqs", "IngressClass, then the controller ServiceAccount"),
    ("controller-helm", "Helm: aws-load-balancer-controller, wait until ready"),
    ("app-apply", "Apply the app (Kustomize), wait for the rollout"),
    ("ingress-wait", "Wait for the ALB hostname, probe health"),
    ("local-app", "Start the Pet Store locally (sandbox)"),
)
DESTROY = (
    ("confirm", "Confirm: type the cluster name"),
    ("ingress-delete", "Delete the Ingress; wait for the ALB and its SGs to go"),
    ("namespace-delete", "Delete the app namespace"),
    ("controller-uninstall", "Uninstall the controller (Helm)"),
    ("sandbox-containers", "Remove the app's pods, its images and the registry (sandbox)"),
    ("ecr-images-delete", "Delete the images in ECR"),
    ("terraform-destroy", "Terraform destroy"),
    ("leftovers", "List what is left tagged with the cluster"),
    ("local-app-stop", "Stop the local app (sandbox)"),
)
SANDBOX_ONLY = frozenset({"local-app", "sandbox-containers", "local-app-stop"})
TITLES = dict(DEPLOY + DESTROY)


def outline(kind: str, sandbox: bool) -> list[tuple[str, str]]:
    """(id, title) of each step of runbook `kind` ("deploy" or "destroy") for a target,
    in order: exactly the steps deploy_runbook and destroy_runbook build."""
    steps = DEPLOY if kind == "deploy" else DESTROY
    return [(step_id, title) for step_id, title in steps if sandbox or step_id not in SANDBOX_ONLY]
