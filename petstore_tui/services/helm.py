"""Helm through pyhelm3: install or upgrade the AWS Load Balancer Controller from the eks chart repository.

pyhelm3 0.5.8 starts helm itself (pyhelm3/command.py, `Command.run`:
`asyncio.create_subprocess_shell` of the joined arguments, in our process group, unrecorded;
on cancel SIGTERM to the shell, which left helm running and holding the pipes; and
`client_version`: `subprocess.run(..., shell=True)`). Our Command keeps pyhelm3's arguments
and error classes and runs helm through petstore_core/process.py instead: an argument list,
recorded (a killed petstore-tui's next start stops a `helm upgrade --wait` it left,
petstore_core/tool_records.py), in its own session, stopped with one SIGINT (helm 3 cancels
the release on it), then SIGTERM, then SIGKILL.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from pyhelm3 import Client, errors
from pyhelm3.command import CHART_NOT_FOUND, CONNECTION_ERROR, Command

from petstore_core import process, settings

CHART = "aws-load-balancer-controller"
CHART_REPO = "https://aws.github.io/eks-charts"
HELM_TIMEOUT = "10m"  # helm's own --timeout (the wait for the release's resources)
CALL_TIMEOUT = 900.0  # ours, around every helm call
VERSION_TIMEOUT = 30.0  # pyhelm3 runs `helm version` synchronously, with no timeout of its own
INTERRUPT_GRACE = 30.0  # after the SIGINT of a stop: helm marks the release failed, then ends


class HelmUnavailable(RuntimeError):
    """helm is not installed (or not runnable)."""


def helm_reason() -> str | None:
    """Why Helm cannot be used, or None."""
    if process.which("helm") is None:
        return "helm not found on PATH"
    return None


class RecordedCommand(Command):
    """pyhelm3's Command with helm started by petstore_core/process.py (the module docstring)."""

    def _argv(self, command: list[Any], *, connection: bool = True) -> list[str]:
        argv = [self._executable, *command]
        if connection:  # what pyhelm3 0.5.8's Command.run adds to every command
            if self._kubeconfig:
                argv += ["--kubeconfig", self._kubeconfig]
            if self._kubecontext:
                argv += ["--kube-context", self._kubecontext]
            if self._kubeapiserver:
                argv += ["--kube-apiserver", self._kubeapiserver]
            if self._kubetoken:
                argv += ["--kube-token", self._kubetoken]
            if self._insecure_skip_tls_verify:
                argv.append("--kube-insecure-skip-tls-verify")
        return [os.fsdecode(part) if isinstance(part, bytes | os.PathLike) else str(part) for part in argv]

    async def run(self, command: list[Any], input: bytes | None = None) -> bytes:
        # our callers' own limit (CALL_TIMEOUT) ends the call first; this one is the backstop
        done = await process.capture(self._argv(command), timeout=CALL_TIMEOUT + 60, input=input,
                                     interrupt_grace=INTERRUPT_GRACE)
        if done.timed_out:
            raise errors.Error(-1, done.stdout, done.stderr + b"\nhelm did not end in time")
        if done.returncode == 0:
            return done.stdout
        raise _error_class(done.stderr)(done.returncode, done.stdout, done.stderr)

    def client_version(self):
        # start-up: semver comes with pyhelm3; only building a client needs it
        import semver

        done = process.run(self._argv(["version", "--template", "{{ .Version }}"], connection=False),
                           timeout=VERSION_TIMEOUT)
        if not done.ok:
            why = "did not answer in time" if done.timed_out else f"failed (exit {done.returncode})"
            raise HelmUnavailable(f"helm version {why}")
        return semver.Version.parse(done.stdout.strip().removeprefix("v"))


def _error_class(stderr: bytes) -> type[errors.Error]:
    """pyhelm3 0.5.8's reading of a failed helm's stderr (Command.run), kept so that callers
    catch the same exceptions."""
    text = stderr.decode("utf-8", "replace").lower()
    if "context canceled" in text:
        return errors.CommandCancelledError
    if "etcdserver" in text:
        return errors.ConnectionError
    if "release: not found" in text:
        return errors.ReleaseNotFoundError
    if "failed to render chart" in text or "execution error" in text:
        return errors.FailedToRenderChartError
    if "rendered manifests contain a resource that already exists" in text:
        return errors.ResourceAlreadyExistsError
    if "is invalid" in text:
        return errors.InvalidResourceError
    if CHART_NOT_FOUND.search(text) is not None:
        return errors.ChartNotFoundError
    if CONNECTION_ERROR.search(text) is not None:
        return errors.ConnectionError
    return errors.Error


def _build(kubeconfig: Path | None, kubecontext: str | None):
    try:
        # The constructor runs `helm version` synchronously and asserts helm exists.
        command = RecordedCommand(executable="helm", kubeconfig=kubeconfig, kubecontext=kubecontext,
                                  default_timeout=HELM_TIMEOUT)
        return Client(command, executable="helm")
    except (AssertionError, process.ToolNotFound):
        raise HelmUnavailable("helm not found") from None


async def client(kubeconfig: Path | None = None, kubecontext: str | None = None):
    """A pyhelm3 Client, built off the event loop."""
    if process.which("helm") is None:
        raise HelmUnavailable("helm not found")
    try:
        return await asyncio.wait_for(asyncio.to_thread(_build, kubeconfig, kubecontext), VERSION_TIMEOUT)
    except TimeoutError:
        raise HelmUnavailable(f"helm version did not answer in {VERSION_TIMEOUT:.0f}s") from None


def controller_values(base: dict[str, Any] | None, *, cluster: str, region: str, vpc_id: str,
                      service_account: str = CHART) -> dict[str, Any]:
    """Our values file with what must never be left to discovery: the cluster, region and
    VPC named explicitly (IMDSv2 hop limit 1 hides them), the IngressClass and the
    ServiceAccount ours rather than the chart's."""
    values = dict(base or {})
    values.update({"clusterName": cluster, "region": region, "vpcId": vpc_id,
                   "createIngressClassResource": False})
    sa = dict(values.get("serviceAccount") or {})
    sa.update({"create": False, "name": sa.get("name") or service_account})
    values["serviceAccount"] = sa
    return values


async def install_controller(values: dict[str, Any], *, kubeconfig: Path | None = None,
                             kubecontext: str | None = None, version: str | None = None) -> dict:
    """helm upgrade --install aws-load-balancer-controller (kube-system) with `values`; the
    release's name, namespace, revision and status."""
    helm = await client(kubeconfig, kubecontext)

    async def work():
        chart = await helm.get_chart(CHART, repo=CHART_REPO, version=version)
        return await helm.install_or_upgrade_release(
            settings.CONTROLLER_RELEASE, chart, values,
            namespace=settings.CONTROLLER_NAMESPACE, create_namespace=False, wait=True,
            timeout=HELM_TIMEOUT)

    revision = await asyncio.wait_for(work(), CALL_TIMEOUT)
    return {"release": revision.release.name, "namespace": revision.release.namespace,
            "revision": revision.revision, "status": str(getattr(revision.status, "value", revision.status))}


async def uninstall_controller(*, kubeconfig: Path | None = None, kubecontext: str | None = None) -> None:
    helm = await client(kubeconfig, kubecontext)
    await asyncio.wait_for(
        helm.uninstall_release(settings.CONTROLLER_RELEASE, namespace=settings.CONTROLLER_NAMESPACE,
                               wait=True, timeout=HELM_TIMEOUT), CALL_TIMEOUT)
