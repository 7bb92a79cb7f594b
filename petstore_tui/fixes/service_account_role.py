"""Fix: annotate the controller's ServiceAccount with its IAM role (eks.amazonaws.com/role-arn), creating it from kubernetes/controller/serviceaccount.yaml when it is missing, then restart the controller so its pods get the role (the IRSA webhook injects it when a pod starts). The role ARN comes from Terraform's output lb_controller_role_arn, else the one IAM role named as terraform/iam.tf names it."""

from __future__ import annotations

import copy
import time
from typing import Any

from checks.probes._common import CONTROLLER_NAME, CONTROLLER_NAMESPACE, ROLE_ANNOTATION, kube_call
from checks.probes.service_account import ROLE_ARN_RE
from petstore_tui.fixes import kube_objects
from petstore_tui.fixes.base import Fix, FixContext
from petstore_tui.fixes.model import Change, FixRefused, NothingToFix, Plan, command_for

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"  # what `kubectl rollout restart` sets
MERGE_PATCH = "application/merge-patch+json"


class ServiceAccountRoleFix(Fix):
    id = "service-account-role"
    title = "Annotate the controller's ServiceAccount with its IAM role"
    kind = "kubernetes"
    catalog_ids = ("alb-controller-serviceaccount-role-missing",)
    check_ids = ("cluster.service-account",)
    check = "cluster.service-account"
    needs = ("kubernetes: get, create, patch, delete serviceaccounts (kube-system)",
             "kubernetes: get, patch deployments (kube-system)", "iam:ListRoles")

    def plan(self, ctx: FixContext, failure_id: str, resource: str | None) -> Plan:
        current = kube_objects.live(ctx, "CoreV1Api", "read_namespaced_service_account", CONTROLLER_NAME,
                                    CONTROLLER_NAMESPACE)
        annotation = ((current or {}).get("metadata") or {}).get("annotations") or {}
        if current is not None and ROLE_ARN_RE.match(annotation.get(ROLE_ANNOTATION) or ""):
            raise NothingToFix(f"ServiceAccount {CONTROLLER_NAME} is annotated with {annotation[ROLE_ANNOTATION]}")
        arn, source = self._role_arn(ctx, resource)
        plan = self.new_plan(ctx, failure_id, f"serviceaccount/{CONTROLLER_NAMESPACE}/{CONTROLLER_NAME}")
        label = f"serviceaccounts/{CONTROLLER_NAMESPACE}/{CONTROLLER_NAME}"
        if current is None:
            path, wanted = kube_objects.repository_object(ctx, "ServiceAccount", CONTROLLER_NAME)
            wanted["metadata"]["annotations"][ROLE_ANNOTATION] = arn
            plan.changes.append(Change("kube-object", f"create ServiceAccount {CONTROLLER_NAMESPACE}/{CONTROLLER_NAME} "
                                                      f"from {path}", kube_objects.diff(label, None, wanted),
                                       {"verb": "create", "object": wanted}))
        else:
            after = copy.deepcopy(current)
            after.setdefault("metadata", {}).setdefault("annotations", {})[ROLE_ANNOTATION] = arn
            patch = {"metadata": {"annotations": {ROLE_ANNOTATION: arn}}}
            plan.changes.append(Change("kube-object", f"patch ServiceAccount {CONTROLLER_NAMESPACE}/{CONTROLLER_NAME}: "
                                                      f"{ROLE_ANNOTATION}={arn}", kube_objects.diff(label, current, after),
                                       {"verb": "patch", "patch": patch}))
        deployment = kube_objects.live(ctx, "AppsV1Api", "read_namespaced_deployment", CONTROLLER_NAME,
                                       CONTROLLER_NAMESPACE)
        if deployment is not None:
            plan.changes.append(Change("kube-object", f"restart deployment {CONTROLLER_NAMESPACE}/{CONTROLLER_NAME} "
                                                      "(as kubectl rollout restart: its pods then get the role)",
                                       f"spec.template.metadata.annotations.{RESTARTED_AT}: <now>",
                                       {"verb": "patch", "restart": True}))
        else:
            plan.notes.append("the controller is not installed yet: its pods get the role when they start")
        plan.notes.append(f"role {arn} from {source}")
        plan.state = {"arn": arn, "created": current is None, "previous": annotation.get(ROLE_ANNOTATION),
                      "restart": deployment is not None,
                      "object": plan.changes[0].data.get("object")}
        return plan

    @staticmethod
    def _role_arn(ctx: FixContext, resource: str | None) -> tuple[str, str]:
        if resource:
            if not ROLE_ARN_RE.match(resource):
                raise FixRefused(f"not an IAM role ARN: {resource!r}")
            return resource, "the ARN you named"
        output = ctx.terraform_output("lb_controller_role_arn")
        if output and ROLE_ARN_RE.match(str(output)):
            return str(output), "Terraform output lb_controller_role_arn"
        prefix = f"{ctx.target.cluster_name[:20]}-lb-ctrl-"  # terraform/iam.tf's name_prefix
        iam = ctx.aws("iam")
        roles = [r["Arn"] for page in iam.get_paginator("list_roles").paginate() for r in page["Roles"]
                 if r["RoleName"].startswith(prefix)]
        if len(roles) == 1:
            return roles[0], f"the one IAM role named {prefix}*"
        raise FixRefused(f"cannot tell the controller's role: no Terraform output lb_controller_role_arn and "
                         f"{len(roles)} IAM roles named {prefix}*; name it: "
                         + command_for(ctx.target, "fix", "cluster.service-account:arn:aws:iam::ACCOUNT:role/NAME"))

    def apply(self, ctx: FixContext, plan: Plan) -> dict[str, Any]:
        state = plan.state
        undo: dict[str, Any] = {"created": state["created"], "previous": state["previous"], "uid": None}
        ctx.record(undo)
        if state["created"]:
            made = kube_call(ctx.checks, "CoreV1Api", "create_namespaced_service_account", CONTROLLER_NAMESPACE,
                             state["object"])
            undo["uid"] = made.metadata.uid
        else:
            kube_call(ctx.checks, "CoreV1Api", "patch_namespaced_service_account", CONTROLLER_NAME,
                      CONTROLLER_NAMESPACE, {"metadata": {"annotations": {ROLE_ANNOTATION: state["arn"]}}},
                      _content_type=MERGE_PATCH)
        ctx.record(undo)
        if state["restart"]:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            kube_call(ctx.checks, "AppsV1Api", "patch_namespaced_deployment", CONTROLLER_NAME, CONTROLLER_NAMESPACE,
                      {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: stamp}}}}},
                      _content_type=MERGE_PATCH)
        return undo

    def altered(self, ctx: FixContext, undo: dict[str, Any]) -> str:
        if not (undo.get("created") and undo.get("uid")):
            return ""  # a patch is put back whatever happened since
        current = kube_objects.live(ctx, "CoreV1Api", "read_namespaced_service_account", CONTROLLER_NAME,
                                    CONTROLLER_NAMESPACE)
        if current is not None and (current.get("metadata") or {}).get("uid") != undo["uid"]:
            return "the ServiceAccount was recreated since the fix"
        return ""

    def undo(self, ctx: FixContext, undo: dict[str, Any]) -> list[str]:
        current = kube_objects.live(ctx, "CoreV1Api", "read_namespaced_service_account", CONTROLLER_NAME,
                                    CONTROLLER_NAMESPACE)
        if current is None:
            return ["the ServiceAccount is already gone"]
        if undo.get("created"):
            altered = self.altered(ctx, undo)
            if altered:
                raise FixRefused(f"{altered}: not deleted")
            kube_call(ctx.checks, "CoreV1Api", "delete_namespaced_service_account", CONTROLLER_NAME,
                      CONTROLLER_NAMESPACE)
            return [f"deleted ServiceAccount {CONTROLLER_NAMESPACE}/{CONTROLLER_NAME} (made by the fix)"]
        kube_call(ctx.checks, "CoreV1Api", "patch_namespaced_service_account", CONTROLLER_NAME, CONTROLLER_NAMESPACE,
                  {"metadata": {"annotations": {ROLE_ANNOTATION: undo.get("previous")}}}, _content_type=MERGE_PATCH)
        return [f"{ROLE_ANNOTATION} back to {undo.get('previous')!r}" if undo.get("previous")
                else f"{ROLE_ANNOTATION} removed", "the controller's pods keep the role until they restart"]
