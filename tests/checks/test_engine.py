"""The engine against the two fixture entries: normalisation, grouping, aggregation, both matchers."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest

from checks.catalog_loader import load_catalog
from checks.engine import Acks, Engine, HyperscanMatcher, PythonMatcher, load_default_engine
from checks.engine.grouping import Grouper
from checks.engine.literal_filter import DAMAGE
from checks.engine.literals import required_literals, required_sets
from checks.engine.matcher import compile_signature, hyperscan_available, make_matcher
from checks.engine.normalize import (
    MAX_LINE,
    damage_offsets,
    normalise,
    prepare_line,
    remove_noise,
    remove_noise_into,
)
from checks.model import Severity

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"
MATCHERS = ["python", pytest.param("hyperscan", marks=pytest.mark.skipif(
    not hyperscan_available(), reason="hyperscan is not installed"))]
DENIAL = (b"2026-11-27T10:00:01Z error AccessDenied: User: arn:aws:sts::123456789012:assumed-role/"
          b"petstore-alb-controller/1700 is not authorized to perform: elasticloadbalancing:AddTags "
          b"on resource: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-x/abc")
TRACEBACK = [
    b"[2026-11-27 10:00:00 +0000] [7] [ERROR] Exception in worker process",
    b"Traceback (most recent call last):",
    b'  File "/usr/local/lib/python3.11/site-packages/flask/app.py", line 30, in <module>',
    b"    from werkzeug.urls import url_quote",
    b"ImportError: cannot import name 'url_quote' from 'werkzeug.urls' (/x/urls.py)",
]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(FIXTURES)


@pytest.fixture(params=MATCHERS)
def engine(request, catalog, monkeypatch):
    """Stand-in: none; the real engine on the fixture catalog, once per matcher (chosen
    through $PETSTORE_TUI_MATCHER as the CLI does)."""
    monkeypatch.setenv("PETSTORE_TUI_MATCHER", request.param)
    built = Engine(catalog)
    assert built.matcher.name == request.param
    return built


def summary(engine):
    return sorted((f.failure_id, f.resource, f.count, tuple(f.evidence)) for f in engine.findings())


def test_one_denial_line_makes_one_finding_with_details(engine):
    """Stand-in: none (a controller denial line written after the real wording)."""
    changed = engine.feed(DENIAL, source="alb-controller", resource="pod/ctrl")
    assert changed == []  # the event stays open until the next line or flush
    changed = engine.flush()
    assert [f.failure_id for f in changed] == ["fixture-addtags-denied"]
    finding = changed[0]
    assert finding.resource == "petstore-alb-controller"  # from the entry's resource pattern
    assert finding.severity is Severity.ERROR
    assert finding.details["action"] == "elasticloadbalancing:AddTags"
    assert finding.details["release"] == "v2.5.0"
    assert finding.first_seen == 1795773601.0  # the line's own timestamp, UTC
    assert finding.source == "alb-controller"


def test_repeats_fold_into_one_finding_per_resource(engine):
    """Stand-in: none. Ten denials of one role and one of another."""
    for _ in range(10):
        engine.feed(DENIAL)
    engine.feed(DENIAL.replace(b"petstore-alb-controller", b"other-role"))
    engine.flush()
    counts = {(f.failure_id, f.resource): f.count for f in engine.findings()}
    assert counts == {("fixture-addtags-denied", "petstore-alb-controller"): 10,
                      ("fixture-addtags-denied", "other-role"): 1}
    first = engine.findings()[0]
    assert len(first.evidence) == 1  # identical evidence lines are not repeated


def test_evidence_is_capped_and_redacted(engine):
    """Stand-in: none. Denials each carrying a distinct fake access key id."""
    for i in range(8):
        engine.feed(DENIAL + f" request {i} key AKIAABCDEFGHIJKLMN{i:02d} token=hunter{i}".encode())
    engine.flush()
    finding = engine.findings()[0]
    assert finding.count == 8
    assert len(finding.evidence) == 5
    text = "\n".join(finding.evidence)
    assert "AKIAABCD****" in text and "IJKLMN" not in text
    assert "hunter" not in text
    assert finding.evidence[-1].endswith("token=****")


def test_resource_falls_back_to_the_stream_resource(engine):
    """Stand-in: none (a traceback from an app pod)."""
    engine.feed_many(TRACEBACK, source="app", resource="pod/petstore-1/app")
    engine.flush()
    [finding] = engine.findings()
    assert (finding.failure_id, finding.resource, finding.count) == (
        "fixture-werkzeug-url-quote", "pod/petstore-1/app", 1)
    assert finding.evidence == ["ImportError: cannot import name 'url_quote' from 'werkzeug.urls' (/x/urls.py)"]


def test_a_traceback_is_one_event():
    """Stand-in: none; the Grouper on a traceback between two ordinary lines."""
    grouper = Grouper()
    events = []
    for line in [b"before", *TRACEBACK[1:], b"after", b"  wrapped part of after"]:
        events.extend(grouper.push(line))
    events.extend(grouper.flush())
    assert events == [[b"before"], TRACEBACK[1:], [b"after", b"  wrapped part of after"]]


def test_kubectl_timestamps_do_not_break_tracebacks():
    """Stand-in: none; `kubectl logs --timestamps` puts a stamp before every line."""
    stamp = b"2026-11-27T10:00:00.123456789Z "
    grouper = Grouper()
    events = []
    for line in TRACEBACK[1:] + [b"next"]:
        events.extend(grouper.push(stamp + line))
    assert len(events) == 1 and len(events[0]) == 4


def test_wrapped_paste_matches_across_the_break(engine):
    """Stand-in: none (a paste that wrapped mid-message, with JSON-escaped quotes)."""
    engine.feed(b'{\\"error\\":\\"User: arn:aws:sts::1:assumed-role/r1/x is not authorized to perform:')
    engine.feed(b"      elasticloadbalancing:AddTags on resource\\\"}")
    engine.feed(b"next line")
    assert [(f.failure_id, f.resource) for f in engine.findings()] == [("fixture-addtags-denied", "r1")]


def _events(lines: list[bytes]) -> list[list[bytes]]:
    grouper = Grouper()
    events = []
    for line in lines:
        events.extend(grouper.push(prepare_line(line)))
    return events + grouper.flush()


@pytest.mark.parametrize("prefix", [
    b"taiga_1     | ",  # docker compose v1
    b"web-1  | ",  # docker compose v2
    b"May 15 23:09:27 ip-10-0-1-5 gunicorn[13842]: ",  # journald, syslog
    b"2026-11-27T10:00:00.123456789Z ",  # kubectl logs --timestamps
    b"[pod/petstore-1/app] ",  # kubectl logs --prefix
    b"> ",  # a Markdown quote
    b"> > ",
])
def test_prefixed_lines_group_as_bare_ones_and_lose_the_prefix(prefix):
    """Stand-in: none; a psycopg2 traceback with libpq's hint under the exception, each
    line behind a tool's prefix: one event, continuation lines without the prefix."""
    lines = [b"Traceback (most recent call last):", b'  File "/checkdb.py", line 14, in <module>',
             b"psycopg2.OperationalError: could not connect to server: Connection refused",
             b'\tIs the server running on host "postgres" (172.23.0.2) and accepting',
             b"\tTCP/IP connections on port 5432?", b"Failed to connect to database server."]
    events = _events([prefix + line for line in lines])
    assert events == [[prefix + lines[0], lines[1], prefix + lines[2], lines[3], lines[4]], [prefix + lines[5]]]


