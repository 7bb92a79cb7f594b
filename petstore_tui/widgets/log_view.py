"""A capped live log view with follow, a filter and search, fed whole batches of lines."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from textual.message import Message
from textual.widgets import Log

from petstore_core.redact import redact

# The view keeps this many lines on screen; the buffer behind it a few times more so a
# filter can be widened again without re-reading the sources.
MAX_LINES = 5_000
BUFFER_LINES = 20_000


class LogView(Log):
    """A `Log` that never grows without bound and only ever receives batches.

    Lines are redacted as they are drawn: only the few on screen pay for it, so 10,000
    lines a second cost no redaction at all until someone looks (and copying a selection
    is redacted too). `follow` keeps the end in view; the filter (case-insensitive
    substring) hides non-matching lines; search jumps between matches.
    """

    @classmethod
    def _process_line(cls, line: str) -> str:
        return super()._process_line(redact(line))

    def _update_size(self, updates: int, lines: list[str]) -> None:
        # Log measures every new line's width in a thread worker, redaction included: at
        # this rate that thread would take the GIL from the screen. Length is close enough.
        if lines:
            self._update_maximum_width(updates, max(len(line) for line in lines))

    def get_selection(self, selection):
        extracted = super().get_selection(selection)
        if extracted is None:
            return None
        text, ending = extracted
        return redact(text), ending

    can_focus = True

    class SearchMoved(Message):
        """Search landed on a line (or found nothing: line is -1)."""

        def __init__(self, line: int, matches: int) -> None:
            super().__init__()
            self.line = line
            self.matches = matches

    def __init__(self, *, max_lines: int = MAX_LINES, buffer_lines: int = BUFFER_LINES,
                 id: str | None = None) -> None:
        super().__init__(max_lines=max_lines, auto_scroll=True, id=id)
        self._buffer: deque[str] = deque(maxlen=buffer_lines)
        self.filter_text = ""
        self.search_text = ""
        self._search_at = -1
        self.total_lines = 0

    @property
    def follow(self) -> bool:
        return self.auto_scroll

    @follow.setter
    def follow(self, value: bool) -> None:
        self.auto_scroll = value
        if value:
            self.scroll_end(animate=False)

    def add_lines(self, lines: Iterable[str]) -> None:
        batch = list(lines)
        if not batch:
            return
        self.total_lines += len(batch)
        self._buffer.extend(batch)
        if self.filter_text:
            needle = self.filter_text
            batch = [line for line in batch if needle in line.lower()]
        if len(batch) > self.max_lines:  # only the tail could be seen anyway
            batch = batch[-self.max_lines:]
        if batch:
            self.write_lines(batch)

    def set_filter(self, text: str) -> None:
        self.filter_text = text.strip().lower()
        self.clear()
        needle = self.filter_text
        shown = [line for line in self._buffer if needle in line.lower()] if needle else list(self._buffer)
        self.write_lines(shown[-self.max_lines:])
        self._search_at = -1

    def visible_lines(self) -> list[str]:
        """The lines as drawn (redacted)."""
        return [redact(line) for line in self.lines]

    def search(self, text: str, *, backwards: bool = False) -> int:
        """Move to the next line containing `text` (wrapping); returns its index or -1."""
        self.search_text = text.strip().lower()
        lines = self.lines
        if not self.search_text or not lines:
            self.post_message(self.SearchMoved(-1, 0))
            return -1
        needle = self.search_text
        hits = [i for i, line in enumerate(lines) if needle in line.lower()]
        if not hits:
            self.post_message(self.SearchMoved(-1, 0))
            return -1
        if backwards:
            before = [i for i in hits if i < self._search_at]
            target = before[-1] if before else hits[-1]
        else:
            after = [i for i in hits if i > self._search_at]
            target = after[0] if after else hits[0]
        self._search_at = target
        self.auto_scroll = False  # searching means reading: stop following
        self.scroll_to(y=max(0, target - self.size.height // 2), animate=False)
        self.post_message(self.SearchMoved(target, len(hits)))
        return target

    def reset(self) -> None:
        self._buffer.clear()
        self.total_lines = 0
        self._search_at = -1
        self.clear()
