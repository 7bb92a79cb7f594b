"""`petstore-tui diagnose` and `petstore-tui ack` end to end through cli.main."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from petstore_tui import cli

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"
DENIAL = ("2026-11-27T10:00:01Z AccessDenied: User: arn:aws:sts::123456789012:assumed-role/"
          "petstore-alb-controller/1700 is not authorized to perform: elasticloadbalancing:AddTags "
          "on resource: arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/k8s/abc "
          "postgresql://petstore:s3cr3tpass@db:5432/petstore\n")
IMPORT_ERROR = "ImportError: cannot import name 'url_quote' from 'werkzeug.urls'\n"


@pytest.fixture(autouse=True)
def fixture_catalog(monkeypatch):
    """Stand-in: the two-entry fixture catalog instead of checks/catalog."""
    monkeypatch.setenv("PETSTORE_TUI_CATALOG", str(FIXTURES))


def run(capsys, *argv: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        fake = io.TextIOWrapper(io.BytesIO(stdin))
        fake.isatty = lambda: False  # type: ignore[method-assign]
        old = sys.stdin
        sys.stdin = fake
    try:
        code = cli.main(list(argv))
    finally:
        if stdin is not None:
            sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, data: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(path)


def test_nothing_found_exits_0(tmp_path, capsys):
    """Stand-in: a healthy log file."""
    code, out, err = run(capsys, "diagnose", write(tmp_path, "ok.log", "GET /api/v1/health 200\n" * 50))
    assert code == 0, err
    assert "no known failures found in 50 lines" in out


def test_error_finding_exits_1_and_shows_evidence_and_fix(tmp_path, capsys):
    """Stand-in: a controller log with one denial (and a database password in it)."""
    code, out, err = run(capsys, "diagnose", write(tmp_path, "ctrl.log", DENIAL))
    assert code == 1, err
    assert "denied elasticloadbalancing:AddTags" in out
    assert "denied action: elasticloadbalancing:AddTags (needed since controller v2.5.0)" in out
    assert "fix: Attach the controller's published policy" in out
    assert "$ aws iam create-policy-version" in out
    assert "s3cr3tpass" not in out and "petstore:****@db" in out
    assert "\x1b[" not in out  # not a terminal: no colour


def test_json_schema(tmp_path, capsys):
    """Stand-in: two log files, one with a denial, one with a traceback."""
    a = write(tmp_path, "a.log", DENIAL * 3)
    b = write(tmp_path, "b.log", "Traceback (most recent call last):\n  File 'x'\n" + IMPORT_ERROR)
    code, out, err = run(capsys, "diagnose", "--json", a, b)
    assert code == 1, err
    doc = json.loads(out)
    assert doc["version"] == 1
    assert doc["sources"] == [f"file:{a}", f"file:{b}"]
    assert doc["errors"] == []
    assert doc["lines_read"] == 6
    assert doc["summary"]["by_severity"] == {"critical": 1, "error": 1, "warning": 0, "info": 0}
    first, second = doc["findings"]
    assert first["id"] == "fixture-werkzeug-url-quote" and first["resource"] == b
    assert second["id"] == "fixture-addtags-denied" and second["count"] == 3
    assert set(second) == {"id", "title", "severity", "resource", "source", "count", "first_seen",
                           "last_seen", "evidence", "explanation", "fix", "docs", "details", "acknowledged",
                           "simulated", "recognition"}
    assert set(second["fix"]) == {"summary", "steps", "commands", "files"}
    assert second["recognition"] == {"kind": "known", "events": {"known": 3}}
    assert second["first_seen"] == "2026-11-27T10:00:01Z"
    assert second["details"]["release"] == "v2.5.0"
    assert "s3cr3tpass" not in out


def test_stdin_is_read_with_dash_and_when_piped(capsys):
    """Stand-in: stdin replaced by a pipe-like binary stream."""
    code, out, _ = run(capsys, "diagnose", "-", stdin=IMPORT_ERROR.encode())
    assert code == 1 and "url_quote" in out and "resource: stdin" in out
    code, out, _ = run(capsys, "diagnose", "--json", stdin=IMPORT_ERROR.encode())
    assert code == 1 and json.loads(out)["sources"] == ["stdin"]


@pytest.mark.parametrize("kind", ["directory", "missing"])
def test_bad_paths_exit_2_with_a_message(tmp_path, capsys, kind):
    """Stand-in: a temp directory, a path that does not exist."""
    path = str(tmp_path) if kind == "directory" else str(tmp_path / "nope.log")
    code, out, err = run(capsys, "diagnose", path)
    assert code == 2
    assert ("is a directory" if kind == "directory" else "no such file") in err
    assert "Traceback" not in err + out


def test_live_that_reads_nothing_is_not_an_all_clear(tmp_path, capsys):
    """Stand-in: none: a real target with no kubeconfig at the given path and no AWS
    credentials (the conftest empties them), so neither the cluster nor any probe answers.
    "no known failures" with exit 0 would tell on-call all is well; it is exit 2."""
    code, out, err = run(capsys, "--region", "eu-west-1", "--kubeconfig", str(tmp_path / "none"),
                         "diagnose", "--live", "--json")
    document = json.loads(out)
    assert code == 2 and document["summary"]["exit_status"] == 2, (document["sources"], document["errors"])
    assert document["sources"] == [] and any("no kubeconfig" in e for e in document["errors"])


def test_garbage_input_is_survived(tmp_path, capsys):
    """Stand-in: invalid UTF-8, NUL bytes and a 10 MB line in one file."""
    data = b"\xff\xfe\x00garbage\x00\n" + b"y" * (10 * 1024 * 1024) + b"\n" + IMPORT_ERROR.encode()
    code, out, err = run(capsys, "diagnose", "--json", write(tmp_path, "junk.log", data))
    assert code == 1, err
    doc = json.loads(out)
    assert [f["id"] for f in doc["findings"]] == ["fixture-werkzeug-url-quote"]
    assert doc["lines_read"] == 3


@pytest.mark.parametrize("compress", ["gzip", "bz2", "xz"])
def test_a_compressed_log_is_refused_not_an_all_clear(tmp_path, capsys, compress):
    """A rotated log (app.log.1.gz) holding the crash: read as bytes it gave "no known
    failures found in 5 lines", exit 0 (found by the operator review). Refused, exit 2,
    saying how to give its text. Stand-ins: the stdlib's compressors."""
    import bz2
    import gzip
    import lzma

    data = {"gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[compress](
        ("GET /api/v1/pets 200\n" * 3 + IMPORT_ERROR).encode())
    path = write(tmp_path, "app.log.1.z", data)
    code, out, err = run(capsys, "diagnose", path)
    assert code == 2 and not out, out
    tool = {"gzip": "gzip", "bz2": "bzip2", "xz": "xz"}[compress]
    assert f"{path}: {compress}-compressed" in err and f"{tool} -dc {path} | petstore-tui diagnose -" in err, err


