"""The literals a signature's every match must hold, read from the regex's parsed form."""

from __future__ import annotations

import re

try:  # re's own parser: the only way to read a regex's structure without a dependency
    from re import _constants as _sre_c  # type: ignore[attr-defined]
    from re import _parser as _sre_p  # type: ignore[attr-defined]
except ImportError:  # Python < 3.11
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

MIN_LITERAL = 3  # shorter literals filter too little to be worth a pass


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


