"""JSON record lines read natively (line_scan.records, _line_scan.c) as normalise reads
them, and the bulk path's shortcut over a block of them (bulk_scan._record_hits: no DAMAGE
hit a line) finds what the plain bulk path and feeding line by line find: escaped, unicode,
joined (messages starting with whitespace, the catalog's multi-line samples a line a
record) and anchored (`^`) cases (docs/knowledge/diagnose-speed.md, round 16).

Stand-in: none; the real catalog, normalize.normalise and the plain bulk path as references."""

from __future__ import annotations

import io
import json
import random

import pytest

import checks.engine.bulk_scan as bulk_scan
import checks.engine.normalize as normalize
from checks.catalog_loader import CATALOG_DIR, load_catalog, load_samples, sample_lines
from checks.engine import Engine, line_scan
from checks.engine.grouping import WRAP_WIDTH
from checks.engine.matcher import hyperscan_available
from tests.checks.test_normalise_recent import _app_log

MATCHERS = ["python"] + (["hyperscan"] if hyperscan_available() else [])
native = pytest.mark.skipif(line_scan._native_records is None, reason="_line_scan.c not built (or older than 8)")

EDGES = [
    b'{"time": "t", "message": "plain words"}',
    b'  {"time":"t","message":"leading and trailing spaces"}   ',
    b'{"time":"t","message":"  starts with spaces"}',
    b'{"time":"t","message":""}',
    b'{"message":"no time key","level":"x"}',
    b'{"ts":"2026-12-07T10:00:00.000Z","level":"INFO","message":"the app\'s own key"}',
    b'{"time":"t","message":5}',
    b'{"time":"t","message":"first","message":"second wins"}',
    b'{"time":"t","message":"x","log":7}',
    b'{"log":"a docker line","time":"t"}',
    b'{"log":null,"message":"m","date":1}',
    b'{"time":"t","message":"nested","extra":{"a":1}}',
    b'{"time":"t","message":"array","extra":[1]}',
    b'{"time":"t","message":"a","n":-0.5e+10,"b":true,"c":false,"d":null}',
    b'{"time":"t","message":"a","n":01}',
    b'{"time":"t","message":"a","n":1.}',
    b'{"time":"t","message":"a","n":NaN}',
    b'{"time":"t","message":"a","n":-Infinity}',
    b'{"time":"t","message":"esc \\"q\\" \\n"}',
    b'{"time":"t","message":"caf\xc3\xa9 \xe2\x80\x99q\xe2\x80\x99 nb\xc2\xa0sp"}',
    b'{"time":"t","message":"\xf0\x9f\x90\x8d snake \xe4\xb8\xad"}',
    b'{"time":"t","message":"surrogate \xed\xa0\x80"}',
    b'{"time":"t","message":"overlong \xc0\x80"}',
    b'{"time":"t","message":"cut \xe4\xb8"}',
    b'{"time":"t","message":"&amp; `tick` **bold** [a](http://a)"}',
    b'{"time":"t","message":"wrapped \xe2\x86\xb5"}',
    b'{"time":"t","message":"tab\there"}',
    b'{"time":"t",\t"message":"tab outside"}',
    b'{"time":"t","message":"a"} x',
    b'{"time":"t","message":"a",}',
    b'{"time" "t","message":"a"}',
    b'{}',
    b'{"time":"t","message":"\x7f del"}',
    b'{"time":"t","message":"^Error: anchored at the start"}',
    b'\xef\xbb\xbf{"time":"t","message":"bom"}',
    # `&`: refused only before an entity's second byte (VERSION 9); a URL's query is read
    b'{"time":"t","message":"GET /api/v1/pets?limit=20&offset=40 200"}',
    b'{"ts":"t","message":"GET /p?limit=20&offset=40 200","path":"/p?limit=20&offset=40"}',
    b'{"time":"t","message":"R&D &x &&b &1 &Q &A tail &"}',
    b'{"ts":"t","message":"&","path":"&"}',
    b'{"time":"t","message":"&"}',
    b'{"time":"t","message":"a &amp; b"}',
    b'{"ts":"t","message":"a &amp; b"}',
    b'{"time":"t","message":"q &quot;x&quot;"}',
    b'{"ts":"t","message":"q","path":"&quot;x&quot;"}',
    b'{"time":"t","message":"&#34; &#x22; &#39; &#x27; &#160; &#xa0;"}',
    b'{"ts":"t","message":"m","v":"&#39;"}',
    b'{"time":"t","message":"&apos;a&apos;"}',
    b'{"time":"t","message":"&lt;tag&gt;"}',
    b'{"ts":"t","message":"m","v":"&lt;"}',
    b'{"ts":"t","message":"m","v":"&gt;"}',
    b'{"time":"t","message":"no&nbsp;break"}',
    b'{"ts":"t","message":"no&nbsp;break"}',
    b'{"time":"t","message":"&&amp;lt;"}',
]


