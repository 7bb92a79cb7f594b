"""The drills for real: planted in the sandbox AWS (moto) or the local app, caught, undone."""

from __future__ import annotations

import json
import os
import shutil
import time

import boto3
import pytest

from petstore_core import sandbox_state
from petstore_core.settings import Target
from petstore_tui.drills.base import DrillError
from petstore_tui.drills.controller_policy import ACTION, ControllerPolicyDrill, without_action
from petstore_tui.drills.registry import all_drills
from petstore_tui.drills.subnet_tags import SubnetTagsDrill
from petstore_tui.drills.werkzeug import WerkzeugDrill

SANDBOX = Target(sandbox=True)


@pytest.fixture
def sandbox(aws):
    """Stand-in: moto's server recorded as the running sandbox (as `sandbox start` would)."""
    sandbox_state.write(sandbox_state.SandboxState(endpoint=aws, pid=os.getpid(), started_at=time.time()))
    return aws


def _client(endpoint: str, service: str):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="sandbox", aws_secret_access_key="sandbox")


def _engine_ids(lines: list[tuple[str, str]]) -> set[str]:
    engine_mod = pytest.importorskip("checks.engine")
    engine = engine_mod.load_default_engine()
    for kind, line in lines:
        engine.feed(line, source=kind, resource="drill")
    engine.flush()
    return {f.failure_id for f in engine.findings()}


def test_drills_refuse_a_real_account():
    """Drills never touch a real account: building one for a non-sandbox target fails.
    Stand-in: none."""
    with pytest.raises(DrillError, match="sandbox only"):
        all_drills(Target(sandbox=False))


def _sandbox_network(endpoint: str) -> dict:
    """What the sandbox deploy makes of terraform/network.tf in the emulator: three public
    subnets tagged kubernetes.io/role/elb=1 routing to an internet gateway, three private
    ones tagged internal-elb without that route, and the EKS cluster in the VPC."""
    ec2, eks, iam = (_client(endpoint, s) for s in ("ec2", "eks", "iam"))
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    cluster_tag = {"Key": f"kubernetes.io/cluster/{SANDBOX.cluster_name}", "Value": "shared"}
    public, private = [], []
    for n, zone in enumerate(("us-east-1a", "us-east-1b", "us-east-1c")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{101 + n}.0/24", AvailabilityZone=zone,
                                   TagSpecifications=[{"ResourceType": "subnet", "Tags": [
                                       cluster_tag, {"Key": "kubernetes.io/role/elb", "Value": "1"},
                                       {"Key": "Name", "Value": f"public-{zone}"}]}])["Subnet"]["SubnetId"]
        ec2.associate_route_table(RouteTableId=public_table, SubnetId=subnet)
        public.append(subnet)
        private.append(ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{1 + n}.0/24", AvailabilityZone=zone,
                                         TagSpecifications=[{"ResourceType": "subnet", "Tags": [
                                             cluster_tag, {"Key": "kubernetes.io/role/internal-elb", "Value": "1"}]}]
                                         )["Subnet"]["SubnetId"])
    role = iam.create_role(RoleName="sandbox-cluster", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    eks.create_cluster(name=SANDBOX.cluster_name, roleArn=role, resourcesVpcConfig={"subnetIds": private + public})
    return {"vpc": vpc, "public": public, "private": private, "table": public_table}


def _state(endpoint: str, world: dict) -> tuple[dict, list]:
    ec2 = _client(endpoint, "ec2")
    tags = {s["SubnetId"]: {t["Key"]: t["Value"] for t in s.get("Tags", [])}
            for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [world["vpc"]]}])["Subnets"]}
    routes = ec2.describe_route_tables(RouteTableIds=[world["table"]])["RouteTables"][0]["Routes"]
    return tags, sorted((r.get("DestinationCidrBlock"), r.get("GatewayId")) for r in routes)


def _probe(endpoint: str):
    from checks.probes import probe_subnets
    from tests.preflight.conftest import make_ctx

    return probe_subnets(make_ctx(target=SANDBOX))


def test_removing_role_tags_alone_does_not_break_the_pinned_release(sandbox):
    """What the drill used to plant: the role tags deleted, the internet routes kept. At
    v3.5.0 discovery falls back to reachability and the probe passes: not a drill.
    Stand-in: moto's server as the sandbox AWS."""
    world = _sandbox_network(sandbox)
    ec2 = _client(sandbox, "ec2")
    for subnet in world["public"] + world["private"]:
        ec2.delete_tags(Resources=[subnet], Tags=[{"Key": "kubernetes.io/role/elb"},
                                                  {"Key": "kubernetes.io/role/internal-elb"}])
    result = _probe(sandbox)
    assert result.status.value == "pass", result.detail
    assert "reachability" in result.detail


