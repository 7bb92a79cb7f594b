"""Every output path against the secret corpus: the TUI log view, findings and evidence,
the Markdown report, `diagnose --json` and its human output, the runbook's events and
journal, preflight output, and TUI screenshots. Each output is also scanned by
detect-secrets, which must find nothing.

The stand-in catalog (tests/secrets/catalog) makes every line a finding of its own, so
every corpus line reaches the evidence and resource fields."""

from __future__ import annotations

import json
from pathlib import Path

from checks.catalog_loader import load_catalog
from checks.engine import Engine
from checks.model import CheckResult, Finding, Fix, Severity
from tests.secrets import corpus
from tests.secrets.corpus import SHAPES, detect_secrets, leaks

CATALOG = Path(__file__).with_name("catalog")
TEXT = "\n\n".join(s.text for s in SHAPES)


def _finding_text(findings: list[Finding]) -> str:
    return "\n".join([f.resource for f in findings] + [e for f in findings for e in f.evidence])


def _every_line_reached(findings: list[Finding], share: float = 0.9) -> None:
    """The stand-in catalog really put the corpus into the output under test (a share of
    its distinct lines: some are alike, and a file groups continuation lines)."""
    assert len(findings) >= len(set(corpus.lines())) * share, len(findings)


def test_evidence_line_by_line(tmp_path):
    """Stand-in: the catch-all catalog; the engine fed one line at a time (the live path)."""
    engine = Engine(load_catalog(CATALOG))
    for n, line in enumerate(corpus.lines()):
        engine.feed(line, source="app", resource=f"line-{n}")
        engine.flush()
    findings = engine.findings()
    _every_line_reached(findings)
    text = _finding_text(findings)
    assert not leaks(text, stateless=True)
    assert detect_secrets(text, tmp_path) == []


def test_evidence_of_a_scanned_file(tmp_path):
    """Stand-in: the catch-all catalog; the corpus as one file through the bulk scan
    (multi-line events, long lines cut to a window around the match)."""
    engine = Engine(load_catalog(CATALOG))
    engine.scan_bytes(TEXT.encode(), source="any", resource="corpus.log")
    text = _finding_text(engine.findings())
    assert not leaks(text, stateless=True)
    assert detect_secrets(text, tmp_path) == []


def test_markdown_report(tmp_path):
    """Stand-in: findings of the catch-all catalog plus one built by hand with the raw
    corpus as evidence, explanation and fix; the corpus lines as the timeline."""
    from petstore_core.settings import Target
    from petstore_tui.reports import render_report

    engine = Engine(load_catalog(CATALOG))
    for line in corpus.lines():
        engine.feed(line, source="app")
        engine.flush()
    raw = Finding("by-hand", "raw corpus", Severity.ERROR, "x", "app", evidence=[s.text for s in SHAPES[:5]],
                  explanation=TEXT, fix=Fix(TEXT[:500], steps=tuple(corpus.lines()[:20]),
                                            commands=tuple(corpus.lines()[20:40])))
    timeline = [(1_790_000_000.0 + n, line) for n, line in enumerate(corpus.lines())]
    report = render_report(Target(sandbox=True), [raw, *engine.findings()], timeline, ["App pods"],
                           1_790_000_000.0)
    assert "## Timeline" in report and "secret-shape-seen" in report
    assert not leaks(report, stateless=True)
    assert detect_secrets(report, tmp_path, "report.md") == []


def _diagnose(args: list[str], monkeypatch, capsys) -> str:
    from petstore_tui import cli

    monkeypatch.setenv("PETSTORE_TUI_CATALOG", str(CATALOG))
    code = cli.main(["diagnose", *args])
    out = capsys.readouterr()
    assert code == 1, out.err
    return out.out + out.err


def test_diagnose_json_and_human_output(tmp_path, monkeypatch, capsys):
    """Stand-in: the catch-all catalog; the corpus written to a log file, one event a line."""
    log = tmp_path / "corpus.log"
    log.write_text("\n".join(line.strip() for line in corpus.lines()) + "\n")
    document = _diagnose(["--json", str(log)], monkeypatch, capsys)
    findings = json.loads(document)["findings"]
    _every_line_reached([Finding(f["id"], "", Severity.ERROR, f["resource"], "") for f in findings], 0.6)
    human = _diagnose([str(log)], monkeypatch, capsys)
    assert "secret-shape-seen" in human
    for name, text in (("diagnose.json", document), ("diagnose.txt", human)):
        assert not leaks(text, stateless=True), name
        assert detect_secrets(text, tmp_path, name) == [], name


async def test_runbook_events_and_journal(tmp_path):
    """Stand-in: a synthetic step that prints the corpus line by line (a key across
    lines included), fails with it in its message and returns it as outputs."""
    from petstore_core import settings
    from petstore_tui.events import StepFinished, StepOutput
    from petstore_tui.runbook.deploy import Runbook
    from petstore_tui.runbook.journal import journal_path
    from petstore_tui.runbook.model import Step
    from petstore_tui.runbook.runner import Runner

    target = settings.Target(sandbox=True)

    async def leaky(ctx):
        from petstore_tui.runbook.model import done

        for line in corpus.lines():
            ctx.emit(line)
        return done(TEXT[:2000], **{f"output_{n}": s.text for n, s in enumerate(SHAPES)})

    events = [e async for e in Runner(target, Runbook("deploy", [Step("leak", "Leak", leaky)]),
                                      engine_factory=None).run()]
    shown = "\n".join([e.line for e in events if isinstance(e, StepOutput)]
                      + [e.summary for e in events if isinstance(e, StepFinished)])
    assert len([e for e in events if isinstance(e, StepOutput)]) == len(corpus.lines())
    assert not leaks(shown), [line for line in shown.splitlines() if leaks(line)]
    journal = journal_path(target).read_text()
    assert f"output_{len(SHAPES) - 1}" in journal
    assert not leaks(journal)
    for name, text in (("events.log", shown), ("journal.json", journal)):
        assert detect_secrets(text, tmp_path, name) == [], name


