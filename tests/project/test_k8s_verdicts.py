"""The strict-schema verdicts kept in the state folder (checks/project/k8s_verdicts.py): answered again without validating, and validated afresh whenever the object, the schema version or the validating code differ. Stand-ins: none (kubernetes-validate's bundled schemas); a check that must not run is replaced by one that fails the test."""

from __future__ import annotations

import json

import pytest

from checks.project import k8s_rules, k8s_verdicts
from checks.project.k8s_verdicts import Verdicts
from tests.project.test_k8s_rules import DEPLOYMENT, SERVICE, changed

BAD_PORT = changed(SERVICE, "spec.ports.0.port", "eighty")


def _learn(cache) -> list:
    verdicts = Verdicts(cache)
    found = [verdicts.schema_violations(obj, "1.35.0") for obj in (DEPLOYMENT, BAD_PORT)]
    verdicts.save()
    return found


def test_a_verdict_is_answered_again_without_validating(tmp_path, monkeypatch):
    first = _learn(tmp_path)
    assert first[0] == [] and "not of type 'integer'" in first[1][0].message
    monkeypatch.setattr(k8s_rules, "schema_violations", lambda obj, version: pytest.fail("validated again"))
    monkeypatch.setattr(k8s_rules, "schema_version", lambda wanted: pytest.fail("asked the library again"))
    again = Verdicts(tmp_path)
    assert [again.schema_violations(obj, "1.35.0") for obj in (DEPLOYMENT, BAD_PORT)] == first


def test_schema_version_is_remembered_per_wanted_version(tmp_path, monkeypatch):
    verdicts = Verdicts(tmp_path)
    assert verdicts.schema_version("1.35") == ("1.35.0", "")
    newest = verdicts.schema_version("1.99")
    verdicts.save()
    monkeypatch.setattr(k8s_rules, "schema_version", lambda wanted: pytest.fail("asked the library again"))
    assert Verdicts(tmp_path).schema_version("1.99") == newest


def test_another_object_or_version_is_validated(tmp_path):
    _learn(tmp_path)
    verdicts = Verdicts(tmp_path)
    fixed = changed(BAD_PORT, "spec.ports.0.port", 80)
    assert verdicts.schema_violations(fixed, "1.35.0") == []  # validated: it passes
    older = k8s_rules.schema_version("1.29")[0]
    assert older != "1.35.0" and verdicts.schema_violations(BAD_PORT, older) and verdicts.learnt


def test_other_validating_code_forgets_every_verdict(tmp_path, monkeypatch):
    _learn(tmp_path)
    stored = json.loads((tmp_path / k8s_verdicts.FILE).read_text())
    stored["objects"] = {key: [] for key in stored["objects"]}  # what an older code said
    (tmp_path / k8s_verdicts.FILE).write_text(json.dumps(stored))
    assert Verdicts(tmp_path).schema_violations(BAD_PORT, "1.35.0") == []  # believed while the code is the same
    monkeypatch.setattr(k8s_verdicts, "code_stamp", lambda: stored["stamp"] + "|upgraded")
    assert Verdicts(tmp_path).schema_violations(BAD_PORT, "1.35.0")  # another install: validated again


def test_the_code_stamp_follows_an_edit_of_the_rules(tmp_path, monkeypatch):
    rules = tmp_path / "k8s_rules.py"
    rules.write_text("# rules\n")
    monkeypatch.setattr(k8s_rules, "__file__", str(rules))
    before = k8s_verdicts.code_stamp()
    rules.write_text("# rules, edited\n")
    assert k8s_verdicts.code_stamp() != before


@pytest.mark.parametrize("content", ["{not json", "[]", '{"stamp": "s", "objects": 7}',
                                     '{"stamp": "s", "objects": {"k": "x"}, "versions": []}'])
def test_a_damaged_file_means_validating_afresh(tmp_path, monkeypatch, content):
    monkeypatch.setattr(k8s_verdicts, "code_stamp", lambda: "s")
    (tmp_path / k8s_verdicts.FILE).write_text(content)
    assert "not of type 'integer'" in Verdicts(tmp_path).schema_violations(BAD_PORT, "1.35.0")[0].message


def test_nothing_is_written_without_a_state_folder():
    verdicts = Verdicts(None)
    assert verdicts.schema_violations(BAD_PORT, "1.35.0")
    verdicts.save()
