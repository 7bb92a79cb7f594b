"""ALL_CHECKS: every preflight check, in display order, in one explicit tuple."""

from __future__ import annotations

from checks.preflight.aws.credentials import CredentialsCheck
from checks.preflight.aws.ec2_reachable import Ec2ReachableCheck
from checks.preflight.aws.identity import IdentityCheck
from checks.preflight.aws.region import RegionCheck
from checks.preflight.cluster.api import ClusterApiCheck
from checks.preflight.cluster.controller_policy import ControllerPolicyCheck
from checks.preflight.cluster.endpoint import ClusterEndpointCheck
from checks.preflight.cluster.ingressclass import IngressClassCheck
from checks.preflight.cluster.oidc import OidcCheck
from checks.preflight.cluster.service_account import ServiceAccountCheck
from checks.preflight.cluster.status import ClusterStatusCheck
from checks.preflight.cluster.subnets import SubnetsCheck
from checks.preflight.cluster.version import ClusterVersionCheck
from checks.preflight.config.cluster_access import ClusterAccessCheck
from checks.preflight.config.controller_ingressclass import ControllerIngressClassCheck
from checks.preflight.config.controller_policy import ControllerPolicyFileCheck
from checks.preflight.config.controller_service_account import ControllerServiceAccountCheck
from checks.preflight.config.dockerfile_user import DockerfileUserCheck
from checks.preflight.config.duplicate_outputs import DuplicateOutputsCheck
from checks.preflight.config.duplicate_sg_rules import DuplicateSgRulesCheck
from checks.preflight.config.eks_version import EksVersionCheck
from checks.preflight.config.files import ConfigFilesCheck
from checks.preflight.config.flask_werkzeug import FlaskWerkzeugCheck
from checks.preflight.config.health_paths import HealthPathsCheck
from checks.preflight.config.helm_values import HelmValuesCheck
from checks.preflight.config.ingress_class import IngressClassNameCheck
from checks.preflight.config.ingress_subnets import IngressSubnetsCheck
from checks.preflight.config.k8s_api import KubernetesApiCheck
from checks.preflight.config.node_role import NodeRoleCheck
from checks.preflight.config.nodegroup_size import NodegroupSizeCheck
from checks.preflight.config.nodegroup_subnets import NodegroupSubnetsCheck
from checks.preflight.config.ports import PortsCheck
from checks.preflight.config.public_endpoint import PublicEndpointCheck
from checks.preflight.config.readonly_sqlite import ReadonlySqliteCheck
from checks.preflight.config.subnet_tags import SubnetTagsCheck
from checks.preflight.config.webhook_port import WebhookPortCheck
from checks.preflight.tools.aws_cli import AwsCliCheck
from checks.preflight.tools.container_engine import ContainerEngineCheck
from checks.preflight.tools.git import GitCheck
from checks.preflight.tools.helm import HelmCheck
from checks.preflight.tools.jq import JqCheck
from checks.preflight.tools.kubectl import KubectlCheck
from checks.preflight.tools.terraform import TerraformCheck

ALL_CHECKS = (
    AwsCliCheck,
    TerraformCheck,
    KubectlCheck,
    HelmCheck,
    ContainerEngineCheck,
    JqCheck,
    GitCheck,
    CredentialsCheck,
    IdentityCheck,
    RegionCheck,
    Ec2ReachableCheck,
    ConfigFilesCheck,
    SubnetTagsCheck,
    PublicEndpointCheck,
    ControllerPolicyFileCheck,
    DuplicateOutputsCheck,
    DuplicateSgRulesCheck,
    WebhookPortCheck,
    EksVersionCheck,
    ClusterAccessCheck,
    NodegroupSizeCheck,
    NodegroupSubnetsCheck,
    NodeRoleCheck,
    DockerfileUserCheck,
    FlaskWerkzeugCheck,
    IngressClassNameCheck,
    IngressSubnetsCheck,
    ReadonlySqliteCheck,
    HelmValuesCheck,
    ControllerServiceAccountCheck,
    ControllerIngressClassCheck,
    PortsCheck,
    HealthPathsCheck,
    KubernetesApiCheck,
    ClusterStatusCheck,
    ClusterVersionCheck,
    ClusterEndpointCheck,
    OidcCheck,
    SubnetsCheck,
    ControllerPolicyCheck,
    ClusterApiCheck,
    IngressClassCheck,
    ServiceAccountCheck,
)
