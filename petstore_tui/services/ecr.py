"""ECR: registry credentials from get_authorization_token (login_ecr has no endpoint option), and image cleanup."""

from __future__ import annotations

import base64
import urllib.request
from dataclasses import dataclass

from petstore_core import aws, settings


@dataclass(frozen=True)
class RegistryLogin:
    server: str  # host, no scheme
    username: str
    password: str  # secret: never printed, never journaled

    def __repr__(self) -> str:
        return f"RegistryLogin(server={self.server!r}, username={self.username!r}, password='****')"


def registry_login(target: settings.Target) -> RegistryLogin:
    data = aws.client(target, "ecr").get_authorization_token()["authorizationData"][0]
    user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    server = data["proxyEndpoint"].split("://", 1)[-1].rstrip("/")
    return RegistryLogin(server, user, password)


def repository_name(repository_url: str | None, default: str = "petstore") -> str:
    """`123.dkr.ecr.us-east-1.amazonaws.com/petstore` -> `petstore`."""
    if not repository_url:
        return default
    return repository_url.split("/", 1)[1] if "/" in repository_url else repository_url


def delete_all_images(target: settings.Target, repository: str) -> int:
    """Delete every image in `repository`; the count deleted (0 when it does not exist)."""
    ecr = aws.client(target, "ecr")
    try:
        ids = []
        for page in ecr.get_paginator("list_images").paginate(repositoryName=repository):
            ids.extend(page.get("imageIds") or [])
    except ecr.exceptions.RepositoryNotFoundException:
        return 0
    deleted = 0
    for start in range(0, len(ids), 100):  # the API takes at most 100 ids a call
        answer = ecr.batch_delete_image(repositoryName=repository, imageIds=ids[start:start + 100])
        deleted += len(answer.get("imageIds") or [])
    return deleted


def record_image(target: settings.Target, registry: str, repository: str, tag: str) -> None:
    """Sandbox: put the manifest the loopback registry serves into the emulator's ECR, so
    `describe-images` lists what was pushed (moto keeps manifests, it has no registry)."""
    request = urllib.request.Request(
        f"http://{registry}/v2/{repository}/manifests/{tag}",
        headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json, "
                           "application/vnd.oci.image.manifest.v1+json"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback registry
        manifest = response.read().decode()
        media_type = response.headers.get("Content-Type", "").split(";")[0]
    client = aws.client(target, "ecr")
    try:
        client.put_image(repositoryName=repository, imageManifest=manifest, imageTag=tag,
                         imageManifestMediaType=media_type)
    except client.exceptions.ImageAlreadyExistsException:
        pass  # the same manifest under the same tag: a re-run
