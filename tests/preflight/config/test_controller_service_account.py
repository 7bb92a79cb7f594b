"""config.controller-service-account (checks/preflight/config/controller_service_account.py):
the controller's ServiceAccount carries the IRSA role annotation, under the name the role's
trust policy expects."""

from __future__ import annotations

from checks.preflight.config.controller_service_account import ControllerServiceAccountCheck
from tests.support.plants import Plants
from tests.support.project_copy import edit

PLANTS = Plants(ControllerServiceAccountCheck)
SERVICE_ACCOUNT = "kubernetes/controller/serviceaccount.yaml"


@PLANTS.defect("alb-controller-serviceaccount-role-missing")
def service_account_without_role_arn(r):
    edit(r / SERVICE_ACCOUNT, "    eks.amazonaws.com/role-arn: ${CONTROLLER_ROLE_ARN}\n", "")


@PLANTS.defect("alb-controller-serviceaccount-role-missing")
def service_account_role_arn_key_typo(r):
    edit(r / SERVICE_ACCOUNT, "eks.amazonaws.com/role-arn:", "eks.amazonaws.com/role_arn:")


@PLANTS.defect("alb-controller-serviceaccount-role-missing")
def service_account_renamed(r):
    edit(r / SERVICE_ACCOUNT, "  name: aws-load-balancer-controller\n  namespace: kube-system",
         "  name: alb-controller\n  namespace: kube-system")


@PLANTS.defect("alb-controller-irsa-web-identity-failed")
def irsa_trust_other_name(r):
    edit(r / "terraform/main.tf", 'lb_controller_service_account = "aws-load-balancer-controller"',
         'lb_controller_service_account = "alb-controller"')


@PLANTS.harmless()
def ok_service_account_literal_role_arn(r):
    edit(r / SERVICE_ACCOUNT, "eks.amazonaws.com/role-arn: ${CONTROLLER_ROLE_ARN}",
         "eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/petstore-lb-ctrl")


test_plant_on_a_copy = PLANTS.test()
