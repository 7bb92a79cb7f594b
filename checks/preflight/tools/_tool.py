"""ToolCheck: find a tool, run its version command, parse and compare the version, with an install hint."""

from __future__ import annotations

import re
from typing import ClassVar

from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.context import CheckContext

VERSION_RE = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


def parse_version(text: str, pattern: re.Pattern[str] | None = None) -> tuple[int, int, int] | None:
    match = (pattern or VERSION_RE).search(text or "")
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)


def show(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


class ToolOutcome:
    """What running a tool's version command gave."""

    def __init__(self, found: bool, text: str = "", timed_out: bool = False, returncode: int | None = None):
        self.found, self.text, self.timed_out, self.returncode = found, text, timed_out, returncode


async def run_version(ctx: CheckContext, argv: list[str], timeout: float) -> ToolOutcome:
    from petstore_tui.services.process import ToolNotFound

    try:
        done = await ctx.run_tool(argv, timeout)
    except ToolNotFound:
        return ToolOutcome(False)
    except FileNotFoundError:
        return ToolOutcome(False)
    text = "\n".join(filter(None, [done.stdout, done.stderr]))
    return ToolOutcome(True, text, done.timed_out, done.returncode)


class ToolCheck(Check):
    group = "tools"
    tool: ClassVar[str] = ""
    version_args: ClassVar[tuple[str, ...]] = ("--version",)
    minimum: ClassVar[tuple[int, int, int] | None] = None
    version_pattern: ClassVar[re.Pattern[str] | None] = None
    hint: ClassVar[str] = ""
    timeout = 8.0

    def tool_timeout(self, ctx: CheckContext) -> float:
        # Leave the runner's own timeout a margin so the tool's is the one that reports.
        return max(0.5, self.effective_timeout(ctx) - 1.0)

    async def run(self, ctx: CheckContext) -> CheckResult:
        outcome = await run_version(ctx, [self.tool, *self.version_args], self.tool_timeout(ctx))
        return self.judge(ctx, outcome)

    def judge(self, ctx: CheckContext, outcome: ToolOutcome) -> CheckResult:
        if not outcome.found:
            return self.failed(f"{self.tool} not found on PATH", fix=self.hint)
        if outcome.timed_out:
            return self.errored(f"`{self.tool} {' '.join(self.version_args)}` timed out after "
                                f"{self.tool_timeout(ctx):g}s", fix=f"check that {self.tool} runs: {self.hint}")
        version = parse_version(outcome.text, self.version_pattern)
        first_line = (outcome.text.strip().splitlines() or [""])[0][:200]
        if version is None:
            return self.warned(f"{self.tool} found, version not recognised", first_line, self.hint)
        if self.minimum and version < self.minimum:
            return self.failed(f"{self.tool} {show(version)} is older than {show(self.minimum)}",
                               first_line, self.hint)
        return self.extra(ctx, version, first_line)

    def extra(self, ctx: CheckContext, version: tuple[int, int, int], line: str) -> CheckResult:
        return self.passed(f"{self.tool} {show(version)}", line)
