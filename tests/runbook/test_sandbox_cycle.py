"""A full sandbox deploy and destroy with the real Terraform against moto, through the CLI; resume after a planted fault."""

from __future__ import annotations

import json
import re
import shutil
import urllib.request

import pytest

from petstore_core import sandbox_state, settings
from petstore_tui import cli
from petstore_tui.runbook.journal import journal_path
from petstore_tui.services import sandbox

pytestmark = pytest.mark.slow
TARGET = settings.Target(sandbox=True)


def _client(service: str):
    from petstore_core import aws

    return aws.client(TARGET, service)


def _started(text: str) -> list[str]:
    return [line.split()[2].rstrip(":") for line in text.splitlines() if line.startswith("==> [")]


def _said(text: str, step: str) -> str:
    """The `<== STEP ...` result line of `step` (one line: the cycle runs at WIDE)."""
    (line,) = [line for line in text.splitlines() if line.startswith(f"<== {step} ")]
    return line


# The console wraps its results and notes to the terminal (petstore_core/paragraph.py; 80
# when captured): at a width fixed wider than any of them each is one line, so a phrase is
# found whatever the machine's $COLUMNS, never by where a wrap happened to fall.
WIDE = "1000"


def test_sandbox_deploy_resume_and_destroy(terraform_cli_config, monkeypatch, capsys, tmp_path):
    """Stand-in: moto_server started by `sandbox start` (a background process), the real
    terraform with the provider mirror; no container engine, helm or Kubernetes API (a
    machine without them: the image steps skip and the local app stands in; the engine's
    path is tests/runbook/test_sandbox_containers.py). A planted fault in the kubeconfig
    step stops the first deploy there; the re-run resumes at kubeconfig without Terraform
    again. Resources are checked through boto3 between deploy and destroy."""
    # Real terraform, kubectl and git only: no docker, podman or helm even where they exist.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("terraform", "kubectl", "git"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("COLUMNS", WIDE)
    assert cli.main(["sandbox", "start"]) == 0
    try:
        _cycle(monkeypatch, capsys)
    finally:
        capsys.readouterr()
        cli.main(["sandbox", "stop"])
    assert sandbox_state.read() is None


def _managed_instances(state_file) -> int:
    """Resource instances Terraform manages (data sources are not destroyed)."""
    resources = json.loads(state_file.read_text())["resources"]
    return sum(len(r["instances"]) for r in resources if r["mode"] == "managed")


