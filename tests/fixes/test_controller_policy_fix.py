"""The controller policy fix against the sandbox IAM, planted by the drill (a default version without AddTags): the live finding, a dry run that changes nothing (every version compared byte for byte), the fix (a new default version with the repository's policy), the probe passing and the finding gone, undo back to the planted state; and IAM's five-version limit: only a version this tool made is ever deleted. Stand-in: moto's server as the sandbox IAM."""

from __future__ import annotations

import json

from petstore_tui import cli
from petstore_tui.drills.controller_policy import ControllerPolicyDrill
from tests.fixes.conftest import POLICY_FILE, SANDBOX, _client

FAILURE = "alb-controller-addtags-denied"


def iam_state(endpoint: str, arn: str) -> bytes:
    iam = _client(endpoint, "iam")
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    documents = {v["VersionId"]: iam.get_policy_version(PolicyArn=arn, VersionId=v["VersionId"])["PolicyVersion"]
                 for v in versions}
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    return json.dumps({"policy": policy, "versions": documents}, sort_keys=True, default=str).encode()


def live_findings(capsys) -> list[dict]:
    capsys.readouterr()
    cli.main(["--sandbox", "diagnose", "--live", "--json"])
    return [f for f in json.loads(capsys.readouterr().out)["findings"]
            if f["id"] == FAILURE and f["source"].startswith("probe:")]


def test_plant_find_dry_run_fix_verify_undo(world, capsys):
    endpoint, arn = world["endpoint"], world["policy"]
    ControllerPolicyDrill(SANDBOX).run_plant()
    assert live_findings(capsys)
    planted = iam_state(endpoint, arn)

    assert cli.main(["--sandbox", "fix", FAILURE, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "[aws-call] iam CreatePolicyVersion" in out and "SetAsDefault" in out
    assert '+        "elasticloadbalancing:AddTags"' in out  # the document diff shows what comes back
    assert iam_state(endpoint, arn) == planted

    assert cli.main(["--sandbox", "fix", FAILURE, "--yes"]) == 0
    out = capsys.readouterr().out
    assert "fixed and verified: cluster.controller-policy passes" in out, out
    iam = _client(endpoint, "iam")
    default = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    assert default == "v3"
    document = iam.get_policy_version(PolicyArn=arn, VersionId=default)["PolicyVersion"]["Document"]
    assert json.loads(document) if isinstance(document, str) else document == json.loads(POLICY_FILE.read_text())
    assert not live_findings(capsys)

    assert cli.main(["--sandbox", "fix", "undo", "controller-policy-version-1", "--yes", "-o", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "undone" and report["verification"]["status"] == "fail"
    assert iam_state(endpoint, arn) == planted
    ControllerPolicyDrill(SANDBOX).undo()


def _fill_versions(endpoint: str, arn: str, count: int) -> None:
    iam = _client(endpoint, "iam")
    for _ in range(count):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:DescribeSubnets",
                                                     "Resource": "*"}]}), SetAsDefault=True)


def test_five_operator_versions_refused_naming_one_to_delete(world, capsys):
    endpoint, arn = world["endpoint"], world["policy"]
    _fill_versions(endpoint, arn, 4)  # v1 .. v5, v5 default, all the operator's
    before = iam_state(endpoint, arn)
    assert cli.main(["--sandbox", "fix", "cluster.controller-policy", "--yes"]) == 1
    out = capsys.readouterr().out
    assert "refused: the policy has 5 versions, IAM's limit" in out
    # pasted, it acts on the emulator the fix read, not on the real AWS
    assert f"aws iam delete-policy-version --policy-arn {arn} --version-id v1 --endpoint-url {endpoint}" in out, out
    assert iam_state(endpoint, arn) == before


def test_at_the_limit_only_our_own_earlier_version_is_deleted(world, capsys):
    endpoint, arn = world["endpoint"], world["policy"]
    iam = _client(endpoint, "iam")
    _fill_versions(endpoint, arn, 1)  # v2: the operator's narrow policy, default
    assert cli.main(["--sandbox", "fix", "cluster.controller-policy", "--yes"]) == 0  # v3, ours
    capsys.readouterr()
    _fill_versions(endpoint, arn, 2)  # v4, v5: the operator's again; v3 (ours) no longer default
    assert cli.main(["--sandbox", "fix", "cluster.controller-policy", "--dry-run"]) == 0
    assert "iam DeletePolicyVersion v3 (made by petstore-tui, not the default)" in capsys.readouterr().out
    assert cli.main(["--sandbox", "fix", "cluster.controller-policy", "--yes"]) == 0
    assert "fixed and verified" in capsys.readouterr().out
    versions = sorted(v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"])
    assert versions == ["v1", "v2", "v4", "v5", "v6"]  # the operator's all kept, ours (v3) made room
    assert cli.main(["--sandbox", "fix", "undo", "controller-policy-version-2", "--yes"]) == 0
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v5"
    assert sorted(v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]) == [
        "v1", "v2", "v4", "v5"]
