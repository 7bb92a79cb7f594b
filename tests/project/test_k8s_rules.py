"""What the API server refuses, checked before deploy (docs/knowledge/kubernetes-api-rules.md). Stand-ins: none (kubernetes-validate's bundled schemas)."""

from __future__ import annotations

import copy

import pytest

from checks.project.k8s_rules import api_violations, schema_version, schema_violations

DEPLOYMENT = {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "petstore", "labels": {"app": "petstore"}},
    "spec": {"selector": {"matchLabels": {"app": "petstore"}},
             "template": {"metadata": {"labels": {"app": "petstore"}},
                          "spec": {"containers": [{"name": "petstore", "image": "petstore",
                                                   "ports": [{"name": "http", "containerPort": 8080}],
                                                   "readinessProbe": {"httpGet": {"path": "/", "port": "http"}},
                                                   "resources": {"requests": {"cpu": "200m", "memory": "256Mi"},
                                                                 "limits": {"cpu": "1", "memory": "512Mi"}},
                                                   "volumeMounts": [{"name": "data", "mountPath": "/d"}]}],
                                   "volumes": [{"name": "data", "emptyDir": {}}]}}}}
SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "petstore"},
           "spec": {"selector": {"app": "petstore"}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}


def changed(base: dict, path: str, value) -> dict:
    obj = copy.deepcopy(base)
    *head, last = path.split(".")
    node = obj
    for step in head:
        node = node[int(step)] if step.isdigit() else node[step]
    if value is KeyError:
        del node[last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return obj


def test_the_valid_objects_pass():
    assert api_violations(DEPLOYMENT) == [] and api_violations(SERVICE) == []
    assert schema_violations(DEPLOYMENT, schema_version("1.35")[0]) == []


@pytest.mark.parametrize("obj, field, words", [
    (changed(DEPLOYMENT, "metadata.name", "Pet_Store"), "metadata.name", "DNS-1123 subdomain"),
    (changed(SERVICE, "metadata.name", "1petstore"), "metadata.name", "DNS-1035 label"),
    (changed(DEPLOYMENT, "metadata.labels.app", "pet store"), "metadata.labels[app]", "63 characters or less"),
    (changed(DEPLOYMENT, "spec.template.metadata.labels.app", "other"), "spec.template.metadata.labels",
     "does not match template"),
    (changed(DEPLOYMENT, "spec.selector", {}), "spec.selector", "Required value"),
    (changed(DEPLOYMENT, "spec.template.spec.containers.0.ports.0.containerPort", 70000),
     "spec.template.spec.containers[0].ports[0].containerPort", "between 1 and 65535"),
    (changed(DEPLOYMENT, "spec.template.spec.containers.0.ports.0.name", "http_main"),
     "spec.template.spec.containers[0].ports[0].name", "alpha-numeric"),
    (changed(DEPLOYMENT, "spec.template.spec.containers.0.readinessProbe.httpGet.port", "8080"),
     "spec.template.spec.containers[0].readinessProbe.httpGet.port", "at least one letter"),
    (changed(DEPLOYMENT, "spec.template.spec.containers.0.resources.requests.memory", "1Gi"),
     "spec.template.spec.containers[0].resources.requests", "less than or equal to memory limit"),
    (changed(DEPLOYMENT, "spec.template.spec.containers.0.volumeMounts.0.name", "dat"),
     "spec.template.spec.containers[0].volumeMounts[0].name", "Not found"),
    (changed(SERVICE, "spec.ports", [{"port": 80}, {"port": 81}]), "spec.ports[0].name", "Required value"),
    (changed(SERVICE, "spec.ports.0.name", "HTTP"), "spec.ports[0].name", "DNS-1123 label"),
])
def test_what_the_api_server_refuses(obj, field, words):
    found = api_violations(obj)
    assert any(v.field == field and words in v.message for v in found), found


def test_strict_schema_refuses_unknown_fields_and_wrong_types():
    found = schema_violations(changed(SERVICE, "spec.ports.0.port", "eighty"), "1.35.0")
    assert found and "not of type 'integer'" in found[0].message
    found = schema_violations(changed(DEPLOYMENT, "spec.replica", 2), "1.35.0")
    assert found and "replica" in found[0].message


def test_schema_version_falls_back_to_the_newest_older_one():
    assert schema_version("1.35") == ("1.35.0", "")
    version, note = schema_version("1.99")
    assert version.startswith("1.") and "1.99" in note


@pytest.mark.parametrize("obj", [
    DEPLOYMENT, SERVICE,
    changed(SERVICE, "spec.ports.0.port", "eighty"),
    changed(DEPLOYMENT, "spec.replica", 2),
    changed(DEPLOYMENT, "spec.template.spec.containers.0.image", 7),
    changed(DEPLOYMENT, "spec.template.spec.containers.0.name", KeyError),
    changed(DEPLOYMENT, "apiVersion", "apps/v1beta9"),
    changed(SERVICE, "apiVersion", "networking.k8s.io/v1"),
    {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "x"},
     "spec": {"rules": [{"http": {"paths": [{"path": "/", "backend": {}}]}}]}},
])
def test_schema_violations_say_what_kubernetes_validate_says(obj):
    # The validators kept per kind must answer as the library's own validate() does for
    # every object: the first error it raises (docs/knowledge/kubernetes-api-rules.md).
    import kubernetes_validate

    for version in ("1.35.0", schema_version("1.29")[0]):
        try:
            kubernetes_validate.validate(copy.deepcopy(obj), version, strict=True)
            expected = []
        except kubernetes_validate.ValidationError as exc:
            expected = [(".".join(map(str, exc.path)) or "(object)", exc.message)]
        except kubernetes_validate.SchemaNotFoundError:
            expected = [("apiVersion", f"no schema for {obj['apiVersion']} {obj['kind']} in Kubernetes {version}")]
        assert [(v.field, v.message) for v in schema_violations(obj, version)] == expected
        assert [(v.field, v.message) for v in schema_violations(obj, version)] == expected  # kept: same
