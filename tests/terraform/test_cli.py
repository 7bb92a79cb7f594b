"""Terraform itself on terraform/: fmt, offline init from the provider mirror, validate,
and plans against the emulator that prove what the variables switch on and off.

Skips when terraform or the provider mirror is missing (the fixtures say which)."""

from __future__ import annotations

import json

import pytest

from petstore_core.terraform_vars import sandbox_var_args
from tests.terraform.conftest import TERRAFORM_DIR, Terraform, copy_terraform, terraform_env


def test_fmt_check(terraform_bin, terraform_cli_config):
    """Stand-in: none; terraform fmt reads the real folder and writes nothing (-check)."""
    tf = Terraform(terraform_bin, TERRAFORM_DIR, terraform_env(terraform_cli_config))
    result = tf.run("fmt", "-check", "-recursive", "-diff", "-no-color", check=False, timeout=60)
    assert result.returncode == 0, f"terraform fmt would change:\n{result.stdout}"


def test_init_offline_and_validate(terraform_bin, terraform_cli_config, tmp_path):
    """Stand-in: the local provider mirror instead of the registry (a copy in tmp_path)."""
    tf = Terraform(
        terraform_bin, copy_terraform(tmp_path / "tf"), terraform_env(terraform_cli_config)
    )
    tf.init()
    # Installed from the mirror (a symlink into it on Linux), never downloaded.
    installed = (
        tf.workdir / ".terraform" / "providers" / "registry.terraform.io" / "hashicorp" / "aws"
    )
    assert installed.is_dir() and any(installed.iterdir()), "the AWS provider was not installed"
    assert any((v / "linux_amd64").exists() or any(v.iterdir()) for v in installed.iterdir())
    result = tf.run("validate", "-json", "-no-color", timeout=120)
    report = json.loads(result.stdout)
    assert report["valid"] is True, report["diagnostics"]
    assert report["warning_count"] == 0, report["diagnostics"]
    assert not (TERRAFORM_DIR / ".terraform").exists()


def _plan(tf: Terraform, name: str, *var_args: str) -> dict:
    tf.run("plan", "-input=false", "-no-color", f"-out={name}.tfplan", *var_args, timeout=300)
    shown = tf.run("show", "-json", "-no-color", f"{name}.tfplan", timeout=120)
    return json.loads(shown.stdout)


def _planned(plan: dict) -> dict[str, dict]:
    return {
        change["address"]: change
        for change in plan["resource_changes"]
        if change["change"]["actions"] != ["no-op"] and change["mode"] == "managed"
    }


@pytest.mark.slow
def test_plan_with_defaults_has_addons_access_entries_and_one_nat(sandbox_terraform):
    """Stand-in: moto_server on loopback (plans only read: zones, caller identity).
    The defaults are the real deployment: add-ons, access entry, API_AND_CONFIG_MAP."""
    planned = _planned(_plan(sandbox_terraform, "defaults"))
    for addon in ("coredns", "kube-proxy", "vpc-cni"):
        assert f'aws_eks_addon.this["{addon}"]' in planned
    assert "aws_eks_access_entry.creator[0]" in planned
    association = planned["aws_eks_access_policy_association.creator_admin[0]"]["change"]["after"]
    assert association["policy_arn"].endswith(":cluster-access-policy/AmazonEKSClusterAdminPolicy")
    cluster = planned["aws_eks_cluster.this"]["change"]["after"]
    assert cluster["access_config"][0]["authentication_mode"] == "API_AND_CONFIG_MAP"
    assert cluster["version"] == "1.35"
    assert [a for a in planned if a.startswith("aws_nat_gateway.")] == ["aws_nat_gateway.this[0]"]
    assert len([a for a in planned if a.startswith("aws_route_table.private[")]) == 3


@pytest.mark.slow
def test_plan_production_has_one_nat_per_zone(sandbox_terraform):
    """Stand-in: moto_server on loopback (plan only)."""
    planned = _planned(
        _plan(
            sandbox_terraform, "production", "-var", "environment=production", *sandbox_var_args()
        )
    )
    nats = sorted(a for a in planned if a.startswith("aws_nat_gateway."))
    assert nats == [f"aws_nat_gateway.this[{i}]" for i in range(3)]
    assert len([a for a in planned if a.startswith("aws_eip.nat[")]) == 3


@pytest.mark.slow
def test_plan_sandbox_variables_drop_addons_access_entries_and_access_config(sandbox_terraform):
    """Stand-in: moto_server on loopback (plan only)."""
    planned = _planned(_plan(sandbox_terraform, "sandbox", *sandbox_var_args()))
    assert not [a for a in planned if a.startswith(("aws_eks_addon.", "aws_eks_access_"))]
    assert planned["aws_eks_cluster.this"]["change"]["after"].get("access_config") in (None, [])
    assert "aws_eks_node_group.default" in planned


def test_environment_outside_the_two_values_is_refused(sandbox_terraform):
    """Stand-in: moto_server on loopback; the variable validation stops the plan."""
    result = sandbox_terraform.run(
        "plan", "-input=false", "-no-color", "-var", "environment=staging", check=False, timeout=300
    )
    assert result.returncode != 0
    assert "Invalid value for variable" in result.stderr
    assert "environment must be" in result.stderr
