"""config.nodegroup-subnets (checks/preflight/config/nodegroup_subnets.py): the nodes'
subnets reach EKS and ECR (a default route through a NAT gateway)."""

from __future__ import annotations

from checks.preflight.config.nodegroup_subnets import NodegroupSubnetsCheck
from tests.support.plants import Plants
from tests.support.project_copy import append, edit

PLANTS = Plants(NodegroupSubnetsCheck)
NETWORK = "terraform/network.tf"


@PLANTS.defect("eks-nodegroup-create-failed")
def private_route_without_nat(r):
    # the private route table's default route deleted: nodes cannot reach EKS/ECR, never join
    edit(r / NETWORK, """  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.this[min(count.index, local.nat_gateway_count - 1)].id
  }

""", "")


@PLANTS.harmless()
def ok_nat_route_as_resource(r):
    private_route_without_nat(r)
    append(r / NETWORK, """
resource "aws_route" "private_nat" {
  count                  = length(local.azs)
  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[0].id
}
""")


test_plant_on_a_copy = PLANTS.test()
