"""The Markdown incident report: target, timeline, findings with evidence and fixes."""

from __future__ import annotations

import time
from pathlib import Path

from checks.model import Finding
from petstore_core import settings
from petstore_core.kube import command_for_target, for_target
from petstore_core.private_file import write_private
from petstore_core.redact import redact
from petstore_core.settings import Target
from petstore_core.words import counted


def _utc(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(ts)) if ts else "unknown"


def default_report_path(report_dir: Path | None, now: float) -> Path:
    if report_dir is None:
        report_dir = settings.state_dir() / "reports"
    return report_dir / time.strftime("incident-%Y%m%d-%H%M%S.md", time.gmtime(now))


def render_report(target: Target, findings: list[Finding], timeline: list[tuple[float, str]],
                  sources: list[str], now: float, unavailable: list[tuple[str, str]] = ()) -> str:
    """The report an on-call engineer pastes into the incident channel. Everything redacted.
    `sources`: the ones followed; `unavailable`: (title, why) of those that could not be."""
    out: list[str] = [
        f"# Incident report: {target.cluster_name}",
        "",
        f"- Target: {target.label}",
        f"- Written: {_utc(now)}",
        f"- Sources followed: {', '.join(sources) or 'none'}",
        *([f"- Sources not available: {'; '.join(f'{title} ({why})' for title, why in unavailable)}"]
          if unavailable else []),
        f"- Findings: {len(findings)}"
        + (f" (worst: {findings[0].severity.value})" if findings else ""),
        "",
        "## Timeline",
        "",
    ]
    out += [f"- {_utc(ts)} {text}" for ts, text in sorted(timeline, key=lambda item: item[0])]
    if not timeline:
        out.append("- (nothing recorded)")
    out += ["", "## Findings", ""]
    if not findings:
        out.append("No known failure was seen.")
    for finding in findings:
        out += [
            f"### [{finding.severity.value}] {finding.title}",
            "",
            f"- Id: `{finding.failure_id}`",
            f"- Resource: {finding.resource or 'unknown'}",
            f"- Source: {finding.source}",
            f"- Seen: {counted(finding.count, 'time')}, first {_utc(finding.first_seen)}, "
            f"last {_utc(finding.last_seen)}",
            "",
        ]
        if finding.explanation:
            out += [finding.explanation.strip(), ""]
        if finding.evidence:
            out += ["Evidence:", "", "```text", *finding.evidence[:5], "```", ""]
        if finding.fix:
            out += [f"**Fix:** {finding.fix.summary}", ""]
            out += [f"{i}. {for_target(step, target)}" for i, step in enumerate(finding.fix.steps, 1)]
            if finding.fix.steps:
                out.append("")
            if finding.fix.commands:
                out += ["```sh", *(command_for_target(c, target) for c in finding.fix.commands), "```", ""]
            if finding.fix.files:
                out += ["Files: " + ", ".join(f"`{f}`" for f in finding.fix.files), ""]
    return "\n".join(redact(line) for line in out).rstrip() + "\n"


def write_report_file(path: Path, text: str) -> Path:
    """The report at `path`, readable by its owner only (0600, like the journals: its
    evidence is redacted, but what redaction missed stays private); never over a file that
    exists (a log, an older report): FileExistsError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_private(path, text, exclusive=True)
