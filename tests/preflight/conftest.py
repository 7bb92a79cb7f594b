"""Fixtures for the preflight tests: the stub Kubernetes API server, fake tools, copies of this repository to plant defects in, and moto-backed accounts with a cluster."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from checks.preflight.context import CheckContext
from petstore_core.settings import Target
from tests.support.fake_tools import fake_tools  # noqa: F401  (fixture)
from tests.support.kube_stub import kube_stub  # noqa: F401  (fixture)

REPO = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 28)
PROJECT_PARTS = ("terraform", "kubernetes", "docker", "petstore-app")


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of this repository's deployable folders (terraform/, kubernetes/, docker/,
    petstore-app/ without the app's code) to plant one defect in."""
    dest = tmp_path / "checkout"
    for part in PROJECT_PARTS:
        src = REPO / part
        if not src.exists():
            continue
        ignore = shutil.ignore_patterns(".terraform", "*.tfstate*", "__pycache__", "petstore", "tests",
                                        ".terraform.lock.hcl")
        shutil.copytree(src, dest / part, ignore=ignore)
    return dest


def make_ctx(project_dir: Path | None = None, **kwargs) -> CheckContext:
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("timeout", 15.0)
    target = kwargs.pop("target", Target())
    return CheckContext(target, project_dir=project_dir or REPO, **kwargs)
