"""config.controller-policy (checks/preflight/config/controller_policy.py): the IAM policy
attached to the controller's role grants what controller v3.5.0 calls, however it is
written (a JSON file, jsonencode, a policy-document data source, templatefile, inline)."""

from __future__ import annotations

import json
import shutil

from checks.preflight.config.controller_policy import ControllerPolicyFileCheck
from tests.support.plants import Plants
from tests.support.project_copy import CONTROLLER_POLICY, append, edit, edit_json

PLANTS = Plants(ControllerPolicyFileCheck)
ADDTAGS = "elasticloadbalancing:AddTags"
IAM = "terraform/iam.tf"
ATTACHED_FILE = 'file("${path.module}/policies/aws-load-balancer-controller.json")'


def actions(stmt: dict) -> list[str]:
    a = stmt.get("Action", [])
    return [a] if isinstance(a, str) else list(a)


def creates_with_tags(stmt: dict) -> bool:
    """The statement that allows AddTags while a load balancer or target group is created."""
    return "elasticloadbalancing:CreateAction" in json.dumps(stmt.get("Condition", {}))


def drop_action(doc: dict, action: str) -> None:
    kept = []
    removed = 0
    for stmt in doc["Statement"]:
        acts = actions(stmt)
        if action in acts:
            removed += 1
            acts = [a for a in acts if a != action]
            if not acts:
                continue
            stmt["Action"] = acts
        kept.append(stmt)
    assert removed, f"plant out of date: {action} not in the policy"
    doc["Statement"] = kept


def policy_without(r, action: str) -> dict:
    doc = json.loads((r / CONTROLLER_POLICY).read_text())
    drop_action(doc, action)
    return doc


def hcl(value) -> str:
    """JSON data written as an HCL expression (for jsonencode(...) plants)."""
    if isinstance(value, dict):
        return "{\n" + "\n".join(f"  {json.dumps(k)} = {hcl(v)}" for k, v in value.items()) + "\n}"
    if isinstance(value, list):
        return "[" + ", ".join(hcl(v) for v in value) + "]"
    return json.dumps(value)


def policy_document_hcl(name: str, doc: dict) -> str:
    """A data "aws_iam_policy_document" that builds `doc`."""
    out = [f'data "aws_iam_policy_document" "{name}" {{']
    for stmt in doc["Statement"]:
        out.append("  statement {")
        out.append(f'    effect    = "{stmt["Effect"]}"')
        out.append(f"    actions   = {hcl(actions(stmt))}")
        resource = stmt.get("Resource", "*")
        out.append(f"    resources = {hcl(resource if isinstance(resource, list) else [resource])}")
        for test, pairs in (stmt.get("Condition") or {}).items():
            for variable, values in pairs.items():
                values = values if isinstance(values, list) else [values]
                out.append(f"    condition {{\n      test     = \"{test}\"\n      variable = \"{variable}\"\n"
                           f"      values   = {hcl(values)}\n    }}")
        out.append("  }")
    return "\n".join(out + ["}", ""])


def set_controller_policy(r, expression: str, extra: str = "") -> None:
    edit(r / IAM, ATTACHED_FILE, expression)
    if extra:
        append(r / IAM, "\n" + extra)


# --- the JSON file --------------------------------------------------------------------------


@PLANTS.defect("alb-controller-addtags-denied")
def policy_without_addtags(r):
    edit_json(r / CONTROLLER_POLICY, lambda d: drop_action(d, ADDTAGS))


@PLANTS.defect("alb-controller-addtags-denied")
def policy_without_create_time_addtags(r):
    # the pre-v2.5.0 policy shape: AddTags only for resources that already carry the tag
    def change(doc):
        before = len(doc["Statement"])
        doc["Statement"] = [
            s for s in doc["Statement"] if not (ADDTAGS in actions(s) and creates_with_tags(s))
        ]
        assert len(doc["Statement"]) == before - 1

    edit_json(r / CONTROLLER_POLICY, change)


@PLANTS.defect("alb-controller-iam-denied")
def policy_without_create_security_group(r):
    edit_json(r / CONTROLLER_POLICY, lambda d: drop_action(d, "ec2:CreateSecurityGroup"))


@PLANTS.defect("alb-controller-iam-denied")
def policy_without_describe_listener_attributes(r):
    edit_json(r / CONTROLLER_POLICY,
              lambda d: drop_action(d, "elasticloadbalancing:DescribeListenerAttributes"))


@PLANTS.defect("alb-controller-iam-denied")
def policy_without_listener_attributes_and_route_tables(r):
    def change(doc):
        for stmt in doc["Statement"]:
            stmt["Action"] = [a for a in actions(stmt) if a not in (
                "elasticloadbalancing:DescribeListenerAttributes", "ec2:DescribeRouteTables")]

    edit_json(r / CONTROLLER_POLICY, change)


