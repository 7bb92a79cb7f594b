"""Lines a tool prefix before indentation or a box border starts, found by
checks/engine/line_scan.py (the native helper and its pure-Python twin)
instead of as patterns in Hyperscan's database (issue 14): with the damage triggers and
wrap marks still in the database, exactly the lines it flagged before."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from checks.catalog_loader import CATALOG_DIR, load_samples, sample_lines
from checks.engine import line_scan
from checks.engine.grouping import PREFIXED_OR_BOXED, REGROUP_PATTERNS, WRAP_MARKS
from checks.engine.literal_filter import DAMAGE
from checks.engine.matcher import HyperscanMatcher, hyperscan_available
from checks.engine.normalize import DAMAGE_TRIGGERS

REALWORLD_LOGS = Path(__file__).parent.parent / "realworld" / "logs"
needs_hyperscan = pytest.mark.skipif(not hyperscan_available(), reason="hyperscan is not installed")

# What the patterns look at: every trigger whole and cut short, the start of each prefix
# alternative whole and broken, box borders, bytes of \s, and UTF-8 lead bytes alone.
PIECES = [
    *DAMAGE_TRIGGERS, *WRAP_MARKS, b"&", b"\\", b'"', b'"lo', b'"me', b"]", b"](", b"*", b"`", b"\xe2", b"\xe2\x80",
    b"\xe2\x86", b"\xe2\x94", b"\xc2", b"&#3", b"&#x2", b"&am",
    b"2026-11-27T10:00:01.5Z", b"2026-11-27T10:00:01", b"2026-11-27T", b"2026-11-2", b"+01:30", b"-0130", b"+01",
    b"Z", b"T", b"[pod/web-1]", b"[pod/", b"[pod/]", b"May 15 23:09:27 ", b"Jun  1 01:02:03 ", b"May 15 ", b"host",
    b"unit", b"[12]", b"[]", b"[x]", b":", b": ", b"web-1", b".", b"-", b"_", b" | ", b"|", b"| ", b">", b"> ",
    b">>", b" ", b"  ", b"    ", b"\t", b"7", b"12345", b"123456", b"\xe2\x94\x82", b"\xe2\x94\x83",
    b"\xe2\x95\x91", b"\n", b"x", b"Ab", b"\x0b", b"\x0c", b"\r",
    b"[pod/a\x0bb] ", b"May 15 23:09:27 h\x0cst unit: ", b"May 15 23:09:27 host u\rnit[1]: ",
]


def _old_database():
    """The damage triggers and REGROUP_PATTERNS compiled as HyperscanMatcher held them in
    its database before issue 14's change (the yardstick)."""
    import hyperscan

    expressions = ["".join(f"\\x{b:02x}" for b in t).encode() for t in DAMAGE_TRIGGERS] + list(REGROUP_PATTERNS)
    flags = [0] * len(DAMAGE_TRIGGERS) + [hyperscan.HS_FLAG_MULTILINE] * len(REGROUP_PATTERNS)
    db = hyperscan.Database()
    db.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), flags=flags)
    return db, hyperscan.Scratch(db)


def _hyperscan_lines(database, buf: bytes, lo: int, hi: int) -> list[int]:
    """The ends of the lines of buf[lo:hi] where the old database reported a match."""
    db, scratch = database
    data = buf[lo:hi]
    ends: set[int] = set()

    def on_match(_index, _start, end, _flags, _ctx):
        nl = data.find(b"\n", end - 1)
        ends.add(lo + (len(data) if nl < 0 else nl))

    if data:
        db.scan(data, match_event_handler=on_match, scratch=scratch)
    return sorted(ends)


