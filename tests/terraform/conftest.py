"""Helpers for the Terraform tests: a working copy of terraform/ in tmp_path (never the
real folder), an environment that installs the provider from the offline mirror only, and
a runner that puts Terraform's output into assertion messages."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from petstore_core import process
from petstore_tui.services import terraform_sandbox

REPO = Path(__file__).resolve().parents[2]
TERRAFORM_DIR = REPO / "terraform"
REGION = "us-east-1"


@dataclass
class Terraform:
    """Runs `terraform -chdir=<workdir> ...` with a fixed environment."""

    binary: str
    workdir: Path
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 300, check: bool = True) -> process.Completed:
        result = process.run(
            [self.binary, f"-chdir={self.workdir}", *args], timeout=timeout, env=self.env
        )
        if check:
            assert not result.timed_out, f"terraform {args[0]} timed out after {timeout}s"
            assert result.returncode == 0, (
                f"terraform {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
            )
        return result

    def init(self) -> None:
        self.run("init", "-backend=false", "-input=false", "-no-color", timeout=180)


def terraform_env(cli_config: Path) -> dict[str, str]:
    """The process environment for Terraform: provider from the mirror, no prompts, and no
    AWS credentials or endpoints of its own, so only the sandbox override can route calls
    (without it the provider fails for lack of credentials instead of reaching AWS)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "TF_"))}
    env.update(
        TF_CLI_CONFIG_FILE=str(cli_config),
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        CHECKPOINT_DISABLE="1",
    )
    return env


def copy_terraform(dest: Path) -> Path:
    """terraform/ copied to `dest` without provider installs, state or overrides."""
    shutil.copytree(
        TERRAFORM_DIR,
        dest,
        ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", "*override.tf*"),
    )
    return dest


@pytest.fixture(scope="module")
def sandbox_terraform(terraform_bin, terraform_cli_config, moto_server, tmp_path_factory):
    """Stand-in for AWS: moto_server on loopback. An initialised copy of terraform/ whose
    sandbox_override.tf points the provider at it (module-scoped; plans only, no state)."""
    workdir = terraform_sandbox.prepare_sandbox_workdir(
        TERRAFORM_DIR, tmp_path_factory.mktemp("tf-plan") / "work", moto_server, REGION
    )
    tf = Terraform(terraform_bin, workdir, terraform_env(terraform_cli_config))
    tf.init()
    return tf
