"""Which IAM actions each AWS Load Balancer Controller release needs: the release table
alone. checks/alb_policy.py reads policy documents against it and gives these names too;
this module is apart so that the engine, which names the release behind a denied action
in a finding (checks/engine/core.py), imports nothing more than the table: alb_policy's
`dataclasses` (with `inspect`, `ast`, `dis`, `tokenize`) cost `diagnose` ~10 ms of its
start whenever a log held a denied IAM action (issue 14)."""

from __future__ import annotations

from checks.versions import parse_version

# The controller release the runbook installs, and the eks/aws-load-balancer-controller
# Helm chart that ships it. terraform/policies/aws-load-balancer-controller.json is that
# release's docs/install/iam_policy.json, verbatim (80 distinct actions).
INSTALLED_RELEASE = "v3.5.0"
HELM_CHART_VERSION = "3.5.0"

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
