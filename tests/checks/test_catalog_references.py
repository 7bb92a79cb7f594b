"""Every catalog fix (checks/catalog/*/failure.yaml: fix.commands, fix.steps, fix.files) that names something of this repository names something that exists: a Terraform output or variable (parsed from terraform/), a file (and what it is said to hold), a Kubernetes object or pod label (the objects the overlays render with `kubectl kustomize`, kubernetes/controller/, and what the controller's Helm chart at the pinned version makes), a gunicorn app module. Stand-ins: none (the real kubectl kustomize, python-hcl2 on terraform/)."""

from __future__ import annotations

import asyncio
import re
import shlex
from pathlib import Path

import pytest
import yaml

from checks.preflight.context import default_tool_runner
from checks.project import manifests
from checks.project.terraform import Terraform
from checks.project.terraform_files import load_config

REPO = Path(__file__).resolve().parents[2]
CATALOG = REPO / "checks" / "catalog"
TOP_FOLDERS = ("terraform", "kubernetes", "docker", "petstore-app", "checks", "petstore_core", "petstore_tui", "docs", "scripts")
# What the eks/aws-load-balancer-controller chart 3.5.0 makes for release
# aws-load-balancer-controller in kube-system (docs/knowledge/alb-subnet-discovery.md).
CHART_OBJECTS = {("deployment", "kube-system", "aws-load-balancer-controller"),
                 ("service", "kube-system", "aws-load-balancer-webhook-service"),
                 ("endpoints", "kube-system", "aws-load-balancer-webhook-service"),
                 ("customresourcedefinition", "", "targetgroupbindings.elbv2.k8s.aws"),
                 ("customresourcedefinition", "", "ingressclassparams.elbv2.k8s.aws")}
CHART_POD_LABELS = {"app.kubernetes.io/name": "aws-load-balancer-controller",
                    "app.kubernetes.io/instance": "aws-load-balancer-controller"}
KINDS = {"deploy": "deployment", "deployment": "deployment", "deployments": "deployment", "svc": "service",
         "service": "service", "ing": "ingress", "ingress": "ingress", "ingressclass": "ingressclass",
         "sa": "serviceaccount", "serviceaccount": "serviceaccount", "cm": "configmap", "configmap": "configmap",
         "secret": "secret", "ns": "namespace", "namespace": "namespace", "endpoints": "endpoints",
         "crd": "customresourcedefinition", "pod": "pod", "pods": "pod", "hpa": "horizontalpodautoscaler",
         "pdb": "poddisruptionbudget", "networkpolicy": "networkpolicy"}
NAME_TAKING = ("get", "describe", "delete", "label", "annotate", "edit", "logs", "exec", "rollout", "set", "wait")


def entries() -> list[tuple[str, dict]]:
    return [(p.parent.name, yaml.safe_load(p.read_text())) for p in sorted(CATALOG.glob("*/failure.yaml"))]


@pytest.fixture(scope="module")
def inventory() -> dict:
    tf = Terraform(load_config(REPO / "terraform"))
    rendered = asyncio.run(manifests.render(REPO, default_tool_runner))
    assert rendered.how == "kubectl kustomize" and not rendered.failures, rendered.problems
    objects, labels = set(CHART_OBJECTS), [dict(CHART_POD_LABELS)]
    docs = [d for _w, d in rendered.documents] + [d for _p, d in manifests.controller_documents(REPO)[0]]
    for doc in docs:
        meta = doc.get("metadata") or {}
        objects.add((doc["kind"].lower(), meta.get("namespace", "") or "", meta.get("name")))
        template = ((doc.get("spec") or {}).get("template") or {}).get("metadata") or {}
        if template.get("labels"):
            labels.append(template["labels"])
    return {"outputs": {name for name, _f in tf.outputs}, "variables": set(tf.variables), "objects": objects,
            "pod_labels": labels, "namespaces": {o[2] for o in objects if o[0] == "namespace"} | {"kube-system"}}


def repo_paths(text: str) -> list[str]:
    """Paths into this repository a text names (terraform/iam.tf, kubernetes/overlays/<env>/...)."""
    folders = "|".join(TOP_FOLDERS)
    found = re.findall(rf"(?<![\w./-])((?:{folders})/[\w./<>*-]*[\w>*])", text)
    return [p.rstrip(".") for p in found]


def ours(path: str) -> bool:
    """A path into this repository, not one of another project's that shares a folder name
    (the controller's docs/install/iam_policy.json): its first two folders exist here."""
    parts = re.sub(r"<[^>]+>", "*", path).split("/")
    return len(parts) < 3 or any(REPO.glob("/".join(parts[:2])))


def exists(path: str) -> bool:
    pattern = re.sub(r"<[^>]+>", "*", path)
    return any(REPO.glob(pattern)) if "*" in pattern else (REPO / pattern).exists()


