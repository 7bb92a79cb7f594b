"""A capped live log view with follow, a filter and search, fed whole batches of lines."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Log

from petstore_core.redact import redact
from petstore_tui.log_lines import TRACEBACK_START, split_tag
from petstore_tui.widgets.log_line import printable, render

# The view keeps this many lines on screen; the buffer behind it a few times more so a
# filter can be widened again without re-reading the sources.
MAX_LINES = 5_000
BUFFER_LINES = 20_000
WRAP_MARK = "\x00"  # a wrapped row: MARK piece MARK line (a stored line starts with its `[source] ` tag)


def _unwrap(row: str) -> tuple[int, str]:
    """(piece, line) of a wrapped row; (-1, row) for a whole line."""
    if not row.startswith(WRAP_MARK):
        return -1, row
    piece, _, line = row[1:].partition(WRAP_MARK)
    return int(piece), line


class LogView(Log):
    """A `Log` that never grows without bound and only ever receives batches.

    Lines are redacted as they are drawn: only the few on screen pay for it, so 10,000
    lines a second cost no redaction at all until someone looks (and copying a selection
    is redacted too). `follow` keeps the end in view; the filter (case-insensitive
    substring) hides non-matching lines; search jumps between matches.
    """

    @classmethod
    def _process_line(cls, line: str) -> str:
        return super()._process_line(printable(redact(_unwrap(line)[1])))  # Log keeps ESC

    def _render_line_strip(self, y: int, rich_style: Style) -> Strip:
        """Each line drawn as time, level, origin, message (widgets/log_line.py); a text
        selection is drawn by Log itself, over the stored line it copies."""
        if self.text_selection is not None or not (self.formatted or self.wrap):
            return super()._render_line_strip(y, rich_style)
        cached = self._render_line_cache.get(y)
        if cached is not None:
            return cached
        piece, line = _unwrap(self._lines[y])
        text = self._text_of(y, line)
        if piece >= 0:  # one row of a wrapped line: its slice of the drawn text
            width, indent = self._wrap_width(), self._wrap_indent()
            if piece == 0:
                text = text[:width]
            else:  # continuation rows start under the message, past the source tag
                start = width + (piece - 1) * (width - indent)
                text = Text(" " * indent, end="") + text[start:start + width - indent]
        text.stylize(rich_style)
        if y == self._search_at:
            text.stylize("reverse")
        elif y in self._marked:
            text.stylize("bold on dark_red" if y == self._mark_at else "on dark_red")
        strip = Strip(text.render(self.app.console), cell_len(text.plain))
        self._render_line_cache[y] = strip
        return strip

    def _text_of(self, y: int, line: str):
        if not self.formatted:  # a deploy step's output, wrapped: as Log draws it, in pieces
            return Text(self._process_line(line), end="")
        return render(line, tag_width=self.tag_width, raw=self.raw_mode, show_time=self.show_time,
                      folded=self.folded, origin_width=self.tag_width * 2,
                      in_traceback=self._in_traceback_at(y, line))

    def _wrap_width(self) -> int:
        return max(10, self.scrollable_content_region.width)

    def _wrap_indent(self) -> int:
        return min(self.tag_width + 1, self._wrap_width() // 2)

    def _wrapped(self, lines: list[str]) -> list[str]:
        """Each line as the rows it takes at this width, cut by cells (docs/knowledge/log-display.md),
        the rows after the first indented past the tag. Only while wrapping: each line is
        drawn once here to know its length."""
        width, indent = self._wrap_width(), self._wrap_indent()
        rows = []
        for line in lines:
            length = cell_len(self._text_of(-1, line).plain)
            count = 1 + max(0, -(-(length - width) // (width - indent)))
            rows.extend(f"{WRAP_MARK}{piece}{WRAP_MARK}{line}" for piece in range(count))
        return rows

    def set_wrap(self, wrap: bool) -> None:
        self.wrap = wrap
        self.scroll_to(x=0, animate=False)
        self._redraw()

    def on_resize(self) -> None:
        if self.wrap and self._wrapped_at != self._wrap_width():
            self._redraw()
        elif self.auto_scroll and self._at_end:
            # Log follows a write only from the end: a view made shorter (80x24, the findings
            # pane growing under it, a terminal resized) left it short of its new end, and it
            # then stayed on old lines for good while the status said following
            self.scroll_end(animate=False, x_axis=False)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._at_end = new_value >= self.max_scroll_y  # where the reader left it (on_resize)

    def _in_traceback_at(self, y: int, line: str) -> bool:
        """An indented line under a traceback header of the same source (looking back a
        bounded number of lines: only indented lines pay for it)."""
        tag, body = split_tag(line)
        if y < 0 or body[:1] not in (" ", "\t"):
            return False
        for above in range(y - 1, max(-1, y - 200), -1):
            other_tag, other = split_tag(_unwrap(self._lines[above])[1])
            if other_tag != tag:
                continue
            if other.startswith(TRACEBACK_START):
                return True
            if other[:1] not in (" ", "\t"):
                return False
        return False

    def _update_size(self, updates: int, lines: list[str]) -> None:
        # Log measures every new line's width in a thread worker, redaction included: at
        # this rate that thread would take the GIL from the screen. Length is close enough.
        if lines:
            widest = self._wrap_width() if self.wrap else max(len(line) for line in lines)
            self._update_maximum_width(updates, widest)

    def get_selection(self, selection):
        extracted = super().get_selection(selection)
        if extracted is None:
            return None
        text, ending = extracted
        if WRAP_MARK in text:  # wrapped rows hold their whole line: copy each line once
            rows = [_unwrap(row)[1] for row in text.split("\n")]
            text = "\n".join(row for i, row in enumerate(rows) if i == 0 or row != rows[i - 1])
        return redact(text), ending

    can_focus = True

    class SearchMoved(Message):
        """Search landed on a line (or found nothing: line is -1)."""

        def __init__(self, line: int, matches: int) -> None:
            super().__init__()
            self.line = line
            self.matches = matches

    def __init__(self, *, max_lines: int = MAX_LINES, buffer_lines: int = BUFFER_LINES,
                 formatted: bool = False, id: str | None = None) -> None:
        super().__init__(max_lines=max_lines, auto_scroll=True, id=id)
        self._buffer: deque[str] = deque(maxlen=buffer_lines)
        self.filter_text = ""
        self.search_text = ""
        self._search_at = -1
        self.total_lines = 0
        self.tag_width = 10  # the screen narrows it on small terminals
        self.show_time = True
        self.raw_mode = False  # lines as their source printed them
        # `formatted`: lines drawn by widgets/log_line.py, tracebacks folded (the panel);
        # otherwise as Log draws them (a deploy step's output)
        self.formatted = formatted
        self.folded = formatted  # a traceback shows its first and last line
        self.wrap = False  # long lines continue on the next rows instead of scrolling sideways
        self._wrapped_at = 0
        self._at_end = True  # the last scroll left the view at its end (following holds there)
        self._in_traceback: set[str] = set()  # tags whose traceback is still open (folding)
        self.marks: list[int] = []  # lines highlighted as a finding's evidence, in order
        self._marked: frozenset[int] = frozenset()  # the same, for drawing
        self._mark_at = -1

    def _fold(self, lines: list[str]) -> list[str]:
        """Without the inner lines of each traceback (kept in the buffer: unfolding
        shows them). A traceback runs from its header to the first unindented line."""
        open_tags = self._in_traceback
        kept = []
        for line in lines:
            if "Traceback" not in line and not open_tags:
                kept.append(line)
                continue
            tag, body = split_tag(line)
            if body.startswith(TRACEBACK_START):
                open_tags.add(tag)
            elif tag in open_tags:
                if body[:1] in (" ", "\t"):
                    continue
                open_tags.discard(tag)
            kept.append(line)
        return kept

    def _view_of(self, lines) -> list[str]:
        needle = self.filter_text
        shown = [line for line in lines if needle in line.lower()] if needle else list(lines)
        shown = self._fold(shown) if self.folded else shown
        if self.wrap:
            self._wrapped_at = self._wrap_width()
            return self._wrapped(shown[-self.max_lines:])
        return shown

    def _redraw(self) -> None:
        """Rebuild the view from the buffer (a filter, folding or a format changed)."""
        self.clear()
        self.marks, self._marked, self._mark_at = [], frozenset(), -1
        self._in_traceback = set()
        self.write_lines(self._view_of(self._buffer)[-self.max_lines:])
        self._search_at = -1

    def set_folded(self, folded: bool) -> None:
        self.folded = folded
        self._redraw()

    def set_format(self, *, raw: bool | None = None, tag_width: int | None = None,
                   show_time: bool | None = None) -> None:
        if raw is not None:
            self.raw_mode = raw
        if tag_width is not None:
            self.tag_width = tag_width
        if show_time is not None:
            self.show_time = show_time
        self._render_line_cache.clear()
        if self.wrap:
            self._redraw()  # rows per line change with the format
        self.refresh()

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
        if self.filter_text or self.folded or self.wrap:
            batch = self._view_of(batch)
        if len(batch) > self.max_lines:  # only the tail could be seen anyway
            batch = batch[-self.max_lines:]
        if batch:
            self.write_lines(batch)

    def set_filter(self, text: str) -> None:
        self.filter_text = text.strip().lower()
        self._redraw()

    def visible_lines(self) -> list[str]:
        """The lines as drawn (redacted)."""
        return [redact(_unwrap(line)[1]) for line in self.lines]

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
        self._render_line_cache.clear()  # the match is drawn reversed
        self.refresh()
        self.auto_scroll = False  # searching means reading: stop following
        self.scroll_to(y=max(0, target - self.size.height // 2), animate=False)
        self.post_message(self.SearchMoved(target, len(hits)))
        return target

    def mark_evidence(self, evidence: Iterable[str]) -> int:
        """Highlight the lines holding `evidence` (redacted lines as the engine keeps them)
        and move to the last; returns how many lines were marked (0: none still in view)."""
        needles = [line.strip()[:80] for line in evidence if line.strip()]
        marks = []
        for y, line in enumerate(self.lines):
            shown = redact(split_tag(_unwrap(line)[1])[1])
            if any(needle in shown for needle in needles):
                marks.append(y)
        self.marks, self._marked = marks, frozenset(marks)
        self._mark_at = -1
        self._render_line_cache.clear()
        if marks:
            self.next_mark(backwards=True)
        self.refresh()
        return len(marks)

    def next_mark(self, *, backwards: bool = False) -> int:
        """Move to the next (or previous) marked line, wrapping; -1 when none."""
        if not self.marks:
            return -1
        if backwards:
            before = [y for y in self.marks if y < self._mark_at]
            target = before[-1] if before and self._mark_at >= 0 else self.marks[-1]
        else:
            after = [y for y in self.marks if y > self._mark_at]
            target = after[0] if after else self.marks[0]
        self._mark_at = target
        self.auto_scroll = False  # reading evidence: stop following
        self._render_line_cache.clear()
        self.scroll_to(y=max(0, target - self.size.height // 2), animate=False)
        self.refresh()
        return target

    def clear_marks(self) -> None:
        self.marks, self._marked = [], frozenset()
        self._mark_at = -1
        self._render_line_cache.clear()
        self.refresh()

    def reset(self) -> None:
        self._buffer.clear()
        self.total_lines = 0
        self._search_at = -1
        self.clear()