def test_ignore_hides_a_finding_but_json_counts_it(tmp_path, capsys):
    """Stand-in: a log with one error-level denial."""
    path = write(tmp_path, "ctrl.log", DENIAL)
    code, out, _ = run(capsys, "diagnose", "--ignore", "fixture-addtags-denied:petstore-alb-controller", path)
    assert code == 0
    assert "no known failures" in out and "1 acknowledged or ignored" in out
    code, out, _ = run(capsys, "diagnose", "--json", "--ignore", "fixture-addtags-denied", path)
    doc = json.loads(out)
    assert code == 0 and doc["findings"][0]["acknowledged"] is True
    assert doc["summary"]["acknowledged"] == 1


def test_unknown_ignore_id_is_a_usage_error(tmp_path, capsys):
    """Stand-in: a healthy log."""
    code, _, err = run(capsys, "diagnose", "--ignore", "no-such-id", write(tmp_path, "a.log", "x\n"))
    assert code == 2 and "no-such-id" in err


def test_min_severity_and_source(tmp_path, capsys):
    """Stand-in: one log with an error and a critical finding."""
    path = write(tmp_path, "mixed.log", DENIAL + IMPORT_ERROR)
    code, out, _ = run(capsys, "diagnose", "--json", "--min-severity", "critical", path)
    assert code == 1 and [f["id"] for f in json.loads(out)["findings"]] == ["fixture-werkzeug-url-quote"]
    code, out, _ = run(capsys, "diagnose", "--json", "--source", "terraform", path)
    assert code == 0 and json.loads(out)["findings"] == []  # neither entry is seen in terraform output


