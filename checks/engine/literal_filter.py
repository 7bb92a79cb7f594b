"""The pure-Python matcher's pre-filter: required literals found in a few anchored `re`
passes over a block, and the lines with paste damage."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from checks.engine.grouping import WRAP_MARKS
from checks.engine.literals import required_sets
from checks.engine.normalize import DAMAGE_TRIGGERS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of diagnose's start)
if TYPE_CHECKING:
    from typing import Any

DAMAGE = -1  # candidates() index of a paste-damage trigger (see normalize.DAMAGE_TRIGGERS)
NEEDLE = 5  # bytes of a literal the Python filter looks for at least (see LiteralFilter)


# Rough share of each byte in lower-cased log text: English letter frequencies plus the
# digits, spaces and punctuation logs are full of. Only the order of magnitude matters.
_SHARE = {byte: share for chars, share in (
    (b" e", 0.1), (b"taoinsr0123456789", 0.05), (b'lcdumph."/:-', 0.025), (b"gfbywvk=,_", 0.01),
) for byte in chars}
_RARE_SHARE = 0.002  # any other byte
# A pass costs ~0.25 ns a byte of block, plus ~12 ns for each occurrence of its anchor
# byte (a call into the regex engine's matcher), so a common anchor can cost several
# passes. Weight and NEEDLE were measured together on the benchmark's log, the realworld
# samples and a dpkg log: 5-20 with NEEDLE 5 was among the fastest on all three; weight
# 50, or NEEDLE 4 or 6, was 20-45% slower on one of them.
_OCCURRENCE_COST = 20


def _share(byte: int) -> float:
    return _SHARE.get(byte, _RARE_SHARE)


def _pass_cost(byte: int) -> float:
    return 1 + _OCCURRENCE_COST * _share(byte)


def _anchor_positions(literal: bytes) -> range:
    """Where a needle for `literal` may start: NEEDLE bytes of it at least follow (a
    shorter needle would flag many lines that lack the literal)."""
    return range(len(literal) - min(len(literal), NEEDLE) + 1)


def _anchor_bytes(literal: bytes) -> set[int]:
    return {literal[i] for i in _anchor_positions(literal)}


def _rarest(sets: list[frozenset[bytes]]) -> frozenset[bytes]:
    """The literal set likely to occur least: longest weakest literal (a long literal is
    seldom a common word), then fewest literals, then the rarest bytes."""
    def expected(literals: frozenset[bytes]) -> float:
        total = 0.0
        for literal in literals:
            p = 1.0
            for byte in literal:
                p *= _share(byte)
            total += p
        return total

    return max(sets, key=lambda s: (min(len(x) for x in s), -len(s), -expected(s), sorted(s)))


def _choose_anchors(literals: Iterable[bytes]) -> set[int]:
    """Few, rare bytes such that every literal has an anchor byte (greedy weighted set
    cover: each anchor byte costs one pass over a block)."""
    todo = set(literals)
    candidates = sorted(set().union(*(_anchor_bytes(x) for x in todo)))
    chosen: set[int] = set()
    while todo:
        byte = max(candidates, key=lambda b: sum(b in _anchor_bytes(x) for x in todo) / _pass_cost(b))
        chosen.add(byte)
        todo = {x for x in todo if byte not in _anchor_bytes(x)}
    return chosen


def _trie_regex(needles: set[bytes]) -> bytes:
    """A regex matching where any needle starts, as a trie (nested alternation) so that a
    position of the text meets few branches. A needle that extends another is dropped:
    the filter only needs the lines where some needle occurs."""
    if b"" in needles:
        return b""
    heads = sorted({needle[:1] for needle in needles})
    parts = [re.escape(h) + _trie_regex({n[1:] for n in needles if n[:1] == h}) for h in heads]
    return parts[0] if len(parts) == 1 else b"(?:" + b"|".join(parts) + b")"


def _compile_passes(needles: dict[bytes, bytes], owners: dict[bytes, tuple[int, ...]]):
    """(first byte, regex, ((literal, owners), ...)) for each first byte of the needles
    (literal -> the needle it is found by)."""
    groups: dict[bytes, dict[bytes, bytes]] = {}
    for literal, needle in needles.items():
        groups.setdefault(needle[:1], {})[literal] = needle
    return tuple(
        (first, re.compile(_trie_regex(set(group.values()))), tuple((x, owners[x]) for x in sorted(group)))
        for first, group in sorted(groups.items())
    )


def literal_hits(data: bytes, passes) -> list[tuple[int, int]]:
    """(owner, offset in the line) for every line of `data` holding a pass's literal."""
    hits: list[tuple[int, int]] = []
    find, rfind = data.find, data.rfind
    for first, regex, literals in passes:
        if first not in data:  # a memchr: much quicker than the regex's own scan
            continue
        search = regex.search
        m = search(data)
        while m is not None:
            at = m.end()
            start = rfind(b"\n", 0, at) + 1
            end = find(b"\n", at)
            line = data[start:] if end < 0 else data[start:end]
            for literal, owners in literals:
                if literal in line:
                    hits.extend((i, at) for i in owners)
            if end < 0:
                break
            m = search(data, end + 1)  # the line is done: on to the next one
    return hits


