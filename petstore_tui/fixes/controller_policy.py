"""Fix: give the Load Balancer Controller's customer-managed policy a new default version holding the pinned release's policy (terraform/policies/aws-load-balancer-controller.json, checks/alb_policy.py). Never deletes a version the operator made: at IAM's limit of five versions it deletes only a non-default version this tool made (the fix journal or the drill says which), else refuses and names one to delete. Undo sets the previous default back and deletes the version it made."""

from __future__ import annotations

import json
from typing import Any

from checks import alb_policy
from checks.probes.controller_policy import evaluate, find_role_arn, policy_document, role_policies
from petstore_core import aws
from petstore_core.kube import kubectl_command
from petstore_core.words import counted
from petstore_tui.drills.controller_policy import ControllerPolicyDrill
from petstore_tui.fixes import files
from petstore_tui.fixes.base import Fix, FixContext
from petstore_tui.fixes.model import Change, FixRefused, NothingToFix, Plan, command_for

MAX_VERSIONS = 5  # IAM keeps at most five versions of a managed policy (docs/knowledge/iam-policy-versions.md)


def _decoded(document: Any) -> dict:
    return policy_document(document)


def _pretty(document: dict) -> str:
    """The document as the plan's diff shows it: a one-item Action (or NotAction, Resource,
    NotResource) written as a list, as IAM treats both, so the diff shows only real changes."""
    shown = json.loads(json.dumps(document))
    statements = shown.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements] if statements else []:
        for key in ("Action", "NotAction", "Resource", "NotResource"):
            if isinstance(statement.get(key), str):
                statement[key] = [statement[key]]
    return json.dumps(shown, indent=2, sort_keys=True) + "\n"