def test_both_matchers_give_the_same_json(tmp_path, capsys, monkeypatch):
    """Stand-in: one mixed log; PETSTORE_TUI_MATCHER switches the matcher."""
    pytest.importorskip("hyperscan")
    path = write(tmp_path, "mixed.log", (DENIAL + "ok\n" + IMPORT_ERROR) * 20)
    docs = []
    for kind in ("python", "hyperscan"):
        monkeypatch.setenv("PETSTORE_TUI_MATCHER", kind)
        _, out, _ = run(capsys, "diagnose", "--json", path)
        doc = json.loads(out)
        assert doc["matcher"] == kind
        docs.append([(f["id"], f["resource"], f["count"], f["evidence"]) for f in doc["findings"]])
    assert docs[0] == docs[1] and docs[0]


def test_no_input_on_a_terminal_is_a_usage_error(capsys, monkeypatch):
    """Stand-in: stdin that claims to be a terminal."""
    fake = io.StringIO()
    fake.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", fake)
    code, _, err = run(capsys, "diagnose")
    assert code == 2 and "--live" in err


def test_broken_catalog_is_a_clear_error(tmp_path, capsys, monkeypatch):
    """Stand-in: a catalog folder whose only entry lacks its failure.yaml."""
    (tmp_path / "cat" / "broken-entry").mkdir(parents=True)
    monkeypatch.setenv("PETSTORE_TUI_CATALOG", str(tmp_path / "cat"))
    code, _, err = run(capsys, "diagnose", write(tmp_path, "a.log", "x\n"))
    assert code == 2 and "failure.yaml: missing" in err


def test_ack_add_list_remove_and_diagnose_honours_it(tmp_path, capsys, monkeypatch):
    """Stand-in: a temp state folder (conftest) holding acks.json."""
    monkeypatch.setenv("USER", "alice")
    path = write(tmp_path, "ctrl.log", DENIAL)
    code, out, _ = run(capsys, "ack", "fixture-addtags-denied:petstore-alb-controller",
                       "--reason", "policy PR 12 in review")
    assert code == 0 and "by alice" in out
    code, out, _ = run(capsys, "ack", "--list")
    assert "fixture-addtags-denied:petstore-alb-controller\tby alice" in out
    code, out, _ = run(capsys, "diagnose", path)
    assert code == 0 and "1 acknowledged" in out
    code, out, _ = run(capsys, "ack", "--remove", "fixture-addtags-denied:petstore-alb-controller")
    assert code == 0
    code, _, _ = run(capsys, "diagnose", path)
    assert code == 1


def test_ack_refuses_unknown_ids_and_missing_reason(capsys):
    """Stand-in: the fixture catalog."""
    code, _, err = run(capsys, "ack", "no-such-id", "--reason", "x")
    assert code == 2 and "unknown catalog id" in err
    code, _, err = run(capsys, "ack", "fixture-addtags-denied")
    assert code == 2 and "reason is required" in err


@pytest.mark.parametrize("extra", [["--remove", "fixture-addtags-denied"], ["fixture-addtags-denied"],
                                   ["--reason", "x"], ["--by", "bob"]])
def test_list_with_anything_else_is_refused_not_ignored(capsys, extra):
    """`ack --list --remove ID` listed and removed nothing, exit 0: the operator believed it
    removed. Every other word beside --list is refused (exit 2), and nothing changes.
    Stand-in: a temp state folder (conftest) holding acks.json."""
    assert run(capsys, "ack", "fixture-addtags-denied", "--reason", "policy PR 12")[0] == 0
    code, out, err = run(capsys, "ack", "--list", *extra)
    assert code == 2 and not out and "--list takes nothing else" in err, out + err
    assert "fixture-addtags-denied" in run(capsys, "ack", "--list")[1]


