"""Fixtures for the preflight tests: the stub Kubernetes API server, fake tools, copies of this repository to plant defects in, and moto-backed accounts with a cluster."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checks.preflight.context import CheckContext
from petstore_core.settings import Target
from tests.support.fake_tools import fake_tools  # noqa: F401  (fixture)
from tests.support.kube_stub import kube_stub  # noqa: F401  (fixture)
from tests.support.project_copy import REPO, copy_project

TODAY = date(2026, 11, 28)


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of this repository's deployable folders (tests/support/project_copy.py) to
    plant one defect in."""
    return copy_project(tmp_path / "checkout")


def make_ctx(project_dir: Path | None = None, **kwargs) -> CheckContext:
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("timeout", 15.0)
    target = kwargs.pop("target", Target())
    return CheckContext(target, project_dir=project_dir or REPO, **kwargs)
