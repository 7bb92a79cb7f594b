"""Static checks of terraform/ that need no Terraform binary: outputs defined once, the
controller policy complete, the lessons of the first deployment present in the code.

Stand-in: none; python-hcl2 parses the real files."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import hcl2
import pytest

from tests.terraform.conftest import TERRAFORM_DIR

POLICY = TERRAFORM_DIR / "policies" / "aws-load-balancer-controller.json"

REQUIRED_OUTPUTS = {
    "cluster_name",
    "region",
    "vpc_id",
    "public_subnet_ids",
    "private_subnet_ids",
    "cluster_endpoint",
    "cluster_oidc_issuer_url",
    "oidc_provider_arn",
    "ecr_repository_url",
    "lb_controller_role_arn",
    "node_group_name",
    "node_ami_type",
    "node_instance_types",
    "kubernetes_version",
    "account_id",
}

# Every action docs/knowledge/system.md names for the current controller, by the release that added it.
CONTROLLER_ACTIONS = {
    "elasticloadbalancing:AddTags",
    "elasticloadbalancing:RemoveTags",
    "elasticloadbalancing:CreateLoadBalancer",
    "elasticloadbalancing:CreateTargetGroup",
    "elasticloadbalancing:DescribeTrustStores",
    "elasticloadbalancing:DescribeListenerAttributes",
    "elasticloadbalancing:ModifyListenerAttributes",
    "elasticloadbalancing:DescribeCapacityReservation",
    "elasticloadbalancing:ModifyCapacityReservation",
    "elasticloadbalancing:ModifyIpPools",
    "elasticloadbalancing:SetRulePriorities",
    "ec2:GetSecurityGroupsForVpc",
    "ec2:DescribeIpamPools",
    "ec2:DescribeRouteTables",
    "ec2:CreateSecurityGroup",
    "ec2:CreateTags",
    "ec2:DeleteTags",
    "ec2:AuthorizeSecurityGroupIngress",
    "iam:CreateServiceLinkedRole",
}

OPTIONS = hcl2.SerializationOptions(strip_string_quotes=True, explicit_blocks=False)


def _parse(path: Path) -> dict:
    with path.open() as handle:
        return hcl2.load(handle, serialization_options=OPTIONS)


def _tf_files() -> list[Path]:
    files = sorted(TERRAFORM_DIR.glob("*.tf"))
    return [f for f in files if not f.name.endswith("_override.tf") and f.name != "override.tf"]


def _blocks(kind: str) -> list[tuple[str, str]]:
    """(file name, block label) for every top-level block of `kind` in terraform/*.tf."""
    found = []
    for path in _tf_files():
        for block in _parse(path).get(kind, []):
            for label in block:
                found.append((path.name, label))
    return found


def _resources() -> dict[str, dict[str, dict]]:
    merged: dict[str, dict[str, dict]] = {}
    for path in _tf_files():
        for block in _parse(path).get("resource", []):
            for rtype, named in block.items():
                for name, body in named.items():
                    merged.setdefault(rtype, {})[name] = body
    return merged


def _policy_actions(document: dict) -> set[str]:
    actions: set[str] = set()
    for statement in document["Statement"]:
        value = statement["Action"]
        actions.update([value] if isinstance(value, str) else value)
    return actions


def test_terraform_files_exist():
    """Stand-in: none; python-hcl2 and json read the real terraform/ files."""
    names = {p.name for p in _tf_files()} | {p.name for p in TERRAFORM_DIR.glob("*.tfvars")}
    assert {"main.tf", "variables.tf", "outputs.tf", "versions.tf", "terraform.tfvars"} <= names


def test_every_output_defined_exactly_once_and_only_in_outputs_tf():
    """Stand-in: none; python-hcl2 and json read the real terraform/ files."""
    outputs = _blocks("output")
    counts = Counter(label for _, label in outputs)
    assert [name for name, n in counts.items() if n > 1] == []
    assert {f for f, _ in outputs} == {"outputs.tf"}
    assert REQUIRED_OUTPUTS <= set(counts), REQUIRED_OUTPUTS - set(counts)


def test_every_variable_defined_once_with_description():
    """Stand-in: none; python-hcl2 and json read the real terraform/ files."""
    variables = _blocks("variable")
    counts = Counter(label for _, label in variables)
    assert [name for name, n in counts.items() if n > 1] == []
    parsed = _parse(TERRAFORM_DIR / "variables.tf")["variable"]
    missing = [
        name for block in parsed for name, body in block.items() if not body.get("description")
    ]
    assert missing == []


def test_variable_defaults_match_the_deployment():
    """Stand-in: none; python-hcl2 and json read the real terraform/ files."""
    parsed = {
        name: body
        for block in _parse(TERRAFORM_DIR / "variables.tf")["variable"]
        for name, body in block.items()
    }
    assert parsed["region"]["default"] == "us-east-1"
    assert parsed["cluster_name"]["default"] == "petstore-eks"
    assert parsed["kubernetes_version"]["default"] == "1.35"
    assert parsed["environment"]["default"] == "development"
    assert parsed["enable_eks_addons"]["default"] is True
    assert parsed["enable_access_entries"]["default"] is True
    assert parsed["cluster_endpoint_public_access_cidrs"]["default"] == ["0.0.0.0/0"]
    assert parsed["node_instance_type"]["default"] == "t3.small"
    assert (
        parsed["node_min_size"]["default"],
        parsed["node_desired_size"]["default"],
        parsed["node_max_size"]["default"],
    ) == (2, 2, 5)


def test_no_registry_modules():
    """Stand-in: none; python-hcl2 and json read the real terraform/ files."""
    assert _blocks("module") == []


def test_versions_pin_terraform_and_aws_provider():
    """Stand-in: none; python-hcl2 and json read the real terraform/ files."""
    terraform = _parse(TERRAFORM_DIR / "versions.tf")["terraform"][0]
    assert terraform["required_version"] == ">= 1.9"
    aws = (
        terraform["required_providers"][0]["aws"]
        if isinstance(terraform["required_providers"], list)
        else terraform["required_providers"]["aws"]
    )
    assert aws["source"] == "hashicorp/aws"
    assert aws["version"].startswith("~> 5.")


def test_webhook_port_9443_rule_declared_once():
    """Stand-in: none; python-hcl2 and json read the real terraform/ files."""
    rules = _resources()["aws_vpc_security_group_ingress_rule"]
    webhook = [name for name, body in rules.items() if body.get("from_port") == 9443]
    assert webhook == ["node_from_cluster_webhook_9443"]
    assert rules["node_from_cluster_webhook_9443"]["to_port"] == 9443
    assert "aws_security_group_rule" not in _resources()


def test_cluster_has_public_endpoint_and_gated_access_config():
    """Stand-in: none; python-hcl2 and json read the real terraform/ files."""
    cluster = _resources()["aws_eks_cluster"]["this"]
    vpc_config = cluster["vpc_config"]
    vpc_config = vpc_config[0] if isinstance(vpc_config, list) else vpc_config
    assert vpc_config["endpoint_public_access"] is True
    assert vpc_config["endpoint_private_access"] is True
    text = (TERRAFORM_DIR / "eks.tf").read_text()
    assert 'dynamic "access_config"' in text
    assert "var.enable_access_entries ? [1] : []" in text
    assert 'authentication_mode                         = "API_AND_CONFIG_MAP"' in text


def test_controller_role_uses_the_policy_file():
    """Stand-in: none; python-hcl2 and json read the real terraform/ files."""
    policy = _resources()["aws_iam_policy"]["lb_controller"]
    assert (
        policy["policy"] == '${file("${path.module}/policies/aws-load-balancer-controller.json")}'
    )


def test_controller_policy_parses_and_holds_every_current_action():
    """Stand-in: none; python-hcl2 and json read the real terraform/ files."""
    document = json.loads(POLICY.read_text())
    assert document["Version"] == "2012-10-17"
    actions = _policy_actions(document)
    assert CONTROLLER_ACTIONS - actions == set()
    # The published policy of the current release holds 80 distinct actions (docs/knowledge/system.md).
    assert len(actions) >= 80


def test_controller_policy_allows_addtags_at_create_time():
    """Stand-in: none; python-hcl2 and json read the real terraform/ files."""
    document = json.loads(POLICY.read_text())
    create_actions = set()
    for statement in document["Statement"]:
        value = statement["Action"]
        if "elasticloadbalancing:AddTags" in ([value] if isinstance(value, str) else value):
            condition = statement.get("Condition", {}).get("StringEquals", {})
            create_actions.update(condition.get("elasticloadbalancing:CreateAction", []))
    assert {"CreateTargetGroup", "CreateLoadBalancer"} <= create_actions


def test_policy_release_is_recorded():
    """Stand-in: none; python-hcl2 and json read the real terraform/ files."""
    readme = (TERRAFORM_DIR / "policies" / "README.md").read_text()
    assert "kubernetes-sigs/aws-load-balancer-controller" in readme
    assert "Release:" in readme


@pytest.mark.parametrize(
    ("name", "role_tag"),
    [("public", "kubernetes.io/role/elb"), ("private", "kubernetes.io/role/internal-elb")],
)
def test_subnet_discovery_tags_in_code(name, role_tag):
    """Stand-in: none; python-hcl2 and json read the real terraform/ files."""
    subnet = _resources()["aws_subnet"][name]
    assert f'"{role_tag}" = "1"' in subnet["tags"]
    assert "local.cluster_subnet_tag" in subnet["tags"]
    main = (TERRAFORM_DIR / "main.tf").read_text()
    assert 'cluster_subnet_tag = { "kubernetes.io/cluster/${var.cluster_name}" = "shared" }' in main
