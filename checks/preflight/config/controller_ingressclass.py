"""config.controller-ingressclass: the IngressClass the Ingresses name (alb) is created by us (kubernetes/controller/ingressclass.yaml, the file the runbook's controller-prereqs step applies) with spec.controller ingress.k8s.aws/alb, the controller the AWS Load Balancer Controller watches."""

from __future__ import annotations

from pathlib import Path

from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.config._sources import controller_documents, helm_values, manifests
from checks.preflight.context import CheckContext

CONTROLLER = "ingress.k8s.aws/alb"
DEFAULT_CLASS = "alb"
# The runbook's controller-prereqs step applies this file and installs the chart with
# createIngressClassResource: false whatever values.yaml says (docs/runbook.md).
RUNBOOK_FILE = "kubernetes/controller/ingressclass.yaml"


class ControllerIngressClassCheck(Check):
    id = "config.controller-ingressclass"
    group = "config"
    title = "IngressClass alb names the ALB controller"
    failure_id = "alb-controller-ingressclass-missing"

    async def run(self, ctx: CheckContext) -> CheckResult:
        documents, problems = controller_documents(ctx)
        rendered = await manifests(ctx)
        _path, values, _problem = helm_values(ctx)
        if not documents and values is None and not rendered.documents:
            return self.skipped("no kubernetes/ manifests")
        classes = {}
        for where, doc in [*documents, *rendered.of_kind("IngressClass")]:
            if doc.get("kind") == "IngressClass":
                classes.setdefault(str((doc.get("metadata") or {}).get("name")), (where, doc))
        wanted = sorted({str((i.get("spec") or {}).get("ingressClassName") or DEFAULT_CLASS)
                         for _w, i in rendered.of_kind("Ingress")}) or [DEFAULT_CLASS]
        fix = (f"kubernetes/controller/ingressclass.yaml: an IngressClass named {DEFAULT_CLASS} with "
               f"spec.controller: {CONTROLLER}, applied before the Helm install")
        failures, notes = [], []
        for name in wanted:
            if name == DEFAULT_CLASS and not (Path(ctx.project_dir) / RUNBOOK_FILE).is_file():
                helm = (" (createIngressClassResource in values.yaml does not help: the runbook installs the "
                        "chart with false)" if values is not None
                        and values.get("createIngressClassResource", True) is not False else "")
                failures.append(f"{RUNBOOK_FILE} is missing: the deploy would fail at its controller-prereqs "
                                f"step, which applies that file before the Helm install{helm}")
                continue
            if name not in classes:
                if name == DEFAULT_CLASS:
                    failures.append(f"no IngressClass {name} in kubernetes/controller/ and the runbook installs "
                                    "the chart with createIngressClassResource: false")
                continue
            where, doc = classes[name]
            controller = (doc.get("spec") or {}).get("controller")
            if name == DEFAULT_CLASS and controller != CONTROLLER:
                failures.append(f"{where}: IngressClass {name} has spec.controller {controller!r}, not {CONTROLLER!r}: "
                                "the AWS Load Balancer Controller ignores its Ingresses")
            else:
                notes.append(f"{where}: IngressClass {name} -> {controller}")
        if failures:
            return self.failed(failures[0], "\n".join(failures + notes + problems), fix)
        return self.passed(f"IngressClass {', '.join(wanted)} -> {CONTROLLER}", "\n".join(notes + problems))
