"""Drill: leave the sandbox VPC with no subnet the pinned controller release can discover: the role tags deleted AND the routes to the internet gateway removed (boto3), since at v2.13.0+ untagged subnets that reach an internet gateway still count (docs/knowledge/alb-subnet-discovery.md)."""

from __future__ import annotations

import json
import time

from checks import alb_subnets
from checks.probes.subnets import cluster_vpc_id
from petstore_core import aws, errors
from petstore_core.errors import error_code
from petstore_core.words import counted
from petstore_tui.drills.base import Drill, DrillError, DrillOutcome

DISCOVERY_KEYS = tuple(alb_subnets.ROLE_TAG.values())


class SubnetTagsDrill(Drill):
    id = "subnet-tags"
    title = "No discoverable subnet (role tags and internet routes removed)"
    description = (f"delete the kubernetes.io/role tags and the internet gateway routes in the sandbox VPC (boto3); "
                   f"controller {alb_subnets.INSTALLED_RELEASE} then finds no subnet for the ALB")
    failure_id = "alb-controller-subnet-discovery-failed"

    def _ec2(self):
        return aws.client(self.target, "ec2")

    def _vpc(self, ec2) -> str:
        try:
            cluster = aws.client(self.target, "eks").describe_cluster(name=self.target.cluster_name)["cluster"]
        except Exception as exc:
            raise DrillError(f"no cluster {self.target.cluster_name} in the sandbox: run the sandbox deploy first "
                             f"({errors.describe_aws_error(exc)})") from None
        vpc = cluster_vpc_id(ec2, cluster)
        if not vpc:
            raise DrillError(f"cluster {self.target.cluster_name} names no VPC")
        return vpc

    def plant(self) -> DrillOutcome:
        if self.planted:
            raise DrillError("already planted: undo it first")
        ec2 = self._ec2()
        vpc = self._vpc(ec2)
        in_vpc = [{"Name": "vpc-id", "Values": [vpc]}]
        tags = {s["SubnetId"]: [t for t in s.get("Tags", []) if t["Key"] in DISCOVERY_KEYS]
                for s in ec2.describe_subnets(Filters=in_vpc)["Subnets"]}
        tags = {subnet: found for subnet, found in tags.items() if found}
        routes = [{"table": t["RouteTableId"], "cidr": r["DestinationCidrBlock"], "gateway": r["GatewayId"]}
                  for t in ec2.describe_route_tables(Filters=in_vpc)["RouteTables"] for r in t.get("Routes", [])
                  if str(r.get("GatewayId", "")).startswith("igw") and r.get("DestinationCidrBlock")]
        if not tags and not routes:
            raise DrillError(f"VPC {vpc} has neither role tags nor internet routes: nothing to remove")
        self.save({"removed": tags, "routes": routes})  # before changing: an interrupted drill can be undone
        for subnet_id, found in tags.items():
            ec2.delete_tags(Resources=[subnet_id], Tags=[{"Key": t["Key"]} for t in found])
        for route in routes:
            ec2.delete_route(RouteTableId=route["table"], DestinationCidrBlock=route["cidr"])
        found = self._discovery(ec2, in_vpc)
        if found.status != "fail":  # e.g. another internet route we did not see: say so, do not pretend
            raise DrillError(f"the drill did not break discovery ({found.how}); undo it with u")
        return DrillOutcome(
            f"removed the role tags of {counted(len(tags), 'subnet')} and {counted(len(routes), 'internet gateway route')}: "
            f"controller {alb_subnets.INSTALLED_RELEASE} finds no subnet for an internet-facing ALB",
            replay=[("alb-controller", controller_line(found.error))], probe=True, resource="ingress/petstore")

    def _discovery(self, ec2, in_vpc: list[dict]) -> alb_subnets.Discovery:
        facts = alb_subnets.facts_from_aws(ec2.describe_subnets(Filters=in_vpc)["Subnets"],
                                           ec2.describe_route_tables(Filters=in_vpc)["RouteTables"])
        return alb_subnets.discover(facts, self.target.cluster_name, "internet-facing")

    def undo(self) -> DrillOutcome:
        memo = self.load()
        if memo is None:
            raise DrillError("not planted")
        ec2 = self._ec2()
        for subnet_id, tags in memo["removed"].items():
            ec2.create_tags(Resources=[subnet_id], Tags=[{"Key": t["Key"], "Value": t.get("Value", "")}
                                                         for t in tags])
        for route in memo.get("routes", []):
            try:
                ec2.create_route(RouteTableId=route["table"], DestinationCidrBlock=route["cidr"],
                                 GatewayId=route["gateway"])
            except Exception as exc:  # already back (an earlier undo stopped half-way)

                if error_code(exc) != "RouteAlreadyExists":
                    raise
        self.forget()
        return DrillOutcome(f"restored the tags of {counted(len(memo['removed']), 'subnet')} and "
                            f"{counted(len(memo.get('routes', [])), 'internet gateway route')}", probe=True)


def controller_line(error: str) -> str:
    """The line the controller logs for this Ingress, in its JSON shape, with the error the
    pinned release gives for the planted state (checks/alb_subnets.py)."""
    return json.dumps({
        "level": "error", "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "msg": "Reconciler error", "controller": "ingress",
        "object": {"name": "petstore", "namespace": "petstore"}, "error": error,
    })
