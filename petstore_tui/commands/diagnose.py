"""`petstore-tui diagnose`: find known failures in logs (files, stdin) or in the live cluster."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable

from petstore_core.words import counted
from petstore_tui.commands.catalog import add_catalog_option
from petstore_tui.commands.log_paths import log_file_problem

JSON_VERSION = 1
SEVERITIES = ("critical", "error", "warning", "info")
SOURCES = ("any", "alb-controller", "app", "k8s-events", "pod-status", "terraform",
           "image-build", "kubectl", "helm", "aws")  # checks.model.Source, without importing it


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH|-",
                        help="log files to scan; - reads stdin (the default when stdin is piped)")
    parser.add_argument("--live", action="store_true",
                        help="read the cluster and AWS: pods, events, recent logs of the app and "
                             "of the Load Balancer Controller, and the live probes")
    parser.add_argument("--json", action="store_true", help="machine-readable output (docs/diagnose-json.md)")
    parser.add_argument("--ignore", action="append", default=[], metavar="ID[:RESOURCE]",
                        help="hide a finding in this run (repeatable); see also `petstore-tui ack`")
    # a metavar: the ten choices in braces ran the usage line to 125 columns
    parser.add_argument("--source", choices=SOURCES, default="any", metavar="SOURCE",
                        help=f"what the files are (limits the catalog to entries seen there): {', '.join(SOURCES)}")
    parser.add_argument("--min-severity", choices=SEVERITIES, default="info",
                        help="report findings at this severity or worse")
    parser.add_argument("--matcher", choices=("auto", "hyperscan", "python"), default=None,
                        help="signature matcher (default: $PETSTORE_TUI_MATCHER, else the best available)")

    add_catalog_option(parser)


def ends_at_once(args: argparse.Namespace) -> bool:
    """Whether the process may end without the interpreter's teardown once the report
    is out (petstore_tui/cli.py): reading files and stdin leaves nothing to clean up; the
    live scan's clients may (threads, temporary credentials), so it ends as usual."""
    return not args.live


def run(args: argparse.Namespace, target) -> int:
    # start-up: `diagnose --help` does not load these
    from petstore_core.redact import redact

    def fail(message: str) -> int:
        print(f"petstore-tui diagnose: {redact(message)}", file=sys.stderr)
        return 2

    paths = list(args.paths)
    if not paths and not args.live:
        if sys.stdin is None or sys.stdin.isatty():
            return fail("give log files, - for stdin, or --live (see --help)")
        paths = ["-"]
    problems = [_path_problem(p) for p in paths]
    problems = [p for p in problems if p]
    if problems:
        for problem in problems:
            print(f"petstore-tui diagnose: {redact(problem)}", file=sys.stderr)
        return 2

    # start-up: `diagnose --help` does not load these
    from checks.acks import AckError
    from checks.catalog_entry import CatalogError
    from checks.engine import load_default_engine  # start-up
    from petstore_tui.commands.diagnose_progress import note_progress  # start-up
    from petstore_tui.services.log_scan import ScanReport, scan_paths  # start-up

    stop_note = note_a_slow_load(sys.stderr, getattr(args, "catalog", ()), args.matcher)
    try:
        engine = load_default_engine(args.matcher, ignore=args.ignore, catalog_dirs=getattr(args, "catalog", ()))
    except (CatalogError, AckError, ValueError) as exc:
        return fail(str(exc))
    finally:
        stop_note()
    unknown = sorted({i.partition(":")[0] for i in args.ignore} - set(engine.by_id))
    if unknown:
        return fail(f"--ignore names unknown catalog {'id' if len(unknown) == 1 else 'ids'}: {', '.join(unknown)}")

    started = time.monotonic()
    report = ScanReport()
    interrupted = False
    end_progress = note_progress(sys.stderr, engine, paths) if paths else (lambda: None)
    try:
        if paths:
            scan_paths(engine, paths, args.source, report)
        end_progress()
        if args.live:
            # start-up: the cluster scan brings the kubernetes client; only --live loads it
            from petstore_tui.commands.diagnose_live import scan_live_sources

            scan_live_sources(engine, target, report)
    except KeyboardInterrupt:
        # Ctrl-C on a long scan (`tail -f app.log | diagnose -`): what was found so far is
        # what the operator stopped it for. Reported, marked partial, and exit 130 still.
        interrupted = True
    finally:
        end_progress()
    elapsed = time.monotonic() - started

    rank = {s: i for i, s in enumerate(reversed(SEVERITIES))}
    floor = rank[args.min_severity]
    findings = [f for f in engine.findings(include_acknowledged=True) if f.severity.rank >= floor]
    serious = [f for f in findings if not f.acknowledged and f.severity.rank >= rank["error"]]
    if interrupted:
        status = 130  # as any interrupted command: never read as an all-clear
    elif report.errors and not report.sources:
        status = 2
    elif serious:
        status = 1
    else:
        # an empty source (a `kubectl logs` that failed into the file or the pipe) was not
        # checked: "nothing found" there is no all-clear (EMPTY_EXIT, as `fix list`'s 3)
        status = EMPTY_EXIT if report.empty else 0
    if args.json:
        _print_json(engine, findings, report, status, elapsed, target if args.live else None, interrupted)
    else:
        _print_human(engine, findings, report, elapsed, interrupted, target)
    for name in report.empty:  # said on stderr too: a CI job may keep only the exit status and stderr
        print(f"petstore-tui diagnose: {redact(empty_note(name))}", file=sys.stderr)
    if interrupted:
        print(f"petstore-tui diagnose: interrupted: the report is partial, it covers only the "
              f"{counted(engine.lines_read, 'line')} read before", file=sys.stderr)
    return status


