"""Fixes: for a finding or failed check whose fix is mechanical, a plan of exactly what will change (AWS calls with their parameters, Kubernetes objects as a diff, unified diffs of repository files), applied under the target's run lock, journaled with its undo, and verified by re-running the probe or check that found it (undone when it still fails). No Textual here: `petstore-tui fix` and the TUI's `x` both use FixService."""

# Nothing is imported here: the fixes import each other as submodules, and a package that
# re-exported them would put every fix module in one import circle.