class LiteralFilter:
    """Flags the lines of a block where signatures may match, in a few C-speed passes.

    Each signature is served by one set of its required literals (one of them occurs in
    every match). Each literal is found through a needle: its tail from an anchor byte.
    The needles sharing an anchor byte make one regex (a trie) starting with that byte:
    `re` looks for a regex's fixed first byte in a tight C loop and tries the rest only
    where the byte occurs, so a block costs one pass per anchor byte (six for the
    catalog), not one per literal (about a hundred). Only a line where a needle occurs
    meets Python: the pass's literals are checked in it with `in`, and the scan moves on
    to the next line (one hit a line is all the engine needs).
    Signatures without a usable literal run their own regex over the block (slow, correct)."""

    def __init__(self, signatures: Sequence[str], indices: Iterable[int], matcher: Any):  # a matcher._Base: its compiled patterns serve `bare`
        self._matcher = matcher
        options = {i: required_sets(signatures[i]) for i in indices}
        self.bare = tuple(i for i, sets in options.items() if not sets)
        owners: dict[bytes, list[int]] = {}
        for index, sets in options.items():
            if sets:
                for literal in _rarest(sets):
                    owners.setdefault(literal, []).append(index)
        self.literals = {literal: tuple(found) for literal, found in owners.items()}
        anchors = _choose_anchors(owners)
        needles = {}
        for literal in owners:  # from its cheapest anchor byte, as early as can be
            at = min((i for i in _anchor_positions(literal) if literal[i] in anchors),
                     key=lambda i: (_pass_cost(literal[i]), i))
            needles[literal] = literal[at:]
        self.passes = _compile_passes(needles, self.literals)

    def candidates(self, block: bytes) -> list[tuple[int, int]]:
        """(signature index, offset in the line) for every line of `block` holding one of
        the signature's literals; a superset of the lines where the signature matches."""
        hits = literal_hits(block.lower(), self.passes) if self.passes else []
        for i in self.bare:
            pattern = self._matcher.patterns[i]
            pos = 0
            while True:
                m = pattern.search(block, pos)
                if m is None:
                    break
                hits.append((i, m.end()))
                # restart on the line after the match's start, not after its end, so a
                # match running across lines never hides one that starts later
                nl = block.find(b"\n", m.start())
                if nl < 0:
                    break
                pos = nl + 1
        return hits

    def flagged(self, event: bytes) -> set[int]:
        """The signatures whose literals occur in one event (and those without any)."""
        lowered = event.lower()
        found = set(self.bare)
        for literal, owners in self.literals.items():
            if literal in lowered:
                found.update(owners)
        return found


# Paste-damage triggers and wrap marks (exact bytes, as Hyperscan looks for them) in the
# same kind of passes: one per first byte, skipped when that byte is absent (the usual case).
@functools.cache  # built on first use: runs with Hyperscan never need them
def damage_passes() -> tuple:
    triggers = (*DAMAGE_TRIGGERS, *WRAP_MARKS)
    return _compile_passes({t: t for t in triggers}, {t: (DAMAGE,) for t in triggers})
