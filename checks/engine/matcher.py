"""Signature matchers: Hyperscan (all signatures in one database) and a pure-Python one
(literal pre-filters extracted from each regex, then `re`). Both answer the same two
questions, so the engine finds the same things with either:

- `candidates(block)`: (signature index, offset) pairs, a superset of where signatures
  can match in a block of lines (one pass over the whole block); index DAMAGE marks a
  line with paste damage, or one the grouping rewrites in its event (a dropped prefix, a
  box border, a wrap mark: grouping.REGROUP_PATTERNS), whose events must be normalised
  and checked in full (lines cut at the wrap width are found by the bulk path, and for
  Hyperscan the prefixed and boxed lines too: line_scan.py);
- `match(event, limit)`: the indices of signatures that really match one event (full
  `re`), with a match starting before `limit` when given (the event peeks at the next line).

The pure-Python one's pre-filter is in literal_filter.py, the literals it looks for are
read from each regex in literals.py.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from pathlib import Path

import checks.engine.hs_backend as hs_backend
from checks.engine.compile_lock import compile_lock
from checks.engine.compiled import blake2b
from checks.engine.grouping import WRAP_MARKS
from checks.engine.line_scan import prefixed_lines
from checks.engine.literal_filter import DAMAGE, LiteralFilter, damage_passes, literal_hits
from checks.engine.normalize import DAMAGE_TRIGGERS

RE_FLAGS = re.IGNORECASE | re.MULTILINE
ENV_MATCHER = "PETSTORE_TUI_MATCHER"


def compile_signature(signature: str) -> re.Pattern[bytes]:
    """A signature as the engine runs it: bytes, case-insensitive, ^/$ at line ends."""
    return re.compile(signature.encode("utf-8"), RE_FLAGS)


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
    # Whether candidates() must flag the lines a tool prefix or a box border starts: a
    # matcher that runs whole regexes over raw lines misses a match the grouping makes
    # there. The bulk path finds them in its own pass over each block (line_scan.py).
    flags_prefixed = False

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

    def candidates_begin(self, buf: bytes, lo: int, hi: int):
        """candidates(buf[lo:hi], prefixed=False) started on a thread of its own, its
        offsets counted from lo: an object whose hits() answers them. None where this
        matcher cannot (the caller then asks candidates itself)."""
        return None

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

    def candidates(self, block: bytes | memoryview, prefixed: bool = True) -> list[tuple[int, int]]:
        """`prefixed` is for the Hyperscan matcher's sake: this one's literals need no
        such lines flagged."""
        if isinstance(block, memoryview):
            block = block.tobytes()
        return self._filter.candidates(block) + literal_hits(block, damage_passes())

    def match(self, event: bytes, limit: int | None = None) -> list[int]:
        flagged = self._filter.flagged(event)
        return self.verify(event, flagged, limit) if flagged else []


class HyperscanMatcher(_Base):
    """All signatures in one Hyperscan database; a signature Hyperscan rejects is handled
    by the Python pre-filter for that signature alone (`rejected` lists them). The lines
    a tool prefix or a box border starts are found by line_scan.prefixed_lines (cheaper
    there than as patterns in the database: line_scan.py says why).

    With `cache_dir`, the compiled database is kept there (keyed by a hash of the
    signatures and the Hyperscan version) so a command does not pay the compile each run."""

    name = "hyperscan"
    flags_prefixed = True

    def __init__(self, signatures: Sequence[str], cache_dir: os.PathLike | str | None = None,
                 backend: str | None = None):
        super().__init__(signatures)
        self._hs = hyperscan = hs_backend.load(backend)  # the system library, else the wheel
        self.rejected: dict[int, str] = {}  # index -> Hyperscan's reason: Python pre-filter
        self.prefiltered: dict[int, str] = {}  # index -> reason: compiled with HS_FLAG_PREFILTER
        self.cached = False
        flags = self._flags = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_MULTILINE
        accepted = list(range(len(self.signatures)))
        self._block_db = self._load_cached(cache_dir)
        if self._block_db is None:
            with self._compiling(cache_dir):
                # another process (or thread) may have stored it while this one waited
                self._block_db = self._load_cached(cache_dir)
                if self._block_db is None:
                    self._compile_catalog(accepted, flags, cache_dir)
        self._rejected_indices = tuple(sorted(self.rejected))
        self._rejected_filter = LiteralFilter(self.signatures, self._rejected_indices, self)

    def _compiling(self, cache_dir):
        """The cross-process lock of this database's compile (compile_lock.py)."""
        if cache_dir is None:
            return nullcontext()
        return compile_lock(self._cache_file(cache_dir).with_suffix(".lock"))

    def _compile_catalog(self, accepted: list[int], flags: int, cache_dir) -> None:
        """The whole catalog in one database, stored in `cache_dir` for the next run."""
        hyperscan = self._hs
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

    def _compile(self, indices: list[int], flags: int | dict[int, int], damage: bool = True):
        expressions = [self.signatures[i].encode("utf-8") for i in indices]
        ids = list(indices)
        all_flags = [flags[i] for i in indices] if isinstance(flags, dict) else [flags] * len(indices)
        if damage:  # paste-damage triggers and wrap marks ride along in the same pass, as
            # exact bytes (at no cost: bench_diagnose's log scans no slower with them)
            base = len(self.signatures)
            for n, trigger in enumerate((*DAMAGE_TRIGGERS, *WRAP_MARKS)):
                expressions.append("".join(f"\\x{b:02x}" for b in trigger).encode())
                ids.append(base + n)
                all_flags.append(0)
        return self._hs.compile(expressions, all_flags, ids)

    def _cache_file(self, cache_dir):
        return database_cache_file(self._hs, self.signatures, cache_dir)

    def _load_cached(self, cache_dir):
        if cache_dir is None:
            return None
        try:
            data = self._cache_file(cache_dir).read_bytes()
            db = self._hs.deserialize(data)
        except (OSError, self._hs.error, ValueError, TypeError):
            return None  # absent, or built for another CPU or version: compile afresh
        self.cached = True
        return db

    def _store_cached(self, cache_dir) -> None:
        # start-up: tempfile brings shutil, bz2, lzma and random; only a cache write needs it
        import tempfile

        if cache_dir is None:
            return

        try:
            path = self._cache_file(cache_dir)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".hs-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(self._block_db.serialize())
            os.replace(tmp, path)  # atomic: parallel runs never read half a file
        except OSError:
            pass  # a cache we cannot write costs a compile, nothing more

    def candidates(self, block: bytes | memoryview, prefixed: bool = True) -> list[tuple[int, int]]:
        """With `prefixed` False the caller finds the prefixed and boxed lines itself."""
        hits = self._database_hits(block)
        if prefixed and len(block):
            hits.extend((DAMAGE, end) for end in prefixed_lines(block))
        return hits

    def candidates_begin(self, buf: bytes, lo: int, hi: int):
        """The system library's scan of buf[lo:hi] on a thread of its own (_hs_native.c
        `scan_begin`), while the caller goes on with the block's line pass: wall time
        only, on the second core. None with the wheel (its scan calls Python for each
        hit), with signatures left to the Python pre-filter, or when no thread starts."""
        begin = getattr(self._block_db, "scan_begin", None)
        if begin is None or self._rejected_indices or hi <= lo:
            return None
        started = begin(buf, lo, hi)
        return None if started is None else _StartedScan(started, len(self.signatures))

    def _database_hits(self, block: bytes | memoryview) -> list[tuple[int, int]]:
        hits: list[tuple[int, int]] = []
        if self._block_db is not None and len(block):
            hits = self._block_db.scan(block)
            base = len(self.signatures)
            if any(index >= base for index, _ in hits):
                hits = [(DAMAGE if index >= base else index, end) for index, end in hits]
        if self._rejected_indices:
            data = block.tobytes() if isinstance(block, memoryview) else block
            hits.extend(self._rejected_filter.candidates(data))
        return hits

    def match(self, event: bytes, limit: int | None = None) -> list[int]:
        """The block database on one event: signature indices flagged, then full `re`."""
        flagged = {index for index, _ in self._database_hits(event) if index >= 0}
        return self.verify(event, flagged, limit)