def test_line_number_gutters_are_not_indentation():
    """Stand-in: none; an editor's gutter before every line (` 1  `, `12 | `)."""
    events = _events([b" 1  Starting web UI...", b" 2  Traceback (most recent call last):",
                      b' 3    File "webapp.py", line 1, in <module>',
                      b" 4  ImportError: cannot import name 'url_quote' from 'werkzeug.urls'", b"10 | next"])
    assert [len(e) for e in events] == [1, 3, 1]
    assert events[1][1] == b'  File "webapp.py", line 1, in <module>'


def test_a_box_is_one_event_without_its_borders():
    """Stand-in: none; Terraform wraps a diagnostic's detail inside its `│` box (k9s
    panes double the border)."""
    events = _events(["╷", "│ Error: Duplicate variable declaration", "│ ",
                      '│ A variable named "x" was already declared at main.tf:1,1-13. Variable names',
                      "│ must be unique within a module.", "╵", "  ││ Warning  Failed  pull", "  ││ access denied"])
    assert [e.decode() for e in map(b"\n".join, events)] == [
        "╷", "│ Error: Duplicate variable declaration\n\n"
        'A variable named "x" was already declared at main.tf:1,1-13. Variable names\n'
        "must be unique within a module.", "╵", "  ││ Warning  Failed  pull\naccess denied"]


