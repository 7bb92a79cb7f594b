"""Why a log file named on the command line cannot be read: `diagnose FILE` and
`petstore-tui --file FILE` say it the same way, before any work starts."""

from __future__ import annotations

import os


def log_file_problem(path: str, folder_hint: str = "give a log file") -> str:
    """The reason `path` cannot be read as a log file, or ""."""
    if os.path.isdir(path):
        return f"{path}: is a directory ({folder_hint})"
    if not os.path.exists(path):
        return f"{path}: no such file"
    if not os.access(path, os.R_OK):
        return f"{path}: permission denied"
    return ""
