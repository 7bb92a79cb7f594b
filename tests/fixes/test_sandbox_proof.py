"""Issue 12's proof in the sandbox: `sandbox start`, the real Terraform of terraform/ applied by the sandbox deploy, then for each drill that changes AWS state (subnet-tags, controller-policy): plant, the live finding (the probe's, not the simulated controller line), `fix --dry-run` changes nothing (the AWS state compared byte for byte), `fix --yes` exits 0 with the probe passing, the probe's finding is gone, `fix undo` puts back the planted state exactly, and the drill's undo the deployed one.

Stand-ins: moto's server (`sandbox start`) for AWS; the real Terraform with the provider mirror (skips only without the mirror, and CI=true makes that skip an error). No image, Kubernetes API or Helm is needed for these two drills: only the Terraform steps run."""

from __future__ import annotations

import json

import boto3
import pytest

from petstore_core import sandbox_state
from petstore_tui import cli

pytestmark = pytest.mark.slow


def _aws(service: str):
    state = sandbox_state.read()
    return boto3.client(service, endpoint_url=state.endpoint, region_name="us-east-1",
                        aws_access_key_id="sandbox", aws_secret_access_key="sandbox")


def network_state() -> bytes:
    """Every subnet and route table of the sandbox, as EC2 describes them (tags by key)."""
    ec2 = _aws("ec2")
    subnets = sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["SubnetId"])
    for subnet in subnets:  # EC2 lists tags in no set order
        subnet["Tags"] = sorted(subnet.get("Tags", []), key=lambda t: t["Key"])
    tables = sorted(ec2.describe_route_tables()["RouteTables"], key=lambda t: t["RouteTableId"])
    return json.dumps({"subnets": subnets, "tables": tables}, sort_keys=True, default=str).encode()


def policy_state() -> bytes:
    """Every customer-managed policy with its default and every version's document."""
    iam = _aws("iam")
    found = {}
    for policy in iam.list_policies(Scope="Local")["Policies"]:
        arn = policy["Arn"]
        versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
        found[arn] = {"default": iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"],
                      "versions": {v["VersionId"]: iam.get_policy_version(PolicyArn=arn, VersionId=v["VersionId"])
                                   ["PolicyVersion"]["Document"] for v in versions}}
    return json.dumps(found, sort_keys=True, default=str).encode()


def changed(before: bytes, after: bytes) -> str:
    import difflib

    lines = [json.dumps(json.loads(x), indent=1, sort_keys=True).splitlines() for x in (before, after)]
    return "\n".join(difflib.unified_diff(*lines, lineterm="", n=4))


def run(capsys, *args: str, code: int = 0) -> str:
    capsys.readouterr()
    status = cli.main(["--sandbox", *args])
    out, err = capsys.readouterr()
    assert status == code, (args, out, err)
    return out


def probe_findings(capsys, entry: str) -> list[dict]:
    report = json.loads(_diagnose(capsys))
    return [f for f in report["findings"] if f["id"] == entry and f["source"].startswith("probe:")]


def _diagnose(capsys) -> str:
    capsys.readouterr()
    cli.main(["--sandbox", "diagnose", "--live", "--json"])
    return capsys.readouterr().out


DRILLS = [
    # drill, the finding, the probe, the AWS state it changes, what the plan must show
    ("subnet-tags", "alb-controller-subnet-discovery-failed", "cluster.subnets", network_state,
     ["[aws-call] ec2 CreateTags kubernetes.io/role/elb=1 on 3 subnets",
      "public subnets from Terraform output public_subnet_ids"]),
    ("controller-policy", "alb-controller-addtags-denied", "cluster.controller-policy", policy_state,
     ["[aws-call] iam CreatePolicyVersion on", '+        "elasticloadbalancing:AddTags"']),
]


def test_each_aws_drill_is_fixed_verified_and_undone(terraform_cli_config, monkeypatch, capsys):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert cli.main(["sandbox", "start", "--no-base"]) == 0
    try:
        for step in ("terraform-init", "terraform-plan", "terraform-apply"):
            run(capsys, "deploy", "--yes", "--only", step)
        for drill, entry, probe, state, shown in DRILLS:
            deployed = state()
            run(capsys, "drill", "plant", drill)
            planted = state()
            assert planted != deployed
            assert probe_findings(capsys, entry), f"{drill}: the probe does not see the planted failure"

            out = run(capsys, "fix", entry, "--dry-run")
            for text in shown:
                assert text in out, out
            assert state() == planted, f"{drill}: the dry run changed AWS state"

            report = json.loads(run(capsys, "fix", entry, "--yes", "--json"))
            assert report["status"] == "fixed" and report["verification"] == {
                "check": probe, "status": "pass", "summary": report["verification"]["summary"],
                "detail": report["verification"]["detail"]}, report
            assert not probe_findings(capsys, entry), f"{drill}: the live finding is still there"

            undone = json.loads(run(capsys, "fix", "undo", report["entry"], "--yes", "--json"))
            assert undone["status"] == "undone" and undone["verification"]["status"] == "fail", undone
            assert state() == planted, f"{drill}: undo did not restore the planted state"
            run(capsys, "drill", "undo", drill)
            assert state() == deployed, changed(deployed, state())
            assert not probe_findings(capsys, entry)
    finally:
        capsys.readouterr()
        cli.main(["sandbox", "stop"])
    assert sandbox_state.read() is None
