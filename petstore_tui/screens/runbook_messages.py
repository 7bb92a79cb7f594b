"""What the runbook screens' workers post to them."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from petstore_tui import events as ev


class RunbookEventArrived(Message):
    """A runbook event (StepStarted, StepFinished, ...) from the runner's worker."""

    def __init__(self, event: Any) -> None:
        super().__init__()
        self.event = event


class OutputBatch(Message):
    """Lines one step printed since the last batch: never replaced, never dropped."""

    def __init__(self, step: str, lines: list[str]) -> None:
        super().__init__()
        self.step = step
        self.lines = lines


class ProgressArrived(Message):
    """Progress of a step: a newer one replaces an older one still in the queue."""

    def __init__(self, event: ev.StepProgress) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ProgressArrived) and message.event.step == self.event.step


class RunEnded(Message):
    def __init__(self, error: str = "", recorded: dict | None = None) -> None:
        super().__init__()
        self.error = error
        # a run that started no step: the journal's word on each step, which another
        # process (a headless deploy, a second TUI) may have changed since the screen read it
        self.recorded = recorded


class RunnerBuilt(Message):
    def __init__(self, runner: Any, error: str = "", recorded: dict | None = None) -> None:
        super().__init__()
        self.runner = runner
        self.error = error
        self.recorded = recorded or {}  # the journal's last word on each step

