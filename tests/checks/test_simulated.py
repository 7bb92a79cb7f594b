"""Lines no program printed (a drill's stand-in for a controller the sandbox cannot run) are
marked simulated, and so is a finding that rests only on them: in the engine, in
`diagnose --json` (`"simulated": true`, present only then) and in the human output.

Stand-in: none; the real catalog and engine, lines from the catalog's samples.
"""

from __future__ import annotations

import json

import pytest

from checks.engine import load_default_engine
from petstore_tui.commands.diagnose import finding_json

DENIED = ("User: arn:aws:sts::123456789012:assumed-role/ctrl/1 is not authorized to perform: "
          "elasticloadbalancing:AddTags on resource: arn:aws:elasticloadbalancing:us-east-1:123456789012:"
          "loadbalancer/app/k8s-petstore/*")
CRASH = ["Traceback (most recent call last):", '  File "/app/petstore/__init__.py", line 3, in <module>',
         "    from flask import Flask",
         "ImportError: cannot import name 'url_quote' from 'werkzeug.urls' (/opt/venv/werkzeug/urls.py)"]


@pytest.fixture
def engine():
    return load_default_engine(acks=False)


def _feed(engine, line: str, simulated: bool = False):
    engine.feed(line, source="alb-controller", resource="drill", simulated=simulated)
    engine.flush()
    return [f for f in engine.findings() if f.failure_id == "alb-controller-addtags-denied"]


def test_a_finding_on_simulated_lines_only_is_simulated(engine):
    (finding,) = _feed(engine, DENIED, simulated=True)
    assert finding.simulated
    assert finding_json(finding)["simulated"] is True


def test_one_printed_line_makes_it_real(engine):
    _feed(engine, DENIED, simulated=True)
    (finding,) = _feed(engine, DENIED.replace("ctrl/1", "ctrl/2"))
    assert not finding.simulated and finding.count == 2
    assert finding_json(finding)["simulated"] is False


def test_printed_first_then_simulated_stays_real(engine):
    _feed(engine, DENIED)
    (finding,) = _feed(engine, DENIED, simulated=True)
    assert not finding.simulated and finding.count == 2


def test_simulated_and_printed_lines_never_group_into_one_event(engine):
    """A traceback fed as simulated and one printed on the same stream stay two events,
    each finding keeping its own mark."""
    for line in CRASH:
        engine.feed(line, source="app", resource="pod/a", simulated=True)
    engine.flush()
    (simulated,) = engine.findings()
    assert simulated.simulated and simulated.count == 1
    for line in CRASH:
        engine.feed(line, source="app", resource="pod/b")
    engine.flush()
    by_resource = {f.resource: f for f in engine.findings()}
    assert by_resource["pod/a"].simulated and not by_resource["pod/b"].simulated


def test_probe_findings_are_real(engine):
    """A live probe's result (add_finding) is evidence from the real AWS state: folded
    into a simulated finding of the same resource, it makes it real."""
    from checks.model import Finding, Severity

    (finding,) = _feed(engine, DENIED, simulated=True)
    assert finding.simulated and finding.resource == "ctrl"  # the entry's resource pattern
    entry = engine.by_id["alb-controller-addtags-denied"]
    merged = engine.add_finding(Finding(entry.id, entry.title, Severity.ERROR, "ctrl", "probe:x",
                                        evidence=["lacks AddTags"]))
    assert merged is finding and not merged.simulated


def test_human_output_marks_it(engine, capsys):
    from petstore_tui.commands.diagnose import _print_human
    from petstore_tui.services.log_scan import ScanReport

    _feed(engine, DENIED, simulated=True)
    _print_human(engine, engine.findings(), ScanReport(sources=["drill:x"]), 0.1)
    out = capsys.readouterr().out
    assert "[simulated: fed by a drill, printed by no program in this run]" in out
    json.dumps(finding_json(engine.findings()[0]))  # serialisable


def test_every_finding_carries_the_key_a_probe_finding_too(engine):
    """`diagnose --json`: a probe's finding had no `simulated` key at all (operator review),
    so `finding["simulated"]` in a CI script raised KeyError on exactly the findings that
    are real. Every finding carries it, as it carries `acknowledged`. Stand-in: a probe
    finding made as checks/probes make them."""
    from checks.model import Finding, Severity

    entry = engine.by_id["alb-controller-addtags-denied"]
    probe = Finding(entry.id, entry.title, Severity.ERROR, "ctrl", "probe:cluster.controller-policy",
                    evidence=["lacks AddTags"])
    assert finding_json(probe, entry)["simulated"] is False
