"""Probe: IngressClass `alb` exists and names the Load Balancer Controller."""

from __future__ import annotations

from pathlib import Path

from checks.model import CheckResult, Status
from checks.preflight.context import CheckContext
from checks.probes._common import is_not_found, kube_call, kube_error, result
from petstore_core.kube import kubectl_command
from petstore_core.settings import shown_path

ID = "cluster.ingressclass"
FAILURE_ID = "alb-controller-ingressclass-missing"
CLASS_NAME = "alb"
CONTROLLER = "ingress.k8s.aws/alb"


def probe_ingressclass(ctx: CheckContext) -> CheckResult:
    try:
        ingress_class = kube_call(ctx, "NetworkingV1Api", "read_ingress_class", CLASS_NAME)
    except Exception as exc:
        if is_not_found(exc):
            return result(ID, Status.FAIL, "IngressClass alb does not exist",
                          "without it the controller ignores the Ingress and no ALB is created",
                          kubectl_command(ctx.target, "apply", "-f", shown_path(
                              Path(ctx.project_dir) / "kubernetes/controller/ingressclass.yaml"))
                          + " (before installing the controller with createIngressClassResource=false)",
                          FAILURE_ID)
        return kube_error(ID, exc, "cannot read IngressClass alb")
    controller = getattr(ingress_class.spec, "controller", None)
    if controller != CONTROLLER:
        return result(ID, Status.FAIL, f"IngressClass alb names controller {controller!r}, not {CONTROLLER}",
                      "", f"recreate IngressClass alb with spec.controller: {CONTROLLER}", FAILURE_ID)
    return result(ID, Status.PASS, f"IngressClass alb present ({CONTROLLER})")
