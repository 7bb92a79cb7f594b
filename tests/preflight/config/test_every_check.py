"""Every config check: passes on this repository and on a plain copy (so each plant's
failure is the plant's), skips or fails cleanly without the folders, and has its module here
with its planted defects (tests/support/plants.py)."""

from __future__ import annotations

import pytest

from checks.model import Status
from checks.preflight.registry import ALL_CHECKS
from checks.preflight.runner import run_check
from tests.preflight.conftest import REPO, make_ctx
from tests.support.plants import registered

CONFIG_CHECKS = [c for c in ALL_CHECKS if c.group == "config"]


@pytest.mark.parametrize("check", CONFIG_CHECKS, ids=lambda c: c.id)
async def test_config_checks_pass_on_this_repository(check):
    """No stand-in: this checkout's real terraform/, kubernetes/, docker/, petstore-app/ (and
    the machine's kubectl for kustomize when present)."""
    result = await run_check(check(), make_ctx(REPO))
    assert result.status == Status.PASS, f"{result.summary}\n{result.detail}"


@pytest.mark.parametrize("check", CONFIG_CHECKS, ids=lambda c: c.id)
async def test_config_checks_pass_on_a_plain_copy(project, check):
    """No stand-in: an unmodified copy passes, so each plant's failure is the plant's."""
    result = await run_check(check(), make_ctx(project))
    assert result.status == Status.PASS, f"{result.summary}\n{result.detail}"


async def test_missing_folders_skip(tmp_path):
    """No stand-in: an empty folder as --project-dir."""
    for check in CONFIG_CHECKS:
        result = await run_check(check(), make_ctx(tmp_path))
        assert result.status in (Status.SKIP, Status.FAIL), result
        assert result.status != Status.ERROR


@pytest.mark.parametrize("check", CONFIG_CHECKS, ids=lambda c: c.id)
def test_every_config_check_has_its_planted_defects(check):
    """No stand-in: the check's module in tests/preflight/config/ registers defects for it
    (and for no other check), so tests/planted runs them through the command too."""
    mine = [plants for plants in registered() if plants.check is check]
    assert len(mine) == 1, f"{check.id}: {len(mine)} modules register plants for it"
    assert mine[0].defects, f"{check.id}: no planted defect"
    assert {p.check for p in mine[0].defects + mine[0].harmless_edits} == {check}


def test_plant_names_are_unique():
    """Each plant is a test id here and in tests/planted, and `plant(name)` finds it."""
    names = [p.name for plants in registered() for p in plants.defects + plants.harmless_edits]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
