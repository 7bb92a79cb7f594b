"""terraform apply, then destroy, of the real configuration against the AWS emulator,
checked through boto3 against the same endpoint.

One test holds apply, the checks and destroy, so pytest-xdist never splits them across
workers (each would apply its own stack on a shared 2-core machine). The fixture destroys
in teardown when a check fails before the test's own destroy."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest

from petstore_core import terraform_vars
from petstore_tui.services import terraform_sandbox
from tests.terraform.conftest import REGION, TERRAFORM_DIR, Terraform, terraform_env

CLUSTER = "petstore-sandbox"
PUBLIC_CIDRS = {"10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"}
PRIVATE_CIDRS = {"10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"}


@dataclass
class Stack:
    tf: Terraform
    endpoint: str
    var_args: list[str]
    outputs: dict
    apply_seconds: float
    destroyed: bool = False

    def client(self, service: str):
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION)

    def destroy(self) -> float:
        started = time.monotonic()
        self.tf.run("destroy", "-auto-approve", "-no-color", *self.var_args, timeout=900)
        self.destroyed = True
        return time.monotonic() - started


@pytest.fixture
def applied_stack(terraform_bin, terraform_cli_config, aws, tmp_path) -> Iterator[Stack]:
    """Stand-in: moto_server on loopback, reset (the `aws` fixture). terraform/ copied to
    tmp_path with sandbox_override.tf, initialised offline, applied with the sandbox -vars."""
    workdir = terraform_sandbox.prepare_sandbox_workdir(
        TERRAFORM_DIR, tmp_path / "work", aws, REGION
    )
    tf = Terraform(terraform_bin, workdir, terraform_env(terraform_cli_config))
    tf.init()
    var_args = terraform_vars.sandbox_var_args({"cluster_name": CLUSTER})
    stack = Stack(tf, aws, var_args, outputs={}, apply_seconds=0.0)
    try:
        started = time.monotonic()
        tf.run("apply", "-auto-approve", "-input=false", "-no-color", *var_args, timeout=900)
        stack.apply_seconds = time.monotonic() - started
        raw = json.loads(tf.run("output", "-json", "-no-color", timeout=120).stdout)
        stack.outputs = {name: item["value"] for name, item in raw.items()}
        yield stack
    finally:
        if not stack.destroyed:
            tf.run("destroy", "-auto-approve", "-no-color", *var_args, timeout=900, check=False)


def _tags(resource: dict) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


def _check_outputs(stack: Stack) -> None:
    out = stack.outputs
    assert out["cluster_name"] == CLUSTER
    assert out["region"] == REGION
    assert out["account_id"] == stack.client("sts").get_caller_identity()["Account"]
    assert out["kubernetes_version"] == "1.35"
    assert out["node_group_name"] == f"{CLUSTER}-nodes"
    # the image platform follows these (petstore_tui/services/node_platform.py)
    assert out["node_ami_type"] == "AL2023_x86_64_STANDARD" and out["node_instance_types"] == ["t3.small"]
    assert out["vpc_id"].startswith("vpc-")
    assert len(out["public_subnet_ids"]) == 3 and len(out["private_subnet_ids"]) == 3
    assert out["cluster_endpoint"].startswith("https://")
    issuer_host = out["cluster_oidc_issuer_url"].removeprefix("https://")
    assert out["oidc_provider_arn"].endswith(f":oidc-provider/{issuer_host}")
    assert out["ecr_repository_url"].endswith(".amazonaws.com/petstore")
    assert ":role/" in out["lb_controller_role_arn"]


def _check_network(stack: Stack) -> None:
    ec2 = stack.client("ec2")
    vpc = ec2.describe_vpcs(VpcIds=[stack.outputs["vpc_id"]])["Vpcs"][0]
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])[
        "Subnets"
    ]
    by_id = {s["SubnetId"]: s for s in subnets}
    assert len(by_id) == 6
    public = [by_id[i] for i in stack.outputs["public_subnet_ids"]]
    private = [by_id[i] for i in stack.outputs["private_subnet_ids"]]
    assert {s["CidrBlock"] for s in public} == PUBLIC_CIDRS
    assert {s["CidrBlock"] for s in private} == PRIVATE_CIDRS
    assert len({s["AvailabilityZone"] for s in public}) == 3
    for subnet in public + private:
        assert _tags(subnet)[f"kubernetes.io/cluster/{CLUSTER}"] == "shared"
    for subnet in public:
        assert _tags(subnet)["kubernetes.io/role/elb"] == "1"
        assert "kubernetes.io/role/internal-elb" not in _tags(subnet)
    for subnet in private:
        assert _tags(subnet)["kubernetes.io/role/internal-elb"] == "1"
        assert "kubernetes.io/role/elb" not in _tags(subnet)
    # The same discovery the controller does: filter on the role tag.
    found = ec2.describe_subnets(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
            {"Name": "tag:kubernetes.io/role/elb", "Values": ["1", ""]},
        ]
    )["Subnets"]
    assert {s["SubnetId"] for s in found} == set(stack.outputs["public_subnet_ids"])
    nats = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
    live = [n for n in nats["NatGateways"] if n["State"] != "deleted"]
    assert len(live) == 1  # development
    assert live[0]["SubnetId"] in stack.outputs["public_subnet_ids"]


def _check_webhook_rule(stack: Stack) -> None:
    ec2 = stack.client("ec2")
    rules = ec2.describe_security_group_rules()["SecurityGroupRules"]
    webhook = [r for r in rules if not r["IsEgress"] and r.get("FromPort") == 9443]
    assert len(webhook) == 1
    assert webhook[0]["ToPort"] == 9443


def _check_cluster_and_nodes(stack: Stack) -> None:
    eks = stack.client("eks")
    cluster = eks.describe_cluster(name=CLUSTER)["cluster"]
    vpc_config = cluster["resourcesVpcConfig"]
    assert vpc_config["endpointPublicAccess"] is True
    assert vpc_config["endpointPrivateAccess"] is True
    assert vpc_config["publicAccessCidrs"] == ["0.0.0.0/0"]
    assert cluster["version"] == "1.35"
    group = eks.describe_nodegroup(clusterName=CLUSTER, nodegroupName=f"{CLUSTER}-nodes")[
        "nodegroup"
    ]
    assert group["scalingConfig"] == {"minSize": 2, "desiredSize": 2, "maxSize": 5}
    assert group["instanceTypes"] == ["t3.small"]
    assert set(group["subnets"]) == set(stack.outputs["private_subnet_ids"])
    node_role = group["nodeRole"].rsplit("/", 1)[1]
    attached = stack.client("iam").list_attached_role_policies(RoleName=node_role)
    names = {p["PolicyName"] for p in attached["AttachedPolicies"]}
    assert names == {
        "AmazonEKSWorkerNodePolicy",
        "AmazonEKS_CNI_Policy",
        "AmazonEC2ContainerRegistryReadOnly",
    }


def _check_controller_role(stack: Stack) -> None:
    iam = stack.client("iam")
    role_name = stack.outputs["lb_controller_role_arn"].rsplit("/", 1)[1]
    trust = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
        trust = json.loads(trust)
    statement = trust["Statement"][0]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"]["Federated"] == stack.outputs["oidc_provider_arn"]
    issuer_host = stack.outputs["cluster_oidc_issuer_url"].removeprefix("https://")
    conditions = statement["Condition"]["StringEquals"]
    assert conditions[f"{issuer_host}:sub"] == (
        "system:serviceaccount:kube-system:aws-load-balancer-controller"
    )
    assert conditions[f"{issuer_host}:aud"] == "sts.amazonaws.com"

    attached = iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
    assert len(attached) == 1
    policy = iam.get_policy(PolicyArn=attached[0]["PolicyArn"])["Policy"]
    version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])[
        "PolicyVersion"
    ]
    document = version["Document"]
    if isinstance(document, str):
        document = json.loads(document)
    actions: set[str] = set()
    for item in document["Statement"]:
        value = item["Action"]
        actions.update([value] if isinstance(value, str) else value)
    expected = json.loads(
        (TERRAFORM_DIR / "policies" / "aws-load-balancer-controller.json").read_text()
    )
    assert document == expected
    assert {
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:DescribeListenerAttributes",
        "ec2:GetSecurityGroupsForVpc",
        "ec2:DescribeRouteTables",
    } <= actions


def _check_ecr(stack: Stack) -> None:
    ecr = stack.client("ecr")
    repo = ecr.describe_repositories(repositoryNames=["petstore"])["repositories"][0]
    assert repo["repositoryUri"] == stack.outputs["ecr_repository_url"]
    assert repo["imageScanningConfiguration"]["scanOnPush"] is True
    policy = json.loads(ecr.get_lifecycle_policy(repositoryName="petstore")["lifecyclePolicyText"])
    selections = [rule["selection"] for rule in policy["rules"]]
    assert {"tagStatus": "untagged", "countType": "sinceImagePushed"}.items() <= selections[
        0
    ].items()
    assert selections[1]["countType"] == "imageCountMoreThan"


@pytest.mark.slow
@pytest.mark.timeout(2400)
def _check_second_plan_is_empty(stack: Stack) -> None:
    """A retried apply must not fail on what the emulator forgets: the sandbox override
    ignores exactly those attributes, so a second plan is empty (exit 0, not 2)."""
    plan = stack.tf.run(
        "plan", "-detailed-exitcode", "-input=false", "-no-color", *stack.var_args,
        timeout=300, check=False,
    )
    assert plan.returncode == 0, plan.stdout[-3000:] + plan.stderr[-2000:]


def test_apply_then_destroy_against_moto(applied_stack, capsys):
    """Stand-in: moto_server on loopback. Apply creates what the runbook needs; destroy
    leaves no VPC, cluster, role or repository behind."""
    stack = applied_stack
    _check_outputs(stack)
    _check_network(stack)
    _check_webhook_rule(stack)
    _check_cluster_and_nodes(stack)
    _check_controller_role(stack)
    _check_ecr(stack)
    _check_second_plan_is_empty(stack)

    destroy_seconds = stack.destroy()
    with capsys.disabled():
        print(
            f"\n[terraform vs moto] apply {stack.apply_seconds:.1f}s, destroy {destroy_seconds:.1f}s"
        )

    ec2 = stack.client("ec2")
    # The emulator was reset before apply, so any 10.0.0.0/16 VPC would be ours.
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.0.0.0/16"]}])["Vpcs"]
    assert vpcs == []
    assert (
        ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [stack.outputs["vpc_id"]]}])["Vpcs"]
        == []
    )
    assert stack.client("eks").list_clusters()["clusters"] == []
    assert stack.client("ecr").describe_repositories()["repositories"] == []
    state = json.loads(stack.tf.run("show", "-json", "-no-color", timeout=120).stdout)
    assert "values" not in state or not state["values"].get("root_module", {}).get("resources")
