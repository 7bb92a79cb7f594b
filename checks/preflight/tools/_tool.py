"""ToolCheck: find a tool, run its version command, parse and compare the version, with an install hint."""

from __future__ import annotations

import json
import os
import re
import tempfile
from typing import ClassVar

from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.context import CheckContext, default_tool_runner
from checks.versions import parse_version, show
from petstore_core.process import ToolNotFound, which
from petstore_core.settings import cache_dir


class ToolOutcome:
    """What running a tool's version command gave."""

    def __init__(self, found: bool, text: str = "", timed_out: bool = False, returncode: int | None = None):
        self.found, self.text, self.timed_out, self.returncode = found, text, timed_out, returncode


async def run_version(ctx: CheckContext, argv: list[str], timeout: float) -> ToolOutcome:
    try:
        done = await ctx.run_tool(argv, timeout)
    except ToolNotFound:
        return ToolOutcome(False)
    except FileNotFoundError:
        return ToolOutcome(False)
    text = "\n".join(filter(None, [done.stdout, done.stderr]))
    return ToolOutcome(True, text, done.timed_out, done.returncode)


# Version outputs remembered by the binary that printed them, in the state folder: a
# version command costs from 0.05 s (Go tools) to 0.5 s of CPU and 2 s on a busy machine
# (aws CLI v1, a Python program), and its answer changes only when the binary does.
VERSION_CACHE = "tool-versions.json"


def _version_cache_path():
    return cache_dir() / VERSION_CACHE


def _binary_stamp(executable: str) -> dict | None:
    """Where `executable` resolves on PATH and the size and mtime of the file it runs, or
    None when it is not found (running it then says what is wrong)."""
    path = which(executable)
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return {"path": path, "realpath": os.path.realpath(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _read_versions() -> dict:
    try:
        data = json.loads(_version_cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _remember_version(command: str, stamp: dict, outcome: ToolOutcome) -> None:
    path = _version_cache_path()
    versions = _read_versions()
    versions[command] = {**stamp, "text": outcome.text, "returncode": outcome.returncode}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tool-versions-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(versions, handle, indent=1)
        os.replace(tmp, path)  # atomic: a parallel preflight never reads half a file
    except OSError:
        pass  # a cache we cannot write costs a version command next time, nothing more


async def tool_version(ctx: CheckContext, argv: list[str], timeout: float) -> ToolOutcome:
    """`run_version` for a tool's version command, answered from the cache while the
    binary on PATH (its path, size and mtime) is the one that answered before. Only with
    the default tool runner: a runner of the caller's own decides what runs. Only
    successful answers are kept, so a broken or hanging tool is asked again next time."""
    stamp = _binary_stamp(argv[0]) if ctx.tool_runner is default_tool_runner else None
    if stamp is None:
        return await run_version(ctx, argv, timeout)
    command = " ".join(argv)
    known = _read_versions().get(command)
    if isinstance(known, dict) and all(known.get(k) == v for k, v in stamp.items()):
        return ToolOutcome(True, str(known.get("text", "")), False, known.get("returncode"))
    outcome = await run_version(ctx, argv, timeout)
    if outcome.found and not outcome.timed_out and outcome.returncode == 0:
        _remember_version(command, stamp, outcome)
    return outcome


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
        outcome = await tool_version(ctx, [self.tool, *self.version_args], self.tool_timeout(ctx))
        return self.judge(ctx, outcome)

    def judge(self, ctx: CheckContext, outcome: ToolOutcome) -> CheckResult:
        if not outcome.found:
            return self.failed(f"{self.tool} not found on PATH", fix=self.hint)
        if outcome.timed_out:
            return self.errored(f"`{self.tool} {' '.join(self.version_args)}` timed out after "
                                f"{self.tool_timeout(ctx):g}s", fix=f"check that {self.tool} runs: {self.hint}")
        version = parse_version(outcome.text, self.version_pattern)
        first_line = (outcome.text.strip().splitlines() or [""])[0][:200]
        if version is None and outcome.returncode not in (0, None):
            # a shim with no version selected, a broken install: it cannot run the deploy
            return self.failed(f"`{self.tool} {' '.join(self.version_args)}` failed (exit {outcome.returncode})",
                               first_line, f"check that {self.tool} runs: {self.hint}")
        if version is None:
            return self.warned(f"{self.tool} found, version not recognised", first_line, self.hint)
        if self.minimum and version < self.minimum:
            return self.failed(f"{self.tool} {show(version)} is older than {show(self.minimum)}",
                               first_line, self.hint)
        return self.extra(ctx, version, first_line)

    def extra(self, ctx: CheckContext, version: tuple[int, int, int], line: str) -> CheckResult:
        return self.passed(f"{self.tool} {show(version)}", line)