@pytest.mark.parametrize("spelled", ["fixture-addtags-denied:", "fixture-addtags-denied:  "])
def test_an_empty_resource_is_refused_not_widened_to_every_resource(tmp_path, capsys, spelled):
    """`ack ID:$RESOURCE` with the variable unset (or `--ignore ID:`) acknowledged every
    resource of ID: CI then passed on findings nobody meant to accept (found by the
    operator review). Refused, nothing stored. Stand-in: a temp state folder (conftest)."""
    code, _, err = run(capsys, "ack", spelled, "--reason", "subnet being retired")
    assert code == 2 and "empty resource" in err, err
    assert run(capsys, "ack", "--list")[1].strip() == "no acknowledgements"
    code, _, err = run(capsys, "diagnose", "--ignore", spelled, write(tmp_path, "ctrl.log", DENIAL))
    assert code == 2 and "empty resource" in err, err


def test_json_stays_valid_whatever_the_evidence_holds(tmp_path, capsys):
    """Stand-in: a denial line carrying quote-adjacent secrets and control characters."""
    line = DENIAL.rstrip("\n") + ' docker login --password hunter2", {"token": "abc"} \x07\x1b[0m\n'
    code, out, _ = run(capsys, "diagnose", "--json", write(tmp_path, "a.log", line))
    doc = json.loads(out)
    assert code == 1 and doc["findings"][0]["count"] == 1
    assert "hunter2" not in out and '"abc"' not in out


def test_colour_only_on_a_terminal(tmp_path, capsys, monkeypatch):
    """Stand-in: sys.stdout replaced by a buffer that says it is a terminal."""
    path = write(tmp_path, "ctrl.log", DENIAL)

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for no_color, expect in (("", True), ("1", False)):
        monkeypatch.setenv("NO_COLOR", no_color)
        monkeypatch.setenv("TERM", "xterm")
        fake = Terminal()
        monkeypatch.setattr(sys, "stdout", fake)
        assert cli.main(["diagnose", path]) == 1
        assert ("\x1b[1;31m" in fake.getvalue()) is expect


def test_json_output_is_redacted_through_and_through(tmp_path, capsys):
    """Stand-in: a log whose evidence holds a database password. The JSON pass leaves the
    engine's already redacted evidence as it is: redacting the whole document once more
    must change nothing, and the password is nowhere."""
    from petstore_core.redact import redact
    from petstore_tui.commands.diagnose import _redact_strings

    log = write(tmp_path, "mixed.log", DENIAL * 3 + IMPORT_ERROR + DENIAL.replace("1700", "1800"))
    code, out, err = run(capsys, "diagnose", "--json", log)
    assert code == 1, err
    document = json.loads(out)
    assert "s3cr3tpass" not in out and any("****" in e for f in document["findings"] for e in f["evidence"])
    assert _redact_strings(document, redact) == document


def test_a_file_acknowledgement_holds_however_the_path_is_spelled(tmp_path, capsys, monkeypatch):
    """Stand-in: a temp state folder (conftest); the fixture catalog's import-error entry,
    whose resource is the file the line came from."""
    write(tmp_path, "incident.log", IMPORT_ERROR)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "diagnose", "--json", "incident.log")
    finding = json.loads(out)["findings"][0]
    assert code == 1 and finding["resource"] == str(tmp_path / "incident.log")
    code, out, _ = run(capsys, "ack", f"{finding['id']}:incident.log", "--reason", "known, fix in review")
    assert code == 0 and str(tmp_path / "incident.log") in out
    for spelling in ("incident.log", "./incident.log", str(tmp_path / "incident.log")):
        code, out, _ = run(capsys, "diagnose", spelling)
        assert code == 0 and "1 acknowledged" in out, spelling
    code, _, _ = run(capsys, "ack", "--remove", f"{finding['id']}:./incident.log")
    assert code == 0
    code, _, _ = run(capsys, "diagnose", "incident.log")
    assert code == 1


