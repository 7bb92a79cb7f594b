"""Fixtures of the runbook tests: the shared stand-ins (fake tools on PATH)."""

from tests.support.fake_tools import fake_tools  # noqa: F401  (fixture)
