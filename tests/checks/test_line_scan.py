"""Lines cut at the wrap width in the bulk path: found by checks/engine/line_scan.py (the
native helper or its pure-Python twin), and their events checked in full only where their
glued text may match (issue 14)."""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

import pytest

from checks.catalog_loader import load_catalog
from checks.engine import Engine, line_scan
from checks.engine.grouping import WRAP_WIDTH
from checks.engine.matcher import hyperscan_available

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"
MATCHERS = ["python"] + (["hyperscan"] if hyperscan_available() else [])
DENIAL = (b"2026-11-27T10:00:01Z error AccessDenied: User: arn:aws:sts::123456789012:assumed-role/"
          b"petstore-alb-controller/1700 is not authorized to perform: elasticloadbalancing:AddTags "
          b"on resource: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-x/abc")
needs_native = pytest.mark.skipif(not line_scan.NATIVE, reason="checks/engine/_line_scan.c is not built here")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(FIXTURES)


@pytest.fixture(params=["native", "python"])
def helper(request, monkeypatch):
    """Stand-in: none; the native helper, or the pure-Python one used where it was not built."""
    if request.param == "native" and not line_scan.NATIVE:
        pytest.skip("checks/engine/_line_scan.c is not built here")
    if request.param == "python":
        monkeypatch.setattr(line_scan, "_native_scan", None)
        monkeypatch.setattr(line_scan, "_native_glue", None)
        monkeypatch.setattr(line_scan, "_native_noisy", None)
        monkeypatch.setattr(line_scan, "_native_scan_clean", None)
    return request.param


def test_the_native_helper_is_built_where_a_compiler_is():
    """Stand-in: none; `pip install` (./dev setup) builds it when a C compiler is there."""
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler on this machine: the pure-Python scan is used")
    assert line_scan.NATIVE, "checks/engine/_line_scan.c is not built: run ./dev setup"


def _random_buffer(rng: random.Random, width: int) -> bytes:
    lengths = [0, 1, width - 1, width, width, width, width + 1, 2 * width]
    lines = [bytes(rng.choice(b"ab \t\\&") for _ in range(rng.choice(lengths))) for _ in range(rng.randrange(9))]
    return b"\n".join(lines) + rng.choice([b"", b"\n"])


@needs_native
def test_native_scan_and_glue_answer_what_python_does():
    """Stand-in: none; random runs of cut lines, first and unterminated last lines, ranges
    inside the buffer, `end` anywhere."""
    rng = random.Random(14)
    for _ in range(20000):
        width = rng.choice([3, 4, WRAP_WIDTH])
        buf = _random_buffer(rng, width)
        lo = rng.choice([0] + [i + 1 for i, byte in enumerate(buf) if byte == 10])
        hi = rng.choice([len(buf)] + [i + 1 for i, byte in enumerate(buf) if byte == 10 and i >= lo])
        native = line_scan.scan_lines(buf, lo, hi, width)
        assert native == line_scan.python_scan_lines(buf, lo, hi, width), (buf, lo, hi)
        end = rng.randrange(len(buf) + 1)
        assert line_scan.glue(buf, native[1], end, width) == line_scan.python_glue(buf, native[1], end, width)


@needs_native
def test_native_scan_answers_what_python_does_across_its_64_byte_steps():
    """Stand-in: none; blocks of a few hundred bytes (the native pass reads 64 at a time,
    then the rest line by line) whose lines, some prefixed or boxed, some cut, end
    anywhere in a step, scanned from any line start to any line end."""
    rng = random.Random(1464)
    starts = [b"", b"> ", b"  12 | ", b"[pod/api-1] ", b"web-1  | ", b"\xe2\x94\x82 ", b"2026-11-27T10:00:01Z "]
    for _ in range(3000):
        lines = [rng.choice(starts) + bytes(rng.choice(b"ab |\t") for _ in range(rng.choice([0, 5, 63, 80, 130])))
                 for _ in range(rng.randrange(1, 12))]
        buf = b"\n".join(lines) + rng.choice([b"", b"\n"])
        breaks = [0] + [i + 1 for i, byte in enumerate(buf) if byte == 10]
        lo = rng.choice(breaks)
        hi = rng.choice([len(buf)] + [b for b in breaks if b >= lo])
        for width in (80, -1):
            native = line_scan.scan_lines(buf, lo, hi, width, True)
            assert native == line_scan.python_scan_lines(buf, lo, hi, width, True), (buf, lo, hi)