@pytest.mark.parametrize("as_json", [False, True])
def test_lines_longer_than_what_is_searched_are_reported(tmp_path, capsys, as_json):
    """Stand-in: a minified JSON log (two records of 100 KB on one line each, a denial at
    the end of one) and a short line. Only the first 64 KiB of a line is searched: the
    report says how many lines were cut, in both outputs, and says nothing of it when
    no line was."""
    record = '{"msg":"' + "a" * 100_000 + '","error":"' + DENIAL.strip().replace('"', "'") + '"}'
    path = write(tmp_path, "min.json", record + "\n" + record + "\nshort\n")
    argv = ["diagnose", *(["--json"] if as_json else []), path]
    code, out, err = run(capsys, *argv)
    assert code == 0, err  # the denial lies past the first 64 KiB of its line
    if as_json:
        assert json.loads(out)["lines_cut"] == 2
    else:
        assert "note: 2 lines were longer than 64 KiB: only the first 64 KiB of each were searched" in out
    code, out, err = run(capsys, *argv[:-1], write(tmp_path, "ok.log", "short\n" * 3))
    if as_json:
        assert json.loads(out)["lines_cut"] == 0
    else:
        assert "note:" not in out and "64 KiB" not in out


class _InterruptedPipe(io.BytesIO):
    """Stand-in for `cat big.log | diagnose -` stopped with Ctrl-C: the pipe gives what
    was written so far, then the next read raises KeyboardInterrupt, as Python's SIGINT
    handler does in a process blocked on its stdin."""

    def read1(self, size: int = -1) -> bytes:
        data = super().read1(size)
        if not data:
            raise KeyboardInterrupt
        return data

    read = read1


@pytest.mark.parametrize("as_json", [False, True])
def test_an_interrupted_scan_reports_what_it_found_marked_partial(capsys, as_json):
    """Ctrl-C on a long stdin scan: the findings of the lines read so far, marked
    partial, and exit 130 (interrupted) rather than 0 or 1. It printed only
    `interrupted` and dropped them (found by the operator review)."""
    healthy = "".join(f"2026-11-27T10:00:{i % 60:02d}Z GET /api/v1/pets 200\n" for i in range(200))
    fake = io.TextIOWrapper(_InterruptedPipe((DENIAL + healthy).encode()))
    fake.isatty = lambda: False  # type: ignore[method-assign]
    old, sys.stdin = sys.stdin, fake
    try:
        code = cli.main(["diagnose", "-", *(["--json"] if as_json else [])])
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    assert code == 130
    assert "interrupted" in err and "partial" in err
    if as_json:
        document = json.loads(out)
        assert document["interrupted"] is True
        assert document["summary"]["exit_status"] == 130
        assert [f["id"] for f in document["findings"]] == ["fixture-addtags-denied"]
        assert document["sources"] == ["stdin"]
    else:
        assert "denied elasticloadbalancing:AddTags" in out
        last = out.strip().splitlines()[-1]
        assert last.startswith("PARTIAL (interrupted):") and "1 finding (1 error)" in last, last


def test_a_finished_scan_says_nothing_of_an_interruption(capsys):
    """The field is only there when the scan was stopped (fields are only added)."""
    code, out, _ = run(capsys, "diagnose", "--json", "-", stdin=DENIAL.encode())
    assert code == 1 and "interrupted" not in json.loads(out)


def why_lines(out: str) -> list[str]:
    """The lines of each finding's wrapped explanation (between "  why:" and "  fix:")."""
    lines, inside = [], False
    for line in out.splitlines():
        if line.startswith("  ") and not line.startswith("    "):
            inside = line == "  why:"
        elif inside:
            lines.append(line)
    return lines


@pytest.mark.parametrize("columns, width", [("60", 60), ("", 80)])
def test_the_report_wraps_at_the_width_of_its_stream(tmp_path, capsys, monkeypatch, columns, width):
    """Stand-in: $COLUMNS set (a 60-column terminal) or unset with stdout piped (80, not
    a fixed 100: the explanation no longer wraps twice on an 80-column terminal)."""
    monkeypatch.setenv("COLUMNS", columns)
    code, out, err = run(capsys, "diagnose", write(tmp_path, "ctrl.log", DENIAL))
    assert code == 1, err
    why = why_lines(out)
    assert why and all(len(line) <= width for line in why), why
    assert " ".join(line.strip() for line in why).startswith("The controller's role lacks elasticloadbalancing:AddTags")


