"""Point a working copy of terraform/ at the local AWS emulator (moto_server) without
editing the real files: an override file for the provider and the -var arguments that
turn off what the emulator does not implement.

The real terraform/ folder is never written to: `prepare_sandbox_workdir` copies it
(without .terraform/, state or earlier overrides) and writes the override into the copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

OVERRIDE_NAME = "sandbox_override.tf"

# Every AWS service the configuration calls, by the provider's `endpoints` argument name.
SANDBOX_SERVICES: tuple[str, ...] = ("ec2", "ecr", "eks", "iam", "sts")

# What the emulator cannot do (../shared/DEPENDENCIES.md): EKS add-ons and access entries
# answer 404; access_config is not kept and re-applying it crashes the provider, and
# enable_access_entries=false also leaves access_config out of the cluster.
SANDBOX_VARIABLES: dict[str, str | bool] = {
    "enable_eks_addons": False,
    "enable_access_entries": False,
}

# Placeholders the emulator accepts; not credentials of any account.
_FAKE_ACCESS_KEY = "testing"
_FAKE_SECRET_KEY = "testing"

# Left out of the working copy: provider installs, state and earlier overrides.
_COPY_IGNORE = shutil.ignore_patterns(
    ".terraform",
    "*.tfstate",
    "*.tfstate.*",
    ".terraform.tfstate.lock.info",
    "override.tf",
    "override.tf.json",
    "*_override.tf",
    "*_override.tf.json",
)


def _hcl_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${")
    return f'"{escaped}"'


def _hcl_value(value: str | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# Attributes the emulator does not keep, so that a second plan would "fix" them and the
# apply then fail (moto rejects the rule update: "Invalid value for portRange"). Override
# files merge lifecycle blocks argument by argument, so real runs are untouched.
_SG_RULES = ("cluster_from_nodes_443", "node_from_cluster_443", "node_from_cluster_kubelet",
             "node_from_cluster_webhook_9443", "node_from_node")
_EMULATOR_DRIFT = "\n" + "".join(
    f'resource "aws_vpc_security_group_ingress_rule" "{name}" {{\n'
    "  lifecycle {\n    ignore_changes = [description, referenced_security_group_id]\n  }\n}\n\n"
    for name in _SG_RULES
) + (
    'resource "aws_launch_template" "node" {\n'
    "  lifecycle {\n    ignore_changes = [tag_specifications]\n  }\n}\n\n"
    'resource "aws_eks_node_group" "default" {\n'
    "  lifecycle {\n    ignore_changes = [scaling_config[0].desired_size, remote_access, update_config, labels, tags, launch_template]\n  }\n}\n"
)


def override_text(endpoint: str, region: str) -> str:
    """The body of sandbox_override.tf for an emulator at `endpoint`."""
    if not endpoint.startswith(("http://", "https://")):
        raise ValueError(f"endpoint must be an http(s) URL, got {endpoint!r}")
    url = _hcl_string(endpoint.rstrip("/"))
    width = max(len(name) for name in SANDBOX_SERVICES)
    endpoints = "\n".join(f"    {name.ljust(width)} = {url}" for name in SANDBOX_SERVICES)
    return (
        "# Written by petstore-tui for the sandbox: every AWS call goes to the local emulator.\n"
        "# Never copy this into terraform/ (.gitignore keeps *_override.tf out of git).\n"
        'provider "aws" {\n'
        f"  region                      = {_hcl_string(region)}\n"
        f"  access_key                  = {_hcl_string(_FAKE_ACCESS_KEY)}\n"
        f"  secret_key                  = {_hcl_string(_FAKE_SECRET_KEY)}\n"
        "  skip_credentials_validation = true\n"
        "  skip_requesting_account_id  = true\n"
        "  skip_metadata_api_check     = true\n"
        "  skip_region_validation      = true\n"
        "  s3_use_path_style           = true\n"
        "\n"
        "  endpoints {\n"
        f"{endpoints}\n"
        "  }\n"
        "}\n"
        f"{_EMULATOR_DRIFT}"
    )


def write_sandbox_override(workdir: Path, endpoint: str, region: str) -> Path:
    """Write sandbox_override.tf into `workdir` (a working copy, never terraform/ itself)
    and return its path."""
    workdir = Path(workdir)
    if not workdir.is_dir():
        raise FileNotFoundError(f"no Terraform working folder at {workdir}")
    path = workdir / OVERRIDE_NAME
    path.write_text(override_text(endpoint, region))
    return path


def sandbox_var_args(extra: dict[str, str | bool] | None = None) -> list[str]:
    """`-var` arguments for plan/apply/destroy in the sandbox (SANDBOX_VARIABLES, then
    `extra`, e.g. {"cluster_name": "petstore-sandbox"})."""
    merged: dict[str, str | bool] = {**SANDBOX_VARIABLES, **(extra or {})}
    args: list[str] = []
    for name, value in merged.items():
        args += ["-var", f"{name}={_hcl_value(value)}"]
    return args


def prepare_sandbox_workdir(source: Path, dest: Path, endpoint: str, region: str) -> Path:
    """Copy the Terraform configuration in `source` to `dest` (created; must not exist or
    be empty) without provider installs, state or overrides, write the sandbox override
    into the copy and return `dest`."""
    source, dest = Path(source), Path(dest)
    if not (source / "versions.tf").is_file() and not any(source.glob("*.tf")):
        raise FileNotFoundError(f"no Terraform configuration in {source}")
    if dest.resolve() == source.resolve():
        raise ValueError("the sandbox working folder must not be the real terraform/ folder")
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} exists and is not empty")
    shutil.copytree(source, dest, ignore=_COPY_IGNORE, dirs_exist_ok=True)
    write_sandbox_override(dest, endpoint, region)
    return dest
