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

import checks.engine.cache_sets as cache_sets
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
    there than as patterns in the database: line_scan.py says why). A phrase of plain
    words joined by `\\s+` is in that database as one of its words, confirmed around its
    hits by a database of the phrases (`phrase_windows`), and the shortest paste-damage
    triggers are in a database of their own: the same hits, at about half the cost.

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
        # a phrase of plain words is looked for by one of its words (a literal), and only
        # around that word's hits by the phrase itself: Hyperscan's literal matcher, where
        # the phrases' `\s+` made it build slower engines for the whole block (~6 against
        # ~3 instructions a byte on bench_diagnose's log: docs/knowledge/diagnose-speed.md)
        self._phrases = {i: words for i in accepted if (words := phrase_words(self.signatures[i])) is not None}
        self._reach = {i: phrase_reach(words) for i, words in self._phrases.items()}
        # and the paste-damage triggers of one or two bytes in a database of their own:
        # in the block's they doubled the cost of its literal matcher (the same page)
        self._phrase_db = self._short_db = None
        if not self._load_shared(cache_dir):
            with self._compiling(cache_dir):
                # another process (or thread) may have stored them while this one waited
                if self._load_databases(cache_dir):
                    cache_sets.mark_used(self._set_files(cache_dir))
                else:
                    self._compile_catalog(accepted, flags, cache_dir)
        self._rejected_indices = tuple(sorted(self.rejected))
        self._rejected_filter = LiteralFilter(self.signatures, self._rejected_indices, self)

    def _load_databases(self, cache_dir) -> bool:
        """The block, short triggers' and phrases' databases from the cache: all or none
        (a block database found without the others is compiled again)."""
        block = self._load_cached(cache_dir)
        short = self._load_cached(cache_dir, "short") if block is not None else None
        phrases = self._load_cached(cache_dir, "phrases") if short is not None and self._phrases else None
        if block is None or short is None or (self._phrases and phrases is None):
            self.cached = False
            return False
        self._block_db, self._short_db, self._phrase_db = block, short, phrases
        return True

    def _load_shared(self, cache_dir) -> bool:
        """`_load_databases` under the set's lock held shared, so a pruning of old sets
        (cache_sets.py) never removes this one between its databases; the set's last use
        recorded. False when a compile or a removal holds it: the compile lock waits."""
        if cache_dir is None:
            return False
        with cache_sets.reading(self._cache_file(cache_dir)) as free:
            if not (free and self._load_databases(cache_dir)):
                return False
        cache_sets.mark_used(self._set_files(cache_dir))
        return True

    def _set_files(self, cache_dir) -> list[Path]:
        """This catalog's database files, the block's first (cache_sets.py's record)."""
        roles = ("block", "short", "phrases") if self._phrases else ("block", "short")
        return [self._cache_file(cache_dir, role) for role in roles]

    def _compiling(self, cache_dir):
        """The cross-process lock of this catalog's compile (compile_lock.py)."""
        if cache_dir is None:
            return nullcontext()
        return compile_lock(self._cache_file(cache_dir).with_suffix(".lock"))

    def _compile_catalog(self, accepted: list[int], flags: int, cache_dir) -> None:
        """The catalog's databases, stored in `cache_dir` for the next run."""
        hyperscan = self._hs
        try:
            self._block_db = self._compile(accepted, flags, anchors=True, short=False)
            self._phrase_db = self._compile(sorted(self._phrases), flags, damage=False) if self._phrases else None
            self._short_db = self._compile([], flags, short=True)
            self._store_cached(cache_dir)
        except hyperscan.error:
            # the whole regexes with every trigger, as they come
            self._phrases, self._reach, self._phrase_db, self._short_db = {}, {}, None, None
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

    def _compile(self, indices: list[int], flags: int | dict[int, int], damage: bool = True, anchors: bool = False,
                 short: bool | None = None):
        """With `anchors`, a plain phrase is compiled as its anchor word (`_phrases`);
        `short` True or False: only the triggers of SHORT_TRIGGER bytes or fewer, or only
        the longer ones (None: all)."""
        expressions = [_literal(anchor_word(self._phrases[i])) if anchors and i in self._phrases
                       else self.signatures[i].encode("utf-8") for i in indices]
        ids = list(indices)
        all_flags = [flags[i] for i in indices] if isinstance(flags, dict) else [flags] * len(indices)
        if damage:  # paste-damage triggers and wrap marks ride along as exact bytes (the
            # shortest in a database of their own, `short`: they slow the literal matcher)
            base = len(self.signatures)
            for n, trigger in enumerate((*DAMAGE_TRIGGERS, *WRAP_MARKS)):
                if short is not None and (len(trigger) <= SHORT_TRIGGER) != short:
                    continue
                expressions.append("".join(f"\\x{b:02x}" for b in trigger).encode())
                ids.append(base + n)
                all_flags.append(0)
        return self._hs.compile(expressions, all_flags, ids)

    def _cache_file(self, cache_dir, role: str = "block"):
        return database_cache_file(self._hs, self.signatures, cache_dir, role)

    def _load_cached(self, cache_dir, role: str = "block"):
        if cache_dir is None:
            return None
        try:
            data = self._cache_file(cache_dir, role).read_bytes()
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

        # the phrases' database first: a block database found without it is compiled again
        for role, db in (("phrases", self._phrase_db), ("short", self._short_db), ("block", self._block_db)):
            if db is None:
                continue
            try:
                path = self._cache_file(cache_dir, role)
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".hs-")
                with os.fdopen(fd, "wb") as handle:
                    handle.write(db.serialize())
                os.replace(tmp, path)  # atomic: parallel runs never read half a file
            except OSError:
                return  # a cache we cannot write costs a compile, nothing more
        # stored whole: the older sets past the few used last go (cache_sets.py)
        stored = [self._cache_file(cache_dir, role) for role, db in (
            ("block", self._block_db), ("short", self._short_db), ("phrases", self._phrase_db)) if db is not None]
        cache_sets.mark_used(stored)
        cache_sets.prune(Path(cache_dir), stored[0])

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
        if started is None:
            return None
        confirm = None if self._short_db is None else (lambda hits: self._confirm(buf, lo, hi, hits))
        return _StartedScan(started, len(self.signatures), confirm)

    def _confirm(self, buf, lo: int, hi: int, hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The block database's hits over buf[lo:hi] (offsets from lo) with the short
        triggers' hits, and each anchor word's hit replaced by what the whole phrases match
        around it: exactly the hits of one database of the whole phrases and every trigger
        over buf[lo:hi] (phrase_windows says why)."""
        with memoryview(buf) as view, view[lo:hi] as part:
            hits.extend(self._short_db.scan(part))
        phrases = self._phrases
        anchored = [(index, end) for index, end in hits if index in phrases]
        if not anchored:
            return hits
        hits = [hit for hit in hits if hit[0] not in phrases]
        reach = self._reach
        windows = phrase_windows(buf, lo, hi, [(reach[index], end + lo) for index, end in anchored])
        scan = self._phrase_db.scan
        if windows is None:  # too many anchors, or a long walk: the whole block
            with memoryview(buf) as view, view[lo:hi] as part:
                hits.extend(scan(part))
            return hits
        with memoryview(buf) as view:
            for start, stop in windows:
                with view[start:stop] as part:
                    hits.extend((index, end + start - lo) for index, end in scan(part))
        return hits

    def candidates_skipping(self, block: bytes, same: list[int]) -> list[tuple[int, int]] | None:
        """candidates(block, prefixed=False) without the DAMAGE hits ending in the lines
        starting at `same` (bulk_scan.py `_record_hits` drops them: ~100,000 tuples a
        100,000 of the app's access lines), or None where the build cannot
        (_hs_native.c `scan_skipping`)."""
        if self._block_db is None or getattr(self._block_db, "scan_skipping", None) is None:
            return None
        return self._database_hits(block, same)

    def _database_hits(self, block: bytes | memoryview, same: list[int] | None = None) -> list[tuple[int, int]]:
        hits: list[tuple[int, int]] = []
        if self._block_db is not None and len(block):
            if same:
                hits = self._block_db.scan_skipping(block, same, len(self.signatures))
            else:
                hits = self._block_db.scan(block)
            if self._short_db is not None:
                hits = self._confirm(block, 0, len(block), hits)
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

    __slots__ = ("_scan", "_base", "_confirm", "late")

    def __init__(self, scan, base: int, confirm=None):
        self._scan, self._base, self._confirm = scan, base, confirm
        self.late = False

    def hits(self) -> list[tuple[int, int]]:
        hits = self._scan.hits()
        self.late = self._scan.times()[0] > LATE_START
        if self._confirm is not None:
            hits = self._confirm(hits)
        base = self._base
        if any(index >= base for index, _ in hits):
            hits = [(DAMAGE if index >= base else index, end) for index, end in hits]
        return hits


def database_cache_file(backend, signatures: Sequence[str], cache_dir, role: str = "block") -> Path:
    """Where the compiled database of `signatures` is kept. The name holds all a database
    depends on: the backend (system library or wheel) and its release and build date, the
    machine it was built for (a database of another CPU is refused anyway), the flags and
    the patterns, so another catalog (an operator's own entries, `--catalog DIR`) or
    another Hyperscan build never loads it by mistake; and how the patterns were turned
    into expressions (PHRASE_LAYOUT: a database of whole phrases, as built before the anchor
    words, is never taken for one) and the database's `role` (block, phrases, short). The
    block database is stored last: its file says the catalog is ready (warm.py)."""
    machine = os.uname().machine if hasattr(os, "uname") else os.name
    flags = backend.HS_FLAG_CASELESS | backend.HS_FLAG_MULTILINE
    # repr((..., role)) of the tuple of all of those and the role, its head written once a
    # catalog: the three roles' names cost one repr of the signatures, not three (~1 ms each
    # for the built-in catalog's, at every start)
    head = _key_head(backend.version, machine, flags, tuple(signatures))
    digest = blake2b(f"{head}, {role!r})".encode()).hexdigest()
    return Path(cache_dir) / f"hyperscan-{digest[:32]}.db"


_KEY_HEADS: dict[tuple, str] = {}


def _key_head(version: str, machine: str, flags: int, signatures: tuple[str, ...]) -> str:
    """repr((version, machine, flags, signatures, DAMAGE_TRIGGERS, WRAP_MARKS, PHRASE_LAYOUT, role))
    up to the role's ", " (exclusive)."""
    # the memo holds every part of the key, module constants too: a layout changed in the
    # process (a test's monkeypatch) must never reuse a head written under the old one
    memo = (version, machine, flags, signatures, DAMAGE_TRIGGERS, WRAP_MARKS, PHRASE_LAYOUT)
    head = _KEY_HEADS.get(memo)
    if head is None:
        if len(_KEY_HEADS) >= 8:  # a few catalogs a process at most; never a growing pile
            _KEY_HEADS.clear()
        head = _KEY_HEADS[memo] = repr(memo)[:-1]
    return head


# ---------------------------------------------------------------- plain phrases
PHRASE_LAYOUT = "anchor words, short triggers apart 1"  # in the database cache's key: change it with the layout
_WORD = rb"[A-Za-z0-9_:'-]+"  # bytes that match themselves in a regex (but for case)
_PHRASE = re.compile(rb"%s(?:\\s\+%s)+" % (_WORD, _WORD))  # words joined by \s+
SHORT_TRIGGER = 2  # bytes: a trigger this short goes in the short triggers' database
MAX_WALK = 4096  # bytes walked from an anchor word before the whole block is confirmed
# anchor words' hits in a block past which the whole block is confirmed: the phrases'
# database over a 2 MiB block costs about what ~250 stretches do (~5 us each, in Python)
MAX_ANCHORS = 256


def phrase_words(signature: str) -> tuple[bytes, ...] | None:
    """The words of a signature made of plain words joined by `\\s+` (two at least),
    or None."""
    data = signature.encode("utf-8")
    if not _PHRASE.fullmatch(data):
        return None
    return tuple(data.split(b"\\s+"))


def anchor_word(words: tuple[bytes, ...]) -> bytes:
    """The word a phrase is looked for by: the longest (the rarest, as a rule), the last
    of equals."""
    return max(reversed(words), key=len)


def _literal(word: bytes) -> bytes:
    return b"".join(b"\\x%02x" % byte for byte in word)


def phrase_reach(words: tuple[bytes, ...]) -> tuple[int, int, int]:
    """(the bytes of the words before the anchor word, the anchor word's length, the
    bytes of the words after it): what phrase_windows needs of a phrase."""
    anchor = anchor_word(words)
    k = len(words) - 1 - words[::-1].index(anchor)  # the last of equals: anchor_word's
    return sum(map(len, words[:k])), len(anchor), sum(map(len, words[k + 1:]))


def phrase_windows(buf, lo: int, hi: int, anchored: list[tuple[tuple[int, int, int], int]]):
    """Stretches of buf[lo:hi] that hold every match of the phrases around their anchor
    words' hits (`anchored`: (the phrase's phrase_reach, where its anchor word's hit
    ends)), merged and sorted; None when the whole of buf[lo:hi] should be scanned
    instead (more than MAX_ANCHORS hits, or more than MAX_WALK bytes to walk).

    A match holds its anchor word at the anchor's place among its words, and between
    its words only whitespace: before the anchor word as many other bytes as the words
    before it hold, after it as many as the words after it. So a stretch that holds more
    than that many bytes other than whitespace on either side of the anchor word holds
    every match around it. Every match of a phrase holds an occurrence of its anchor word
    and the block database reports every one, so the phrases' database run over these
    stretches (disjoint once merged) reports exactly what it reports over the whole block
    (no phrase has `^`, `$` or `\\b`, which could read past a stretch)."""
    if len(anchored) > MAX_ANCHORS:
        return None
    windows = []
    for (before, size, after), end in anchored:
        start, stop = _reach_back(buf, end - size, lo, before), _reach_on(buf, end, hi, after)
        if start is None or stop is None:
            return None
        windows.append((start, stop))
    windows.sort()
    merged = [list(windows[0])]
    for start, stop in windows[1:]:
        if start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    return merged


_SPACES = b" \t\n\r\x0b\x0c"  # what \s matches, in `re` as in Hyperscan


def _reach_back(buf, at: int, lo: int, count: int) -> int | None:
    """A start s (lo at the earliest) such that buf[s:at] holds more than `count` bytes
    that are not whitespace, or lo where buf[lo:at] holds no more; None where that takes
    more than MAX_WALK bytes."""
    width = count + 16
    while True:
        start = at - width
        if start <= lo:
            return lo
        if len(bytes(buf[start:at]).translate(None, _SPACES)) > count:
            return start
        if width >= MAX_WALK:
            return None
        width *= 4


def _reach_on(buf, at: int, hi: int, count: int) -> int | None:
    """An end e (hi at the latest) such that buf[at:e] holds more than `count` bytes that
    are not whitespace, or hi; None where that takes more than MAX_WALK bytes."""
    width = count + 16
    while True:
        stop = at + width
        if stop >= hi:
            return hi
        if len(bytes(buf[at:stop]).translate(None, _SPACES)) > count:
            return stop
        if width >= MAX_WALK:
            return None
        width *= 4


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
