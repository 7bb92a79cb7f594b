"""AWS group checks against moto_server, and botocore Stubber clients for what moto cannot play (expired tokens)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from checks.model import Status
from checks.preflight.aws.credentials import CredentialsCheck
from checks.preflight.aws.ec2_reachable import Ec2ReachableCheck
from checks.preflight.aws.identity import IdentityCheck
from checks.preflight.aws.region import RegionCheck
from checks.preflight.runner import run_check
from petstore_core.settings import Target
from tests.preflight.conftest import make_ctx


async def test_all_aws_checks_pass_against_moto(aws):
    """moto_server with fake credentials in the environment."""
    ctx = make_ctx()
    for check in (CredentialsCheck, IdentityCheck, RegionCheck, Ec2ReachableCheck):
        result = await run_check(check(), ctx)
        assert result.status == Status.PASS, result
    assert "123456789012" in (await run_check(IdentityCheck(), ctx)).summary


async def test_missing_credentials_are_named(monkeypatch):
    """No stand-in: no credentials anywhere (the test conftest empties the chain)."""
    monkeypatch.setenv("AWS_REGION", "us-east-1")  # a region, so credentials are what is missing
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    ctx = make_ctx()
    for check in (CredentialsCheck, IdentityCheck, Ec2ReachableCheck):
        result = await run_check(check(), ctx)
        assert result.status == Status.FAIL
        assert "No AWS credentials found" in result.summary
        assert result.fix


async def test_unknown_profile_is_named(monkeypatch):
    """No stand-in: --profile naming a profile that does not exist."""
    result = await run_check(CredentialsCheck(), make_ctx(target=Target(profile="nosuch")))
    assert result.status == Status.FAIL
    assert "'nosuch' not found" in result.summary


@pytest.mark.parametrize("check", [CredentialsCheck, IdentityCheck, Ec2ReachableCheck])
async def test_unknown_profile_says_where_it_looked_and_how_to_list_profiles(monkeypatch, tmp_path, check):
    """No stand-in: --profile nosuch, with the AWS CLI's files moved by AWS_CONFIG_FILE and
    AWS_SHARED_CREDENTIALS_FILE (as the operator's may be). The summary names the profile and
    the files botocore read; the fix lists the profiles there and creates this one."""
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    result = await run_check(check(), make_ctx(target=Target(profile="nosuch")))
    assert result.status == Status.FAIL
    assert f"AWS profile 'nosuch' not found in {tmp_path}/config or {tmp_path}/credentials" in result.summary, result
    assert "aws configure list-profiles" in result.fix and "aws configure --profile nosuch" in result.fix, result.fix
    assert "<name>" not in result.fix


def _expired_client(service: str):
    client = boto3.client(service, region_name="us-east-1", aws_access_key_id="ASIAEXAMPLEEXAMPLE12",
                          aws_secret_access_key="x", aws_session_token="t")
    stub = Stubber(client)
    operation = "get_caller_identity" if service == "sts" else "describe_availability_zones"
    stub.add_client_error(operation, service_error_code="ExpiredToken",
                          service_message="The security token included in the request is expired",
                          http_status_code=400)
    stub.activate()
    return client


async def test_expired_credentials_are_named(monkeypatch):
    """botocore Stubber answering ExpiredToken (moto accepts any token)."""
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    session = boto3.Session(aws_access_key_id="ASIAEXAMPLEEXAMPLE12", aws_secret_access_key="x",
                            aws_session_token="t", region_name="us-east-1")
    ctx = make_ctx(session_factory=lambda: session, client_factory=_expired_client)
    for check in (CredentialsCheck, IdentityCheck, Ec2ReachableCheck):
        result = await run_check(check(), ctx)
        assert result.status == Status.FAIL, result
        assert "expired" in result.summary
        assert "ASIAEXAMPLEEXAMPLE12" not in result.summary + result.detail


async def test_region_sources(monkeypatch):
    """No stand-in: --region, AWS_REGION, nothing."""
    assert "from --region" in (await run_check(RegionCheck(), make_ctx(target=Target(region="eu-west-1")))).summary
    monkeypatch.setenv("AWS_REGION", "eu-north-1")
    assert "from AWS_REGION" in (await run_check(RegionCheck(), make_ctx())).summary
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    result = await run_check(RegionCheck(), make_ctx())
    assert result.status == Status.FAIL and "no region set" in result.summary


async def test_no_region_gets_the_region_fix_not_the_credentials_one(monkeypatch):
    """No stand-in: no region anywhere. The identity and EC2 checks say the region is
    missing; before, their fix told the operator to run `aws configure` for credentials."""
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    for check in (IdentityCheck, Ec2ReachableCheck):
        result = await run_check(check(), make_ctx())
        assert result.status == Status.FAIL and "no AWS region" in result.summary, result
        assert "--region" in result.fix and "aws configure --profile" not in result.fix, result.fix


async def test_sandbox_not_running_is_named(monkeypatch):
    """No stand-in: --sandbox without a sandbox state file."""
    result = await run_check(IdentityCheck(), make_ctx(target=Target(sandbox=True)))
    assert result.status == Status.FAIL
    assert "sandbox not running: petstore-tui sandbox start" in result.summary


async def test_without_credentials_no_client_is_built(monkeypatch):
    """No stand-in: no credentials anywhere; building a client fails the test (botocore
    would raise the same error only at the first call, after building it)."""
    from petstore_core import aws

    monkeypatch.setenv("AWS_REGION", "us-east-1")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(aws, "client", lambda *a, **k: pytest.fail("built a client without credentials"))
    ctx = make_ctx()
    for check in (IdentityCheck, Ec2ReachableCheck):
        result = await run_check(check(), ctx)
        assert result.status == Status.FAIL and "No AWS credentials found" in result.summary, result


async def test_ec2_without_a_region_fails_and_says_so(monkeypatch):
    """No stand-in: no region anywhere: a failure naming the missing region, not an error
    of the check itself."""
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    result = await run_check(Ec2ReachableCheck(), make_ctx())
    assert result.status == Status.FAIL and result.summary.startswith("no AWS region"), result


def _profile_files(monkeypatch, tmp_path, config: str) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    (tmp_path / "config").write_text(config)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)


async def test_sso_profile_without_a_session_fails_credentials_and_says_sso_login(monkeypatch, tmp_path):
    """No stand-in: an SSO profile whose token cache is empty (botocore fails before any
    network call). aws.credentials used to pass ("credentials resolve (from sso)") and the
    others said "check the profile's keys"; now all three fail and say aws sso login."""
    _profile_files(monkeypatch, tmp_path, "[profile work]\nsso_start_url = https://example.awsapps.com/start\n"
                   "sso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Admin\n"
                   "region = us-east-1\n")
    monkeypatch.setenv("HOME", str(tmp_path))  # the SSO token cache lives under ~/.aws/sso
    ctx = make_ctx(target=Target(profile="work"))
    for check in (CredentialsCheck, IdentityCheck, Ec2ReachableCheck):
        result = await run_check(check(), ctx)
        assert result.status == Status.FAIL, result
        assert "No valid SSO session" in result.summary, result.summary
        assert "aws sso login --profile work" in result.fix, result.fix


async def test_failing_credential_process_is_named_not_called_missing(monkeypatch, tmp_path):
    """Stand-in: /bin/false as the profile's credential_process. It used to read "No AWS
    credentials found: set AWS_PROFILE or --profile" though --profile was given."""
    _profile_files(monkeypatch, tmp_path, "[profile vault]\nregion = us-east-1\ncredential_process = /bin/false\n")
    ctx = make_ctx(target=Target(profile="vault"))
    for check in (CredentialsCheck, IdentityCheck, Ec2ReachableCheck):
        result = await run_check(check(), ctx)
        assert result.status == Status.FAIL, result
        assert "credential source (custom-process) failed" in result.summary, result.summary
        assert "No AWS credentials found" not in result.summary
        assert "aws sts get-caller-identity --profile vault" in result.fix, result.fix


async def test_unparsable_config_file_is_named_with_its_path(monkeypatch, tmp_path):
    """No stand-in: an AWS config file with a broken section header. It used to read "AWS
    error ConfigParseError: ..." with the fix "check the profile's keys"."""
    _profile_files(monkeypatch, tmp_path, "[profile broken\nregion = us-east-1\n")
    result = await run_check(CredentialsCheck(), make_ctx(target=Target(profile="broken")))
    assert result.status == Status.FAIL
    assert f"The AWS config file {tmp_path}/config cannot be parsed" in result.summary, result.summary
    assert "keys" not in result.fix, result.fix


def test_unreachable_endpoint_fix_is_the_network_not_the_keys():
    """No stand-in: botocore's EndpointConnectionError built directly; its fix used to be
    "check the profile's keys", which were never tried."""
    from botocore.exceptions import EndpointConnectionError

    from checks.preflight.aws._common import credential_fix
    from petstore_core.errors import describe_aws_error

    message = describe_aws_error(EndpointConnectionError(endpoint_url="https://sts.us-east-1.amazonaws.com/"))
    fix = credential_fix(message, "work")
    assert "proxy" in fix and "keys" in fix and "were not tried" in fix, fix


@pytest.mark.parametrize("profile", [None, "x"])
async def test_an_unparsable_config_file_is_the_regions_problem_too(monkeypatch, tmp_path, profile):
    """No stand-in: AWS_CONFIG_FILE holding a broken section header (`[profile x`), no
    region in the environment. aws.credentials said the file cannot be parsed (fix-27b)
    while aws.region said "no region set" with the usual fix (pass --region...): the
    operator was sent to set a region the file may well hold. It now names the parse error."""
    _profile_files(monkeypatch, tmp_path, "[profile x\nregion = eu-west-1\n")
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    result = await run_check(RegionCheck(), make_ctx(target=Target(profile=profile)))
    assert result.status == Status.FAIL, result
    assert f"The AWS config file {tmp_path}/config cannot be parsed" in result.summary, result.summary
    assert "no region set" not in result.summary and "pass --region" not in (result.fix or ""), result
    assert "correct the file's syntax" in result.fix, result.fix
