"""config.duplicate-sg-rules (checks/preflight/config/duplicate_sg_rules.py): the same
security group rule declared twice, in any of Terraform's three ways of writing one."""

from __future__ import annotations

from checks.preflight.config.duplicate_sg_rules import DuplicateSgRulesCheck
from tests.support.plants import Plants
from tests.support.project_copy import append

PLANTS = Plants(DuplicateSgRulesCheck)
EKS = "terraform/eks.tf"


@PLANTS.defect("terraform-duplicate-sg-rule")
def duplicate_sg_rule_9443(r):
    append(r / EKS, """
# Webhook port for the AWS Load Balancer Controller
resource "aws_vpc_security_group_ingress_rule" "lb_controller_webhook" {
  security_group_id            = aws_security_group.node.id
  description                  = "ALB controller webhook"
  referenced_security_group_id = aws_security_group.cluster.id
  ip_protocol                  = "tcp"
  from_port                    = 9443
  to_port                      = 9443
}
""")


@PLANTS.defect("terraform-duplicate-sg-rule")
def duplicate_sg_rule_9443_legacy_resource(r):
    append(r / EKS, """
# From the controller install guide: allow the control plane to reach the webhook
resource "aws_security_group_rule" "alb_controller_webhook" {
  type                     = "ingress"
  description              = "Cluster API to AWS LB Controller webhook"
  from_port                = 9443
  to_port                  = 9443
  protocol                 = "tcp"
  security_group_id        = aws_security_group.node.id
  source_security_group_id = aws_security_group.cluster.id
}
""")


@PLANTS.defect("terraform-duplicate-sg-rule")
def duplicate_sg_rule_9443_legacy_protocol_number(r):
    append(r / EKS, """
resource "aws_security_group_rule" "webhook_again" {
  type                     = "ingress"
  from_port                = 9443
  to_port                  = 9443
  protocol                 = "6"
  security_group_id        = aws_security_group.node.id
  source_security_group_id = aws_security_group.cluster.id
}
""")


@PLANTS.defect("terraform-duplicate-sg-rule")
def duplicate_sg_rule_inline(r):
    append(r / EKS, """
resource "aws_security_group" "extra" {
  vpc_id = aws_vpc.this.id
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16", "192.168.0.0/24"]
  }
  ingress {
    description = "same rule, other words"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}
""")


@PLANTS.harmless()
def ok_sg_rule_other_source(r):
    append(r / EKS, """
resource "aws_security_group_rule" "webhook_from_vpc" {
  type              = "ingress"
  from_port         = 9443
  to_port           = 9443
  protocol          = "tcp"
  security_group_id = aws_security_group.node.id
  cidr_blocks       = ["10.0.0.0/16"]
}
""")


test_plant_on_a_copy = PLANTS.test()
