"""petstore_tui.services.terraform_sandbox: the override and -var arguments that point a
copy of terraform/ at the emulator. Stand-in: none (files in tmp_path only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from petstore_core import terraform_vars
from petstore_tui.services import terraform_sandbox
from tests.terraform.conftest import TERRAFORM_DIR

ENDPOINT = "http://127.0.0.1:5123"


def test_override_points_every_service_at_the_endpoint(tmp_path):
    """Stand-in: none; writes into tmp_path. The emulator's URL is the endpoint_url of the
    AWS config file the override names (every service), not an `endpoints` block."""
    path = terraform_sandbox.write_sandbox_override(tmp_path, ENDPOINT + "/", "eu-west-1")
    assert path == tmp_path / "sandbox_override.tf"
    text = path.read_text()
    config = tmp_path.resolve() / terraform_sandbox.AWS_CONFIG_NAME
    assert f'shared_config_files         = ["{config}"]' in text
    assert f'profile                     = "{terraform_sandbox.PROFILE}"' in text
    assert config.read_text().splitlines()[1:] == [f"[profile {terraform_sandbox.PROFILE}]",
                                                   f"endpoint_url = {ENDPOINT}"]
    assert "endpoints" not in text
    for flag in (
        "skip_credentials_validation",
        "skip_requesting_account_id",
        "skip_metadata_api_check",
        "s3_use_path_style",
    ):
        assert f"{flag}" in text and "= true" in text.split(flag, 1)[1].splitlines()[0]
    assert 'region                      = "eu-west-1"' in text
    assert 'access_key                  = "testing"' in text


def test_sandbox_runs_drop_endpoint_variables_that_would_win():
    """Stand-in: none. AWS_ENDPOINT_URL and its per-service forms outrank a config file's
    endpoint_url in the AWS SDKs: a sandbox run of Terraform goes without them."""
    environ = {"AWS_ENDPOINT_URL": "http://elsewhere", "AWS_ENDPOINT_URL_EC2": "http://x", "AWS_REGION": "us-east-1"}
    assert terraform_sandbox.sandbox_env(environ) == {"AWS_ENDPOINT_URL": None, "AWS_ENDPOINT_URL_EC2": None}


def test_override_is_a_terraform_override_file_name():
    """Stand-in: none. Terraform merges only files named override.tf or *_override.tf."""
    assert terraform_sandbox.OVERRIDE_NAME.endswith("_override.tf")


def test_override_rejects_a_non_url_endpoint(tmp_path):
    """Stand-in: none."""
    with pytest.raises(ValueError):
        terraform_sandbox.write_sandbox_override(tmp_path, "127.0.0.1:5000", "us-east-1")


def test_var_args_turn_off_what_the_emulator_lacks():
    """Stand-in: none."""
    args = terraform_vars.sandbox_var_args({"cluster_name": "petstore-sandbox"})
    assert args[0::2] == ["-var"] * 3
    assert set(args[1::2]) == {
        "enable_eks_addons=false",
        "enable_access_entries=false",
        "cluster_name=petstore-sandbox",
    }
    assert terraform_vars.SANDBOX_VARIABLES == {
        "enable_eks_addons": False,
        "enable_access_entries": False,
    }


def test_sandbox_variables_exist_in_terraform():
    """Stand-in: none; reads terraform/variables.tf."""
    text = (TERRAFORM_DIR / "variables.tf").read_text()
    for name in terraform_vars.SANDBOX_VARIABLES:
        assert f'variable "{name}"' in text


def test_prepare_copies_without_state_or_provider_installs(tmp_path):
    """Stand-in: none; a fake terraform/ folder in tmp_path."""
    source = tmp_path / "terraform"
    (source / "policies").mkdir(parents=True)
    (source / "main.tf").write_text("# main\n")
    (source / "policies" / "p.json").write_text("{}")
    (source / ".terraform" / "providers").mkdir(parents=True)
    (source / "terraform.tfstate").write_text("{}")
    (source / "terraform.tfstate.backup").write_text("{}")
    (source / "old_override.tf").write_text("# stale\n")

    dest = terraform_sandbox.prepare_sandbox_workdir(
        source, tmp_path / "work", ENDPOINT, "us-east-1"
    )

    names = {p.relative_to(dest).as_posix() for p in dest.rglob("*")}
    assert names == {"main.tf", "policies", "policies/p.json", "sandbox_override.tf", "sandbox-aws-config"}
    assert not (source / "sandbox_override.tf").exists()


def test_prepare_refuses_the_real_folder_and_a_used_one(tmp_path):
    """Stand-in: none."""
    source = tmp_path / "terraform"
    source.mkdir()
    (source / "main.tf").write_text("# main\n")
    with pytest.raises(ValueError):
        terraform_sandbox.prepare_sandbox_workdir(source, source, ENDPOINT, "us-east-1")
    used = tmp_path / "used"
    used.mkdir()
    (used / "x").write_text("")
    with pytest.raises(FileExistsError):
        terraform_sandbox.prepare_sandbox_workdir(source, used, ENDPOINT, "us-east-1")
    assert sorted(p.name for p in source.iterdir()) == ["main.tf"]


def test_prepare_on_the_real_terraform_folder_leaves_it_untouched(tmp_path):
    """Stand-in: none; copies the real terraform/ into tmp_path."""
    before = sorted(p.relative_to(TERRAFORM_DIR) for p in TERRAFORM_DIR.rglob("*"))
    dest = terraform_sandbox.prepare_sandbox_workdir(
        TERRAFORM_DIR, tmp_path / "w", ENDPOINT, "us-east-1"
    )
    assert (dest / "outputs.tf").is_file()
    assert (dest / "policies" / "aws-load-balancer-controller.json").is_file()
    assert sorted(p.relative_to(TERRAFORM_DIR) for p in TERRAFORM_DIR.rglob("*")) == before
    assert not Path(TERRAFORM_DIR / "sandbox_override.tf").exists()


def test_override_skips_the_vpc_dns_wait_in_the_sandbox_only(tmp_path):
    """Stand-in: none. enable_dns_hostnames = true costs a fixed 10 s wait in the provider
    (docs/knowledge/terraform-provider-waits.md): off in the sandbox's override, on in
    terraform/ itself."""
    text = terraform_sandbox.write_sandbox_override(tmp_path, ENDPOINT, "us-east-1").read_text()
    block = text.split('resource "aws_vpc" "this" {', 1)[1].split("}", 1)[0]
    assert block.split() == ["enable_dns_hostnames", "=", "false"]
    assert "enable_dns_hostnames = true" in (TERRAFORM_DIR / "network.tf").read_text()

