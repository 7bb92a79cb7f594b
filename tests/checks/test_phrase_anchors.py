"""Plain phrases looked for by an anchor word, then confirmed around it
(checks/engine/matcher.py: `phrase_words`, `phrase_windows`): the Hyperscan matcher's
candidates must be exactly those of a database of the whole phrases, the layout before
(docs/knowledge/diagnose-speed.md, round 12).

Stand-ins: none; the reference is the same matcher with no signature read as a phrase.
"""

from __future__ import annotations

import random

import pytest

import checks.engine.hs_backend as hs_backend
import checks.engine.matcher as matcher_module
from checks.catalog_loader import CATALOG_DIR, load_catalog
from checks.engine import Engine
from checks.engine.matcher import MAX_ANCHORS, MAX_WALK, HyperscanMatcher, anchor_word, phrase_words

BACKENDS = [pytest.param(kind, marks=pytest.mark.skipif(
    not hs_backend.available(kind), reason=f"Hyperscan's {kind} backend is not there (see hs_backend.py)"))
    for kind in ("system", "wheel")]

PHRASES = [
    r"Requested\s+image\s+not\s+found",
    r"no\s+basic\s+auth\s+credentials",
    r"Unable\s+to\s+locate\s+credentials",
    r"static\s+credentials\s+are\s+empty",
    r"api\s+error\s+DependencyViolation:",
    r"Reason:\s+App\s+failed\s+to\s+load",
    r"fe_sendauth:\s+no\s+password\s+supplied",
    r"aa\s+aaaa\s+aa",  # the anchor word inside the words around it, and overlapping itself
    r"can't\s+x-y\s+x-y",  # equal words: the last is the anchor
]
OTHERS = [r"ImageNotFoundException", r"^boom\s+(?:now|later)$", r"\bdenied\b"]
SPACES = [b" ", b"  ", b"\t", b"\n", b" \n ", b"\r\n", b"\x0b", b"\x0c", b"\n\n\n"]


def reference(signatures, kind, monkeypatch):
    """The matcher with every signature in the block database whole (no anchor words)."""
    with monkeypatch.context() as patch:
        patch.setattr(matcher_module, "phrase_words", lambda signature: None)
        return HyperscanMatcher(signatures, backend=kind)


def phrase_text(rng: random.Random, signature: str) -> bytes:
    """The phrase, whole or cut short, its words in random case, joined by random
    whitespace (now and then a word mistyped)."""
    words = signature.encode().split(b"\\s+")
    if rng.random() < 0.3:
        words = words[rng.randrange(len(words)):rng.randrange(len(words)) + 1] or words[:1]
    out = []
    for word in words:
        word = bytes(b ^ 0x20 if 97 <= (b | 0x20) <= 122 and rng.random() < 0.3 else b for b in word)
        if rng.random() < 0.05:
            word = word[:-1] + b"#"
        out.append(word)
    glue = [rng.choice(SPACES) if rng.random() < 0.9 else b"" for _ in out]
    return b"".join(w + g for w, g in zip(out, glue, strict=True))


def random_block(rng: random.Random, signatures: list[str], size: int) -> bytes:
    parts = []
    while sum(map(len, parts)) < size:
        pick = rng.random()
        if pick < 0.4:
            parts.append(phrase_text(rng, rng.choice(signatures)))
        elif pick < 0.55:
            parts.append(anchor_word(phrase_words(rng.choice(PHRASES))))
        elif pick < 0.6:
            parts.append(rng.choice([b"boom now", b"boom later", b"denied", b"imagenotfoundexception"]))
        else:
            parts.append(rng.choice([b"healthy line ", b"x", b"\n", b"GET /api/v1/pets 200 ", b"{\"log\":1}", b"`"]))
        parts.append(rng.choice(SPACES + [b""]))
    return b"".join(parts)


def test_only_plain_words_joined_by_whitespace_make_a_phrase():
    assert phrase_words(r"Requested\s+image\s+not\s+found") == (b"Requested", b"image", b"not", b"found")
    assert phrase_words(r"can't\s+x-y") == (b"can't", b"x-y")
    for signature in (r"ImageNotFoundException", r"a\s*b", r"a\s+b.c", r"a\s+(?:b|c)", r"^a\s+b", r"a\s+b\b",
                      r"a\s+b\s", r"a\s+\d+", r"a\s{1,3}b", r"a\sb", r"a\s+b?"):
        assert phrase_words(signature) is None, signature
    assert anchor_word((b"no", b"password", b"supplied")) == b"supplied"  # the last of equals
    assert anchor_word((b"no", b"passwords", b"supplied")) == b"passwords"
    assert anchor_word((b"x-y", b"ab", b"x-y")) == b"x-y"


