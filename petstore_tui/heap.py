"""Short full collections while logs stream: what lives as long as the app is frozen out of
the cyclic garbage collector's sight once the troubleshooting panel's engine has loaded.

A full collection walks every tracked object while holding the GIL. After start-up that
is about 80,000 objects (Textual, the screens, the catalog, the compiled signatures), and
streaming promotes enough log strips that one ran every few seconds, taking 40-67 ms of
CPU from the UI thread (docs/knowledge/log-display.md). Frozen objects are still freed by
reference counting; only cycles among them are never collected, so garbage is collected
once first and the freeze happens once a process.
"""

from __future__ import annotations

import gc

_settled = False
_paused_for_start = False


def pause_collection_for_start() -> None:
    """No cyclic collection while the TUI starts (Textual's import, the first screen's
    widgets), until resume_collection() after the first frame: what is made then lives as
    long as the app, so the hundred or so young-generation passes before the first frame
    freed next to nothing and cost 3 ms of its CPU, more with Textual's import
    (docs/knowledge/tui-start.md, "Garbage collection"). Reference counting frees as ever."""
    global _paused_for_start
    if gc.isenabled():
        gc.disable()
        _paused_for_start = True


def resume_collection() -> None:
    """End the start-up pause, if this process took one; otherwise nothing."""
    global _paused_for_start
    if _paused_for_start:
        _paused_for_start = False
        gc.enable()


def settle_long_lived() -> None:
    """Collect once, then freeze everything alive now. Later calls do nothing: a second
    freeze would also keep what streaming made meanwhile out of the collector's reach."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()
