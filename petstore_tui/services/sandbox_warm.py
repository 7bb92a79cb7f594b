"""Warm a freshly started AWS emulator: one cheap call to each service this tool uses, so
moto loads their backends during `sandbox start` instead of inside a check's time limit.

Measured (docs/knowledge/podman-sandbox.md, "A cold emulator"): moto's server imports a
service's backend on that service's first request. EC2's is the largest: ~1.7 s of the
emulator's CPU for the first `DescribeAvailabilityZones` (then ~12 ms a call); at a
third of a core that first call took 8.7 s of aws.ec2's 10 s limit, and at load 3.5 with
the other checks' first calls beside it, it took more than 10 s. The client's own share
(building the EC2 client: ~0.15 s of CPU) was under a second either way."""

from __future__ import annotations

import time
from collections.abc import Callable

import boto3

from petstore_core import aws, sandbox_state, settings

# Every service the checks, probes, fixes and runbook steps call, each with its cheapest
# read-only call (Terraform's resources are in these services too).
WARM_CALLS: tuple[tuple[str, Callable], ...] = (
    ("sts", lambda c: c.get_caller_identity()),
    ("ec2", lambda c: c.describe_availability_zones()),
    ("eks", lambda c: c.list_clusters()),
    ("iam", lambda c: c.list_roles(MaxItems=1)),  # loads the AWS-managed policies
    ("elbv2", lambda c: c.describe_load_balancers(PageSize=1)),
    ("ecr", lambda c: c.describe_repositories(maxResults=1)),
)
# The whole warm-up's bound: a loaded machine takes tens of seconds; an emulator that does
# not answer by then is reported by the first check that calls it, as before.
WARM_TIMEOUT = 120.0


def warm(endpoint: str, region: str = settings.SANDBOX_REGION, *, timeout: float = WARM_TIMEOUT,
         clock: Callable[[], float] = time.monotonic) -> tuple[list[str], str]:
    """(services warmed, why it stopped early or ""). Never raises: a warm-up that fails
    costs only the time the checks then spend on the emulator's first answers."""
    session = boto3.Session(region_name=region, **sandbox_state.SANDBOX_CREDENTIALS)
    deadline = clock() + timeout
    warmed: list[str] = []
    for service, call in WARM_CALLS:
        left = deadline - clock()
        if left <= 0:
            return warmed, f"stopped after {timeout:.0f}s"
        try:
            # one attempt, the time left as its bound: a retry here only delays the start
            config = aws.botocore_config(read_timeout=max(left, 1.0), retries={"max_attempts": 1})
            call(session.client(service, endpoint_url=endpoint, config=config))
        except Exception as exc:  # noqa: BLE001 - said, never raised (see above)
            return warmed, f"{service}: {type(exc).__name__}"
        warmed.append(service)
    return warmed, ""
