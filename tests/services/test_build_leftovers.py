"""Which working containers a stopped Podman build left: the attribution rule, on the JSON
`podman ps --all --external` printed on this machine (Podman 4.3.1) for two builds' working
containers (fields trimmed to those the rule reads; ids and times as printed)."""

from __future__ import annotations

import os
import subprocess
import sys

from petstore_tui.services import sandbox, sandbox_inventory
from petstore_tui.services.build_leftovers import SLACK, BuildMark, ours

BASE = "b61793a69a847762cd67fd6c0fe36f7bb8bfc4fc9a52420bf333e6aefb1ae72c"
STAGE = "beba7f4f929ea7dacece51c47481f971d6ab8731b08a7fb08f02f464f4e9593f"
OUTPUT = ["[1/2] STEP 1/3: FROM docker.io/library/python:3.13-slim-trixie AS builder",
          "[1/2] STEP 2/3: RUN echo one > /one", "--> beba7f4f929", "[1/2] STEP 3/3: RUN sleep 40",
          "[2/2] STEP 1/2: FROM builder AS runtime", "--> Using cache 0e36f08a024c"]


def _container(cid: str, image: str, created: int, state: str = "storage") -> dict:
    return {"Id": cid, "ImageID": image, "Created": created, "State": state,
            "Names": [f"{image[:12]}-working-container"]}


def _mark(started: float) -> BuildMark:
    mark = BuildMark(started=started)
    for line in OUTPUT:
        mark.seen(line)
    return mark


def test_the_mark_holds_the_bases_and_the_step_images_a_build_printed():
    mark = _mark(1796457337.4)
    assert mark.bases == ["docker.io/library/python:3.13-slim-trixie"]  # `FROM builder` is a stage
    assert mark.stages == ["beba7f4f929"]  # "Using cache" is not a step's image line
    assert BuildMark.from_dict(mark.as_dict()).as_dict() == mark.as_dict()


def test_only_this_builds_working_containers_are_its_own():
    mark = _mark(1796457337.4)
    mark.last = 1796457338.2
    listed = [
        _container("ours-base", BASE, 1796457337),           # same second as the start
        _container("ours-step", STAGE, 1796457338),
        _container("older-build", BASE, 1796457300),         # another build, started before ours
        _container("other-image", "0e36f08a024c9b18", 1796457338),  # a step image not ours
        _container("later-build", BASE, int(mark.last + SLACK) + 5),  # started after ours stopped starting steps
        _container("running", BASE, 1796457338, state="running"),   # a container Podman runs
    ]
    assert ours(listed, mark, [BASE]) == ["ours-base", "ours-step"]


def test_a_base_never_pulled_names_no_container():
    mark = _mark(1796457337.4)
    assert ours([_container("someone", BASE, 1796457338)], mark, []) == []


def test_a_build_another_live_process_runs_is_never_swept(tmp_path, monkeypatch):
    """`sandbox stop` or destroy while another petstore-tui still builds: its containers stay.
    Stand-ins: this test's parent process as the live builder, a reaped child's pid as a dead one."""
    monkeypatch.setenv("PETSTORE_TUI_HOME", str(tmp_path))
    live = BuildMark(pid=os.getppid())
    sandbox_inventory.keep_build(live)
    assert live.may_run()
    said = sandbox.sweep_stopped_build(engine=None)  # never reaches the engine
    assert said == f"a build by pid {os.getppid()} may still run: its working containers were left alone"
    assert sandbox_inventory.build_mark() is not None  # kept for a later destroy

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True, timeout=30)
    assert not BuildMark(pid=int(gone.stdout)).may_run()
    assert not BuildMark().may_run()  # this process's own build: the sweep after its failure
