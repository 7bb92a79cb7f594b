"""config.webhook-port (checks/preflight/config/webhook_port.py): the control plane reaches
the controller's webhook on the nodes' port 9443."""

from __future__ import annotations

from checks.preflight.config.webhook_port import WebhookPortCheck
from tests.support.plants import Plants
from tests.support.project_copy import append, delete_block

PLANTS = Plants(WebhookPortCheck)
EKS = "terraform/eks.tf"
WEBHOOK_RULE = 'resource "aws_vpc_security_group_ingress_rule" "node_from_cluster_webhook_9443" {'


@PLANTS.defect("alb-controller-webhook-unreachable")
def webhook_9443_rule_deleted(r):
    delete_block(r / EKS, WEBHOOK_RULE)


@PLANTS.harmless()
def ok_webhook_by_wide_range(r):
    delete_block(r / EKS, WEBHOOK_RULE)
    append(r / EKS, """
resource "aws_security_group" "extra_rules_holder" {
  vpc_id = aws_vpc.this.id
}

resource "aws_security_group_rule" "node_from_cluster_ephemeral" {
  type                     = "ingress"
  from_port                = 1025
  to_port                  = 65535
  protocol                 = "tcp"
  security_group_id        = aws_security_group.node.id
  source_security_group_id = aws_security_group.cluster.id
}
""")


test_plant_on_a_copy = PLANTS.test()
