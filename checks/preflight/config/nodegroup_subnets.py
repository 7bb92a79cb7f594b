"""config.nodegroup-subnets: the node group's subnets send 0.0.0.0/0 through a NAT gateway in a public subnet (private subnets) or an internet gateway (public ones that give instances public addresses); otherwise nodes never reach EKS and ECR and never join."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import terraform
from checks.preflight.context import CheckContext
from checks.project.network import public_subnet_names
from checks.project.terraform import Terraform
from checks.project.terraform_values import blocks, refs, truthy
from petstore_core.words import counted

DEFAULT_ROUTES = ("0.0.0.0/0",)
ENDPOINT_SERVICES = ("ecr.api", "ecr.dkr", "s3", "sts", "ec2")


def route_tables_of(tf: Terraform, subnet: str) -> tuple[list[str], str]:
    """(route table names, how) for an aws_subnet: its associations, else the VPC's main table."""
    tables = [n for a in tf.of_type("aws_route_table_association") if subnet in refs(a.body.get("subnet_id"), "aws_subnet")
              for n in refs(a.body.get("route_table_id"), "aws_route_table")]
    if tables:
        return tables, "associated"
    main = [n for a in tf.of_type("aws_main_route_table_association")
            for n in refs(a.body.get("route_table_id"), "aws_route_table")]
    main += [d.name for d in tf.of_type("aws_default_route_table")]
    return main, "the VPC's main route table"


def default_routes(tf: Terraform, table: str) -> list[dict]:
    """The 0.0.0.0/0 routes of aws_route_table.<table>: inline route blocks and aws_route."""
    found = []
    for rt in [*tf.of_type("aws_route_table"), *tf.of_type("aws_default_route_table")]:
        if rt.name == table:
            found += [r for r in blocks(rt.body, "route") if str(tf.evaluate(r.get("cidr_block"), rt, 0)) in DEFAULT_ROUTES]
    for route in tf.of_type("aws_route"):
        if table in refs(route.body.get("route_table_id"), "aws_route_table") and \
                str(tf.evaluate(route.body.get("destination_cidr_block"), route, 0)) in DEFAULT_ROUTES:
            found.append(route.body)
    return found


class NodegroupSubnetsCheck(BlockingCheck):
    id = "config.nodegroup-subnets"
    group = "config"
    title = "Node subnets route out through NAT"
    failure_id = "eks-nodegroup-create-failed"

    def _check(self, ctx: CheckContext) -> CheckResult:
        tf = terraform(ctx)
        groups = tf.of_type("aws_eks_node_group")
        if not groups:
            if tf.problems:
                return self.warned("unknown: terraform/ does not parse (config.files says where)", "\n".join(tf.errors))
            return self.skipped("no aws_eks_node_group in terraform/*.tf")
        public = public_subnet_names(tf)
        subnets = {s.name: s for s in tf.of_type("aws_subnet")}
        nats = {n.name: n for n in tf.of_type("aws_nat_gateway")}
        endpoints = [e for e in tf.of_type("aws_vpc_endpoint")
                     if any(str(e.body.get("service_name", "")).endswith("." + s) for s in ENDPOINT_SERVICES)]
        problems, warnings, notes = [], [], []
        for group in groups:
            label = f"aws_eks_node_group.{group.name}"
            names = [n for n in refs(group.body.get("subnet_ids"), "aws_subnet") if n in subnets]
            if not names:
                warnings.append(f"{label}: cannot tell which aws_subnet its subnet_ids "
                                f"({group.body.get('subnet_ids')}) are")
                continue
            for name in dict.fromkeys(names):
                tables, how = route_tables_of(tf, name)
                routes = [r for t in tables for r in default_routes(tf, t)]
                via_nat = [r for r in routes if r.get("nat_gateway_id")]
                via_igw = [r for r in routes if "aws_internet_gateway" in str(r.get("gateway_id", ""))]
                other = [r for r in routes if r not in via_nat and r not in via_igw]
                where = f"{label}: aws_subnet.{name} ({how}: {', '.join(tables) or 'none in Terraform'})"
                if via_nat:
                    bad_nat = [n for r in via_nat for n in refs(r["nat_gateway_id"], "aws_nat_gateway")
                               if n in nats and refs(nats[n].body.get("subnet_id"), "aws_subnet")
                               and not set(refs(nats[n].body.get("subnet_id"), "aws_subnet")) & public]
                    if bad_nat:
                        problems.append(f"{where}: NAT gateway aws_nat_gateway.{bad_nat[0]} sits in a subnet without "
                                        "a route to the internet gateway")
                    else:
                        notes.append(f"{where}: 0.0.0.0/0 through NAT")
                elif via_igw and name in public:
                    if truthy(tf.evaluate(subnets[name].body.get("map_public_ip_on_launch"), subnets[name], 0)):
                        notes.append(f"{where}: public subnet, instances get public addresses")
                    else:
                        problems.append(f"{where}: routes through the internet gateway but gives instances no "
                                        "public address (map_public_ip_on_launch false): nodes cannot get out")
                elif other:
                    notes.append(f"{where}: 0.0.0.0/0 through {', '.join(k for r in other for k in r if k.endswith('_id'))}")
                elif endpoints:
                    warnings.append(f"{where}: no default route; relies on VPC endpoints "
                                    f"({', '.join('aws_vpc_endpoint.' + e.name for e in endpoints)})")
                else:
                    problems.append(f"{where}: no 0.0.0.0/0 route through a NAT gateway: nodes cannot reach the EKS "
                                    "API, ECR or STS and never join the cluster")
        if problems:
            return self.failed(problems[0], "\n".join(problems + warnings + notes),
                               'give the private route tables route { cidr_block = "0.0.0.0/0", nat_gateway_id = '
                               "aws_nat_gateway.<name>.id } with the NAT gateway in a public subnet "
                               "(terraform/network.tf)")
        if warnings:
            return self.warned(warnings[0], "\n".join(warnings + notes))
        return self.passed(f"{counted(len(notes), 'node subnet resource')} {'routes' if len(notes) == 1 else 'route'} 0.0.0.0/0 out of the VPC",
                           "\n".join(notes))
