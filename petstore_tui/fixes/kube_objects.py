"""Kubernetes helpers for fixes: the repository's controller objects (kubernetes/controller/), live objects as plain dicts, and the diff a plan shows."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from checks.probes._common import is_not_found, kube_call
from checks.project.manifests import controller_documents
from petstore_tui.fixes import files
from petstore_tui.fixes.base import FixContext
from petstore_tui.fixes.model import FixRefused

# Fields the API server fills in: left out of diffs and of objects we send back.
SERVER_FIELDS = ("uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink")


def repository_object(ctx: FixContext, kind: str, name: str) -> tuple[str, dict]:
    """(file, object) of kubernetes/controller/*.yaml with that kind and name."""
    documents, problems = controller_documents(ctx.project)
    for path, doc in documents:
        if doc.get("kind") == kind and (doc.get("metadata") or {}).get("name") == name:
            return path, copy.deepcopy(doc)
    raise FixRefused(f"no {kind} {name} in kubernetes/controller/" + (f" ({'; '.join(problems)})" if problems else ""))


def live(ctx: FixContext, api_class: str, method: str, *args: Any) -> dict | None:
    """The object as the API server has it (a plain dict), None when it does not exist."""
    try:
        obj = kube_call(ctx.checks, api_class, method, *args)
    except Exception as exc:
        if is_not_found(exc):
            return None
        raise
    return ctx.checks.kube_api().sanitize_for_serialization(obj)


def shown(obj: dict | None) -> str:
    """YAML of an object without the fields the server fills in ("" for none)."""
    if obj is None:
        return ""
    clean = copy.deepcopy(obj)
    meta = clean.get("metadata") or {}
    for key in SERVER_FIELDS:
        meta.pop(key, None)
    clean.pop("status", None)
    return yaml.safe_dump(clean, sort_keys=True, default_flow_style=False)


def diff(label: str, before: dict | None, after: dict | None) -> str:
    return files.unified(label, shown(before), shown(after)).replace(f"a/{label}", f"live/{label}") \
        .replace(f"b/{label}", f"after-fix/{label}")
