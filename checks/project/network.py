"""The VPC Terraform will make, as the Load Balancer Controller will see it: each aws_subnet instance with its tags (the provider's default_tags included), zone, free addresses and whether its route table reaches an internet gateway."""

from __future__ import annotations

import ipaddress
from typing import Any

from checks.alb_subnets import SubnetFacts
from checks.project.hcl_values import Unknown, is_unknown
from checks.project.terraform import Terraform
from checks.project.terraform_files import TfBlock
from checks.project.terraform_values import expanded_blocks

AWS_RESERVED_ADDRESSES = 5  # AWS keeps five addresses of every subnet


def free_addresses(cidr: Any) -> int | None:
    if is_unknown(cidr) or cidr is None:
        return None
    try:
        network = ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        return None
    return network.num_addresses - AWS_RESERVED_ADDRESSES


def default_tags(tf: Terraform) -> dict | Unknown:
    """The aws provider's default_tags (the provider block without an alias)."""
    for name, body in tf.config.providers:
        if name != "aws" or "alias" in body:
            continue
        blocks = tf.evaluate(body.get("default_tags") or [])
        tags = (blocks[0] or {}).get("tags") if isinstance(blocks, list) and blocks else {}
        return tags if isinstance(tags, (dict, Unknown)) else {}
    return {}


def _ref(value: Any, type_: str) -> tuple | None:
    """(name, key) of the `type_` instance an evaluated reference points at."""
    if is_unknown(value) and value.ref and value.ref[0] == type_ and len(value.ref) >= 3:
        return value.ref[1], value.ref[2]
    return None


def _is_igw(value: Any) -> bool | None:
    if is_unknown(value):
        if value.ref:
            return value.ref[0] in ("aws_internet_gateway", "data.aws_internet_gateway")
        return None
    return str(value or "").startswith("igw")


def _instances(tf: Terraform, block: TfBlock) -> list:
    keys = tf.instances(block)
    return [] if is_unknown(keys) else keys


def _any(flags) -> bool | None:
    """True if any is, else None if any is unknown, else False."""
    flags = list(flags)
    return True if True in flags else None if None in flags else False


def route_tables(tf: Terraform) -> dict[tuple, bool | None]:
    """{(kind, table name, key): reaches an internet gateway} for aws_route_table and
    aws_default_route_table instances (route blocks, dynamic ones too), plus the
    aws_route resources pointing at them."""
    tables: dict[tuple, bool | None] = {}
    for kind in ("aws_route_table", "aws_default_route_table"):
        for block in tf.of_type(kind):
            for key in _instances(tf, block):
                routes = expanded_blocks(tf, block, "route", key)
                tables[(kind, block.name, key)] = None if routes is None else \
                    _any(_is_igw(route.get("gateway_id")) for route in routes)
    for block in tf.of_type("aws_route"):
        for key in _instances(tf, block):
            table = tf.evaluate(block.body.get("route_table_id"), block, key)
            gateway = _is_igw(tf.evaluate(block.body.get("gateway_id"), block, key))
            for kind in ("aws_route_table", "aws_default_route_table"):
                target = _ref(table, kind)
                if target:
                    tables[(kind, *target)] = _any([tables.get((kind, *target), False), gateway])
    return tables


def subnet_tables(tf: Terraform) -> tuple[dict[tuple, tuple], bool]:
    """({(subnet name, key): (kind, table name, key)}, some association cannot be read)."""
    links: dict[tuple, tuple] = {}
    unreadable = False
    for block in tf.of_type("aws_route_table_association"):
        keys = tf.instances(block)
        if is_unknown(keys):
            unreadable = True
            continue
        for key in keys:
            subnet = _ref(tf.evaluate(block.body.get("subnet_id"), block, key), "aws_subnet")
            table_value = tf.evaluate(block.body.get("route_table_id"), block, key)
            table = _ref(table_value, "aws_route_table")
            if subnet and table:
                links[subnet] = ("aws_route_table", *table)
            elif block.body.get("subnet_id") is not None:
                unreadable = unreadable or subnet is None
    return links, unreadable


def main_table(tf: Terraform) -> tuple | None:
    for block in tf.of_type("aws_main_route_table_association"):
        table = _ref(tf.evaluate(block.body.get("route_table_id"), block), "aws_route_table")
        if table:
            return ("aws_route_table", *table)
    for block in tf.of_type("aws_default_route_table"):
        return ("aws_default_route_table", block.name, None)
    return None  # the VPC's own main table: AWS makes it with the local route only


def zone_label(value: Any) -> str | None:
    if value is None:
        return None
    if is_unknown(value):
        if value.ref:
            head = ".".join(str(p) for p in value.ref[:2] if p is not None)
            return head + "".join(f".{p}" if isinstance(p, str) else f"[{p}]" for p in value.ref[2:] if p is not None)
        return value.why
    return str(value)


def subnet_facts(tf: Terraform) -> tuple[list[SubnetFacts], list[str]]:
    """(facts for every aws_subnet instance, notes on what could not be resolved)."""
    defaults = default_tags(tf)
    tables = route_tables(tf)
    links, unreadable = subnet_tables(tf)
    main = main_table(tf)
    facts, notes = [], []
    for block in tf.of_type("aws_subnet"):
        keys = tf.instances(block)
        if is_unknown(keys):
            notes.append(f"aws_subnet.{block.name}: {keys.why}")
            continue
        for key in keys:
            address = f"aws_subnet.{block.name}" + (f"[{key!r}]" if key is not None else "")
            label = f"{address} ({block.file})"
            tags = tf.evaluate(block.body.get("tags") or {}, block, key)
            if is_unknown(tags) or is_unknown(defaults):
                merged = None
                notes.append(f"{label}: tags known only after apply")
            else:
                merged = {**defaults, **tags}
            zone = block.body.get("availability_zone", block.body.get("availability_zone_id"))
            zone = tf.evaluate(zone, block, key) if zone is not None else None
            table = links.get((block.name, key)) or main
            if table is None:  # the VPC's own main table, which AWS makes without an internet route
                reaches = None if unreadable else False
            else:
                reaches = tables.get(table)  # None: a table whose instances only apply can tell
            facts.append(SubnetFacts(address, label, zone_label(zone), merged,
                                     free_addresses(tf.evaluate(block.body.get("cidr_block"), block, key)), reaches))
    return facts, notes


def public_subnet_names(tf: Terraform) -> set[str]:
    """aws_subnet names every instance of which routes to an internet gateway."""
    by_name: dict[str, list] = {}
    for fact in subnet_facts(tf)[0]:
        by_name.setdefault(fact.id.removeprefix("aws_subnet.").split("[")[0], []).append(fact.reaches_igw)
    return {name for name, reach in by_name.items() if reach and all(reach)}
