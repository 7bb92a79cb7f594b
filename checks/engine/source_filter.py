"""Which catalog entries a line's source lets fire."""

from __future__ import annotations

from checks.model import KnownFailure, Source

ANY = Source.ANY.value


def source_value(source) -> str:
    return source.value if isinstance(source, Source) else str(source or ANY)


def entry_applies(entry: KnownFailure, source: str) -> bool:
    """An entry fires on its own sources, and on anything whose origin is unknown."""
    if source == ANY or Source.ANY in entry.sources:
        return True
    return any(s.value == source for s in entry.sources) or source not in _SOURCE_VALUES


_SOURCE_VALUES = {s.value for s in Source}
