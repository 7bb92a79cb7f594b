"""Which IAM actions each AWS Load Balancer Controller release needs, and whether a policy (wildcards, Deny, NotAction) grants them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from checks.versions import parse_version

# The controller release the runbook installs, and the eks/aws-load-balancer-controller
# Helm chart that ships it. terraform/policies/aws-load-balancer-controller.json is that
# release's docs/install/iam_policy.json, verbatim (80 distinct actions).
INSTALLED_RELEASE = "v3.5.0"
HELM_CHART_VERSION = "3.5.0"
POLICY_FILE = Path("terraform/policies/aws-load-balancer-controller.json")

# Actions in the published policy before v2.5.0 (the v2.4.x policy). AddTags is among
# them, but until v2.5.0 only for tagging existing resources: see ADDED["v2.5.0"].
_BASE_RELEASE = "v2.4.0"
_BASE_ACTIONS = frozenset({
    "iam:CreateServiceLinkedRole",
    "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones",
    "ec2:DescribeInternetGateways", "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections",
    "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeInstances",
    "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:GetCoipPoolUsage",
    "ec2:DescribeCoipPools",
    "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress",
    "ec2:CreateSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags", "ec2:DeleteSecurityGroup",
    "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates",
    "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTags",
    "cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate",
    "iam:ListServerCertificates", "iam:GetServerCertificate",
    "waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL",
    "waf-regional:DisassociateWebACL",
    "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
    "shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection",
    "shield:DeleteProtection",
    "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup",
    "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
    "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule",
    "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
    "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
    "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
    "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
    "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
    "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
    "elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener",
    "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
    "elasticloadbalancing:ModifyRule",
})

# Releases that added actions, oldest first (release notes and the history of
# docs/install/iam_policy.json). An old policy shows these as AccessDenied after upgrading.
ADDED: tuple[tuple[str, frozenset[str], str], ...] = (
    ("v2.5.0", frozenset({"elasticloadbalancing:AddTags"}),
     "AddTags at create time (CreateLoadBalancer/CreateTargetGroup tag on create; AWS "
     "enforces tag-on-create authorisation since 2023-08-30)"),
    ("v2.7.0", frozenset({"elasticloadbalancing:DescribeTrustStores"}), "mutual TLS trust stores"),
    ("v2.9.0", frozenset({"elasticloadbalancing:DescribeListenerAttributes",
                          "elasticloadbalancing:ModifyListenerAttributes"}), "listener attributes"),
    ("v2.10.0", frozenset({"ec2:GetSecurityGroupsForVpc"}), "security group lookup by VPC"),
    ("v2.11.0", frozenset({"elasticloadbalancing:DescribeCapacityReservation",
                           "elasticloadbalancing:ModifyCapacityReservation"}),
     "load balancer capacity reservation"),
    ("v2.12.0", frozenset({"ec2:DescribeIpamPools", "elasticloadbalancing:ModifyIpPools",
                           "elasticloadbalancing:SetRulePriorities"}), "IPAM pools and rule priorities"),
    ("v2.13.0", frozenset({"ec2:DescribeRouteTables"}), "subnet discovery by reachability"),
)

_ADDED_ONLY = {a for release, actions, _ in ADDED if release != "v2.5.0" for a in actions}


def parse_release(release: str) -> tuple[int, int, int]:
    """'v2.13.0', '2.13', 'v3.5.0-rc1', 'public.ecr.aws/...:v2.8.1' -> (major, minor, patch)."""
    version = parse_version(release)
    if version is None:
        raise ValueError(f"not a controller release: {release!r}")
    return version


def required_actions(release: str = INSTALLED_RELEASE) -> set[str]:
    """Every IAM action the controller at `release` needs (its published policy)."""
    version = parse_release(release)
    actions = set(_BASE_ACTIONS - _ADDED_ONLY)
    for added_in, added, _why in ADDED:
        if parse_release(added_in) <= version:
            actions |= added
    return actions


def release_introducing(action: str) -> str | None:
    """The release that made `action` necessary, or None when every release needs it
    (or it is not one of the controller's actions). Case-insensitive, as IAM is."""
    wanted = action.lower()
    for release, actions, _why in ADDED:
        if wanted in {a.lower() for a in actions}:
            return release
    return None


def reason_for(release: str) -> str:
    return next((why for r, _a, why in ADDED if r == release), "")


# ---- policy documents ---------------------------------------------------------------------

@dataclass(frozen=True)
class ActionPatterns:
    """What a set of policy documents allows and denies, by action pattern.

    `allow_not`/`deny_not` hold the NotAction lists of statements (each a tuple). Denies
    with a Condition are kept apart (`conditional_deny`): whether they apply depends on
    the request, so coverage does not count them.
    """

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    allow_not: tuple[tuple[str, ...], ...] = ()
    deny_not: tuple[tuple[str, ...], ...] = ()
    conditional_deny: tuple[str, ...] = ()
    create_time_addtags: bool = False  # an Allow for AddTags usable while creating
    statements: list[dict] = field(default_factory=list, compare=False, repr=False)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _documents(policy: Any) -> list[dict]:
    if isinstance(policy, (str, bytes)):
        policy = json.loads(policy)
    if isinstance(policy, dict):
        return [policy]
    docs: list[dict] = []
    for item in policy or []:
        docs.extend(_documents(item))
    return docs


def policy_actions(policy_document: Any) -> ActionPatterns:
    """The action patterns of one policy document (dict or JSON text) or of several (a
    list of them, e.g. every policy attached to a role)."""
    allow: list[str] = []
    deny: list[str] = []
    allow_not: list[tuple[str, ...]] = []
    deny_not: list[tuple[str, ...]] = []
    conditional_deny: list[str] = []
    create_time = False
    statements: list[dict] = []
    for doc in _documents(policy_document):
        raw = doc.get("Statement", [])
        for stmt in [raw] if isinstance(raw, dict) else raw:
            if not isinstance(stmt, dict):
                continue
            statements.append(stmt)
            effect = str(stmt.get("Effect", "")).lower()
            actions = _as_list(stmt.get("Action"))
            not_actions = tuple(_as_list(stmt.get("NotAction")))
            if effect == "allow":
                allow.extend(actions)
                if not_actions:
                    allow_not.append(not_actions)
                if any(_match(p, "elasticloadbalancing:AddTags") for p in actions) and _usable_at_create(stmt):
                    create_time = True
            elif effect == "deny":
                if stmt.get("Condition"):
                    conditional_deny.extend(actions)
                    continue
                deny.extend(actions)
                if not_actions:
                    deny_not.append(not_actions)
    return ActionPatterns(tuple(allow), tuple(deny), tuple(allow_not), tuple(deny_not),
                          tuple(conditional_deny), create_time, statements)


def _usable_at_create(stmt: dict) -> bool:
    """An AddTags grant works while creating a load balancer or target group when it has
    no condition, or conditions on elasticloadbalancing:CreateAction, and its Resource
    covers load balancers or target groups; a grant whose
    condition requires `aws:RequestTag/...` to be absent (Null: true) fails then."""
    resources = _as_list(stmt.get("Resource"))
    if resources and not any(_match(r, "arn:aws:elasticloadbalancing:r:1:loadbalancer/app/x/1")
                             or _match(r, "arn:aws:elasticloadbalancing:r:1:targetgroup/x/1") for r in resources):
        return False  # e.g. the grant for listeners and rules only
    condition = stmt.get("Condition") or {}
    if not condition:
        return True
    for operator, tests in condition.items():
        if not isinstance(tests, dict):
            continue
        for key, value in tests.items():
            if key.lower() == "elasticloadbalancing:createaction":
                return True
            if operator.lower() == "null" and key.lower().startswith("aws:requesttag/") \
                    and str(value).lower() == "true":
                return False
    return False


def _match(pattern: str, action: str) -> bool:
    return fnmatchcase(action.lower(), pattern.lower())


def covers(patterns: ActionPatterns | Iterable[str], action: str) -> bool:
    """Whether `action` is allowed and not unconditionally denied. `patterns` is an
    ActionPatterns or a plain list of allowed patterns (`*`, `ec2:Describe*`)."""
    if not isinstance(patterns, ActionPatterns):
        patterns = ActionPatterns(allow=tuple(patterns))
    if any(_match(p, action) for p in patterns.deny):
        return False
    if any(not any(_match(p, action) for p in group) for group in patterns.deny_not):
        return False
    if any(_match(p, action) for p in patterns.allow):
        return True
    return any(not any(_match(p, action) for p in group) for group in patterns.allow_not)


def missing_actions(patterns: ActionPatterns | Iterable[str], release: str = INSTALLED_RELEASE) -> list[str]:
    """The actions `release` needs that the patterns do not grant, sorted, plus
    elasticloadbalancing:AddTags when it is granted only in a form that fails at create
    time (v2.5.0 and later)."""
    missing = sorted(a for a in required_actions(release) if not covers(patterns, a))
    if (isinstance(patterns, ActionPatterns) and patterns.statements
            and parse_release(release) >= (2, 5, 0)
            and "elasticloadbalancing:AddTags" not in missing
            and not patterns.create_time_addtags
            and not any(_match(p, "elasticloadbalancing:AddTags") and p != "elasticloadbalancing:AddTags"
                        for p in patterns.allow)):
        missing.append("elasticloadbalancing:AddTags")
    return missing


def read_policy_file(project_dir: Path) -> dict:
    """The complete current policy as this repository keeps it."""
    return json.loads((Path(project_dir) / POLICY_FILE).read_text())
