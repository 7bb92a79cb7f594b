"""kubeconfig merging (moto's EKS) and manifest rendering in the state folder (tracked files untouched)."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest
import yaml

from petstore_core import settings
from petstore_tui.services import kubeconfig, manifests

REPO = Path(__file__).resolve().parents[2]


def _create_cluster(endpoint: str) -> None:
    import boto3

    boto3.client("eks", endpoint_url=endpoint).create_cluster(
        name="petstore-eks", roleArn="arn:aws:iam::123456789012:role/eks",
        resourcesVpcConfig={"subnetIds": ["subnet-1", "subnet-2"]})


def test_context_merged_without_clobbering(aws, tmp_path):
    """Stand-in: moto_server's EKS (describe_cluster). An existing kubeconfig with another
    context keeps it; ours is added with the exec entry `aws eks update-kubeconfig` writes
    (aws-cli v2: `aws --region R eks get-token --cluster-name N --output json`, the profile
    in AWS_PROFILE; docs/knowledge/kubeconfig.md), never this venv's interpreter; the file
    is private (0600); a second write replaces ours instead of duplicating it."""
    _create_cluster(aws)
    Path(os.environ["AWS_CONFIG_FILE"]).write_text(
        "[profile ops]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    path = tmp_path / "kube" / "config"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "other",
        "clusters": [{"name": "other", "cluster": {"server": "https://other"}}],
        "users": [{"name": "other", "user": {"token": "x"}}],
        "contexts": [{"name": "other", "context": {"cluster": "other", "user": "other"}}]}))
    target = settings.Target(region="us-east-1", profile="ops")
    written, name = kubeconfig.write_for_cluster(target, path)
    kubeconfig.write_for_cluster(target, path)
    data = yaml.safe_load(path.read_text())
    assert written == path and name == "arn:aws:eks:us-east-1:123456789012:cluster/petstore-eks"
    assert [c["name"] for c in data["contexts"]] == ["other", name]
    assert data["current-context"] == name
    user = next(u for u in data["users"] if u["name"] == name)["user"]["exec"]
    assert user == {"apiVersion": "client.authentication.k8s.io/v1beta1",
                    "args": ["--region", "us-east-1", "eks", "get-token", "--cluster-name", "petstore-eks",
                             "--output", "json"],
                    "command": "aws", "env": [{"name": "AWS_PROFILE", "value": "ops"}]}
    assert sys.executable not in path.read_text()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    cluster = next(c for c in data["clusters"] if c["name"] == name)["cluster"]
    assert cluster["server"].startswith("https://") and cluster["certificate-authority-data"]


def test_default_path_follows_kubeconfig(monkeypatch, tmp_path):
    """Stand-in: none (environment only). $KUBECONFIG's first file, else ~/.kube/config."""
    monkeypatch.setenv("KUBECONFIG", f"{tmp_path}/a{os.pathsep}{tmp_path}/b")
    assert kubeconfig.default_path() == tmp_path / "a"
    monkeypatch.delenv("KUBECONFIG")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert kubeconfig.default_path() == tmp_path / ".kube" / "config"


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (with kustomize) not on PATH")
def test_render_fills_placeholders_and_sets_the_image(tmp_path):
    """Stand-in: none (real kubectl kustomize on the tracked overlay). Placeholders are
    filled, the generated kustomization uses the tracked overlay and sets images:, and no
    tracked file changes."""
    before = _tree_hash(REPO / "kubernetes")
    values = {"CLUSTER_NAME": "petstore-eks", "AWS_REGION": "eu-west-1", "VPC_ID": "vpc-0abc",
              "CONTROLLER_ROLE_ARN": "arn:aws:iam::123456789012:role/lbc"}
    written = manifests.render(REPO, tmp_path / "m", values, overlay="dev",
                               image="123.dkr.ecr.eu-west-1.amazonaws.com/petstore", tag="abc",
                               namespace="petstore")
    assert _tree_hash(REPO / "kubernetes") == before
    text = "".join(p.read_text() for k, p in written.items() if k != "kustomization")
    assert "${" not in text and "vpc-0abc" in text and "arn:aws:iam::123456789012:role/lbc" in text
    objects = manifests.kustomize(written["kustomization"].parent)
    images = [c["image"] for o in objects if o["kind"] == "Deployment"
              for c in o["spec"]["template"]["spec"]["containers"]]
    assert images and all(i == "123.dkr.ecr.eu-west-1.amazonaws.com/petstore:abc" for i in images)


def test_missing_value_is_named():
    """Stand-in: none (pure function). An empty Terraform output names the placeholder."""
    with pytest.raises(manifests.ManifestError, match="no value for VPC_ID"):
        manifests.fill("vpcId: ${VPC_ID}\n", {"VPC_ID": ""})
