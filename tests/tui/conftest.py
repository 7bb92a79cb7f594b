"""Helpers for the TUI tests: wait for the app's short-lived workers, never for a clock."""

from __future__ import annotations

import pytest

LONG_RUNNING = ("pump",)


async def settle(app, pilot, rounds: int = 3) -> None:
    """Wait until every worker that is meant to finish has finished, and the messages they
    posted are handled. Pumps and log followers run until their screen goes: skipped."""
    for _ in range(rounds):
        short = [w for w in app.workers
                 if w.group not in LONG_RUNNING and not w.group.startswith("source-")
                 and not w.is_finished]
        if short:
            await app.workers.wait_for_complete(short)
        await pilot.pause()


@pytest.fixture
def settle_app():
    return settle
