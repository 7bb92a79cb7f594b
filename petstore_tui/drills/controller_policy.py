"""Drill: make the controller's policy lack elasticloadbalancing:AddTags (a new default version)."""

from __future__ import annotations

import json
import time
import urllib.parse

from petstore_core import aws
from petstore_core.errors import error_code
from petstore_tui.drills.base import Drill, DrillError, DrillOutcome

ACTION = "elasticloadbalancing:AddTags"


def without_action(document: dict, action: str = ACTION) -> tuple[dict, int]:
    """The policy document with `action` removed from every Allow statement; (doc, removed)."""
    removed = 0
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    kept = []
    for statement in statements:
        actions = statement.get("Action")
        if actions is None:
            kept.append(statement)
            continue
        listed = [actions] if isinstance(actions, str) else list(actions)
        left = [a for a in listed if a.lower() != action.lower()]
        removed += len(listed) - len(left)
        if left:
            kept.append({**statement, "Action": left if len(left) > 1 else left[0]})
    return {**document, "Statement": kept}, removed


class ControllerPolicyDrill(Drill):
    id = "controller-policy"
    title = "Controller policy without AddTags"
    description = "a new default policy version without elasticloadbalancing:AddTags (boto3 IAM)"
    failure_id = "alb-controller-addtags-denied"

    def _iam(self):
        return aws.client(self.target, "iam")

    def _policy(self, iam) -> dict:
        candidates = []
        for page in iam.get_paginator("list_policies").paginate(Scope="Local"):
            for policy in page["Policies"]:
                name = policy["PolicyName"].lower().replace("_", "-")
                if "load-balancer-controller" in name or "loadbalancercontroller" in name \
                        or "alb-controller" in name:
                    candidates.append(policy)
        if not candidates:
            raise DrillError("no load balancer controller policy in the sandbox: run the deploy first")
        return candidates[0]

    def plant(self) -> DrillOutcome:
        if self.planted:
            raise DrillError("already planted: undo it first")
        iam = self._iam()
        policy = self._policy(iam)
        arn, default = policy["Arn"], policy["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=arn, VersionId=default)["PolicyVersion"]["Document"]
        if isinstance(document, str):  # moto and boto3 may hand it URL-encoded
            document = json.loads(urllib.parse.unquote(document))
        changed, removed = without_action(document)
        if not removed:
            raise DrillError(f"{policy['PolicyName']} does not grant {ACTION} explicitly")
        versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
        if len(versions) >= 5:  # IAM keeps five: make room with the oldest non-default
            oldest = sorted((v for v in versions if not v["IsDefaultVersion"]),
                            key=lambda v: v["CreateDate"])[0]
            iam.delete_policy_version(PolicyArn=arn, VersionId=oldest["VersionId"])
        new = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(changed),
                                        SetAsDefault=True)["PolicyVersion"]["VersionId"]
        self.save({"arn": arn, "previous": default, "drill_version": new})
        role = self._role_name(iam, arn) or "petstore-sandbox-alb-controller"
        return DrillOutcome(f"{policy['PolicyName']} now defaults to {new}, without {ACTION}",
                            replay=[("alb-controller", denied_line(role, self.target.region_name))],
                            probe=True, resource=f"role/{role}")

    @staticmethod
    def _role_name(iam, arn: str) -> str | None:
        try:
            roles = iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")["PolicyRoles"]
            return roles[0]["RoleName"] if roles else None
        except Exception:  # the name only decorates the replayed line
            return None

    def undo(self) -> DrillOutcome:
        memo = self.load()
        if memo is None:
            raise DrillError("not planted")
        iam = self._iam()
        iam.set_default_policy_version(PolicyArn=memo["arn"], VersionId=memo["previous"])
        try:
            iam.delete_policy_version(PolicyArn=memo["arn"], VersionId=memo["drill_version"])
        except Exception as exc:  # the default is restored; a stray version is harmless

            if error_code(exc) != "NoSuchEntity":
                raise
        self.forget()
        return DrillOutcome(f"default policy version back to {memo['previous']}", probe=True)


def denied_line(role: str, region: str) -> str:
    """What the controller (aws-sdk-go-v2, v2.10+) logs when CreateLoadBalancer is denied."""
    return json.dumps({
        "level": "error", "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "msg": "Reconciler error", "controller": "ingress",
        "object": {"name": "petstore", "namespace": "petstore"},
        "error": "operation error Elastic Load Balancing v2: CreateLoadBalancer, https response "
                 "error StatusCode: 403, api error AccessDenied: User: arn:aws:sts::123456789012:"
                 f"assumed-role/{role}/1764256202 is not authorized to perform: {ACTION} on resource: "
                 f"arn:aws:elasticloadbalancing:{region}:123456789012:loadbalancer/app/k8s-petstore/* "
                 f"because no identity-based policy allows the {ACTION} action",
    })
