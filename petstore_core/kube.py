"""Kubernetes API clients from a kubeconfig (KUBECONFIG honoured) and context, with clear
errors for a missing or broken kubeconfig (KubeConfigError, petstore_core/errors.py) and a
timeout for every request."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from petstore_core.errors import KubeConfigError
from petstore_core.redact import redact

# (connect, read) seconds: an API server behind a dead VPN must fail, not hang. The client
# has no default, so every call must pass _request_timeout=REQUEST_TIMEOUT (or its own).
REQUEST_TIMEOUT: tuple[float, float] = (5.0, 20.0)


def kubectl_command(target: Any, *words: str) -> str:
    """`kubectl [--kubeconfig K] [--context C] WORDS...` as a shell line: every kubectl
    command printed for the operator (a refusal, a fix's note, a probe's fix) acts on the
    cluster the operator pointed the tool at, not on kubectl's current context
    (petstore_tui/fixes/model.py command_for does the same for petstore-tui commands)."""
    options: list[str] = []
    for flag, value in (("--kubeconfig", getattr(target, "kubeconfig", None)),
                        ("--context", getattr(target, "context", None))):
        if value:
            options += [flag, str(value)]
    return shlex.join(["kubectl", *options, *words])


# kubectl's own commands (kubectl 1.31 `kubectl help`): the word kubectl followed by one of
# them is a command in a fix's prose; followed by anything else ("Keep kubectl within one
# minor version"), it is a word and stays as written.
_KUBECTL_VERBS = (
    "annotate", "api-resources", "api-versions", "apply", "attach", "auth", "autoscale",
    "certificate", "cluster-info", "config", "cordon", "cp", "create", "debug", "delete",
    "describe", "diff", "drain", "edit", "events", "exec", "explain", "expose", "get",
    "kustomize", "label", "logs", "patch", "port-forward", "proxy", "replace", "rollout",
    "run", "scale", "set", "taint", "top", "uncordon", "wait")
_KUBECTL_COMMAND = re.compile(
    r"(?<![\w./'-])kubectl(?=\s+(?:" + "|".join(map(re.escape, _KUBECTL_VERBS)) + r")(?![\w'-]))")


def for_target(text: str, target: Any) -> str:
    """Text written for kubectl's current context (a catalog entry's fix command or step) as
    printed for this operator: every kubectl command in it, wherever it stands (a step's
    "(kubectl top pod)", a pipe's second kubectl), gets their --kubeconfig and --context as
    kubectl_command gives them; the word kubectl that starts no command is left alone."""
    if target is None:
        return text
    options = kubectl_command(target)
    if options == "kubectl":
        return text
    return _KUBECTL_COMMAND.sub(lambda _match: options, text)


# A path of the checkout from its root in a catalog command: a top folder after a space, a
# quote or "=" (`-f docker/Dockerfile`, `-o terraform/policies/...`), `-chdir=terraform`, or
# a build context "." at the end of a word.
_REPOSITORY_PATH = re.compile(r"(?:^|[\s='\"])(?:terraform|kubernetes|docker|petstore-app)/"
                              r"|-chdir=terraform\b|\s\.(?:\s|$)")


def command_for_target(command: str, target: Any) -> str:
    """A catalog entry's fix command as printed for this operator: for_target's kubectl
    options, and, when it names the checkout's files from its root and the checkout is not
    the current folder, run in a subshell that enters it (pasted, it works from where the
    operator is and leaves their shell there)."""
    command = for_target(command, target)
    project = getattr(target, "project", None) if target is not None else None
    if project is None or not _REPOSITORY_PATH.search(command):
        return command
    # start-up: settings is loaded by every command already; imported here to keep kube's
    # module import free of it
    from petstore_core.settings import shown_path

    where = shown_path(project)
    if where == ".":
        return command
    return f"(cd {shlex.quote(where)} && {command})"


def update_kubeconfig_command(target: Any) -> str:
    """`aws eks update-kubeconfig --name C --region R [--profile P] [--kubeconfig K]` with
    the operator's values, the command that writes the missing kubeconfig ("<region>" when
    none is known: the operator must choose it, never we)."""
    region = getattr(target, "region_or_none", None)
    words = ["aws", "eks", "update-kubeconfig", "--name", str(getattr(target, "cluster_name", "<cluster>"))]
    tail = [*(["--profile", str(target.profile)] if getattr(target, "profile", None) else []),
            *(["--kubeconfig", str(target.kubeconfig)] if getattr(target, "kubeconfig", None) else [])]
    if region:
        return shlex.join([*words, "--region", region, *tail])
    return " ".join([shlex.join(words), "--region <region>", *([shlex.join(tail)] if tail else [])])


def kubeconfig_paths(kubeconfig: str | os.PathLike | None = None) -> list[Path]:
    """The kubeconfig files in use: the argument, else KUBECONFIG (read now, not at
    import: tests and the runbook change it), else ~/.kube/config."""
    if kubeconfig:
        return [Path(kubeconfig).expanduser()]
    env = os.environ.get("KUBECONFIG")
    if env:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    return [Path("~/.kube/config").expanduser()]


def _load_dict(kubeconfig: str | os.PathLike | None) -> dict[str, Any]:
    paths = kubeconfig_paths(kubeconfig)
    existing = [p for p in paths if p.is_file()]
    if not existing:
        shown = ", ".join(str(p) for p in paths)
        # no command with a `<cluster>` placeholder: pasted, a shell reads `<cluster` as a
        # redirection (api_client gives the exact command where it knows the target)
        raise KubeConfigError(
            f"no kubeconfig at {shown}: the deploy runbook's kubeconfig step writes one "
            "(aws eks update-kubeconfig for a real cluster), or pass --kubeconfig FILE")
    merged: dict[str, Any] = {"clusters": [], "users": [], "contexts": [], "files": []}
    for path in existing:
        try:
            data = yaml.safe_load(path.read_text()) or {}
        except UnicodeDecodeError:
            raise KubeConfigError(f"kubeconfig {path} is not text (invalid UTF-8)") from None
        except (OSError, yaml.YAMLError) as exc:
            problem = getattr(exc, "problem", None) or type(exc).__name__
            raise KubeConfigError(f"kubeconfig {path} cannot be read: {problem}") from None
        if not isinstance(data, dict):
            raise KubeConfigError(f"kubeconfig {path} is not a kubeconfig (not a mapping)")
        if data:
            merged["files"].append(str(path.resolve()))
        # First file wins for each name, as kubectl merges them.
        for key in ("clusters", "users", "contexts"):
            seen = {item.get("name") for item in merged[key]}
            for item in data.get(key) or []:
                if isinstance(item, dict) and item.get("name") not in seen:
                    merged[key].append(item)
        merged.setdefault("current-context", data.get("current-context"))
        if not merged.get("current-context"):
            merged["current-context"] = data.get("current-context")
    return merged


def load_config(kubeconfig: str | os.PathLike | None = None, context: str | None = None):
    """A kubernetes.client.Configuration for `context` (default: current-context)."""
    # start-up: the kubernetes client is ~300 modules; only a cluster call loads it
    from kubernetes import client, config
    from kubernetes.config.config_exception import ConfigException

    data = _load_dict(kubeconfig)
    names = [c.get("name") for c in data["contexts"]]
    chosen = context or data.get("current-context")
    if not chosen:
        raise KubeConfigError("the kubeconfig has no current-context: pass --context "
                              f"(known: {', '.join(map(str, names)) or 'none'})")
    if chosen not in names:
        raise KubeConfigError(f"context {chosen!r} is not in the kubeconfig "
                              f"(known: {', '.join(map(str, names)) or 'none'})")
    configuration = client.Configuration()
    # Loaded from the files, not a merged dict: each entry keeps its file's folder, against
    # which relative certificate, key, token and exec paths resolve (docs/knowledge/kubeconfig.md).
    try:
        config.load_kube_config(config_file=os.pathsep.join(data["files"]), context=chosen,
                                client_configuration=configuration, persist_config=False)
    except ConfigException as exc:
        raise KubeConfigError(f"kubeconfig context {chosen!r} is unusable: {exc}") from None
    except Exception as exc:  # exec plugin failures, bad base64 certificates...
        raise KubeConfigError(redact(f"kubeconfig context {chosen!r} is unusable: "
                                     f"{type(exc).__name__}: {exc}")) from None
    # Retries hide a dead server behind minutes of backoff; we report at once instead.
    configuration.retries = 0
    return configuration


def api_client(target=None, kubeconfig: str | os.PathLike | None = None):
    """A kubernetes.client.ApiClient for the target's context (target.context, else the
    kubeconfig's current-context) from `kubeconfig`, else the target's --kubeconfig, else
    KUBECONFIG. Raises KubeConfigError with a clear message."""
    # start-up: as above
    from kubernetes import client

    context = getattr(target, "context", None) if target is not None else None
    kubeconfig = kubeconfig or getattr(target, "kubeconfig", None)
    if target is not None and not getattr(target, "sandbox", False) \
            and not any(p.is_file() for p in kubeconfig_paths(kubeconfig)):
        shown = ", ".join(str(p) for p in kubeconfig_paths(kubeconfig))
        raise KubeConfigError(f"no kubeconfig at {shown}: run {update_kubeconfig_command(target)} "
                              "(or the deploy runbook's kubeconfig step)")
    return client.ApiClient(configuration=load_config(kubeconfig, context))


def server_version(api) -> str:
    """The API server's gitVersion (e.g. v1.32.3-eks-...)."""
    # start-up: as above
    from kubernetes import client

    return client.VersionApi(api).get_code(_request_timeout=REQUEST_TIMEOUT).git_version
