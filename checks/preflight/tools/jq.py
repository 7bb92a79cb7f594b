"""tools.jq: jq 1.6 or later."""

from __future__ import annotations

import re

from checks.preflight.tools._tool import ToolCheck


class JqCheck(ToolCheck):
    id = "tools.jq"
    title = "jq"
    tool = "jq"
    minimum = (1, 6, 0)
    version_pattern = re.compile(r"jq-(\d+)\.(\d+)(?:\.(\d+))?")
    hint = "install jq: https://jqlang.org/download/ (apt-get install jq, brew install jq)"
