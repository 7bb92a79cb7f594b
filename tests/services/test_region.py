"""The target's region follows the AWS CLI's order, agrees with the AWS session everywhere it shows, and is never guessed."""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest

from petstore_core import aws, settings
from petstore_tui import cli

CONFIG = """[default]
region = us-west-2
[profile prod]
region = eu-west-1
[profile bare]
output = json
"""


@pytest.fixture
def aws_config(monkeypatch):
    """Stand-in: a shared config file named by AWS_CONFIG_FILE (as the AWS CLI reads it),
    with no region in the environment."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    path = Path(os.environ["AWS_CONFIG_FILE"])
    path.write_text(CONFIG)
    return path


def test_profile_region_from_the_config_file(aws_config):
    """`--profile prod`, whose `[profile prod]` says eu-west-1, targets eu-west-1: the
    label, the journal key and the boto3 session and clients all agree, and botocore's
    own Session(profile_name=...) resolves the same region."""
    target = settings.Target(profile="prod")
    assert target.region_name == "eu-west-1"
    assert boto3.Session(profile_name="prod").region_name == "eu-west-1"
    assert "eu-west-1" in target.label and "eu-west-1" in target.key
    session = aws.session(target)
    assert session.region_name == "eu-west-1"
    assert aws.client(target, "ec2", boto_session=session).meta.region_name == "eu-west-1"
    # AWS_PROFILE names the profile just as --profile does; the default profile has its own.
    assert settings.Target().region_name == "us-west-2"


def test_the_aws_cli_order(aws_config, monkeypatch):
    """--region beats AWS_REGION, which beats AWS_DEFAULT_REGION, which beats the profile."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    assert settings.Target(profile="prod").region_name == "ap-south-1"
    monkeypatch.setenv("AWS_REGION", "eu-north-1")
    assert settings.Target(profile="prod").region_name == "eu-north-1"
    assert settings.Target(profile="prod", region="ca-central-1").region_name == "ca-central-1"


def test_no_region_is_said_not_guessed(aws_config, capsys):
    """A profile without a region (and none in the environment) is no region at all:
    the label says so, the region raises a clear error, and a deploy exits 2 with the
    sentence instead of targeting us-east-1. The sandbox keeps its fixed region."""
    target = settings.Target(profile="bare")
    assert "no region" in target.label and target.region_or_none is None
    with pytest.raises(settings.RegionNotSet, match="pass --region"):
        _ = target.region_name
    assert cli.main(["--profile", "bare", "deploy", "--yes"]) == 2
    err = capsys.readouterr().err
    assert "no AWS region" in err and "'bare'" in err and "Traceback" not in err
    assert settings.Target(profile="bare", sandbox=True).region_name == settings.SANDBOX_REGION


def test_unknown_profile_names_the_profile(aws_config):
    """A profile that is not in the config file: no region, and the message says why."""
    with pytest.raises(settings.RegionNotSet, match="nosuch"):
        _ = settings.Target(profile="nosuch").region_name


def _label_in_a_fresh_process(*args: str) -> tuple[str, bool]:
    """(the default target's label, whether botocore was imported) in a new interpreter,
    as a start of petstore-tui sees them."""
    import subprocess
    import sys

    code = ("import sys; from petstore_core.settings import Target; "
            f"print(Target({', '.join(args)}).label); print('botocore' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # noqa: S603
                          timeout=60, check=True)
    label, imported = done.stdout.splitlines()
    return label, imported == "True"


def test_a_remembered_region_is_answered_without_botocore(aws_config):
    """The first start asks botocore; the next one, with the same files and environment,
    draws the same label without importing it."""
    first = _label_in_a_fresh_process("profile='prod'")
    second = _label_in_a_fresh_process("profile='prod'")
    assert first == ("prod · eu-west-1 · petstore-eks", True)
    assert second == (first[0], False)


def test_the_remembered_region_follows_every_input(aws_config, monkeypatch):
    """An edit of the config file, a region in the credentials file (botocore reads it too),
    AWS_DEFAULT_PROFILE: each is answered as botocore answers it, not from memory."""
    import botocore.session

    def botocore_says(profile=None):
        return botocore.session.Session(profile=profile).get_config_variable("region")

    assert settings.profile_region("prod") == "eu-west-1"
    aws_config.write_text(CONFIG.replace("eu-west-1", "eu-central-1"))
    assert settings.profile_region("prod") == "eu-central-1" == botocore_says("prod")
    assert settings.profile_region("bare") is None
    credentials = Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
    credentials.write_text("[bare]\nregion = sa-east-1\n")
    assert settings.profile_region("bare") == "sa-east-1" == botocore_says("bare")
    assert settings.profile_region(None) == "us-west-2"
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "prod")
    assert settings.profile_region(None) == "eu-central-1" == botocore_says()


def test_a_failure_is_not_remembered_and_a_damaged_memo_is_ignored(aws_config):
    """A missing profile raises until it is added; a damaged memo file means asking afresh."""
    from petstore_core import region_memo

    with pytest.raises(settings.RegionNotSet, match="nosuch"):
        _ = settings.Target(profile="nosuch").region_name
    aws_config.write_text(CONFIG + "[profile nosuch]\nregion = ap-east-1\n")
    assert settings.Target(profile="nosuch").region_name == "ap-east-1"
    memo = settings.state_dir() / "cache" / region_memo.FILE_NAME
    assert "ap-east-1" in memo.read_text()
    memo.write_text("{not json")
    region_memo._read_from = None  # as a new process would read it
    assert settings.Target(profile="nosuch").region_name == "ap-east-1"
