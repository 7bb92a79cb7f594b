"""tools.container: Docker or Podman, and whether its engine answers (not just the client)."""

from __future__ import annotations

import re

from checks.model import CheckResult
from checks.preflight.context import CheckContext
from checks.preflight.tools._tool import ToolCheck, run_version, tool_version
from checks.versions import parse_version, show


class ContainerEngineCheck(ToolCheck):
    id = "tools.container"
    title = "Docker or Podman"
    tool = "docker"
    version_pattern = re.compile(r"version (\d+)\.(\d+)\.(\d+)")
    hint = ("install Docker (https://docs.docker.com/engine/install/) or Podman "
            "(https://podman.io/docs/installation)")
    timeout = 10.0

    async def run(self, ctx: CheckContext) -> CheckResult:
        budget = self.tool_timeout(ctx) / 4  # up to two tools, a version and an engine call each
        failures: list[tuple[str, str, str]] = []  # (summary, detail, fix) of tools without an engine
        for tool in ("docker", "podman"):
            outcome = await tool_version(ctx, [tool, "--version"], budget)
            if not outcome.found:
                continue
            if outcome.timed_out:
                return self.errored(f"`{tool} --version` timed out after {budget:g}s")
            version = parse_version(outcome.text, self.version_pattern) or parse_version(outcome.text)
            shown = f"{tool} {show(version)}" if version else f"{tool} (version not recognised)"
            engine = await run_version(ctx, [tool, *_ENGINE_QUESTION[tool]], budget)
            if engine.timed_out:
                failures.append((f"{shown}: the engine did not answer within {budget:g}s", "", _start_hint(tool)))
                continue
            if engine.returncode != 0:  # a docker client without a daemon: podman may still answer
                reason = next((line for line in engine.text.splitlines() if line.strip()), "")
                failures.append((f"{shown} found, but no engine answers", reason[:300], _start_hint(tool)))
                continue
            answer = engine.text.strip().splitlines()[0][:40] if engine.text.strip() else "answers"
            return self.passed(f"{shown}, engine {answer}")
        if not failures:
            return self.failed("neither docker nor podman found on PATH", fix=self.hint)
        summary, detail, fix = failures[0]
        if len(failures) > 1:
            detail = "; ".join(f"{s}: {d}" if d else s for s, d, _ in failures)
        return self.failed(summary, detail, fix)


# What asks each engine for its version: Docker's daemon answers `info`; Podman's
# `version` opens its state database and storage as `info` does, without `info`'s host
# survey (conmon, slirp4netns, dpkg -S of each: 0.25 s of CPU against 0.03 s), and a
# remote Podman's service answers it (docs/knowledge/podman-sandbox.md).
_ENGINE_QUESTION = {"docker": ("info", "--format", "{{.ServerVersion}}"),
                    "podman": ("version", "--format", "{{.Server.Version}}")}


def _start_hint(tool: str) -> str:
    if tool == "podman":
        return "start Podman's service (podman machine start, or systemctl --user start podman.socket)"
    return "start the Docker engine (Docker Desktop, or sudo systemctl start docker) and check DOCKER_HOST"
