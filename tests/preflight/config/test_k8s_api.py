"""config.k8s-api (checks/preflight/config/k8s_api.py): the rendered objects are ones the
Kubernetes API server accepts (its validation rules, run locally), each named with its
source file. No stand-in for the plants: the real kubectl kustomize."""

from __future__ import annotations

from checks.model import Status
from checks.preflight.config.k8s_api import KubernetesApiCheck
from checks.preflight.runner import run_check
from tests.preflight.conftest import make_ctx
from tests.support.plants import Plants
from tests.support.project_copy import append, edit

PLANTS = Plants(KubernetesApiCheck)
DEPLOYMENT = "kubernetes/base/deployment.yaml"


@PLANTS.defect(None, says="does not match template")
def selector_patched_off_the_template(r):
    append(r / "kubernetes/overlays/prod/kustomization.yaml",
           "  - target:\n      kind: Deployment\n      name: petstore\n    patch: |-\n"
           "      - op: replace\n        path: /spec/template/metadata/labels/app.kubernetes.io~1name\n"
           "        value: petstore-v2\n")


@PLANTS.defect(None, says=DEPLOYMENT)
def request_above_limit(r):
    edit(r / DEPLOYMENT, "              memory: 256Mi", "              memory: 1Gi")


@PLANTS.defect(None, says="'Pet Store'")
def label_value_with_spaces(r):
    edit(r / DEPLOYMENT, "  labels:\n    app.kubernetes.io/name: petstore\n  annotations:",
         "  labels:\n    app.kubernetes.io/name: petstore\n    team: Pet Store\n  annotations:")


@PLANTS.defect(None, says="DNS-1123 label")
def service_port_name_uppercase(r):
    edit(r / "kubernetes/base/service.yaml", "    - name: http\n", "    - name: HTTP\n")


@PLANTS.defect(None, says="absolute path")
def ingress_path_not_absolute(r):
    edit(r / "kubernetes/base/ingress.yaml", "          - path: /\n", "          - path: api\n")


@PLANTS.defect(None, says="between 1 and 65535")
def container_port_out_of_range(r):
    append(r / "kubernetes/overlays/dev/kustomization.yaml",
           "  - target:\n      kind: Deployment\n    patch: |-\n      - op: add\n"
           "        path: /spec/template/spec/containers/0/ports/-\n        value: {containerPort: 80800, name: metrics}\n")


test_plant_on_a_copy = PLANTS.test()


async def test_violations_name_the_source_file_through_kustomize(project):
    """The real kubectl kustomize: a Service port renamed in base shows in both overlays,
    reported once with its file."""
    edit(project / "kubernetes/base/service.yaml", "    - name: http\n", "    - name: Web_Port\n")
    result = await run_check(KubernetesApiCheck(), make_ctx(project))
    assert result.status == Status.FAIL
    line = next(x for x in result.detail.splitlines() if "Web_Port" in x)
    assert line.startswith("kubernetes/base/service.yaml: Service/petstore: spec.ports[0].name")
    assert line.endswith("(overlays/dev, overlays/prod)")


async def test_the_overlays_build_side_by_side(project):
    """Stand-in: a runner that holds every `kubectl kustomize` until all overlays have
    asked (one after another, the first would wait forever), then runs the real one."""
    import asyncio

    from checks.preflight.context import default_tool_runner
    from checks.project import manifests

    asked: list[str] = []
    everyone = asyncio.Event()
    count = len(manifests.overlays(project))

    async def together(argv, timeout):
        asked.append(argv[-1])
        if len(asked) == count:
            everyone.set()
        await asyncio.wait_for(everyone.wait(), 5)
        return await default_tool_runner(argv, timeout)

    assert count >= 2
    rendered = await manifests.render(project, together)
    assert len(asked) == count and not rendered.failures
    assert {where for where, _doc in rendered.documents} == {"overlays/dev", "overlays/prod"}
