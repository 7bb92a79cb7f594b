"""Planted defects and harmless edits, registered once beside the tests of the check they
concern (tests/preflight/config/test_<check module>.py, as checkov and k8sgpt keep one test
file per check).

Each of those modules makes one `Plants` for its check and decorates its edits:

    PLANTS = Plants(NodeRoleCheck)

    @PLANTS.defect("ecr-pull-forbidden")
    def node_role_without_ecr_read(r): ...

    @PLANTS.harmless()
    def ok_ecr_by_inline_policy(r): ...

    test_plant_on_a_copy = PLANTS.test()

That test runs each edit on a fresh copy against the check in process (a defect fails it
with a fix and that failure_id, a harmless edit passes it); tests/planted/test_planted_defects.py collects every module's
PLANTS and runs each edit through the real `petstore-tui preflight` command. Adding a check
and its defects is one file. The decorators return the function unchanged, so an edit can
build on another and other tests can call it by name (`plant("node_role_without_ecr_read")`).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from checks.model import Status
from checks.preflight.runner import run_check
from tests.preflight.conftest import make_ctx

Edit = Callable[[Path], None]
CHECK_TESTS = "tests.preflight.config"  # the package whose modules register plants


@dataclass(frozen=True)
class Plant:
    """One edit of a copy of this repository, and what the preflight must say about it."""

    edit: Edit
    check: type  # the check the edit concerns
    failure_id: str | None = None  # a defect: the failing result's failure_id (None: it names none)
    defect: bool = True  # False: a harmless edit, the check must pass
    says: str = ""  # text the failing result's summary or detail must hold (a file:line, a value)
    env: dict[str, str] = field(default_factory=dict)  # environment the command runs with
    warns: bool = False  # a harmless edit the check warns about (never fails)
    whole_preflight: bool = True  # harmless to every config check, not only its own

    @property
    def name(self) -> str:
        return self.edit.__name__


class Plants:
    """The edits registered for one check, in the order they are written."""

    def __init__(self, check: type) -> None:
        self.check = check
        self.defects: list[Plant] = []
        self.harmless_edits: list[Plant] = []

    def defect(self, failure_id: str | None, *, says: str = "", env: dict[str, str] | None = None):
        """Register a defect this check must fail with `failure_id`."""

        def register(fn: Edit) -> Edit:
            self.defects.append(Plant(fn, self.check, failure_id, says=says, env=env or {}))
            return fn

        return register

    def harmless(
        self, *, warns: bool = False, env: dict[str, str] | None = None, only_this_check: str = ""
    ):
        """Register an edit this check must pass (or only warn about, with `warns`);
        `only_this_check` says why another config check still fails it (then the whole
        preflight is not run on it)."""

        def register(fn: Edit) -> Edit:
            self.harmless_edits.append(
                Plant(fn, self.check, None, defect=False, env=env or {}, warns=warns,
                      whole_preflight=not only_this_check)
            )
            return fn

        return register

    def test(self):
        """The check module's test: each edit on a fresh copy, this check run in process."""

        @pytest.mark.parametrize("plant", params(self.defects + self.harmless_edits))
        async def test_plant_on_a_copy(plant: Plant, project: Path, monkeypatch) -> None:
            """No stand-in: a copy of this repository with one edit made, the real check (and
            the machine's kubectl for kustomize)."""
            for key, value in plant.env.items():
                monkeypatch.setenv(key, value)
            plant.edit(project)
            result = await run_check(plant.check(), make_ctx(project))
            (_fails if plant.defect else _passes)(plant, result)

        return test_plant_on_a_copy


@cache
def registered() -> tuple[Plants, ...]:
    """Every module's PLANTS in the check-tests package, imported once."""
    package = importlib.import_module(CHECK_TESTS)
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{CHECK_TESTS}.{info.name}")
        if isinstance(getattr(module, "PLANTS", None), Plants):
            found.append(module.PLANTS)
    return tuple(found)


def all_defects() -> list[Plant]:
    return [p for plants in registered() for p in plants.defects]


def all_harmless() -> list[Plant]:
    return [p for plants in registered() for p in plants.harmless_edits]


def plant(name: str) -> Edit:
    """The registered edit called `name` (for tests elsewhere that start from a defect)."""
    for p in all_defects() + all_harmless():
        if p.name == name:
            return p.edit
    raise KeyError(f"no plant named {name!r} in {CHECK_TESTS}")


def params(plants: list[Plant]) -> list:
    return [pytest.param(p, id=p.name) for p in plants]


def _fails(plant: Plant, result) -> None:
    said = result.summary + "\n" + result.detail
    assert result.status == Status.FAIL, f"{plant.name} is a defect, yet: {said}"
    assert result.fix, f"{plant.name} fails without a fix"
    assert result.failure_id == plant.failure_id, (plant.name, result)
    assert plant.says in said, f"{plant.name}: {plant.says!r} not in\n{said}"


def _passes(plant: Plant, result) -> None:
    want = Status.WARN if plant.warns else Status.PASS
    assert result.status == want, f"{plant.name} is harmless, yet: {result.summary}\n{result.detail}"