def terraform_references(text: str) -> list[tuple[str, str]]:
    """(kind, name) of outputs and variables a text names."""
    refs = [("output", m) for m in re.findall(r"terraform\b[^|;&]*?\boutput\s+(?:-\w+\s+)*([a-z_][\w-]*)", text)]
    refs += [("variable", m) for m in re.findall(r"-var[ =]['\"]?([a-z_][\w-]*)=", text)]
    refs += [("variable", m) for m in re.findall(r"(?<![\w.])var\.([a-z_][\w-]*)", text)]
    refs += [("variable", m) for m in re.findall(r"TF_VAR_([a-z_][\w-]*)", text)]
    return refs


def kubectl_references(command: str) -> list[tuple[str, str, str]]:
    """(kind, namespace, name) and ("selector", namespace, k=v) a kubectl command names."""
    try:
        words = shlex.split(command.split("|")[0])
    except ValueError:
        return []
    if not words or words[0] != "kubectl":
        return []
    namespace, rest, selector, i = "", [], None, 1
    while i < len(words):
        word = words[i]
        if word in ("-n", "--namespace"):
            namespace, i = words[i + 1], i + 2
        elif word in ("-l", "--selector"):
            selector, i = words[i + 1], i + 2
        elif word.startswith("-"):
            i += 2 if word in ("-o", "--field-selector", "--since", "--timeout", "--for", "--tail", "-c") else 1
        else:
            rest.append(word)
            i += 1
    found: list[tuple[str, str, str]] = []
    if selector:
        found.append(("selector", namespace, selector))
    if not rest or rest[0] not in NAME_TAKING:
        return found
    args = rest[2:] if rest[0] in ("rollout", "set") else rest[1:]
    if rest[0] in ("logs", "exec"):
        targets = [a for a in args[:1] if "/" in a]
    elif args and "/" not in args[0]:
        kind = KINDS.get(args[0].lower())
        targets = [f"{kind}/{name}" for name in args[1:] if kind] if kind else []
    else:
        targets = [a for a in args if "/" in a]
    for target in targets:
        kind, _, name = target.partition("/")
        if kind.lower() in KINDS and not name.startswith("$") and "=" not in name:
            found.append((KINDS[kind.lower()], namespace, name))
    return found


def named_objects(step: str) -> list[tuple[str, str]]:
    """("configmap", "app-config") for "the ConfigMap app-config" in prose (names with a
    hyphen, so "the Ingress is admitted" names nothing)."""
    kinds = {"ConfigMap": "configmap", "Secret": "secret", "Deployment": "deployment", "IngressClass": "ingressclass",
             "ServiceAccount": "serviceaccount", "Service": "service", "Ingress": "ingress"}
    return [(kinds[k], n) for k, n in re.findall(r"\b(ConfigMap|Secret|Deployment|IngressClass|ServiceAccount|Service|"
                                                 r"Ingress)\s+([a-z0-9]+(?:-[a-z0-9]+)+)\b", step)]


def commands_in(step: str) -> list[str]:
    """The kubectl commands a step quotes in parentheses: "(kubectl get pods -n kube-system)"."""
    return re.findall(r"\((kubectl\s[^()]*(?:\([^()]*\)[^()]*)*)\)", step)


# "--timeout in docker/entrypoint.sh": a flag, an environment variable, an address or a
# Terraform name said to be in a file of ours.
CLAIMED_IN = re.compile(r"(--[a-z][\w-]*|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|\d+\.\d+\.\d+\.\d+:\d+|[a-z]+(?:_[a-z0-9]+)+)"
                        r"\s+in\s+((?:" + "|".join(TOP_FOLDERS) + r")/[\w./-]*\w)")