def _lines(seed: int, count: int) -> list[bytes]:
    """EDGES, the app log's lines, and those with a byte changed or put in at random."""
    rng = random.Random(seed)
    lines = EDGES + _app_log(seed, 400).split(b"\n")[:-1]
    noise = b'"\\{}[],: \t&`*]\xc2\xa0\xe2\x80\x99\xed\xa0\x80x0-.eE&&&q#alng;'
    for _ in range(count):
        line = bytearray(rng.choice(lines))
        at = rng.randrange(len(line) + 1)
        if rng.random() < 0.5 and at < len(line):
            line[at] = rng.choice(noise)
        else:
            line[at:at] = bytes((rng.choice(noise),))
        lines.append(bytes(line).replace(b"\n", b" "))
    return lines


@native
def test_records_reads_each_line_as_normalise_does():
    """A line read as its text gives normalise's answer; a line left as it is is one
    normalise leaves as it is; every other line is not decided (the plain path takes it)."""
    told = {"text": 0, "same": 0}
    for line in _lines(16, 4000):
        block = b"first\nsecond\n" + line + b"\n"
        answer = line_scan.records(block, 0, len(block), WRAP_WIDTH, normalize.MAX_LINE)
        if answer is None:
            continue
        text, starts, raw_starts, ends, raw_ends, same = answer
        assert raw_starts in ([], [13]) and same in ([], [13])
        if raw_starts:
            assert raw_ends == [13 + len(line)] and text[:13] == block[:13]
            assert text[starts[0]:ends[0]] == normalize.normalise(line), line
            told["text"] += 1
        else:
            assert text == block and normalize.normalise(line) == line, line
            told["same"] += 1
    # both answers well exercised (the draw follows the catalog's samples: a margin, not a count)
    assert told["text"] > 150 and told["same"] > 150


@native
def test_lines_at_a_cut_and_the_first_two_are_never_read_as_their_text():
    record = b'{"time":"t","message":"m"}'
    at_width = b'{"time":"t","message":"' + b"x" * (WRAP_WIDTH - len(record)) + b'm"}'
    assert len(at_width) == WRAP_WIDTH
    block = b"\n".join([record, record, record, at_width, record, record, record, b""])
    _, _, raw_starts, _, _, _ = line_scan.records(block, 0, len(block), WRAP_WIDTH, normalize.MAX_LINE)
    starts = [n * (len(record) + 1) for n in range(3)] + [3 * (len(record) + 1)]
    starts += [starts[-1] + WRAP_WIDTH + 1 + n * (len(record) + 1) for n in range(3)]
    assert raw_starts == [starts[2], starts[6]]
    assert line_scan.records(block, 0, len(block), WRAP_WIDTH, len(record) - 1) is None  # all too long


def test_every_trigger_holds_a_byte_records_refuses():
    assert line_scan.RECORD_SAFE


@native
@pytest.mark.skipif(getattr(line_scan._native, "VERSION", 0) < 9, reason="_line_scan.c older than 9")
def test_an_ampersand_outside_an_entity_is_read_and_every_entity_is_not():
    """The app's access lines to a list (`?limit=20&offset=40`) are decided (a query's `&`
    is no trigger); a record holding any of normalise's entities is not (left to the plain
    path), whichever letter follows the `&`."""
    def told(line):
        block = b"first\nsecond\n" + line + b"\n"
        return line_scan.records(block, 0, len(block), WRAP_WIDTH, normalize.MAX_LINE) is not None

    access = (b'{"ts": "2026-12-07T10:00:00.000Z", "level": "INFO", "logger": "petstore.access", '
              b'"message": "GET /api/v1/pets?limit=20&offset=40 200", "path": "/api/v1/pets?limit=20&offset=40"}')
    assert told(access) and told(access.replace(b'"ts"', b'"time"'))
    entities = [trigger for trigger in normalize.DAMAGE_TRIGGERS if trigger.startswith(b"&")]
    assert len(entities) == 12
    for entity in entities:
        for key in (b'"ts"', b'"time"'):
            line = access.replace(b"&offset", entity + b"offset").replace(b'"ts"', key)
            assert normalize.normalise(line) not in (line, json.loads(line)["message"].encode()), entity
            assert not told(line), entity


