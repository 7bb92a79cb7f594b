"""A kubeconfig context for the EKS cluster (exec: `aws eks get-token`, as `aws eks update-kubeconfig` writes it; the sandbox: our eks_token module), merged without clobbering others."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import yaml

from petstore_core import aws, settings
from petstore_tui.services.eks_token import exec_args


def default_path() -> Path:
    """Where kubectl users expect it: the first file of $KUBECONFIG, else ~/.kube/config."""
    env = os.environ.get("KUBECONFIG")
    if env:
        first = next((p for p in env.split(os.pathsep) if p), None)
        if first:
            return Path(first).expanduser()
    return Path("~/.kube/config").expanduser()


def aws_exec(cluster_name: str, region: str, profile: str | None) -> dict[str, Any]:
    """The user's exec entry exactly as `aws eks update-kubeconfig` writes it
    (docs/knowledge/kubeconfig.md): `aws` from PATH, so it outlives any virtualenv."""
    entry: dict[str, Any] = {
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "args": ["--region", region, "eks", "get-token", "--cluster-name", cluster_name,
                 "--output", "json"],
        "command": "aws",
    }
    if profile:
        entry["env"] = [{"name": "AWS_PROFILE", "value": profile}]
    return entry


def sandbox_exec(cluster_name: str, region: str, env: dict[str, str] | None) -> dict[str, Any]:
    """The sandbox's exec entry: our token module under this interpreter, with the
    emulator's endpoint and fake credentials (no AWS CLI needed for a local emulator)."""
    entry: dict[str, Any] = {
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "command": sys.executable,
        "args": exec_args(cluster_name, region),
        "interactiveMode": "Never",
        "provideClusterInfo": False,
    }
    if env:
        entry["env"] = [{"name": k, "value": v} for k, v in env.items()]
    return entry


def context_entry(target: settings.Target, cluster: dict[str, Any],
                  env: dict[str, str] | None = None) -> tuple[str, dict, dict, dict]:
    """(name, cluster, user, context) entries for `cluster` (eks.describe_cluster's
    "cluster"); named by its ARN, its region read from the ARN, as `aws eks
    update-kubeconfig` does."""
    arn = cluster.get("arn") or ""
    name = arn or f"{target.cluster_name}.{target.region_name}"
    region = arn.split(":")[3] if arn.count(":") >= 5 else target.region_name
    cluster_name = cluster.get("name") or target.cluster_name
    if target.sandbox:
        exec_block = sandbox_exec(cluster_name, region, env)
    else:
        exec_block = aws_exec(cluster_name, region, target.profile or os.environ.get("AWS_PROFILE"))
    cluster_entry = {"name": name, "cluster": {
        "server": cluster["endpoint"],
        "certificate-authority-data": (cluster.get("certificateAuthority") or {}).get("data", ""),
    }}
    user_entry = {"name": name, "user": {"exec": exec_block}}
    context = {"name": name, "context": {"cluster": name, "user": name}}
    return name, cluster_entry, user_entry, context


def merge(path: Path, cluster_entry: dict, user_entry: dict, context: dict,
          *, set_current: bool = True) -> None:
    """Add or replace our three entries by name; everything else in the file stays."""
    data: dict[str, Any] = {}
    if path.is_file():
        loaded = yaml.safe_load(path.read_text()) or {}
        if not isinstance(loaded, dict):
            raise ValueError(f"{path} is not a kubeconfig (not a mapping): not touching it")
        data = loaded
    data.setdefault("apiVersion", "v1")
    data.setdefault("kind", "Config")
    data.setdefault("preferences", {})
    for key, entry in (("clusters", cluster_entry), ("users", user_entry), ("contexts", context)):
        items = [i for i in (data.get(key) or []) if isinstance(i, dict) and i.get("name") != entry["name"]]
        items.append(entry)
        data[key] = items
    if set_current or not data.get("current-context"):
        data["current-context"] = context["name"]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".petstore-tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        yaml.safe_dump(data, fh, sort_keys=False)
    os.replace(tmp, path)


def write_for_cluster(target: settings.Target, path: Path | None = None,
                      env: dict[str, str] | None = None) -> tuple[Path, str]:
    """Describe the cluster and merge its context into `path`; (path, context name)."""
    cluster = aws.client(target, "eks").describe_cluster(name=target.cluster_name)["cluster"]
    name, c, u, ctx = context_entry(target, cluster, env)
    dest = path or target.kubeconfig or default_path()
    merge(dest, c, u, ctx)
    return dest, name