def app_modules(text: str) -> list[str]:
    """The WSGI modules a gunicorn command line names (module:attribute)."""
    try:
        words = shlex.split(text)
    except ValueError:
        return []
    if "gunicorn" not in words:
        return []
    return [w.split(":")[0] for w in words[words.index("gunicorn") + 1:]
            if re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", w)]


def problems_in(entry: dict, inventory: dict) -> list[str]:
    fix = entry.get("fix") or {}
    commands = [*(fix.get("commands") or []), *(c for step in fix.get("steps") or [] for c in commands_in(step))]
    texts = [*(fix.get("commands") or []), *(fix.get("steps") or []), *(fix.get("files") or [])]
    out = []
    for text in texts:
        for path in repo_paths(text):
            if ours(path) and not exists(path):
                out.append(f"no file {path}: {text}")
        for kind, name in terraform_references(text):
            if name not in inventory["outputs" if kind == "output" else "variables"]:
                out.append(f"no Terraform {kind} {name}: {text}")
        for kind, name in named_objects(text):
            if not any(o[0] == kind and o[2] == name for o in inventory["objects"]):
                out.append(f"no {kind} {name}: {text}")
        for module in app_modules(text):
            if not (REPO / "petstore-app" / (module.replace(".", "/") + ".py")).is_file():
                out.append(f"no app module {module} in petstore-app/: {text}")
        for token, path in CLAIMED_IN.findall(text):
            if (REPO / path).is_file() and token not in (REPO / path).read_text():
                out.append(f"{token} is not in {path}: {text}")
    for text in commands:
        for kind, namespace, name in kubectl_references(text):
            if kind == "selector":
                pairs = dict(p.split("=", 1) for p in name.split(",") if "=" in p)
                if not any(all(labels.get(k) == v for k, v in pairs.items()) for labels in inventory["pod_labels"]):
                    out.append(f"no pod carries labels {name}: {text}")
            elif kind == "namespace":
                continue
            elif namespace and namespace not in inventory["namespaces"]:
                out.append(f"no namespace {namespace}: {text}")
            elif kind != "pod" and not any(o[0] == kind and o[2] == name and (not namespace or o[1] in (namespace, ""))
                                           for o in inventory["objects"]):
                out.append(f"no {kind} {namespace + '/' if namespace else ''}{name}: {text}")
    return out


def test_controller_policy_downloads_name_the_pinned_release():
    """A fix that fetches the controller's iam_policy.json fetches the release we install."""
    from checks.alb_policy import INSTALLED_RELEASE

    for entry_id, entry in entries():
        for command in (entry.get("fix") or {}).get("commands") or []:
            for release in re.findall(r"aws-load-balancer-controller/(v\d+\.\d+\.\d+)/", command):
                assert release == INSTALLED_RELEASE, f"{entry_id}: {command}"


@pytest.mark.parametrize("entry_id, entry", entries(), ids=lambda x: x if isinstance(x, str) else "")
def test_fix_names_only_what_exists(entry_id, entry, inventory):
    problems = problems_in(entry, inventory)
    assert not problems, f"{entry_id}:\n" + "\n".join(problems)


def test_the_reference_finders_see_what_they_must():
    """The finders on known shapes, so a test that finds nothing is not a finder that sees nothing."""
    assert terraform_references("terraform -chdir=terraform output -raw alb_controller_role_arn") == [
        ("output", "alb_controller_role_arn")]
    assert ("variable", "enable_access_entries") in terraform_references(
        "terraform -chdir=terraform apply -var enable_access_entries=false")
    assert kubectl_references("kubectl delete pod -n petstore -l app=petstore") == [("selector", "petstore", "app=petstore")]
    assert kubectl_references("kubectl logs -n kube-system deployment/aws-load-balancer-controller --since=5m") == [
        ("deployment", "kube-system", "aws-load-balancer-controller")]
    assert kubectl_references("kubectl get secret -n petstore db-credentials -o jsonpath='{.data}'") == [
        ("secret", "petstore", "db-credentials")]
    assert kubectl_references("kubectl rollout restart deployment -n petstore petstore") == [
        ("deployment", "petstore", "petstore")]
    assert named_objects("add it to the ConfigMap app-config or the Secret db-credentials") == [
        ("configmap", "app-config"), ("secret", "db-credentials")]
    assert repo_paths("change kubernetes/overlays/<env>/kustomization.yaml (images.newTag).") == [
        "kubernetes/overlays/<env>/kustomization.yaml"]
    assert not ours("docs/install/iam_policy.json") and ours("terraform/policies/gone.json")
    assert CLAIMED_IN.findall("Only raise --timeout in docker/entrypoint.sh for slow requests") == [
        ("--timeout", "docker/entrypoint.sh")]
    assert app_modules("docker run --rm petstore:dev gunicorn --workers 1 --bind 0.0.0.0:8080 app:app") == ["app"]
    assert commands_in("Find it (kubectl get deployment -n kube-system x -o jsonpath='{.a}') first.") == [
        "kubectl get deployment -n kube-system x -o jsonpath='{.a}'"]


LOCK = REPO / "petstore-app" / "requirements.lock"


def lock_flags(lock_text: str) -> set[str]:
    """The options pip-compile wrote the lock with (its header's command), output path aside."""
    command = next(line.lstrip("# ") for line in lock_text.splitlines() if line.lstrip("# ").startswith("pip-compile "))
    return {word.partition("=")[0] for word in shlex.split(command) if word.startswith("--")} - {"--output-file"}


def relock_commands(entry: dict) -> list[str]:
    return [c for c in (entry.get("fix") or {}).get("commands") or [] if c.startswith("pip-compile") and "requirements.lock" in c]


@pytest.mark.parametrize("entry_id, entry", [e for e in entries() if relock_commands(e[1])], ids=lambda x: x if isinstance(x, str) else "")
def test_a_relock_command_keeps_the_lock_as_it_was_made(entry_id, entry):
    """docker/Dockerfile and ./dev install the lock with --require-hashes: a re-lock printed
    without --generate-hashes (two entries printed one) writes a lock that neither can install.
    Every pip-compile into the lock carries the options in the lock's own header (found by the
    operator review)."""
    wanted = lock_flags(LOCK.read_text())
    assert "--generate-hashes" in wanted  # the finder reads the header it must
    for command in relock_commands(entry):
        missing = wanted - {word.partition("=")[0] for word in shlex.split(command)}
        assert not missing, f"{entry_id}: `{command}` lacks {sorted(missing)}"