@needs_native
def test_a_build_of_the_previous_version_keeps_its_native_scan(monkeypatch):
    """Stand-in: a module holding what a VERSION 2 build of _line_scan.c had (scan and
    glue, no noisy), as a checkout has until ./dev setup rebuilds it."""
    import importlib
    import sys
    import types

    from checks.engine import _line_scan

    older = types.ModuleType("checks.engine._line_scan")
    older.VERSION, older.scan, older.glue = 2, _line_scan.scan, _line_scan.glue
    monkeypatch.setitem(sys.modules, "checks.engine._line_scan", older)
    monkeypatch.setattr(sys.modules["checks.engine"], "_line_scan", older)
    try:
        importlib.reload(line_scan)
        assert line_scan.NATIVE and line_scan._native_noisy is None and line_scan._native_scan_clean is None
        assert line_scan.noisy(b"ok\r\n") and not line_scan.noisy(b"ok\n")
        assert line_scan.scan_clean(b"ok\r\nok\n", 0, 8, 2) is None
        assert line_scan.scan_clean(b"ok\r\nok\n", 4, 7, 2) == (1, [6])
    finally:
        monkeypatch.undo()
        importlib.reload(line_scan)
    assert line_scan._native_noisy is _line_scan.noisy
    assert line_scan._native_scan_clean is _line_scan.scan_clean


@pytest.mark.parametrize("noise", [b"\x1b", b"\r", b"\x00"])
def test_noisy_finds_each_noise_byte_wherever_it_lies(helper, noise):
    """Stand-in: none; each deleted byte at every offset of blocks up to three 64-byte
    steps of the native pass long (the steps and the tail after them), and none at all."""
    for size in range(0, 200, 7):
        clean = bytes(b"ab\n\t\x1a\x0e\x7f\xff"[i % 8] for i in range(size))
        assert not line_scan.noisy(clean), size
        for at in range(size):
            assert line_scan.noisy(clean[:at] + noise + clean[at + 1:]), (size, at)


@pytest.mark.parametrize("noise", [b"\x1b", b"\r", b"\x00"])
def test_scan_clean_finds_each_noise_byte_wherever_it_lies(helper, noise):
    """Stand-in: none; scan_clean answers scan_lines' answer for a range without a byte
    remove_noise deletes and None for one with it, the byte at every offset of ranges up
    to three 64-byte steps of the native pass long, inside the range and just outside."""
    for size in range(0, 200, 7):
        clean = bytes(b"ab\n\t|\x1a\x7f\xff"[i % 8] for i in range(size))
        for lo, hi in ((0, size), (3, size - 2)):
            if hi < lo:
                continue
            assert line_scan.scan_clean(clean, lo, hi, 3, True) == line_scan.scan_lines(clean, lo, hi, 3, True)
            for at in range(size):
                noisy = clean[:at] + noise + clean[at + 1:]
                found = line_scan.scan_clean(noisy, lo, hi, 3, True)
                if lo <= at < hi:
                    assert found is None, (size, lo, hi, at)
                else:
                    assert found == line_scan.scan_lines(noisy, lo, hi, 3, True), (size, lo, hi, at)


@pytest.mark.parametrize("matcher", MATCHERS)
@pytest.mark.parametrize("noise", [b"\x1b[1m", b"\r", b"\x00"])
def test_noise_deep_in_a_block_is_removed_before_matching(catalog, helper, matcher, noise):
    """Stand-in: none; the one noisy line of a long log (an escape sequence, a CR or a NUL
    inside the signature's words) far past each block's first sync point, where the bulk
    path learns of the noise from scan_clean's pass over the block's lines: found as
    feeding line by line finds it, in every block size."""
    message = b"ImportError: cannot import name '" + noise + b"url_quote' from 'werkzeug.urls'"
    lines = [b"plain line %d of an ordinary log" % n for n in range(3000)]
    lines[2222] = message
    data = b"\n".join(lines) + b"\n"
    expected = Engine(catalog, matcher=matcher, clock=lambda: 1.0)
    expected.feed_many(data.split(b"\n")[:-1], resource="log")
    expected.flush()
    want = sorted((f.failure_id, f.count, tuple(f.evidence)) for f in expected.findings())
    assert [f[:2] for f in want] == [("fixture-werkzeug-url-quote", 1)]
    for block_size in (4096, 1 << 20):
        bulk = Engine(catalog, matcher=matcher, clock=lambda: 1.0)
        bulk.scan_stream(io.BytesIO(data), resource="log", block_size=block_size)
        assert sorted((f.failure_id, f.count, tuple(f.evidence)) for f in bulk.findings()) == want, block_size


