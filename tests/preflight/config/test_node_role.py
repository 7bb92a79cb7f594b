"""config.node-role (checks/preflight/config/node_role.py): the nodes' role may pull images
from ECR."""

from __future__ import annotations

from checks.preflight.config.node_role import NodeRoleCheck
from tests.support.plants import Plants
from tests.support.project_copy import append, edit

PLANTS = Plants(NodeRoleCheck)
IAM = "terraform/iam.tf"


@PLANTS.defect("ecr-pull-forbidden")
def node_role_without_ecr_read(r):
    edit(r / IAM, '    "AmazonEC2ContainerRegistryReadOnly",\n', "")


@PLANTS.harmless()
def ok_ecr_by_inline_policy(r):
    node_role_without_ecr_read(r)
    append(r / IAM, """
resource "aws_iam_role_policy" "node_ecr" {
  role = aws_iam_role.node.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
      Resource = "*"
    }]
  })
}
""")


test_plant_on_a_copy = PLANTS.test()
