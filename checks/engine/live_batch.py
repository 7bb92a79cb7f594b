"""The engine's live path for batches: `feed_lines`, one stream's lines at once.

The troubleshooting panel's pump collects a followed stream's lines for 50 ms before it
feeds them; feeding each through `Engine.feed` costs ~14 us of Python a line (grouping,
normalising, one matcher call an event). Here a batch goes through the bulk path instead
(bulk_scan.BulkScan._bulk_block: one matcher pass and one native line scan over the
batch, Python work only around the lines the matcher flags), as `diagnose` scans a file.

What holds the findings the same as `feed` of each line (tests/checks/test_feed_lines.py):
- the bulk path groups exactly as a Grouper does between sync points (grouping.py), so a
  batch is processed up to its last sync point and the lines from there are held, cleaned,
  and scanned again at the head of the stream's next batch; `flush` ends them as it ends
  a Grouper's pending event;
- a stream has either held lines (batches) or a Grouper (`feed`), never both: `feed` takes
  the held lines over into a new Grouper (they start at a sync point, where a fresh
  Grouper groups as the old one would), and `feed_lines` on a stream with a Grouper pushes
  lines through it up to the first sync point of the batch, where the bulk path takes over;
- lines held beyond LINE_PATH_AFTER bytes (no sync point: a long indented dump) go over to
  a Grouper too, so a stream is never scanned again and again while it has no sync point;
- simulated lines go one by one (the bulk path records printed lines only).
"""

from __future__ import annotations

from collections.abc import Iterable

from checks.engine.grouping import WRAP_WIDTH, Grouper
from checks.engine.line_scan import scan_lines
from checks.engine.normalize import MAX_LINE, RAW_MAX_LINE, normalise, remove_noise, to_bytes
from checks.engine.source_filter import ANY, source_value
from checks.engine.sync_points import _first_sync_point
from checks.model import Finding

LINE_PATH_AFTER = 256 * 1024  # bytes held without a sync point before a stream goes line by line


def cleaned_block(lines: Iterable[str | bytes]) -> tuple[bytes, int]:
    """(the lines as one block, each ending in a newline, ANSI, CR and NUL removed; the
    number of lines in it). A line is cut as `feed` cuts it: a trailing newline dropped,
    each line within it kept to RAW_MAX_LINE bytes."""
    parts = []
    for line in lines:
        raw = to_bytes(line)
        if raw[-1:] == b"\n":
            raw = raw[:-1]
        if len(raw) > RAW_MAX_LINE:
            raw = b"\n".join(part[:RAW_MAX_LINE] for part in raw.split(b"\n"))
        parts.append(raw)
    if not parts:
        return b"", 0
    block = b"\n".join(parts) + b"\n"
    # noise never holds a newline (normalize._ANSI), so cleaning the block cleans each line
    return remove_noise(block), block.count(b"\n")


class BatchFeed:
    """Engine.feed_lines, and the hand-over between it and `feed` for one stream."""

    def feed_lines(self, lines: Iterable[str | bytes], source: str = ANY, resource: str = "",
                   simulated: bool = False) -> list[Finding]:
        """Like `feed` of each line in turn. Returns the findings the batch changed."""
        changed: dict[tuple[str, str], Finding] = {}
        if simulated:
            for line in lines:
                for finding in self.feed(line, source, resource, simulated=True):
                    changed[finding.key] = finding
            return list(changed.values())
        source = source_value(source)
        key = (source, resource)
        block, count = cleaned_block(lines)
        with self._lock:
            self.lines_read += count
            if len(block) > MAX_LINE:  # else no line of it is longer than what is matched
                self.lines_cut += scan_lines(block, 0, len(block), WRAP_WIDTH, False, MAX_LINE)[-1]
            grouper = self._groupers.get(key)
            if grouper is not None:
                if grouper.pending:
                    cut = _first_sync_point(block, 0, len(block))
                    upto = len(block) if cut is None else block.find(b"\n", cut) + 1
                    # the sync line closes the Grouper's event (its peek) and starts one
                    # that the bulk pass below starts with
                    self._push_cleaned(grouper, block[:upto], source, resource, changed)
                    if cut is None:
                        return self._settle(list(changed.values()))
                    if self._recent.get(key):  # the sync line is the bulk pass's, which keeps it
                        self._recent[key].pop()
                    block = block[cut:]
                del self._groupers[key]
            if block:
                self._scan_held(key, self._held.pop(key, b"") + block, changed, final=False)
            return self._settle(list(changed.values()))

    def _scan_held(self, key: tuple[str, str], buf: bytes, changed: dict, final: bool) -> None:
        """The bulk pass over a stream's held lines and its new ones; holds what follows
        the last sync point (nothing when `final`)."""
        counted = self.lines_read, self.lines_cut  # each line was counted as it came, as feed counts it
        rest = self._bulk_block(buf, 0, len(buf), key[0], key[1], changed, final=final)
        self.lines_read, self.lines_cut = counted
        if len(rest) > LINE_PATH_AFTER:
            self._push_cleaned(self._grouper(key[0], key[1], changed=changed), rest, key[0], key[1], changed)
        elif rest:
            self._held[key] = rest

    def _push_cleaned(self, grouper: Grouper, data: bytes, source: str, resource: str, changed: dict) -> None:
        """Lines of cleaned_block through a Grouper: what `feed` does with each raw line
        (normalise includes the noise removal feed does first; the width is the cleaned
        line's length, as feed's)."""
        ring = self._ring((source, resource))
        self._context_block, self._context_key = None, (source, resource)
        for line in data[:-1].split(b"\n"):
            for event, peek in grouper.push_peeking(normalise(line)[:MAX_LINE], len(line)):
                self._handle_event(event, source, resource, changed, peek=peek)
            if ring is not None:  # after its events, as feed (core.py) keeps a line
                ring.append(line)

    def _flush_held(self, source: str | None, resource: str | None, changed: dict) -> None:
        """End of stream(s) for the held lines, as flush ends a Grouper's event."""
        for key in list(self._held):
            if (source is None or key[0] == source_value(source)) and (resource is None or key[1] == resource):
                self._scan_held(key, self._held.pop(key), changed, final=True)

    def _take_held(self, grouper: Grouper, key: tuple, changed: dict) -> None:
        """A stream fed in batches, now line by line: its held lines into its new Grouper."""
        held = self._held.pop(key, None)
        if held:
            self._push_cleaned(grouper, held, key[0], key[1], changed)
