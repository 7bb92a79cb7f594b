"""Signature matchers: Hyperscan (all signatures in one database) and a pure-Python one
(literal pre-filters extracted from each regex, then `re`). Both answer the same two
questions, so the engine finds the same things with either:

- `candidates(block)`: (signature index, offset) pairs, a superset of where signatures
  can match in a block of lines (one pass over the whole block); index DAMAGE marks a
  line with paste damage, or one the grouping rewrites in its event (a dropped prefix, a
  box border, a wrap mark, a cut line: grouping.REGROUP_PATTERNS), whose events must be
  normalised and checked in full;
- `match(event, limit)`: the indices of signatures that really match one event (full
  `re`), with a match starting before `limit` when given (the event peeks at the next line).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Sequence

from checks.engine.grouping import REGROUP_PATTERNS, WRAP_MARKS, WRAP_WIDTH
from checks.engine.normalize import DAMAGE_TRIGGERS

try:  # re's own parser: the only way to read a regex's structure without a dependency
    from re import _constants as _sre_c  # type: ignore[attr-defined]
    from re import _parser as _sre_p  # type: ignore[attr-defined]
except ImportError:  # Python < 3.11
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

RE_FLAGS = re.IGNORECASE | re.MULTILINE
DAMAGE = -1  # candidates() index of a paste-damage trigger (see normalize.DAMAGE_TRIGGERS)
MIN_LITERAL = 3  # shorter literals filter too little to be worth a pass
NEEDLE = 5  # bytes of a literal the Python filter looks for at least (see LiteralFilter)
ENV_MATCHER = "PETSTORE_TUI_MATCHER"


def compile_signature(signature: str) -> re.Pattern[bytes]:
    """A signature as the engine runs it: bytes, case-insensitive, ^/$ at line ends."""
    return re.compile(signature.encode("utf-8"), RE_FLAGS)


# ---------------------------------------------------------------- literal extraction
def _sequence_literals(items) -> list[set[bytes]] | None:
    """Required literals of a parsed sequence: a list of alternatives sets; the best one
    is chosen by the caller. Returns candidate sets, each of which is required."""
    required: list[set[bytes]] = []
    run = bytearray()

    def close_run() -> None:
        if run:
            required.append({bytes(run).lower()})
            run.clear()

    for op, av in items:
        if op is _sre_c.LITERAL and av != 10:  # a newline ends a literal: the filter works by line
            run.extend(chr(av).encode("utf-8"))
            continue
        if op is _sre_c.SUBPATTERN:
            sub = _sequence_literals(av[-1])
            # a group's literal joins the run only when the group is one plain literal
            if sub is not None and len(sub) == 1 and len(sub[0]) == 1 and _is_plain(av[-1]):
                run.extend(next(iter(sub[0])))
                continue
            close_run()
            if sub:
                required.extend(sub)
            continue
        close_run()
        if op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None)):
            low, _high, sub_items = av
            if low >= 1:
                sub = _sequence_literals(sub_items)
                if sub:
                    required.extend(sub)
        elif op is _sre_c.BRANCH:
            options: set[bytes] = set()
            for branch in av[1]:
                sub = _sequence_literals(branch)
                best = _best(sub)
                if best is None:
                    options = set()
                    break
                options |= best
            if options:
                required.append(options)
    close_run()
    return required


def _is_plain(items) -> bool:
    return all(op is _sre_c.LITERAL for op, _ in items)


def _best(candidates: list[set[bytes]] | None) -> set[bytes] | None:
    """The required alternative set whose weakest literal is longest."""
    if not candidates:
        return None
    usable = [c for c in candidates if c and min(len(x) for x in c) >= MIN_LITERAL]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(len(x) for x in c), -len(c)))


def required_literals(signature: str) -> tuple[bytes, ...]:
    """Lower-case byte strings of which at least one occurs in every match, or () when
    none can be found (the caller then runs the regex itself over the block)."""
    try:
        parsed = _sre_p.parse(signature, 0)
    except re.error:
        return ()
    best = _best(_sequence_literals(list(parsed)))
    return tuple(sorted(best)) if best else ()


def required_sets(signature: str) -> list[frozenset[bytes]]:
    """Every usable set of lower-case literals of which one occurs in each match."""
    try:
        parsed = _sre_p.parse(signature, 0)
    except re.error:
        return []
    sets = _sequence_literals(list(parsed)) or []
    return [frozenset(c) for c in sets if c and min(len(x) for x in c) >= MIN_LITERAL]


# ---------------------------------------------------------------- the literal filter
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


def _scan(data: bytes, passes) -> list[tuple[int, int]]:
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

    def __init__(self, signatures: Sequence[str], indices: Iterable[int], matcher: _Base):
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
        hits = _scan(block.lower(), self.passes) if self.passes else []
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
def _damage_passes() -> tuple:
    triggers = (*DAMAGE_TRIGGERS, *WRAP_MARKS)
    return _compile_passes({t: t for t in triggers}, {t: (DAMAGE,) for t in triggers})


# A line cut at the wrap width: its event holds the cut lines glued together, where a
# literal may lie across the cut. (The other lines the grouping rewrites only lose bytes
# at their start or end: a literal found in the event is in the raw line too.) The
# leading newline is a literal `re` skips to with memchr.
_CUT_LINE = re.compile(rb"\n[^\n]{%d}(?=\n|\Z)" % WRAP_WIDTH)


def _cut_lines(block: bytes) -> list[tuple[int, int]]:
    hits = [(DAMAGE, m.end()) for m in _CUT_LINE.finditer(block)]
    first = block.find(b"\n")
    if first == WRAP_WIDTH or (first < 0 and len(block) == WRAP_WIDTH):
        hits.append((DAMAGE, WRAP_WIDTH))
    return hits


# ---------------------------------------------------------------- matchers
class _LazyPatterns:
    """A tuple-like of compiled signatures, each compiled on first use."""

    __slots__ = ("_signatures", "_compiled")

    def __init__(self, signatures: tuple[str, ...]):
        self._signatures = signatures
        self._compiled: list[re.Pattern[bytes] | None] = [None] * len(signatures)

    def __getitem__(self, index: int) -> re.Pattern[bytes]:
        pattern = self._compiled[index]
        if pattern is None:
            pattern = self._compiled[index] = compile_signature(self._signatures[index])
        return pattern

    def __len__(self) -> int:
        return len(self._signatures)


class _Base:
    name = "base"

    def __init__(self, signatures: Sequence[str]):
        self.signatures = tuple(signatures)
        self._patterns: tuple[re.Pattern[bytes], ...] | None = None

    # Compiled lazily: a diagnose run that loads a cached Hyperscan database needs the
    # full regexes only of the few signatures it flags.
    @property
    def patterns(self) -> tuple[re.Pattern[bytes], ...]:
        if self._patterns is None:
            self._patterns = _LazyPatterns(self.signatures)  # type: ignore[assignment]
        return self._patterns  # type: ignore[return-value]

    def use_patterns(self, compiled: Sequence[re.Pattern[bytes]]) -> None:
        """Take the signatures already compiled (compile_signature of each, in order)."""
        if len(compiled) != len(self.signatures):
            raise ValueError("one compiled pattern per signature")
        self._patterns = tuple(compiled)

    def verify(self, event: bytes, indices: Iterable[int], limit: int | None = None) -> list[int]:
        """The signatures among `indices` that match `event`, with a match starting before
        `limit` when given (the event's own text, before the line it peeks at)."""
        patterns = self.patterns
        if limit is None:
            return sorted(i for i in set(indices) if patterns[i].search(event))
        found = []
        for i in set(indices):
            m = patterns[i].search(event)  # the leftmost match: none starts earlier
            if m is not None and m.start() < limit:
                found.append(i)
        return sorted(found)


class PythonMatcher(_Base):
    """Anchored literal passes (`LiteralFilter`) over the lower-cased block, then `re`."""

    name = "python"

    def __init__(self, signatures: Sequence[str]):
        super().__init__(signatures)
        self._filter = LiteralFilter(self.signatures, range(len(self.signatures)), self)

    def candidates(self, block: bytes | memoryview) -> list[tuple[int, int]]:
        if isinstance(block, memoryview):
            block = block.tobytes()
        return self._filter.candidates(block) + _scan(block, _damage_passes()) + _cut_lines(block)

    def match(self, event: bytes, limit: int | None = None) -> list[int]:
        flagged = self._filter.flagged(event)
        return self.verify(event, flagged, limit) if flagged else []


class HyperscanMatcher(_Base):
    """All signatures in one Hyperscan database; a signature Hyperscan rejects is handled
    by the Python pre-filter for that signature alone (`rejected` lists them).

    With `cache_dir`, the compiled database is kept there (keyed by a hash of the
    signatures and the Hyperscan version) so a command does not pay the compile each run."""

    name = "hyperscan"

    def __init__(self, signatures: Sequence[str], cache_dir: os.PathLike | str | None = None):
        import hyperscan

        super().__init__(signatures)
        self._hs = hyperscan
        self.rejected: dict[int, str] = {}  # index -> Hyperscan's reason: Python pre-filter
        self.prefiltered: dict[int, str] = {}  # index -> reason: compiled with HS_FLAG_PREFILTER
        self.cached = False
        flags = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_MULTILINE
        accepted = list(range(len(self.signatures)))
        self._block_db = self._load_cached(cache_dir)
        if self._block_db is None:
            try:
                self._block_db = self._compile(accepted, flags)
                self._store_cached(cache_dir)
            except hyperscan.error:
                # find the culprits one by one (slow, so only when the whole set fails);
                # each gets a second chance as a Hyperscan prefilter (a superset, which
                # the full `re` check narrows), else the Python pre-filter
                chosen: dict[int, int] = {}
                for i in range(len(self.signatures)):
                    error = ""
                    for extra in (0, hyperscan.HS_FLAG_PREFILTER):
                        try:
                            self._compile([i], flags | extra, damage=False)
                        except hyperscan.error as exc:
                            error = str(exc)
                            continue
                        chosen[i] = flags | extra
                        if extra:
                            self.prefiltered[i] = error
                        break
                    else:
                        self.rejected[i] = error
                self._block_db = self._compile(list(chosen), chosen)
                if not self.rejected:
                    self._store_cached(cache_dir)
        self._scratch = hyperscan.Scratch(self._block_db) if self._block_db is not None else None
        self._rejected_indices = tuple(sorted(self.rejected))
        self._rejected_filter = LiteralFilter(self.signatures, self._rejected_indices, self)

    def _compile(self, indices: list[int], flags: int | dict[int, int], damage: bool = True):
        expressions = [self.signatures[i].encode("utf-8") for i in indices]
        ids = list(indices)
        all_flags = [flags[i] for i in indices] if isinstance(flags, dict) else [flags] * len(indices)
        if damage:  # paste-damage triggers ride along in the same pass, as exact bytes,
            # and so do the lines the grouping rewrites (multiline, case-sensitive regexes)
            base = len(self.signatures)
            for n, trigger in enumerate(DAMAGE_TRIGGERS):
                expressions.append("".join(f"\\x{b:02x}" for b in trigger).encode())
                ids.append(base + n)
                all_flags.append(0)
            for n, pattern in enumerate(REGROUP_PATTERNS, len(DAMAGE_TRIGGERS)):
                expressions.append(pattern)
                ids.append(base + n)
                all_flags.append(self._hs.HS_FLAG_MULTILINE)
        db = self._hs.Database()
        db.compile(expressions=expressions, ids=ids, elements=len(ids), flags=all_flags)
        return db

    def _cache_file(self, cache_dir):
        from pathlib import Path

        from checks.engine import normalize
        from checks.engine.compiled import blake2b

        version = getattr(self._hs, "__version__", "?")
        digest = blake2b(repr((version, self.signatures, normalize.DAMAGE_TRIGGERS, REGROUP_PATTERNS)).encode()).hexdigest()
        return Path(cache_dir) / f"hyperscan-{digest[:32]}.db"

    def _load_cached(self, cache_dir):
        if cache_dir is None:
            return None
        try:
            data = self._cache_file(cache_dir).read_bytes()
            db = self._hs.loadb(data, self._hs.HS_MODE_BLOCK)
        except (OSError, self._hs.error, ValueError, TypeError):
            return None  # absent, or built for another CPU or version: compile afresh
        self.cached = True
        return db

    def _store_cached(self, cache_dir) -> None:
        if cache_dir is None:
            return
        import tempfile

        try:
            path = self._cache_file(cache_dir)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".hs-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(self._hs.dumpb(self._block_db))
            os.replace(tmp, path)  # atomic: parallel runs never read half a file
        except OSError:
            pass  # a cache we cannot write costs a compile, nothing more

    def candidates(self, block: bytes | memoryview) -> list[tuple[int, int]]:
        hits: list[tuple[int, int]] = []
        if self._block_db is not None and len(block):
            append = hits.append

            def on_match(index: int, _start: int, end: int, _flags: int, _ctx) -> None:
                append((index, end))

            self._block_db.scan(block, match_event_handler=on_match, scratch=self._scratch)
            base = len(self.signatures)
            if any(index >= base for index, _ in hits):
                hits = [(DAMAGE if index >= base else index, end) for index, end in hits]
        if self._rejected_indices:
            data = block.tobytes() if isinstance(block, memoryview) else block
            hits.extend(self._rejected_filter.candidates(data))
        return hits

    def match(self, event: bytes, limit: int | None = None) -> list[int]:
        """The block database on one event: signature indices flagged, then full `re`."""
        flagged = {index for index, _ in self.candidates(event) if index >= 0}
        return self.verify(event, flagged, limit)


def hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def make_matcher(signatures: Sequence[str], kind: str | None = None, cache_dir=None):
    """The best matcher available, or the one named by `kind` / $PETSTORE_TUI_MATCHER
    (`hyperscan` or `python`). Asking for hyperscan where it is missing is an error."""
    kind = (kind or os.environ.get(ENV_MATCHER) or "auto").strip().lower()
    if kind == "python":
        return PythonMatcher(signatures)
    if kind == "hyperscan":
        return HyperscanMatcher(signatures, cache_dir)
    if kind != "auto":
        raise ValueError(f"{ENV_MATCHER}={kind!r}: expected hyperscan, python or auto")
    if hyperscan_available():
        return HyperscanMatcher(signatures, cache_dir)
    return PythonMatcher(signatures)