def _postgres_prefixed_lines(buf: bytes, lo: int, hi: int) -> list[int]:
    """The ends of the lines of buf[lo:hi] with a tool prefix (grouping.PREFIX, anything
    after it) and a PostgreSQL secondary label (grouping._PG_SECONDARY): flagged too since
    round 8 (the grouping joins such a line to its message without the prefix)."""
    from checks.engine.grouping import _PG_SECONDARY, _PREFIX

    ends, start = [], lo
    for line in buf[lo:hi].split(b"\n"):
        if _PG_SECONDARY.search(line) and _PREFIX.match(line):
            ends.append(start + len(line))
        start += len(line) + 1
    return ends


def _expected_lines(database, buf: bytes, lo: int, hi: int) -> list[int]:
    return sorted({*_hyperscan_lines(database, buf, lo, hi), *_postgres_prefixed_lines(buf, lo, hi)})


_MATCHER: list[HyperscanMatcher] = []


def _every_way(buf: bytes, lo: int, hi: int) -> dict[str, list[int]]:
    """The ends of the lines of buf[lo:hi] flagged DAMAGE by today's Hyperscan matcher
    (no signature), on its own and as the bulk path asks (the prefixed lines from its
    own pass), with the native helper and with the pure-Python one."""
    if not _MATCHER:
        _MATCHER.append(HyperscanMatcher([]))
    matcher = _MATCHER[0]
    ways = {"python": None}
    if line_scan.NATIVE:
        ways["native"] = line_scan._native_scan
    found = {}
    original = line_scan._native_scan
    try:
        for way, helper in ways.items():
            line_scan._native_scan = helper
            found[f"{way}, matcher"] = _hit_lines(buf, lo, hi, matcher.candidates(memoryview(buf)[lo:hi]))
            rest = _hit_lines(buf, lo, hi, matcher.candidates(buf[lo:hi], prefixed=False))
            found[f"{way}, bulk pass"] = sorted({*rest, *line_scan.scan_lines(buf, lo, hi, 80, True)[2]})
    finally:
        line_scan._native_scan = original
    return found


def _hit_lines(buf: bytes, lo: int, hi: int, hits) -> list[int]:
    data = buf[lo:hi]
    ends = set()
    for index, end in hits:
        assert index == DAMAGE
        nl = data.find(b"\n", end - 1)
        ends.add(lo + (len(data) if nl < 0 else nl))
    return sorted(ends)


def _random_buffer(rng: random.Random) -> bytes:
    lines = [b"".join(rng.choice(PIECES) for _ in range(rng.randrange(9))) for _ in range(rng.randrange(1, 12))]
    if rng.random() < 0.2:
        lines.append(bytes(rng.randrange(256) for _ in range(rng.randrange(40))))
    return b"\n".join(lines) + rng.choice([b"", b"\n"])


@needs_hyperscan
def test_flagged_lines_are_the_lines_the_old_database_flagged():
    """Stand-in: none; random buffers built from the patterns' own pieces (so most lines
    hold a near miss), ranges starting at any line, with and without a final newline,
    a line without its newline at the end."""
    database = _old_database()
    rng = random.Random(14)
    flagged = 0
    for _ in range(20000):
        buf = _random_buffer(rng)
        lo = rng.choice([0] + [i + 1 for i, byte in enumerate(buf) if byte == 10])
        hi = rng.choice([len(buf)] + [i + 1 for i, byte in enumerate(buf) if byte == 10 and i >= lo])
        expected = _hyperscan_lines(database, buf, lo, hi)
        for way, found in _every_way(buf, lo, hi).items():
            assert found == expected, (way, buf, lo, hi)
        flagged += len(expected)
    assert flagged > 20000  # the near misses did not crowd out the hits


