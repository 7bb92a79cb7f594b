"""checks.alb_policy: releases, required actions and policy coverage (no stand-in: pure data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checks import alb_policy as ap

REPO = Path(__file__).resolve().parents[2]


def test_repository_policy_is_exactly_the_installed_release():
    """No stand-in: terraform/policies/aws-load-balancer-controller.json vs required_actions()."""
    doc = ap.read_policy_file(REPO)
    listed = set()
    for stmt in doc["Statement"]:
        listed |= set([stmt["Action"]] if isinstance(stmt["Action"], str) else stmt["Action"])
    assert listed == ap.required_actions(ap.INSTALLED_RELEASE)
    assert len(listed) == 80
    assert ap.missing_actions(ap.policy_actions(doc)) == []


@pytest.mark.parametrize("action, release", [
    ("elasticloadbalancing:AddTags", "v2.5.0"),
    ("elasticloadbalancing:DescribeTrustStores", "v2.7.0"),
    ("elasticloadbalancing:DescribeListenerAttributes", "v2.9.0"),
    ("elasticloadbalancing:ModifyListenerAttributes", "v2.9.0"),
    ("ec2:GetSecurityGroupsForVpc", "v2.10.0"),
    ("elasticloadbalancing:ModifyCapacityReservation", "v2.11.0"),
    ("ec2:DescribeIpamPools", "v2.12.0"),
    ("elasticloadbalancing:SetRulePriorities", "v2.12.0"),
    ("EC2:describeRouteTables", "v2.13.0"),
    ("ec2:CreateSecurityGroup", None),
    ("s3:GetObject", None),
])
def test_release_introducing(action, release):
    """No stand-in."""
    assert ap.release_introducing(action) == release


def test_required_actions_grow_with_releases():
    """No stand-in."""
    old, mid, new = ap.required_actions("v2.4.7"), ap.required_actions("2.9.2"), ap.required_actions("v3.5.0")
    assert old < mid < new
    assert "elasticloadbalancing:DescribeListenerAttributes" in mid - old
    assert "ec2:DescribeRouteTables" in new - mid
    assert ap.required_actions("public.ecr.aws/eks/aws-load-balancer-controller:v2.13.0") == \
        ap.required_actions("v2.13.0")


def test_parse_release_rejects_garbage():
    """No stand-in."""
    with pytest.raises(ValueError):
        ap.parse_release("latest")


@pytest.mark.parametrize("patterns, action, expected", [
    (["*"], "ec2:DescribeVpcs", True),
    (["ec2:Describe*"], "ec2:DescribeRouteTables", True),
    (["ec2:Describe*"], "ec2:CreateTags", False),
    (["elasticloadbalancing:*"], "elasticloadbalancing:AddTags", True),
    (["ELASTICLOADBALANCING:addtags"], "elasticloadbalancing:AddTags", True),
    (["ec2:Get?ecurityGroupsForVpc"], "ec2:GetSecurityGroupsForVpc", True),
    ([], "ec2:DescribeVpcs", False),
])
def test_covers_wildcards(patterns, action, expected):
    """No stand-in."""
    assert ap.covers(patterns, action) is expected


def test_deny_beats_allow_and_conditional_deny_is_set_aside():
    """No stand-in."""
    doc = {"Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["ec2:Create*"], "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ]}
    patterns = ap.policy_actions(json.dumps(doc))
    assert not ap.covers(patterns, "ec2:CreateSecurityGroup")
    assert ap.covers(patterns, "ec2:DescribeVpcs")
    assert ap.covers(patterns, "iam:CreateServiceLinkedRole")
    assert "ec2:CreateSecurityGroup" in ap.missing_actions(patterns)


def test_not_action_statements():
    """No stand-in: Allow NotAction grants everything else; Deny NotAction denies everything else."""
    allow_all_but_iam = ap.policy_actions({"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}})
    assert ap.covers(allow_all_but_iam, "ec2:DescribeVpcs")
    assert not ap.covers(allow_all_but_iam, "iam:CreateServiceLinkedRole")
    deny_all_but_ec2 = ap.policy_actions([
        {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
        {"Statement": [{"Effect": "Deny", "NotAction": "ec2:*", "Resource": "*"}]}])
    assert ap.covers(deny_all_but_ec2, "ec2:DescribeVpcs")
    assert not ap.covers(deny_all_but_ec2, "elasticloadbalancing:AddTags")


def test_addtags_only_for_existing_resources_fails_at_create_time():
    """No stand-in: the pre-v2.5.0 policy tagged only resources that exist (RequestTag Null:true)."""
    doc = ap.read_policy_file(REPO)
    # Drop the tag-on-create statement (elasticloadbalancing:CreateAction): what remains is
    # the v2.4 shape, AddTags only where the request carries no cluster tag.
    doc["Statement"] = [s for s in doc["Statement"]
                        if "elasticloadbalancing:CreateAction" not in json.dumps(s.get("Condition", {}))]
    patterns = ap.policy_actions(doc)
    assert not patterns.create_time_addtags
    assert ap.missing_actions(patterns, "v2.5.0") == ["elasticloadbalancing:AddTags"]
    assert ap.missing_actions(patterns, "v2.4.7") == []