def test_preflight_json_and_table(monkeypatch, capsys, tmp_path):
    """Stand-in: one fake check per corpus shape, failing with the shape in its summary,
    detail and fix, in place of checks.preflight.registry.ALL_CHECKS."""
    from checks.preflight import registry
    from checks.preflight.base import Check
    from petstore_tui import cli

    def make(shape):
        class Leaky(Check):
            id = f"leak.{shape.shape}"
            group = "config"
            title = shape.shape

            async def run(self, ctx) -> CheckResult:
                first = shape.text.splitlines()[0]
                return self.failed(f"found {first}", detail=shape.text, fix=f"rotate {shape.text}")
        return Leaky

    monkeypatch.setattr(registry, "ALL_CHECKS", tuple(make(s) for s in SHAPES))
    outputs = {}
    for name, args in (("preflight.json", ["--json"]), ("preflight.txt", [])):
        assert cli.main(["preflight", *args]) == 1
        outputs[name] = capsys.readouterr().out
    assert len(json.loads(outputs["preflight.json"])["results"]) == len(SHAPES)
    for name, text in outputs.items():
        assert not leaks(text), name
        assert detect_secrets(text, tmp_path, name) == [], name


async def test_tui_log_view_findings_report_and_screenshot(tmp_path):
    """Stand-ins: the corpus as two pods' interleaved followed logs (lines_source), the
    catch-all catalog's real engine. What the log view draws and copies, every finding's
    detail pane, the exported report and a screenshot of the panel hold no secret."""
    from textual.selection import Selection

    from petstore_tui.app import PetstoreApp
    from petstore_tui.widgets.detail import FindingDetail
    from petstore_tui.widgets.log_view import LogView
    from tests.tui import fakes

    lines = []
    for n, line in enumerate(corpus.lines()):
        lines += [f"[pod/petstore-1/app] {line}", f"[pod/petstore-2/app] GET /api/v1/pets {n} 200"]
    engine = Engine(load_catalog(CATALOG))
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(lines, "pods")], engine=engine,
                                     report_dir=tmp_path), initial="troubleshoot")
    async with app.run_test(size=(220, 80)) as pilot:
        log = app.screen.query_one(LogView)
        for _ in range(300):  # bounded: each round one short pause
            if len(log.lines) == len(lines) and len(engine.findings()) >= len(set(corpus.lines())) * 0.9:
                break
            await pilot.pause(0.02)
        assert len(log.lines) == len(lines)
        drawn = "\n".join(log.visible_lines())
        copied = log.get_selection(Selection(None, None))  # a drag over every line
        detail = app.screen.query_one(FindingDetail)
        panes = []
        for finding in engine.findings():
            detail.show(finding)
            panes.append(detail.plain)
        await app.workers.wait_for_complete([app.screen.write_report(tmp_path / "report.md")])
        screenshot = app.export_screenshot()
    outputs = {"view.log": drawn, "copied.log": copied[0], "detail.txt": "\n".join(panes),
               "report.md": (tmp_path / "report.md").read_text(), "screen.svg": screenshot}
    assert "GET /api/v1/pets 7 200" in drawn  # the other pod's lines are untouched
    for name, text in outputs.items():
        assert not leaks(text), (name, [line for line in text.splitlines() if leaks(line)][:3])
        assert detect_secrets(text, tmp_path, name) == [], name


def test_stored_tui_snapshots_hold_no_secret(tmp_path):
    """Stand-in: none; the snapshot files the TUI tests compare against, as committed."""
    folder = Path(__file__).resolve().parents[1] / "tui" / "__snapshots__"
    svgs = sorted(folder.rglob("*.svg"))
    assert svgs
    for svg in svgs:
        text = svg.read_text()
        assert "hunter2" not in text and not leaks(text), svg.name
        assert detect_secrets(text, tmp_path, svg.name) == [], svg.name


def test_evidence_window_never_cuts_a_secret_in_half(tmp_path):
    """Stand-in: a one-entry catalog matching `deploy failed`; long lines whose 400-byte
    evidence window would start inside a GitHub token and end inside an AWS secret key
    (a piece of either is too short for redaction to recognise)."""
    from checks.model import KnownFailure, Source

    entry = KnownFailure("deploy-failed", "deploy failed", Severity.ERROR, (Source.ANY,),
                         (r"deploy\s+failed",), "test", Fix("none"))
    token = "ghp_wdJNPcTRUFQQom3niyzhSzlGr7Kn93MnrB9g"
    secret = "ZDo7uR60dIRqITxh7BmiGAj4uDPuhV1C1vVsw987"
    for shift in range(0, 40, 3):
        # the window starts 100 bytes before the match and ends 300 bytes after it
        line = (f"{'a' * 200} {'b' * (70 + shift)}{token} {'c' * (28 - shift % 28)} deploy failed "
                f"{'d' * (270 - shift)} {secret} {'e' * 300}")
        engine = Engine([entry])
        engine.feed(line, source="app")
        engine.flush()
        [finding] = engine.findings()
        text = "\n".join(finding.evidence)
        assert "deploy failed" in text
        pieces = [s[i:i + 8] for s in (token[4:], secret) for i in range(len(s) - 8)]
        assert not [p for p in pieces if p in text], (shift, text)
        assert detect_secrets(text, tmp_path) == []
