"""What went wrong, in one sentence an operator can act on: the errors of reaching AWS and
Kubernetes, and their descriptions. No secret survives a description (redact), and this
module imports neither boto3 nor the kubernetes client: exceptions are read by their
class name and attributes, so a check can describe an error without loading them."""

from __future__ import annotations

import os

from petstore_core.redact import redact
from petstore_core.settings import RegionNotSet


class SandboxNotRunning(RuntimeError):
    """--sandbox was asked for but no emulator is recorded in the state folder."""

    def __init__(self) -> None:
        super().__init__("sandbox not running: petstore-tui sandbox start")


class KubeConfigError(RuntimeError):
    """The kubeconfig is missing, unreadable, or lacks the asked-for context."""


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
    if isinstance(exc, SandboxNotRunning | RegionNotSet):
        return str(exc)
    if code in _EXPIRED:
        return ("AWS credentials have expired: refresh them (aws sso login, or new "
                "temporary credentials) and try again.")
    kwargs = getattr(exc, "kwargs", None) or {}
    lineage = {cls.__name__ for cls in type(exc).__mro__}
    if lineage & {"SSOError", "SSOTokenLoadError", "UnauthorizedSSOTokenError"}:
        # the profile's credentials come from SSO but it has no valid session: not its keys
        return redact("No valid SSO session for the profile's credentials: sign in with "
                      f"aws sso login ({kwargs.get('error_msg') or exc}).")
    if name == "CredentialRetrievalError":
        # the profile names a source (credential_process, ...) that ran and failed: say which
        provider = kwargs.get("provider") or "its credential source"
        detail = str(kwargs.get("error_msg") or "").strip()
        return redact(f"The profile's credential source ({provider}) failed to return credentials"
                      f"{': ' + detail if detail else ''}.")
    if name == "ConfigParseError":
        return redact(f"The AWS config file {kwargs.get('path') or ''} cannot be parsed: "
                      "fix its syntax (each section header reads [profile NAME]).")
    if name in ("NoCredentialsError", "PartialCredentialsError"):
        return ("No AWS credentials found: set AWS_PROFILE or --profile, run aws configure, "
                "or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
    if name == "ProfileNotFound":
        profile = getattr(exc, "kwargs", {}).get("profile", "")
        # botocore reads these two files, moved by these variables (as the AWS CLI does)
        config = os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
        credentials = os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials"
        return f"AWS profile {profile!r} not found in {config} or {credentials}."
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


def describe_kube_error(exc: BaseException) -> str:
    """One sentence for a failed Kubernetes call, with no token in it."""
    if isinstance(exc, KubeConfigError):
        return str(exc)
    status = getattr(exc, "status", None)
    reason = getattr(exc, "reason", "") or ""
    if status == 401:
        return ("the API server refused our credentials (401 Unauthorized): the identity has no "
                "access entry or aws-auth mapping, or its token expired")
    if status == 403:
        return redact(f"the API server forbade the request (403): {reason}")
    if status == 404:
        return "not found (404)"
    name = type(exc).__name__
    text = str(exc)
    if name in ("MaxRetryError", "NewConnectionError", "ConnectionRefusedError") or "Connection refused" in text:
        return "cannot reach the Kubernetes API server (connection refused or unreachable)"
    if "timed out" in text.lower() or "Timeout" in name:
        return "the Kubernetes API server did not answer in time"
    if status:
        return redact(f"the Kubernetes API answered {status} {reason}")
    return redact(f"{name}: {text}".splitlines()[0][:300])
