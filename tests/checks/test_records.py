"""The shared value types (petstore_core/record.py) behave as the dataclasses they replace,
and the `diagnose` command's start no longer imports `dataclasses` (issue 14).

Stand-in: none; the real classes, and the real CLI as a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checks.acks import Ack
from checks.model import CheckResult, Finding, Fix, KnownFailure, Severity, Source, Status
from petstore_core.record import Default, FrozenRecordError, Record
from petstore_core.settings import Target
from petstore_tui.services.log_scan import ScanReport

REPO = Path(__file__).resolve().parents[2]


def _entry(**changes) -> KnownFailure:
    values = dict(id="x", title="X", severity=Severity.ERROR, sources=(Source.APP,), signatures=("boom",),
                  explanation="why", fix=Fix("do this", steps=("one",)))
    values.update(changes)
    return KnownFailure(**values)


def test_construction_by_position_and_keyword_with_defaults():
    fix = Fix("do this", ("one",))
    assert (fix.summary, fix.steps, fix.commands, fix.files) == ("do this", ("one",), (), ())
    finding = Finding("id", "title", Severity.ERROR, "pod", "app", count=3)
    assert (finding.count, finding.first_seen, finding.evidence, finding.fix, finding.acknowledged) == (
        3, 0.0, [], None, False)
    assert Target().namespace == "petstore" and Target(profile="p").profile == "p"
    assert ScanReport().sources == [] and Ack("a", None, "r", "me", 1.0).target == "a"


def test_a_default_factory_gives_each_record_its_own_list_and_dict():
    one, two = Finding("a", "A", Severity.INFO, "", "app"), Finding("a", "A", Severity.INFO, "", "app")
    one.evidence.append("line")
    one.details["k"] = 1
    assert two.evidence == [] and two.details == {}
    assert _entry().extra == {} and _entry().extra is not _entry().extra
    assert "evidence" not in Finding.__dict__  # no shared list left on the class


def test_bad_arguments_are_type_errors_as_with_dataclasses():
    with pytest.raises(TypeError, match="missing required argument 'summary'"):
        Fix()
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        Fix("s", colour="red")
    with pytest.raises(TypeError, match="multiple values"):
        Fix("s", summary="t")
    with pytest.raises(TypeError, match="positional arguments"):
        Fix("s", (), (), (), "one too many")
    with pytest.raises(TypeError, match="without a default follows"):
        class Broken(Record):  # noqa: F841 - defining it is the test
            a: int = 0
            b: int


def test_equality_hash_and_repr_over_the_fields_in_order():
    assert _entry() == _entry() and _entry() != _entry(title="Y")
    assert _entry(extra={"a": 1}) == _entry(extra={"a": 1})
    assert Fix("s") != ("s", (), (), ())  # another class is never equal
    assert hash(Fix("s", ("a",))) == hash(Fix("s", ("a",))) and len({Fix("s"), Fix("s"), Fix("t")}) == 2
    assert hash(Target(region="eu-west-1")) == hash(Target(region="eu-west-1"))
    assert repr(Fix("s")) == "Fix(summary='s', steps=(), commands=(), files=())"
    with pytest.raises(TypeError):  # mutable and equal by value: not a dict key, as a dataclass
        hash(Finding("a", "A", Severity.INFO, "", "app"))
    with pytest.raises(TypeError):
        hash(CheckResult("c", "tools", Status.PASS, "ok"))


def test_frozen_records_refuse_assignment_and_mutable_ones_take_it():
    target = Target(region="eu-west-1")
    with pytest.raises(FrozenRecordError):
        target.region = "us-east-1"
    with pytest.raises(AttributeError):  # what code catching the dataclass error expects
        del _entry().title
    assert Finding.__setattr__ is object.__setattr__  # no Python-level check on each assignment
    finding = Finding("a", "A", Severity.INFO, "", "app")
    finding.count += 1
    finding.acknowledged = True
    assert (finding.count, finding.acknowledged) == (2, True)


def test_replace_and_as_dict():
    target = Target(region="eu-west-1", sandbox=True)
    changed = target.with_(cluster="c")
    assert (changed.region, changed.sandbox, changed.cluster, target.cluster) == ("eu-west-1", True, "c", None)
    ack = Ack("a", "pod", "known", "me", 2.0)
    assert ack.as_dict() == {"id": "a", "resource": "pod", "reason": "known", "by": "me", "at": 2.0}
    with pytest.raises(TypeError):
        ack.replace(colour="red")


def test_default_marks_a_factory_only():
    class Bag(Record):
        items: list = Default(list)
        name: str = "bag"

    assert Bag().items == [] and Bag(["x"]).items == ["x"] and Bag.name == "bag"
    assert Bag.__match_args__ == ("items", "name")


def test_diagnose_json_starts_without_importing_dataclasses_or_textwrap(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("ImportError: cannot import name 'url_quote' from 'werkzeug.urls'\n")
    env = dict(os.environ, PETSTORE_TUI_HOME=str(tmp_path / "home"),
               PETSTORE_TUI_CATALOG=str(Path(__file__).parent / "fixtures" / "catalog"))
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "petstore_tui", "diagnose", "--json", str(log)],
                          cwd=REPO, env=env, capture_output=True, timeout=120)
    assert proc.returncode == 1, proc.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.decode().splitlines() if "|" in line}
    assert "checks.engine.core" in imported  # the scan's modules are all there
    assert "dataclasses" not in imported
    assert "textwrap" not in imported  # only the human report wraps text
    assert "typing" not in imported  # annotations only: `if TYPE_CHECKING` (~2 ms)


def test_a_denied_iam_action_names_its_release_without_importing_dataclasses(tmp_path):
    """The engine names the controller release behind a denied action (the release table,
    checks/alb_releases.py) without checks.alb_policy, whose policy reading imports
    `dataclasses`: every log holding IAM's denial paid that at start (~10 ms, issue 14)."""
    log = tmp_path / "controller.log"
    log.write_text('{"level":"error","msg":"Reconciler error","error":"AccessDenied: User: '
                   'arn:aws:sts::123456789012:assumed-role/lbc/1 is not authorized to perform: '
                   'elasticloadbalancing:AddTags on resource: arn:aws:elasticloadbalancing:eu-west-1:'
                   '123456789012:targetgroup/k8s-x/1"}\n')
    env = dict(os.environ, PETSTORE_TUI_HOME=str(tmp_path / "home"),
               PETSTORE_TUI_CATALOG=str(Path(__file__).parent / "fixtures" / "catalog"))
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "petstore_tui", "diagnose", "--json", str(log)],
                          cwd=REPO, env=env, capture_output=True, timeout=120)
    assert proc.returncode == 1, proc.stderr[-2000:]
    (finding,) = json.loads(proc.stdout)["findings"]
    assert finding["details"]["releases"] == {"elasticloadbalancing:AddTags": "v2.5.0"}
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.decode().splitlines() if "|" in line}
    assert "checks.alb_releases" in imported
    assert "checks.alb_policy" not in imported
    assert "dataclasses" not in imported


def test_alb_policy_gives_the_release_table_it_always_gave():
    from checks import alb_policy, alb_releases

    assert alb_policy.release_introducing is alb_releases.release_introducing
    assert alb_policy.required_actions() == alb_releases.required_actions()
    assert alb_policy.INSTALLED_RELEASE == alb_releases.INSTALLED_RELEASE