# some source was empty and nothing worse was found: incomplete, as `fix list`'s 3
EMPTY_EXIT = 3


def empty_note(source: str) -> str:
    """What the report says of a source that held no line (`file:PATH` or `stdin`)."""
    name = source.removeprefix("file:")
    return f"{name} was empty: nothing in it was checked (did the command that wrote it fail?)"


# A warm engine loads in well under a second; past this, the catalog is being compiled.
SLOW_LOAD_AFTER = 1.0
SLOW_LOAD_NOTE = ("petstore-tui diagnose: compiling the catalog's signatures (once per catalog and "
                  "machine, then cached): seconds, a minute on a busy machine")


def note_a_slow_load(stream, catalog_dirs=(), matcher: str | None = None) -> Callable[[], None]:
    """On a terminal, say why a first run is silent: in a state folder without the
    catalog's compiled form, at once and before the compile starts (it takes 35 s of CPU,
    minutes under load: docs/knowledge/hyperscan-builds.md, which looks like a hang);
    otherwise after SLOW_LOAD_AFTER seconds of a load that should take less. Piped or
    redirected output stays exactly the report. Returns the call that cancels it."""
    from petstore_tui.commands.diagnose_progress import on_a_terminal  # start-up: with its note

    if not on_a_terminal(stream):
        return lambda: None
    # start-up: only a terminal run asks whether the compile is cached
    from checks.engine.warm import COMPILING, FIRST_RUN, READY, catalog_state

    try:
        state = catalog_state(catalog_dirs, matcher=matcher)
    except Exception:  # noqa: BLE001 - the engine's own load says what is wrong with the catalog
        state = READY
    if state != READY:
        print("petstore-tui diagnose: " + (
            "another petstore-tui is compiling the catalog; waiting for it (then cached)" if state == COMPILING
            else f"compiling the catalog first: {FIRST_RUN}"), file=stream, flush=True)
        return lambda: None
    import threading  # start-up: only a terminal run waits on a timer

    timer = threading.Timer(SLOW_LOAD_AFTER, lambda: print(SLOW_LOAD_NOTE, file=stream, flush=True))
    timer.daemon = True  # never keeps the process alive
    timer.start()
    return timer.cancel


def _path_problem(path: str) -> str:
    if path == "-":
        if getattr(sys.stdin, "buffer", None) is None:  # Python's stdin when descriptor 0 is closed (`<&-`)
            return "-: stdin is closed: nothing to read (pipe the log in, or give log files)"
        return ""
    return log_file_problem(path, "give log files, or - for stdin", "{command} | petstore-tui diagnose -")


# ------------------------------------------------------------------ output
def _iso(stamp: float) -> str | None:
    if not stamp:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))


