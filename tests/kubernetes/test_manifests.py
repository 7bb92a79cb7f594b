"""kubernetes/: both overlays render with `kubectl kustomize`, every object validates (strict)
against the schemas of the cluster's Kubernetes version, and the rendered objects hold the
facts of issue 3. Also the controller manifests, and the kustomization the runbook generates.

Stand-ins: none for kubectl (the real `kubectl kustomize`, offline) and kubernetes-validate
(its bundled schemas); sample values stand in for Terraform's outputs.
"""

from __future__ import annotations

import base64
import copy
import os
import re
import shutil
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import all_versions

from petstore_core import process

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "kubernetes"
CONTROLLER = K8S / "controller"
DEFAULT_K8S_VERSION = "1.35"
NS = "petstore"
HEALTH = "/api/v1/health"
PLACEHOLDERS = {"CLUSTER_NAME", "AWS_REGION", "VPC_ID", "CONTROLLER_ROLE_ARN"}
SAMPLE_VALUES = {
    "CLUSTER_NAME": "petstore-dev",
    "AWS_REGION": "eu-west-1",
    "VPC_ID": "vpc-0123456789abcdef0",
    "CONTROLLER_ROLE_ARN": "arn:aws:iam::123456789012:role/petstore-dev-alb-controller",
}
CONFIG_KEYS = {"API_VERSION", "ENVIRONMENT", "LOG_LEVEL", "PAGINATION_LIMIT", "CORS_ORIGINS"}
BASE_OBJECTS = {
    ("Namespace", "petstore"),
    ("ConfigMap", "app-config"),
    ("Deployment", "petstore"),
    ("Service", "petstore"),
    ("Ingress", "petstore"),
    ("HorizontalPodAutoscaler", "petstore"),
    ("PodDisruptionBudget", "petstore"),
    ("NetworkPolicy", "petstore"),
}


def cluster_version(variables_tf: Path = REPO / "terraform" / "variables.tf") -> str:
    """The default of `kubernetes_version` in terraform/variables.tf, else 1.35."""
    try:
        text = variables_tf.read_text()
    except OSError:
        return DEFAULT_K8S_VERSION
    start = re.search(r'variable\s+"kubernetes_version"\s*\{', text)
    if not start:
        return DEFAULT_K8S_VERSION
    block = re.split(r"\n\s*variable\s+\"", text[start.end() :], maxsplit=1)[0]
    found = re.search(r'default\s*=\s*"(\d+\.\d+)(?:\.\d+)?"', block)
    return found.group(1) if found else DEFAULT_K8S_VERSION


def schema_version(version: str) -> str:
    """kubernetes-validate's name for a minor version; fails when it ships no schemas for it."""
    wanted = f"{version}.0"
    if wanted not in set(all_versions()):
        pytest.fail(
            f"kubernetes-validate {kubernetes_validate.__version__} has no schemas for Kubernetes "
            f"{version} (terraform/variables.tf): upgrade kubernetes-validate"
        )
    return wanted


@pytest.fixture(scope="module")
def kubectl() -> str:
    path = shutil.which("kubectl")
    if not path:
        pytest.skip("kubectl is not on PATH (needed for `kubectl kustomize`)")
    return path


def kustomize(kubectl: str, folder: Path) -> list[dict]:
    result = process.run([kubectl, "kustomize", str(folder)], timeout=120)
    assert result.ok, f"kubectl kustomize {folder} failed: {result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def overlays(kubectl) -> dict[str, list[dict]]:
    return {name: kustomize(kubectl, K8S / "overlays" / name) for name in ("dev", "prod")}


@pytest.fixture(scope="module")
def k8s_version() -> str:
    return schema_version(cluster_version())


def find(objects: list[dict], kind: str, name: str) -> dict:
    matches = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind}/{name}, found {len(matches)}"
    return matches[0]