def test_scan_lines_counts_newlines_and_finds_the_cut_lines(helper):
    """Stand-in: none; a cut first line, a run of two, a short line, an unterminated cut last line."""
    cut = b"c" * WRAP_WIDTH
    buf = b"\n".join([cut, b"short", cut, cut, b"x" * (WRAP_WIDTH + 1), cut])
    count, ends = line_scan.scan_lines(buf, 0, len(buf), WRAP_WIDTH)
    assert count == 5
    assert [buf[end - WRAP_WIDTH:end] for end in ends] == [cut] * 4
    assert ends[-1] == len(buf) and ends[1] + WRAP_WIDTH + 1 == ends[2]
    start = len(cut) + 1
    assert line_scan.scan_lines(buf, start, ends[2] + 1, WRAP_WIDTH) == (3, ends[1:3])


def test_glue_gives_the_line_the_glued_line_and_the_next(helper):
    """Stand-in: none; what Grouper puts into the event of a run of cut lines."""
    head = b"h" * WRAP_WIDTH
    buf = b"\n".join([b"before", head, head, b"rest", b"next", head]) + b"\n"
    _, cuts = line_scan.scan_lines(buf, 0, len(buf), WRAP_WIDTH)
    joined, ends, firsts = line_scan.glue(buf, cuts, len(buf), WRAP_WIDTH)
    assert joined == b"rest\n" + head + head + b"rest\nnext\n" + b"\n" + head + b"\n\n"
    assert firsts == [cuts[0], cuts[2]] and ends == [len(b"rest\n" + head + head + b"rest\nnext\n"), len(joined)]
    assert line_scan.glue(buf, cuts, cuts[2] - WRAP_WIDTH, WRAP_WIDTH)[1] == ends[:1]


def _filler(number: int) -> bytes:
    """An ordinary log line exactly WRAP_WIDTH long (they are common by chance)."""
    line = f"aws_security_group_rule.node_ingress[{number}]: Refreshing state... [id=sgrule-{number}]"
    return (line + "x" * WRAP_WIDTH)[:WRAP_WIDTH].encode()


def _cut_log(crlf: bool, final_newline: bool) -> bytes:
    """Findings that exist only across a cut: the fixture denial cut every 80 columns inside
    words, and a paste-damage escape (`&#39;`) cut in two, among ordinary 80-column lines."""
    denial = [DENIAL[i:i + WRAP_WIDTH] for i in range(0, len(DENIAL), WRAP_WIDTH)]
    quote = b"ImportError: cannot import name &#39;url_quote&#39; from &#39;werkzeug.urls&#39;"
    at = quote.index(b"&#39;") + 2
    damaged = [(b"y" * (WRAP_WIDTH - at) + quote[:at]), quote[at:]]
    assert len(damaged[0]) == WRAP_WIDTH and b"&#39;" not in damaged[0] + b"\n" + damaged[1][:3]
    lines: list[bytes] = []
    for number in range(3000):
        lines.append(_filler(number) if number % 3 else b"plain %d" % number)
        if number % 500 == 7:
            lines.extend(denial)
        if number % 700 == 11:
            lines.extend(damaged)
    data = (b"\r\n" if crlf else b"\n").join(lines)
    return data + (b"\r\n" if crlf else b"\n") * final_newline


