"""tools.terraform: Terraform 1.9 or later (the runbook runs `terraform init -json`, which Terraform 1.9.0 introduced; docs/knowledge/terraform.md)."""

from __future__ import annotations

import re

from checks.preflight.tools._tool import ToolCheck


class TerraformCheck(ToolCheck):
    id = "tools.terraform"
    title = "Terraform"
    tool = "terraform"
    version_args = ("version",)
    minimum = (1, 9, 0)
    version_pattern = re.compile(r"Terraform v(\d+)\.(\d+)\.(\d+)")
    hint = ("install Terraform 1.9 or later (the deploy runs `terraform init -json`, which older releases "
            "refuse): https://developer.hashicorp.com/terraform/install")
