"""config.ports (checks/preflight/config/ports.py): the app's PORT, the container port, the
Service's targetPort and the Ingress backend's port line up, after every kustomize patch."""

from __future__ import annotations

from checks.preflight.config.ports import PortsCheck
from tests.support.plants import Plants
from tests.support.project_copy import append, edit

PLANTS = Plants(PortsCheck)
DEPLOYMENT = "kubernetes/base/deployment.yaml"
DEV_OVERLAY = "kubernetes/overlays/dev/kustomization.yaml"


@PLANTS.defect("pod-probe-failed")
def container_port_5000(r):
    edit(r / DEPLOYMENT, "containerPort: 8080", "containerPort: 5000")


@PLANTS.defect("pod-probe-failed")
def port_env_5000(r):
    edit(r / DEPLOYMENT, '            - name: PORT\n              value: "8080"\n',
         '            - name: PORT\n              value: "5000"\n')


@PLANTS.defect("alb-controller-ingress-no-address")
def service_target_port_5000(r):
    edit(r / "kubernetes/base/service.yaml", "targetPort: 8080", "targetPort: 5000")


@PLANTS.defect("alb-controller-ingress-no-address")
def ingress_backend_port_8080(r):
    # the Service listens on 80; 8080 is the container's port
    edit(r / "kubernetes/base/ingress.yaml", "                  number: 80\n", "                  number: 8080\n")


@PLANTS.defect("pod-probe-failed", says="5000")
def json6902_patch_by_label_selector_port(r):
    append(r / DEV_OVERLAY,
           "  - target:\n      kind: Deployment\n      labelSelector: app.kubernetes.io/name=petstore\n"
           "    patch: |-\n      - op: replace\n        path: /spec/template/spec/containers/0/ports/0/containerPort\n"
           "        value: 5000\n")


@PLANTS.defect("alb-controller-ingress-no-address", says="port 8080 is not a port of Service")
def replacement_points_ingress_at_target_port(r):
    # "keep the Ingress in step with the Service": but it copies the pods' port, not the Service's
    append(r / DEV_OVERLAY,
           "replacements:\n  - source:\n      kind: Service\n      name: petstore\n"
           "      fieldPath: spec.ports.[name=http].targetPort\n"
           "    targets:\n      - select:\n          kind: Ingress\n          name: petstore\n"
           "        fieldPaths:\n          - spec.rules.0.http.paths.0.backend.service.port.number\n")


@PLANTS.harmless()
def ok_named_target_port(r):
    edit(r / "kubernetes/base/service.yaml", "targetPort: 8080", "targetPort: http")


@PLANTS.harmless()
def ok_replacement_copies_the_port_number(r):
    # the env value "8080" copied into targetPort: kustomize writes it as the number 8080
    append(r / DEV_OVERLAY,
           "replacements:\n  - source:\n      kind: Deployment\n      name: petstore\n"
           "      fieldPath: spec.template.spec.containers.[name=petstore].env.[name=PORT].value\n"
           "    targets:\n      - select:\n          kind: Service\n          name: petstore\n"
           "        fieldPaths:\n          - spec.ports.[name=http].targetPort\n")


test_plant_on_a_copy = PLANTS.test()