def test_every_line_of_the_report_but_evidence_and_commands_fits_the_width(tmp_path, capsys, monkeypatch):
    """Stand-in: a 60-column terminal ($COLUMNS). The title, the id/resource/source/seen
    line and the fix's summary wrap too (before, only the explanation and steps did, and
    the fix's summary ran to 76 columns); evidence, commands and addresses stay whole."""
    monkeypatch.setenv("COLUMNS", "60")
    code, out, err = run(capsys, "diagnose", write(tmp_path, "ctrl.log", DENIAL))
    assert code == 1, err
    long = [line for line in out.splitlines() if len(line) > 60 and not line.startswith(("    | ", "    $ "))
            and " " in line.strip()]  # an address alone on its line is never cut
    assert not long, long
    assert "fix: Attach the controller's published policy" in out
    assert "resource: " in out and "source: " in out and "seen 1 time" in out


def test_an_empty_file_is_not_an_all_clear(tmp_path, capsys):
    """Stand-in: an empty file, as `kubectl logs ... > app.log` leaves it when kubectl
    fails. It read "no known failures found in 0 lines from 1 source", exit 0: the
    all-clear. Exit 3 (incomplete), the file named as empty, in the text and in --json."""
    path = write(tmp_path, "app.log", "")
    code, out, err = run(capsys, "diagnose", path)
    assert code == 3, (out, err)
    assert "no known failures found" not in out, out
    assert f"{path} was empty" in out and f"{path} was empty" in err, (out, err)
    code, out, err = run(capsys, "diagnose", "--json", path)
    document = json.loads(out)
    assert code == 3 and document["summary"]["exit_status"] == 3
    assert document["empty"] == [f"file:{path}"] and document["sources"] == [f"file:{path}"]


def test_a_pipe_that_carried_nothing_is_not_an_all_clear(capsys):
    """Stand-in: an empty stdin, as `kubectl logs ... | petstore-tui diagnose -` gets it
    when kubectl fails upstream."""
    code, out, err = run(capsys, "diagnose", "-", stdin=b"")
    assert code == 3 and "stdin was empty" in out and "stdin was empty" in err, (out, err)
    code, out, _ = run(capsys, "diagnose", "--json", stdin=b"")
    assert code == 3 and json.loads(out)["empty"] == ["stdin"]


def test_the_empty_ones_of_several_sources_are_named_and_the_rest_scanned(tmp_path, capsys):
    """Stand-ins: an empty controller log beside a healthy app log (exit 3: the controller
    was not checked), then beside an app log with the crash (exit 1: the answer is "no"
    whatever else was empty, and the empty one is still named)."""
    empty = write(tmp_path, "controller.log", "")
    healthy = write(tmp_path, "app.log", "GET /api/v1/health 200\n" * 5)
    code, out, err = run(capsys, "diagnose", empty, healthy)
    assert code == 3, (out, err)
    assert f"{empty} was empty" in out and healthy + " was empty" not in out, out
    assert "in 5 lines from 2 sources" in out, out
    crash = write(tmp_path, "crash.log", IMPORT_ERROR)
    code, out, err = run(capsys, "diagnose", "--json", healthy, empty, crash)
    document = json.loads(out)
    assert code == 1 and document["summary"]["exit_status"] == 1, err
    assert document["empty"] == [f"file:{empty}"]
    assert [f["id"] for f in document["findings"]] == ["fixture-werkzeug-url-quote"]
    assert f"{empty} was empty" in err


def test_a_file_with_lines_has_no_empty_field_entry(tmp_path, capsys):
    code, out, _ = run(capsys, "diagnose", "--json", write(tmp_path, "ok.log", "GET / 200\n"))
    assert code == 0 and json.loads(out)["empty"] == []


# A fix step written as the built-in ones are (alb-controller-policy-outdated: a path
# with hyphens, a command with options inside the prose), in a catalog entry of its own.
STEP = ("Find the controller version that runs (kubectl get deployment -n kube-system "
        "aws-load-balancer-controller -o jsonpath={.spec}), then download its policy and replace "
        "terraform/policies/aws-load-balancer-controller.json with it; kubectl or helm could not "
        "open a connection to the cluster otherwise.")
