"""Point a working copy of terraform/ at the local AWS emulator (moto_server) without
editing the real files: an override file for the provider (with the AWS config file it
names, which holds the emulator's URL) and the -var arguments that turn off what the
emulator does not implement.

The real terraform/ folder is never written to: `prepare_sandbox_workdir` copies it
(without .terraform/, state or earlier overrides) and writes the override into the copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from petstore_core import aws

OVERRIDE_NAME = "sandbox_override.tf"

AWS_CONFIG_NAME = "sandbox-aws-config"  # beside the override: the emulator's URL for every service
PROFILE = "petstore-sandbox"
# Environment variables that would take precedence over the config file's endpoint_url
# (the AWS SDKs read them first): a sandbox run of Terraform goes without them.
ENDPOINT_ENV_PREFIX = "AWS_ENDPOINT_URL"

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


# Fixed waits of the AWS provider that the emulator does not need
# (docs/knowledge/terraform-provider-waits.md). enable_dns_hostnames = true costs a
# ModifyVpcAttribute and a fixed 10 s wait before the first poll; moto has no DNS and
# nothing in the sandbox reads the attribute. terraform/network.tf keeps it true.
_EMULATOR_WAITS = (
    'resource "aws_vpc" "this" {\n'
    "  enable_dns_hostnames = false\n"
    "}\n"
)


def override_text(endpoint: str, region: str, aws_config: Path | str) -> str:
    """The body of sandbox_override.tf for an emulator at `endpoint`. The URL goes in the
    AWS config file `aws_config` (aws_config_text), not in an `endpoints` block: with that
    block, provider v5.100.0 spends seconds of CPU validating its ~300 attributes every
    time it is configured, five times a deploy and destroy
    (docs/knowledge/terraform-provider-waits.md)."""
    if not endpoint.startswith(("http://", "https://")):
        raise ValueError(f"endpoint must be an http(s) URL, got {endpoint!r}")
    return (
        "# Written by petstore-tui for the sandbox: every AWS call goes to the local emulator\n"
        f"# (its URL is in {AWS_CONFIG_NAME}, beside this file).\n"
        "# Never copy this into terraform/ (.gitignore keeps *_override.tf out of git).\n"
        'provider "aws" {\n'
        f"  region                      = {_hcl_string(region)}\n"
        f"  access_key                  = {_hcl_string(_FAKE_ACCESS_KEY)}\n"
        f"  secret_key                  = {_hcl_string(_FAKE_SECRET_KEY)}\n"
        f"  shared_config_files         = [{_hcl_string(str(aws_config))}]\n"
        f"  profile                     = {_hcl_string(PROFILE)}\n"
        "  skip_credentials_validation = true\n"
        "  skip_requesting_account_id  = true\n"
        "  skip_metadata_api_check     = true\n"
        "  skip_region_validation      = true\n"
        "  s3_use_path_style           = true\n"
        "}\n"
        f"{_EMULATOR_DRIFT}\n"
        f"{_EMULATOR_WAITS}"
    )


def aws_config_text(endpoint: str) -> str:
    """The AWS config file the override names: one profile whose endpoint_url (read by the
    AWS SDK for Go v2 under the provider) sends every service to the emulator."""
    url = endpoint.rstrip("/")
    if not url.startswith(("http://", "https://")) or any(c in url for c in "\n\r "):
        raise ValueError(f"endpoint must be an http(s) URL, got {endpoint!r}")
    return f"# Written by petstore-tui for the sandbox.\n[profile {PROFILE}]\nendpoint_url = {url}\n"


def write_sandbox_override(workdir: Path, endpoint: str, region: str) -> Path:
    """Write sandbox_override.tf and the AWS config file it names into `workdir` (a
    working copy, never terraform/ itself) and return the override's path."""
    workdir = Path(workdir)
    if not workdir.is_dir():
        raise FileNotFoundError(f"no Terraform working folder at {workdir}")
    config = workdir.resolve() / AWS_CONFIG_NAME
    text = override_text(endpoint, region, config)
    config.write_text(aws_config_text(endpoint))
    path = workdir / OVERRIDE_NAME
    path.write_text(text)
    return path


def sandbox_env(environ) -> dict[str, str | None]:
    """Changes to the environment of a sandbox Terraform run: the caller's
    AWS_ENDPOINT_URL* variables unset (None), since they would win over the override's
    config file and send the sandbox elsewhere."""
    return {name: None for name in environ if name.startswith(ENDPOINT_ENV_PREFIX)}


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


def release_ahead_of_destroy(target, vpc_id: str | None = None) -> list[str]:
    """Delete in the emulator, just before `terraform destroy`, what the AWS provider
    deletes only after a fixed wait that no argument changes (docs/knowledge/
    terraform-provider-waits.md): the EKS node groups and cluster of `target` (a random
    0-60 s before DeleteCluster) and the NAT gateways of `vpc_id` (10 s after
    DeleteNatGateway). Terraform's refresh then finds them gone and drops them from the
    state; moto deletes them at once either way, so the emulator ends the same. Returns
    what was deleted; what is not there is no error. Sandbox only."""
    if not target.sandbox:
        raise ValueError("release_ahead_of_destroy is for the sandbox only: real resources are Terraform's to delete")
    deleted: list[str] = []
    eks = aws.client(target, "eks")
    name = target.cluster_name
    try:
        eks.describe_cluster(name=name)  # (moto answers 500, not 404, to listing a missing cluster's groups)
    except eks.exceptions.ResourceNotFoundException:
        groups = None
    else:
        groups = eks.list_nodegroups(clusterName=name).get("nodegroups", [])
    if groups is not None:
        for group in groups:
            eks.delete_nodegroup(clusterName=name, nodegroupName=group)
            deleted.append(f"EKS node group {group}")
        eks.delete_cluster(name=name)
        deleted.append(f"EKS cluster {name}")
    if vpc_id:
        ec2 = aws.client(target, "ec2")
        gateways = ec2.describe_nat_gateways(Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "state", "Values": ["pending", "available"]}])
        for gateway in gateways.get("NatGateways", []):
            ec2.delete_nat_gateway(NatGatewayId=gateway["NatGatewayId"])
            deleted.append(f"NAT gateway {gateway['NatGatewayId']}")
    return deleted
