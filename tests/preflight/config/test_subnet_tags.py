"""config.subnet-tags (checks/preflight/config/subnet_tags.py): the subnets' cluster tag and
role tags. The role-tag edits are harmless at controller v3.5.0, the release the runbook
installs: with no subnet tagged kubernetes.io/role/elb (1 or empty) it takes the subnets
that route to an internet gateway (docs/knowledge/alb-subnet-discovery.md)."""

from __future__ import annotations

from pathlib import Path

from checks.preflight.config.subnet_tags import SubnetTagsCheck
from tests.support.plants import Plants
from tests.support.project_copy import edit

PLANTS = Plants(SubnetTagsCheck)
NETWORK = "terraform/network.tf"
ROLE_TAG = '"kubernetes.io/role/elb" = "1"'


@PLANTS.defect("alb-controller-subnet-discovery-failed")
def cluster_tag_wrong_cluster_name(r):
    # hard-coded from an older cluster name: the subnets now belong to "another cluster"
    edit(r / "terraform/main.tf", '"kubernetes.io/cluster/${var.cluster_name}" = "shared"',
         '"kubernetes.io/cluster/petstore" = "shared"')


@PLANTS.defect("alb-controller-subnet-discovery-failed", says="petstore-old")
def cluster_tag_through_a_local(r):
    edit(r / "terraform/main.tf", '"kubernetes.io/cluster/${var.cluster_name}" = "shared"',
         '"kubernetes.io/cluster/${local.tag_cluster}" = "shared"')
    edit(r / "terraform/main.tf", "  azs = slice(", '  tag_cluster = "petstore-old"\n\n  azs = slice(')


@PLANTS.harmless()
def ok_elb_tag_removed(r):
    edit(r / NETWORK, f"    {ROLE_TAG}\n", "")


@PLANTS.harmless()
def ok_elb_tag_misspelled_alb(r):
    edit(r / NETWORK, ROLE_TAG, '"kubernetes.io/role/alb" = "1"')


@PLANTS.harmless(warns=True)
def ok_elb_tag_value_zero(r):
    edit(r / NETWORK, ROLE_TAG, '"kubernetes.io/role/elb" = "0"')


@PLANTS.harmless(warns=True)
def ok_elb_tag_value_true(r):
    edit(r / NETWORK, ROLE_TAG, '"kubernetes.io/role/elb" = "true"')


@PLANTS.harmless()
def ok_public_subnets_tagged_internal_elb(r):
    # copy-pasted from the private block
    edit(r / NETWORK, ROLE_TAG, '"kubernetes.io/role/internal-elb" = "1"')


@PLANTS.harmless()
def ok_elb_tag_commented_out(r):
    # "temporarily" commented out while debugging, never put back
    edit(r / NETWORK, f"    {ROLE_TAG}\n", f"    # {ROLE_TAG}\n")


@PLANTS.harmless()
def ok_elb_tag_unquoted_number(r):
    # HCL turns the number 1 into the string "1"
    edit(r / NETWORK, ROLE_TAG, '"kubernetes.io/role/elb" = 1')


@PLANTS.harmless()
def ok_elb_tag_empty_value(r):
    # docs/knowledge/system.md: the role tag's value is 1 or empty
    edit(r / NETWORK, ROLE_TAG, '"kubernetes.io/role/elb" = ""')


@PLANTS.harmless()
def ok_cluster_name_changed(r):
    # everything derives from var.cluster_name (tags, Helm values through the runbook)
    edit(r / "terraform/terraform.tfvars", 'cluster_name       = "petstore-eks"',
         'cluster_name       = "petstore-dev"')


test_plant_on_a_copy = PLANTS.test()


def test_tags_through_merge_and_locals_keep_terraforms_string_forms():
    """No stand-in: a merge() of a local and a literal, as python-hcl2 gives it, evaluated;
    numbers and bools become the strings AWS stores."""
    from checks.alb_subnets import tag_text
    from checks.project.terraform import Terraform
    from checks.project.terraform_files import TerraformConfig

    tf = Terraform(TerraformConfig(Path("."), locals={"base": {"kubernetes.io/cluster/x": "shared"}}))
    tags = tf.evaluate('${merge(local.base, {Name = "a", "kubernetes.io/role/elb" = 1, flag = true})}')
    assert tag_text(tags["kubernetes.io/role/elb"]) == "1" and tag_text(tags["flag"]) == "true"
    assert tags["kubernetes.io/cluster/x"] == "shared" and "kubernetes.io/role/internal-elb" not in tags
