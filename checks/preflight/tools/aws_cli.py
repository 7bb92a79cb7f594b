"""tools.aws: the AWS CLI, v2 recommended."""

from __future__ import annotations

import re

from checks.preflight.tools._tool import ToolCheck
from checks.versions import show


class AwsCliCheck(ToolCheck):
    id = "tools.aws"
    title = "AWS CLI"
    tool = "aws"
    minimum = (1, 0, 0)
    version_pattern = re.compile(r"aws-cli/(\d+)\.(\d+)\.(\d+)")
    hint = ("install AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/"
            "getting-started-install.html")
    timeout = 10.0  # v1 is a Python program and starts slowly

    def extra(self, ctx, version, line):
        if version[0] < 2:
            return self.warned(f"aws {show(version)} (v1): v2 is recommended", line, self.hint)
        return self.passed(f"aws {show(version)}", line)
