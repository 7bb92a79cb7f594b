"""The VPC Terraform will make, as the Load Balancer Controller will see it: each aws_subnet instance with its tags (the provider's default_tags included), zone, free addresses and whether its route table reaches an internet gateway."""

from __future__ import annotations

import ipaddress
from typing import Any

from checks.alb_subnets import SubnetFacts
from checks.project.hcl_values import Unknown, is_unknown
from checks.project.terraform import Terraform
from checks.project.terraform_files import TfBlock

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


def route_tables(tf: Terraform) -> dict[tuple, bool | None]:
    """{(table name, key): reaches an internet gateway} for aws_route_table (inline route
    blocks) and aws_default_route_table, plus aws_route resources pointing at them."""
    tables: dict[tuple, bool | None] = {}
    for kind in ("aws_route_table", "aws_default_route_table"):
        for block in tf.of_type(kind):
            for key in _instances(tf, block):
                routes = tf.evaluate(block.body.get("route") or [], block, key)
                found: bool | None = False
                for route in routes if isinstance(routes, list) else [Unknown("routes")]:
                    igw = _is_igw(route.get("gateway_id")) if isinstance(route, dict) else None
                    found = True if igw else (None if igw is None and found is False else found)
                tables[(kind, block.name, key)] = found
    for block in tf.of_type("aws_route"):
        for key in _instances(tf, block):
            body = {k: tf.evaluate(block.body.get(k), block, key) for k in ("route_table_id", "gateway_id")}
            target = _ref(body["route_table_id"], "aws_route_table") or \
                _ref(body["route_table_id"], "aws_default_route_table")
            if target is None:
                continue
            kind = "aws_route_table" if _ref(body["route_table_id"], "aws_route_table") else "aws_default_route_table"
            igw = _is_igw(body["gateway_id"])
            if igw or (igw is None and tables.get((kind, *target)) is False):
                tables[(kind, *target)] = igw
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
            label = f"aws_subnet.{block.name}" + (f"[{key!r}]" if key is not None else "") + f" ({block.file})"
            tags = tf.evaluate(block.body.get("tags") or {}, block, key)
            if is_unknown(tags) or is_unknown(defaults):
                merged = None
                notes.append(f"{label}: tags known only after apply")
            else:
                merged = {**defaults, **tags}
            zone = block.body.get("availability_zone", block.body.get("availability_zone_id"))
            zone = tf.evaluate(zone, block, key) if zone is not None else None
            table = links.get((block.name, key))
            if table is None and unreadable:
                reaches = None
            else:
                reaches = tables.get(table or main, False) if (table or main) else False
            facts.append(SubnetFacts(label, label, zone_label(zone), merged,
                                     free_addresses(tf.evaluate(block.body.get("cidr_block"), block, key)), reaches))
    return facts, notes


def public_subnet_names(tf: Terraform) -> set[str]:
    """aws_subnet names every instance of which routes to an internet gateway."""
    by_name: dict[str, list] = {}
    for fact in subnet_facts(tf)[0]:
        by_name.setdefault(fact.label.split(" ")[0].split("[")[0].removeprefix("aws_subnet."), []).append(
            fact.reaches_igw)
    return {name for name, reach in by_name.items() if reach and all(reach)}
