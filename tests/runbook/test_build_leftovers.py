"""A Podman build stopped in the middle (Ctrl-C reaching podman, or `q` cancelling the step) leaves
nothing of its own behind, and never touches another build's working containers.

Stand-in: the machine's real Podman 4.3 (runc), building a tiny Containerfile on the
Dockerfile's base image (the debootstrap stand-in cached on the machine) whose last step
sleeps, so each build is stopped while a RUN step runs. Another build, started by hand
before ours from the same base, runs through each test and must survive it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from petstore_core import settings
from petstore_tui.runbook import sandbox_steps
from petstore_tui.runbook.model import StepContext
from petstore_tui.services import docker, sandbox, sandbox_inventory
from petstore_tui.services.build_leftovers import BuildMark

pytestmark = pytest.mark.slow
STARTED = 60.0  # seconds a build may take to reach its sleeping step


def _containers(engine) -> dict[str, dict]:
    text = engine.call("ps", lambda c: subprocess.run(
        engine.raw(c, "ps", "--all", "--external", "--format", "json"),
        capture_output=True, text=True, timeout=30, check=True).stdout)
    return {c["Id"]: c for c in json.loads(text or "[]")}


def _containerfile(folder: Path, base: str, words: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Containerfile").write_text(f"FROM {base}\nRUN echo {words} > /words\nRUN sleep 50\n")
    return folder


def _wait_for(what: str, ready) -> None:
    deadline = time.monotonic() + STARTED
    while not ready():
        assert time.monotonic() < deadline, f"{what} did not happen in {STARTED:.0f}s"
        time.sleep(0.2)


@pytest.fixture
def other_build(podman_engine, base_ready, tmp_path):
    """An unrelated build started by hand, sleeping in its last RUN step: its working
    containers, which the test's cleanup must leave alone."""
    before = set(_containers(podman_engine))
    context = _containerfile(tmp_path / "other", base_ready[0], f"other-{uuid.uuid4().hex}")
    argv = [podman_engine.caller.path, "build", "--network=host", str(context)]
    log = (tmp_path / "other.log").open("w+")
    build = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,  # noqa: S603 - argument list
                             env={**os.environ, **podman_engine.env}, start_new_session=True)
    try:
        _wait_for("the other build's sleeping step", lambda: "RUN sleep 50" in Path(log.name).read_text())
        time.sleep(1)  # the step's working container exists once the step has started
        theirs = set(_containers(podman_engine)) - before
        assert theirs, "the other build shows no working container"
        yield theirs
    finally:
        build.send_signal(signal.SIGINT)
        build.wait(timeout=30)
        for container_id in set(_containers(podman_engine)) - before:  # theirs, by id
            subprocess.run([podman_engine.caller.path, "rm", "--force", container_id],
                           env={**os.environ, **podman_engine.env}, capture_output=True, timeout=30)
        theirs_made = BuildMark()
        for line in Path(log.name).read_text().splitlines():
            theirs_made.seen(line)
        docker.remove_stages(podman_engine, theirs_made.stages)
        log.close()


def _podman_pids(tag: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"podman") and tag.encode() in argv:
            found.append(int(entry))
    return found


async def _build_until_sleeping(engine, context: Path, tag: str, on_mark, stop) -> list[str]:
    """Start the build, wait for its sleeping step, `stop` it; the build's lines."""
    lines: list[str] = []
    build = asyncio.ensure_future(docker.build(engine, context, [tag], lines.append,
                                               dockerfile=context / "Containerfile", network="host",
                                               on_mark=on_mark))
    deadline = time.monotonic() + STARTED
    while not any("RUN sleep 50" in line for line in lines):
        assert not build.done(), f"the build ended early: {lines[-5:]}"
        assert time.monotonic() < deadline, f"the build did not reach its sleeping step: {lines[-5:]}"
        await asyncio.sleep(0.2)
    await asyncio.sleep(1)  # the step's working container exists once the step has started
    stop(build)
    with pytest.raises((asyncio.CancelledError, docker.EngineCallError)):
        await build
    return lines


def test_ctrl_c_reaching_podman_mid_build_leaves_nothing_of_this_build(podman_engine, base_ready,
                                                                        other_build, tmp_path):
    tag = f"localhost/petstore-leftovers-test:{uuid.uuid4().hex[:10]}"
    context = _containerfile(tmp_path / "ours", base_ready[0], uuid.uuid4().hex)
    marks: list = []
    before = set(_containers(podman_engine))

    def ctrl_c(_build) -> None:  # what the terminal's Ctrl-C does: SIGINT to podman itself
        pids = _podman_pids(tag)
        assert pids, "no podman process builds the tag"
        for pid in pids:
            os.kill(pid, signal.SIGINT)

    asyncio.run(_build_until_sleeping(podman_engine, context, tag, marks.append, ctrl_c))

    stages = next(mark for mark in marks if mark is not None).stages
    assert stages, "the build printed no step image before it was stopped"
    assert set(_containers(podman_engine)) <= before, "the stopped build left working containers"
    assert other_build <= set(_containers(podman_engine)), "another build's containers were removed"
    assert not any(podman_engine.call("exists", lambda c, i=i: c.image.exists(i)) for i in stages)
    assert marks[-1] is None  # nothing left for a destroy to find


def _destroy_step(tmp_path) -> str:
    ctx = StepContext(settings.Target(sandbox=True), {}, tmp_path / "work", {}, "sandbox-containers", {},
                      lambda _line, _stream: None, lambda _d, _t, _label: None, None)
    return asyncio.run(sandbox_steps.remove_containers(ctx)).summary


def _sandbox_stop(_tmp_path) -> str:
    return "; ".join(sandbox.stop_containers())


@pytest.mark.parametrize("cleanup", [_destroy_step, _sandbox_stop], ids=["destroy", "sandbox-stop"])
def test_cleanup_removes_what_a_build_stopped_with_the_tool_left(podman_engine, base_ready, other_build,
                                                                 tmp_path, monkeypatch, cleanup):
    """`q` cancels the step; the tool ends before its own cleanup ran (simulated by a
    cleanup that does nothing): destroy's sandbox-containers step, or `sandbox stop`,
    finds the build in the sandbox inventory and removes what it left."""
    monkeypatch.setenv("PETSTORE_TUI_HOME", str(tmp_path / "state"))
    tag = f"localhost/petstore-leftovers-test:{uuid.uuid4().hex[:10]}"
    context = _containerfile(tmp_path / "ours", base_ready[0], uuid.uuid4().hex)
    before = set(_containers(podman_engine))
    real_sweep = docker.sweep_build
    monkeypatch.setattr(docker, "sweep_build", lambda _engine, _mark: False)
    asyncio.run(_build_until_sleeping(podman_engine, context, tag, sandbox_inventory.keep_build,
                                      lambda build: build.cancel()))
    left = set(_containers(podman_engine)) - before
    assert left, "the cancelled build left nothing: the cleanup below proves nothing"
    mark = sandbox_inventory.build_mark()
    assert mark is not None and mark.stages
    monkeypatch.setattr(docker, "sweep_build", real_sweep)
    monkeypatch.setattr(docker, "find_engine", lambda **_kw: podman_engine)

    said = cleanup(tmp_path)

    assert "what a stopped build left removed" in said
    assert not left & set(_containers(podman_engine)), "the cleanup left the stopped build's containers"
    assert other_build <= set(_containers(podman_engine)), "another build's containers were removed"
    assert not any(podman_engine.call("exists", lambda c, i=i: c.image.exists(i)) for i in mark.stages)
    assert sandbox_inventory.build_mark() is None
