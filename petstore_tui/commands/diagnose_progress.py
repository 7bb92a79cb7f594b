"""`diagnose` on a terminal: a line that counts what a long scan has read, so a large log
(200 MB of the app's JSON lines took 2 min at load 5) never looks like a hang."""

from __future__ import annotations

import time
from collections.abc import Callable

from petstore_core.paragraph import terminal_width
from petstore_core.words import counted

PROGRESS_AFTER = 2.0  # a scan quicker than this shows nothing but its report
PROGRESS_EVERY = 1.0
CLEAR = "\r\x1b[K"


def on_a_terminal(stream) -> bool:
    """Whether `stream` is a terminal: piped or redirected output gets no notes at all."""
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def note_progress(stream, engine, paths) -> Callable[[], None]:
    """After PROGRESS_AFTER seconds of a scan, and each PROGRESS_EVERY after, rewrite one
    line on `stream` (stderr) with the lines read so far and how to stop with a partial
    report; wiped before the report. Only on a terminal: piped or redirected stderr stays
    quiet. Returns the call that ends it."""
    if not on_a_terminal(stream):
        return lambda: None
    import threading  # start-up: only a terminal run keeps a progress line

    names = ", ".join("stdin" if p == "-" else p.rsplit("/", 1)[-1] for p in paths) or "stdin"
    stop = threading.Event()
    started = time.monotonic()

    def keep_saying() -> None:
        if stop.wait(PROGRESS_AFTER):
            return
        while True:
            seconds = int(time.monotonic() - started)
            line = (f"petstore-tui diagnose: reading {names}: {counted(engine.lines_read, 'line')} so far, "
                    f"{seconds} s (Ctrl+C stops with a partial report)")
            # one row whatever the width: a wrapped line would leave rows `CLEAR` cannot reach
            width = terminal_width(stream)  # stderr's, not stdout's: `diagnose > report.md`
            line = line if len(line) < width else line[:max(0, width - 2)] + "…"
            try:
                stream.write(CLEAR + line)
                stream.flush()
            except (OSError, ValueError):
                return
            if stop.wait(PROGRESS_EVERY):
                break
        try:
            stream.write(CLEAR)
            stream.flush()
        except (OSError, ValueError):
            pass

    thread = threading.Thread(target=keep_saying, name="diagnose-progress", daemon=True)
    thread.start()

    def end() -> None:
        stop.set()
        thread.join(timeout=2)

    return end
