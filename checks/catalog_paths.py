"""Where the operator's own catalog entries live, without loading anything: the TUI's start
asks whether there are any (petstore_tui/commands/tui.py) before it may import the loader."""

from __future__ import annotations

import os
from pathlib import Path


def user_catalog_dir() -> Path:
    """The operator's own entries: $XDG_CONFIG_HOME/petstore-tui/catalog (default
    ~/.config/petstore-tui/catalog). Loaded when it exists, like `--catalog DIR`."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return Path(base) / "petstore-tui" / "catalog"