def _line_and_bulk(engine, data: bytes):
    """The findings of `data` fed line by line; the bulk path must find the same."""
    engine.feed_many(data.split(b"\n")[:-1])
    engine.flush()
    by_line = summary(engine)
    engine.reset()
    engine.scan_bytes(data)
    assert summary(engine) == by_line
    return by_line


def test_a_nested_box_drops_both_borders(engine):
    """Stand-in: none; rich's traceback (Python's `rich`, typer) draws a locals panel inside
    its box and wraps a value inside both, each line ending in right borders: the value
    reads on across the wrap, on both paths, with both matchers."""
    panel = ["│ ╭──────────── locals ────────────╮ │",
             "│ │   e = ClientError('x is not authorized to perform:  │ │",
             "│ │       elasticloadbalancing:AddTags on assumed-role/nested/1') │ │",
             "│ ╰─────────────────────────────────╯ │"]
    events = _events(panel[1:3])
    assert [e.decode() for e in map(b"\n".join, events)] == [
        "│ │   e = ClientError('x is not authorized to perform:\n"
        "      elasticloadbalancing:AddTags on assumed-role/nested/1')"]
    data = "\n".join(["start", *panel, "end"]).encode() + b"\n"
    assert [(f[0], f[1]) for f in _line_and_bulk(engine, data)] == [("fixture-addtags-denied", "nested")]


def test_one_json_record_a_line_reads_as_the_lines_printed(engine):
    """Stand-in: none; docker's json-file driver (and Fluent Bit, Filebeat) store each line
    of a container's output as a JSON record: a message wrapped onto an indented line
    still reads on, on both paths, with both matchers."""
    cut = DENIAL.index(b"elasticloadbalancing:AddTags")
    printed = [DENIAL[:cut].decode().rstrip(), "    " + DENIAL[cut:].decode(), "ok"]
    records = [json.dumps({"log": line + "\n", "stream": "stderr", "time": "2026-11-27T10:00:01.5Z"},
                          separators=(",", ":")) for line in printed]
    shipped = json.dumps({"@timestamp": "2026-11-27T10:00:01.5Z", "message": printed[1]})
    assert prepare_line(records[1]) == printed[1].encode() == prepare_line(shipped)
    data = "\n".join(["start", *records, "end"]).encode() + b"\n"
    assert [(f[0], f[1]) for f in _line_and_bulk(engine, data)] == [
        ("fixture-addtags-denied", "petstore-alb-controller")]


@pytest.mark.parametrize("kept", [
    '{"__type":"AccessDeniedException","message":"User: x is not authorized"}',  # an AWS error body
    '{"level":"error","ts":1700000000.5,"msg":"Reconciler error","error":"x"}',  # the controller's own JSON
    '{"log": not json}',
])
def test_json_that_is_no_shipped_record_is_left_as_it_is(kept):
    assert prepare_line(kept) == kept.encode()


def test_a_wrap_mark_joins_the_next_line():
    """Stand-in: none; a tool that marks where it folded a line (dhctl's `↵`)."""
    events = _events(["Error: DependencyViolation: The subnet 'subnet-1' has dependencies   ↵",
                      "and cannot be deleted.", "next"])
    assert events == [[b"Error: DependencyViolation: The subnet 'subnet-1' has dependencies",
                       b"and cannot be deleted."], [b"next"]]


def test_lines_cut_at_the_terminal_width_are_glued_back():
    """Stand-in: none; a message cut every 80 columns, inside words: the event holds the
    cut lines and, as one more line, the message glued back together."""
    message = (b"2016-02-10T06:56:03Z [INFO] Adding event change=ContainerChange: my-app -> STOPPED, "
               b"Reason CannotPullContainerError: Error: image my-app:1.0 not found, Known Sent: NONE")
    cut = [message[i:i + 80] for i in range(0, len(message), 80)]
    assert len(cut) == 3 and len(cut[-1]) < 80
    assert _events([*cut, b"after"]) == [[*cut, message], [b"after"]]
    assert _events([b"x" * 80, b"Traceback (most recent call last):"]) == [[b"x" * 80], [TRACEBACK[1]]]


