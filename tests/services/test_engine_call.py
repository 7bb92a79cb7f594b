"""Every python-on-whales call is bounded and stoppable (petstore_tui/services/engine_call.py).

Stand-in: fake `podman` executables on PATH (tests/support/fake_tools.py) that hang until
killed, or fail the way an engine does; coreutils' real `timeout` and `env`.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest

from petstore_tui.services import docker
from petstore_tui.services.engine_call import MARKER, Caller, EngineCallError


def _marked_children() -> list[int]:
    """Our children still carrying an engine-call marker (there must be none after a call)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
            if stat[stat.rfind(b")") + 2:].split()[0] == b"Z":
                continue
            with open(f"/proc/{entry}/environ", "rb") as handle:
                if any(item.startswith(MARKER.encode() + b"=") for item in handle.read().split(b"\0")):
                    found.append(int(entry))
        except OSError:
            continue
    return found


@pytest.fixture
def hanging_podman(fake_tools):
    path = fake_tools.add("podman", hang=True)
    fake_tools.use(only=True)
    return Caller("podman", str(path), {"CONTAINERS_CONF": "/nonexistent/containers.conf"})


def test_a_hanging_engine_is_cut_at_the_timeout(hanging_podman):
    started = time.monotonic()
    with pytest.raises(EngineCallError, match="no answer in 2s") as caught:
        hanging_podman.call("info", lambda c: c.system.info(), timeout=2)
    assert caught.value.timed_out
    assert time.monotonic() - started < 15
    assert _marked_children() == []


def test_stop_ends_the_engine_command(hanging_podman):
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    with pytest.raises(EngineCallError, match="stopped") as caught:
        hanging_podman.call("info", lambda c: c.system.info(), timeout=600, stop=stop)
    assert caught.value.stopped
    assert time.monotonic() - started < 12
    assert _marked_children() == []


async def test_cancelling_an_async_call_ends_the_engine_command(hanging_podman):
    task = asyncio.ensure_future(hanging_podman.acall("info", lambda c: c.system.info(), timeout=600))
    await asyncio.sleep(0.5)
    assert _marked_children(), "the engine command should be running"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    deadline = time.monotonic() + 12
    while _marked_children() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert _marked_children() == []


def test_settings_reach_the_engine_and_its_errors_come_back_in_one_line(fake_tools, tmp_path):
    """The sandbox's settings go in the engine's environment (never its config files);
    a failing command's last stderr line is the message, redacted."""
    seen = tmp_path / "env.txt"
    fake_tools.add("podman", responses={"system info": (125, "", "Error: could not read the configuration")})
    fake_tools.use(only=True)
    caller = Caller("podman", str(fake_tools.bin / "podman"), {"CONTAINERS_CONF": str(seen)})
    with pytest.raises(EngineCallError, match=r"^podman info: Error: could not read the configuration$"):
        caller.call("info", lambda c: c.system.info(), timeout=30)
    client = caller.client(30, "abc")
    argv = [str(a) for a in client.client_config.client_call]
    assert argv[0].endswith("env") and f"{MARKER}=abc" in argv and f"CONTAINERS_CONF={seen}" in argv
    assert argv[-1] == str(fake_tools.bin / "podman") and "--foreground" in argv and "30" in argv


def test_no_engine_is_a_clear_reason(fake_tools):
    """docker without a daemon and no podman: both reasons, one sentence."""
    fake_tools.add("docker", responses={"system info": (1, "", "Cannot connect to the Docker daemon at "
                                                            "unix:///var/run/docker.sock. Is the docker daemon running?")})
    fake_tools.use(only=True)
    with pytest.raises(docker.EngineUnavailable) as caught:
        docker.find_engine()
    assert str(caught.value) == ("no container engine: docker is installed but its engine is not running "
                                 "(Cannot connect to the daemon); podman not found on PATH")
