"""config.controller-service-account: kubernetes/controller's ServiceAccount carries eks.amazonaws.com/role-arn, and its namespace/name are the ones Helm (values.yaml serviceAccount.name) and the IRSA trust in Terraform (system:serviceaccount:<ns>:<name>) expect."""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import controller_documents, helm_values, terraform
from checks.preflight.context import CheckContext
from checks.project import iam
from checks.project.hcl_values import as_text
from petstore_core.settings import CONTROLLER_NAMESPACE, ROLE_ANNOTATION

CHART_DEFAULT_NAME = "aws-load-balancer-controller"  # the release name, which the chart names it by
ROLE_ARN = re.compile(r"^(\$\{[A-Z_][A-Z0-9_]*\}|arn:aws[a-z-]*:iam::\d{12}:role/\S+)$")
SUBJECT = re.compile(r"system:serviceaccount:(?:[^\"\s,\]\}$]|\$\{[^}]*\})+")


def trust_subjects(ctx: CheckContext) -> list[str]:
    """The system:serviceaccount:<ns>:<name> subjects Terraform's IRSA trust policies allow,
    with variables and locals as a plan sees them ("${?}" where only apply can tell)."""
    tf = terraform(ctx)
    found = []
    for role in tf.of_type("aws_iam_role"):
        value = tf.evaluate(role.body.get("assume_role_policy"), role)
        document, _why = iam.document_of(value)
        text = json.dumps(document) if document else as_text(value)
        found += SUBJECT.findall(text.replace('\\"', '"'))
    return list(dict.fromkeys(found))


class ControllerServiceAccountCheck(BlockingCheck):
    id = "config.controller-service-account"
    group = "config"
    title = "Controller ServiceAccount and IRSA"
    failure_id = "alb-controller-serviceaccount-role-missing"

    def _check(self, ctx: CheckContext) -> CheckResult:
        documents, yaml_problems = controller_documents(ctx)
        _path, values, _problem = helm_values(ctx)
        if not documents and values is None:
            return self.skipped("no kubernetes/controller/ manifests", "\n".join(yaml_problems))
        helm_sa = (values or {}).get("serviceAccount") or {}
        wanted = str(helm_sa.get("name") or CHART_DEFAULT_NAME)
        accounts = [(w, d) for w, d in documents if d.get("kind") == "ServiceAccount"]
        fix = (f"kubernetes/controller/serviceaccount.yaml: a ServiceAccount {CONTROLLER_NAMESPACE}/{wanted} with the annotation "
               f"{ROLE_ANNOTATION}: ${{CONTROLLER_ROLE_ARN}}; the same name in values.yaml serviceAccount.name and in "
               "the role's trust (local.lb_controller_service_account in terraform/main.tf)")
        if not accounts:
            if helm_sa.get("create", True) is not False:
                return self.passed("Helm creates the controller's ServiceAccount (serviceAccount.create); "
                                   "config.helm-values checks its role annotation")
            return self.failed(f"no ServiceAccount in kubernetes/controller/ while values.yaml has "
                               f"serviceAccount.create: false (Helm expects {CONTROLLER_NAMESPACE}/{wanted})",
                               "\n".join(yaml_problems), fix)
        problems: list[tuple[str, str]] = []  # (failure id, text)
        notes = []
        subjects = trust_subjects(ctx)
        matched = None
        for where, account in accounts:
            meta = account.get("metadata") or {}
            name, namespace = str(meta.get("name", "")), str(meta.get("namespace") or "default")
            label = f"{where}: ServiceAccount {namespace}/{name}"
            annotations = meta.get("annotations") or {}
            role = annotations.get(ROLE_ANNOTATION)
            if name != wanted or namespace != CONTROLLER_NAMESPACE:
                near = [k for k in annotations if "role" in k and k != ROLE_ANNOTATION]
                notes.append(f"{label}: not the controller's ({CONTROLLER_NAMESPACE}/{wanted})" + (f"; {near}" if near else ""))
                if len(accounts) == 1:
                    problems.append(("alb-controller-serviceaccount-role-missing",
                                     f"{label}, but values.yaml serviceAccount.name is {wanted!r} in {CONTROLLER_NAMESPACE}: "
                                     "Helm's controller pods look for a ServiceAccount that does not exist"))
                    matched = (where, account, name, namespace, role, annotations)
                continue
            matched = (where, account, name, namespace, role, annotations)
        if matched is None:
            problems.append(("alb-controller-serviceaccount-role-missing",
                             f"no ServiceAccount {CONTROLLER_NAMESPACE}/{wanted} in kubernetes/controller/ (values.yaml "
                             "serviceAccount.name)"))
        else:
            where, account, name, namespace, role, annotations = matched
            label = f"{where}: ServiceAccount {namespace}/{name}"
            if role is None or not str(role).strip():
                near = [k for k in annotations if "role" in k.lower()]
                problems.append(("alb-controller-serviceaccount-role-missing",
                                 f"{label} has no {ROLE_ANNOTATION} annotation"
                                 + (f" (found {', '.join(near)}: a typo?)" if near else "")
                                 + ": the controller falls back to the node role and is denied"))
            elif not ROLE_ARN.match(str(role).strip()):
                problems.append(("alb-controller-serviceaccount-role-missing",
                                 f"{label}: {ROLE_ANNOTATION} is {role!r}, not a role ARN or ${{PLACEHOLDER}}"))
            else:
                notes.append(f"{label}: {ROLE_ANNOTATION}: {role}")
            subject = f"system:serviceaccount:{namespace}:{name}"
            if subjects:
                if not any(fnmatchcase(subject, s) for s in subjects if "${" not in s) and \
                        not any("${" in s for s in subjects):
                    problems.append(("alb-controller-irsa-web-identity-failed",
                                     f"the IRSA trust in Terraform allows {', '.join(subjects)}, not {subject}: "
                                     "AssumeRoleWithWebIdentity is denied"))
                else:
                    notes.append(f"IRSA trust: {', '.join(subjects)}")
            else:
                notes.append("no system:serviceaccount subject in terraform/*.tf (trust not checked)")
        if problems:
            return self.failed(problems[0][1], "\n".join([p for _f, p in problems] + notes + yaml_problems), fix,
                               problems[0][0])
        return self.passed(f"ServiceAccount {CONTROLLER_NAMESPACE}/{wanted} carries {ROLE_ANNOTATION}; Helm and the IRSA trust "
                           "name it", "\n".join(notes))
