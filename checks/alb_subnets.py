"""How the AWS Load Balancer Controller picks an ALB's subnets, by release (docs/knowledge/alb-subnet-discovery.md): one function the live probe, the config checks and the subnet drill share, on facts that may be unknown (Terraform before apply)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from checks.alb_policy import INSTALLED_RELEASE, parse_release
from checks.project.hcl_values import is_unknown

ROLE_TAG = {"internet-facing": "kubernetes.io/role/elb", "internal": "kubernetes.io/role/internal-elb"}
ROLE_VALUES = ("", "1")  # the controller's EC2 tag filter: anything else ("true") matches nothing
CLUSTER_TAG = "kubernetes.io/cluster/"
MIN_FREE_ADDRESSES = 8
MIN_ALB_ZONES = 2  # unless the ALBSingleSubnet feature gate (allow-listed accounts only)
REACHABILITY_SINCE = (2, 13, 0)  # SubnetDiscoveryByReachability, on by default
CLUSTER_TAG_REQUIRED_BEFORE = (2, 1, 1)
EVALUATED_WORDING_SINCE = (2, 13, 0)
MATCH_WORDING_SINCE = (2, 7, 0)


@dataclass(frozen=True)
class SubnetFacts:
    """One subnet as discovery sees it; None where the value is not known yet (Terraform
    before apply). `zone` may be a symbol that only says which zone it is not."""

    id: str
    label: str
    zone: Any
    tags: Mapping[str, Any] | None
    free_addresses: int | None
    reaches_igw: bool | None


@dataclass
class Discovery:
    """The outcome for one scheme: `status` is "ok", "fail" or "unknown"."""

    release: str
    scheme: str
    basis: str  # "role tags" | "reachability" | "unknown" | "none"
    how: str
    status: str
    zones: list[str] = field(default_factory=list)  # the zones of the subnets it would choose
    dropped: list[str] = field(default_factory=list)  # "<subnet>: why"
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""  # what the controller at `release` would log (Ingress reconcile)

    def lines(self) -> list[str]:
        head = f"controller {self.release}, {self.scheme}: {self.how}; zones chosen: {', '.join(self.zones) or 'none'}"
        return [head, *self.dropped, *self.unknown, *self.notes]


def tag_text(value: Any) -> str:
    """A tag value as AWS stores it (HCL's 1 and true become "1" and "true")."""
    return "true" if value is True else "false" if value is False else str(value)


def role_tag_state(tags: Mapping[str, Any] | None, key: str) -> bool | None:
    """Whether a subnet matches the role tag filter (key present with value "" or "1")."""
    if tags is None:
        return None
    if key not in tags:
        return False
    return None if is_unknown(tags[key]) else tag_text(tags[key]) in ROLE_VALUES


def cluster_tag_state(tags: Mapping[str, Any] | None, cluster: str, release: str) -> tuple[bool | None, str]:
    """(eligible, why not) under the cluster tag rule of `release`."""
    if tags is None:
        return None, "tags not known"
    mine = CLUSTER_TAG + cluster
    keys = [k for k in tags if k.startswith(CLUSTER_TAG.rstrip("/"))]
    if parse_release(release) < CLUSTER_TAG_REQUIRED_BEFORE:
        return (mine in keys), f"no {mine} tag (required before v2.1.1)"
    if not keys or mine in keys:
        return True, ""
    return False, f"tagged for another cluster ({', '.join(sorted(keys))})"


def discover(subnets: list[SubnetFacts], cluster: str, scheme: str = "internet-facing",
             release: str = INSTALLED_RELEASE, reachability_gate: bool = True) -> Discovery:
    """What the controller at `release` does with these subnets (the VPC's) for an ALB of
    `scheme`: candidates by role tag, else (v2.13.0+) by route to an internet gateway;
    then drop subnets tagged for another cluster and those with fewer than 8 free
    addresses; one subnet per zone; an ALB needs two zones."""
    key = ROLE_TAG[scheme]
    version = parse_release(release)
    states = {s.id: role_tag_state(s.tags, key) for s in subnets}
    notes = [f"{s.label}: {key}={tag_text(s.tags[key])!r} matches nothing (the controller's filter is 1 or empty)"
             for s in subnets if s.tags and key in s.tags and states[s.id] is False]
    tagged = [s for s in subnets if states[s.id] is True]
    maybe = [s for s in subnets if states[s.id] is None]
    wanted = scheme == "internet-facing"
    fallback = version >= REACHABILITY_SINCE and reachability_gate
    reachable = [s for s in subnets if s.reaches_igw is wanted] if fallback else []
    reach_unknown = [s for s in subnets if s.reaches_igw is None] if fallback else []
    if tagged:
        basis, how, pool, possible = "role tags", f"candidates tagged {key} (1 or empty)", tagged, maybe
    elif maybe:
        basis, how = "unknown", f"cannot tell which subnets carry {key}"
        pool, possible = [], maybe + reachable + reach_unknown
    elif fallback:
        basis, how = "reachability", (f"no subnet tagged {key} (1 or empty): candidates are the subnets with "
                                      f"{'a' if wanted else 'no'} route to an internet gateway (reachability, v2.13.0+)")
        pool, possible = reachable, reach_unknown
    else:
        basis, how = "none", f"no subnet tagged {key} (1 or empty), and {release} has no reachability fallback"
        pool, possible = [], []
    result = Discovery(release, scheme, basis, how, "fail", notes=notes)
    passed_over = [s.label for s in subnets if s not in pool and s not in possible]
    if passed_over:
        if tagged or not fallback:
            why = f"no {key} of 1 or empty"
        else:
            why = "untagged, and " + ("no route to an internet gateway" if wanted else "a route to an internet gateway")
        result.notes.append(f"not candidates ({why}): {', '.join(passed_over)}")
    sure, other_cluster, few = _eligible(pool, cluster, release, result)
    result.zones = _zones(sure)
    maybe_ok = [s for s in pool + possible if _may_be_eligible(s, cluster, release)]
    optimistic = len(_zones(maybe_ok)) + sum(1 for s in maybe_ok if s.zone is None)
    result.unknown += [f"{s.label}: cannot tell before apply whether discovery takes it" for s in possible]
    if len(result.zones) >= MIN_ALB_ZONES:
        result.status = "ok"
    elif optimistic >= MIN_ALB_ZONES:
        result.status = "unknown"
    else:
        result.error = _error(version, len(pool), other_cluster, few, len(result.zones), key)
    return result


def _eligible(subnets: list[SubnetFacts], cluster: str, release: str,
              result: Discovery) -> tuple[list[SubnetFacts], int, int]:
    kept, other_cluster, few = [], 0, 0
    for subnet in subnets:
        ok, why = cluster_tag_state(subnet.tags, cluster, release)
        if ok is False:
            other_cluster += 1
            result.dropped.append(f"{subnet.label}: dropped, {why}")
        elif subnet.free_addresses is not None and subnet.free_addresses < MIN_FREE_ADDRESSES:
            few += 1
            result.dropped.append(f"{subnet.label}: dropped, {subnet.free_addresses} free addresses "
                                  f"(< {MIN_FREE_ADDRESSES})")
        elif ok is None or subnet.free_addresses is None or subnet.zone is None:
            result.unknown.append(f"{subnet.label}: its tags, free addresses or zone are known only after apply")
        else:
            kept.append(subnet)
    return kept, other_cluster, few


def _may_be_eligible(subnet: SubnetFacts, cluster: str, release: str) -> bool:
    ok, _why = cluster_tag_state(subnet.tags, cluster, release)
    return ok is not False and (subnet.free_addresses is None or subnet.free_addresses >= MIN_FREE_ADDRESSES)


def _zones(subnets: list[SubnetFacts]) -> list[str]:
    """The distinct zones, in order (None counts as unknown and is left out)."""
    return list(dict.fromkeys(str(s.zone) for s in subnets if s.zone is not None))


def _error(version: tuple[int, int, int], evaluated: int, other_cluster: int, few: int, zones: int,
           key: str) -> str:
    """The controller's Ingress error at `version` (pkg/networking/subnet_resolver.go)."""
    prefix = "couldn't auto-discover subnets: "
    if zones:
        return prefix + f"subnets count less than minimal required count: {zones} < {MIN_ALB_ZONES}"
    if version >= EVALUATED_WORDING_SINCE:
        return prefix + (f"unable to resolve at least one subnet. Evaluated {evaluated} subnets: {other_cluster} "
                         f"are tagged for other clusters, and {few} have insufficient available IP addresses")
    if version >= MATCH_WORDING_SINCE:
        extra = (f", {other_cluster} tagged for other cluster" if other_cluster else "") + \
            (f", {few} have fewer than {MIN_FREE_ADDRESSES} free IPs" if few else "")
        return prefix + f"unable to resolve at least one subnet ({evaluated} match VPC and tags: [{key}]{extra})"
    return prefix + "unable to discover at least one subnet"


def facts_from_aws(subnets: list[dict], route_tables: list[dict]) -> list[SubnetFacts]:
    """SubnetFacts from ec2.describe_subnets() and describe_route_tables() items: a subnet
    without an explicit association uses the VPC's main route table; "public" means a
    route whose GatewayId starts with igw (as the controller tests it)."""
    main = next((t for t in route_tables if any(a.get("Main") for a in t.get("Associations") or [])), None)
    by_subnet = {a["SubnetId"]: t for t in route_tables for a in t.get("Associations") or [] if a.get("SubnetId")}
    out = []
    for subnet in subnets:
        tags = {t["Key"]: t.get("Value", "") for t in subnet.get("Tags") or []}
        table = by_subnet.get(subnet["SubnetId"], main)
        igw = None if table is None else any(str(r.get("GatewayId", "")).startswith("igw")
                                             for r in table.get("Routes") or [])
        label = f"{subnet['SubnetId']} ({tags.get('Name', '-')}, {subnet.get('AvailabilityZone', '?')})"
        out.append(SubnetFacts(subnet["SubnetId"], label, subnet.get("AvailabilityZone"), tags,
                               subnet.get("AvailableIpAddressCount"), igw))
    return out