def _catalog_as_records(key: str) -> bytes:
    """Each positive sample, each of its lines a record's message, in order: multi-line
    events (tracebacks, hints, whitespace-led frames) and `^`-anchored signatures."""
    out = []
    for entry in sorted(d for d in CATALOG_DIR.iterdir() if d.is_dir()):
        for path in load_samples(entry)["positive"]:
            for n, line in enumerate(sample_lines(path)):
                text = line.decode("utf-8", "replace")
                out.append(json.dumps({key: f"2026-12-07T10:00:{n % 60:02d}Z", "level": "ERROR", "message": text},
                                      ensure_ascii=n % 2 == 0))
            out.append(json.dumps({key: "2026-12-07T10:01:00Z", "message": "GET /api/pets/1 200"}))
    return ("\n".join(out) + "\n").encode()


def _joined() -> bytes:
    lines = []
    for m in ["Traceback (most recent call last):", "  File /app/db.py, line 3, in connect",
              "sqlite3.OperationalError: attempt to write a readonly database",
              "psycopg2.OperationalError: could not connect to server: Connection refused",
              "\tIs the server running on host db (10.0.0.5) and accepting",
              "\tTCP/IP connections on port 5432?", "java.lang.IllegalStateException: boom",
              "    at com.example.Db.connect(Db.java:12)", "", "   ", "ImportError: cannot import name",
              "  'url_quote' from 'werkzeug.urls'"]:
        lines.append(json.dumps({"time": "2026-12-07T10:00:00Z", "message": m}))
    return ("\n".join(lines * 3) + "\n").encode()


def _ampersands() -> bytes:
    """The catalog's samples a line a record (`ts` and `time`), each between access lines
    whose query holds an `&` and records holding an entity (`&amp;`, `&lt;`, ...) in the
    message or another field, so a shortcut that read an entity's record as its text (or
    as itself) would miss or add what normalise's entity step brings."""
    out = []
    entities = [trigger.decode() for trigger in normalize.DAMAGE_TRIGGERS if trigger.startswith(b"&")]
    n = 0
    for entry in sorted(d for d in CATALOG_DIR.iterdir() if d.is_dir()):
        for path in load_samples(entry)["positive"]:
            for line in sample_lines(path):
                text = line.decode("utf-8", "replace")
                key = "ts" if n % 2 else "time"
                out.append(json.dumps({key: "2026-12-07T10:00:00Z", "message": f"GET /p?limit=20&offset={n} 200",
                                       "path": f"/p?limit=20&offset={n}"}))
                entity = entities[n % len(entities)]
                # the text with its quotes, brackets and ampersands as HTML entities (what a
                # pasted page holds): normalise gives back the text; one of them in a field
                html = text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
                out.append(json.dumps({key: "2026-12-07T10:00:00Z", "message": html if n % 3 else text,
                                       "v": entity}, ensure_ascii=False))
                n += 1
    return ("\n".join(out) + "\n").encode()


def _findings(engine: Engine) -> list:
    return sorted((f.failure_id, f.resource, f.count, tuple(f.evidence), f.first_seen) for f in engine.findings())


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(CATALOG_DIR)


@native
@pytest.mark.parametrize("matcher", MATCHERS)
@pytest.mark.parametrize("case", ["app", "catalog-time", "catalog-ts", "joined", "ampersands"])
def test_the_shortcut_finds_what_the_plain_bulk_path_and_the_line_path_find(catalog, monkeypatch, matcher, case):
    data = {"app": lambda: _app_log(7, 1200), "catalog-time": lambda: _catalog_as_records("time"),
            "catalog-ts": lambda: _catalog_as_records("ts"), "joined": _joined,
            "ampersands": _ampersands}[case]()
    taken = []
    real = bulk_scan.records

    def counted(*args):
        answer = real(*args)
        taken.append(answer is not None)
        return answer

    monkeypatch.setattr(bulk_scan, "RECORD_HITS", 1)  # every block with a DAMAGE hit tries it
    results = []
    for records, block_size in ((counted, 4096), (counted, 1 << 20), (lambda *args: None, 1 << 20)):
        monkeypatch.setattr(bulk_scan, "records", records)
        engine = Engine(catalog, matcher=matcher, clock=lambda: 1.0)
        engine.scan_stream(io.BytesIO(data), resource="log", block_size=block_size)
        assert engine.lines_read == data.count(b"\n")
        results.append(_findings(engine))
    engine = Engine(catalog, matcher=matcher, clock=lambda: 1.0)
    engine.feed_many(data.split(b"\n")[:-1], resource="log")
    engine.flush()
    results.append(_findings(engine))
    assert any(taken)
    assert results[0] == results[2] and results[1] == results[2] and results[3] == results[2]
    assert len(results[0]) >= (1 if case == "joined" else 10)