@pytest.mark.parametrize("matcher", MATCHERS)
@pytest.mark.parametrize(("crlf", "final_newline", "block_size"), [
    (False, True, 4096), (True, True, 4096), (False, False, 1 << 20), (True, False, 977),
])
def test_matches_across_cuts_are_found_as_line_by_line(catalog, helper, matcher, crlf, final_newline, block_size):
    """Stand-in: none; the bulk path, at block edges, with CRLF and without a final
    newline, finds what feeding line by line finds, and counts every line."""
    data = _cut_log(crlf, final_newline)
    bulk = Engine(catalog, matcher=matcher, clock=lambda: 1.0)
    bulk.scan_stream(io.BytesIO(data), resource="log", block_size=block_size)
    assert bulk.lines_read == data.count(b"\n") + (not final_newline)
    lines = Engine(catalog, matcher=matcher, clock=lambda: 1.0)
    lines.feed_many(data.split(b"\n")[:len(data.split(b"\n")) - final_newline], resource="log")
    lines.flush()
    found = sorted((f.failure_id, f.resource, f.count, tuple(f.evidence)) for f in bulk.findings())
    assert found == sorted((f.failure_id, f.resource, f.count, tuple(f.evidence)) for f in lines.findings())
    assert [(f[0], f[2]) for f in found] == [("fixture-addtags-denied", 6), ("fixture-werkzeug-url-quote", 5)]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_ordinary_80_column_lines_are_not_checked_event_by_event(catalog, helper, matcher, monkeypatch):
    """Stand-in: none; 2,000 lines exactly 80 bytes long with nothing across their cuts:
    no event of theirs meets the full regexes (each did before, a hundredfold cost on a
    log where such lines are common)."""
    data = b"\n".join(_filler(n) if n % 2 else b"plain" for n in range(4000)) + b"\n" + DENIAL + b"\n"
    engine = Engine(catalog, matcher=matcher)
    checked = []
    handle = engine._handle_event
    monkeypatch.setattr(engine, "_handle_event", lambda event, *a, **k: (checked.append(event), handle(event, *a, **k)))
    engine.scan_bytes(data)
    assert [f.failure_id for f in engine.findings()] == ["fixture-addtags-denied"]
    assert len(checked) <= 3


@needs_native
@pytest.mark.parametrize("offset", range(0, 64, 7))
def test_a_bar_is_seen_in_any_64_byte_step_of_its_line(offset):
    """Stand-in: none; docker compose's `name | ` prefix (the one alternative that needs a
    '|' in the line: the native pass notes the bars of each 64-byte step with its
    newlines and skips the test on lines without one), its bar in another step than the
    line's newline or start, after lines with and without a bar, against the Python twin."""
    pad = b"x" * offset
    lines = [pad + b"plain line with a | bar", b"web-1  |   indented " + b"y" * 90,
             b"a" * 70 + b"-api  |   indented", pad + b"no bar here, " + b"z" * 60,
             b"svc.name-2 |  " + b"w" * 150, b"web-1  | not indented " + b"v" * 50, b"db  | \tx", b"db  |\tx"]
    for order in (lines, lines[::-1]):
        buf = b"\n".join(order) + b"\n"
        native = line_scan.scan_lines(buf, 0, len(buf), WRAP_WIDTH, True)
        assert native == line_scan.python_scan_lines(buf, 0, len(buf), WRAP_WIDTH, True)
        assert len(native[2]) == 4  # the four compose lines with indentation after the bar


@needs_native
def test_the_first_byte_shortcuts_answer_what_python_does():
    """Stand-in: none; lines of 17 bytes and more (the native test's branch-free shortcuts)
    and shorter ones, starting with each byte kind the shortcuts tell apart (a digit, an
    upper-case letter, a name byte, '[', a blank, '>', a border's lead byte, anything else)
    and going on with the bytes each alternative looks at next."""
    rng = random.Random(1417)
    heads = [b"1", b"12", b"12345", b"123456", b"2026-11-27T10:00:01Z", b"2026-11-27T", b"May 15 23:09:27 h u: ",
             b"Jun  1 01:02:03 ", b"M", b"Ab", b"web-1", b"_x", b".", b"-", b"[pod/p] ", b"[pod/", b"[p", b"[",
             b" ", b"  ", b"\t", b">", b"> ", b"\xe2\x94\x82", b"\xe2", b"{", b"\x00", b"\xc3\xa9"]
    tails = [b" ", b"  ", b"\t", b" |", b"|", b" | ", b"x", b":", b"-", b"T", b"7", b"  x", b"\tx"]
    lines = []
    for _ in range(20000):
        line = rng.choice(heads) + b"".join(rng.choice(tails) for _ in range(rng.randrange(4)))
        lines.append(line + b"y" * rng.choice([0, 0, 3, 10, 40]))
    buf = b"\n".join(lines)
    native = line_scan.scan_lines(buf, 0, len(buf), WRAP_WIDTH, True)
    assert native == line_scan.python_scan_lines(buf, 0, len(buf), WRAP_WIDTH, True)
    assert len(native[2]) > 1000


