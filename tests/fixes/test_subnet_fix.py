"""The subnet role tag fix against the sandbox AWS, planted by the drill: the live finding, a dry run that changes nothing (the EC2 state compared byte for byte), the fix, the probe passing and the finding gone, and undo back to the planted state. Stand-in: moto's server as the sandbox AWS (EC2, EKS, IAM), as the drills use it."""

from __future__ import annotations

import json

from petstore_tui import cli
from petstore_tui.drills.subnet_tags import SubnetTagsDrill
from tests.fixes.conftest import SANDBOX, _client

FAILURE = "alb-controller-subnet-discovery-failed"


def ec2_state(endpoint: str, vpc: str) -> bytes:
    """Every subnet and route table of the VPC as EC2 describes them, as bytes."""
    ec2 = _client(endpoint, "ec2")
    in_vpc = [{"Name": "vpc-id", "Values": [vpc]}]
    subnets = ec2.describe_subnets(Filters=in_vpc)["Subnets"]
    tables = ec2.describe_route_tables(Filters=in_vpc)["RouteTables"]
    return json.dumps({"subnets": sorted(subnets, key=lambda s: s["SubnetId"]),
                       "tables": sorted(tables, key=lambda t: t["RouteTableId"])}, sort_keys=True, default=str).encode()


def live_findings(capsys) -> list[dict]:
    capsys.readouterr()
    cli.main(["--sandbox", "diagnose", "--live", "--json"])
    return [f for f in json.loads(capsys.readouterr().out)["findings"] if f["id"] == FAILURE
            and f["source"].startswith("probe:")]


def test_plant_find_dry_run_fix_verify_undo(world, capsys):
    endpoint, vpc = world["endpoint"], world["vpc"]
    SubnetTagsDrill(SANDBOX).run_plant()
    assert live_findings(capsys), "the planted drill is a live finding"
    planted = ec2_state(endpoint, vpc)

    assert cli.main(["--sandbox", "fix", FAILURE, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "[aws-call] ec2 CreateTags kubernetes.io/role/elb=1 on 3 subnets" in out
    for subnet in world["public"]:
        assert subnet in out
    assert "Name tag" in out and "dry run: nothing changed" in out
    assert ec2_state(endpoint, vpc) == planted

    assert cli.main(["--sandbox", "fix", FAILURE, "--yes"]) == 0
    out = capsys.readouterr().out
    assert "fixed: fixed and verified: cluster.subnets passes" in out, out
    tags = {s["SubnetId"]: {t["Key"]: t["Value"] for t in s.get("Tags", [])}
            for s in _client(endpoint, "ec2").describe_subnets(SubnetIds=world["public"])["Subnets"]}
    assert all(t.get("kubernetes.io/role/elb") == "1" for t in tags.values())
    assert not live_findings(capsys), "the live finding is gone"

    assert cli.main(["--sandbox", "fix", "undo", "subnet-role-tags-1", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "undone" in out and "cluster.subnets now fail" in out, out
    assert ec2_state(endpoint, vpc) == planted
    SubnetTagsDrill(SANDBOX).undo()


def test_nothing_to_fix_when_the_probe_passes(world, capsys):
    assert cli.main(["--sandbox", "fix", "cluster.subnets", "--yes"]) == 0
    assert "nothing-to-do: nothing to fix: controller v3.5.0 already finds subnets" in capsys.readouterr().out


def test_a_fix_made_in_a_sandbox_stopped_since_is_not_listed_as_undoable(world, capsys):
    """Stand-in: moto's server as the sandbox AWS; `sandbox stop` then `sandbox start` leave
    a new emulator, recorded by its start time (here the record rewritten one second later,
    as `sandbox start` writes it). The emulator keeps its state in memory: what the fix
    changed went with the old one, so the list must not offer to undo it."""
    import time
    from dataclasses import replace

    from petstore_core import sandbox_state

    SubnetTagsDrill(SANDBOX).run_plant()
    assert cli.main(["--sandbox", "fix", FAILURE, "--yes"]) == 0
    capsys.readouterr()
    assert cli.main(["--sandbox", "fix", "list", "--json"]) == 0
    assert [r["entry"] for r in json.loads(capsys.readouterr().out)["undoable"]] == ["subnet-role-tags-1"]

    sandbox_state.write(replace(sandbox_state.read(), started_at=time.time() + 1))
    assert cli.main(["--sandbox", "fix", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["undoable"] == []
    assert [(g["entry"], "stopped since" in g["reason"]) for g in listed["gone"]] == [("subnet-role-tags-1", True)]
    assert cli.main(["--sandbox", "fix", "list"]) == 0
    out = capsys.readouterr().out
    assert "fix undo subnet-role-tags-1" not in out and "cannot be undone (destroyed since" in out, out
    assert cli.main(["--sandbox", "fix", "undo", "subnet-role-tags-1", "--yes"]) == 1
    assert "stopped since" in capsys.readouterr().out


def test_the_dry_run_shows_a_create_tags_line_that_works_when_pasted(world, capsys):
    """Stand-in: moto's server as the sandbox AWS, the drill planted. The dry run's command
    line for the change is one the operator can paste into a shell: the AWS CLI's own
    options (not `aws ec2 create-tags {JSON}`, which the CLI refuses), aimed at the
    sandbox's endpoint, never the real AWS."""
    import shlex

    endpoint = world["endpoint"]
    SubnetTagsDrill(SANDBOX).run_plant()
    try:
        capsys.readouterr()
        assert cli.main(["--sandbox", "fix", FAILURE, "--dry-run"]) == 0
        out = capsys.readouterr().out
        line = next((text.strip() for text in out.splitlines() if text.strip().startswith("aws ec2 create-tags")), "")
        words = shlex.split(line)
        assert words[:3] == ["aws", "ec2", "create-tags"] and "{" not in line, out
        resources = words[words.index("--resources") + 1:words.index("--tags")]
        assert sorted(resources) == sorted(world["public"]), line
        assert words[words.index("--tags") + 1] == "Key=kubernetes.io/role/elb,Value=1", line
        assert words[words.index("--endpoint-url") + 1] == endpoint, line
    finally:
        SubnetTagsDrill(SANDBOX).undo()
