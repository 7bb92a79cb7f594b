"""Fixtures of the runbook tests: the shared stand-ins (fake tools on PATH, the machine's Podman)."""

from tests.support.containers import base_ready, podman_engine  # noqa: F401  (fixtures)
from tests.support.fake_tools import fake_tools  # noqa: F401  (fixture)
