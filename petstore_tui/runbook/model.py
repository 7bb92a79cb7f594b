"""The step model: what a runbook step is, what it is given (StepContext) and what it returns."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from petstore_core import settings
from petstore_core.errors import describe_aws_error, describe_kube_error
from petstore_core.redact import redact
from petstore_tui.events import ConfirmationRequested, StepStatus


@dataclass
class StepResult:
    status: StepStatus
    summary: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)


def done(summary: str = "", **outputs: Any) -> StepResult:
    return StepResult(StepStatus.DONE, summary, outputs)


def skipped(reason: str) -> StepResult:
    return StepResult(StepStatus.SKIPPED, reason)


def failed(summary: str, **outputs: Any) -> StepResult:
    return StepResult(StepStatus.FAILED, summary, outputs)


class StepFailed(Exception):
    """Raised inside a step to end it as failed with this one-line message."""


@dataclass
class StepContext:
    """What a running step sees: the target, outputs of the steps before it, a work folder
    in the state directory, and callbacks to print lines, report progress and ask."""

    target: settings.Target
    outputs: dict[str, Any]
    workdir: Path
    options: dict[str, Any]
    step_id: str = ""
    cache: dict[str, Any] = field(default_factory=dict)  # shared by the steps of one run
    _emit: Callable[[str, str], None] | None = None
    _progress: Callable[[int, int | None, str], None] | None = None
    _confirm: Callable[[ConfirmationRequested], Awaitable[bool | str]] | None = None
    _clock: Callable[[], float] = time.monotonic
    # What the step waits for now: (what, since, limit in seconds or None), for the heartbeat.
    activity: tuple[str, float, float | None] | None = None
    last_shown: float = 0.0  # when the step last printed a line or a new progress (clock)
    asking: bool = False  # waiting for the operator's answer (no heartbeat then)
    started: float = field(default=0.0)

    def __post_init__(self) -> None:
        self.started = self.last_shown = self._clock()

    @contextmanager
    def waiting_for(self, what: str, limit: float | None = None) -> Iterator[None]:
        """Name a wait that may be long and silent (Helm --wait, a rollout, an ALB): the
        runner's heartbeat says "still waiting for <what>: 1m10s, gives up after 15m"."""
        self.activity = (what, self._clock(), limit)
        try:
            yield
        finally:
            self.activity = None

    def emit(self, line: str, stream: str = "info") -> None:
        if self._emit is not None:
            self._emit(line, stream)

    def progress(self, done_: int, total: int | None, label: str = "") -> None:
        if self._progress is not None:
            self._progress(done_, total, label)

    async def confirm(self, prompt: str, detail: str = "", expected_text: str | None = None) -> bool:
        """True when the operator agreed (typed `expected_text` exactly, when given)."""
        if self._confirm is None:
            return False
        answer = await self._confirm(ConfirmationRequested(self.step_id, prompt, detail, expected_text))
        if expected_text is not None:
            return isinstance(answer, str) and answer.strip() == expected_text or answer is True
        return bool(answer)

    @property
    def project(self) -> Path:
        return self.target.project


StepRun = Callable[[StepContext], Awaitable[StepResult]]
SkipCheck = Callable[[StepContext], Awaitable[str | None]]
Verify = Callable[[StepContext], Awaitable[str | None]]


@dataclass(frozen=True)
class Step:
    """One step. `skip_if` returns a reason when a prerequisite (a container engine, Helm,
    a Kubernetes API) is unreachable, and the step is then marked skipped with it."""

    id: str
    title: str
    run: StepRun
    destructive: bool = False
    source: str = "any"  # checks.model.Source value its output is matched as
    skip_if: SkipCheck | None = None
    always: bool = False  # runs again on resume even when done (the typed confirmation)
    resume_from: str | None = None  # when this step failed or went stale, a re-run restarts there
    # Before a resume skips this step as done: why its result no longer stands, or None.
    verify: Verify | None = None


def describe_error(exc: BaseException) -> str:
    """One redacted line for an exception raised inside a step."""
    if isinstance(exc, StepFailed):
        return redact(str(exc))
    module = type(exc).__module__ or ""
    name = type(exc).__name__
    if module.startswith(("botocore", "boto3")) or name == "SandboxNotRunning":
        return describe_aws_error(exc)
    if module.startswith("kubernetes") or name in ("KubeConfigError", "MaxRetryError"):
        return describe_kube_error(exc)
    if name in ("ToolNotFound", "RegionNotSet"):
        return str(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return redact(f"{name}: {text}"[:400])


def duration(seconds: float) -> str:
    """45s, 2m05s, 15m: how long, as an operator reads it."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}m{rest:02d}s" if rest else f"{minutes}m"
