"""config.controller-ingressclass (checks/preflight/config/controller_ingressclass.py): an
IngressClass `alb` for controller ingress.k8s.aws/alb, in kubernetes/controller/ingressclass.yaml,
the file the runbook's controller-prereqs step applies (docs/runbook.md)."""

from __future__ import annotations

from checks.preflight.config.controller_ingressclass import ControllerIngressClassCheck
from tests.support.plants import Plants
from tests.support.project_copy import edit

PLANTS = Plants(ControllerIngressClassCheck)
INGRESS_CLASS = "kubernetes/controller/ingressclass.yaml"


@PLANTS.defect("alb-controller-ingressclass-missing")
def ingressclass_controller_misspelled(r):
    edit(r / INGRESS_CLASS, "controller: ingress.k8s.aws/alb", "controller: ingress.k8s.io/alb")


@PLANTS.defect("alb-controller-ingressclass-missing")
def ingressclass_deleted(r):
    (r / INGRESS_CLASS).unlink()


# "Let Helm create it": the runbook installs the chart with createIngressClassResource: false
# whatever values.yaml says, and its controller-prereqs step applies the file: it fails there.
@PLANTS.defect("alb-controller-ingressclass-missing", says="controller-prereqs")
def ingressclass_left_to_helm(r):
    ingressclass_deleted(r)
    edit(r / "kubernetes/controller/values.yaml", "createIngressClassResource: false",
         "createIngressClassResource: true")


test_plant_on_a_copy = PLANTS.test()