def finding_json(finding, entry=None) -> dict:
    """One finding as the JSON schema documents it (docs/diagnose-json.md)."""
    fix = finding.fix
    document = {
        "id": finding.failure_id,
        "title": finding.title,
        "severity": finding.severity.value,
        "resource": finding.resource,
        "source": finding.source,
        "count": finding.count,
        "first_seen": _iso(finding.first_seen),
        "last_seen": _iso(finding.last_seen),
        "evidence": list(finding.evidence),
        "explanation": finding.explanation,
        "fix": {
            "summary": fix.summary if fix else "",
            "steps": list(fix.steps) if fix else [],
            "commands": list(fix.commands) if fix else [],
            "files": list(fix.files) if fix else [],
        },
        "docs": list(entry.docs) if entry is not None else [],
        "details": finding.details,
        "acknowledged": finding.acknowledged,
        "simulated": bool(finding.simulated),  # every line it rests on was fed by a drill (see the doc)
        "recognition": {"kind": finding.recognised_as, "events": dict(finding.recognition)},
    }
    return document


def _print_json(engine, findings, report, status, elapsed, target, interrupted=False) -> None:
    # start-up: `diagnose --help` does not load these
    from petstore_core.redact import redact

    by_severity = {s: 0 for s in SEVERITIES}
    for f in findings:
        if not f.acknowledged:
            by_severity[f.severity.value] += 1
    document = {
        "version": JSON_VERSION,
        "generated_at": _iso(time.time()),
        "target": target.label if target is not None else None,
        "matcher": engine.matcher.name,
        "lines_read": engine.lines_read,
        "lines_cut": engine.lines_cut,
        "seconds": round(elapsed, 3),
        "findings": [finding_json(f, engine.by_id.get(f.failure_id)) for f in findings],
        "summary": {
            "total": len(findings),
            "acknowledged": sum(1 for f in findings if f.acknowledged),
            "by_severity": by_severity,
            "exit_status": status,
        },
        "sources": report.sources,
        "skipped": report.skipped,
        "errors": report.errors,
        "empty": report.empty,
    }
    if interrupted:  # only then: the scan was stopped, the findings are those read so far
        document["interrupted"] = True
    # every string was redacted on the way in; this pass catches what came from elsewhere
    # (string by string: a regex over the serialised text could eat a closing quote).
    # Evidence lines are the engine's own redact() output: not redacted a second time.
    done = {line: line for f in findings for line in f.evidence}
    print(json.dumps(_redact_strings(document, redact, done), indent=2, ensure_ascii=False))


def _redact_strings(value, redact, memo: dict[str, str] | None = None):
    """`value` with `redact` applied to every string in it. `redact` is a pure function
    and findings of one entry share their explanation and fix: each distinct string is
    redacted once (`memo`)."""
    if memo is None:
        memo = {}
    if isinstance(value, str):
        done = memo.get(value)
        if done is None:
            done = memo[value] = redact(value)
        return done
    if isinstance(value, dict):
        return {key: _redact_strings(item, redact, memo) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_strings(item, redact, memo) for item in value]
    return value


def cut_note(count: int) -> str:
    """What the human report says of the lines the engine matched only in part."""
    # start-up: `diagnose --help` does not load the engine (the scan has loaded it by now)
    from checks.engine.normalize import MAX_LINE

    many = count != 1
    return (f"note: {count:,} line{'s were' if many else ' was'} longer than {MAX_LINE // 1024} KiB: only the "
            f"first {MAX_LINE // 1024} KiB of {'each' if many else 'it'} {'were' if many else 'was'} searched")


class _Style:
    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


_SEVERITY_STYLE = {"critical": "1;97;41", "error": "1;31", "warning": "1;33", "info": "1;36"}


def _fields(fields: list[str], width: int) -> list[str]:
    """`fields` on lines of `width`, three spaces apart, each line indented two: a field
    is never cut (a long one stands alone on its line)."""
    lines = ["  " + fields[0]]
    for field in fields[1:]:
        if len(lines[-1]) + 3 + len(field) <= width:
            lines[-1] += "   " + field
        else:
            lines.append("  " + field)
    return lines


