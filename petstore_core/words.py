"""Counted nouns for what the operator reads: "1 line", "2 lines", "1,024 lines"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` with thousands separators, then the noun in the singular for exactly one
    (`plural` when adding "s" is wrong: "1 fix", "2 fixes")."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"
