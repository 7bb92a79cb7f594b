"""Fixtures of the service and step tests: a StepContext factory and the shared stand-ins."""

from __future__ import annotations

import pytest

from petstore_core import settings
from petstore_tui.runbook.model import StepContext
from tests.support.fake_tools import fake_tools  # noqa: F401  (fixture)
from tests.support.kube_stub import kube_stub  # noqa: F401  (fixture)


class Recorder:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []
        self.progress: list[tuple[int, int | None, str]] = []

    def text(self) -> str:
        return "\n".join(line for line, _ in self.lines)


@pytest.fixture
def step_ctx(tmp_path):
    """Build a StepContext whose printed lines and progress are recorded (no tools)."""

    def make(target: settings.Target | None = None, outputs: dict | None = None, options: dict | None = None):
        rec = Recorder()
        ctx = StepContext(target or settings.Target(), dict(outputs or {}), tmp_path / "work",
                          dict(options or {}), "test-step", {},
                          lambda line, stream: rec.lines.append((line, stream)),
                          lambda d, t, label: rec.progress.append((d, t, label)), None)
        ctx.workdir.mkdir(parents=True, exist_ok=True)
        return ctx, rec

    return make
