"""The one container walk every manifest container check uses (checks/project/containers.py).

Stand-in: manifests written inline, shaped as `kubectl kustomize` renders them."""

from __future__ import annotations

import pytest

from checks.project.containers import APP_CONTAINERS, containers, pod_spec


def _pod(init=("migrate",), app=("app", "sidecar")) -> dict:
    return {"initContainers": [{"name": n} for n in init], "containers": [{"name": n} for n in app]}


@pytest.mark.parametrize(("obj", "where"), [
    ({"kind": "Pod", "spec": _pod()}, "spec"),
    ({"kind": "Deployment", "spec": {"template": {"spec": _pod()}}}, "spec.template.spec"),
    ({"kind": "StatefulSet", "spec": {"template": {"spec": _pod()}}}, "spec.template.spec"),
    ({"kind": "DaemonSet", "spec": {"template": {"spec": _pod()}}}, "spec.template.spec"),
    ({"kind": "Job", "spec": {"template": {"spec": _pod()}}}, "spec.template.spec"),
    ({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": _pod()}}}}},
     "spec.jobTemplate.spec.template.spec"),
])
def test_every_container_with_its_path_init_containers_first(obj, where):
    walked = [(o is obj, c["name"], path) for o, c, path in containers(obj)]
    assert walked == [
        (True, "migrate", f"{where}.initContainers[0]"),
        (True, "app", f"{where}.containers[0]"),
        (True, "sidecar", f"{where}.containers[1]"),
    ]
    assert pod_spec(obj)[0] == where


def test_the_app_containers_alone():
    obj = {"kind": "Deployment", "spec": {"template": {"spec": _pod()}}}
    assert [c["name"] for _o, c, _p in containers(obj, APP_CONTAINERS)] == ["app", "sidecar"]


@pytest.mark.parametrize("obj", [
    {"kind": "Service", "spec": {"ports": [{"port": 80}]}},
    {"kind": "ConfigMap", "data": {"PORT": "8000"}},
    {"kind": "Deployment"},
    {"kind": "Deployment", "spec": {"template": {"spec": {"containers": None}}}},
    {"kind": "Pod", "spec": "not a mapping"},
])
def test_objects_without_containers_yield_none(obj):
    assert list(containers(obj)) == []


def test_an_entry_that_is_not_a_mapping_is_passed_over():
    obj = {"kind": "Pod", "spec": {"containers": ["bad", {"name": "app"}]}}
    assert [(c["name"], p) for _o, c, p in containers(obj)] == [("app", "spec.containers[1]")]