class ControllerPolicyFix(Fix):
    id = "controller-policy-version"
    title = "New default version of the controller's IAM policy (the pinned release's policy)"
    kind = "aws"
    catalog_ids = ("alb-controller-addtags-denied", "alb-controller-iam-denied")
    check_ids = ("cluster.controller-policy",)
    check = "cluster.controller-policy"
    needs = ("iam:ListRoles", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:GetRolePolicy",
             "iam:GetPolicy",
             "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:CreatePolicyVersion",
             "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion")

    def plan(self, ctx: FixContext, failure_id: str, resource: str | None) -> Plan:
        release = alb_policy.INSTALLED_RELEASE
        wanted = alb_policy.read_policy_file(ctx.project)
        gaps = alb_policy.missing_actions(alb_policy.policy_actions(wanted), release)
        if gaps:
            raise FixRefused(f"{alb_policy.POLICY_FILE} itself lacks {', '.join(gaps)}: fix the file first "
                             f"({command_for(ctx.target, 'preflight', '--group', 'config')}, config.controller-policy)")
        iam = ctx.aws("iam")
        role_arn, role_source = find_role_arn(ctx.checks, iam)
        if not role_arn:
            raise FixRefused("no IAM role found for the controller: apply terraform/iam.tf (aws_iam_role.lb_controller)")
        role = role_arn.rsplit("/", 1)[-1]
        documents, _names = role_policies(iam, role)
        missing = evaluate(documents, release)
        if not missing:
            raise NothingToFix(f"role {role} already grants every action {release} needs")
        policy = self._policy(iam, role, resource, ctx)
        arn = policy["Arn"]
        default = policy["DefaultVersionId"]
        current = _decoded(iam.get_policy_version(PolicyArn=arn, VersionId=default)["PolicyVersion"]["Document"])
        versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
        plan = self.new_plan(ctx, failure_id, arn)
        delete = None
        if len(versions) >= MAX_VERSIONS:
            delete = self._room(ctx, arn, versions)
            plan.changes.append(Change(
                "aws-call", f"iam DeletePolicyVersion {delete} (made by petstore-tui, not the default)",
                json.dumps({"PolicyArn": arn, "VersionId": delete}, indent=2),
                {"service": "iam", "operation": "DeletePolicyVersion",
                 "parameters": {"PolicyArn": arn, "VersionId": delete}}))
        compact = json.dumps(wanted, separators=(",", ":"))
        diff = files.unified(f"{policy['PolicyName']}@{default}", _pretty(current), _pretty(wanted))
        diff = diff.replace(f"b/{policy['PolicyName']}@{default}", f"b/{policy['PolicyName']}@new-default")
        plan.changes.append(Change(
            "aws-call", f"iam CreatePolicyVersion on {policy['PolicyName']} with SetAsDefault (was {default})",
            json.dumps({"PolicyArn": arn, "SetAsDefault": True,
                        "PolicyDocument": f"<{alb_policy.POLICY_FILE}, {len(compact)} characters>"}, indent=2)
            + "\n" + diff,
            {"service": "iam", "operation": "CreatePolicyVersion",
             "parameters": {"PolicyArn": arn, "SetAsDefault": True, "PolicyDocument": compact}}))
        plan.notes.append(f"role {role} (from {role_source}) lacks {', '.join(missing)}; the new version is "
                          f"{alb_policy.POLICY_FILE}, the policy of controller {release}")
        plan.notes.append(f"{counted(len(versions), 'version')} now, default {default}; undo sets {default} back")
        plan.notes.append("Terraform's aws_iam_policy.lb_controller reads the default version: it then matches "
                          f"{alb_policy.POLICY_FILE}, so the next plan shows no change")
        plan.notes.append("the controller retries on its own; to retry at once: " + kubectl_command(
            ctx.target, "rollout", "restart", "deployment", "-n", "kube-system", "aws-load-balancer-controller"))
        plan.state = {"arn": arn, "previous": default, "delete": delete, "document": compact}
        return plan

    @staticmethod
    def _policy(iam, role: str, resource: str | None, ctx: FixContext) -> dict:
        """The customer-managed policy attached to the role that holds the controller's
        grants (AWS-managed ones cannot get versions)."""
        attached = [p for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role)
                    for p in page["AttachedPolicies"] if ":aws:policy/" not in p["PolicyArn"]]
        if resource:
            attached = [p for p in attached if resource in (p["PolicyArn"], p["PolicyName"])]
        named = [p for p in attached
                 if any(k in p["PolicyName"].lower().replace("_", "-")
                        for k in ("load-balancer-controller", "loadbalancercontroller", "alb-controller"))]
        chosen = named if len(named) == 1 else attached
        if len(chosen) != 1:
            names = ", ".join(p["PolicyName"] for p in attached) or "none"
            raise FixRefused(f"cannot tell which customer-managed policy of role {role} to version "
                             f"(attached: {names}): name it, "
                             + command_for(ctx.target, "fix", "cluster.controller-policy:POLICY_ARN"))
        return iam.get_policy(PolicyArn=chosen[0]["PolicyArn"])["Policy"]

    def _room(self, ctx: FixContext, arn: str, versions: list[dict]) -> str:
        """A version to delete at the five-version limit: only a non-default one this tool
        made; otherwise refuse and say which the operator could delete."""
        ours = {(e.get("undo") or {}).get("created") for e in ctx.history
                if e.get("fix") == self.id and (e.get("undo") or {}).get("arn") == arn}
        if ctx.target.sandbox:  # the controller-policy drill's version, when planted

            memo = ControllerPolicyDrill(ctx.target).load() or {}
            if memo.get("arn") == arn:
                ours.add(memo.get("drill_version"))
        others = sorted((v for v in versions if not v["IsDefaultVersion"]), key=lambda v: v["CreateDate"])
        mine = [v for v in others if v["VersionId"] in ours]
        if mine:
            return mine[0]["VersionId"]
        oldest = others[0]["VersionId"] if others else "?"
        raise FixRefused(f"the policy has {len(versions)} versions, IAM's limit, and petstore-tui made none of the "
                         f"non-default ones: delete one you no longer need, e.g. the oldest non-default {oldest}: "
                         + aws.cli_command(ctx.target, "iam", "delete-policy-version", "--policy-arn", arn,
                                           "--version-id", oldest, region=False))

    def apply(self, ctx: FixContext, plan: Plan) -> dict[str, Any]:
        state = plan.state
        iam = ctx.aws("iam")
        undo: dict[str, Any] = {"arn": state["arn"], "previous": state["previous"], "created": None,
                                "deleted": state["delete"]}
        ctx.record(undo)
        if state["delete"]:
            iam.delete_policy_version(PolicyArn=state["arn"], VersionId=state["delete"])
        created = iam.create_policy_version(PolicyArn=state["arn"], PolicyDocument=state["document"],
                                            SetAsDefault=True)["PolicyVersion"]["VersionId"]
        undo["created"] = created
        ctx.record(undo)
        undo["report"] = [f"{state['arn']}: default version {created} (was {state['previous']})"]
        return undo

    def altered(self, ctx: FixContext, undo: dict[str, Any]) -> str:
        if not (undo.get("arn") and undo.get("created")):
            return ""
        default = ctx.aws("iam").get_policy(PolicyArn=undo["arn"])["Policy"]["DefaultVersionId"]
        if default != undo["created"]:
            return f"the default version is {default} now, not {undo['created']} (made by the fix): changed since"
        return ""

    def undo(self, ctx: FixContext, undo: dict[str, Any]) -> list[str]:
        iam = ctx.aws("iam")
        arn, previous, created = undo["arn"], undo["previous"], undo.get("created")
        lines = []
        altered = self.altered(ctx, undo)
        if altered:
            raise FixRefused(f"{altered}, not undone")
        default = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        if default != previous:
            iam.set_default_policy_version(PolicyArn=arn, VersionId=previous)
            lines.append(f"default version back to {previous}")
        if created:
            iam.delete_policy_version(PolicyArn=arn, VersionId=created)
            lines.append(f"deleted {created} (made by the fix)")
        if undo.get("deleted"):
            lines.append(f"{undo['deleted']} (made by petstore-tui earlier) stays deleted")
        return lines or ["nothing to put back"]
