"""tools.container: Docker or Podman, and whether its engine answers (not just the client)."""

from __future__ import annotations

import re

from checks.model import CheckResult
from checks.preflight.context import CheckContext
from checks.preflight.tools._tool import ToolCheck, parse_version, run_version, show


class ContainerEngineCheck(ToolCheck):
    id = "tools.container"
    title = "Docker or Podman"
    tool = "docker"
    version_pattern = re.compile(r"version (\d+)\.(\d+)\.(\d+)")
    hint = ("install Docker (https://docs.docker.com/engine/install/) or Podman "
            "(https://podman.io/docs/installation)")
    timeout = 10.0

    async def run(self, ctx: CheckContext) -> CheckResult:
        budget = self.tool_timeout(ctx) / 2  # the version call and the engine call, in turn
        for tool in ("docker", "podman"):
            outcome = await run_version(ctx, [tool, "--version"], budget)
            if outcome.found:
                break
        else:
            return self.failed("neither docker nor podman found on PATH", fix=self.hint)
        if outcome.timed_out:
            return self.errored(f"`{tool} --version` timed out after {budget:g}s")
        version = parse_version(outcome.text, self.version_pattern) or parse_version(outcome.text)
        shown = f"{tool} {show(version)}" if version else f"{tool} (version not recognised)"
        engine = await run_version(ctx, [tool, "info", "--format", "{{.ServerVersion}}"], budget)
        if engine.timed_out:
            return self.failed(f"{shown}: the engine did not answer within {budget:g}s",
                               fix=_start_hint(tool))
        if engine.returncode != 0:
            reason = next((line for line in engine.text.splitlines() if line.strip()), "")
            return self.failed(f"{shown} found, but no engine answers", reason[:300], _start_hint(tool))
        return self.passed(f"{shown}, engine {engine.text.strip().splitlines()[0][:40] if engine.text.strip() else 'answers'}")


def _start_hint(tool: str) -> str:
    if tool == "podman":
        return "start Podman's service (podman machine start, or systemctl --user start podman.socket)"
    return "start the Docker engine (Docker Desktop, or sudo systemctl start docker) and check DOCKER_HOST"