def test_cut_and_prefixed_pastes_still_match(engine):
    """Stand-in: none; the fixture signatures across a cut at 80 columns, across compose
    prefixes and across a box border: found on both paths, with both matchers."""
    denial = DENIAL + b" because no identity-based policy allows the action"
    cut = [denial[i:i + 80] for i in range(0, len(denial), 80)]
    compose = [b"web-1  | ImportError: cannot import name 'url_quote'", b"web-1  |     from 'werkzeug.urls'"]
    box = ["│ Error: x is not authorized to perform:", "│ elasticloadbalancing:AddTags on assumed-role/boxed/1"]
    data = b"\n".join([b"start", *cut, b"between", *compose, *(line.encode() for line in box), b"end"]) + b"\n"
    engine.feed_many(data.split(b"\n")[:-1])
    engine.flush()
    by_line = summary(engine)
    engine.reset()
    engine.scan_bytes(data)
    assert [(f[0], f[1]) for f in by_line] == [("fixture-addtags-denied", "boxed"),
                                               ("fixture-addtags-denied", "petstore-alb-controller"),
                                               ("fixture-werkzeug-url-quote", "")]
    assert summary(engine) == by_line


@pytest.mark.parametrize("damaged", [
    "\x1b[31mImportError\x1b[0m: cannot import name 'url_quote' from 'werkzeug.urls'",
    "ImportError: cannot import name &#39;url_quote&#39; from &#39;werkzeug.urls&#39;",
    "ImportError: cannot import name ‘url_quote’ from ‘werkzeug.urls’",
    "ImportError:\u00a0cannot import name 'url_quote' from 'werkzeug.urls'\r",
    "Import\x00Error: cannot import name 'url_quote' from 'werkzeug.urls'",
    "ImportError: cannot import name \\u0027url_quote\\u0027 from \\u2018werkzeug.urls\\u2019",
])
def test_paste_damage_still_matches(engine, damaged):
    """Stand-in: none (ANSI colour, HTML entities, curly quotes, NBSP, CR, NUL, JSON's
    \\u escapes)."""
    engine.feed(damaged)
    engine.flush()
    assert [f.failure_id for f in engine.findings()] == ["fixture-werkzeug-url-quote"]


def test_invalid_utf8_and_garbage_are_survived(engine):
    """Stand-in: none; random bytes, invalid UTF-8 around a real hit."""
    rng = random.Random(4)
    garbage = bytes(rng.randrange(256) for _ in range(200_000))
    engine.feed(garbage)
    engine.feed(b"\xff\xfe " + DENIAL + b" \xc3\x28")
    engine.flush()
    engine.scan_bytes(garbage + b"\n" + DENIAL + b"\xff\n")
    [finding] = engine.findings()
    assert finding.count == 2
    assert "\ufffd" in finding.evidence[0]


def test_a_10mb_line_is_cut_and_memory_bounded(engine):
    """Stand-in: none; a 10 MB line holding a signature at its start and one past the cut."""
    huge = DENIAL + b" " + b"x" * (10 * 1024 * 1024) + b" cannot import name 'url_quote' from 'werkzeug.urls'"
    assert len(prepare_line(huge)) == MAX_LINE
    engine.scan_stream(io.BytesIO(huge + b"\nafter\n"), resource="big.log", block_size=1 << 20)
    engine.feed(huge)
    engine.flush()
    findings = engine.findings()
    assert [(f.failure_id, f.count) for f in findings] == [("fixture-addtags-denied", 2)]
    assert all(len(e) < 2000 for e in findings[0].evidence)


def test_normalise_is_the_same_per_line_and_per_block():
    """Stand-in: none; every kind of damage in one block."""
    lines = [b"\x1b[1;31mred\x1b[0m", b"a\r", b"q=\\\"x\\\"", b"&quot;&amp;&lt;", "‘x’ “y”\u00a0z".encode(), b"\x00",
             b"\\u003cname\\u003e \\u0026 \\u201cq\\u201d"]
    assert normalise(b"\n".join(lines)) == b"\n".join(normalise(line) for line in lines)


def mixed_log(seed: int, n: int = 3000) -> bytes:
    """Healthy lines with denials, tracebacks, wrapped lines and noise mixed in."""
    rng = random.Random(seed)
    out: list[bytes] = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.02:
            out.append(DENIAL.replace(b"petstore-alb-controller", f"role-{rng.randrange(3)}".encode())
                       + f" request {rng.randrange(12)}".encode())  # > 5 distinct evidence lines
        elif roll < 0.03:
            out.extend(TRACEBACK)
        elif roll < 0.04:
            out.extend([b"is not authorized to perform:", b"   elasticloadbalancing:AddTags"])
        elif roll < 0.05:
            out.extend([b"Traceback (most recent call last):", b"  File 'x'", b""])
        elif roll < 0.06:
            out.append(b"  indented " + str(i).encode())
        elif roll < 0.07:  # paste damage on a hit line, and on a harmless one
            out.append(rng.choice([
                b"\x1b[31mImportError\x1b[0m: cannot import name &#39;url_quote&#39; from \xe2\x80\x98werkzeug.urls\xe2\x80\x99\r",
                b'{\\"msg\\":\\"not authorized to perform:\xc2\xa0elasticloadbalancing:AddTags\\"}',
                b"  \x1b[2m  File 'x'\x1b[0m",
                b"ok &quot;fine&quot; \\\"quoted\\\" \x00",
            ]))
        else:
            out.append(f'10.0.1.{i % 250} - - "GET /api/v1/pets HTTP/1.1" 200 {i}'.encode())
    return b"\n".join(out) + b"\n"