def container(objects: list[dict]) -> dict:
    containers = find(objects, "Deployment", "petstore")["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def invalid(obj: dict, version: str) -> str | None:
    try:
        kubernetes_validate.validate(obj, version, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}: {exc.message}"
    return None


def rendered_controller(folder: Path, values: dict[str, str]) -> dict[str, str]:
    """What the runbook does: replace each ${NAME} with its value, as plain text."""
    out = {}
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text()
        for name, value in values.items():
            text = text.replace("${" + name + "}", value)
        out[path.name] = text
    return out


# --- the Kubernetes version ---------------------------------------------------------------


def test_cluster_version_is_read_from_terraform_variables(tmp_path):
    """Stand-in: variables.tf files written to tmp_path."""
    tf = tmp_path / "variables.tf"
    tf.write_text(
        'variable "region" {\n  default = "eu-west-1"\n}\n'
        'variable "kubernetes_version" {\n  type    = string\n  default = "1.34"\n'
        "  validation {\n    condition = length(var.kubernetes_version) > 0\n"
        '    error_message = "x"\n  }\n}\n'
    )
    assert cluster_version(tf) == "1.34"
    tf.write_text(
        'variable "kubernetes_version" {\n  type = string\n}\nvariable "x" {\n  default = "1.20"\n}\n'
    )
    assert cluster_version(tf) == DEFAULT_K8S_VERSION
    assert cluster_version(tmp_path / "missing.tf") == DEFAULT_K8S_VERSION


def test_kubernetes_validate_ships_the_cluster_version():
    """Stand-in: none; kubernetes-validate's bundled schema list."""
    assert schema_version(cluster_version()) in all_versions()


# --- rendering and validation ---------------------------------------------------------------


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_overlay_renders_the_expected_objects(overlays, overlay):
    """Stand-in: none; the real `kubectl kustomize`."""
    objects = overlays[overlay]
    got = {(o["kind"], o["metadata"]["name"]) for o in objects}
    expected = BASE_OBJECTS | ({("Secret", "db-credentials")} if overlay == "prod" else set())
    assert got == expected
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"].get("namespace") == NS, obj["kind"]


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_every_rendered_object_validates_strictly(overlays, overlay, k8s_version):
    """Stand-in: none; kubernetes-validate's schemas for the cluster's version."""
    errors = [e for e in (invalid(o, k8s_version) for o in overlays[overlay]) if e]
    assert errors == []


def test_strict_validation_rejects_an_unknown_field(overlays, k8s_version):
    """Stand-in: a copy of the rendered Deployment with a misspelt field (proves the check bites)."""
    broken = copy.deepcopy(find(overlays["dev"], "Deployment", "petstore"))
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"path": HEALTH}
    assert invalid(broken, k8s_version) is not None


# --- the facts on the rendered objects ----------------------------------------------------


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_deployment_shape_resources_and_probes(overlays, overlay):
    """Stand-in: none; the rendered overlay."""
    objects = overlays[overlay]
    deployment = find(objects, "Deployment", "petstore")
    assert deployment["spec"]["replicas"] == 2
    c = container(objects)
    assert c["image"] == "petstore"  # the runbook's kustomize `images:` override names this
    assert c["resources"] == {
        "requests": {"cpu": "200m", "memory": "256Mi"},
        "limits": {"cpu": "500m", "memory": "512Mi"},
    }
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert 8080 in ports.values()
    for probe in ("livenessProbe", "readinessProbe"):
        get = c[probe]["httpGet"]
        assert get["path"] == HEALTH
        assert ports.get(get["port"], get["port"]) == 8080, probe
    assert {"configMapRef": {"name": "app-config"}} in c["envFrom"]


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_pod_runs_as_non_root_with_a_writable_data_volume(overlays, overlay):
    """Stand-in: none; the rendered overlay."""
    objects = overlays[overlay]
    pod = find(objects, "Deployment", "petstore")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    assert pod["securityContext"]["fsGroup"] == 10001
    c = container(objects)
    sc = c["securityContext"]
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    assert sc.get("runAsUser", 10001) == 10001
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
    env = {e["name"]: e for e in c.get("env", [])}
    # SQLite's folder: DATA_DIR points at a writable emptyDir mount.
    data_dir = env["DATA_DIR"]["value"]
    assert data_dir == "/app/data"
    assert "emptyDir" in volumes[mounts[data_dir]["name"]]
    assert not mounts[data_dir].get("readOnly", False)
    # A read-only root filesystem only with writable emptyDirs for /app/data and /tmp.
    assert sc["readOnlyRootFilesystem"] is True
    assert "emptyDir" in volumes[mounts["/tmp"]["name"]]


