"""Build AWS state in moto for the probe and cluster-check tests: a VPC with public and private subnets (tagged or not), an EKS cluster, the controller's IAM role with a complete or partial policy, the OIDC provider."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import boto3

REPO = Path(__file__).resolve().parents[2]
CLUSTER = "petstore-eks"
ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")


def full_policy() -> dict:
    return json.loads((REPO / "terraform/policies/aws-load-balancer-controller.json").read_text())


def policy_without(*actions: str) -> dict:
    """The complete policy minus some actions (an old policy after an upgrade)."""
    doc = full_policy()
    for stmt in doc["Statement"]:
        listed = [stmt["Action"]] if isinstance(stmt["Action"], str) else stmt["Action"]
        stmt["Action"] = [a for a in listed if a not in actions]
    doc["Statement"] = [s for s in doc["Statement"] if s["Action"]]
    return doc


@dataclass
class World:
    vpc_id: str
    public: list[str]
    private: list[str]
    role_arn: str | None
    cluster: str = CLUSTER


def client(service: str):
    return boto3.client(service, region_name="us-east-1")


def build(*, tag_public: bool = True, zones: int = 3, policy: dict | None = None, with_role: bool = True,
          oidc: bool = True, cluster: bool = True, other_cluster_tag: bool = False,
          public_cidr_prefix: int = 24, endpoint_public: bool = True, version: str = "1.35",
          igw_route: bool = False, role_values: tuple[str | None, ...] | None = None) -> World:
    """`igw_route`: the public subnets' route table sends 0.0.0.0/0 to an internet gateway
    (as terraform/network.tf makes it); `role_values`: the kubernetes.io/role/elb value of
    each public subnet (None: untagged), instead of "1" on all (or none: tag_public)."""
    ec2, iam, eks = client("ec2"), client("iam"), client("eks")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    public, private = [], []
    for n, zone in enumerate(ZONES[:zones]):
        tags = [{"Key": "Name", "Value": f"public-{zone}"}]
        cluster_key = "kubernetes.io/cluster/" + ("someone-else" if other_cluster_tag else CLUSTER)
        tags.append({"Key": cluster_key, "Value": "shared"})
        role = role_values[n] if role_values is not None else ("1" if tag_public else None)
        if role is not None:
            tags.append({"Key": "kubernetes.io/role/elb", "Value": role})
        public.append(ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=f"10.0.{101 + n}.0/{public_cidr_prefix}", AvailabilityZone=zone,
            TagSpecifications=[{"ResourceType": "subnet", "Tags": tags}])["Subnet"]["SubnetId"])
        private.append(ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=f"10.0.{1 + n}.0/24", AvailabilityZone=zone,
            TagSpecifications=[{"ResourceType": "subnet", "Tags": [
                {"Key": "kubernetes.io/role/internal-elb", "Value": "1"}]}])["Subnet"]["SubnetId"])
    if igw_route:
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
        table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        for subnet in public:
            ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    cluster_role = iam.create_role(RoleName="petstore-eks-cluster-role",
                                   AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    if cluster:
        eks.create_cluster(name=CLUSTER, version=version, roleArn=cluster_role["Role"]["Arn"],
                           resourcesVpcConfig={"subnetIds": private + public,
                                               "endpointPublicAccess": endpoint_public})
    role_arn = None
    if with_role:
        role = iam.create_role(RoleName=f"{CLUSTER[:20]}-lb-ctrl-20261128",
                               AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
        role_arn = role["Role"]["Arn"]
        arn = iam.create_policy(PolicyName="AWSLoadBalancerControllerIAMPolicy",
                                PolicyDocument=json.dumps(policy or full_policy()))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName=role["Role"]["RoleName"], PolicyArn=arn)
    if oidc and cluster:
        issuer = eks.describe_cluster(name=CLUSTER)["cluster"]["identity"]["oidc"]["issuer"]
        iam.create_open_id_connect_provider(Url=issuer, ClientIDList=["sts.amazonaws.com"],
                                            ThumbprintList=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"])
    return World(vpc_id, public, private, role_arn)
