"""config.health-paths (checks/preflight/config/health_paths.py): the pod's probes and the
ALB's health check ask paths the app answers."""

from __future__ import annotations

from checks.preflight.config.health_paths import HealthPathsCheck
from tests.support.plants import Plants
from tests.support.project_copy import append, edit

PLANTS = Plants(HealthPathsCheck)
DEPLOYMENT = "kubernetes/base/deployment.yaml"
INGRESS = "kubernetes/base/ingress.yaml"
LIVENESS = "livenessProbe:\n            httpGet:\n              path: /api/v1/health"


@PLANTS.defect("pod-probe-failed")
def liveness_probe_path_health(r):
    edit(r / DEPLOYMENT, LIVENESS, "livenessProbe:\n            httpGet:\n              path: /health")


@PLANTS.defect("pod-probe-failed")
def alb_healthcheck_path_wrong(r):
    edit(r / INGRESS, "healthcheck-path: /api/v1/health", "healthcheck-path: /health")


@PLANTS.defect("pod-probe-failed")
def alb_healthcheck_missing(r):
    edit(r / INGRESS, "    alb.ingress.kubernetes.io/healthcheck-path: /api/v1/health\n", "")


@PLANTS.defect("pod-probe-failed", says="/healthz")
def strategic_merge_patch_probe_path(r):
    (r / "kubernetes/overlays/prod/probe.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: petstore\n  namespace: petstore\nspec:\n"
        "  template:\n    spec:\n      containers:\n        - name: petstore\n          livenessProbe:\n"
        "            httpGet:\n              path: /healthz\n")
    append(r / "kubernetes/overlays/prod/kustomization.yaml", "  - path: probe.yaml\n")


@PLANTS.harmless()
def ok_liveness_on_live_endpoint(r):
    edit(r / DEPLOYMENT, LIVENESS, LIVENESS + "/live")


test_plant_on_a_copy = PLANTS.test()