def test_dev_uses_sqlite_and_prod_postgresql_from_the_secret(overlays):
    """Stand-in: none; the rendered overlays."""
    dev_env = {e["name"]: e for e in container(overlays["dev"]).get("env", [])}
    assert "DATABASE_URL" not in dev_env
    assert not [o for o in overlays["dev"] if o["kind"] == "Secret"]

    prod_env = {e["name"]: e for e in container(overlays["prod"]).get("env", [])}
    assert prod_env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
        "name": "db-credentials",
        "key": "DATABASE_URL",
    }
    secret = find(overlays["prod"], "Secret", "db-credentials")
    url = secret.get("stringData", {}).get("DATABASE_URL")
    assert url and url.startswith("postgresql")
    # Never a real password in git: the committed value is a named placeholder.
    assert "REPLACE_WITH_DB_PASSWORD" in url


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_configmap_holds_the_app_settings(overlays, overlay):
    """Stand-in: none; the rendered overlay."""
    data = find(overlays[overlay], "ConfigMap", "app-config")["data"]
    assert set(data) == CONFIG_KEYS
    assert data["ENVIRONMENT"] == {"dev": "development", "prod": "production"}[overlay]
    assert int(data["PAGINATION_LIMIT"]) >= 1


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_service_ingress_hpa_pdb(overlays, overlay):
    """Stand-in: none; the rendered overlay."""
    objects = overlays[overlay]
    pod_labels = find(objects, "Deployment", "petstore")["spec"]["template"]["metadata"]["labels"]

    def selects(selector: dict) -> bool:
        return bool(selector) and all(pod_labels.get(k) == v for k, v in selector.items())

    service = find(objects, "Service", "petstore")
    assert service["spec"].get("type", "ClusterIP") == "ClusterIP"
    assert [(p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [(80, 8080)]
    assert selects(service["spec"]["selector"])

    ingress = find(objects, "Ingress", "petstore")
    assert ingress["spec"]["ingressClassName"] == "alb"
    annotations = ingress["metadata"]["annotations"]
    assert annotations["alb.ingress.kubernetes.io/scheme"] == "internet-facing"
    assert annotations["alb.ingress.kubernetes.io/target-type"] == "ip"
    assert annotations["alb.ingress.kubernetes.io/healthcheck-path"] == HEALTH
    assert "kubernetes.io/ingress.class" not in annotations
    backends = [
        p["backend"]["service"] for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]
    ]
    assert backends == [{"name": "petstore", "port": {"number": 80}}]

    hpa = find(objects, "HorizontalPodAutoscaler", "petstore")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 5)
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "petstore",
    }

    pdb = find(objects, "PodDisruptionBudget", "petstore")
    assert pdb["spec"]["minAvailable"] == 1
    assert selects(pdb["spec"]["selector"]["matchLabels"])

    deployment = find(objects, "Deployment", "petstore")
    assert selects(deployment["spec"]["selector"]["matchLabels"])


# --- the controller's objects -------------------------------------------------------------


def test_controller_placeholders_are_exactly_the_four_names():
    """Stand-in: none; the committed files."""
    found = set()
    for path in CONTROLLER.glob("*.yaml"):
        found |= set(re.findall(r"\$\{([^}]*)\}", path.read_text()))
        assert "$(" not in path.read_text() and not re.search(r"\$[A-Z]", path.read_text())
    assert found == PLACEHOLDERS


