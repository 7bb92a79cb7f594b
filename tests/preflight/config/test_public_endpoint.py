"""config.public-endpoint (checks/preflight/config/public_endpoint.py): kubectl from the
operator's machine reaches the cluster's API endpoint."""

from __future__ import annotations

from checks.preflight.config.public_endpoint import PublicEndpointCheck
from tests.support.plants import Plants
from tests.support.project_copy import append, edit

PLANTS = Plants(PublicEndpointCheck)
TFVARS = "terraform/terraform.tfvars"
OPEN_CIDRS = 'cluster_endpoint_public_access_cidrs = ["0.0.0.0/0"]'


@PLANTS.defect("eks-endpoint-unreachable")
def endpoint_public_access_false(r):
    edit(r / "terraform/eks.tf", "endpoint_public_access = true", "endpoint_public_access = false")


@PLANTS.defect("eks-endpoint-unreachable")
def public_access_cidrs_vpc_only(r):
    # "public" endpoint that only the VPC may reach: kubectl from a laptop times out
    edit(r / TFVARS, OPEN_CIDRS, 'cluster_endpoint_public_access_cidrs = ["10.0.0.0/16"]')


@PLANTS.defect("eks-endpoint-unreachable")
def public_access_cidrs_private_ranges_only(r):
    edit(r / TFVARS, OPEN_CIDRS, 'cluster_endpoint_public_access_cidrs = ["10.0.0.0/16", "192.168.1.0/24"]')


@PLANTS.defect("eks-endpoint-unreachable")
def endpoint_from_an_object_variable_default(r):
    append(r / "terraform/variables.tf", '\nvariable "endpoint" {\n  type = object({\n'
           '    public = optional(bool, false)\n  })\n  default = {}\n}\n')
    edit(r / "terraform/eks.tf", "endpoint_public_access = true", "endpoint_public_access = var.endpoint.public")


@PLANTS.harmless()
def ok_public_cidrs_narrowed(r):
    edit(r / TFVARS, OPEN_CIDRS,
         'cluster_endpoint_public_access_cidrs = ["203.0.113.10/32", "198.51.100.0/24"]')


@PLANTS.harmless()
def ok_public_cidrs_vpc_and_one_public_address(r):
    edit(r / TFVARS, OPEN_CIDRS, 'cluster_endpoint_public_access_cidrs = ["10.0.0.0/16", "203.0.113.10/32"]')


@PLANTS.harmless()
def ok_production_environment(r):
    edit(r / TFVARS, 'environment        = "development"', 'environment        = "production"')


test_plant_on_a_copy = PLANTS.test()
