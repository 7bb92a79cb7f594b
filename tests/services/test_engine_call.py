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
    """Processes of this test session still carrying an engine-call marker (there must be
    none after a call). Only this session's: a parallel test's (another xdist worker's
    killed run, started in a session of its own) or another user's are not ours to count."""
    found = []
    session = os.getsid(0)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
            fields = stat[stat.rfind(b")") + 2:].split()
            if fields[0] == b"Z" or int(fields[3]) != session:
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


# Stand-in for a podman call that hangs (a `kube play` waiting on a pull, a build): a fake
# `podman` writing its arguments and pid beside itself, then waiting. It ends on SIGINT (as
# podman does), unless FAKE_PODMAN_DEAF is set; it always ends on SIGTERM. Every signal it
# gets is noted in `signals`.
WAITING_PODMAN = r'''#!{python}
import os, signal, sys, time
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "podman.calls"), "a") as fh:
    fh.write(" ".join(sys.argv[1:]) + "\n")
stop = []
def note(signum, frame):
    with open(os.path.join(here, "signals"), "a") as fh:
        fh.write(signal.Signals(signum).name + "\n")
    if signum != signal.SIGINT or not os.environ.get("FAKE_PODMAN_DEAF"):
        stop.append(signum)
signal.signal(signal.SIGINT, note)
signal.signal(signal.SIGTERM, note)
with open(os.path.join(here, "pid.tmp"), "w") as fh:
    fh.write(str(os.getpid()))
os.replace(os.path.join(here, "pid.tmp"), os.path.join(here, "pid"))
while not stop:
    time.sleep(0.05)
sys.exit(130)
'''

PODMAN_OWNER = """\
import sys
from python_on_whales.utils import run
from petstore_tui.services.docker import Engine
from petstore_tui.services.engine_call import Caller
engine = Engine("podman", Caller("podman", sys.argv[1], {"CONTAINERS_CONF": "/nonexistent/containers.conf"}))
engine.call("kube play", lambda c: run(engine.raw(c, "kube", "play", "--network=host", "app.yaml")), timeout=600)
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="Linux /proc needed")
@pytest.mark.parametrize("deaf", [False, True], ids=["obeys-sigint", "ignores-sigint"])
def test_a_podman_call_left_by_a_killed_run_is_recorded_and_stopped_at_the_next_start(
        tmp_path, monkeypatch, capsys, deaf):
    """Stand-ins: the waiting fake podman above (recording its arguments), called through
    engine_call (coreutils' real `env` and `timeout` before it) in a subprocess that is
    SIGKILLed while the call waits. The call is recorded like Terraform's: the next start's
    reap stops podman (SIGINT first; one deaf to it gets SIGTERM after the grace) and
    `timeout`, names them, and drops the record."""
    import signal
    import subprocess
    import sys

    from petstore_core import tool_records
    from petstore_tui import cli

    folder = tmp_path / "bin"
    folder.mkdir()
    podman = folder / "podman"
    podman.write_text(WAITING_PODMAN.format(python=sys.executable))
    podman.chmod(0o755)
    if deaf:
        monkeypatch.setenv("FAKE_PODMAN_DEAF", "1")
    # a session of its own, as a petstore-tui in another terminal: its orphans are not this session's
    owner = subprocess.Popen([sys.executable, "-c", PODMAN_OWNER, str(podman)], env=os.environ.copy(),
                             start_new_session=True)
    pid = 0
    try:
        deadline = time.monotonic() + 60
        while not (folder / "pid").exists():
            assert time.monotonic() < deadline, "the fake podman never started"
            time.sleep(0.05)
        pid = int((folder / "pid").read_text())
        deadline = time.monotonic() + 10
        while not tool_records.records() and time.monotonic() < deadline:
            time.sleep(0.05)  # written once the call's process is seen
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=30)
        assert tool_records.alive(tool_records.proc_info(pid)), "podman died with its run"
        assert [rec.program for rec in tool_records.records()] == ["podman"], \
            "the killed run left no record of its podman call"
        cli.reap_at_start(grace=1.0 if deaf else 30.0)
        deadline = time.monotonic() + 10
        while tool_records.alive(tool_records.proc_info(pid)):
            assert time.monotonic() < deadline, "the next start left podman running"
            time.sleep(0.05)
        said = capsys.readouterr().err
        assert f"stopped pid {pid} (podman)" in said and "its podman call" in said, said
        assert ("with SIGTERM" if deaf else "with SIGINT") in said, said
        assert (folder / "signals").read_text().splitlines()[0] == "SIGINT"  # gently first
        assert not tool_records.records()
        assert (folder / "podman.calls").read_text() == "kube play --network=host app.yaml\n"
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
        if pid and tool_records.alive(tool_records.proc_info(pid)):
            os.kill(pid, signal.SIGKILL)  # its `timeout` ends with it
