"""boto3 sessions and clients for a Target (profile, region, sandbox endpoint), bounded by
timeouts. What their errors mean: petstore_core/errors.py."""

from __future__ import annotations

import os
import shlex
from typing import Any

import boto3
from botocore.config import Config

from petstore_core import sandbox_state, settings
from petstore_core.errors import SandboxNotRunning

# Nothing may hang: a dead endpoint fails within seconds, and retries stay few so an
# expired token is reported at once rather than after the default backoff.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
MAX_ATTEMPTS = 2


def botocore_config(**overrides: Any):
    options: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT,
        "read_timeout": READ_TIMEOUT,
        "retries": {"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
    }
    options.update(overrides)
    return Config(**options)


def sandbox_endpoint() -> str:
    """The emulator's URL from the sandbox state file, or SandboxNotRunning."""
    state = sandbox_state.read()
    if state is None or not state.endpoint:
        raise SandboxNotRunning()
    return state.endpoint


def cli_command(target: settings.Target, *words: str, region: bool = True) -> str:
    """`aws WORDS...` as a shell line for the operator to paste, acting where this tool
    acts: their region (unless the service is global) and --profile, or in the sandbox the
    emulator's --endpoint-url (never the real AWS). SandboxNotRunning without the emulator."""
    tail = ["--region", target.region_name] if region else []
    if target.sandbox:
        tail += ["--endpoint-url", sandbox_endpoint()]
    elif target.profile:
        tail += ["--profile", target.profile]
    return shlex.join(["aws", *words, *tail])


def session(target: settings.Target):
    """A boto3 Session for the target: its profile and region, or the sandbox's fake
    credentials. Raises SandboxNotRunning, or botocore's ProfileNotFound."""
    if target.sandbox:
        sandbox_endpoint()  # fail early and clearly
        return boto3.Session(region_name=target.region_name, **sandbox_state.SANDBOX_CREDENTIALS)
    # The region resolved once, by the AWS CLI's order, is the one every client gets (and the
    # one labels and journals show); without one, credentials still resolve and clients say so.
    return boto3.Session(profile_name=target.profile or None, region_name=target.region_or_none)


def endpoint_url(target: settings.Target) -> str | None:
    """The endpoint every client of this target uses: the sandbox's, else AWS_ENDPOINT_URL
    (botocore reads that itself too), else None (the real AWS endpoints)."""
    if target.sandbox:
        return sandbox_endpoint()
    return os.environ.get("AWS_ENDPOINT_URL") or None


def client(target: settings.Target, service: str, *, boto_session=None, **config_overrides: Any):
    """A boto3 client for `service` with timeouts and limited retries."""
    sess = boto_session or session(target)
    kwargs: dict[str, Any] = {"config": botocore_config(**config_overrides)}
    url = endpoint_url(target)
    if url:
        kwargs["endpoint_url"] = url
    return sess.client(service, region_name=target.region_name, **kwargs)
