"""Planted on copies of this repository: files as operators really edit them (broken syntax, values through variables, locals, tfvars and the environment, policies through jsonencode, templatefile and policy-document data sources, kustomize patches of every kind, objects the API server refuses), each run through the real command

    .venv/bin/petstore-tui preflight --group config --project-dir <copy> --json

Each case is written once, with what must catch it (a failing check id, or a failure_id)
and, for files that do not parse, the file:line the report must name. The harmless edits
at the end must not fail anything. Stand-ins: none (the real kubectl kustomize and, where
python-hcl2 refuses a file, the real `terraform fmt`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.planted.test_planted_defects import (
    CLI,
    POLICY,
    TIMEOUT,
    _describe,
    append,
    assert_schema,
    edit,
    make_copy,
)


def run(project: Path, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, dict]:
    import subprocess

    proc = subprocess.run([str(CLI), "preflight", "--group", "config", "--project-dir", str(project), "--json"],
                          cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, **(env or {})})
    try:
        return proc.returncode, json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"not JSON: rc={proc.returncode}\n{proc.stdout[:2000]}\n{proc.stderr[-2000:]}") from None


def hcl(value) -> str:
    """JSON data written as an HCL expression (for jsonencode(...) plants)."""
    if isinstance(value, dict):
        return "{\n" + "\n".join(f"  {json.dumps(k)} = {hcl(v)}" for k, v in value.items()) + "\n}"
    if isinstance(value, list):
        return "[" + ", ".join(hcl(v) for v in value) + "]"
    return json.dumps(value)


def policy_without(r: Path, action: str) -> dict:
    doc = json.loads((r / POLICY).read_text())
    for stmt in doc["Statement"]:
        actions = [stmt["Action"]] if isinstance(stmt["Action"], str) else stmt["Action"]
        stmt["Action"] = [a for a in actions if a != action]
    doc["Statement"] = [s for s in doc["Statement"] if s["Action"]]
    return doc


def policy_document_hcl(name: str, doc: dict) -> str:
    """A data "aws_iam_policy_document" that builds `doc`."""
    out = [f'data "aws_iam_policy_document" "{name}" {{']
    for stmt in doc["Statement"]:
        out.append("  statement {")
        out.append(f'    effect    = "{stmt["Effect"]}"')
        out.append(f"    actions   = {hcl(stmt['Action'] if isinstance(stmt['Action'], list) else [stmt['Action']])}")
        resource = stmt.get("Resource", "*")
        out.append(f"    resources = {hcl(resource if isinstance(resource, list) else [resource])}")
        for test, pairs in (stmt.get("Condition") or {}).items():
            for variable, values in pairs.items():
                values = values if isinstance(values, list) else [values]
                out.append(f"    condition {{\n      test     = \"{test}\"\n      variable = \"{variable}\"\n"
                           f"      values   = {hcl(values)}\n    }}")
        out.append("  }")
    return "\n".join(out + ["}", ""])


ATTACHED_FILE = 'file("${path.module}/policies/aws-load-balancer-controller.json")'


def set_controller_policy(r: Path, expression: str, extra: str = "") -> None:
    edit(r, "terraform/iam.tf", ATTACHED_FILE, expression)
    if extra:
        append(r, "terraform/iam.tf", "\n" + extra)


@dataclass
class Plant:
    edit: Callable[[Path], None]
    catches: str = ""  # regex a failing check's id must fullmatch
    failure_ids: set[str] = field(default_factory=set)
    names: str = ""  # text the failing result must hold (file:line for syntax errors)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.edit.__name__


# --- files that do not parse or build ----------------------------------------------------

def tf_dangling_attribute(r):
    edit(r, "terraform/network.tf", 'cidr_block           = "10.0.0.0/16"', "cidr_block           =")


def tfvars_dangling_value(r):
    edit(r, "terraform/terraform.tfvars", "node_min_size      = 2", "node_min_size      =")


def tf_unclosed_block(r):
    edit(r, "terraform/ecr.tf", "  encryption_configuration {\n    encryption_type = \"AES256\"\n  }\n",
         "  encryption_configuration {\n    encryption_type = \"AES256\"\n")


def yaml_lost_colon(r):
    edit(r, "kubernetes/base/service.yaml", "  ports:\n", "  ports\n")


def controller_yaml_tab_indent(r):
    edit(r, "kubernetes/controller/serviceaccount.yaml", "  namespace: kube-system\n", "\tnamespace: kube-system\n")


def overlay_patch_path_missing(r):
    edit(r, "kubernetes/overlays/dev/kustomization.yaml", "path: /data/LOG_LEVEL", "path: /data/LOGLEVEL/x")


def overlay_resource_deleted(r):
    (r / "kubernetes/overlays/prod/secret-db-credentials.yaml").unlink()


def policy_json_trailing_comma(r):
    path = r / POLICY
    path.write_text(path.read_text().replace('"iam:CreateServiceLinkedRole"\n', '"iam:CreateServiceLinkedRole",\n', 1))


def variable_renamed_not_its_uses(r):
    edit(r, "terraform/variables.tf", 'variable "kubernetes_version" {', 'variable "k8s_version" {')
    edit(r, "terraform/terraform.tfvars", 'kubernetes_version = "1.35"', 'k8s_version = "1.35"')


# --- values through variables, locals, tfvars and the environment ------------------------

def public_cidrs_from_tfvars_too_small(r):
    append(r, "terraform/variables.tf", '\nvariable "public_subnet_cidrs" {\n  type    = list(string)\n'
           '  default = ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"]\n}\n')
    edit(r, "terraform/network.tf", 'cidr_block        = "10.0.${101 + count.index}.0/24"',
         "cidr_block        = var.public_subnet_cidrs[count.index]")
    append(r, "terraform/terraform.tfvars",
           '\npublic_subnet_cidrs = ["10.0.101.0/29", "10.0.101.8/29", "10.0.101.16/29"]\n')


def cluster_tag_through_a_local(r):
    edit(r, "terraform/main.tf", '"kubernetes.io/cluster/${var.cluster_name}" = "shared"',
         '"kubernetes.io/cluster/${local.tag_cluster}" = "shared"')
    edit(r, "terraform/main.tf", "  azs = slice(", '  tag_cluster = "petstore-old"\n\n  azs = slice(')


def node_max_from_a_local(r):
    edit(r, "terraform/eks.tf", "max_size     = var.node_max_size", "max_size     = local.node_max")
    edit(r, "terraform/main.tf", "  azs = slice(", "  node_max = var.node_min_size - 1\n\n  azs = slice(")


def endpoint_from_an_object_variable_default(r):
    append(r, "terraform/variables.tf", '\nvariable "endpoint" {\n  type = object({\n'
           '    public = optional(bool, false)\n  })\n  default = {}\n}\n')
    edit(r, "terraform/eks.tf", "endpoint_public_access = true", "endpoint_public_access = var.endpoint.public")


def eks_version_from_the_environment(r):
    edit(r, "terraform/terraform.tfvars", 'kubernetes_version = "1.35"\n', "")


def public_route_gone_and_tags_gone(r):
    edit(r, "terraform/network.tf", '    "kubernetes.io/role/elb" = "1"\n', "")
    edit(r, "terraform/network.tf", '  route {\n    cidr_block = "0.0.0.0/0"\n    gateway_id = aws_internet_gateway.this.id\n'
                                    "  }\n", "")


def role_tag_on_one_new_subnet(r):
    # untagged public subnets found by reachability, until a copy-pasted single subnet
    # carries the tag: discovery then takes only that one zone
    edit(r, "terraform/network.tf", '    "kubernetes.io/role/elb" = "1"\n', "")
    append(r, "terraform/network.tf", '\nresource "aws_subnet" "bastion" {\n  vpc_id            = aws_vpc.this.id\n'
           "  availability_zone = local.azs[0]\n  cidr_block        = \"10.0.200.0/24\"\n\n"
           '  tags = { Name = "bastion", "kubernetes.io/role/elb" = "1" }\n}\n')


# --- policies however they are written ----------------------------------------------------

def policy_jsonencode_without_addtags(r):
    set_controller_policy(r, f"jsonencode({hcl(policy_without(r, 'elasticloadbalancing:AddTags'))})")


def policy_document_without_listener_attributes(r):
    doc = policy_without(r, "elasticloadbalancing:DescribeListenerAttributes")
    set_controller_policy(r, "data.aws_iam_policy_document.lb_controller.json", policy_document_hcl("lb_controller", doc))


def policy_inline_without_create_security_group(r):
    doc = policy_without(r, "ec2:CreateSecurityGroup")
    edit(r, "terraform/iam.tf", "resource \"aws_iam_role_policy_attachment\" \"lb_controller\" {\n"
         "  role       = aws_iam_role.lb_controller.name\n  policy_arn = aws_iam_policy.lb_controller.arn\n}\n",
         f"resource \"aws_iam_role_policy\" \"lb_controller\" {{\n  role   = aws_iam_role.lb_controller.id\n"
         f"  policy = jsonencode({hcl(doc)})\n}}\n")


def policy_templatefile_old_copy(r):
    doc = policy_without(r, "elasticloadbalancing:AddTags")
    text = json.dumps(doc, indent=2).replace('"Resource": "*"', '"Resource": "arn:${partition}:*"', 1)
    (r / "terraform/policies/lb.json.tpl").write_text(text)
    set_controller_policy(r, 'templatefile("${path.module}/policies/lb.json.tpl", { partition = "aws" })')


# --- kustomize patches of every kind -----------------------------------------------------

def strategic_merge_patch_probe_path(r):
    (r / "kubernetes/overlays/prod/probe.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: petstore\n  namespace: petstore\nspec:\n"
        "  template:\n    spec:\n      containers:\n        - name: petstore\n          livenessProbe:\n"
        "            httpGet:\n              path: /healthz\n")
    append(r, "kubernetes/overlays/prod/kustomization.yaml", "  - path: probe.yaml\n")


def json6902_patch_by_label_selector_port(r):
    append(r, "kubernetes/overlays/dev/kustomization.yaml",
           "  - target:\n      kind: Deployment\n      labelSelector: app.kubernetes.io/name=petstore\n"
           "    patch: |-\n      - op: replace\n        path: /spec/template/spec/containers/0/ports/0/containerPort\n"
           "        value: 5000\n")


def replacement_points_ingress_at_target_port(r):
    # "keep the Ingress in step with the Service": but it copies the pods' port, not the Service's
    append(r, "kubernetes/overlays/dev/kustomization.yaml",
           "replacements:\n  - source:\n      kind: Service\n      name: petstore\n"
           "      fieldPath: spec.ports.[name=http].targetPort\n"
           "    targets:\n      - select:\n          kind: Ingress\n          name: petstore\n"
           "        fieldPaths:\n          - spec.rules.0.http.paths.0.backend.service.port.number\n")


def selector_patched_off_the_template(r):
    append(r, "kubernetes/overlays/prod/kustomization.yaml",
           "  - target:\n      kind: Deployment\n      name: petstore\n    patch: |-\n"
           "      - op: replace\n        path: /spec/template/metadata/labels/app.kubernetes.io~1name\n"
           "        value: petstore-v2\n")


# --- objects the API server refuses ------------------------------------------------------

def request_above_limit(r):
    edit(r, "kubernetes/base/deployment.yaml", "              memory: 256Mi", "              memory: 1Gi")


def label_value_with_spaces(r):
    edit(r, "kubernetes/base/deployment.yaml", "  labels:\n    app.kubernetes.io/name: petstore\n  annotations:",
         "  labels:\n    app.kubernetes.io/name: petstore\n    team: Pet Store\n  annotations:")


def service_port_name_uppercase(r):
    edit(r, "kubernetes/base/service.yaml", "    - name: http\n", "    - name: HTTP\n")


def ingress_path_not_absolute(r):
    edit(r, "kubernetes/base/ingress.yaml", "          - path: /\n", "          - path: api\n")


def container_port_out_of_range(r):
    append(r, "kubernetes/overlays/dev/kustomization.yaml",
           "  - target:\n      kind: Deployment\n    patch: |-\n      - op: add\n"
           "        path: /spec/template/spec/containers/0/ports/-\n        value: {containerPort: 80800, name: metrics}\n")


FILES = r"config\.files"
API = r"config\.k8s-api"
SUBNETS = r"config\.(subnet-tags|ingress-subnets)"
POLICY_IDS = {"alb-controller-iam-denied", "alb-controller-addtags-denied"}

DEFECTS = [
    Plant(tf_dangling_attribute, FILES, names="terraform/network.tf:7"),
    Plant(tfvars_dangling_value, FILES, names="terraform/terraform.tfvars:1"),
    Plant(tf_unclosed_block, FILES, names="terraform/ecr.tf"),
    Plant(yaml_lost_colon, FILES, names="kubernetes/base/service.yaml:13"),
    Plant(controller_yaml_tab_indent, FILES, names="kubernetes/controller/serviceaccount.yaml:"),
    Plant(overlay_patch_path_missing, FILES, names="kubernetes/overlays/dev/kustomization.yaml"),
    Plant(overlay_resource_deleted, FILES, names="kubernetes/overlays/prod/kustomization.yaml"),
    Plant(policy_json_trailing_comma, FILES + r"|config\.controller-policy",
          names="terraform/policies/aws-load-balancer-controller.json:8"),
    Plant(variable_renamed_not_its_uses, FILES, {"terraform-undeclared-variable"}, names="terraform/eks.tf:"),
    Plant(public_cidrs_from_tfvars_too_small, SUBNETS, names="free addresses"),
    Plant(cluster_tag_through_a_local, SUBNETS, names="petstore-old"),
    Plant(node_max_from_a_local, r"config\.nodegroup-size", names="max 1"),
    Plant(endpoint_from_an_object_variable_default, r"config\.public-endpoint"),
    Plant(eks_version_from_the_environment, r"config\.eks-version", names="environment",
          env={"TF_VAR_kubernetes_version": "1.28"}),
    Plant(public_route_gone_and_tags_gone, r"config\.ingress-subnets", names="Evaluated 0 subnets"),
    Plant(role_tag_on_one_new_subnet, r"config\.ingress-subnets", names="1 < 2"),
    Plant(policy_jsonencode_without_addtags, r"config\.controller-policy", POLICY_IDS, names="AddTags"),
    Plant(policy_document_without_listener_attributes, r"config\.controller-policy", POLICY_IDS,
          names="DescribeListenerAttributes"),
    Plant(policy_inline_without_create_security_group, r"config\.controller-policy", POLICY_IDS,
          names="CreateSecurityGroup"),
    Plant(policy_templatefile_old_copy, r"config\.controller-policy", POLICY_IDS, names="lb.json.tpl"),
    Plant(strategic_merge_patch_probe_path, r"config\.health-paths", names="/healthz"),
    Plant(json6902_patch_by_label_selector_port, r"config\.ports", names="5000"),
    Plant(replacement_points_ingress_at_target_port, r"config\.ports", names="port 8080 is not a port of Service"),
    Plant(selector_patched_off_the_template, API, names="does not match template"),
    Plant(request_above_limit, API, names="kubernetes/base/deployment.yaml"),
    Plant(label_value_with_spaces, API, names="'Pet Store'"),
    Plant(service_port_name_uppercase, API, names="DNS-1123 label"),
    Plant(ingress_path_not_absolute, API, names="absolute path"),
    Plant(container_port_out_of_range, API, names="between 1 and 65535"),
]


@pytest.mark.parametrize("plant", DEFECTS, ids=lambda p: p.id)
def test_planted_defect_fails_and_says_where(plant, tmp_path):
    project = make_copy(tmp_path / "checkout")
    plant.edit(project)
    rc, doc = run(project, tmp_path, plant.env)
    assert_schema(doc, rc, project)
    failing = [r for r in doc["results"] if r["status"] == "fail"]
    right = [r for r in failing if re.fullmatch(plant.catches, r["id"]) or r["failure_id"] in plant.failure_ids]
    assert right, f"{plant.id}: nothing failing matches {plant.catches}\n{_describe(doc)}"
    said = "\n".join(r["summary"] + "\n" + r["detail"] for r in right)
    assert plant.names in said, f"{plant.id}: {plant.names!r} not in\n{said}"
    assert rc == 1


# --- harmless edits ------------------------------------------------------------------------

def ok_name_prefix_and_images(r):
    append(r, "kubernetes/overlays/prod/kustomization.yaml",
           "namePrefix: shop-\nimages:\n  - name: petstore\n    newName: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/petstore\n"
           '    newTag: "v1"\n')


def ok_common_labels_and_comments(r):
    append(r, "kubernetes/overlays/dev/kustomization.yaml", "# tried by hand\nlabels:\n  - pairs:\n"
           "      team: pets\n")
    append(r, "terraform/network.tf", "\n# the subnets above are the only ones the ALB may use\n")


def ok_policy_jsonencode_complete(r):
    set_controller_policy(r, f"jsonencode({hcl(json.loads((r / POLICY).read_text()))})")


def ok_policy_document_complete(r):
    doc = json.loads((r / POLICY).read_text())
    set_controller_policy(r, "data.aws_iam_policy_document.lb_controller.json", policy_document_hcl("lb_controller", doc))


def ok_policy_templatefile_complete(r):
    text = (r / POLICY).read_text().replace('"Resource": "*"', '"Resource": "arn:${partition}:*"', 1)
    (r / "terraform/policies/lb.json.tpl").write_text(text)
    set_controller_policy(r, 'templatefile("${path.module}/policies/lb.json.tpl", '
                             "{ partition = data.aws_partition.current.partition })")


def ok_environment_below_tfvars(r):
    pass  # TF_VAR_kubernetes_version=1.28 is set, but terraform.tfvars wins (docs/knowledge/terraform.md)


def ok_replacement_copies_the_port_number(r):
    # the env value "8080" copied into targetPort: kustomize writes it as the number 8080
    append(r, "kubernetes/overlays/dev/kustomization.yaml",
           "replacements:\n  - source:\n      kind: Deployment\n      name: petstore\n"
           "      fieldPath: spec.template.spec.containers.[name=petstore].env.[name=PORT].value\n"
           "    targets:\n      - select:\n          kind: Service\n          name: petstore\n"
           "        fieldPaths:\n          - spec.ports.[name=http].targetPort\n")


def ok_literal_count_and_cidrsubnet(r):
    edit(r, "terraform/network.tf", 'cidr_block        = "10.0.${101 + count.index}.0/24"',
         'cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, 101 + count.index)')


BENIGN = [
    Plant(ok_name_prefix_and_images),
    Plant(ok_common_labels_and_comments),
    Plant(ok_policy_jsonencode_complete),
    Plant(ok_policy_document_complete),
    Plant(ok_policy_templatefile_complete),
    Plant(ok_environment_below_tfvars, env={"TF_VAR_kubernetes_version": "1.28"}),
    Plant(ok_replacement_copies_the_port_number),
    Plant(ok_literal_count_and_cidrsubnet),
]


@pytest.mark.parametrize("plant", BENIGN, ids=lambda p: p.id)
def test_harmless_edit_fails_nothing(plant, tmp_path):
    project = make_copy(tmp_path / "checkout")
    plant.edit(project)
    rc, doc = run(project, tmp_path, plant.env)
    assert_schema(doc, rc, project)
    bad = [r for r in doc["results"] if r["status"] in ("fail", "error")]
    assert not bad, f"{plant.id} is harmless, yet:\n{_describe(doc)}"
    assert rc == 0