# ---- lines longer than what the engine matches of a line (normalize.MAX_LINE)
def test_scan_counts_the_lines_longer_than_asked(helper):
    """Stand-in: none; lines of exactly the limit, one byte over, an empty one, and an
    unterminated last line over it; with and without the prefixed lines."""
    limit = 100
    lines = [b"a" * limit, b"b" * (limit + 1), b"", b"c" * 5, b"d" * (3 * limit)]
    for final in (b"", b"\n"):
        buf = b"\n".join(lines) + final
        assert line_scan.scan_lines(buf, 0, len(buf), WRAP_WIDTH, False, limit)[-1] == 2
        assert line_scan.scan_lines(buf, 0, len(buf), WRAP_WIDTH, True, limit)[-1] == 2
        assert line_scan.scan_clean(buf, 0, len(buf), WRAP_WIDTH, True, limit)[-1] == 2
        start = buf.index(b"\n") + 1  # from the second line on, to the end of the fourth
        assert line_scan.scan_lines(buf, start, buf.index(b"d"), WRAP_WIDTH, False, limit)[-1] == 1
        assert len(line_scan.scan_lines(buf, 0, len(buf), WRAP_WIDTH)) == 2  # not asked: the old shape


@needs_native
def test_native_longer_count_answers_what_python_does_across_its_64_byte_steps():
    """Stand-in: none; random line lengths around the limit, every start and end offset
    within the first 64-byte steps."""
    rng = random.Random(5)
    for _ in range(200):
        limit = rng.choice([0, 1, 63, 64, 65, 130])
        lines = [b"x" * rng.choice([0, limit, limit + 1, 2 * limit + 3, 7]) for _ in range(rng.randrange(1, 12))]
        buf = b"\n".join(lines) + rng.choice([b"", b"\n"])
        for lo, hi in ((0, len(buf)), (rng.randrange(len(buf) + 1), len(buf)), (0, rng.randrange(len(buf) + 1))):
            for prefixed in (False, True):
                native = line_scan.scan_lines(buf, lo, hi, WRAP_WIDTH, prefixed, limit)
                assert native == line_scan.python_scan_lines(buf, lo, hi, WRAP_WIDTH, prefixed, limit), (buf, lo, hi)


def _long_line_log(big: int) -> tuple[bytes, int]:
    """A log with lines longer than MAX_LINE: a denial after the first MAX_LINE bytes of
    one (never matched), one longer than RAW_MAX_LINE, and a short denial that is found."""
    from checks.engine.normalize import MAX_LINE

    lines = [b"plain %d" % n for n in range(2000)]
    lines[100] = b"x" * (MAX_LINE + 10) + b" " + DENIAL  # the denial lies past what is matched
    lines[900] = b"{" + b"y" * big + b"}"
    lines[1500] = b"z" * (MAX_LINE + 1)
    lines[1501] = b"w" * MAX_LINE  # exactly the limit: whole
    lines[1900] = DENIAL
    return b"\n".join(lines) + b"\n", 3


@pytest.mark.parametrize("matcher", MATCHERS)
@pytest.mark.parametrize("block_size", [4096, 70_000, 1 << 20, 2 << 20])
def test_lines_longer_than_what_is_matched_are_counted_once_on_every_path(catalog, helper, matcher, block_size):
    """Stand-in: none; the bulk path at several block sizes (long lines across blocks, in
    the carry of a block, longer than RAW_MAX_LINE), feeding line by line and in
    batches all count each such line once, and find the same (the denial past the
    first MAX_LINE bytes is not found: what the count warns of)."""
    from checks.engine.normalize import RAW_MAX_LINE

    data, cut = _long_line_log(RAW_MAX_LINE + 5000)
    bulk = Engine(catalog, matcher=matcher, clock=lambda: 1.0)
    bulk.scan_stream(io.BytesIO(data), resource="log", block_size=block_size)
    fed = Engine(catalog, matcher=matcher, clock=lambda: 1.0)
    fed.feed_many(data.split(b"\n")[:-1], resource="log")
    fed.flush()
    batched = Engine(catalog, matcher=matcher, clock=lambda: 1.0)
    lines = data.split(b"\n")[:-1]
    for at in range(0, len(lines), 300):
        batched.feed_lines(lines[at:at + 300], resource="log")
    batched.flush()
    for engine in (bulk, fed, batched):
        assert engine.lines_read == 2000
        assert engine.lines_cut == cut
        assert [(f.failure_id, f.count) for f in engine.findings()] == [("fixture-addtags-denied", 1)]
    bulk.reset()
    assert bulk.lines_cut == 0
    bulk.scan_bytes(b"short\nlines\n")
    assert bulk.lines_cut == 0


