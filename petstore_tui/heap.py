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


def settle_long_lived() -> None:
    """Collect once, then freeze everything alive now. Later calls do nothing: a second
    freeze would also keep what streaming made meanwhile out of the collector's reach."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()
