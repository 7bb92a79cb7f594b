"""The image platform for the EKS node group, from its AMI type and instance types (Terraform outputs).

The rule (docs/knowledge/node-architecture.md): an AMI type naming an architecture
decides (`*_x86_64*` -> linux/amd64, `*_ARM_64*` -> linux/arm64); otherwise (CUSTOM, or
unknown) the instance types do: Graviton families (`a1`, or a `g` right after the
generation digit: t4g, m7g, c6gn, x2gd, im4gn) are arm64, every other family x86_64.
Mixed architectures, or a Windows AMI, cannot run one Linux image: that is an error.
"""

from __future__ import annotations

import platform
import re
from collections.abc import Iterable, Mapping
from typing import Any

AMD64, ARM64 = "linux/amd64", "linux/arm64"
DEFAULT = AMD64  # EKS's default AMI types for managed node groups are x86_64
_GRAVITON = re.compile(r"^(?:a1|[a-z]+\d+g[a-z-]*)$")


class PlatformError(ValueError):
    """The node group's settings name no single Linux platform; the message says why."""


def from_ami_type(ami_type: str | None) -> str | None:
    if not ami_type:
        return None
    if ami_type.upper().startswith("WINDOWS"):
        raise PlatformError(f"AMI type {ami_type} runs Windows nodes: the Pet Store image is a Linux image")
    if "_ARM_64" in ami_type.upper():
        return ARM64
    if "X86_64" in ami_type.upper():
        return AMD64
    return None  # CUSTOM: the launch template's AMI decides; look at the instance types


def from_instance_type(instance_type: str) -> str:
    family = instance_type.split(".", 1)[0].lower()
    return ARM64 if _GRAVITON.match(family) else AMD64


def node_platform(ami_type: str | None, instance_types: Iterable[str] | None) -> tuple[str, str]:
    """(platform, why) for a node group; raises PlatformError when it has none."""
    by_ami = from_ami_type(ami_type)
    if by_ami:
        return by_ami, f"AMI type {ami_type}"
    types = [t for t in (instance_types or []) if t]
    if not types:
        return DEFAULT, "no AMI or instance type known: EKS's default x86_64"
    found = {from_instance_type(t): t for t in types}
    if len(found) > 1:
        raise PlatformError("the node group mixes architectures (" + ", ".join(
            f"{t}: {p}" for p, t in sorted(found.items())) + "): one image cannot run on both; "
            "build a multi-platform image or use one architecture")
    (platform,) = found
    return platform, f"instance type{'s' if len(types) > 1 else ''} {', '.join(types)}"


def from_outputs(outputs: Mapping[str, Any]) -> tuple[str, str]:
    """From Terraform's outputs `node_ami_type` and `node_instance_types`."""
    types = outputs.get("node_instance_types")
    if isinstance(types, str):
        types = [types]
    return node_platform(outputs.get("node_ami_type"), types)


def host_platform() -> str:
    machine = platform.machine().lower()
    return ARM64 if machine in ("aarch64", "arm64") else AMD64 if machine in ("x86_64", "amd64") else f"linux/{machine}"
