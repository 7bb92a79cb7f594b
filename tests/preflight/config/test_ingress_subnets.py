"""config.ingress-subnets (checks/preflight/config/ingress_subnets.py): the subnets the
controller would find for the Ingress, in at least two zones, with free addresses."""

from __future__ import annotations

from checks.model import Status
from checks.preflight.config.ingress_subnets import IngressSubnetsCheck
from checks.preflight.runner import run_check
from tests.preflight.config.test_subnet_tags import ok_elb_tag_removed
from tests.preflight.conftest import make_ctx
from tests.support.plants import Plants
from tests.support.project_copy import append, edit

PLANTS = Plants(IngressSubnetsCheck)
NETWORK = "terraform/network.tf"
ROLE_TAG_LINE = '    "kubernetes.io/role/elb" = "1"\n'
INTERNET_ROUTE = '  route {\n    cidr_block = "0.0.0.0/0"\n    gateway_id = aws_internet_gateway.this.id\n  }\n'
SCHEME = "alb.ingress.kubernetes.io/scheme: internet-facing"


@PLANTS.defect("alb-controller-subnet-discovery-failed")
def public_subnets_in_one_zone(r):
    # "one public subnet is enough for dev": an ALB needs two zones
    path = r / NETWORK
    text = path.read_text()
    start = text.index('resource "aws_subnet" "public"')
    end = text.index("\n}\n", start)
    block = text[start:end]
    assert block.count("count = length(local.azs)") == 1
    path.write_text(text[:start] + block.replace("count = length(local.azs)", "count = 1") + text[end:])


@PLANTS.defect("alb-controller-subnet-discovery-failed", says="free addresses")
def public_cidrs_from_tfvars_too_small(r):
    append(r / "terraform/variables.tf", '\nvariable "public_subnet_cidrs" {\n  type    = list(string)\n'
           '  default = ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"]\n}\n')
    edit(r / NETWORK, 'cidr_block        = "10.0.${101 + count.index}.0/24"',
         "cidr_block        = var.public_subnet_cidrs[count.index]")
    append(r / "terraform/terraform.tfvars",
           '\npublic_subnet_cidrs = ["10.0.101.0/29", "10.0.101.8/29", "10.0.101.16/29"]\n')


@PLANTS.defect("alb-controller-subnet-discovery-failed", says="Evaluated 0 subnets")
def public_route_gone_and_tags_gone(r):
    """No role tag, and the public route table no longer reaches the internet gateway:
    controller v3.5.0's reachability fallback finds no public subnet either."""
    edit(r / NETWORK, ROLE_TAG_LINE, "")
    edit(r / NETWORK, INTERNET_ROUTE, "")


@PLANTS.defect("alb-controller-subnet-discovery-failed", says="1 < 2")
def role_tag_on_one_new_subnet(r):
    # untagged public subnets found by reachability, until a copy-pasted single subnet
    # carries the tag: discovery then takes only that one zone
    edit(r / NETWORK, ROLE_TAG_LINE, "")
    append(r / NETWORK, '\nresource "aws_subnet" "bastion" {\n  vpc_id            = aws_vpc.this.id\n'
           "  availability_zone = local.azs[0]\n  cidr_block        = \"10.0.200.0/24\"\n\n"
           '  tags = { Name = "bastion", "kubernetes.io/role/elb" = "1" }\n}\n')


@PLANTS.harmless()
def ok_ingress_internal_only_public_tagged(r):
    edit(r / "kubernetes/base/ingress.yaml", SCHEME, "alb.ingress.kubernetes.io/scheme: internal")
    edit(r / NETWORK, '    "kubernetes.io/role/internal-elb" = "1"\n', "")


@PLANTS.harmless()
def ok_ingress_internal_private_tagged(r):
    # an internal ALB: the private subnets carry role/internal-elb in three zones
    edit(r / "kubernetes/base/ingress.yaml", SCHEME, "alb.ingress.kubernetes.io/scheme: internal")


@PLANTS.harmless()
def ok_literal_count_and_cidrsubnet(r):
    edit(r / NETWORK, 'cidr_block        = "10.0.${101 + count.index}.0/24"',
         'cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, 101 + count.index)')


test_plant_on_a_copy = PLANTS.test()


async def test_untagged_public_subnets_are_found_by_reachability(project):
    """No stand-in: the role tag removed (harmless to config.subnet-tags too)."""
    ok_elb_tag_removed(project)
    result = await run_check(IngressSubnetsCheck(), make_ctx(project))
    assert result.status == Status.PASS, f"{result.summary}\n{result.detail}"
