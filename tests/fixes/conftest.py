"""Fixtures for the fix tests: the sandbox AWS (moto's server, as the drills use it) with the network and controller IAM the sandbox deploy makes, the stub Kubernetes API server, and copies of this repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.preflight.conftest import project  # noqa: F401  (fixture: a copy of the repository)
from tests.support.kube_stub import kube_stub  # noqa: F401  (fixture)
from tests.tui.test_drills import SANDBOX, _client, _sandbox_network, sandbox  # noqa: F401  (sandbox: fixture)

REPO = Path(__file__).resolve().parents[2]
POLICY_FILE = REPO / "terraform" / "policies" / "aws-load-balancer-controller.json"
ROLE = f"{SANDBOX.cluster_name[:20]}-lb-ctrl-20261128"  # terraform/iam.tf's name_prefix
POLICY = f"{SANDBOX.cluster_name[:20]}-AWSLoadBalancerController-20261128"


def controller_iam(endpoint: str) -> str:
    """What terraform/iam.tf makes for the controller: the role and the customer-managed
    policy holding the repository's policy file, attached. Returns the policy ARN."""
    iam = _client(endpoint, "iam")
    arn = iam.create_policy(PolicyName=POLICY, PolicyDocument=POLICY_FILE.read_text())["Policy"]["Arn"]
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                                                 "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/x"}}]}))
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=arn)
    return arn


@pytest.fixture
def world(sandbox):  # noqa: F811  (the fixture imported above)
    """The sandbox after a deploy: network (tests/tui/test_drills.py) and controller IAM."""
    found = _sandbox_network(sandbox)
    found["policy"] = controller_iam(sandbox)
    found["endpoint"] = sandbox
    return found