@pytest.mark.skipif(not hyperscan_available(), reason="the miss is the Hyperscan bulk path's")
@pytest.mark.xfail(strict=True, reason="known miss, docs/knowledge/diagnose-speed.md 'Found on the way': the glued "
                                       "text of a run starts at the line after it, so a match from the run's "
                                       "last line through that line into the glued line is not seen")
def test_a_match_from_a_cut_line_through_the_next_into_the_glued_line_is_found_in_bulk():
    """Stand-in: a one-signature entry (written, not from the catalog). A cut line ending
    in `alpha`, then `beta`: the event's glued line starts with `gamma`, so its text reads
    `...alpha\\nbeta\\ngamma...`. Feeding line by line finds it (the reference); the
    Python matcher's bulk path does too."""
    from checks.model import Fix, KnownFailure, Severity, Source

    entry = KnownFailure(id="x", title="X", severity=Severity.ERROR, sources=(Source.ANY,),
                         signatures=(r"alpha\s+beta\s+gamma",), explanation="why", fix=Fix("do", steps=("one",)))
    cut = (b"gamma " + b"." * WRAP_WIDTH)[:WRAP_WIDTH - 5] + b"alpha"
    data = b"plain line\n" + cut + b"\nbeta\nnext line here\nplain\n"
    fed = Engine([entry], matcher="hyperscan")
    fed.feed_many(data.split(b"\n")[:-1])
    fed.flush()
    assert [f.failure_id for f in fed.findings()] == ["x"]
    python = Engine([entry], matcher="python")
    python.scan_bytes(data)
    assert [f.failure_id for f in python.findings()] == ["x"]
    bulk = Engine([entry], matcher="hyperscan")
    bulk.scan_bytes(data)
    assert [f.failure_id for f in bulk.findings()] == ["x"]


# ---- lines the grouping joins without their tool prefix (round 8: docs/knowledge/diagnose-speed.md)
_PG = b"2026-11-27 10:00:00.123 UTC [41] "
_PREFIX_HEADS = [b"", b"web-1  | ", b"web-1 |", b"2026-11-27T10:00:01Z ", b"2026-11-27T10:00:01.5+01:00 ",
                 b"May 15 23:09:27 host unit[7]: ", b"[pod/api-1/app] ", b"> ", b">>", b"  12 | ", b"12\t", b"7  ",
                 b"\xe2\x94\x82 ", b"[pod/api-1/app] 2026-11-27T10:00:01Z ", b"web-1  | > ", b"db-1  |  "]
_BODIES = [b"beta gamma", b"DETAIL:  key (id)=(1)", b"HINT:\tx", b"QUERY:", b"CONTEXT: y", b"STATEMENT:  z",
           b"xDETAIL: q", b"ERROR:  e", _PG + b"FATAL:  f", _PG + b"DETAIL:  d", b"", b"  indented", b"|x"]


def _rewrite_lines(rng: random.Random) -> list[bytes]:
    """Lines with and without a tool prefix (followed by indentation or not), PostgreSQL
    labels, and lines padded to exactly WRAP_WIDTH bytes before them."""
    lines = []
    for _ in range(rng.randrange(1, 14)):
        line = rng.choice(_PREFIX_HEADS) + rng.choice(_BODIES)
        if rng.random() < 0.4 and len(line) < WRAP_WIDTH:
            line = (line + b" " + b"w" * WRAP_WIDTH)[:WRAP_WIDTH - 5] + b"alpha"
        lines.append(line)
    return lines


