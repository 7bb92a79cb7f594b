"""The deploy screen: runbook steps with state and time, the selected step's live output."""

from __future__ import annotations

from petstore_tui.screens.runbook_screen import RunbookScreen


class DeployScreen(RunbookScreen):
    """Deploy runbook: confirmations come from the runner (before apply, before destructive steps)."""

    KIND = "deploy"
    TITLE = "Deploy"
