"""The controller's AddTags denial, as controller v2.10+ logs it (aws-sdk-go-v2: "operation
error Elastic Load Balancing v2: CreateLoadBalancer, https response error StatusCode: 403,
... not authorized to perform: elasticloadbalancing:AddTags"), is one finding: the AddTags
entry's. The generic IAM entry's structural cue (the 403 prefix) fired on it too, and the
panel showed two rows whose titles read the same where the column cut them.

Stand-in: none; the real catalog and engine, the line the controller-policy drill feeds."""

from __future__ import annotations

import pytest

from checks.engine import load_default_engine
from petstore_tui.drills.controller_policy import denied_line


@pytest.fixture
def engine():
    return load_default_engine(acks=False)


def test_the_sdk_v2_addtags_denial_is_one_finding(engine):
    engine.feed(denied_line("petstore-sandbox-lb-ctrl-1", "us-east-1"), source="alb-controller",
                resource="drill", simulated=True)
    engine.flush()
    assert [f.failure_id for f in engine.findings()] == ["alb-controller-addtags-denied"]


def test_another_action_denied_beside_addtags_still_reads_as_the_generic_entry(engine):
    """The rule-out holds only while AddTags is the one action denied in the event."""
    line = denied_line("petstore-sandbox-lb-ctrl-1", "us-east-1").replace(
        'because no identity', 'and is not authorized to perform: ec2:CreateSecurityGroup because no identity')
    engine.feed(line, source="alb-controller", resource="drill")
    engine.flush()
    assert {f.failure_id for f in engine.findings()} >= {"alb-controller-iam-denied"}
