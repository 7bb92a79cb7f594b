"""Whether the catalog's compiled database is ready in the state folder, and warming it.

A fresh state folder has none: the first engine pays Hyperscan's compile of the whole
catalog (35-38 s of CPU for the built-in one; minutes on a loaded machine). `./dev setup`,
`petstore-tui catalog warm` and the TUI's launch (in the background) pay it ahead, into
the same cache the engine reads (matcher.py); compile_lock.py keeps it to one compile."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from petstore_core.settings import state_dir

READY, COLD, COMPILING = "ready", "cold", "compiling"

# Said wherever an operator could wait on it (diagnose on a terminal, the TUI's panel)
FIRST_RUN = ("the catalog's first compile in this state folder (about 35 s of CPU here, minutes on a "
             "busy machine; cached after, `petstore-tui catalog warm` does it ahead)")


def engine_cache_dir() -> Path:
    """The one folder the engine keeps its caches in (load_default_engine, catalog_state)."""
    return state_dir() / "cache"


def catalog_state(catalog_dirs: Sequence[str | Path] = (), catalog_path=None, matcher: str | None = None) -> str:
    """READY when an engine would load its compiled database from the cache (or needs none:
    the Python matcher), COMPILING when another process or thread compiles it now, else COLD.
    Reads the validated catalog (itself cached) and the names of files, nothing more; an
    operator's own entries (`~/.config/petstore-tui/catalog`, `--catalog DIR`) count, as
    they change the database."""
    # start-up: the catalog and the backend load only where a state is asked for
    import checks.engine.hs_backend as hs_backend
    from checks.catalog_loader import load_catalog, user_catalog_dirs
    from checks.engine.compile_lock import compiling_elsewhere
    from checks.engine.core import catalog_signatures
    from checks.engine.matcher import ENV_MATCHER, database_cache_file

    kind = (matcher or os.environ.get(ENV_MATCHER) or "auto").strip().lower()
    if kind == "python" or (kind == "auto" and not hs_backend.available()):
        return READY
    cache_dir = engine_cache_dir()
    catalog = load_catalog(catalog_path, cache_dir=cache_dir, user_dirs=user_catalog_dirs(catalog_dirs))
    path = database_cache_file(hs_backend.load(), catalog_signatures(catalog), cache_dir)
    if path.is_file():
        return READY
    return COMPILING if compiling_elsewhere(path.with_suffix(".lock")) else COLD


def warm(build: Callable[[], object]) -> tuple[bool, float]:
    """Build the engine once with `build` (load_default_engine for the catalog to warm), so
    its compiled database and regexes are stored: (whether it compiled rather than loaded,
    seconds taken). Waits for a compile under way elsewhere (compile_lock.py)."""
    started = time.monotonic()
    engine = build()
    compiled = not getattr(engine.matcher, "cached", True)
    return compiled, time.monotonic() - started