def _real_text() -> bytes:
    """Every sample of the real catalog and every realworld log, CRLF turned into LF as
    the bulk path does before it looks (noise removed), and each line with a tool prefix
    or a box border put in front of it once more."""
    texts: list[bytes] = []
    for entry_dir in sorted(p for p in CATALOG_DIR.iterdir() if p.is_dir()):
        samples = load_samples(entry_dir)
        for path in samples["positive"] + samples["negative"]:
            texts.extend(sample_lines(path))
    texts.extend(path.read_bytes() for path in sorted(REALWORLD_LOGS.rglob("*")) if path.is_file())
    lines = b"\n".join(texts).replace(b"\r", b"").split(b"\n")
    prefixes = [b"2026-11-27T10:00:01.123456789Z ", b"[pod/petstore-7f9] ", b"web-1  | ",
                b"May 15 23:09:27 ip-10-0-1-5 kubelet[812]: ", b"> ", b"  12 | ", b"\xe2\x94\x82 "]
    return b"\n".join(lines + [prefixes[n % len(prefixes)] + line for n, line in enumerate(lines)])


@needs_hyperscan
def test_flagged_lines_of_real_logs_are_the_old_databases():
    """Stand-in: none; the real catalog's samples and the realworld logs, as they are and
    with a prefix before each line, whole and cut into blocks at every 4099th line start
    (and, since round 8, the prefixed PostgreSQL secondary lines among them)."""
    database = _old_database()
    text = _real_text()
    expected = _expected_lines(database, text, 0, len(text))
    assert len(expected) > 1000 and _postgres_prefixed_lines(text, 0, len(text))
    for way, found in _every_way(text, 0, len(text)).items():
        assert found == expected, way
    starts = [0] + [i + 1 for i, byte in enumerate(text) if byte == 10][4098::4099] + [len(text)]
    for lo, hi in zip(starts, starts[1:], strict=False):
        for way, found in _every_way(text, lo, hi).items():
            assert found == _expected_lines(database, text, lo, hi), (way, lo, hi)


@needs_hyperscan
def test_every_trigger_and_wrap_mark_flags_its_line():
    """Stand-in: none; every trigger, in a line and as the unterminated last line."""
    for trigger in (*DAMAGE_TRIGGERS, *WRAP_MARKS):
        buf = b"plain\n" + b"x" * 40 + trigger + b"y" * 40 + b"\nplain\n" + trigger
        expected = [46 + len(trigger) + 40, len(buf)]
        for way, found in _every_way(buf, 0, len(buf)).items():
            assert found == expected, (way, trigger)


def test_prefixed_and_boxed_lines_are_flagged_and_plain_ones_are_not():
    """Stand-in: none; one line of each shape grouping.py rewrites, and near misses."""
    rewritten = [b"2026-11-27T10:00:01Z   at main()", b"2026-11-27T10:00:01+01:30 \tx", b"[pod/web-1]  x",
                 b"May 15 23:09:27 host unit[12]:  x", b"web-1  |   x", b"> > x", b">  x", b"  12 |  x", b"3\t x",
                 b"\t\xe2\x94\x82 x", b"[pod/web-1] 2026-11-27T10:00:01Z  x"]
    plain = [b"2026-11-27T10:00:01Z x", b"2026-11-27T10:00:01Z", b"[pod/web-1] x", b"May 15 23:09:27 host unit: x",
             b"web-1 | x", b">x", b"123456 | x", b"     1 | x", b"x \xe2\x94\x82", b""]
    buf = b"\n".join(rewritten + plain)
    ends = [i for i, byte in enumerate(buf) if byte == 10] + [len(buf)]
    assert line_scan.python_scan_lines(buf, 0, len(buf), 80, True)[2] == ends[:len(rewritten)]
    if line_scan.NATIVE:
        assert line_scan.scan_lines(buf, 0, len(buf), 80, True)[2] == ends[:len(rewritten)]


