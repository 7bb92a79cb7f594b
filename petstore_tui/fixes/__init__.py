"""Fixes: for a finding or failed check whose fix is mechanical, a plan of exactly what will change (AWS calls with their parameters, Kubernetes objects as a diff, unified diffs of repository files), applied under the target's run lock, journaled with its undo, and verified by re-running the probe or check that found it (undone when it still fails). No Textual here: `petstore-tui fix` and the TUI's `x` both use FixService."""

from petstore_tui.fixes.model import (
    Change,
    FixError,
    FixRefused,
    NothingToFix,
    Outcome,
    PermissionDenied,
    Plan,
    UnknownFix,
)
from petstore_tui.fixes.service import FixService, NoAutomaticFix

__all__ = ["Change", "FixError", "FixRefused", "FixService", "NoAutomaticFix", "NothingToFix", "Outcome",
           "PermissionDenied", "Plan", "UnknownFix"]
