"""Preflight: one small check class a file (tools/, aws/, config/, cluster/), listed in registry.ALL_CHECKS, run concurrently by run_preflight."""

from checks.preflight.base import Check
from checks.preflight.context import CheckContext
from checks.preflight.runner import GROUPS, run_check, run_preflight, select

__all__ = ["ALL_CHECKS", "GROUPS", "Check", "CheckContext", "run_check", "run_preflight", "select"]


def __getattr__(name: str):
    # ALL_CHECKS imports every check module: only when asked for.
    if name == "ALL_CHECKS":
        from checks.preflight.registry import ALL_CHECKS

        return ALL_CHECKS
    raise AttributeError(name)
