"""What the troubleshooting panel's workers post to it."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from checks.model import Finding
from petstore_tui.contracts import LogSource


class EngineReady(Message):
    def __init__(self, engine: Any, error: str = "") -> None:
        super().__init__()
        self.engine = engine
        self.error = error


class SourcesListed(Message):
    def __init__(self, sources: list[LogSource], error: str = "") -> None:
        super().__init__()
        self.sources = sources
        self.error = error


class LinesBatch(Message):
    """Lines from one source, already redacted and tagged: never replaced or dropped."""

    def __init__(self, source_id: str, lines: list[str], dropped: int = 0) -> None:
        super().__init__()
        self.source_id = source_id
        self.lines = lines
        self.dropped = dropped  # lines cut before sending: counted, never shown


class FindingsChanged(Message):
    def __init__(self, findings: list[Finding], origin: str = "") -> None:
        super().__init__()
        self.findings = findings
        self.origin = origin


class SourceEnded(Message):
    def __init__(self, source_id: str, reason: str = "") -> None:
        super().__init__()
        self.source_id = source_id
        self.reason = reason


class ScanProgress(Message):
    """A file source's whole-file scan: bytes read of its size; `done` when it ended, with
    how many of its lines were longer than the engine searches (`cut`)."""

    def __init__(self, source_id: str, read: int, total: int, done: bool = False, cut: int = 0) -> None:
        super().__init__()
        self.source_id = source_id
        self.read = read
        self.total = total
        self.done = done
        self.cut = cut


class DrillDone(Message):
    def __init__(self, text: str, ok: bool) -> None:
        super().__init__()
        self.text = text
        self.ok = ok

