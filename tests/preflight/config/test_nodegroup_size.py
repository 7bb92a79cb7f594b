"""config.nodegroup-size (checks/preflight/config/nodegroup_size.py): min <= desired <= max,
with at least one node, however the sizes are written."""

from __future__ import annotations

from checks.preflight.config.nodegroup_size import NodegroupSizeCheck
from tests.support.plants import Plants
from tests.support.project_copy import edit

PLANTS = Plants(NodegroupSizeCheck)
TFVARS = "terraform/terraform.tfvars"


@PLANTS.defect("eks-nodegroup-create-failed")
def nodegroup_desired_zero(r):
    edit(r / TFVARS, "node_desired_size  = 2", "node_desired_size  = 0")


@PLANTS.defect("eks-nodegroup-create-failed")
def nodegroup_max_below_min(r):
    edit(r / TFVARS, "node_max_size      = 5", "node_max_size      = 1")


@PLANTS.defect("eks-nodegroup-create-failed", says="max 1")
def node_max_from_a_local(r):
    edit(r / "terraform/eks.tf", "max_size     = var.node_max_size", "max_size     = local.node_max")
    edit(r / "terraform/main.tf", "  azs = slice(", "  node_max = var.node_min_size - 1\n\n  azs = slice(")


@PLANTS.harmless()
def ok_sizes_one_three_three(r):
    edit(r / TFVARS, "node_min_size      = 2", "node_min_size      = 1")
    edit(r / TFVARS, "node_desired_size  = 2", "node_desired_size  = 3")
    edit(r / TFVARS, "node_max_size      = 5", "node_max_size      = 3")


test_plant_on_a_copy = PLANTS.test()
