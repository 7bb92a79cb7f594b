"""Probe: the subnets of the cluster's VPC carry the tags the Load Balancer Controller discovers (role tag, two zones, free addresses, no other cluster's tag)."""

from __future__ import annotations

from checks.model import CheckResult, Status
from checks.preflight.context import CheckContext
from checks.probes._common import aws_error, cluster_or_result, result

ID = "cluster.subnets"
FAILURE_ID = "alb-controller-subnet-discovery-failed"
MIN_FREE_ADDRESSES = 8
ROLE_TAG = {"internet-facing": "kubernetes.io/role/elb", "internal": "kubernetes.io/role/internal-elb"}


def evaluate_subnets(subnets: list[dict], cluster_name: str, scheme: str = "internet-facing") -> CheckResult:
    """Apply the controller's discovery rules to describe_subnets() items."""
    role_tag = ROLE_TAG[scheme]
    usable: dict[str, list[str]] = {}
    problems: list[str] = []
    for subnet in subnets:
        tags = {t["Key"]: t.get("Value", "") for t in subnet.get("Tags") or []}
        name = tags.get("Name") or subnet["SubnetId"]
        label = f"{subnet['SubnetId']} ({name}, {subnet.get('AvailabilityZone', '?')})"
        if role_tag not in tags:
            continue
        if tags[role_tag] not in ("1", ""):
            problems.append(f"{label}: {role_tag}={tags[role_tag]!r} (must be 1 or empty)")
            continue
        cluster_tags = [k for k in tags if k.startswith("kubernetes.io/cluster/")]
        if cluster_tags and f"kubernetes.io/cluster/{cluster_name}" not in cluster_tags:
            problems.append(f"{label}: tagged for another cluster ({', '.join(cluster_tags)})")
            continue
        free = subnet.get("AvailableIpAddressCount")
        if free is not None and free < MIN_FREE_ADDRESSES:
            problems.append(f"{label}: {free} free addresses (< {MIN_FREE_ADDRESSES})")
            continue
        usable.setdefault(subnet.get("AvailabilityZone", "?"), []).append(subnet["SubnetId"])
    untagged = [s["SubnetId"] for s in subnets
                if role_tag not in {t["Key"] for t in s.get("Tags") or []}]
    detail_lines = [f"usable for {scheme}: " + (", ".join(f"{z}: {'/'.join(ids)}" for z, ids in sorted(usable.items()))
                                                 or "none"), *problems]
    if untagged:
        detail_lines.append(f"without {role_tag}: {', '.join(untagged)}")
    fix = (f"tag the {'public' if scheme == 'internet-facing' else 'private'} subnets in at least two "
           f"zones with {role_tag}=1 (terraform/network.tf), and kubernetes.io/cluster/{cluster_name}=shared")
    if len(usable) >= 2:
        return result(ID, Status.PASS, f"{len(usable)} zones have subnets tagged {role_tag}",
                      "\n".join(detail_lines))
    return result(ID, Status.FAIL,
                  f"{len(usable)} zone(s) with subnets the controller can use for an {scheme} ALB (needs 2)",
                  "\n".join(detail_lines), fix, FAILURE_ID)


def probe_subnets(ctx: CheckContext, scheme: str = "internet-facing") -> CheckResult:
    cluster, early = cluster_or_result(ctx, ID)
    if early:
        return early
    vpc_config = cluster.get("resourcesVpcConfig") or {}
    try:
        ec2 = ctx.aws_client("ec2")
        vpc_id = vpc_config.get("vpcId")
        if not vpc_id and vpc_config.get("subnetIds"):
            first = ec2.describe_subnets(SubnetIds=vpc_config["subnetIds"][:1])["Subnets"]
            vpc_id = first[0]["VpcId"] if first else None
        if not vpc_id:
            return result(ID, Status.ERROR, "the cluster names no VPC or subnets")
        subnets = []
        for page in ec2.get_paginator("describe_subnets").paginate(
                Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]):
            subnets.extend(page["Subnets"])
    except Exception as exc:
        return aws_error(ID, exc, "cannot list the VPC's subnets")
    outcome = evaluate_subnets(subnets, ctx.target.cluster_name, scheme)
    outcome.detail = f"VPC {vpc_id}, {len(subnets)} subnets\n{outcome.detail}"
    return outcome