def test_the_native_line_test_is_written_for_these_patterns():
    """Stand-in: none; _line_scan.c's prefix_at and boxed follow these patterns by hand:
    a change to grouping.PREFIX_ALTERNATIVES or BOX goes there too, then here."""
    assert PREFIXED_OR_BOXED == (
        rb"^(?:\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:?\d\d)?\x20|\[pod/[^\]\s]+\]\x20"
        rb"|[A-Z][a-z]{2}\x20[\x20\d]\d\x20\d\d:\d\d:\d\d\x20[^\s:]+\x20[^\s:\[]+(?:\[\d+\])?:\x20"
        rb"|[\w.-]+\x20*\|\x20|(?:>\x20?)+|\x20{0,4}\d{1,5}(?:\x20?\|\x20?|\t|\x20\x20)){1,2}[\x20\t]",
        rb"^(?:[\x20\t]*(?:\xe2\x94\x82|\xe2\x94\x83|\xe2\x95\x91)+\x20?)+",
    )


FIXTURES = Path(__file__).parent / "fixtures" / "catalog"
MATCHERS = ["python"] + (["hyperscan"] if hyperscan_available() else [])
DENIED = b"error AccessDenied: User: arn:aws:sts::123456789012:assumed-role/petstore-alb-controller/1700 is not authorized"
# a message that reads whole only once the grouping drops each line's prefix or border
WRAPPED = (
    [b"2026-11-27T10:00:01.5Z " + DENIED, b"2026-11-27T10:00:01.5Z     to perform: elasticloadbalancing:AddTags x"],
    [b"web-1  | ImportError: cannot import name", b"web-1  |   'url_quote' from 'werkzeug.urls'"],
    [b"\xe2\x94\x82 " + DENIED, b"\xe2\x94\x82 to perform: elasticloadbalancing:AddTags \xe2\x94\x82"],
    [b"May 15 23:09:27 ip-10-0-1-5 app[812]: ImportError: cannot import name",
     b"May 15 23:09:27 ip-10-0-1-5 app[812]:   'url_quote' from 'werkzeug.urls'"],
)


@pytest.mark.parametrize("matcher", MATCHERS)
@pytest.mark.parametrize("helper", ["native", "python"])
@pytest.mark.parametrize(("crlf", "final_newline", "block_size"), [
    (False, True, 4096), (True, True, 977), (False, False, 1 << 20), (True, False, 1021),
])
def test_messages_across_prefixes_are_found_as_line_by_line(monkeypatch, matcher, helper, crlf, final_newline,
                                                            block_size):
    """Stand-in: none; messages wrapped under a kubectl --timestamps prefix, a docker
    compose prefix, a box border and a journald prefix, among plain lines, read in blocks
    that end anywhere (inside a border's UTF-8 bytes too), with CRLF and without a final
    newline: the bulk path finds what feeding line by line finds."""
    from checks.catalog_loader import load_catalog
    from checks.engine import Engine

    if helper == "native" and not line_scan.NATIVE:
        pytest.skip("checks/engine/_line_scan.c is not built here")
    if helper == "python":
        monkeypatch.setattr(line_scan, "_native_scan", None)
    lines: list[bytes] = []
    for number in range(2000):
        lines.append(b"plain line %d" % number)
        if number % 97 == 5:
            lines.extend(WRAPPED[number % len(WRAPPED)])
    data = (b"\r\n" if crlf else b"\n").join(lines) + (b"\r\n" if crlf else b"\n") * final_newline
    catalog = load_catalog(FIXTURES)
    bulk = Engine(catalog, matcher=matcher, clock=lambda: 1.0)
    bulk.scan_stream(io.BytesIO(data), resource="log", block_size=block_size)
    one_by_one = Engine(catalog, matcher=matcher, clock=lambda: 1.0)
    one_by_one.feed_many(data.split(b"\n")[:len(data.split(b"\n")) - final_newline], resource="log")
    one_by_one.flush()
    found = sorted((f.failure_id, f.count, tuple(f.evidence)) for f in bulk.findings())
    assert found == sorted((f.failure_id, f.count, tuple(f.evidence)) for f in one_by_one.findings())
    assert [(f[0], f[1]) for f in found] == [("fixture-addtags-denied", 10), ("fixture-werkzeug-url-quote", 11)]