@pytest.mark.parametrize(("seed", "block_size"), [(1, 4096), (2, 700), (3, 1 << 20)])
def test_bulk_path_equals_line_by_line_for_both_matchers(catalog, seed, block_size):
    """Stand-in: none; a generated mixed log scanned four ways (bulk/per line x
    hyperscan/python) with tiny blocks so events straddle block edges."""
    data = mixed_log(seed)
    kinds = ["python"] + (["hyperscan"] if hyperscan_available() else [])
    results = []
    for kind in kinds:
        bulk = Engine(catalog, matcher=kind, clock=lambda: 1.0)
        bulk.scan_stream(io.BytesIO(data), resource="log", block_size=block_size)
        lines = Engine(catalog, matcher=kind, clock=lambda: 1.0)
        lines.feed_many(data.split(b"\n")[:-1], resource="log")
        lines.flush()
        results += [summary(bulk), summary(lines)]
        assert bulk.lines_read == lines.lines_read == data.count(b"\n")
    assert results[0] and all(r == results[0] for r in results)
    assert sum(c for _, _, c, _ in results[0]) > 50


@pytest.mark.parametrize("noisy_lines", [0, 1, 2, 64])
def test_noise_removed_line_by_line_equals_the_whole_block(monkeypatch, noisy_lines):
    """Stand-in: none; random text of escape-sequence pieces, CRs, NULs and newlines, cut
    at line starts, cleaned both ways (and with the one-pass fallback at any line)."""
    from checks.engine import normalize

    monkeypatch.setattr(normalize, "NOISY_LINES", noisy_lines)
    rng = random.Random(noisy_lines)
    alphabet = [b"\x1b", b"[", b"]", b"\n", b"3", b"1", b";", b"m", b"a", b" ", b"\x07", b"\\",
                b"@", b"Z", b"_", b"?", b"\r", b"\x00", b"\n\n"]
    for _ in range(3000):
        data = b"".join(rng.choice(alphabet) for _ in range(rng.randrange(80)))
        starts = [0] + [i + 1 for i, byte in enumerate(data) if byte == 10]
        lo = rng.choice(starts)
        hi = rng.choice([s for s in starts if s >= lo])
        parts: list = [b"head"]
        remove_noise_into(parts, data, lo, hi)
        assert b"".join(parts) == b"head" + remove_noise(data[lo:hi]), (data, lo, hi)


def test_signatures_hyperscan_cannot_compile_fall_back_one_by_one():
    """Stand-in: none; a look-ahead (Hyperscan takes it only as a prefilter) and a huge
    bounded repeat (Hyperscan refuses it outright: the Python pre-filter covers it)."""
    if not hyperscan_available():
        pytest.skip("hyperscan is not installed")
    signatures = [r"AddTags", r"denied(?= now)", r"(?:alpha){0,70000}beta"]
    matcher = HyperscanMatcher(signatures)
    assert list(matcher.prefiltered) == [1] and list(matcher.rejected) == [2]
    block = b"x AddTags\ndenied now\ndenied later\nalphabeta\n"
    assert {i for i, _ in matcher.candidates(block)} == {0, 1, 2}
    for event, expected in ((b"denied now", [1]), (b"denied later", []), (b"alphaalphabeta", [2])):
        assert matcher.match(event) == expected
        assert PythonMatcher(signatures).match(event) == expected


@pytest.mark.parametrize(("regex", "literals"), [
    (r"not authorized to perform:?\s+elasticloadbalancing:AddTags", (b"elasticloadbalancing:addtags",)),
    (r"(ErrImagePull|ImagePullBackOff)", (b"errimagepull", b"imagepullbackoff")),
    (r"a\s+b", ()),
    (r"(?:unable|couldn.t) to (resolve|discover) subnets?", (b" subnet",)),
    (r"(?:unable|couldn.t) to (resolve|discover)", (b"discover", b"resolve")),
])
def test_required_literals(regex, literals):
    """Stand-in: none; the literal pre-filters the Python matcher relies on."""
    assert required_literals(regex) == literals


