"""config.webhook-port: the nodes' security group admits TCP 9443 (the Load Balancer Controller's webhook) from the cluster's security group."""

from __future__ import annotations

import ipaddress

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import terraform
from checks.preflight.context import CheckContext
from checks.project.security_groups import group_name, security_group_rules
from checks.project.terraform_values import expanded_blocks, refs

WEBHOOK_PORT = 9443


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _covers_vpc(cidr: str, vpc_cidrs: list[str]) -> bool:
    try:
        network = ipaddress.ip_network(cidr, strict=False)
        return any(ipaddress.ip_network(v, strict=False).subnet_of(network) for v in vpc_cidrs) or \
            network.prefixlen == 0
    except (ValueError, TypeError):
        return False


class WebhookPortCheck(BlockingCheck):
    id = "config.webhook-port"
    group = "config"
    title = "Webhook port 9443 open to the nodes"
    failure_id = "alb-controller-webhook-unreachable"

    def _check(self, ctx: CheckContext) -> CheckResult:
        tf = terraform(ctx)
        clusters = tf.of_type("aws_eks_cluster")
        node_groups = tf.of_type("aws_eks_node_group")
        if not clusters or not node_groups:
            if tf.problems:
                return self.warned("unknown: terraform/ does not parse (config.files says where)", "\n".join(tf.errors))
            return self.skipped("no aws_eks_cluster with an aws_eks_node_group in terraform/*.tf")
        cluster_sgs = {f"eks-cluster-sg:{c.name}" for c in clusters}
        for cluster in clusters:
            for vpc in expanded_blocks(tf, cluster, "vpc_config") or []:
                cluster_sgs |= {group_name(s) for s in _as_list(vpc.get("security_group_ids"))}
        node_sgs: set[str] = set()
        for group in node_groups:
            for template in (group.body.get("launch_template") or []):
                names = set(refs(template, "aws_launch_template"))
                for lt in tf.of_type("aws_launch_template"):
                    if lt.name not in names:
                        continue
                    ids = list(_as_list(tf.evaluate(lt.body.get("vpc_security_group_ids"), lt)))
                    for nic in expanded_blocks(tf, lt, "network_interfaces") or []:
                        ids += _as_list(nic.get("security_groups"))
                    node_sgs |= {group_name(s) for s in ids}
        if not node_sgs:
            return self.passed("the nodes use the cluster security group EKS creates, which admits the control "
                               "plane on every port")
        shared = sorted(node_sgs & {g for g in cluster_sgs if g.startswith("eks-cluster-sg:")})
        if shared:
            return self.passed(f"the nodes carry the cluster security group EKS creates ({shared[0]}), which "
                               "admits the control plane on every port")
        vpc_cidrs = [str(tf.evaluate(v.body.get("cidr_block"), v)) for v in tf.of_type("aws_vpc")]
        admitting, seen = [], []
        for rule in security_group_rules(tf):
            if rule.direction != "ingress" or rule.group not in node_sgs:
                continue
            if rule.covers(WEBHOOK_PORT):
                seen.append(rule.describe())
                source = rule.source
                if (source.startswith("sg:") and source[3:] in cluster_sgs) or \
                        (source.startswith("cidr:") and _covers_vpc(source[5:], vpc_cidrs)):
                    admitting.append(rule)
        if admitting:
            return self.passed(f"{admitting[0].where.split(' (')[0]} admits TCP {WEBHOOK_PORT} from the control plane",
                               "\n".join(r.describe() for r in admitting))
        return self.failed(f"no rule admits TCP {WEBHOOK_PORT} from the cluster security group to the nodes "
                           f"({', '.join(sorted(node_sgs))})",
                           "the API server calls the controller's admission webhook on port 9443 of its pods; "
                           "without the rule every Ingress and Service create times out (failed calling webhook)"
                           + ("\nrules covering 9443 from elsewhere:\n" + "\n".join(seen) if seen else ""),
                           'add one aws_vpc_security_group_ingress_rule: security_group_id = the node group\'s, '
                           'referenced_security_group_id = the cluster\'s, ip_protocol = "tcp", from_port = to_port '
                           f"= {WEBHOOK_PORT} (terraform/eks.tf)")
