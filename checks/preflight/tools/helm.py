"""tools.helm: Helm 3."""

from __future__ import annotations

import re

from checks.preflight.tools._tool import ToolCheck
from checks.versions import show


class HelmCheck(ToolCheck):
    id = "tools.helm"
    title = "Helm"
    tool = "helm"
    version_args = ("version", "--short")
    minimum = (3, 0, 0)
    version_pattern = re.compile(r"v(\d+)\.(\d+)\.(\d+)")
    hint = "install Helm 3: https://helm.sh/docs/intro/install/"

    def extra(self, ctx, version, line):
        if version[0] >= 4:
            return self.warned(f"helm {show(version)}: the runbook is tested with Helm 3", line)
        return self.passed(f"helm {show(version)}", line)