def test_prefixed_postgres_lines_and_glued_runs_answer_what_python_does():
    """Stand-in: none; the native pass flags a line with a tool prefix (whatever follows
    it) holding a PostgreSQL secondary label, and the native glue writes a run whose
    lines lose a prefix as its event holds them, as their pure-Python twins do, from any
    line start to any line end."""
    rng = random.Random(808)
    flagged = rewritten = 0
    for _ in range(4000):
        buf = b"\n".join(_rewrite_lines(rng)) + rng.choice([b"", b"\n"])
        breaks = [0] + [i + 1 for i, byte in enumerate(buf) if byte == 10]
        lo = rng.choice(breaks)
        hi = rng.choice([len(buf)] + [b for b in breaks if b >= lo])
        for width in (WRAP_WIDTH, -1):
            expected = line_scan.python_scan_lines(buf, lo, hi, width, True)
            assert line_scan.scan_lines(buf, lo, hi, width, True) == expected, (buf, lo, hi, width)
            flagged += len(expected[2])
        if lo == 0 and hi == len(buf):
            assert line_scan.prefixed_lines(buf) == line_scan._python_prefixed_lines(buf, 0, len(buf))
        cuts = line_scan.python_scan_lines(buf, 0, len(buf), WRAP_WIDTH)[1]
        end = rng.choice([len(buf), hi])
        expected = line_scan.python_glue(buf, cuts, end, WRAP_WIDTH)
        assert line_scan.glue(buf, cuts, end, WRAP_WIDTH) == expected, (buf, end)
        rewritten += expected[0].count(b"alpha\n")  # a cut line written on its own
    assert flagged > 4000 and rewritten > 100


def test_every_line_the_grouping_joins_without_its_prefix_is_flagged_or_glued():
    """Stand-in: none; the property the flags and the glued texts exist for, against
    grouping.Grouper itself: each line that joins the event before it with other text
    than itself (its body, the prefix or border dropped) is one the pass flags, or follows
    a cut line and its event's glued text holds the cut line and that body, in random
    mixes of prefixed lines, cut lines and PostgreSQL messages with their secondary lines."""
    from checks.engine.grouping import Grouper, split

    rng = random.Random(8080)
    flagged = glued = 0
    for _ in range(3000):
        lines = _rewrite_lines(rng)
        buf = b"\n".join(lines) + b"\n"
        _, cuts, flags = line_scan.scan_lines(buf, 0, len(buf), WRAP_WIDTH, True)
        texts = line_scan.glue(buf, cuts, len(buf), WRAP_WIDTH)[0]
        grouper, at, previous = Grouper(), 0, b""
        for line in lines:
            before = list(grouper._lines)
            grouper.push(line)
            after = grouper._lines
            if before and after[:len(before)] == before and len(after) > len(before) and after[-1] != line:
                assert split(line)[0] != 0, (lines, line)
                if len(previous) == WRAP_WIDTH and split(line)[0] == 1:
                    assert b"\n".join((before[-1], after[-1])) in texts, (lines, line)
                    glued += 1
                else:
                    assert at + len(line) in flags, (lines, line)
                    flagged += 1
            at += len(line) + 1
            previous = line
    assert flagged > 100 and glued > 100


@pytest.mark.parametrize("matcher", MATCHERS)
def test_matches_into_lines_joined_without_their_prefix_are_found_as_line_by_line(matcher):
    """Stand-in: one-signature entries (written, not from the catalog) that read from the
    end of a line into the body of the line joined after it (`alpha` / `beta`, a
    PostgreSQL message / its DETAIL line), over random mixes of such lines: the bulk path,
    in blocks of a few hundred bytes and whole, finds what feeding line by line finds."""
    from checks.model import Fix, KnownFailure, Severity, Source

    def entry(number, signature):
        return KnownFailure(id=f"x{number}", title="X", severity=Severity.ERROR, sources=(Source.ANY,),
                            signatures=(signature,), explanation="why", fix=Fix("do", steps=("one",)))

    entries = [entry(n, s) for n, s in enumerate((r"alpha\s+beta", r"alpha\s+DETAIL", r"\bf\s+2026-11-27\s10",
                                                   r"alpha\s+2026-11-27\s10", r"\bf\s+DETAIL:\s"))]
    rng = random.Random(8088)
    found_any = 0
    for _ in range(40):
        lines = [line for _ in range(30) for line in (b"plain line", *_rewrite_lines(rng))]
        data = b"\n".join(lines) + b"\n"
        fed = Engine(entries, matcher=matcher, clock=lambda: 1.0)
        fed.feed_many(lines)
        fed.flush()
        expected = sorted((f.failure_id, f.count, tuple(f.evidence)) for f in fed.findings())
        found_any += len(expected)
        for block_size in (331, 1 << 20):
            bulk = Engine(entries, matcher=matcher, clock=lambda: 1.0)
            bulk.scan_stream(io.BytesIO(data), block_size=block_size)
            assert sorted((f.failure_id, f.count, tuple(f.evidence)) for f in bulk.findings()) == expected, data
    assert found_any > 40
