"""Probe: the controller's ServiceAccount exists and is annotated with its IAM role ARN."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from checks.model import CheckResult, Status
from checks.preflight.context import CheckContext
from checks.probes._common import (
    CONTROLLER_NAME,
    CONTROLLER_NAMESPACE,
    ROLE_ANNOTATION,
    is_not_found,
    kube_call,
    kube_error,
    result,
)
from petstore_core.kube import kubectl_command
from petstore_core.settings import shown_path

ID = "cluster.service-account"
FAILURE_ID = "alb-controller-serviceaccount-role-missing"
ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")


def probe_service_account(ctx: CheckContext) -> CheckResult:
    annotate = kubectl_command(ctx.target, "annotate", "serviceaccount", "-n", CONTROLLER_NAMESPACE, CONTROLLER_NAME)
    # the $(...) stays unquoted: the operator's shell fills it in
    output = shlex.join(["terraform", f"-chdir={shown_path(Path(ctx.project_dir) / 'terraform')}",
                         "output", "-raw", "lb_controller_role_arn"])
    fix = (f"{annotate} {ROLE_ANNOTATION}=$({output}) "
           f"--overwrite; then "
           + kubectl_command(ctx.target, "rollout", "restart", "-n", CONTROLLER_NAMESPACE,
                             f"deployment/{CONTROLLER_NAME}"))
    try:
        sa = kube_call(ctx, "CoreV1Api", "read_namespaced_service_account", CONTROLLER_NAME, CONTROLLER_NAMESPACE)
    except Exception as exc:
        if is_not_found(exc):
            return result(ID, Status.FAIL, f"ServiceAccount {CONTROLLER_NAMESPACE}/{CONTROLLER_NAME} does not exist",
                          "the chart is installed with serviceAccount.create=false, so we create it",
                          kubectl_command(ctx.target, "apply", "-f", shown_path(
                              Path(ctx.project_dir) / "kubernetes/controller/serviceaccount.yaml"))
                          + " (filled by the runbook)",
                          FAILURE_ID)
        return kube_error(ID, exc, "cannot read the controller's ServiceAccount")
    arn = (sa.metadata.annotations or {}).get(ROLE_ANNOTATION)
    if not arn:
        return result(ID, Status.FAIL, f"ServiceAccount {CONTROLLER_NAME} has no {ROLE_ANNOTATION} annotation",
                      "the controller then runs with the node's role and is denied", fix, FAILURE_ID)
    if not ROLE_ARN_RE.match(arn):
        return result(ID, Status.FAIL, f"{ROLE_ANNOTATION} is not a role ARN: {arn!r}",
                      "a placeholder left unfilled?", fix, FAILURE_ID)
    return result(ID, Status.PASS, f"ServiceAccount annotated with {arn}")
