"""What every config check stands on (checks/project/): a broken Terraform file reported,
not raised; the parsed Terraform cached by content, *.auto.tfvars included."""

from __future__ import annotations

import shutil

from checks.model import Status
from checks.preflight.config.duplicate_outputs import DuplicateOutputsCheck
from checks.preflight.runner import run_check
from tests.preflight.config.test_duplicate_outputs import duplicate_vpc_id_output_in_main_tf
from tests.preflight.config.test_eks_version import k8s_version_1_28_in_zz_auto_tfvars
from tests.preflight.conftest import make_ctx


async def test_broken_terraform_is_reported_not_raised(project):
    """No stand-in: a .tf file with a syntax error."""
    (project / "terraform/broken.tf").write_text('resource "aws_vpc" "x" {\n  cidr_block = \n')
    result = await run_check(DuplicateOutputsCheck(), make_ctx(project))
    assert result.status == Status.WARN and "broken.tf" in result.detail
    shutil.rmtree(project / "terraform")


def test_terraform_parse_is_cached_by_content(project):
    """No stand-in: the second read comes from the state folder's cache; an edit invalidates it."""
    from checks.project.terraform_files import cached_config
    from petstore_core.settings import state_dir

    cache = state_dir() / "cache"
    first = cached_config(project / "terraform", cache)
    cached = list(cache.glob("terraform-*.json"))
    assert len(cached) == 1
    again = cached_config(project / "terraform", cache)
    assert [(r.type, r.name) for r in again.resources] == [(r.type, r.name) for r in first.resources]
    duplicate_vpc_id_output_in_main_tf(project)
    changed = cached_config(project / "terraform", cache)
    assert len(changed.outputs) == len(first.outputs) + 1


def test_auto_tfvars_are_part_of_the_cache_key(project):
    """No stand-in: adding an *.auto.tfvars changes what the cached Terraform reads."""
    from checks.project.terraform import Terraform
    from checks.project.terraform_files import cached_config
    from petstore_core.settings import state_dir

    cache = state_dir() / "cache"
    first = Terraform(cached_config(project / "terraform", cache))
    assert first.value("kubernetes_version") == "1.35"
    k8s_version_1_28_in_zz_auto_tfvars(project)
    cached_config(project / "terraform", cache)
    again = Terraform(cached_config(project / "terraform", cache))  # from the cache this time
    assert again.value("kubernetes_version") == "1.28" and again.value_source("kubernetes_version") == "zz.auto.tfvars"
    assert again.data_of_type("aws_iam_policy_document")  # data sources survive the cache