# A thread that waited longer than this for a core before scanning (no core free: a busy
# machine) gains nothing: the caller waits for it instead of scanning itself
LATE_START = 0.0005  # seconds; a thread starts within ~0.05 ms where a core is free
LATE_STARTS = 2  # late starts in one stream before its blocks are scanned on one thread


class _StartedScan:
    """A database scan running on its own thread; hits() as _database_hits answers them,
    then `late` says whether the thread had to wait for a core (the caller then scans
    the rest of its stream itself: checks/engine/bulk_scan.py)."""

    __slots__ = ("_scan", "_base", "late")

    def __init__(self, scan, base: int):
        self._scan, self._base = scan, base
        self.late = False

    def hits(self) -> list[tuple[int, int]]:
        hits = self._scan.hits()
        self.late = self._scan.times()[0] > LATE_START
        base = self._base
        if any(index >= base for index, _ in hits):
            hits = [(DAMAGE if index >= base else index, end) for index, end in hits]
        return hits


def database_cache_file(backend, signatures: Sequence[str], cache_dir) -> Path:
    """Where the compiled database of `signatures` is kept. The name holds all a database
    depends on: the backend (system library or wheel) and its release and build date, the
    machine it was built for (a database of another CPU is refused anyway), the flags and
    the patterns, so another catalog (an operator's own entries, `--catalog DIR`) or
    another Hyperscan build never loads it by mistake."""
    machine = os.uname().machine if hasattr(os, "uname") else os.name
    flags = backend.HS_FLAG_CASELESS | backend.HS_FLAG_MULTILINE
    key = (backend.version, machine, flags, tuple(signatures), DAMAGE_TRIGGERS, WRAP_MARKS)
    digest = blake2b(repr(key).encode()).hexdigest()
    return Path(cache_dir) / f"hyperscan-{digest[:32]}.db"


def hyperscan_available() -> bool:
    return hs_backend.available()


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
