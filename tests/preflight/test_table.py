"""`petstore-tui preflight`'s text report read as the operator sees it at 80 and 120 columns:
wrapped under the summary's column, addresses and commands whole, "as above" for a
prerequisite's message already printed in the section."""

from __future__ import annotations

import re

import pytest

from checks.model import CheckResult, Status
from petstore_core.settings import Target
from petstore_tui.commands.preflight import print_table

REGION = ("no AWS region: pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or set `region = ...` "
          "for the profile 'broken' in /tmp/pf27c/config")
REGION_FIX = "pass --region, set AWS_REGION, or set region in the profile"
NEEDS = "could not run (needs aws.region): "
URL = "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
UPDATE = "aws eks update-kubeconfig --name petstore-eks --region <region> --profile broken"
COMMAND = "aws configure --profile <name>"


def _cluster(check: str, detail: str = "") -> CheckResult:
    return CheckResult(id=f"cluster.{check}", group="cluster", status=Status.ERROR, summary=NEEDS + REGION,
                       detail=detail, fix=REGION_FIX)


# What `preflight --profile broken` printed (a source_profile that does not exist), cut to
# the lines that showed the defects
RESULTS = [
    CheckResult(id="tools.aws", group="tools", status=Status.WARN, summary="aws 1.45.11 (v1): v2 is recommended",
                detail="aws-cli/1.45.11 Python/3.11.7 Linux/6.18.44-fc-v1300 botocore/1.43.11",
                fix=f"install AWS CLI v2: {URL}"),
    CheckResult(id="aws.credentials", group="aws", status=Status.FAIL,
                summary='AWS error InvalidConfigError: The source_profile "nothere" referenced in the profile '
                        '"broken" does not exist.',
                fix=f"{COMMAND}, or aws sso login; then pass --profile or set AWS_PROFILE"),
    CheckResult(id="config.controller-service-account", group="config", status=Status.PASS,
                summary="ServiceAccount kube-system/aws-load-balancer-controller carries "
                        "eks.amazonaws.com/role-arn; Helm and the IRSA trust name it"),
    _cluster("status"), _cluster("version"),
    _cluster("api", detail=f"no kubeconfig at /root/.kube/config either; once the cluster exists, {UPDATE} writes it"),
    _cluster("ingressclass"), _cluster("service-account"),
]


def _table(monkeypatch, capsys, width: int, results=RESULTS) -> str:
    monkeypatch.setenv("COLUMNS", str(width))  # read first, as on a terminal of that width
    print_table(results, Target(profile="broken"), 0.3, colour=False)
    return capsys.readouterr().out


def _section(text: str, name: str) -> list[str]:
    return text.split(f"\n{name}\n", 1)[1].split("\n\n", 1)[0].splitlines()


@pytest.mark.parametrize("width", [80, 120])
def test_lines_fit_the_width_and_continue_under_the_summary(monkeypatch, capsys, width):
    """At 80 columns the report ran to ~150 and the terminal broke lines mid-word under the
    status column. Every line now fits, but for a word that cannot be cut (an address, a
    command, a long identifier), and every line after a check's first starts at its
    summary's column or further right."""
    text = _table(monkeypatch, capsys, width)
    whole = (URL, UPDATE, "kube-system/aws-load-balancer-controller")
    for line in text.splitlines()[1:]:  # the heading names the project folder
        assert len(line) <= width or any(word in line for word in whole), (width, line)
    for name in ("TOOLS", "AWS", "CONFIG", "CLUSTER"):
        lines = _section(text, name)
        column = re.match(r"  \S+ +\S+ +", lines[0]).end()  # "  FAIL  <id>  "
        for line in lines:
            if not re.match(r"  (ok|warn|FAIL|skip|ERROR) ", line):
                assert line[:column].strip() == "", (name, line)
    # the words of the summary are all there, in order, none cut
    assert " ".join(" ".join(_section(text, "AWS")).split()).startswith(
        'FAIL aws.credentials AWS error InvalidConfigError: The source_profile "nothere" referenced in the '
        'profile "broken" does not exist.')


@pytest.mark.parametrize("width", [40, 80, 120])
def test_addresses_and_commands_are_never_broken(monkeypatch, capsys, width):
    """An address and a shell command (its options and their values) stay on one line, so
    they can be copied whole, even where the line is narrower than they are."""
    text = _table(monkeypatch, capsys, width)
    for whole in (URL, UPDATE, COMMAND, "`region = ...`"):
        assert any(whole in line for line in text.splitlines()), (width, whole, text)


def test_json_is_not_wrapped(monkeypatch, capsys):
    """--json prints the results as they are: its text is never cut at the width."""
    from petstore_tui.commands.preflight import to_json

    data = to_json(RESULTS, Target(profile="broken"), 1, 0.3)
    assert [r["summary"] for r in data["results"]] == [r.summary for r in RESULTS]
    assert [r["fix"] for r in data["results"]] == [r.fix for r in RESULTS]


@pytest.mark.parametrize("width", [80, 120])
def test_a_repeated_cause_reads_as_above_after_a_different_line(monkeypatch, capsys, width):
    """CLUSTER after cluster.api (the same missing region plus a line about the kubeconfig):
    the next checks repeated the whole region message and its fix. The message and its fix
    are printed once in the section; every later check stopped by it says "as above", and
    cluster.api still says what is its own (the kubeconfig)."""
    lines = _section(_table(monkeypatch, capsys, width), "CLUSTER")
    text = " ".join(" ".join(lines).split())  # the words, wherever a line ends
    assert text.count("no AWS region") == 1 and text.count("fix:") == 1, text
    for check in ("version", "api", "ingressclass", "service-account"):
        [line] = [ln for ln in lines if f"cluster.{check} " in ln]
        assert line.endswith(NEEDS + "as above"), line
    assert "no kubeconfig at /root/.kube/config" in text


def test_as_above_is_said_only_within_a_section(monkeypatch, capsys):
    """The same message in another section is printed in full again: "above" would point
    into a section the reader may not have in view."""
    aws = CheckResult(id="aws.ec2", group="aws", status=Status.ERROR, summary=NEEDS + REGION, fix=REGION_FIX)
    text = " ".join(_table(monkeypatch, capsys, 80, results=[aws, _cluster("status"), _cluster("version")]).split())
    assert text.count("no AWS region") == 2 and text.count("as above") == 1, text
