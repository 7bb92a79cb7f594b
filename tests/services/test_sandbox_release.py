"""The sandbox's destroy deletes, in the emulator and ahead of Terraform, what the AWS
provider deletes only after a fixed wait (docs/knowledge/terraform-provider-waits.md)."""

from __future__ import annotations

import os
import time

import pytest

from petstore_core import aws as aws_service
from petstore_core import sandbox_state, settings
from petstore_tui.services import terraform_sandbox

TARGET = settings.Target(sandbox=True)


@pytest.fixture
def emulator(aws):
    """Stand-in: moto_server (reset), recorded as the running sandbox."""
    sandbox_state.write(sandbox_state.SandboxState(endpoint=aws, pid=os.getpid(), started_at=time.time()))
    return aws


def _stack():
    """A cluster with a node group, and a VPC with a NAT gateway, made through boto3."""
    ec2 = aws_service.client(TARGET, "ec2")
    eks = aws_service.client(TARGET, "eks")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.101.0/24")["Subnet"]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    role = "arn:aws:iam::123456789012:role/x"
    eks.create_cluster(name=TARGET.cluster_name, roleArn=role, resourcesVpcConfig={"subnetIds": [subnet]})
    eks.create_nodegroup(clusterName=TARGET.cluster_name, nodegroupName="nodes", nodeRole=role, subnets=[subnet])
    return ec2, eks, vpc, nat


def test_cluster_node_groups_and_nat_go_ahead_of_terraform(emulator):
    """Stand-in: moto_server; what Terraform would have left to delete after a wait."""
    ec2, eks, vpc, nat = _stack()
    released = terraform_sandbox.release_ahead_of_destroy(TARGET, vpc)
    assert released == ["EKS node group nodes", f"EKS cluster {TARGET.cluster_name}", f"NAT gateway {nat}"]
    assert eks.list_clusters()["clusters"] == []
    [gateway] = ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"]
    assert gateway["State"] == "deleted"
    # A second time, or a sandbox where nothing was applied: nothing to do, no error.
    assert terraform_sandbox.release_ahead_of_destroy(TARGET, vpc) == []
    assert terraform_sandbox.release_ahead_of_destroy(TARGET, None) == []


def test_never_for_a_real_account(emulator):
    """Stand-in: moto_server, addressed as if it were a real account: refused before any call."""
    _stack()
    with pytest.raises(ValueError, match="sandbox only"):
        terraform_sandbox.release_ahead_of_destroy(settings.Target(), None)
    assert aws_service.client(TARGET, "eks").list_clusters()["clusters"] == [TARGET.cluster_name]