WIDGET = f"""\
id: widget-exploded
title: Widget exploded
severity: error
sources: [app]
signatures: ['widget\\s+exploded']
explanation: "{STEP}"
fix: {{summary: Replace the widget., steps: ["{STEP}"]}}
"""


@pytest.mark.parametrize("columns", [60, 80])
def test_the_report_keeps_paths_and_commands_whole_as_preflight_does(tmp_path, capsys, monkeypatch, columns):
    """Stand-in: a user catalog entry (--catalog) whose explanation and fix step hold a
    hyphenated path and a command. The report's step broke the path at its hyphens
    ("aws-load-" / "balancer-controller.json") and the command between its options,
    where preflight's report kept both whole: one wrap now (petstore_core/paragraph.py)."""
    folder = tmp_path / "mine" / "widget-exploded"
    (folder / "positive").mkdir(parents=True)
    (folder / "negative").mkdir()
    (folder / "failure.yaml").write_text(WIDGET)
    (folder / "positive" / "one.log").write_text("# source: written for this test\nERROR widget exploded\n")
    (folder / "negative" / "one.log").write_text("# source: written for this test\nINFO widget fine\n")
    monkeypatch.setenv("COLUMNS", str(columns))
    code, out, err = run(capsys, "diagnose", "--catalog", str(tmp_path / "mine"),
                         write(tmp_path, "app.log", "ERROR widget exploded\n"))
    assert code == 1, err
    words = [line.strip() for line in out.splitlines()]
    assert any(w.endswith("terraform/policies/aws-load-balancer-controller.json with it;")
               or w.startswith("terraform/policies/aws-load-balancer-controller.json") for w in words), out
    assert not any(w.endswith("aws-load-") for w in words), out
    assert any("kubectl get deployment -n kube-system" in w for w in words), out
    # prose that starts with a program's name is no command: it wraps within the width
    assert all(len(line) <= columns for line in out.splitlines()
               if "kubectl or helm" in line or "open a connection" in line), out


def test_diagnose_and_preflight_wrap_through_one_function(tmp_path, capsys, monkeypatch):
    """Both text reports call petstore_core.paragraph.wrap (stand-in: a recorder around it)."""
    from checks.model import CheckResult, Status
    from petstore_core import paragraph
    from petstore_core.settings import Target
    from petstore_tui.commands.preflight import print_table

    real = paragraph.wrap
    calls: list[str] = []

    def recorder(text, *args, **kwargs):
        calls.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(paragraph, "wrap", recorder)
    code, _, err = run(capsys, "diagnose", write(tmp_path, "ctrl.log", DENIAL))
    assert code == 1 and any(c.startswith("The controller's role lacks") for c in calls), err
    calls.clear()
    print_table([CheckResult(id="aws.region", group="aws", status=Status.FAIL, summary="no AWS region",
                             fix="pass --region")], Target(), 0.1, colour=False)
    assert "no AWS region" in calls and "fix: pass --region" in calls


@pytest.mark.parametrize("argv", [["-"], ["--json", "-"]])
def test_a_closed_stdin_is_a_usage_error_not_an_internal_one(capsys, monkeypatch, argv):
    """Stand-in: sys.stdin None, as Python leaves it when the descriptor is closed
    (`petstore-tui diagnose - <&-` in a CI step). It read "internal error: AttributeError:
    'NoneType' object has no attribute 'buffer'"."""
    monkeypatch.setattr(sys, "stdin", None)
    code, out, err = run(capsys, "diagnose", *argv)
    assert code == 2 and not out, out
    assert "stdin is closed" in err and "internal error" not in err, err


def test_the_help_fits_80_columns(capsys, monkeypatch):
    """Stand-in: $COLUMNS 80. --source's ten choices, written in braces by argparse, ran
    the usage and the option's line to 125 columns; they are listed in its help instead."""
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit):
        cli.main(["diagnose", "--help"])
    out = capsys.readouterr().out
    assert all(len(line) <= 80 for line in out.splitlines()), [line for line in out.splitlines() if len(line) > 80]
    assert "alb-controller" in out and "image-build" in out
