"""Probe: would the pinned Load Balancer Controller release find subnets for the ALB in the cluster's VPC? The subnets and route tables as AWS has them, under that release's discovery rules (checks/alb_subnets.py)."""

from __future__ import annotations

from checks import alb_subnets
from checks.model import CheckResult, Status
from checks.preflight.context import CheckContext
from checks.probes._common import aws_error, cluster_or_result, result
from petstore_core.errors import describe_aws_error
from petstore_core.words import counted

ID = "cluster.subnets"
FAILURE_ID = "alb-controller-subnet-discovery-failed"


def evaluate_subnets(subnets: list[dict], route_tables: list[dict] | None, cluster_name: str,
                     scheme: str = "internet-facing", release: str = alb_subnets.INSTALLED_RELEASE) -> CheckResult:
    """The controller's discovery (at `release`) on describe_subnets() and
    describe_route_tables() items; route_tables None: they could not be read."""
    facts = alb_subnets.facts_from_aws(subnets, route_tables or [])
    if route_tables is None:
        facts = [alb_subnets.SubnetFacts(f.id, f.label, f.zone, f.tags, f.free_addresses, None) for f in facts]
    found = alb_subnets.discover(facts, cluster_name, scheme, release)
    key = alb_subnets.ROLE_TAG[scheme]
    detail = "\n".join(found.lines())
    if found.status == "ok":
        return result(ID, Status.PASS, f"controller {release} finds subnets for an {scheme} ALB in "
                                       f"{len(found.zones)} zones (by {found.basis})", detail)
    if found.status == "unknown":
        return result(ID, Status.WARN, f"unknown: cannot tell whether controller {release} finds subnets for an "
                                       f"{scheme} ALB", detail)
    fix = (f"tag the {'public' if scheme == 'internet-facing' else 'private'} subnets of at least two zones "
           f"{key}=1 (terraform/network.tf), or, with no subnet tagged, give them a route to an internet gateway; "
           f"never tag them kubernetes.io/cluster/<another cluster>; keep 8 free addresses in each")
    return result(ID, Status.FAIL, f"controller {release} finds subnets in {counted(len(found.zones), 'zone')} for an "
                                   f"{scheme} ALB (needs {alb_subnets.MIN_ALB_ZONES})",
                  f"{detail}\nthe controller logs: {found.error}", fix, FAILURE_ID)


def cluster_vpc_id(ec2, cluster: dict) -> str | None:
    """The cluster's VPC: resourcesVpcConfig.vpcId, else the VPC of its first subnet (the
    emulator leaves vpcId out)."""
    vpc_config = cluster.get("resourcesVpcConfig") or {}
    if vpc_config.get("vpcId"):
        return vpc_config["vpcId"]
    if vpc_config.get("subnetIds"):
        first = ec2.describe_subnets(SubnetIds=vpc_config["subnetIds"][:1])["Subnets"]
        return first[0]["VpcId"] if first else None
    return None


def probe_subnets(ctx: CheckContext, scheme: str = "internet-facing") -> CheckResult:
    cluster, early = cluster_or_result(ctx, ID)
    if early:
        return early
    try:
        ec2 = ctx.aws_client("ec2")
        vpc_id = cluster_vpc_id(ec2, cluster)
        if not vpc_id:
            return result(ID, Status.ERROR, "the cluster names no VPC or subnets")
        in_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
        subnets = [s for page in ec2.get_paginator("describe_subnets").paginate(Filters=in_vpc)
                   for s in page["Subnets"]]
    except Exception as exc:
        return aws_error(ID, exc, "cannot list the VPC's subnets")
    try:
        tables = [t for page in ec2.get_paginator("describe_route_tables").paginate(Filters=in_vpc)
                  for t in page["RouteTables"]]
        note = ""
    except Exception as exc:  # reachability then stays unknown; tags still tell a lot

        tables, note = None, f"\nroute tables not readable ({describe_aws_error(exc)}): reachability unknown"
    outcome = evaluate_subnets(subnets, tables, ctx.target.cluster_name, scheme)
    outcome.detail = f"VPC {vpc_id}, {len(subnets)} subnets{note}\n{outcome.detail}"
    return outcome
