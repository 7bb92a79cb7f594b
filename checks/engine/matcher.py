"""Signature matchers: Hyperscan (all signatures in one database) and a pure-Python one
(literal pre-filters extracted from each regex, then `re`). Both answer the same two
questions, so the engine finds the same things with either:

- `candidates(block)`: (signature index, offset) pairs, a superset of where signatures
  can match in a block of lines (one pass over the whole block); index DAMAGE marks a
  line with paste damage, whose events must be normalised and checked in full;
- `match(event)`: the indices of signatures that really match one event (full `re`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence

from checks.engine.normalize import DAMAGE_TRIGGERS, damage_offsets

try:  # re's own parser: the only way to read a regex's structure without a dependency
    from re import _constants as _sre_c  # type: ignore[attr-defined]
    from re import _parser as _sre_p  # type: ignore[attr-defined]
except ImportError:  # Python < 3.11
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

RE_FLAGS = re.IGNORECASE | re.MULTILINE
DAMAGE = -1  # candidates() index of a paste-damage trigger (see normalize.DAMAGE_TRIGGERS)
MIN_LITERAL = 3  # shorter literals filter too little to be worth a pass
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
        if op is _sre_c.LITERAL:
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
        self._literals: tuple[tuple[bytes, ...], ...] | None = None

    # Compiled lazily: a diagnose run that loads a cached Hyperscan database needs the
    # full regexes only of the few signatures it flags, and the literals not at all.
    @property
    def patterns(self) -> tuple[re.Pattern[bytes], ...]:
        if self._patterns is None:
            self._patterns = _LazyPatterns(self.signatures)  # type: ignore[assignment]
        return self._patterns  # type: ignore[return-value]

    @property
    def literals(self) -> tuple[tuple[bytes, ...], ...]:
        if self._literals is None:
            self._literals = tuple(required_literals(s) for s in self.signatures)
        return self._literals

    def verify(self, event: bytes, indices: Iterable[int]) -> list[int]:
        patterns = self.patterns
        return sorted(i for i in set(indices) if patterns[i].search(event))

    def _plan(self, indices: Iterable[int]) -> tuple[dict[bytes, tuple[int, ...]], tuple[int, ...]]:
        """Literal -> the signatures it pre-filters (one pass per distinct literal), and
        the signatures without a usable literal."""
        by_literal: dict[bytes, list[int]] = {}
        bare: list[int] = []
        for i in indices:
            literals = self.literals[i] if self._literals is not None else required_literals(self.signatures[i])
            if literals:
                for literal in literals:
                    by_literal.setdefault(literal, []).append(i)
            else:
                bare.append(i)
        return {k: tuple(v) for k, v in by_literal.items()}, tuple(bare)

    def _python_candidates(self, block: bytes, plan) -> list[tuple[int, int]]:
        by_literal, bare = plan
        hits: list[tuple[int, int]] = []
        if by_literal:
            lowered = block.lower()
            find = lowered.find
            for literal, owners in by_literal.items():
                pos = find(literal)
                while pos >= 0:
                    end = pos + len(literal)
                    hits.extend((i, end) for i in owners)
                    # one hit a line is enough: skip to the next line
                    nl = find(b"\n", pos)
                    if nl < 0:
                        break
                    pos = find(literal, nl + 1)
        for i in bare:
            pattern = self.patterns[i]
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

    def _python_match(self, event: bytes, plan) -> list[int]:
        by_literal, bare = plan
        lowered = event.lower()
        flagged = set(bare)
        for literal, owners in by_literal.items():
            if literal in lowered:
                flagged.update(owners)
        return self.verify(event, flagged) if flagged else []


class PythonMatcher(_Base):
    """Literal pre-filters (bytes.find on the lower-cased block), then `re`."""

    name = "python"

    def __init__(self, signatures: Sequence[str]):
        super().__init__(signatures)
        self._all = range(len(self.signatures))
        self._everything = self._plan(self._all)

    def candidates(self, block: bytes | memoryview) -> list[tuple[int, int]]:
        if isinstance(block, memoryview):
            block = block.tobytes()
        hits = self._python_candidates(block, self._everything)
        hits.extend((DAMAGE, pos + 1) for pos in damage_offsets(block))
        return hits

    def match(self, event: bytes) -> list[int]:
        return self._python_match(event, self._everything)


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
        self._rejected_plan = self._plan(self._rejected_indices)

    def _compile(self, indices: list[int], flags: int | dict[int, int], damage: bool = True):
        expressions = [self.signatures[i].encode("utf-8") for i in indices]
        ids = list(indices)
        all_flags = [flags[i] for i in indices] if isinstance(flags, dict) else [flags] * len(indices)
        if damage:  # paste-damage triggers ride along in the same pass, as exact bytes
            base = len(self.signatures)
            for n, trigger in enumerate(DAMAGE_TRIGGERS):
                expressions.append("".join(f"\\x{b:02x}" for b in trigger).encode())
                ids.append(base + n)
                all_flags.append(0)
        db = self._hs.Database()
        db.compile(expressions=expressions, ids=ids, elements=len(ids), flags=all_flags)
        return db

    def _cache_file(self, cache_dir):
        import hashlib
        from pathlib import Path

        from checks.engine import normalize

        version = getattr(self._hs, "__version__", "?")
        digest = hashlib.sha256(repr((version, self.signatures, normalize.DAMAGE_TRIGGERS)).encode()).hexdigest()
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
            hits.extend(self._python_candidates(data, self._rejected_plan))
        return hits

    def match(self, event: bytes) -> list[int]:
        """The block database on one event: signature indices flagged, then full `re`."""
        flagged = {index for index, _ in self.candidates(event) if index >= 0}
        return self.verify(event, flagged)


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