def _print_human(engine, findings, report, elapsed, interrupted=False, target=None) -> None:
    # start-up: `diagnose --help` does not load these
    from checks.model import recognition_text
    from petstore_core.kube import command_for_target, for_target
    from petstore_core.paragraph import terminal_width, wrap
    from petstore_core.redact import redact

    out = sys.stdout
    style = _Style(out.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb")
    # the width of the stream the report goes to ($COLUMNS first; 80 when piped), as the
    # rest of the CLI wraps (petstore_core/paragraph.py); 40 keeps a step's text readable
    width = max(40, terminal_width(out))
    shown = [f for f in findings if not f.acknowledged]
    hidden = len(findings) - len(shown)
    lines: list[str] = []
    for f in shown:
        entry = engine.by_id.get(f.failure_id)
        sev = f.severity.value.upper()
        # wrapped on the plain text, styled line by line: escape codes count no columns
        title = wrap(f.title, width - 9)
        lines.append(f"{style(f'{sev:<8}', _SEVERITY_STYLE[f.severity.value])} {style(title[0], '1')}")
        lines.extend(" " * 9 + style(part, "1") for part in title[1:])
        if f.simulated:
            mark = "[simulated: fed by a drill, printed by no program in this run]"
            if 9 + len(title[-1]) + 1 + len(mark) > width:  # the title's last line is 9 + its text
                lines.append(" " * 9 + style(mark, "2"))
            else:
                lines[-1] += " " + style(mark, "2")
        seen = counted(f.count, "time")
        if f.first_seen and f.last_seen:
            first, last = _iso(f.first_seen), _iso(f.last_seen)
            seen += f", {first}" + (f" to {last}" if last != first else "")
        lines.extend(_fields([f"id: {f.failure_id}", f"resource: {f.resource or '-'}", f"source: {f.source}",
                              f"seen {seen}"], width))
        if f.recognised_as:
            lines.append(f"  recognised by: {recognition_text(f)}")
        actions = f.details.get("actions") or []
        if actions:
            releases = f.details.get("releases") or {}
            named = [f"{a} (needed since controller {releases[a]})" if a in releases else a for a in actions]
            lines.extend(wrap(f"denied action{'s' if len(actions) > 1 else ''}: " + ", ".join(named), width,
                              first="  ", hang="    "))
        if f.evidence:
            lines.append("  evidence:")
            for item in f.evidence:
                for line in item.splitlines():
                    lines.append("    " + style("| ", "2") + line)
        if f.explanation:
            lines.append("  why:")
            lines.extend(wrap(f.explanation, width - 4, first="    ", hang="    "))
        if f.fix is not None:
            summary = wrap(f.fix.summary, width - 7)
            lines.append(f"  fix: {style(summary[0], '1')}")
            lines.extend("       " + style(part, "1") for part in summary[1:])
            for number, step in enumerate(f.fix.steps, 1):
                lines.extend(wrap(for_target(step, target), width - 7, first=f"    {number}. ", hang="       "))
            for command in f.fix.commands:  # kubectl ones with the operator's --context
                lines.append("    $ " + command_for_target(command, target))
            if f.fix.files:
                lines.extend(wrap("files: " + ", ".join(f.fix.files), width, first="    ", hang="      "))
        if entry is not None and entry.docs:
            docs = "  docs: " + " ".join(entry.docs)
            # an address is never cut: past the width, one a line
            lines.extend([docs] if len(docs) <= width else ["  docs:"] + ["    " + doc for doc in entry.docs])
        lines.append("")
    counts = {s: sum(1 for f in shown if f.severity.value == s) for s in SEVERITIES}
    parts = [f"{n} {s}" for s, n in counts.items() if n]
    where = f"{counted(engine.lines_read, 'line')} from {counted(len(report.sources), 'source')}"
    if shown:
        summary = f"{counted(len(shown), 'finding')} ({', '.join(parts)}) in {where}"
    elif report.empty and len(report.empty) == len(report.sources):
        summary = f"nothing checked: {'every source was' if len(report.empty) > 1 else 'the source was'} empty"
    else:
        summary = f"no known failures found in {where}"
    if report.empty and len(report.empty) < len(report.sources):
        summary += f"; {len(report.empty)} of them empty, not checked"
    if hidden:
        summary += f"; {hidden} acknowledged or ignored, not shown (petstore-tui ack --list)"
    if interrupted:
        summary = style("PARTIAL (interrupted):", "1;33") + " " + summary
    lines.append(summary + f" ({elapsed:.2f} s)")
    if engine.lines_cut:
        lines.append(cut_note(engine.lines_cut))
    for item in report.empty:
        lines.append(style("empty: ", "1;33") + empty_note(item))
    for item in report.skipped:
        lines.append(f"skipped: {item}")
    for item in report.errors:
        lines.append(style("error: ", "1;31") + item)
    out.write(redact("\n".join(lines)) + "\n")
    out.flush()
