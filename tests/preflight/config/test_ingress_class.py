"""config.ingress-class (checks/preflight/config/ingress_class.py): the Ingress names the
alb IngressClass by spec.ingressClassName, in every overlay."""

from __future__ import annotations

from checks.model import Status
from checks.preflight.config.ingress_class import IngressClassNameCheck
from checks.preflight.runner import run_check
from tests.preflight.conftest import make_ctx
from tests.support.plants import Plants
from tests.support.project_copy import append, edit

PLANTS = Plants(IngressClassNameCheck)
INGRESS = "kubernetes/base/ingress.yaml"
OLD_ANNOTATION = "  annotations:\n    kubernetes.io/ingress.class: alb\n"


@PLANTS.defect("ingress-class-annotation-deprecated")
def ingress_old_class_annotation(r):
    edit(r / INGRESS, "  ingressClassName: alb\n", "")
    edit(r / INGRESS, "  annotations:\n", OLD_ANNOTATION)


@PLANTS.defect("ingress-class-annotation-deprecated")
def ingress_class_annotation_and_field(r):
    # both the old annotation and the field: the API server refuses the Ingress
    edit(r / INGRESS, "  annotations:\n", OLD_ANNOTATION)


@PLANTS.defect("alb-controller-ingressclass-missing")
def prod_overlay_ingress_class_nginx(r):
    append(r / "kubernetes/overlays/prod/kustomization.yaml", """  - target:
      kind: Ingress
      name: petstore
    patch: |-
      - op: replace
        path: /spec/ingressClassName
        value: nginx
""")


@PLANTS.defect("alb-controller-ingressclass-missing")
def ingress_class_name_nginx(r):
    edit(r / INGRESS, "ingressClassName: alb", "ingressClassName: nginx")


test_plant_on_a_copy = PLANTS.test()


async def test_manifests_read_from_files_without_kubectl(project, fake_tools):
    """Fake tools on PATH: no kubectl at all, so the YAML files are read directly."""
    fake_tools.use()
    ingress_old_class_annotation(project)
    result = await run_check(IngressClassNameCheck(), make_ctx(project))
    assert result.status == Status.FAIL
    assert "kubectl kustomize unavailable" in result.detail
