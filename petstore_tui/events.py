"""Events that long-running work (the runbook, preflight, log follows) emits and the CLI
and TUI consume. Plain frozen dataclasses: no Textual, no I/O.

The runbook yields these from `Runner.run(...)` (an async iterator); the headless CLI
prints them, the TUI turns each into a Textual message in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from checks.model import CheckResult, Finding


class StepStatus(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    STOPPED = "stopped"  # interrupted by the operator


@dataclass(frozen=True)
class StepStarted:
    step: str  # step id, e.g. "terraform-apply"
    title: str
    at: float  # unix time


@dataclass(frozen=True)
class StepOutput:
    """One line a step's tool printed, already redacted."""

    step: str
    line: str
    stream: str = "stdout"  # "stdout" | "stderr" | "info" | "journal" (an earlier run's, replayed: runner.py)


@dataclass(frozen=True)
class StepProgress:
    """For progress bars: resources applied of planned, layers pushed, replicas ready."""

    step: str
    done: int
    total: int | None
    label: str = ""


@dataclass(frozen=True)
class StepFindings:
    """Findings the diagnostics engine saw in a step's output so far (cumulative)."""

    step: str
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class StepFinished:
    step: str
    status: StepStatus
    elapsed: float
    summary: str = ""  # one line: why it failed or was skipped, or what it produced
    findings: tuple[Finding, ...] = ()
    outputs: dict = field(default_factory=dict)  # values later steps use (no secrets)


@dataclass(frozen=True)
class ConfirmationRequested:
    """The runner awaits the `confirm` callback it was given with this; see runbook."""

    step: str
    prompt: str
    detail: str = ""
    expected_text: str | None = None  # typed confirmation (cleanup: the cluster name)


@dataclass(frozen=True)
class RunFinished:
    ok: bool
    stopped_at: str | None = None  # step id of the failure or stop, if any
    elapsed: float = 0.0


@dataclass(frozen=True)
class CheckFinished:
    """Preflight: one check's result, as each finishes."""

    result: CheckResult


RunbookEvent = (
    StepStarted | StepOutput | StepProgress | StepFindings | StepFinished
    | ConfirmationRequested | RunFinished
)
