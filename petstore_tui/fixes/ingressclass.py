"""Fix: create IngressClass `alb` when it is missing, exactly as kubernetes/controller/ingressclass.yaml has it (with the Helm ownership label and annotations, so the controller's Helm release can adopt it). A class that exists with another controller is left alone: spec.controller cannot change in place, and deleting it could orphan Ingresses."""

from __future__ import annotations

from typing import Any

from checks.probes._common import kube_call
from checks.probes.ingressclass import CONTROLLER
from petstore_core.kube import kubectl_command
from petstore_tui.fixes import kube_objects
from petstore_tui.fixes.base import Fix, FixContext
from petstore_tui.fixes.model import Change, FixRefused, NothingToFix, Plan, command_for

NAME = "alb"


class IngressClassFix(Fix):
    id = "ingressclass-alb"
    title = "Create IngressClass alb (kubernetes/controller/ingressclass.yaml)"
    kind = "kubernetes"
    catalog_ids = ("alb-controller-ingressclass-missing",)
    check_ids = ("cluster.ingressclass",)
    check = "cluster.ingressclass"
    needs = ("kubernetes: get, create, delete ingressclasses.networking.k8s.io",)

    def plan(self, ctx: FixContext, failure_id: str, resource: str | None) -> Plan:
        path, wanted = kube_objects.repository_object(ctx, "IngressClass", NAME)
        current = kube_objects.live(ctx, "NetworkingV1Api", "read_ingress_class", NAME)
        if current is not None:
            controller = (current.get("spec") or {}).get("controller")
            if controller == CONTROLLER:
                raise NothingToFix(f"IngressClass {NAME} exists ({CONTROLLER})")
            raise FixRefused(f"IngressClass {NAME} exists with controller {controller!r}: spec.controller cannot "
                             f"change in place; after checking no Ingress uses it: "
                             f"{kubectl_command(ctx.target, 'delete', 'ingressclass', NAME)}, "
                             f"then {command_for(ctx.target, 'fix', failure_id)}")
        plan = self.new_plan(ctx, failure_id, f"ingressclass/{NAME}")
        plan.changes.append(Change("kube-object", f"create IngressClass {NAME} from {path}",
                                   kube_objects.diff(f"ingressclasses/{NAME}", None, wanted),
                                   {"verb": "create", "object": wanted}))
        plan.notes.append("the controller's Helm values say createIngressClassResource: false, so Helm does "
                          "not make it; its ownership annotations let the release adopt it")
        plan.state = {"object": wanted}
        return plan

    def apply(self, ctx: FixContext, plan: Plan) -> dict[str, Any]:
        created = kube_call(ctx.checks, "NetworkingV1Api", "create_ingress_class", plan.state["object"])
        undo = {"name": NAME, "uid": created.metadata.uid}
        ctx.record(undo)
        return undo

    def altered(self, ctx: FixContext, undo: dict[str, Any]) -> str:
        if not undo.get("uid"):
            return ""
        current = kube_objects.live(ctx, "NetworkingV1Api", "read_ingress_class", undo["name"])
        if current is not None and (current.get("metadata") or {}).get("uid") != undo["uid"]:
            return f"IngressClass {undo['name']} was recreated since the fix"
        return ""

    def undo(self, ctx: FixContext, undo: dict[str, Any]) -> list[str]:
        current = kube_objects.live(ctx, "NetworkingV1Api", "read_ingress_class", undo["name"])
        if current is None:
            return [f"IngressClass {undo['name']} already gone"]
        altered = self.altered(ctx, undo)
        if altered:
            raise FixRefused(f"{altered}: not deleted")
        kube_call(ctx.checks, "NetworkingV1Api", "delete_ingress_class", undo["name"])
        return [f"deleted IngressClass {undo['name']} (made by the fix)"]
