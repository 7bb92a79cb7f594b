"""The image platform rule (petstore_tui/services/node_platform.py) against AWS's own data.

Stand-ins: botocore's EKS service model for every AMI type EKS accepts, and the copy of
EC2's DescribeInstanceTypes data that moto ships (every instance type with its
architectures) for the instance-type rule. Neither needs the network.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from petstore_tui.services import node_platform
from petstore_tui.services.node_platform import AMD64, ARM64, PlatformError


def _ami_types() -> list[str]:
    import botocore

    folder = Path(botocore.__file__).parent / "data" / "eks"
    model = sorted(folder.glob("*/service-2.json*"))[-1]
    raw = gzip.open(model) if model.suffix == ".gz" else model.open("rb")
    with raw as handle:
        return json.load(handle)["shapes"]["AMITypes"]["enum"]


def _instance_types() -> dict[str, list[str]]:
    import moto

    path = Path(moto.__file__).parent / "ec2" / "resources" / "instance_types.json.gz"
    with gzip.open(path) as handle:
        data = json.load(handle)
    return {name: item["ProcessorInfo"]["SupportedArchitectures"] for name, item in data.items()}


def test_every_ami_type_eks_accepts_has_its_answer():
    """Each AMI type maps to the architecture its name states; CUSTOM defers to the
    instance types; a Windows AMI type is refused (the image is a Linux image)."""
    types = _ami_types()
    assert "AL2023_x86_64_STANDARD" in types and "AL2023_ARM_64_STANDARD" in types
    for ami in types:
        if ami.startswith("WINDOWS"):
            with pytest.raises(PlatformError, match="Windows"):
                node_platform.from_ami_type(ami)
        elif ami == "CUSTOM":
            assert node_platform.from_ami_type(ami) is None
        else:
            assert node_platform.from_ami_type(ami) == (ARM64 if "_ARM_64" in ami else AMD64), ami


def test_instance_type_rule_agrees_with_ec2_for_every_type():
    """The Graviton naming rule gives each instance type the architecture EC2 reports for
    it (arm64 when it supports arm64, else x86_64)."""
    types = _instance_types()
    assert len(types) > 500
    wrong = {name: archs for name, archs in types.items()
             if node_platform.from_instance_type(name) != (ARM64 if "arm64" in archs else AMD64)}
    assert wrong == {}


def test_this_repositorys_node_group_is_amd64():
    """terraform/eks.tf: AL2023_x86_64_STANDARD on t3.small."""
    assert node_platform.node_platform("AL2023_x86_64_STANDARD", ["t3.small"]) == (
        AMD64, "AMI type AL2023_x86_64_STANDARD")
    assert node_platform.from_outputs({"node_instance_types": ["t3.small"]})[0] == AMD64
    assert node_platform.from_outputs({})[0] == AMD64  # EKS's default


def test_mixed_architectures_are_an_error():
    with pytest.raises(PlatformError, match=r"mixes architectures \(t3.small: linux/amd64, t4g.small: linux/arm64\)"):
        node_platform.node_platform(None, ["t3.small", "t4g.small"])
