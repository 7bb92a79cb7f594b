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
