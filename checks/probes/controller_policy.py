"""Probe: the Load Balancer Controller's IAM role grants every action its running release needs (simulate_principal_policy on a real account, a static comparison otherwise)."""

from __future__ import annotations

import json
from urllib.parse import unquote

from checks import alb_policy
from checks.model import CheckResult, Status
from checks.preflight.context import CheckContext
from checks.probes._common import (
    CONTROLLER_NAME,
    CONTROLLER_NAMESPACE,
    ROLE_ANNOTATION,
    aws_error,
    kube_call,
    result,
)
from petstore_core.errors import describe_aws_error
from petstore_core.words import counted

ID = "cluster.controller-policy"
ADDTAGS_FAILURE = "alb-controller-addtags-denied"
IAM_FAILURE = "alb-controller-iam-denied"
ADDTAGS = "elasticloadbalancing:AddTags"


def running_release(ctx: CheckContext) -> tuple[str, str]:
    """(release, where it came from): the controller Deployment's image tag, else the
    release the runbook installs."""
    try:
        deployment = kube_call(ctx, "AppsV1Api", "read_namespaced_deployment", CONTROLLER_NAME,
                               CONTROLLER_NAMESPACE)
        for container in deployment.spec.template.spec.containers or []:
            image = container.image or ""
            if "load-balancer-controller" in image and ":" in image.rsplit("/", 1)[-1]:
                tag = image.rsplit(":", 1)[-1]
                alb_policy.parse_release(tag)
                return tag, f"running image {image}"
    except Exception:  # no kubeconfig, no controller yet, an odd tag: use what we install
        pass
    return alb_policy.INSTALLED_RELEASE, "the release the runbook installs"


def find_role_arn(ctx: CheckContext, iam) -> tuple[str | None, str]:
    try:
        sa = kube_call(ctx, "CoreV1Api", "read_namespaced_service_account", CONTROLLER_NAME,
                       CONTROLLER_NAMESPACE)
        arn = (sa.metadata.annotations or {}).get(ROLE_ANNOTATION)
        if arn:
            return arn, "the ServiceAccount's annotation"
    except Exception:
        pass
    arn = ctx.terraform_outputs.get("lb_controller_role_arn")
    if isinstance(arn, dict):
        arn = arn.get("value")
    if arn:
        return str(arn), "Terraform output lb_controller_role_arn"
    prefix = f"{ctx.target.cluster_name[:20]}-lb-ctrl-"
    for page in iam.get_paginator("list_roles").paginate():
        for role in page["Roles"]:
            if role["RoleName"].startswith(prefix):
                return role["Arn"], f"the role named {prefix}*"
    return None, ""


def policy_document(value) -> dict:
    if isinstance(value, dict):
        return value
    return json.loads(unquote(value))


def role_policies(iam, role_name: str) -> tuple[list[dict], list[str]]:
    """(policy documents, their names) attached to or inline in the role."""
    documents: list[dict] = []
    names: list[str] = []
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role_name):
        for attached in page["AttachedPolicies"]:
            policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
            version = iam.get_policy_version(PolicyArn=attached["PolicyArn"],
                                             VersionId=policy["DefaultVersionId"])["PolicyVersion"]
            documents.append(policy_document(version["Document"]))
            names.append(attached["PolicyName"])
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=role_name):
        for name in page["PolicyNames"]:
            documents.append(policy_document(iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]))
            names.append(f"{name} (inline)")
    return documents, names


def simulate(iam, role_arn: str, actions: list[str]) -> list[str]:
    """Actions IAM's simulator says the role may not perform (raises when unavailable)."""
    denied: list[str] = []
    for start in range(0, len(actions), 50):
        response = iam.simulate_principal_policy(PolicySourceArn=role_arn, ActionNames=actions[start:start + 50])
        for item in response["EvaluationResults"]:
            if item.get("EvalDecision") != "allowed":
                denied.append(item["EvalActionName"])
    return sorted(denied)


def describe_missing(missing: list[str], release: str) -> str:
    lines = []
    for action in missing:
        since = alb_policy.release_introducing(action)
        why = f" (needed since {since}: {alb_policy.reason_for(since)})" if since else ""
        lines.append(f"missing {action}{why}")
    return "\n".join(lines)


def evaluate(documents: list[dict], release: str) -> list[str]:
    return alb_policy.missing_actions(alb_policy.policy_actions(documents), release)


def probe_controller_policy(ctx: CheckContext) -> CheckResult:
    release, release_source = running_release(ctx)
    try:
        iam = ctx.aws_client("iam")
        role_arn, role_source = find_role_arn(ctx, iam)
        if not role_arn:
            return result(ID, Status.FAIL, "no IAM role found for the Load Balancer Controller",
                          f"looked at the ServiceAccount annotation, Terraform outputs and roles named "
                          f"{ctx.target.cluster_name[:20]}-lb-ctrl-*",
                          "apply terraform/iam.tf (aws_iam_role.lb_controller)", IAM_FAILURE)
        role_name = role_arn.rsplit("/", 1)[-1]
        documents, names = role_policies(iam, role_name)
    except Exception as exc:
        return aws_error(ID, exc, "cannot read the controller role's policies")
    required = sorted(alb_policy.required_actions(release))
    method = "static comparison"
    static_missing = evaluate(documents, release)
    missing = static_missing
    try:
        simulated = simulate(iam, role_arn, required)
        method = "IAM policy simulator"
        # The simulator answers without request context, so the tag-on-create condition
        # of AddTags is judged statically either way.
        missing = sorted(set(simulated) | ({ADDTAGS} & set(static_missing)))
    except Exception as exc:
        method = f"static comparison (simulator unavailable: {describe_aws_error(exc)})"
    header = (f"role {role_arn} (from {role_source}); policies: {', '.join(names) or 'none'}\n"
              f"release {release} (from {release_source}); checked by {method}")
    if not missing:
        return result(ID, Status.PASS, f"the controller role grants all {len(required)} actions {release} needs",
                      header)
    failure = ADDTAGS_FAILURE if ADDTAGS in missing else IAM_FAILURE
    return result(ID, Status.FAIL,
                  f"the controller role lacks {counted(len(missing), 'action')} {release} needs: "
                  + ", ".join(missing[:4]) + (" ..." if len(missing) > 4 else ""),
                  header + "\n" + describe_missing(missing, release),
                  f"attach the complete policy for {release}: {alb_policy.POLICY_FILE} "
                  "(terraform apply), then restart the controller", failure)
