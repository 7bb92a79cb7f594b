"""Image build, ECR login and push against a fake `docker` on PATH and moto's ECR."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from petstore_core import settings
from petstore_tui.runbook.common import engine_reason
from petstore_tui.runbook.deploy_aws_steps import image_build, image_push
from petstore_tui.runbook.model import StepFailed
from petstore_tui.services import docker, ecr

PROJECT = Path(__file__).resolve().parents[2]
INSPECT = json.dumps([{"Id": "sha256:" + "a" * 64, "RepoTags": ["x"], "Created": "2026-11-28T05:00:00Z"}])


def _docker(fake_tools, *, info=(0, "{}", "")):
    fake_tools.add("docker", responses={
        "system info": info,
        "buildx": (1, "", "docker: 'buildx' is not a docker command."),
        "build": (0, "Step 1/20 : FROM python:3.13-slim-trixie AS builder\nSuccessfully built 0123456789ab", ""),
        "image inspect": (0, INSPECT, ""),
        "image push": (0, "The push refers to repository [x]\nabc123: digest: sha256:1 size: 1", ""),
        "login": (0, "Login Succeeded", ""),
    })
    fake_tools.add("git", responses={"-C": (0, "0123456789ab", "")})
    fake_tools.use(only=True)


@pytest.mark.parametrize(("ami_type", "instance_types", "platform"), [
    ("AL2023_x86_64_STANDARD", ["t3.small"], "linux/amd64"),  # this repository's node group
    ("AL2023_ARM_64_STANDARD", ["t4g.small"], "linux/arm64"),
    ("CUSTOM", ["m7g.large"], "linux/arm64"),  # the AMI type says nothing: the instance type
])
async def test_build_streams_and_tags_with_the_commit(fake_tools, step_ctx, ami_type, instance_types, platform):
    """Stand-in: fake docker and git on PATH (no engine). The build runs with the
    repository root as context and -f docker/Dockerfile, for the node group's platform
    (Terraform's node_ami_type and node_instance_types), tagged <ECR URL>:<commit>, its
    output streamed line by line."""
    _docker(fake_tools)
    ctx, rec = step_ctx(settings.Target(project_dir=PROJECT), {
        "terraform": {"ecr_repository_url": "123456789012.dkr.ecr.us-east-1.amazonaws.com/petstore",
                      "node_ami_type": ami_type, "node_instance_types": instance_types}})
    assert await engine_reason(ctx) is None
    result = await image_build(ctx)
    assert result.status.value == "done", result.summary
    build = [c for c in fake_tools.calls("docker") if c[:1] == ["build"]]
    assert build == [["build", "--file", str(PROJECT / "docker" / "Dockerfile"), "--platform", platform,
                      "--tag", "123456789012.dkr.ecr.us-east-1.amazonaws.com/petstore:0123456789ab",
                      str(PROJECT)]]
    assert ["system", "info", "--format", "{{json .}}"] in fake_tools.calls("docker")
    assert "Successfully built 0123456789ab" in rec.text()
    assert f"building for {platform}" in rec.text()
    assert result.outputs == {"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/petstore",
                              "image_tag": "0123456789ab", "platform": platform}


async def test_build_refuses_a_node_group_of_mixed_architectures(fake_tools, step_ctx):
    """Stand-in: fake docker. x86_64 and Graviton instance types in one node group: no
    single image runs on both, so the step fails saying so, before building."""
    _docker(fake_tools)
    ctx, _ = step_ctx(settings.Target(project_dir=PROJECT), {
        "terraform": {"ecr_repository_url": "1.dkr.ecr.us-east-1.amazonaws.com/petstore",
                      "node_instance_types": ["t3.small", "t4g.small"]}})
    assert await engine_reason(ctx) is None
    with pytest.raises(StepFailed, match="mixes architectures"):
        await image_build(ctx)
    assert not [c for c in fake_tools.calls("docker") if c[:1] == ["build"]]


async def test_no_engine_is_a_clear_skip_reason(fake_tools, step_ctx):
    """Stand-in: fake docker whose `info` fails the way a client without a daemon does."""
    _docker(fake_tools, info=(1, "", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
                                     "Is the docker daemon running?"))
    ctx, _ = step_ctx(settings.Target())
    reason = await engine_reason(ctx)
    assert reason == ("no container engine: docker is installed but its engine is not running "
                      "(Cannot connect to the daemon); podman not found on PATH")


async def test_ecr_login_and_push(aws, fake_tools, step_ctx):
    """Stand-in: moto_server's ECR for the token, fake docker on PATH. The password goes
    on stdin (never in argv), the login is to the registry host, the commit tag is pushed."""
    import boto3

    boto3.client("ecr", endpoint_url=aws).create_repository(repositoryName="petstore")
    _docker(fake_tools)
    login = ecr.registry_login(settings.Target())
    assert login.username == "AWS" and login.password and "****" in repr(login)
    ctx, rec = step_ctx(settings.Target(), {"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/petstore",
                                            "image_tag": "0123456789ab"})
    assert await engine_reason(ctx) is None
    result = await image_push(ctx)
    assert result.status.value == "done", result.summary
    calls = fake_tools.calls("docker")
    assert ["login", "--password-stdin", "--username", "AWS", login.server] in calls
    assert all(login.password not in " ".join(c) for c in calls)
    assert ["image", "push", "123456789012.dkr.ecr.us-east-1.amazonaws.com/petstore:0123456789ab"] in calls
    assert login.password not in rec.text()


async def test_ecr_images_deleted(aws):
    """Stand-in: moto_server's ECR holding two images; cleanup deletes both, and a missing
    repository counts as nothing to delete."""
    import boto3

    client = boto3.client("ecr", endpoint_url=aws)
    client.create_repository(repositoryName="petstore")
    for tag in ("a", "b"):
        client.put_image(repositoryName="petstore", imageTag=tag,
                         imageManifest=json.dumps({"schemaVersion": 2, "tag": tag,
                                                   "mediaType": "application/vnd.docker.distribution.manifest.v2+json"}))
    assert ecr.delete_all_images(settings.Target(), "petstore") == 2
    assert client.list_images(repositoryName="petstore")["imageIds"] == []
    assert ecr.delete_all_images(settings.Target(), "absent") == 0
    assert ecr.repository_name("1.dkr.ecr.us-east-1.amazonaws.com/petstore") == "petstore"


def test_git_commit_outside_git(tmp_path, fake_tools):
    """Stand-in: fake git on PATH failing (not a repository): the tag falls back to dev."""
    fake_tools.add("git", exit_code=128)
    fake_tools.use(only=True)
    assert docker.git_commit(tmp_path) == "dev"