@PLANTS.defect("alb-controller-addtags-denied")
def policy_addtags_only_under_deny(r):
    # AddTags moved into a "guard rail" Deny; no Allow grants it any more
    def change(doc):
        drop_action(doc, ADDTAGS)
        doc["Statement"].append({
            "Effect": "Deny",
            "Action": [ADDTAGS],
            "Resource": "*",
            "Condition": {"Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "true"}},
        })

    edit_json(r / CONTROLLER_POLICY, change)


@PLANTS.defect("alb-controller-addtags-denied")
def policy_create_time_addtags_flipped_to_deny(r):
    def change(doc):
        hits = [s for s in doc["Statement"] if ADDTAGS in actions(s) and creates_with_tags(s)]
        assert len(hits) == 1
        hits[0]["Effect"] = "Deny"

    edit_json(r / CONTROLLER_POLICY, change)


@PLANTS.defect("alb-controller-addtags-denied")
def policy_old_copy_referenced(r):
    # an older iam_policy.json (v2.4-era: no create-time AddTags, no listener attributes)
    # saved beside the real one, and iam.tf pointed at it
    doc = json.loads((r / CONTROLLER_POLICY).read_text())
    doc["Statement"] = [s for s in doc["Statement"] if not creates_with_tags(s)]
    drop_action(doc, "elasticloadbalancing:DescribeListenerAttributes")
    (r / "terraform/policies/iam_policy.json").write_text(json.dumps(doc, indent=4) + "\n")
    edit(r / IAM, ATTACHED_FILE, 'file("${path.module}/policies/iam_policy.json")')


@PLANTS.defect("alb-controller-addtags-denied")
def policy_copy_without_create_time_tags_attached(r):
    doc = json.loads((r / CONTROLLER_POLICY).read_text())
    doc["Statement"] = [s for s in doc["Statement"] if "elasticloadbalancing:CreateAction" not in json.dumps(s)]
    (r / "terraform/policies/old.json").write_text(json.dumps(doc))
    edit(r / IAM, "/policies/aws-load-balancer-controller.json", "/policies/old.json")


# --- policies however they are written ----------------------------------------------------


@PLANTS.defect("alb-controller-addtags-denied", says="AddTags")
def policy_jsonencode_without_addtags(r):
    set_controller_policy(r, f"jsonencode({hcl(policy_without(r, ADDTAGS))})")


@PLANTS.defect("alb-controller-iam-denied", says="DescribeListenerAttributes")
def policy_document_without_listener_attributes(r):
    doc = policy_without(r, "elasticloadbalancing:DescribeListenerAttributes")
    set_controller_policy(r, "data.aws_iam_policy_document.lb_controller.json",
                          policy_document_hcl("lb_controller", doc))


@PLANTS.defect("alb-controller-iam-denied", says="CreateSecurityGroup")
def policy_inline_without_create_security_group(r):
    doc = policy_without(r, "ec2:CreateSecurityGroup")
    edit(r / IAM, "resource \"aws_iam_role_policy_attachment\" \"lb_controller\" {\n"
         "  role       = aws_iam_role.lb_controller.name\n  policy_arn = aws_iam_policy.lb_controller.arn\n}\n",
         f"resource \"aws_iam_role_policy\" \"lb_controller\" {{\n  role   = aws_iam_role.lb_controller.id\n"
         f"  policy = jsonencode({hcl(doc)})\n}}\n")


@PLANTS.defect("alb-controller-addtags-denied", says="lb.json.tpl")
def policy_templatefile_old_copy(r):
    doc = policy_without(r, ADDTAGS)
    text = json.dumps(doc, indent=2).replace('"Resource": "*"', '"Resource": "arn:${partition}:*"', 1)
    (r / "terraform/policies/lb.json.tpl").write_text(text)
    set_controller_policy(r, 'templatefile("${path.module}/policies/lb.json.tpl", { partition = "aws" })')


# --- harmless -------------------------------------------------------------------------------


@PLANTS.harmless()
def ok_policy_action_as_string(r):
    def change(doc):
        hits = [s for s in doc["Statement"] if actions(s) == ["ec2:CreateSecurityGroup"]]
        assert len(hits) == 1
        hits[0]["Action"] = "ec2:CreateSecurityGroup"

    edit_json(r / CONTROLLER_POLICY, change)


@PLANTS.harmless()
def ok_policy_reformatted(r):
    # same policy, compact layout (e.g. pasted from `aws iam get-policy-version`)
    path = r / CONTROLLER_POLICY
    path.write_text(json.dumps(json.loads(path.read_text()), separators=(",", ":")))


@PLANTS.harmless()
def ok_policy_describe_wildcard(r):
    # the read-only ELB actions collapsed into one wildcard: grants a superset
    def change(doc):
        for stmt in doc["Statement"]:
            acts = actions(stmt)
            if "elasticloadbalancing:DescribeListenerAttributes" in acts:
                stmt["Action"] = [a for a in acts if not a.startswith("elasticloadbalancing:Describe")]
                stmt["Action"].append("elasticloadbalancing:Describe*")
                return
        raise AssertionError("plant out of date")

    edit_json(r / CONTROLLER_POLICY, change)


@PLANTS.harmless()
def ok_policy_renamed_and_attached(r):
    policies = r / "terraform/policies"
    shutil.copy(policies / "aws-load-balancer-controller.json", policies / "iam_policy_v3.5.0.json")
    (policies / "aws-load-balancer-controller.json").write_text("{}")
    edit(r / IAM, "/policies/aws-load-balancer-controller.json", "/policies/iam_policy_v3.5.0.json")


@PLANTS.harmless()
def ok_policy_jsonencode_complete(r):
    set_controller_policy(r, f"jsonencode({hcl(json.loads((r / CONTROLLER_POLICY).read_text()))})")


@PLANTS.harmless()
def ok_policy_document_complete(r):
    doc = json.loads((r / CONTROLLER_POLICY).read_text())
    set_controller_policy(r, "data.aws_iam_policy_document.lb_controller.json",
                          policy_document_hcl("lb_controller", doc))


@PLANTS.harmless(warns=True)
def ok_policy_templatefile_complete(r):
    text = (r / CONTROLLER_POLICY).read_text().replace('"Resource": "*"', '"Resource": "arn:${partition}:*"', 1)
    (r / "terraform/policies/lb.json.tpl").write_text(text)
    set_controller_policy(r, 'templatefile("${path.module}/policies/lb.json.tpl", '
                             "{ partition = data.aws_partition.current.partition })")


test_plant_on_a_copy = PLANTS.test()