def test_subnet_drill_plants_what_the_pinned_release_fails_on_and_undo_restores(sandbox):
    """Planting deletes the role tags and the internet gateway route: the subnet probe
    fails under v3.5.0's rules and the replayed controller line (v3.5.0's wording for this
    state) names the catalog entry; undo restores tags and route, and the probe passes.
    Stand-in: moto's server as the sandbox AWS (EC2, EKS)."""
    world = _sandbox_network(sandbox)
    before = _state(sandbox, world)
    assert _probe(sandbox).status.value == "pass"
    drill = SubnetTagsDrill(SANDBOX)
    outcome = drill.plant()
    tags, routes = _state(sandbox, world)
    assert not any(k.startswith("kubernetes.io/role/") for subnet in tags.values() for k in subnet)
    assert not any(str(gateway).startswith("igw") for _cidr, gateway in routes)
    result = _probe(sandbox)
    assert result.status.value == "fail" and result.failure_id == drill.failure_id, result.detail
    assert "v3.5.0" in result.summary
    line = outcome.replay[0][1]
    assert "couldn't auto-discover subnets: unable to resolve at least one subnet. Evaluated 0 subnets" in line
    assert drill.failure_id in _engine_ids(outcome.replay)
    with pytest.raises(DrillError, match="already planted"):
        drill.plant()
    drill.undo()
    assert _state(sandbox, world) == before
    assert not drill.planted
    assert _probe(sandbox).status.value == "pass"


def test_subnet_drill_refuses_without_a_sandbox_cluster(sandbox):
    """No cluster in the emulator yet: a clear refusal, nothing changed. Stand-in: moto."""
    with pytest.raises(DrillError, match="run the sandbox deploy first"):
        SubnetTagsDrill(SANDBOX).plant()


def test_controller_policy_drill_drops_addtags_and_restores(sandbox):
    """Planting makes a new default version of the controller policy without AddTags and
    yields the controller's AccessDenied line, which the engine names; undo restores the
    previous default. Stand-in: moto's server as the sandbox IAM."""
    iam = _client(sandbox, "iam")
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["elasticloadbalancing:CreateLoadBalancer", ACTION], "Resource": "*"},
        {"Effect": "Allow", "Action": ACTION, "Resource": "*"},
        {"Effect": "Allow", "Action": "ec2:DescribeSubnets", "Resource": "*"}]}
    arn = iam.create_policy(PolicyName="petstore-sandbox-aws-load-balancer-controller",
                            PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    iam.create_role(RoleName="petstore-sandbox-alb-controller", AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"Service": "ec2.amazonaws.com"}}]}))
    iam.attach_role_policy(RoleName="petstore-sandbox-alb-controller", PolicyArn=arn)
    drill = ControllerPolicyDrill(SANDBOX)
    outcome = drill.plant()
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    assert policy["DefaultVersionId"] != "v1"
    current = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])
    assert ACTION not in json.dumps(current["PolicyVersion"]["Document"])
    assert "assumed-role/petstore-sandbox-alb-controller/" in outcome.replay[0][1]
    assert drill.failure_id in _engine_ids(outcome.replay)
    drill.undo()
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v1"
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == ["v1"]


def test_without_action_keeps_everything_else():
    """The policy rewrite removes only AddTags and drops statements it empties. Stand-in: none."""
    doc = {"Statement": [{"Effect": "Allow", "Action": [ACTION, "ec2:CreateTags"]},
                         {"Effect": "Allow", "Action": ACTION}]}
    changed, removed = without_action(doc)
    assert removed == 2
    assert changed["Statement"] == [{"Effect": "Allow", "Action": "ec2:CreateTags"}]


