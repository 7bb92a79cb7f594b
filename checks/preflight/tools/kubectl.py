"""tools.kubectl: kubectl, within one minor version of the cluster when the cluster is known."""

from __future__ import annotations

import asyncio
import json

from checks.eks_versions import normalise
from checks.model import CheckResult
from checks.preflight.context import CheckContext, in_thread
from checks.preflight.tools._tool import ToolCheck, ToolOutcome, tool_version
from checks.versions import parse_version, show

CLUSTER_LOOKUP_TIMEOUT = 5.0


class KubectlCheck(ToolCheck):
    id = "tools.kubectl"
    title = "kubectl"
    tool = "kubectl"
    version_args = ("version", "--client", "-o", "json")
    minimum = (1, 28, 0)
    hint = "install kubectl: https://kubernetes.io/docs/tasks/tools/#kubectl"
    timeout = 10.0

    async def run(self, ctx: CheckContext) -> CheckResult:
        outcome, cluster_version = await asyncio.gather(
            tool_version(ctx, [self.tool, *self.version_args], self.tool_timeout(ctx)),
            self._cluster_version(ctx))
        outcome = ToolOutcome(outcome.found, _client_version_text(outcome.text), outcome.timed_out,
                              outcome.returncode)
        self._cluster = cluster_version
        return self.judge(ctx, outcome)

    async def _cluster_version(self, ctx: CheckContext) -> str | None:
        try:
            cluster = await asyncio.wait_for(in_thread(ctx.cluster), CLUSTER_LOOKUP_TIMEOUT)
        except Exception:  # no credentials, no cluster yet: the version stays unknown
            return None
        return normalise(cluster["version"]) if cluster and cluster.get("version") else None

    def extra(self, ctx, version, line):
        cluster = getattr(self, "_cluster", None)
        if not cluster:
            return self.passed(f"kubectl {show(version)} (cluster version unknown)", line)
        cluster_minor = parse_version(cluster + ".0")
        skew = version[1] - cluster_minor[1] if version[0] == cluster_minor[0] else 99
        if abs(skew) > 1:
            return self.failed(f"kubectl {show(version)} is more than one minor version from the "
                               f"cluster's {cluster}", line,
                               f"install kubectl {cluster}: https://kubernetes.io/docs/tasks/tools/#kubectl")
        return self.passed(f"kubectl {show(version)} (cluster {cluster})", line)


def _client_version_text(text: str) -> str:
    """`kubectl version --client -o json` gives JSON; older ones print text. Either way
    return a line with the client's gitVersion first."""
    start = text.find("{")
    if start >= 0:
        try:
            data = json.loads(text[start:text.rfind("}") + 1])
            git_version = (data.get("clientVersion") or {}).get("gitVersion")
            if git_version:
                return f"Client Version: {git_version}"
        except ValueError:
            pass
    return text