@pytest.mark.parametrize("kind", BACKENDS)
@pytest.mark.parametrize("seed", range(4))
def test_candidates_are_those_of_the_whole_phrases(kind, seed, monkeypatch):
    signatures = PHRASES + OTHERS
    fast, plain = HyperscanMatcher(signatures, backend=kind), reference(signatures, kind, monkeypatch)
    assert set(fast._phrases) == set(range(len(PHRASES)))
    rng = random.Random(seed)
    for _ in range(60):
        block = random_block(rng, signatures, rng.choice([40, 400, 4000]))
        assert sorted(fast.candidates(block)) == sorted(plain.candidates(block)), block
        lo, hi = sorted(rng.sample(range(len(block) + 1), 2))
        with memoryview(block) as view, view[lo:hi] as part:  # a slice, as the bulk path passes
            assert sorted(fast.candidates(part, prefixed=False)) == sorted(plain.candidates(part, prefixed=False))
        event = block[:300]
        assert fast.match(event) == plain.match(event)


@pytest.mark.parametrize("kind", BACKENDS)
def test_many_anchors_and_long_whitespace_take_the_whole_block(kind, monkeypatch):
    signatures = PHRASES + OTHERS
    fast, plain = HyperscanMatcher(signatures, backend=kind), reference(signatures, kind, monkeypatch)
    many = b"credentials " * (MAX_ANCHORS + 1) + b"no basic auth\n\ncredentials"
    wide = b"Unable to" + b" " * (MAX_WALK + 10) + b"locate\tcredentials" + b"\n" * (MAX_WALK + 5) + b"x"
    edge = b"locate credentials are empty"  # a match cut by the block's start
    for block in (many, wide, edge, b"credentials", b""):
        assert sorted(fast.candidates(block)) == sorted(plain.candidates(block))


def test_the_started_scan_confirms_as_the_scan_does(monkeypatch):
    if not hs_backend.available("system"):
        pytest.skip("needs the system library's binding (scan_begin)")
    signatures = PHRASES + OTHERS
    fast, plain = HyperscanMatcher(signatures, backend="system"), reference(signatures, "system", monkeypatch)
    rng = random.Random(9)
    for _ in range(20):
        block = random_block(rng, signatures, 3000)
        lo, hi = sorted(rng.sample(range(len(block) + 1), 2))
        started = fast.candidates_begin(block, lo, hi)
        if started is None:
            continue
        assert sorted(started.hits()) == sorted(plain.candidates(block[lo:hi], prefixed=False))


def test_a_database_cached_before_the_anchor_words_is_not_loaded(tmp_path, monkeypatch):
    if not hs_backend.available():
        pytest.skip("no Hyperscan")
    signatures = PHRASES + OTHERS
    HyperscanMatcher(signatures, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("hyperscan-*.db"))) == 3  # the block's, the phrases' and the short triggers'
    assert HyperscanMatcher(signatures, cache_dir=tmp_path).cached
    # another layout (as main's, whose key lacks PHRASE_LAYOUT) never finds these files
    monkeypatch.setattr(matcher_module, "PHRASE_LAYOUT", "another layout")
    assert not HyperscanMatcher(signatures, cache_dir=tmp_path).cached


@pytest.mark.parametrize("kind", BACKENDS)
def test_the_catalogs_phrases_find_the_same_with_and_without_anchor_words(kind, monkeypatch):
    """The catalog's entries holding plain phrases, with those signatures only (a whole
    catalog's compile takes seconds), over their phrases in random whitespace and case."""
    catalog = [entry.replace(signatures=tuple(s for s in entry.signatures if phrase_words(s)))
               for entry in load_catalog(CATALOG_DIR) if any(phrase_words(s) for s in entry.signatures)]
    assert catalog  # the catalog has plain phrases
    phrases = [s for entry in catalog for s in entry.signatures]
    rng = random.Random(3)
    log = b"".join(phrase_text(rng, rng.choice(phrases)) + rng.choice([b"\n", b" x\n", b"\n\n", b"\n  at y\n"])
                   for _ in range(600))
    fast = Engine(catalog, matcher=HyperscanMatcher(phrases, backend=kind))
    found = fast.scan_bytes(log)
    plain = Engine(catalog, matcher=reference(phrases, kind, monkeypatch))
    assert not plain.matcher._phrases and fast.matcher._phrases
    expected = plain.scan_bytes(log)

    def summary(findings):
        return sorted((f.failure_id, f.resource, f.count, tuple(f.evidence)) for f in findings)
    assert summary(found) == summary(expected) and found
