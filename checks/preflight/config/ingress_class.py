"""config.ingress-class: every Ingress names ingressClassName alb, not the old kubernetes.io/ingress.class annotation."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.config._sources import manifests
from checks.preflight.context import CheckContext
from petstore_core.words import counted

OLD_ANNOTATION = "kubernetes.io/ingress.class"


class IngressClassNameCheck(Check):
    id = "config.ingress-class"
    group = "config"
    title = "Ingress uses ingressClassName alb"
    failure_id = "alb-controller-ingressclass-missing"

    async def run(self, ctx: CheckContext) -> CheckResult:
        rendered = await manifests(ctx)
        ingresses = rendered.of_kind("Ingress")
        if not ingresses:
            return self.skipped("no Ingress in kubernetes/", "\n".join(rendered.problems))
        problems = []
        failure_id = None
        for where, ingress in ingresses:
            name = f"{where}: Ingress {ingress.get('metadata', {}).get('name', '?')}"
            annotations = ingress.get("metadata", {}).get("annotations") or {}
            class_name = (ingress.get("spec") or {}).get("ingressClassName")
            if OLD_ANNOTATION in annotations:
                failure_id = "ingress-class-annotation-deprecated"
                problems.append(f"{name} uses the deprecated {OLD_ANNOTATION} annotation "
                                f"({annotations[OLD_ANNOTATION]!r})")
            if class_name != "alb":
                problems.append(f"{name} has ingressClassName {class_name!r}, not 'alb'")
        if problems:
            return self.failed(problems[0], "\n".join(problems + rendered.problems),
                               "set spec.ingressClassName: alb and remove the kubernetes.io/ingress.class "
                               "annotation (kubernetes/base/ingress.yaml)", failure_id)
        use = "uses" if len(ingresses) == 1 else "use"
        return self.passed(f"{counted(len(ingresses), 'Ingress', 'Ingresses')} {use} ingressClassName alb ({rendered.how})")
