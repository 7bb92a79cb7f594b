"""tools.terraform: Terraform 1.5 or later."""

from __future__ import annotations

import re

from checks.preflight.tools._tool import ToolCheck


class TerraformCheck(ToolCheck):
    id = "tools.terraform"
    title = "Terraform"
    tool = "terraform"
    version_args = ("version",)
    minimum = (1, 5, 0)
    version_pattern = re.compile(r"Terraform v(\d+)\.(\d+)\.(\d+)")
    hint = "install Terraform 1.5 or later: https://developer.hashicorp.com/terraform/install"