def _cycle(monkeypatch, capsys) -> None:
    from petstore_tui.services import kubeconfig

    capsys.readouterr()
    real_write = kubeconfig.write_for_cluster

    def planted(*args, **kwargs):
        raise RuntimeError("planted fault")

    monkeypatch.setattr(kubeconfig, "write_for_cluster", planted)
    assert cli.main(["--sandbox", "deploy", "--yes"]) == 1
    out, err = capsys.readouterr()
    assert ": plan to create" in out  # what the plan will do, shown before it is confirmed
    assert _started(out) == ["preflight", "terraform-init", "terraform-plan", "terraform-apply",
                             "image-build", "image-push", "kubeconfig"]
    said = _said(err, "kubeconfig")
    assert said.startswith("<== kubeconfig FAILED") and "planted fault" in said
    assert "deploy stopped at kubeconfig" in err
    # Progress: resources applied of planned, up to all of them.
    assert re.search(r"^    \[(\d+)/\1\] ", out, re.M), "no final progress line"

    monkeypatch.setattr(kubeconfig, "write_for_cluster", real_write)
    assert cli.main(["--sandbox", "deploy", "--yes"]) == 0
    out, err = capsys.readouterr()
    assert _started(out) == ["kubeconfig", "manifests", "controller-prereqs", "controller-helm",
                             "app-apply", "ingress-wait", "local-app"]
    assert "terraform" not in " ".join(_started(out))
    assert _said(out, "controller-helm").startswith("<== controller-helm skipped")
    assert "helm not found" in _said(out, "controller-helm")
    assert _said(out, "controller-prereqs").startswith("<== controller-prereqs skipped")
    assert "no Kubernetes API reachable" in _said(out, "controller-prereqs")

    # A third run has nothing to do (no second apply unless asked with --from).
    assert cli.main(["--sandbox", "deploy", "--yes"]) == 0
    assert "every deploy step is already done" in capsys.readouterr().out

    # A plan after the apply: the emulator reads some attributes back in another form, so
    # Terraform's JSON view reports drift on a dozen resources with nothing to change. One
    # line says so instead of a "Drift detected" line each (Terraform's human view says
    # nothing then; docs/knowledge/terraform.md).
    assert cli.main(["--sandbox", "deploy", "--yes", "--only", "terraform-plan"]) == 0
    out = capsys.readouterr().out
    said = _said(out, "terraform-plan")
    assert said.startswith("<== terraform-plan done") and "no changes" in said
    assert "Drift detected" not in out
    assert re.search(r"^    \d+ resources? read back different from the state; the plan needs no change", out, re.M)

    journal = json.loads(journal_path(TARGET).read_text())["runbooks"]["deploy"]
    statuses = {k: v["status"] for k, v in journal.items()}
    assert statuses["terraform-apply"] == "done" and statuses["local-app"] == "done"
    assert statuses["image-build"] == "skipped"
    tf_out = journal["terraform-apply"]["outputs"]["terraform"]

    # What Terraform made, seen through boto3.
    ec2 = _client("ec2")
    vpc = ec2.describe_vpcs(VpcIds=[tf_out["vpc_id"]])["Vpcs"][0]
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    assert sorted(s["CidrBlock"] for s in subnets) == [
        "10.0.1.0/24", "10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24", "10.0.2.0/24", "10.0.3.0/24"]
    elb_tagged = [s for s in subnets if any(t["Key"] == "kubernetes.io/role/elb" for t in s.get("Tags", []))]
    assert len(elb_tagged) == 3
    cluster = _client("eks").describe_cluster(name="petstore-sandbox")["cluster"]
    assert set(cluster["resourcesVpcConfig"]["subnetIds"]) <= {s["SubnetId"] for s in subnets}
    assert _client("eks").list_nodegroups(clusterName="petstore-sandbox")["nodegroups"]
    repos = _client("ecr").describe_repositories()["repositories"]
    assert [r["repositoryName"] for r in repos] == ["petstore"]
    assert tf_out["ecr_repository_url"] == repos[0]["repositoryUri"]

    # The kubeconfig of the sandbox stays in the state folder, never in ~/.kube/config.
    kubeconfig_path = journal["kubeconfig"]["outputs"]["kubeconfig"]
    assert kubeconfig_path.startswith(str(settings.state_dir()))
    # The filled manifests carry Terraform's values.
    manifests = settings.state_dir() / "work" / TARGET.key / "manifests"
    assert tf_out["vpc_id"] in (manifests / "controller" / "values.yaml").read_text()
    assert tf_out["lb_controller_role_arn"] in (manifests / "controller" / "serviceaccount.yaml").read_text()

    # The local app answers in place of the ALB.
    state = sandbox_state.read()
    assert state.app_url and journal["local-app"]["outputs"]["url"] == state.app_url
    with urllib.request.urlopen(state.app_url + "/api/v1/health", timeout=5) as response:
        assert response.status == 200
    assert sandbox.status().resources["eks_clusters"] == 1

    # Destroy: everything goes, the local app stops.
    app_pid = state.app_pid
    managed = _managed_instances(settings.state_dir() / "work" / TARGET.key / "terraform" / "terraform.tfstate")
    assert cli.main(["--sandbox", "destroy", "--yes"]) == 0
    out, err = capsys.readouterr()
    said = _said(out, "terraform-destroy")
    assert said.startswith("<== terraform-destroy done")
    assert _said(out, "leftovers").startswith("<== leftovers done") and "nothing left tagged" in _said(out, "leftovers")
    # The cluster and the NAT gateway went in the emulator ahead of Terraform, which
    # then did not delete them itself (docs/knowledge/terraform-provider-waits.md).
    assert "sandbox: deleted EKS cluster petstore-sandbox in the emulator" in out
    assert "sandbox: deleted NAT gateway nat-" in out
    # the summary adds up to what the deploy created (before: "41 resources destroyed" of 44)
    destroyed = re.search(r"terraform-destroy done \([^)]*\): (\d+) resources destroyed, (\d+) deleted ahead", said)
    assert destroyed and int(destroyed[1]) + int(destroyed[2]) == managed, out
    assert "aws_eks_cluster.this: plan to delete" not in out and "aws_nat_gateway.this[0]: plan to delete" not in out
    assert re.search(r"^    \[(\d+)/\1\] ", out.split("terraform-destroy")[1], re.M)  # destroyed of planned
    assert _client("eks").list_clusters()["clusters"] == []
    assert [v for v in _client("ec2").describe_vpcs()["Vpcs"] if not v.get("IsDefault")] == []
    assert _client("ecr").describe_repositories()["repositories"] == []
    state = sandbox_state.read()
    assert state.app_pid is None and not sandbox_state.pid_alive(app_pid)
    assert sum(sandbox.status().resources.values()) == 0
    # Nothing of terraform/ was written: the work happened in the state folder's copy.
    assert not (settings.find_project_dir() / "terraform" / "sandbox_override.tf").exists()
    assert not (settings.find_project_dir() / "terraform" / "terraform.tfstate").exists()
