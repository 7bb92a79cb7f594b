"""config.files (checks/preflight/config/files.py): every file the checks read parses, every
overlay builds, with file:line; Terraform's own parser is asked before python-hcl2 is
believed, and variables nobody declares fail like `terraform plan`. Stand-ins: named per test
(none for the plants)."""

from __future__ import annotations

import shutil

import pytest

from checks.model import Status
from checks.preflight.config.files import ConfigFilesCheck
from checks.preflight.config.k8s_api import KubernetesApiCheck
from checks.preflight.runner import run_check
from tests.preflight.conftest import make_ctx
from tests.support.plants import Plants
from tests.support.project_copy import CONTROLLER_POLICY, append, edit

PLANTS = Plants(ConfigFilesCheck)
DEV_OVERLAY = "kubernetes/overlays/dev/kustomization.yaml"


@PLANTS.defect(None, says="terraform/network.tf:7")
def tf_dangling_attribute(r):
    edit(r / "terraform/network.tf", 'cidr_block           = "10.0.0.0/16"', "cidr_block           =")


@PLANTS.defect(None, says="terraform/terraform.tfvars:1")
def tfvars_dangling_value(r):
    edit(r / "terraform/terraform.tfvars", "node_min_size      = 2", "node_min_size      =")


@PLANTS.defect(None, says="terraform/ecr.tf")
def tf_unclosed_block(r):
    edit(r / "terraform/ecr.tf", "  encryption_configuration {\n    encryption_type = \"AES256\"\n  }\n",
         "  encryption_configuration {\n    encryption_type = \"AES256\"\n")


@PLANTS.defect(None, says="kubernetes/base/service.yaml:13")
def yaml_lost_colon(r):
    edit(r / "kubernetes/base/service.yaml", "  ports:\n", "  ports\n")


@PLANTS.defect(None, says="kubernetes/controller/serviceaccount.yaml:")
def controller_yaml_tab_indent(r):
    edit(r / "kubernetes/controller/serviceaccount.yaml", "  namespace: kube-system\n", "\tnamespace: kube-system\n")


@PLANTS.defect(None, says=DEV_OVERLAY)
def overlay_patch_path_missing(r):
    edit(r / DEV_OVERLAY, "path: /data/LOG_LEVEL", "path: /data/LOGLEVEL/x")


@PLANTS.defect(None, says="kubernetes/overlays/prod/kustomization.yaml")
def overlay_resource_deleted(r):
    (r / "kubernetes/overlays/prod/secret-db-credentials.yaml").unlink()


@PLANTS.defect(None, says=CONTROLLER_POLICY + ":8")
def policy_json_trailing_comma(r):
    edit(r / CONTROLLER_POLICY, '"iam:CreateServiceLinkedRole"\n', '"iam:CreateServiceLinkedRole",\n')


@PLANTS.defect("terraform-undeclared-variable", says="terraform/eks.tf:")
def variable_renamed_not_its_uses(r):
    edit(r / "terraform/variables.tf", 'variable "kubernetes_version" {', 'variable "k8s_version" {')
    edit(r / "terraform/terraform.tfvars", 'kubernetes_version = "1.35"', 'k8s_version = "1.35"')


@PLANTS.harmless()
def ok_name_prefix_and_images(r):
    append(r / "kubernetes/overlays/prod/kustomization.yaml",
           "namePrefix: shop-\nimages:\n  - name: petstore\n"
           "    newName: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/petstore\n    newTag: \"v1\"\n")


@PLANTS.harmless()
def ok_common_labels_and_comments(r):
    append(r / DEV_OVERLAY, "# tried by hand\nlabels:\n  - pairs:\n      team: pets\n")
    append(r / "terraform/network.tf", "\n# the subnets above are the only ones the ALB may use\n")


test_plant_on_a_copy = PLANTS.test()


async def test_terraform_confirms_the_syntax_error_and_its_line(project):
    """The real terraform (`terraform fmt`) and python-hcl2 agree; the report says Terraform's words."""
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not on PATH")
    tf_dangling_attribute(project)
    result = await run_check(ConfigFilesCheck(), make_ctx(project))
    assert result.status == Status.FAIL
    assert "terraform/network.tf:7: does not parse: Invalid expression" in result.detail


async def test_a_file_terraform_reads_is_unknown_not_broken(project, fake_tools):
    """Fake terraform on PATH whose `fmt` accepts the file (as for syntax python-hcl2 does not
    know): the file is reported as unknown to the checks, not failed; kubectl kustomize is the
    real one (PATH keeps the machine's tools)."""
    tf_dangling_attribute(project)
    fake_tools.add("terraform", responses={"fmt": (0, "", "")})
    fake_tools.use(only=False)
    result = await run_check(ConfigFilesCheck(), make_ctx(project))
    assert result.status == Status.WARN and result.summary.startswith("unknown: terraform/network.tf")
    assert fake_tools.calls("terraform")[0][:2] == ["fmt", "-check"]


async def test_without_terraform_python_hcl2_is_believed(project, fake_tools):
    """Fake tools on PATH: no terraform, no kubectl (the YAML files are read as they are)."""
    tf_dangling_attribute(project)
    fake_tools.use()
    result = await run_check(ConfigFilesCheck(), make_ctx(project))
    assert result.status == Status.FAIL and "terraform/network.tf:7" in result.summary


async def test_undeclared_variables_and_cli_values_fail_like_terraform(project):
    """No stand-in: a reference to a variable nobody declares, and a -var for one."""
    edit(project / "terraform/eks.tf", "version                   = var.kubernetes_version",
         "version                   = var.k8s_version")
    result = await run_check(ConfigFilesCheck(), make_ctx(project, terraform_cli=[("var", "colour=blue")]))
    assert result.status == Status.FAIL and result.failure_id == "terraform-undeclared-variable"
    assert "terraform/eks.tf:" in result.detail and "var.k8s_version" in result.detail
    assert "Value for undeclared variable 'colour'" in result.detail


async def test_an_overlay_that_does_not_build_is_named(project):
    """The real kubectl kustomize: a JSON 6902 patch on a path that does not exist."""
    edit(project / DEV_OVERLAY, "path: /data/LOG_LEVEL", "path: /data/NOPE/LEVEL")
    result = await run_check(ConfigFilesCheck(), make_ctx(project))
    assert result.status == Status.FAIL
    assert "kubernetes/overlays/dev/kustomization.yaml: kubectl kustomize does not build it" in result.detail
    assert "missing path: /data/NOPE/LEVEL" in result.detail
    api = await run_check(KubernetesApiCheck(), make_ctx(project))
    assert api.status == Status.WARN and "overlays/dev: does not build" in api.summary


def test_yaml_errors_keep_the_pure_python_parsers_words(project):
    """libyaml parses; a file it refuses is read again by PyYAML's own parser, whose
    wording and line the check shows."""
    import yaml

    from checks.project.manifests import load_all, yaml_problems

    text = "a: 1\nb: [1, 2\nc: 3\n"
    (project / "kubernetes/base/broken.yaml").write_text(text)
    try:
        list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        expected = exc
    problem = next(p for p in yaml_problems(project) if p.file.endswith("broken.yaml"))
    assert problem.line == expected.problem_mark.line + 1 and expected.problem in problem.message
    assert load_all("a: 1\n---\n- x\n") == [{"a": 1}, ["x"]]