def test_controller_manifests_validate_once_filled(k8s_version):
    """Stand-in: sample values for Terraform's outputs (SAMPLE_VALUES)."""
    files = rendered_controller(CONTROLLER, SAMPLE_VALUES)
    assert not [name for name, text in files.items() if "${" in text]
    ingress_class = yaml.safe_load(files["ingressclass.yaml"])
    account = yaml.safe_load(files["serviceaccount.yaml"])
    assert [
        e for e in (invalid(ingress_class, k8s_version), invalid(account, k8s_version)) if e
    ] == []

    helm = {
        "app.kubernetes.io/managed-by": "Helm",
    }
    helm_annotations = {
        "meta.helm.sh/release-name": "aws-load-balancer-controller",
        "meta.helm.sh/release-namespace": "kube-system",
    }
    assert ingress_class["kind"] == "IngressClass"
    assert ingress_class["metadata"]["name"] == "alb"
    assert ingress_class["spec"]["controller"] == "ingress.k8s.aws/alb"
    assert (
        ingress_class["metadata"]["annotations"]["ingressclass.kubernetes.io/is-default-class"]
        == "true"
    )
    assert helm.items() <= ingress_class["metadata"]["labels"].items()
    assert helm_annotations.items() <= ingress_class["metadata"]["annotations"].items()

    assert account["kind"] == "ServiceAccount"
    assert (account["metadata"]["namespace"], account["metadata"]["name"]) == (
        "kube-system",
        "aws-load-balancer-controller",
    )
    assert (
        account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
        == SAMPLE_VALUES["CONTROLLER_ROLE_ARN"]
    )
    assert helm.items() <= account["metadata"]["labels"].items()
    assert helm_annotations.items() <= account["metadata"]["annotations"].items()

    values = yaml.safe_load(files["values.yaml"])
    assert values["clusterName"] == SAMPLE_VALUES["CLUSTER_NAME"]
    assert values["region"] == SAMPLE_VALUES["AWS_REGION"]
    assert values["vpcId"] == SAMPLE_VALUES["VPC_ID"]
    assert values["serviceAccount"] == {"create": False, "name": "aws-load-balancer-controller"}
    assert values["createIngressClassResource"] is False
    assert values["replicaCount"] == 2


def test_controller_values_are_plain_placeholders_before_filling():
    """Stand-in: none; the committed values.yaml parsed as is."""
    values = yaml.safe_load((CONTROLLER / "values.yaml").read_text())
    assert (values["clusterName"], values["region"], values["vpcId"]) == (
        "${CLUSTER_NAME}",
        "${AWS_REGION}",
        "${VPC_ID}",
    )


# --- the kustomization the runbook generates ---------------------------------------------


def test_runbook_kustomization_sets_image_and_replaces_the_secret(kubectl, tmp_path, k8s_version):
    """Stand-in: a generated kustomization in tmp_path with a sample ECR image and a sample
    DATABASE_URL in an env file (what the runbook writes in its working folder)."""
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/petstore"
    url = "postgresql+psycopg://petstore:sample-pw@db.internal:5432/petstore"
    (tmp_path / "db-credentials.env").write_text(f"DATABASE_URL={url}\n")
    overlay = os.path.relpath(K8S / "overlays" / "prod", tmp_path)
    (tmp_path / "kustomization.yaml").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": [overlay],
                "images": [{"name": "petstore", "newName": image, "newTag": "20261128-abc1234"}],
                "secretGenerator": [
                    {
                        "name": "db-credentials",
                        "namespace": NS,
                        "behavior": "replace",
                        "envs": ["db-credentials.env"],
                        "options": {"disableNameSuffixHash": True},
                    }
                ],
            }
        )
    )
    objects = kustomize(kubectl, tmp_path)
    assert container(objects)["image"] == f"{image}:20261128-abc1234"
    secret = find(objects, "Secret", "db-credentials")
    assert "stringData" not in secret  # the placeholder is gone
    assert base64.b64decode(secret["data"]["DATABASE_URL"]).decode() == url
    assert [e for e in (invalid(o, k8s_version) for o in objects) if e] == []
