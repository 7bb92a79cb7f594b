"""Kubernetes objects through the kubernetes client: server-side apply, delete, and bounded waits."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from kubernetes.client.rest import ApiException

FIELD_MANAGER = "petstore-tui"
REQUEST_TIMEOUT = (5.0, 30.0)
POLL = 2.0


class KubeApplyError(RuntimeError):
    """An object could not be applied or a wait ran out; the message says which."""


class Applier:
    """Applies manifests to one API server. Blocking: run its methods in a thread."""

    def __init__(self, api_client):
        self.api = api_client
        self._resources: dict[str, dict[str, tuple[str, bool]]] = {}

    # ---- discovery -----------------------------------------------------------------------
    def _prefix(self, api_version: str) -> str:
        return "/api/v1" if api_version == "v1" else f"/apis/{api_version}"

    def resource(self, api_version: str, kind: str) -> tuple[str, bool]:
        """(plural, namespaced) of a kind, from the API server's discovery document."""
        if api_version not in self._resources:
            data = self._call("GET", self._prefix(api_version))
            found = {}
            for item in (data or {}).get("resources", []):
                if "/" not in item.get("name", ""):
                    found[item["kind"]] = (item["name"], bool(item.get("namespaced")))
            self._resources[api_version] = found
        try:
            return self._resources[api_version][kind]
        except KeyError:
            raise KubeApplyError(f"the API server does not serve {kind} in {api_version}") from None

    def path(self, obj: dict, namespace: str | None = None) -> str:
        api_version, kind = obj["apiVersion"], obj["kind"]
        plural, namespaced = self.resource(api_version, kind)
        meta = obj.get("metadata") or {}
        base = self._prefix(api_version)
        if namespaced:
            ns = meta.get("namespace") or namespace or "default"
            base += f"/namespaces/{ns}"
        return f"{base}/{plural}/{meta['name']}"

    def _call(self, method: str, path: str, body: Any = None, *, query: list | None = None,
              content_type: str | None = None):
        """One request through the client's own serialisation, auth and TLS settings."""
        headers = {"Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        method_, url, headers_, body_, post = self.api.param_serialize(
            method, path, query_params=query or [], header_params=headers, body=body,
            auth_settings=["BearerToken"])
        response = self.api.call_api(method_, url, header_params=headers_, body=body_, post_params=post,
                                     _request_timeout=REQUEST_TIMEOUT)
        response.read()
        if not 200 <= response.status < 300:
            raise ApiException(http_resp=response)
        return json.loads(response.data) if response.data else None

    # ---- operations ----------------------------------------------------------------------
    def apply(self, obj: dict, namespace: str | None = None) -> dict:
        """Server-side apply (creates when absent, takes ownership of our fields)."""
        path = self.path(obj, namespace)
        body = dict(obj)
        _, namespaced = self.resource(obj["apiVersion"], obj["kind"])
        if namespaced and not (body.get("metadata") or {}).get("namespace"):
            body["metadata"] = {**body["metadata"], "namespace": namespace or "default"}
        return self._call("PATCH", path, body,
                          query=[("fieldManager", FIELD_MANAGER), ("force", "true")],
                          content_type="application/apply-patch+yaml")

    def get(self, obj: dict, namespace: str | None = None) -> dict | None:
        try:
            return self._call("GET", self.path(obj, namespace))
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def list_objects(self, api_version: str, kind: str, namespace: str | None = None,
             label_selector: str = "") -> list[dict]:
        """Objects of a kind (in `namespace` when it is namespaced), by label selector."""
        plural, namespaced = self.resource(api_version, kind)
        path = self._prefix(api_version)
        if namespaced and namespace:
            path += f"/namespaces/{namespace}"
        data = self._call("GET", f"{path}/{plural}",
                          query=[("labelSelector", label_selector)] if label_selector else None)
        items = (data or {}).get("items") or []
        for item in items:  # list items carry neither; the delete path needs both
            item.setdefault("apiVersion", api_version)
            item.setdefault("kind", kind)
        return items

    def delete(self, obj: dict, namespace: str | None = None) -> bool:
        """Delete (foreground); False when it was not there."""
        try:
            self._call("DELETE", self.path(obj, namespace),
                       {"apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": "Foreground"})
            return True
        except ApiException as exc:
            if exc.status == 404:
                return False
            raise

    def wait_gone(self, obj: dict, timeout: float, namespace: str | None = None) -> None:
        deadline = time.monotonic() + timeout
        while self.get(obj, namespace) is not None:
            if time.monotonic() > deadline:
                raise KubeApplyError(f"{obj['kind']} {obj['metadata']['name']} still exists after {timeout:.0f}s")
            time.sleep(POLL)

    def wait_deployment_ready(self, namespace: str, name: str, timeout: float,
                              on_progress: Callable[[int, int], None] | None = None) -> None:
        """Until the rollout is complete: observed the newest generation, every replica
        updated and available."""
        obj = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": namespace}}
        deadline = time.monotonic() + timeout
        last = None
        while True:
            dep = self.get(obj) or {}
            spec, status = dep.get("spec") or {}, dep.get("status") or {}
            want = int(spec.get("replicas") if spec.get("replicas") is not None else 1)
            ready = int(status.get("availableReplicas") or 0)
            updated = int(status.get("updatedReplicas") or 0)
            if on_progress is not None and (ready, want) != last:
                on_progress(ready, want)
                last = (ready, want)
            if (dep and (status.get("observedGeneration") or 0) >= (dep.get("metadata") or {}).get("generation", 0)
                    and updated >= want and ready >= want):
                return
            if time.monotonic() > deadline:
                state = "not found" if not dep else f"{ready}/{want} available"
                raise KubeApplyError(f"deployment {namespace}/{name} not ready after {timeout:.0f}s ({state})")
            time.sleep(POLL)

    def ingress_hostname(self, namespace: str, name: str) -> str | None:
        obj = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
               "metadata": {"name": name, "namespace": namespace}}
        ing = self.get(obj) or {}
        for item in ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
            if item.get("hostname") or item.get("ip"):
                return item.get("hostname") or item.get("ip")
        return None


def order_for_apply(objects: list[dict]) -> list[dict]:
    """Namespaces first, then config, then workloads, then Ingress: what depends on what."""
    rank = {"Namespace": 0, "ServiceAccount": 1, "ConfigMap": 1, "Secret": 1, "Service": 2,
            "Deployment": 3, "HorizontalPodAutoscaler": 4, "PodDisruptionBudget": 4, "Ingress": 5}
    return sorted(objects, key=lambda o: rank.get(o.get("kind", ""), 3))