def test_pattern_without_literal_still_found_by_python_matcher():
    """Stand-in: none; a signature with no literal of three characters."""
    matcher = PythonMatcher([r"a\s+b"])
    assert {i for i, _ in matcher.candidates(b"zz\nA   B\n")} == {0}


def _hit_lines(block: bytes, hits) -> set[tuple[int, int]]:
    """(signature index, line number) of each candidate hit (its offset lies in the line)."""
    return {(index, block.count(b"\n", 0, offset - 1)) for index, offset in hits}


def _real_catalog_block() -> bytes:
    """Every positive and negative sample of the real catalog, twice: as written and
    upper-cased (signatures match case-insensitively), plus the mixed log."""
    from checks.catalog_loader import CATALOG_DIR, load_samples, sample_lines

    lines: list[bytes] = []
    for entry_dir in sorted(p for p in CATALOG_DIR.iterdir() if p.is_dir()):
        samples = load_samples(entry_dir)
        for path in samples["positive"] + samples["negative"]:
            lines.extend(sample_lines(path))
    lines = [line for line in lines if b"\n" not in line]
    return b"\n".join(lines + [line.upper() for line in lines]) + b"\n" + mixed_log(5, 500)


def test_python_candidates_cover_every_line_a_signature_matches():
    """Stand-in: none; the real catalog's samples. The pre-filter's promise: every line
    where a signature's full regex matches is flagged for that signature (and the block's
    last line, without a newline, too)."""
    from checks.catalog_loader import load_catalog as load_real

    signatures = [s for entry in load_real() for s in entry.signatures]
    block = _real_catalog_block() + b"final line: Your authorization token has expired"
    lines = block.split(b"\n")
    wanted = {(i, n) for i, sig in enumerate(signatures) for n, line in enumerate(lines)
              if compile_signature(sig).search(line)}
    assert len({i for i, _ in wanted}) > 80  # most signatures are exercised
    assert (signatures.index(r"Your\s+authorization\s+token\s+has\s+expired"), len(lines) - 1) in wanted
    flagged = _hit_lines(block, PythonMatcher(signatures).candidates(block))
    assert wanted - flagged == set()


def test_python_filter_finds_literals_that_share_an_anchor_on_one_line():
    """Stand-in: none; literals whose needles start alike, overlap, or extend one another,
    several on one line: each line is flagged for every signature whose literal it holds."""
    signatures = [r"failed\s+to\s+boot", r"failed", r"xfailedy\d", r"BOOTSTRAP", r"strap\s+on"]
    matcher = PythonMatcher(signatures)
    block = b"XFAILEDY1 and bootstrap on\nfailedx\nnothing\nstrap on failed to boot\nbootstra"
    assert _hit_lines(block, matcher.candidates(block)) == {
        (0, 0), (1, 0), (2, 0), (3, 0), (4, 0),
        (0, 1), (1, 1),
        (0, 3), (1, 3), (4, 3),
    }
    assert matcher.match(b"strap  on failed   to boot") == [0, 1, 4]


def test_python_damage_hits_are_the_lines_with_damage():
    """Stand-in: none; every paste-damage trigger, alone and in company, on random lines."""
    from checks.engine.normalize import DAMAGE_TRIGGERS

    rng = random.Random(9)
    pieces = [*DAMAGE_TRIGGERS, b"&", b"\\", b"\xe2\x80", b"\xc2", b"plain", b"&amp", b" "]
    lines = [b"".join(rng.choice(pieces) for _ in range(rng.randrange(4))) for _ in range(3000)]
    block = b"\n".join(lines)
    expected = {(DAMAGE, block.count(b"\n", 0, pos)) for pos in damage_offsets(block)}
    found = _hit_lines(block, [hit for hit in PythonMatcher(["zzzzz"]).candidates(block) if hit[0] == DAMAGE])
    assert found == expected and len(expected) > 1000


def test_required_sets_never_span_a_newline():
    """Stand-in: none; the filter works line by line, so a literal holds no newline."""
    assert required_sets(r"Traceback\nImportError:\s+x") == [frozenset({b"traceback"}), frozenset({b"importerror:"})]