def test_werkzeug_drill_replays_the_recorded_crash():
    """Without a Flask 2.2 + Werkzeug 3 environment the drill replays the recorded real
    crash, which the engine names; undo clears it. Stand-in: the catalog's recorded sample."""
    os.environ.pop("PETSTORE_DRILL_FLASK22_PYTHON", None)
    drill = WerkzeugDrill(SANDBOX)
    outcome = drill.plant()
    text = "\n".join(line for _kind, line in outcome.replay)
    assert "cannot import name 'url_quote' from 'werkzeug.urls'" in text
    assert outcome.simulated  # a recording replayed: no program printed it in this run
    assert drill.failure_id in _engine_ids(outcome.replay)
    drill.undo()
    assert not drill.planted


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv is not installed")
@pytest.mark.skipif(os.geteuid() != 0, reason="the drill restarts the app without root's overrides: needs root")
def test_sqlite_drill_makes_real_writes_fail_and_undo_heals(sandbox):
    """The local app (real gunicorn) restarted without root's permission overrides on a
    0444 database gets SQLite's real refusal, logged and matched by the engine; undo brings
    a healthy app back. Stand-in: moto as the sandbox; the app and SQLite are real."""
    from petstore_tui.drills.sqlite_readonly import SqliteReadonlyDrill, _post_pet
    from petstore_tui.services import local_app

    try:
        url = local_app.start(SANDBOX.project)
        assert _post_pet(url) == "HTTP 201"
        drill = SqliteReadonlyDrill(SANDBOX)
        outcome = drill.plant()
        assert "HTTP 503" in outcome.message
        log = local_app.log_file().read_text(errors="replace")
        assert "readonly database" in log
        lines = [("app", line) for line in log.splitlines()]
        assert "sqlite-readonly-database" in _engine_ids(lines)
        drill.undo()
        url = sandbox_state.read().app_url
        assert local_app.health(url)[0]
        assert _post_pet(url) == "HTTP 201"
    finally:
        memo = SqliteReadonlyDrill(SANDBOX).load()
        if memo:  # a failed assertion must not leave a read-only folder behind
            for path, mode in memo["modes"].items():
                if os.path.exists(path):
                    os.chmod(path, mode)
        local_app.stop()


# ------------------------------------------------------------------ headless: petstore-tui drill
def test_drill_cli_needs_the_sandbox_and_a_known_id(capsys):
    """Drills never touch a real account, and a typo is a usage error naming the drills.
    Stand-in: none."""
    from petstore_tui import cli

    assert cli.main(["drill", "list"]) == 2
    assert "sandbox only (add --sandbox)" in capsys.readouterr().err
    assert cli.main(["--sandbox", "drill", "plant"]) == 2
    assert "needs a drill id" in capsys.readouterr().err
    assert cli.main(["--sandbox", "drill", "plant", "nosuch"]) == 2
    err = capsys.readouterr().err
    assert "no drill 'nosuch'" in err and "subnet-tags" in err
    assert cli.main(["--sandbox", "drill", "list", "extra"]) == 2  # was ignored: exit 0, the list
    assert "takes no drill id (got 'extra')" in capsys.readouterr().err


@pytest.mark.parametrize("drill_id", ["subnet-tags", "controller-policy", "werkzeug", "sqlite-readonly"])
def test_drill_plant_without_a_running_sandbox_says_so(capsys, drill_id):
    """Stand-in: an empty state folder (no emulator recorded, as after `sandbox stop`).
    Before, the AWS drills ended in "internal error: SandboxNotRunning" and the Werkzeug
    drill replayed its crash into a sandbox that was not there, exit 0."""
    from petstore_tui import cli

    assert cli.main(["--sandbox", "drill", "plant", drill_id]) == 1
    err = capsys.readouterr().err
    assert "sandbox not running: petstore-tui sandbox start" in err and "internal error" not in err
    assert not {d.id: d for d in all_drills(SANDBOX)}[drill_id].planted


