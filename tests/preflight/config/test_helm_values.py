"""config.helm-values (checks/preflight/config/helm_values.py): the controller's Helm values
take region, VPC and cluster from the runbook, and leave the ServiceAccount and the
IngressClass to kubernetes/controller/."""

from __future__ import annotations

from checks.preflight.config.helm_values import HelmValuesCheck
from tests.preflight.config.test_controller_ingressclass import ingressclass_left_to_helm
from tests.support.plants import Plants
from tests.support.project_copy import edit

PLANTS = Plants(HelmValuesCheck)
VALUES = "kubernetes/controller/values.yaml"


@PLANTS.defect(None)
def helm_region_hardcoded_other(r):
    edit(r / VALUES, "region: ${AWS_REGION}", "region: us-west-2")


@PLANTS.defect(None)
def helm_vpc_hardcoded(r):
    edit(r / VALUES, "vpcId: ${VPC_ID}", "vpcId: vpc-0a1b2c3d4e5f67890")


@PLANTS.defect(None)
def helm_cluster_name_hardcoded_other(r):
    edit(r / VALUES, "clusterName: ${CLUSTER_NAME}", "clusterName: petstore")


@PLANTS.defect("alb-controller-imds-unavailable")
def helm_vpc_removed_imds_hop_limit_1(r):
    # "the controller finds its VPC by itself": not with IMDSv2 and hop limit 1 (eks.tf)
    edit(r / VALUES, "vpcId: ${VPC_ID}\n", "")


@PLANTS.defect("alb-controller-serviceaccount-role-missing")
def helm_creates_service_account_too(r):
    edit(r / VALUES, "serviceAccount:\n  create: false", "serviceAccount:\n  create: true")


@PLANTS.defect("helm-resource-ownership-conflict")
def helm_creates_ingress_class_too(r):
    edit(r / VALUES, "createIngressClassResource: false", "createIngressClassResource: true")


# No file, no second owner: config.controller-ingressclass says what really fails (controller-prereqs).
@PLANTS.harmless(only_this_check="config.controller-ingressclass fails it: the runbook applies the deleted file")
def helm_creates_ingress_class_with_the_file_gone(r):
    ingressclass_left_to_helm(r)


@PLANTS.harmless()
def ok_helm_region_same_as_terraform(r):
    edit(r / VALUES, "region: ${AWS_REGION}", "region: us-east-1")


test_plant_on_a_copy = PLANTS.test()