def test_unknown_matcher_name_is_refused(monkeypatch):
    """Stand-in: none."""
    monkeypatch.setenv("PETSTORE_TUI_MATCHER", "turbo")
    with pytest.raises(ValueError, match="turbo"):
        make_matcher(["x"])


def test_acknowledged_findings_are_kept_but_flagged(catalog):
    """Stand-in: none; an Acks set for one resource."""
    engine = Engine(catalog, acks=Acks([("fixture-addtags-denied", "petstore-alb-controller")]))
    engine.feed(DENIAL)
    engine.feed(DENIAL.replace(b"petstore-alb-controller", b"other"))
    engine.flush()
    assert [(f.resource, f.acknowledged) for f in engine.findings()] == [
        ("other", False), ("petstore-alb-controller", True)] or [
        (f.resource, f.acknowledged) for f in engine.findings()] == [
        ("petstore-alb-controller", True), ("other", False)]
    assert [f.resource for f in engine.findings(include_acknowledged=False)] == ["other"]


def test_entries_fire_only_on_their_own_sources(catalog):
    """Stand-in: none. The url_quote entry lists app and pod-status, not terraform."""
    engine = Engine(catalog)
    engine.feed(TRACEBACK[-1], source="terraform")
    engine.feed(TRACEBACK[-1], source="app", resource="pod/a")
    engine.flush()
    assert [f.resource for f in engine.findings()] == ["pod/a"]


def test_load_default_engine_reads_acks_and_ignores(monkeypatch):
    """Stand-in: the fixture catalog via $PETSTORE_TUI_CATALOG, acks in a temp state dir."""
    from checks.acks import add_ack

    monkeypatch.setenv("PETSTORE_TUI_CATALOG", str(FIXTURES))
    add_ack("fixture-werkzeug-url-quote", "known")
    engine = load_default_engine(ignore=["fixture-addtags-denied:r9"])
    engine.feed(DENIAL.replace(b"petstore-alb-controller", b"r9"))
    engine.feed_many(TRACEBACK)
    engine.flush()
    assert engine.findings(include_acknowledged=False) == []
    assert len(engine.findings()) == 2


def test_hyperscan_database_cache(tmp_path, catalog):
    """Stand-in: a temp cache folder; the second engine loads what the first compiled,
    and a corrupt cache file is ignored."""
    if not hyperscan_available():
        pytest.skip("hyperscan is not installed")
    first = Engine(catalog, matcher="hyperscan", cache_dir=tmp_path)
    second = Engine(catalog, matcher="hyperscan", cache_dir=tmp_path)
    assert (first.matcher.cached, second.matcher.cached) == (False, True)
    cache_files = list(tmp_path.glob("hyperscan-*.db"))  # the block's, and its companions (matcher.py)
    assert cache_files
    for cache_file in cache_files:
        cache_file.write_bytes(b"garbage")
    third = Engine(catalog, matcher="hyperscan", cache_dir=tmp_path)
    assert third.matcher.cached is False
    for engine in (first, second, third):
        engine.feed(DENIAL)
        engine.flush()
    assert summary(first) == summary(second) == summary(third) != []


def test_a_database_built_with_other_flags_is_not_loaded(tmp_path, catalog, monkeypatch):
    """Stand-in: a temp cache folder, and Hyperscan's multiline flag taken away as a change
    of flags in the code would: the stored database must not serve the new flags."""
    if not hyperscan_available():
        pytest.skip("hyperscan is not installed")
    import checks.engine.hs_backend as hs_backend

    Engine(catalog, matcher="hyperscan", cache_dir=tmp_path)
    stored = len(list(tmp_path.glob("hyperscan-*.db")))  # a layout's databases (matcher.py)
    load = hs_backend.load

    def without_multiline(kind=None):
        backend = load(kind)
        backend.HS_FLAG_MULTILINE = 0
        return backend

    monkeypatch.setattr(hs_backend, "load", without_multiline)
    other = Engine(catalog, matcher="hyperscan", cache_dir=tmp_path)
    assert other.matcher.cached is False
    assert len(list(tmp_path.glob("hyperscan-*.db"))) == 2 * stored


def test_an_unwritable_cache_folder_costs_the_compile_and_nothing_else(tmp_path, catalog, capsys):
    """Stand-in: a cache "folder" that is a file (root writes into a read-only folder)."""
    if not hyperscan_available():
        pytest.skip("hyperscan is not installed")
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    engines = [Engine(catalog, matcher="hyperscan", cache_dir=blocker) for _ in range(2)]
    assert [e.matcher.cached for e in engines] == [False, False]
    for engine in engines:
        engine.feed(DENIAL)
        engine.flush()
    assert summary(engines[0]) == summary(engines[1]) != []
    assert capsys.readouterr() == ("", "")  # nothing alarming said


