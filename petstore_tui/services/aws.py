"""boto3 sessions and clients for a Target (profile, region, sandbox endpoint), bounded by timeouts, and one-sentence messages for AWS errors."""

from __future__ import annotations

import os
from typing import Any

from checks.redact import redact
from petstore_tui import settings
from petstore_tui.services import sandbox_state

# Nothing may hang: a dead endpoint fails within seconds, and retries stay few so an
# expired token is reported at once rather than after the default backoff.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
MAX_ATTEMPTS = 2


class SandboxNotRunning(RuntimeError):
    """--sandbox was asked for but no emulator is recorded in the state folder."""

    def __init__(self) -> None:
        super().__init__("sandbox not running: petstore-tui sandbox start")


def botocore_config(**overrides: Any):
    from botocore.config import Config

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


def session(target: settings.Target):
    """A boto3 Session for the target: its profile and region, or the sandbox's fake
    credentials. Raises SandboxNotRunning, or botocore's ProfileNotFound."""
    import boto3

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


def error_code(exc: BaseException) -> str:
    """The AWS error code of a ClientError, else the exception's class name."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = (response.get("Error") or {}).get("Code")
        if code:
            return str(code)
    return type(exc).__name__


_EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
_INVALID = {"InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch",
            "InvalidAccessKeyId", "AuthFailure"}
_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden"}


def describe_aws_error(exc: BaseException) -> str:
    """One clear sentence for an AWS failure, with no secret in it."""
    name = type(exc).__name__
    code = error_code(exc)
    if isinstance(exc, SandboxNotRunning | settings.RegionNotSet):
        return str(exc)
    if code in _EXPIRED:
        return ("AWS credentials have expired: refresh them (aws sso login, or new "
                "temporary credentials) and try again.")
    if name in ("NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError"):
        return ("No AWS credentials found: set AWS_PROFILE or --profile, run aws configure, "
                "or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
    if name == "ProfileNotFound":
        profile = getattr(exc, "kwargs", {}).get("profile", "")
        return f"AWS profile {profile!r} not found in ~/.aws/config or ~/.aws/credentials."
    if code in _INVALID:
        return ("AWS rejected the credentials (invalid access key or token, "
                f"{code}): check the profile or the exported keys.")
    if code in _DENIED:
        message = _message(exc)
        return redact(f"Access denied by AWS ({code}){': ' + message if message else ''}.")
    if name in ("EndpointConnectionError", "ConnectionClosedError"):
        url = getattr(exc, "kwargs", {}).get("endpoint_url", "")
        return redact(f"Cannot reach the AWS endpoint {url}: check the network, proxy or region.")
    if name in ("ConnectTimeoutError", "ConnectTimeout", "ReadTimeoutError"):
        return "The AWS endpoint did not answer in time: check the network, proxy or VPN."
    if name == "ResponseParserError":
        return ("The AWS endpoint answered with something that is not a valid AWS response "
                "(the API may not be implemented here, e.g. in the sandbox emulator).")
    if name == "NoRegionError":
        return "No AWS region set: pass --region or set AWS_REGION."
    if code in ("ResourceNotFoundException", "NoSuchEntity", "NotFoundException"):
        return redact(f"Not found ({code}): {_message(exc)}")
    if code in ("404", "NotImplemented", "InvalidAction"):
        return f"This AWS API is not available at this endpoint ({code})."
    message = _message(exc) or str(exc)
    return redact(f"AWS error {code}: {message}".strip())


def _message(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str((response.get("Error") or {}).get("Message") or "")
    return ""


def is_not_implemented(exc: BaseException) -> bool:
    """True for what moto answers for an API it lacks: a 404/501 ClientError, or a 500
    that botocore cannot parse (ResponseParserError)."""
    if type(exc).__name__ == "ResponseParserError":
        return True
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
        code = (response.get("Error") or {}).get("Code")
        return status in (404, 501) or code in ("404", "NotImplemented", "InvalidAction")
    return False
