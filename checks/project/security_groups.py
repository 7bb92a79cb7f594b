"""Every security group rule Terraform declares (aws_security_group_rule, aws_vpc_security_group_*_rule, inline ingress/egress blocks), one SgRule per source, keyed as AWS keys a rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checks.project.hcl_values import is_unknown
from checks.project.terraform import Terraform
from checks.project.terraform_values import as_int, expanded_blocks, truthy

_PROTOCOLS = {"-1": "all", "all": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


@dataclass(frozen=True)
class SgRule:
    """One security group rule as AWS keys it (group, direction, protocol, ports, source);
    `where` names the Terraform resource (or inline block) that declares it."""
    where: str
    group: str  # "aws_security_group.node", "eks-cluster-sg:this" or the value's text
    direction: str  # ingress | egress
    protocol: str  # tcp | udp | icmp | all | a protocol number
    from_port: int | None
    to_port: int | None
    source: str  # "sg:<group>" | "cidr:<block>" | "prefix:<id>"

    @property
    def key(self) -> tuple:
        ports = (None, None) if self.protocol == "all" else (self.from_port, self.to_port)
        return (self.group, self.direction, self.protocol, *ports, self.source)

    def covers(self, port: int, protocol: str = "tcp") -> bool:
        if self.protocol == "all":
            return True
        if self.protocol != protocol or self.from_port is None or self.to_port is None:
            return False
        return self.from_port <= port <= self.to_port

    def describe(self) -> str:
        ports = "all ports" if self.protocol == "all" else f"{self.protocol} {self.from_port}-{self.to_port}"
        return f"{self.where}: {self.direction} {ports} on {self.group} from {self.source}"


def group_name(value: Any) -> str:
    """A stable name for the security group an evaluated value points at."""
    if is_unknown(value) and value.ref:
        ref = value.ref
        if ref[0] in ("aws_security_group", "aws_default_security_group"):
            return f"{ref[0]}.{ref[1]}"
        if ref[0] == "aws_eks_cluster" and "cluster_security_group_id" in ref:
            return f"eks-cluster-sg:{ref[1]}"
        return ".".join(str(p) for p in ref if p is not None)
    return getattr(value, "why", None) or str(value)


def _listed(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def security_group_rules(tf: Terraform) -> list[SgRule]:
    rules: list[SgRule] = []

    def add(where, group, direction, protocol, from_port, to_port, sources):
        proto = "all" if protocol is None else str(protocol).strip().lower()
        proto = _PROTOCOLS.get(proto, proto)
        for source in sources:
            rules.append(SgRule(where, group, direction, proto, from_port, to_port, source))

    def each(type_):
        for block in tf.of_type(type_):
            keys = tf.instances(block)
            for key in ([None] if is_unknown(keys) else keys):
                label = f"{type_}.{block.name}" + (f"[{key!r}]" if key is not None else "")
                yield block, key, label, (lambda k, b=block, i=key: tf.evaluate(b.body.get(k), b, i))

    for block, key, label, get in each("aws_security_group_rule"):
        group = group_name(get("security_group_id"))
        sources = [f"cidr:{c}" for k in ("cidr_blocks", "ipv6_cidr_blocks") for c in _listed(get(k))]
        sources += [f"prefix:{p}" for p in _listed(get("prefix_list_ids"))]
        if block.body.get("source_security_group_id") is not None:
            sources.append("sg:" + group_name(get("source_security_group_id")))
        if truthy(get("self")):
            sources.append("sg:" + group)
        add(f"{label} ({block.file})", group, str(get("type")).lower(), get("protocol"),
            as_int(tf, block.body.get("from_port"), block, key), as_int(tf, block.body.get("to_port"), block, key),
            sources)
    for direction in ("ingress", "egress"):
        for block, key, label, get in each(f"aws_vpc_security_group_{direction}_rule"):
            sources = [f"cidr:{get(k)}" for k in ("cidr_ipv4", "cidr_ipv6") if block.body.get(k) is not None]
            if block.body.get("prefix_list_id") is not None:
                sources.append(f"prefix:{get('prefix_list_id')}")
            if block.body.get("referenced_security_group_id") is not None:
                sources.append("sg:" + group_name(get("referenced_security_group_id")))
            add(f"{label} ({block.file})", group_name(get("security_group_id")), direction, get("ip_protocol"),
                as_int(tf, block.body.get("from_port"), block, key), as_int(tf, block.body.get("to_port"), block, key),
                sources)
    for block, key, label, _get in each("aws_security_group"):
        group = f"aws_security_group.{block.name}"
        for direction in ("ingress", "egress"):
            for i, rule in enumerate(expanded_blocks(tf, block, direction, key) or []):
                sources = [f"cidr:{c}" for k in ("cidr_blocks", "ipv6_cidr_blocks") for c in _listed(rule.get(k))]
                sources += [f"prefix:{p}" for p in _listed(rule.get("prefix_list_ids"))]
                sources += ["sg:" + group_name(s) for s in _listed(rule.get("security_groups"))]
                if truthy(rule.get("self")):
                    sources.append("sg:" + group)
                ports = [rule.get(k) for k in ("from_port", "to_port")]
                ports = [int(p) if isinstance(p, (int, float)) and not isinstance(p, bool) else None for p in ports]
                add(f"{label} {direction} block {i + 1} ({block.file})", group, direction, rule.get("protocol"),
                    *ports, sources)
    return rules