def test_distinct_resources_are_capped(catalog, monkeypatch):
    """Stand-in: none; denials from more roles than the engine keeps apart."""
    import checks.engine.core as core

    monkeypatch.setattr(core, "MAX_RESOURCES", 3)
    engine = Engine(catalog)
    for i in range(6):
        engine.feed(DENIAL.replace(b"petstore-alb-controller", f"role-{i}".encode()))
    engine.flush()
    assert sorted((f.resource, f.count) for f in engine.findings()) == [
        ("(other resources)", 3), ("role-0", 1), ("role-1", 1), ("role-2", 1)]


# What the sandbox's pod follower (services/container_follow.py) and the cluster's
# (services/kube_pod_logs.py) yield: kubectl's --prefix before each line, the stream's
# resource left empty since one stream holds many pods.
CANTOPEN = [b"Traceback (most recent call last):",
            b'  File "/app/petstore/db.py", line 41, in init_db',
            b"    conn = sqlite3.connect(path)",
            b"sqlite3.OperationalError: unable to open database file"]


@pytest.mark.parametrize("stamp", [b"", b"2026-12-05T09:40:01.123456789Z "])
@pytest.mark.parametrize("resource", ["", "file:/tmp/pods.log"])
def test_the_pod_of_a_kubectl_prefix_is_the_findings_resource(stamp, resource):
    """Stand-in: none; the real catalog's sqlite-unable-to-open-database (no resource
    pattern of its own) on a traceback as the drill's container prints it, behind
    `kubectl logs --prefix [--timestamps]`: the finding names the pod, not 'unknown'
    (nor the whole file it was read from)."""
    engine = load_default_engine(acks=False)
    for line in CANTOPEN:
        engine.feed(stamp + b"[pod/petstore-7d9c/petstore] " + line, source="app", resource=resource)
    engine.flush()
    (finding,) = [f for f in engine.findings() if f.failure_id == "sqlite-unable-to-open-database"]
    assert finding.resource == "pod/petstore-7d9c/petstore"


def test_an_entrys_own_resource_pattern_wins_over_the_kubectl_prefix():
    """Stand-in: none; the controller's IngressClass error names the class: that stays the
    resource, the pod that logged it is only where it was said."""
    engine = load_default_engine(acks=False)
    engine.feed(b'[pod/aws-load-balancer-controller-5f6-x2x/controller] {"level":"error","msg":"invalid '
                b'ingress class: ingressclasses.networking.k8s.io \\"alb\\" not found"}', source="alb-controller")
    engine.flush()
    (finding,) = [f for f in engine.findings() if f.failure_id == "alb-controller-ingressclass-missing"]
    assert finding.resource == "alb"


@pytest.mark.parametrize(("line", "expected"), [
    # a Windows path as printed: its \n and \t are a backslash and a name
    (rb"Error: Cannot find module 'pg' at C:\Users\x\node_modules\pg\lib\client.js:42",
     rb"Error: Cannot find module 'pg' at C:\Users\x\node_modules\pg\lib\client.js:42"),
    (rb"open C:\temp\tools\new.txt: access denied", rb"open C:\temp\tools\new.txt: access denied"),
    # the same path inside a JSON string (backslashes doubled): the escape after the file
    # name is the stack trace's newline
    (rb'"stack":"Error: x\n    at f (C:\\Users\\x\\node_modules\\pg\\lib\\client.js:1:2)\n    at g"',
     rb'"stack":"Error: x     at f (C:\Users\x\node_modules\pg\lib\client.js:1:2)     at g"'),
    (rb"Require stack:\n- C:\\app\\y.js\n- C:\\app\\z.js", rb"Require stack: - C:\app\y.js - C:\app\z.js"),
    # no path: JSON's escapes read as spaces, as before
    (rb"failed.\nTraceback\t(most recent call last)", rb"failed. Traceback (most recent call last)"),
])
def test_json_newline_escapes_are_not_undone_inside_windows_paths(line, expected):
    """Stand-in: none; a Windows path's `\\node_modules` once read as a JSON newline and
    came out as `C:\\Users\\x ode_modules`."""
    assert prepare_line(line) == expected
    assert normalise(line + b"\n" + line) == expected + b"\n" + expected
