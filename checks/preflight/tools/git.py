"""tools.git: git."""

from __future__ import annotations

from checks.preflight.tools._tool import ToolCheck


class GitCheck(ToolCheck):
    id = "tools.git"
    title = "git"
    tool = "git"
    minimum = (2, 0, 0)
    hint = "install git: https://git-scm.com/downloads"
