"""config.public-endpoint: the EKS cluster's API endpoint is public (kubectl from outside the VPC), and its public_access_cidrs admit some address outside the private ranges."""

from __future__ import annotations

import ipaddress

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import terraform
from checks.preflight.context import CheckContext
from checks.project.hcl_values import contains_unknown
from checks.project.terraform_values import expanded_blocks, truthy

# Addresses that never reach a public endpoint from the internet: a "public" endpoint open
# only to these is private in effect (RFC 1918, shared CGNAT space, loopback, link-local).
NOT_PUBLIC = tuple(ipaddress.ip_network(n) for n in
                   ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
                    "169.254.0.0/16"))


def private_only(cidrs: list[str]) -> bool:
    """True when every CIDR lies inside a private range (and the list parses)."""
    networks = []
    for cidr in cidrs:
        try:
            networks.append(ipaddress.ip_network(str(cidr).strip(), strict=False))
        except ValueError:
            return False
    return bool(networks) and all(
        net.version == 4 and any(net.subnet_of(block) for block in NOT_PUBLIC) for net in networks)


class PublicEndpointCheck(BlockingCheck):
    id = "config.public-endpoint"
    group = "config"
    title = "Public EKS endpoint in Terraform"
    failure_id = "eks-endpoint-unreachable"

    def _check(self, ctx: CheckContext) -> CheckResult:
        tf = terraform(ctx)
        clusters = tf.of_type("aws_eks_cluster")
        if not clusters:
            if tf.problems:
                return self.warned("unknown: terraform/ does not parse (config.files says where)", "\n".join(tf.errors))
            return self.skipped("no aws_eks_cluster in terraform/*.tf")
        notes = []
        for cluster in clusters:
            vpc = (expanded_blocks(tf, cluster, "vpc_config") or [{}])[0]
            value = vpc.get("endpoint_public_access", True)  # the provider's default is true
            if truthy(value) is False:
                return self.failed(f"aws_eks_cluster.{cluster.name} has endpoint_public_access = false",
                                   "kubectl, helm and this tool cannot reach a private-only endpoint from "
                                   "outside the VPC", "set endpoint_public_access = true (and restrict "
                                   "public_access_cidrs) in terraform/eks.tf")
            raw = (cluster.body.get("vpc_config") or [{}])[0].get("public_access_cidrs")
            cidrs = vpc.get("public_access_cidrs", ["0.0.0.0/0"])  # the provider's default
            if isinstance(cidrs, str):
                cidrs = [cidrs]
            if not isinstance(cidrs, list) or contains_unknown(cidrs) or truthy(value) is None:
                notes.append(f"unknown: aws_eks_cluster.{cluster.name}: public access or its CIDRs known only "
                             "after apply")
                continue
            where = str(raw).strip("${}") if isinstance(raw, str) else "public_access_cidrs"
            if private_only(cidrs):
                return self.failed(
                    f"aws_eks_cluster.{cluster.name}'s public endpoint admits only private ranges "
                    f"({', '.join(map(str, cidrs))})",
                    f"{where} = {cidrs}: the public endpoint sees the caller's public address, never a "
                    "private one, so kubectl from outside the VPC times out",
                    "set cluster_endpoint_public_access_cidrs (terraform/terraform.tfvars) to the public "
                    'addresses you run kubectl from, e.g. ["203.0.113.10/32"] (or ["0.0.0.0/0"])')
            notes.append(f"aws_eks_cluster.{cluster.name}: public, from {', '.join(map(str, cidrs))}")
        if notes and all(n.startswith("unknown:") for n in notes):
            return self.warned(notes[0], "\n".join(notes))
        return self.passed("the cluster's API endpoint is public", "\n".join(notes))
