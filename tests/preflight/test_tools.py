"""Tools checks with fake tools on PATH printing real version strings (and one that hangs)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from checks.model import Status
from checks.preflight.runner import run_check
from checks.preflight.tools.aws_cli import AwsCliCheck
from checks.preflight.tools.container_engine import ContainerEngineCheck
from checks.preflight.tools.git import GitCheck
from checks.preflight.tools.helm import HelmCheck
from checks.preflight.tools.jq import JqCheck
from checks.preflight.tools.kubectl import KubectlCheck
from checks.preflight.tools.terraform import TerraformCheck
from tests.preflight.conftest import make_ctx
from tests.support.fake_tools import REAL_VERSIONS


@pytest.mark.parametrize("check, tool, version, status, summary", [
    (AwsCliCheck, "aws", REAL_VERSIONS["aws"], Status.PASS, "aws 2.22.35"),
    (AwsCliCheck, "aws", REAL_VERSIONS["aws-v1"], Status.WARN, "aws 1.36.30 (v1)"),
    (TerraformCheck, "terraform", REAL_VERSIONS["terraform"], Status.PASS, "terraform 1.11.4"),
    (TerraformCheck, "terraform", REAL_VERSIONS["terraform-old"], Status.FAIL, "older than 1.9.0"),
    # init -json, which the runbook runs, arrived in Terraform 1.9.0 (docs/knowledge/terraform.md)
    (TerraformCheck, "terraform", "Terraform v1.8.5\non linux_amd64", Status.FAIL, "older than 1.9.0"),
    (TerraformCheck, "terraform", "Terraform v1.9.0\non linux_amd64", Status.PASS, "terraform 1.9.0"),
    (HelmCheck, "helm", REAL_VERSIONS["helm"], Status.PASS, "helm 3.16.3"),
    (HelmCheck, "helm", REAL_VERSIONS["helm-2"], Status.FAIL, "older than 3.0.0"),
    (JqCheck, "jq", REAL_VERSIONS["jq"], Status.PASS, "jq 1.7.1"),
    (JqCheck, "jq", "jq-1.5", Status.FAIL, "older than 1.6.0"),
    (GitCheck, "git", REAL_VERSIONS["git"], Status.PASS, "git 2.47.1"),
    (KubectlCheck, "kubectl", REAL_VERSIONS["kubectl-json"], Status.PASS, "kubectl 1.32.3"),
    (KubectlCheck, "kubectl", "Client Version: v1.27.16", Status.FAIL, "older than 1.28.0"),
])
async def test_tool_versions(fake_tools, check, tool, version, status, summary):
    """Fake tools on PATH printing real version strings."""
    fake_tools.add(tool, version)
    fake_tools.use()
    result = await run_check(check(), make_ctx())
    assert result.status == status, result
    assert summary in result.summary


@pytest.mark.parametrize("check", [AwsCliCheck, TerraformCheck, KubectlCheck, HelmCheck, JqCheck, GitCheck])
async def test_missing_tool_fails_with_install_hint(fake_tools, check):
    """Fake tools on PATH: an empty bin folder."""
    fake_tools.use()
    result = await run_check(check(), make_ctx())
    assert result.status == Status.FAIL
    assert "not found on PATH" in result.summary
    assert "install" in result.fix and "http" in result.fix


async def test_unrecognised_version_warns(fake_tools):
    """Fake tools on PATH: git printing something unexpected."""
    fake_tools.add("git", "something else entirely")
    fake_tools.use()
    assert (await run_check(GitCheck(), make_ctx())).status == Status.WARN


@pytest.mark.parametrize("check, tool, args", [(TerraformCheck, "terraform", "version"),
                                               (KubectlCheck, "kubectl", "version --client -o json")])
async def test_a_tool_whose_version_command_fails_fails(fake_tools, check, tool, args):
    """Fake tools on PATH: a version-manager shim with no version selected (tfenv says
    "No version set" and exits 1). Its version command prints no version and exits 1: the
    tool cannot run the deploy, so the check fails (CI's exit 1), never a mere warning
    that would let `preflight` exit 0."""
    fake_tools.add(tool, responses={args: (1, "", f"{tool}env: No version set")})
    fake_tools.use()
    result = await run_check(check(), make_ctx())
    assert result.status == Status.FAIL, result
    assert "exit 1" in result.summary and "No version set" in result.detail


async def test_hanging_tool_is_cut_at_its_timeout(fake_tools, monkeypatch):
    """Fake tools on PATH: terraform that never answers; the check reports, the child dies."""
    fake_tools.add("terraform", hang=True)
    fake_tools.use()
    monkeypatch.setattr(TerraformCheck, "timeout", 2.0)
    result = await run_check(TerraformCheck(), make_ctx())
    assert result.status == Status.ERROR
    assert "timed out after 1s" in result.summary
    assert fake_tools.calls("terraform") == [["version"]]


async def test_runner_timeout_reports_a_check_that_hangs(fake_tools, monkeypatch):
    """Fake tools on PATH: the tool's own deadline is set beyond the check's, so the
    runner's asyncio timeout is what cuts it."""
    fake_tools.add("jq", hang=True)
    fake_tools.use()
    monkeypatch.setattr(JqCheck, "timeout", 1.0)
    monkeypatch.setattr(JqCheck, "tool_timeout", lambda self, ctx: 60.0)
    result = await run_check(JqCheck(), make_ctx())
    assert result.status == Status.ERROR
    assert result.summary == "timed out after 1s"
    assert result.duration < 30  # cut, not waited out (not a speed test: 60 s would be the bug)


async def test_container_engine_answers(fake_tools):
    """Fake docker on PATH whose `info` answers with a server version."""
    fake_tools.add("docker", REAL_VERSIONS["docker"], responses={"info": (0, "27.3.1", "")})
    fake_tools.use()
    result = await run_check(ContainerEngineCheck(), make_ctx())
    assert result.status == Status.PASS
    assert "engine 27.3.1" in result.summary


async def test_container_client_without_engine_fails(fake_tools):
    """Fake docker on PATH whose `info` cannot reach the daemon (the real message)."""
    fake_tools.add("docker", REAL_VERSIONS["docker"], responses={"info": (
        1, "", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")})
    fake_tools.use()
    result = await run_check(ContainerEngineCheck(), make_ctx())
    assert result.status == Status.FAIL
    assert "no engine answers" in result.summary and "Cannot connect" in result.detail


async def test_podman_is_accepted(fake_tools):
    """Fake podman on PATH (no docker)."""
    fake_tools.add("podman", REAL_VERSIONS["podman"], responses={"version": (0, "5.2.5", "")})
    fake_tools.use()
    result = await run_check(ContainerEngineCheck(), make_ctx())
    assert result.status == Status.PASS and result.summary.startswith("podman 5.2.5")


async def test_podman_answers_where_docker_has_no_daemon(fake_tools):
    """A docker client without a daemon and a podman that answers (this machine kind):
    the engine is there. Podman is asked `version` for its own field ({{.ServerVersion}}
    is Docker's: podman's template refuses it), not `info` (docs/knowledge/podman-sandbox.md)."""
    fake_tools.add("docker", REAL_VERSIONS["docker"], responses={"info": (
        1, "", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")})
    fake_tools.add("podman", REAL_VERSIONS["podman"],
                   responses={"version --format {{.Server.Version}}": (0, "5.2.5", "")})
    fake_tools.use()
    result = await run_check(ContainerEngineCheck(), make_ctx())
    assert result.status == Status.PASS and result.summary == "podman 5.2.5, engine 5.2.5"
    assert ["version", "--format", "{{.Server.Version}}"] in fake_tools.calls("podman")


async def test_no_container_tool(fake_tools):
    """Fake tools on PATH: neither docker nor podman."""
    fake_tools.use()
    assert (await run_check(ContainerEngineCheck(), make_ctx())).status == Status.FAIL


async def test_kubectl_too_far_from_cluster(fake_tools, aws):
    """moto_server with a 1.35 cluster, fake kubectl 1.32 on PATH: two minors apart."""
    from tests.probes.aws_world import build

    build(version="1.35")
    fake_tools.add("kubectl", REAL_VERSIONS["kubectl-json"])
    fake_tools.use()
    result = await run_check(KubectlCheck(), make_ctx())
    assert result.status == Status.FAIL
    assert "more than one minor version from the cluster's 1.35" in result.summary


async def test_kubectl_within_one_minor(fake_tools, aws):
    """moto_server with a 1.33 cluster, fake kubectl 1.32 on PATH."""
    from tests.probes.aws_world import build

    build(version="1.33")
    fake_tools.add("kubectl", REAL_VERSIONS["kubectl-json"])
    fake_tools.use()
    result = await run_check(KubectlCheck(), make_ctx())
    assert result.status == Status.PASS and "(cluster 1.33)" in result.summary


async def test_version_is_remembered_by_the_binary(fake_tools):
    """Fake tools on PATH: terraform answers once; while its file (path, size, mtime) is
    the same, the next checks answer from the state folder's cache without running it,
    with the same result. A new binary is asked again."""
    fake_tools.add("terraform", REAL_VERSIONS["terraform"])
    fake_tools.use()
    first = await run_check(TerraformCheck(), make_ctx())
    second = await run_check(TerraformCheck(), make_ctx())
    assert fake_tools.calls("terraform") == [["version"]]
    assert (second.status, second.summary, second.detail) == (first.status, first.summary, first.detail)
    assert second.summary == "terraform 1.11.4"
    fake_tools.add("terraform", REAL_VERSIONS["terraform-old"])  # upgraded (here: downgraded) in place
    third = await run_check(TerraformCheck(), make_ctx())
    assert fake_tools.calls("terraform") == [["version"], ["version"]]
    assert third.status == Status.FAIL and "older than 1.9.0" in third.summary


async def test_failures_and_own_runners_are_never_cached(fake_tools):
    """Fake tools on PATH: a version command that fails is asked again every time; a
    context with a tool runner of its own (tests, callers that decide what runs) never
    reads or writes the cache."""
    fake_tools.add("git", exit_code=3, responses={"--version": (3, "", "broken install")})
    fake_tools.use()
    for _ in range(2):
        assert (await run_check(GitCheck(), make_ctx())).status == Status.FAIL  # exit 3: broken
    assert fake_tools.calls("git") == [["--version"], ["--version"]]

    fake_tools.add("jq", REAL_VERSIONS["jq"])
    ran = []

    async def runner(argv, timeout):
        ran.append(list(argv))
        from petstore_core.process import Completed

        return Completed(argv=list(argv), returncode=0, stdout="jq-1.7.1")

    for _ in range(2):
        assert (await run_check(JqCheck(), make_ctx(tool_runner=runner))).summary == "jq 1.7.1"
    assert ran == [["jq", "--version"], ["jq", "--version"]] and fake_tools.calls("jq") == []


@pytest.mark.skipif(shutil.which("podman") is None, reason="podman is not installed on this machine")
async def test_real_podman_answers_the_engine_question():
    """The real podman (./dev setup installs it): `version --format {{.Server.Version}}`
    answers with the version `podman --version` prints, as `info` would."""
    from checks.preflight.tools.container_engine import _ENGINE_QUESTION

    done = subprocess.run(["podman", *_ENGINE_QUESTION["podman"]], capture_output=True, text=True, timeout=60)
    client = subprocess.run(["podman", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() and done.stdout.strip() in client.stdout