def test_drill_list_json(capsys):
    """`drill list --json`: every drill with at least id, title and its catalog entry,
    each entry one the catalog holds. Stand-in: none (no sandbox needed to list)."""
    from checks.catalog_loader import load_catalog
    from petstore_tui import cli

    assert cli.main(["--sandbox", "drill", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    ids = {entry.id for entry in load_catalog()}
    assert [r["id"] for r in rows] == ["sqlite-readonly", "subnet-tags", "controller-policy", "werkzeug"]
    for row in rows:
        assert row["title"] and row["failure_id"] in ids and row["planted"] is False


def test_planted_headless_the_simulated_line_is_marked_in_diagnose(sandbox, capsys):
    """`drill plant controller-policy` changes the policy in the sandbox IAM for real; the
    controller line it replays (no controller runs in the sandbox) reaches `diagnose
    --live --sandbox --json` marked simulated, the drill named in the sources; undo puts
    the policy back. Stand-in: moto's server as the sandbox AWS."""
    from petstore_tui import cli

    iam = _client(sandbox, "iam")
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["elasticloadbalancing:CreateLoadBalancer", ACTION], "Resource": "*"}]}
    arn = iam.create_policy(PolicyName="petstore-sandbox-aws-load-balancer-controller",
                            PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    assert cli.main(["--sandbox", "drill", "plant", "controller-policy"]) == 0
    out = capsys.readouterr().out
    assert "controller-policy planted" in out and "1 simulated line standing in" in out
    assert cli.main(["--sandbox", "diagnose", "--live", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    from_drill = [f for f in report["findings"]
                  if f["id"] == "alb-controller-addtags-denied" and f["source"] == "alb-controller"]
    assert from_drill and all(f.get("simulated") is True for f in from_drill)
    assert "drill:controller-policy (simulated)" in report["sources"]
    assert not [f for f in report["findings"] if f["source"].startswith("probe:") and f.get("simulated")]
    assert cli.main(["--sandbox", "drill", "undo", "controller-policy"]) == 0
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v1"
    capsys.readouterr()
    assert cli.main(["--sandbox", "diagnose", "--live", "--json"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    assert not [f for f in report["findings"] if f["source"] == "alb-controller"]  # undone: not replayed


def test_werkzeug_drill_lock_pins_flask_back_and_keeps_werkzeug_3():
    """The drill's image is built from the app's own lock with only Flask's entry
    replaced (Flask 2.2.2, with its wheel's hash for --require-hashes)."""
    from petstore_tui.drills.werkzeug import broken_lock

    lock = (SANDBOX.project / "petstore-app" / "requirements.lock").read_text()
    broken = broken_lock(lock)
    assert "flask==2.2.2 \\\n    --hash=sha256:b9c46cc3" in broken
    assert "flask==3" not in broken.lower()
    assert [line for line in broken.splitlines() if line.startswith("werkzeug==3.")]
    kept = [line for line in lock.splitlines() if "flask" not in line.lower() and "--hash" not in line]
    assert all(line in broken.splitlines() for line in kept)
    with pytest.raises(DrillError, match="does not hold Werkzeug 3"):
        broken_lock(lock.replace("werkzeug==3.", "werkzeug==2."))


def test_the_container_is_quoted_by_its_error_line_not_a_source_line(monkeypatch):
    """The werkzeug drill said "the container says: from werkzeug.urls import url_quote" (the
    traceback's source line, which also holds the word) instead of the ImportError itself
    (operator review): the most telling word wins over the order of the lines. Stand-ins:
    kube_play's container list and log tail replaced by a recorded traceback."""
    from petstore_tui.drills import stand_in
    from petstore_tui.drills.werkzeug import CRASH_WORDS
    from petstore_tui.services import kube_play

    tail = " | ".join(["Traceback (most recent call last):", '  File "/app/petstore/app.py", line 3',
                       "    from werkzeug.urls import url_quote",
                       "ImportError: cannot import name 'url_quote' from 'werkzeug.urls'"])
    monkeypatch.setattr(kube_play, "ours", lambda _eng: [{"name": "petstore-pod-0-petstore"}])
    monkeypatch.setattr(kube_play, "last_words", lambda _eng, _name, lines=40: tail)
    said = stand_in.wait_failure(object(), CRASH_WORDS, timeout=1)
    assert said == "ImportError: cannot import name 'url_quote' from 'werkzeug.urls'"


def test_the_replayed_crash_is_called_the_same_true_thing_by_the_drill_and_its_finding(capsys):
    """The drill said "replayed the recorded real crash", its finding "[simulated: no
    program printed its evidence]", and the detail pane "every line ... written by
    petstore-tui": the recording's first line says a real Flask 2.2.2 printed it
    (scripts/record_samples/werkzeug_import_error.py), only not in this run. All three now
    say that. Stand-ins: the catalog's recorded sample, the real engine."""
    from checks.model import Finding, Severity
    from petstore_tui.commands.diagnose import _print_human
    from petstore_tui.services.log_scan import ScanReport
    from petstore_tui.widgets.detail import simulated_text

    os.environ.pop("PETSTORE_DRILL_FLASK22_PYTHON", None)
    drill = WerkzeugDrill(SANDBOX)
    outcome = drill.plant()
    try:
        recorder = "scripts/record_samples/werkzeug_import_error.py"
        assert (SANDBOX.project / recorder).is_file()
        assert recorder in outcome.message and "marked simulated" in outcome.message, outcome.message
        engine = pytest.importorskip("checks.engine").load_default_engine()
        for kind, line in outcome.replay:
            engine.feed(line, source=kind, resource="local-app", simulated=outcome.simulated)
        engine.flush()
        _print_human(engine, engine.findings(), ScanReport(sources=["drill:werkzeug (simulated)"]), 0.1)
        out = capsys.readouterr().out
        assert "[simulated: fed by a drill, printed by no program in this run]" in out, out
        assert "no program printed its evidence" not in out
        said = simulated_text(Finding(drill.failure_id, "t", Severity.ERROR, "r", "drill", simulated=True))
        assert "recorded earlier" in said and "written by petstore-tui" in said
    finally:
        drill.undo()
