"""config.cluster-access (checks/preflight/config/cluster_access.py): whoever creates the
cluster can use it with kubectl (an access entry with an admin policy, or the bootstrap
admin permission)."""

from __future__ import annotations

from checks.preflight.config.cluster_access import ClusterAccessCheck
from tests.support.plants import Plants
from tests.support.project_copy import delete_block, edit

PLANTS = Plants(ClusterAccessCheck)
EKS = "terraform/eks.tf"


@PLANTS.defect("kubectl-unauthorized")
def creator_admin_association_deleted(r):
    delete_block(r / EKS, 'resource "aws_eks_access_policy_association" "creator_admin" {')


@PLANTS.harmless()
def ok_bootstrap_admin_instead(r):
    creator_admin_association_deleted(r)
    edit(r / EKS, "bootstrap_cluster_creator_admin_permissions = false",
         "bootstrap_cluster_creator_admin_permissions = true")


@PLANTS.harmless()
def ok_access_entries_off(r):
    creator_admin_association_deleted(r)
    edit(r / "terraform/terraform.tfvars", "enable_access_entries = true", "enable_access_entries = false")


test_plant_on_a_copy = PLANTS.test()