def test_without_the_native_helper_nothing_is_read_as_a_record(monkeypatch):
    monkeypatch.setattr(line_scan, "_native_records", None)
    block = b'a\nb\n{"time":"t","message":"m"}\n'
    assert line_scan.records(block, 0, len(block), WRAP_WIDTH, normalize.MAX_LINE) is None


@native
@pytest.mark.skipif(not hyperscan_available(), reason="Hyperscan is not installed")
@pytest.mark.parametrize("case", ["app", "catalog-ts", "edges", "ampersands"])
def test_the_native_skip_drops_what_record_hits_drops(catalog, case):
    """matcher.candidates_skipping (_hs_native.c `scan_skipping`, round 18): the text
    pass's hits without the DAMAGE hits ending in a line records() leaves as it is, the
    same as the plain pass with _record_hits' own rule applied (the last byte of a hit,
    its line's start in `same`), and every other hit kept in its order."""
    from checks.engine.literal_filter import DAMAGE

    engine = Engine(catalog, matcher="hyperscan", clock=lambda: 1.0)
    matcher = engine.matcher
    if matcher.candidates_skipping(b"x\n", [0]) is None:
        pytest.skip("_hs_native.c without scan_skipping (or the wheel)")
    data = {"app": lambda: _app_log(7, 1200), "catalog-ts": lambda: _catalog_as_records("ts"),
            "edges": lambda: b"\n".join(_lines(18, 3000)) + b"\n", "ampersands": _ampersands}[case]()
    checked = 0
    for lo in range(0, len(data), 1 << 16):
        hi = data.find(b"\n", lo + (1 << 16))
        hi = len(data) if hi < 0 else hi + 1
        lo = data.rfind(b"\n", 0, lo) + 1
        fast = line_scan.records(data, lo, hi, WRAP_WIDTH, normalize.MAX_LINE)
        if fast is None:
            continue
        text, same = fast[0], fast[5]
        starts = set(same)
        expected = [(index, end) for index, end in matcher.candidates(text, prefixed=False)
                    if not (index == DAMAGE and text.rfind(b"\n", 0, max(end - 1, 0)) + 1 in starts)]
        got = matcher.candidates_skipping(text, list(same))
        got = [(index, end) for index, end in got
               if not (index == DAMAGE and text.rfind(b"\n", 0, max(end - 1, 0)) + 1 in starts)]
        assert got == expected
        checked += len(same)
    assert checked or case == "edges"


@native
@pytest.mark.parametrize("matcher", MATCHERS)
@pytest.mark.parametrize("threads", [False, True])
def test_after_a_block_read_as_records_its_raw_pass_is_not_run(catalog, monkeypatch, matcher, threads):
    """Round 19: the block after one read as records asks records() first, and its raw
    pass (whose hits _record_hits replaces whole) runs, or starts on a thread, only where
    records() refuses. On a log of records the raw pass then covers the first block and
    the few lines before each later block's first sync point, not the whole log; the
    findings are those of the plain bulk path."""
    data = _app_log(7, 6000)
    block_size = 1 << 16
    texts = []
    real = bulk_scan.records

    def kept(*args):
        answer = real(*args)
        if answer is not None:
            texts.append(answer[0])
        return answer

    monkeypatch.setattr(bulk_scan, "records", kept)
    monkeypatch.setattr(bulk_scan, "_core_free", lambda: threads)
    engine = Engine(catalog, matcher=matcher, clock=lambda: 1.0)
    matcher_of = engine.matcher
    raw = []
    candidates, begin = matcher_of.candidates, matcher_of.candidates_begin

    def counted(block, prefixed=True):
        if not any(block is text for text in texts):
            raw.append(len(block))
        return candidates(block, prefixed)

    def begun(buf, lo, hi):
        started = begin(buf, lo, hi)
        if started is not None:
            raw.append(hi - lo)
        return started

    monkeypatch.setattr(matcher_of, "candidates", counted)
    monkeypatch.setattr(matcher_of, "candidates_begin", begun)
    engine.scan_stream(io.BytesIO(data), resource="log", block_size=block_size)
    assert len(data) > 10 * block_size and len(texts) >= 10
    assert sum(raw) < 2 * block_size, (sum(raw), len(data))
    monkeypatch.setattr(bulk_scan, "records", lambda *args: None)
    plain = Engine(catalog, matcher=matcher, clock=lambda: 1.0)
    plain.scan_stream(io.BytesIO(data), resource="log", block_size=block_size)
    assert _findings(engine) == _findings(plain) and len(_findings(plain)) >= 10
