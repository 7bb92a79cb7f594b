"""Least privilege: a caller without ec2:CreateTags runs the subnet fix against an AWS that checks IAM, gets AccessDenied, and the fix reports the fix-permission-denied finding with the exact actions it needs, changing nothing. Stand-in: moto's server started with INITIAL_NO_AUTH_ACTION_COUNT, so that after the setup's requests (counted exactly) every request is checked against the caller's IAM policies. moto's server answers every
checked EKS REST call with SignatureDoesNotMatch, whatever the key and policy (seen with
moto 5 on this machine), so the cluster's description is read during the setup and handed to
the fix's context: every EC2 call (the ones least privilege is about) goes to the checked server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest

from petstore_tui import cli
from tests.tui.test_drills import SANDBOX, _sandbox_network

FREE_REQUESTS = 120  # requests moto lets through unchecked: the setup, padded to exactly this many
READ_ONLY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
    "eks:DescribeCluster", "ec2:DescribeSubnets", "ec2:DescribeRouteTables", "iam:ListRoles",
    "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"]}]}


@pytest.fixture
def checked_aws(tmp_path):
    """moto_server in its own process with IAM checks after FREE_REQUESTS requests."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(FREE_REQUESTS)}
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],  # noqa: S603
                              env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "moto.log").open("w"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                pytest.fail("moto_server did not start within 60 s")
            time.sleep(0.3)
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_caller_without_create_tags_gets_the_permission_finding(checked_aws, monkeypatch, capsys):
    sent = []
    boto3.setup_default_session(aws_access_key_id="setup", aws_secret_access_key="setup", region_name="us-east-1")
    boto3.DEFAULT_SESSION.events.register("before-send", lambda **kw: sent.append(kw["request"].url))
    try:
        world = _sandbox_network(checked_aws)  # through boto3's default session: counted
        ec2, iam = (boto3.client(s, endpoint_url=checked_aws) for s in ("ec2", "iam"))
        for subnet in world["public"] + world["private"]:  # what the subnet drill plants
            ec2.delete_tags(Resources=[subnet], Tags=[{"Key": "kubernetes.io/role/elb"},
                                                      {"Key": "kubernetes.io/role/internal-elb"}])
        ec2.delete_route(RouteTableId=world["table"], DestinationCidrBlock="0.0.0.0/0")
        iam.create_user(UserName="oncall")
        iam.put_user_policy(UserName="oncall", PolicyName="read-only", PolicyDocument=json.dumps(READ_ONLY))
        key = iam.create_access_key(UserName="oncall")["AccessKey"]
        cluster = boto3.client("eks", endpoint_url=checked_aws).describe_cluster(
            name=SANDBOX.cluster_name)["cluster"]
        assert len(sent) <= FREE_REQUESTS, f"setup took {len(sent)} requests: raise FREE_REQUESTS"
        while len(sent) < FREE_REQUESTS:
            ec2.describe_vpcs()
        with pytest.raises(Exception, match="AuthFailure|InvalidClientTokenId|not authorized|security token"):
            ec2.describe_vpcs()  # checks are on: the setup's made-up key is refused
    finally:
        boto3.DEFAULT_SESSION = None
    from checks.preflight.context import CheckContext

    monkeypatch.setattr(CheckContext, "cluster", lambda self: cluster)  # moto's EKS signature check: see above
    monkeypatch.setenv("AWS_ENDPOINT_URL", checked_aws)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    target = ["--region", "us-east-1", "--cluster", SANDBOX.cluster_name]

    code = cli.main([*target, "fix", "alb-controller-subnet-discovery-failed", "--yes", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["status"] == "denied", report
    assert "permission denied while fixing (AccessDenied)" in report["message"]
    assert "ec2:CreateTags" in report["message"]
    # the refused call changed nothing, and the roll-back says so (not "changed since the fix")
    assert "kubernetes.io/role/elb already as before on" in report["message"]
    assert "changed since" not in report["message"]
    finding = report["finding"]
    assert finding["id"] == "fix-permission-denied" and finding["resource"] == "fix/subnet-role-tags"
    assert "ec2:CreateTags" in finding["details"]["actions"]
    assert finding["details"]["policy"]["Statement"][0]["Action"] == sorted(finding["details"]["actions"])
    reader = boto3.client("ec2", endpoint_url=checked_aws, region_name="us-east-1",
                          aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    tags = [t["Key"] for s in reader.describe_subnets(SubnetIds=world["public"])["Subnets"] for t in s.get("Tags", [])]
    assert "kubernetes.io/role/elb" not in tags  # nothing changed

    # the engine names the message the CLI printed (text output this time)
    assert cli.main([*target, "fix", "alb-controller-subnet-discovery-failed", "--yes"]) == 1
    printed = capsys.readouterr().out
    from checks.engine import load_default_engine

    engine = load_default_engine()
    for line in printed.splitlines():
        engine.feed(line, source="any", resource="fix")
    engine.flush()
    assert "fix-permission-denied" in {f.failure_id for f in engine.findings()}


def test_an_unparsed_xml_refusal_is_judged_by_its_own_code():
    """botocore leaves a REST-JSON service's XML error body unparsed (Code "403", the XML as
    Message), as moto's EKS answered above: its <Code> decides, so a bad signature is not a
    missing permission while an unparsed AccessDenied is one."""
    from botocore.exceptions import ClientError

    from petstore_tui.fixes.permissions import denial

    def unparsed(code: str) -> ClientError:
        body = (f'<?xml version="1.0" encoding="utf-8"?>\n<ErrorResponse><Errors><Error><Code>{code}</Code>'
                f"<Message>said {code}</Message></Error></Errors></ErrorResponse>")
        return ClientError({"Error": {"Code": "403", "Message": body},
                            "ResponseMetadata": {"HTTPStatusCode": 403}}, "DescribeCluster")

    assert denial(unparsed("SignatureDoesNotMatch")) is None
    assert denial(unparsed("AccessDeniedException")) == ("AccessDeniedException", "said AccessDeniedException")


def test_the_controller_policy_fix_needs_no_more_than_it_declares(checked_aws, monkeypatch, capsys):
    """A caller granted exactly least_privilege_policy(ControllerPolicyFix.needs) plans,
    applies, verifies and undoes the fix: the declared needs are enough (any call outside
    them is refused by the checked server and would fail the fix)."""
    from petstore_tui.drills.controller_policy import without_action
    from petstore_tui.fixes.controller_policy import ControllerPolicyFix
    from petstore_tui.fixes.service import least_privilege_policy
    from tests.fixes.conftest import POLICY_FILE, controller_iam

    sent = []
    boto3.setup_default_session(aws_access_key_id="setup", aws_secret_access_key="setup", region_name="us-east-1")
    boto3.DEFAULT_SESSION.events.register("before-send", lambda **kw: sent.append(kw["request"].url))
    try:
        arn = controller_iam(checked_aws)
        iam = boto3.client("iam", endpoint_url=checked_aws)
        planted, _ = without_action(json.loads(POLICY_FILE.read_text()))
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(planted), SetAsDefault=True)
        iam.create_user(UserName="fixer")
        iam.put_user_policy(UserName="fixer", PolicyName="fix", PolicyDocument=json.dumps(
            least_privilege_policy(ControllerPolicyFix.needs)))
        key = iam.create_access_key(UserName="fixer")["AccessKey"]
        assert len(sent) <= FREE_REQUESTS, f"setup took {len(sent)} requests: raise FREE_REQUESTS"
        while len(sent) < FREE_REQUESTS:
            iam.list_users()
    finally:
        boto3.DEFAULT_SESSION = None
    monkeypatch.setenv("AWS_ENDPOINT_URL", checked_aws)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    target = ["--region", "us-east-1", "--cluster", SANDBOX.cluster_name]

    assert cli.main([*target, "fix", "cluster.controller-policy", "--yes", "--json"]) == 0, capsys.readouterr()
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "fixed", report
    assert cli.main([*target, "fix", "undo", report["entry"], "--yes", "--json"]) == 0
    undone = json.loads(capsys.readouterr().out)
    assert undone["status"] == "undone" and "default version back to v2" in undone["message"], undone
