"""Config checks that cross files (security group rules, node group, node role, cluster access, the controller's ServiceAccount and IngressClass, ports and health paths) and the sharper old ones (cluster tag, private-only CIDRs, *.auto.tfvars, the attached policy file, chown owner vs USER, a lock without Werkzeug): each on a copy of this repository, passing as it is or with a benign variant, failing with one defect planted."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from checks.model import Status
from checks.preflight.config.cluster_access import ClusterAccessCheck
from checks.preflight.config.controller_ingressclass import ControllerIngressClassCheck
from checks.preflight.config.controller_policy import ControllerPolicyFileCheck
from checks.preflight.config.controller_service_account import ControllerServiceAccountCheck
from checks.preflight.config.dockerfile_user import DockerfileUserCheck
from checks.preflight.config.duplicate_sg_rules import DuplicateSgRulesCheck
from checks.preflight.config.eks_version import EksVersionCheck
from checks.preflight.config.flask_werkzeug import FlaskWerkzeugCheck
from checks.preflight.config.health_paths import HealthPathsCheck
from checks.preflight.config.ingress_subnets import IngressSubnetsCheck
from checks.preflight.config.node_role import NodeRoleCheck
from checks.preflight.config.nodegroup_size import NodegroupSizeCheck
from checks.preflight.config.nodegroup_subnets import NodegroupSubnetsCheck
from checks.preflight.config.ports import PortsCheck
from checks.preflight.config.public_endpoint import PublicEndpointCheck
from checks.preflight.config.subnet_tags import SubnetTagsCheck
from checks.preflight.config.webhook_port import WebhookPortCheck
from checks.preflight.registry import ALL_CHECKS
from checks.preflight.runner import run_check
from tests.preflight.conftest import make_ctx

NEW_CHECKS = [DuplicateSgRulesCheck, WebhookPortCheck, ClusterAccessCheck, NodegroupSizeCheck,
              NodegroupSubnetsCheck, NodeRoleCheck, ControllerServiceAccountCheck, ControllerIngressClassCheck,
              PortsCheck, HealthPathsCheck]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} not once in {path} (the repository changed: update the plant)"
    path.write_text(text.replace(old, new))


def append(path: Path, text: str) -> None:
    with path.open("a") as fh:
        fh.write(text)


def delete_block(path: Path, header: str) -> None:
    text = path.read_text()
    assert text.count(header) == 1, f"{header!r} not once in {path}"
    start = text.index(header)
    end = text.index("\n}\n", start) + 3
    path.write_text(text[:start] + text[end:])


def tf(p: Path, name: str) -> Path:
    return p / "terraform" / name


# --- defects -------------------------------------------------------------------------------

def _sg_rule_duplicated_legacy(p):
    append(tf(p, "eks.tf"), '''
resource "aws_security_group_rule" "webhook_again" {
  type                     = "ingress"
  from_port                = 9443
  to_port                  = 9443
  protocol                 = "6"
  security_group_id        = aws_security_group.node.id
  source_security_group_id = aws_security_group.cluster.id
}
''')


def _sg_rule_duplicated_inline(p):
    append(tf(p, "eks.tf"), '''
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
''')


def _webhook_rule_deleted(p):
    delete_block(tf(p, "eks.tf"), 'resource "aws_vpc_security_group_ingress_rule" "node_from_cluster_webhook_9443" {')


def _desired_zero(p):
    edit(tf(p, "terraform.tfvars"), "node_desired_size  = 2", "node_desired_size  = 0")


def _max_below_min(p):
    edit(tf(p, "terraform.tfvars"), "node_max_size      = 5", "node_max_size      = 1")


def _nat_route_deleted(p):
    edit(tf(p, "network.tf"), '''  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.this[min(count.index, local.nat_gateway_count - 1)].id
  }
''', "")


def _node_role_without_ecr(p):
    edit(tf(p, "iam.tf"), '    "AmazonEC2ContainerRegistryReadOnly",\n', "")


def _creator_admin_deleted(p):
    delete_block(tf(p, "eks.tf"), 'resource "aws_eks_access_policy_association" "creator_admin" {')


def _sa_without_role(p):
    edit(p / "kubernetes/controller/serviceaccount.yaml", "    eks.amazonaws.com/role-arn: ${CONTROLLER_ROLE_ARN}\n", "")


def _sa_role_key_typo(p):
    edit(p / "kubernetes/controller/serviceaccount.yaml", "eks.amazonaws.com/role-arn:", "eks.amazonaws.com/role_arn:")


def _sa_renamed(p):
    edit(p / "kubernetes/controller/serviceaccount.yaml", "  name: aws-load-balancer-controller\n",
         "  name: alb-controller\n")


def _irsa_trust_other_name(p):
    edit(tf(p, "main.tf"), 'lb_controller_service_account = "aws-load-balancer-controller"',
         'lb_controller_service_account = "alb-controller"')


def _ingressclass_controller_typo(p):
    edit(p / "kubernetes/controller/ingressclass.yaml", "controller: ingress.k8s.aws/alb",
         "controller: ingress.k8s.io/alb")


def _ingressclass_deleted(p):
    (p / "kubernetes/controller/ingressclass.yaml").unlink()


def _container_port_5000(p):
    edit(p / "kubernetes/base/deployment.yaml", "containerPort: 8080", "containerPort: 5000")


def _port_env_5000(p):
    edit(p / "kubernetes/base/deployment.yaml", '''            - name: PORT
              value: "8080"''', '''            - name: PORT
              value: "5000"''')


def _target_port_5000(p):
    edit(p / "kubernetes/base/service.yaml", "targetPort: 8080", "targetPort: 5000")


def _ingress_backend_8080(p):
    edit(p / "kubernetes/base/ingress.yaml", "number: 80\n", "number: 8080\n")


def _liveness_health(p):
    edit(p / "kubernetes/base/deployment.yaml", "livenessProbe:\n            httpGet:\n              path: /api/v1/health",
         "livenessProbe:\n            httpGet:\n              path: /health")


def _alb_healthcheck_wrong(p):
    edit(p / "kubernetes/base/ingress.yaml", "healthcheck-path: /api/v1/health", "healthcheck-path: /health")


def _alb_healthcheck_missing(p):
    edit(p / "kubernetes/base/ingress.yaml", "    alb.ingress.kubernetes.io/healthcheck-path: /api/v1/health\n", "")


def _cluster_tag_other_cluster(p):
    edit(tf(p, "main.tf"), '"kubernetes.io/cluster/${var.cluster_name}" = "shared"',
         '"kubernetes.io/cluster/petstore" = "shared"')


def _public_cidrs_private_only(p):
    edit(tf(p, "terraform.tfvars"), 'cluster_endpoint_public_access_cidrs = ["0.0.0.0/0"]',
         'cluster_endpoint_public_access_cidrs = ["10.0.0.0/16", "192.168.1.0/24"]')


def _auto_tfvars_old_version(p):
    tf(p, "zz.auto.tfvars").write_text('kubernetes_version = "1.28"\n')


def _auto_tfvars_lexical_order_old_last(p):
    tf(p, "a.auto.tfvars").write_text('kubernetes_version = "1.35"\n')
    tf(p, "b.auto.tfvars.json").write_text('{"kubernetes_version": "1.28"}\n')


def _old_policy_copy_attached(p):
    policy = tf(p, "policies/aws-load-balancer-controller.json")
    doc = json.loads(policy.read_text())
    doc["Statement"] = [s for s in doc["Statement"] if "elasticloadbalancing:CreateAction" not in json.dumps(s)]
    tf(p, "policies/old.json").write_text(json.dumps(doc))
    edit(tf(p, "iam.tf"), "/policies/aws-load-balancer-controller.json", "/policies/old.json")


def _chown_other_uid(p):
    edit(p / "docker/Dockerfile", "chown -R petstore:petstore /app", "chown -R 1000:1000 /app")


def _no_user(p):
    edit(p / "docker/Dockerfile", "USER 10001:10001\n", "")


def _lock_without_werkzeug(p):
    lock = p / "petstore-app/requirements.lock"
    text = lock.read_text()
    lock.write_text(re.sub(r"^werkzeug==[^\n]*\n(?:[ \t]+[^\n]*\n)*", "", text, flags=re.M))


DEFECTS = [
    (_sg_rule_duplicated_legacy, DuplicateSgRulesCheck, "terraform-duplicate-sg-rule"),
    (_sg_rule_duplicated_inline, DuplicateSgRulesCheck, "terraform-duplicate-sg-rule"),
    (_webhook_rule_deleted, WebhookPortCheck, "alb-controller-webhook-unreachable"),
    (_desired_zero, NodegroupSizeCheck, "eks-nodegroup-create-failed"),
    (_max_below_min, NodegroupSizeCheck, "eks-nodegroup-create-failed"),
    (_nat_route_deleted, NodegroupSubnetsCheck, "eks-nodegroup-create-failed"),
    (_node_role_without_ecr, NodeRoleCheck, "ecr-pull-forbidden"),
    (_creator_admin_deleted, ClusterAccessCheck, "kubectl-unauthorized"),
    (_sa_without_role, ControllerServiceAccountCheck, "alb-controller-serviceaccount-role-missing"),
    (_sa_role_key_typo, ControllerServiceAccountCheck, "alb-controller-serviceaccount-role-missing"),
    (_sa_renamed, ControllerServiceAccountCheck, "alb-controller-serviceaccount-role-missing"),
    (_irsa_trust_other_name, ControllerServiceAccountCheck, "alb-controller-irsa-web-identity-failed"),
    (_ingressclass_controller_typo, ControllerIngressClassCheck, "alb-controller-ingressclass-missing"),
    (_ingressclass_deleted, ControllerIngressClassCheck, "alb-controller-ingressclass-missing"),
    (_container_port_5000, PortsCheck, "pod-probe-failed"),
    (_port_env_5000, PortsCheck, "pod-probe-failed"),
    (_target_port_5000, PortsCheck, "alb-controller-ingress-no-address"),
    (_ingress_backend_8080, PortsCheck, "alb-controller-ingress-no-address"),
    (_liveness_health, HealthPathsCheck, "pod-probe-failed"),
    (_alb_healthcheck_wrong, HealthPathsCheck, "pod-probe-failed"),
    (_alb_healthcheck_missing, HealthPathsCheck, "pod-probe-failed"),
    (_cluster_tag_other_cluster, SubnetTagsCheck, "alb-controller-subnet-discovery-failed"),
    (_public_cidrs_private_only, PublicEndpointCheck, "eks-endpoint-unreachable"),
    (_auto_tfvars_old_version, EksVersionCheck, "terraform-unsupported-eks-version"),
    (_auto_tfvars_lexical_order_old_last, EksVersionCheck, "terraform-unsupported-eks-version"),
    (_old_policy_copy_attached, ControllerPolicyFileCheck, "alb-controller-addtags-denied"),
    (_chown_other_uid, DockerfileUserCheck, "sqlite-readonly-database"),
    (_no_user, DockerfileUserCheck, None),
    (_lock_without_werkzeug, FlaskWerkzeugCheck, "flask-dependency-import-error"),
]


@pytest.mark.parametrize("plant, check, failure_id", DEFECTS, ids=lambda x: getattr(x, "__name__", None))
async def test_planted_defect_fails_its_check(project, plant, check, failure_id):
    """No stand-in: a copy of this repository with one defect planted."""
    plant(project)
    result = await run_check(check(), make_ctx(project))
    assert result.status == Status.FAIL, f"{result.summary}\n{result.detail}"
    assert result.fix
    assert result.failure_id == failure_id, result


# --- benign variants: the same checks pass ---------------------------------------------------

def _sg_rule_other_source(p):
    append(tf(p, "eks.tf"), '''
resource "aws_security_group_rule" "webhook_from_vpc" {
  type              = "ingress"
  from_port         = 9443
  to_port           = 9443
  protocol          = "tcp"
  security_group_id = aws_security_group.node.id
  cidr_blocks       = ["10.0.0.0/16"]
}
''')


def _webhook_by_wide_range(p):
    delete_block(tf(p, "eks.tf"), 'resource "aws_vpc_security_group_ingress_rule" "node_from_cluster_webhook_9443" {')
    append(tf(p, "eks.tf"), '''
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
''')


def _sizes_one_three_three(p):
    path = tf(p, "terraform.tfvars")
    edit(path, "node_min_size      = 2", "node_min_size      = 1")
    edit(path, "node_desired_size  = 2", "node_desired_size  = 3")
    edit(path, "node_max_size      = 5", "node_max_size      = 3")


def _nat_route_as_resource(p):
    _nat_route_deleted(p)
    append(tf(p, "network.tf"), '''
resource "aws_route" "private_nat" {
  count                  = length(local.azs)
  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[0].id
}
''')


def _ecr_by_inline_policy(p):
    _node_role_without_ecr(p)
    append(tf(p, "iam.tf"), '''
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
''')


def _bootstrap_admin_instead(p):
    _creator_admin_deleted(p)
    edit(tf(p, "eks.tf"), "bootstrap_cluster_creator_admin_permissions = false",
         "bootstrap_cluster_creator_admin_permissions = true")


def _access_entries_off(p):
    _creator_admin_deleted(p)
    edit(tf(p, "terraform.tfvars"), "enable_access_entries = true", "enable_access_entries = false")


def _sa_literal_role_arn(p):
    edit(p / "kubernetes/controller/serviceaccount.yaml", "eks.amazonaws.com/role-arn: ${CONTROLLER_ROLE_ARN}",
         "eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/petstore-lb-ctrl")


def _ingressclass_by_helm(p):
    _ingressclass_deleted(p)
    edit(p / "kubernetes/controller/values.yaml", "createIngressClassResource: false", "createIngressClassResource: true")


def _named_target_port(p):
    edit(p / "kubernetes/base/service.yaml", "targetPort: 8080", "targetPort: http")


def _liveness_on_live_endpoint(p):
    edit(p / "kubernetes/base/deployment.yaml", "livenessProbe:\n            httpGet:\n              path: /api/v1/health",
         "livenessProbe:\n            httpGet:\n              path: /api/v1/health/live")


def _elb_tag_unquoted_number(p):
    edit(tf(p, "network.tf"), '"kubernetes.io/role/elb" = "1"', '"kubernetes.io/role/elb" = 1')


def _cluster_renamed(p):
    edit(tf(p, "terraform.tfvars"), 'cluster_name       = "petstore-eks"', 'cluster_name       = "petstore-dev"')


def _public_cidrs_narrowed(p):
    edit(tf(p, "terraform.tfvars"), 'cluster_endpoint_public_access_cidrs = ["0.0.0.0/0"]',
         'cluster_endpoint_public_access_cidrs = ["10.0.0.0/16", "203.0.113.10/32"]')


def _auto_tfvars_fixes_old_tfvars(p):
    edit(tf(p, "terraform.tfvars"), 'kubernetes_version = "1.35"', 'kubernetes_version = "1.28"')
    tf(p, "override.auto.tfvars").write_text('kubernetes_version = "1.35"\n')


def _policy_renamed_and_attached(p):
    shutil.copy(tf(p, "policies/aws-load-balancer-controller.json"), tf(p, "policies/iam_policy_v3.5.0.json"))
    tf(p, "policies/aws-load-balancer-controller.json").write_text("{}")
    edit(tf(p, "iam.tf"), "/policies/aws-load-balancer-controller.json", "/policies/iam_policy_v3.5.0.json")


def _elb_tags_removed(p):
    """At controller v3.5.0 untagged public subnets that reach the internet gateway are
    found by reachability (docs/knowledge/alb-subnet-discovery.md)."""
    text = tf(p, "network.tf").read_text()
    assert text.count('    "kubernetes.io/role/elb" = "1"\n') == 1
    tf(p, "network.tf").write_text(text.replace('    "kubernetes.io/role/elb" = "1"\n', ""))


def _user_by_name(p):
    edit(p / "docker/Dockerfile", "USER 10001:10001\n", "USER petstore\n")


BENIGN = [
    (_sg_rule_other_source, DuplicateSgRulesCheck),
    (_webhook_by_wide_range, WebhookPortCheck),
    (_sizes_one_three_three, NodegroupSizeCheck),
    (_nat_route_as_resource, NodegroupSubnetsCheck),
    (_ecr_by_inline_policy, NodeRoleCheck),
    (_bootstrap_admin_instead, ClusterAccessCheck),
    (_access_entries_off, ClusterAccessCheck),
    (_sa_literal_role_arn, ControllerServiceAccountCheck),
    (_ingressclass_by_helm, ControllerIngressClassCheck),
    (_named_target_port, PortsCheck),
    (_liveness_on_live_endpoint, HealthPathsCheck),
    (_elb_tag_unquoted_number, SubnetTagsCheck),
    (_elb_tags_removed, SubnetTagsCheck),
    (_elb_tags_removed, IngressSubnetsCheck),
    (_cluster_renamed, SubnetTagsCheck),
    (_public_cidrs_narrowed, PublicEndpointCheck),
    (_auto_tfvars_fixes_old_tfvars, EksVersionCheck),
    (_policy_renamed_and_attached, ControllerPolicyFileCheck),
    (_user_by_name, DockerfileUserCheck),
]


@pytest.mark.parametrize("plant, check", BENIGN, ids=lambda x: getattr(x, "__name__", None))
async def test_benign_variant_passes(project, plant, check):
    """No stand-in: a copy of this repository with a valid variation."""
    plant(project)
    result = await run_check(check(), make_ctx(project))
    assert result.status == Status.PASS, f"{result.summary}\n{result.detail}"


@pytest.mark.parametrize("check", NEW_CHECKS, ids=lambda c: c.id)
async def test_new_check_is_registered_and_passes_on_a_plain_copy(project, check):
    """No stand-in: each new check is in ALL_CHECKS, names a catalog entry, and passes as is."""
    assert check in ALL_CHECKS and check.group == "config" and check.failure_id
    result = await run_check(check(), make_ctx(project))
    assert result.status == Status.PASS, f"{result.summary}\n{result.detail}"


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


def test_auto_tfvars_are_part_of_the_cache_key(project):
    """No stand-in: adding an *.auto.tfvars changes what the cached Terraform reads."""
    from checks.project.terraform import Terraform
    from checks.project.terraform_files import cached_config
    from petstore_core.settings import state_dir

    cache = state_dir() / "cache"
    first = Terraform(cached_config(project / "terraform", cache))
    assert first.value("kubernetes_version") == "1.35"
    _auto_tfvars_old_version(project)
    cached_config(project / "terraform", cache)
    again = Terraform(cached_config(project / "terraform", cache))  # from the cache this time
    assert again.value("kubernetes_version") == "1.28" and again.value_source("kubernetes_version") == "zz.auto.tfvars"
    assert again.data_of_type("aws_iam_policy_document")  # data sources survive the cache
