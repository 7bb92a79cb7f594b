"""config.k8s-api: every object each overlay renders, and kubernetes/controller's, passes what the API server checks on apply (checks/project/k8s_rules.py: strict schemas for the cluster's version, names, labels, ports, selectors, requests against limits), so a deploy does not learn it from kubectl apply."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.config._sources import (
    controller_documents,
    manifests,
    terraform,
)
from checks.preflight.context import CheckContext, in_thread
from checks.project import k8s_rules
from checks.project.hcl_values import is_unknown
from checks.project.k8s_verdicts import Verdicts
from checks.project.manifests import Manifests
from petstore_core import settings
from petstore_core.words import counted


def cluster_minor(ctx: CheckContext) -> str | None:
    """The cluster's Kubernetes version as Terraform will ask for it (1.35), if known."""
    tf = terraform(ctx)
    clusters = tf.of_type("aws_eks_cluster")
    value = tf.evaluate(clusters[0].body.get("version"), clusters[0]) if clusters else tf.value("kubernetes_version")
    return None if value is None or is_unknown(value) else str(value)


def violations(ctx: CheckContext, rendered: Manifests) -> tuple[list[str], int, str]:
    """(violation lines, objects checked, a note on the schema version). The schemas'
    verdicts on objects seen before come from the state folder (checks/project/k8s_verdicts.py)."""
    verdicts = Verdicts(settings.cache_dir())
    version, note = verdicts.schema_version(cluster_minor(ctx))
    seen: dict[str, list[str]] = {}  # one line per violation, with the overlays it shows in
    docs = [(where, doc, rendered.origin(doc) or where) for where, doc in rendered.documents]
    docs += [(path, doc, path) for path, doc in controller_documents(ctx)[0]]
    for where, doc, origin in docs:
        for found in k8s_rules.api_violations(doc) + verdicts.schema_violations(doc, version):
            seen.setdefault(f"{origin}: {found}", []).append(where)
    verdicts.save()
    lines = [f"{text} ({', '.join(sorted(set(w for w in wheres if w != text.split(':')[0])))})".replace(" ()", "")
             for text, wheres in seen.items()]
    return lines, len(docs), note or f"schemas of Kubernetes {version}"


class KubernetesApiCheck(Check):
    id = "config.k8s-api"
    group = "config"
    title = "Objects pass the API's validation"

    async def run(self, ctx: CheckContext) -> CheckResult:
        rendered = await manifests(ctx)
        if not rendered.documents and not controller_documents(ctx)[0]:
            if rendered.failures:
                return self.warned("unknown: the manifests do not build (config.files says where)",
                                   "\n".join(map(str, rendered.failures)))
            return self.skipped("no Kubernetes objects in kubernetes/")
        lines, checked, note = await in_thread(violations, ctx, rendered)
        if lines:
            return self.failed(f"{counted(len(lines), 'violation')} the API server refuses at apply: {lines[0]}",
                               "\n".join(lines + [note]),
                               "fix the field named in the file named (kubectl apply --dry-run=server reports the "
                               "same against a cluster)")
        unknown = [p for p in rendered.problems if "does not build" in p]
        if unknown:
            return self.warned(f"unknown: {unknown[0]}", "\n".join(rendered.problems + [note]))
        return self.passed(f"{counted(checked, 'object')} {'passes' if checked == 1 else 'pass'} the API's validation ({rendered.how}; {note})")
