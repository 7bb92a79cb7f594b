"""A petstore-tui killed with SIGKILL leaves its tools running; the next start stops exactly
those (petstore_core/tool_records.py), and never a stranger that got a recorded pid."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from petstore_core import process, tool_records
from petstore_tui import cli

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux /proc needed")

# Stand-in for Terraform and its provider plugin: the "terraform" process forks a
# "provider" grandchild that sleeps, writes both pids to a file, then waits (or, with
# `leader-exits`, ends once the file `exit-now` appears, as Terraform does when its next
# write to a closed pipe fails). Like Terraform, it stops on SIGINT after a moment, and
# notes each SIGINT it gets in the file `sigints` (a second one means "abandon state writes").
FAKE_TERRAFORM = textwrap.dedent("""\
    #!{python}
    import os, signal, sys, time
    here = sys.argv[1]
    stopping = []
    def interrupted(signum, frame):
        with open(os.path.join(here, "sigints"), "a") as out:
            out.write("SIGINT\\n")
        stopping.append(time.monotonic())
    signal.signal(signal.SIGINT, interrupted)
    child = os.fork()
    if child == 0:
        os.execv("/bin/sleep", ["sleep", "600"])  # the provider plugin's stand-in
    with open(os.path.join(here, "pids.tmp"), "w") as out:
        out.write(f"{{os.getpid()}} {{child}}")
    os.replace(os.path.join(here, "pids.tmp"), os.path.join(here, "pids"))
    print("planning", flush=True)
    while True:
        if len(sys.argv) > 2 and os.path.exists(os.path.join(here, "exit-now")):
            os._exit(0)
        if stopping and time.monotonic() - stopping[0] > 0.5:
            os._exit(0)
        time.sleep(0.05)
""")

# Stand-in for petstore-tui in the middle of a Terraform step: process.stream (or run) on
# the fake, in a process the test then kills with SIGKILL.
OWNER = textwrap.dedent("""\
    import asyncio, sys
    from petstore_core import process
    argv = sys.argv[2:]
    if sys.argv[1] == "stream":
        asyncio.run(process.stream(argv, timeout=600))
    else:
        process.run(argv, timeout=600)
""")


def _fake(tmp_path: Path) -> Path:
    exe = tmp_path / "terraform"
    exe.write_text(FAKE_TERRAFORM.format(python=sys.executable))
    exe.chmod(0o755)
    return exe


def _alive(pid: int) -> bool:
    info = tool_records.proc_info(pid)
    return info is not None and info.state not in ("Z", "X")


def _wait_for(path: Path, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)
    return path.read_text()


def _owner_killed(tmp_path: Path, mode: str, *extra: str) -> tuple[int, int]:
    """Start the owner on the fake Terraform, SIGKILL it once the tree is up and recorded:
    (tool, provider). A tree that was never recorded is killed here, then the test fails."""
    owner = subprocess.Popen([sys.executable, "-c", OWNER, mode, str(_fake(tmp_path)), str(tmp_path), *extra],
                             env=os.environ.copy())
    try:
        tool, provider = map(int, _wait_for(tmp_path / "pids").split())
        deadline = time.monotonic() + 10
        while not list(tool_records.folder().glob("*.json")) and time.monotonic() < deadline:
            time.sleep(0.05)  # written just after the tool starts
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=30)
    if not list(tool_records.folder().glob("*.json")):
        _cleanup(tool, provider)
        pytest.fail("the killed run left no record of its running tool")
    return tool, provider


def _cleanup(*pids: int) -> None:
    for pid in pids:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_the_next_start_stops_the_tree_a_killed_run_left(tmp_path, capsys):
    """Stand-ins: a fake `terraform` (its provider a forked `sleep`), run by process.stream in
    a subprocess that is SIGKILLed. Both outlive it; the next start of a command that runs
    tools (`petstore-tui preflight`'s entry, cli.reap_at_start) stops exactly them and says so."""
    tool, provider = _owner_killed(tmp_path, "stream")
    try:
        time.sleep(0.3)
        assert _alive(tool) and _alive(provider), "the killed run's tools should still be running here"
        cli.reap_at_start()
        assert not _alive(tool) and not _alive(provider)
        said = capsys.readouterr().err
        assert f"stopped pid {tool} " in said and f"stopped pid {provider} " in said, said
        assert "with SIGINT" in said  # the one SIGINT was enough: no harsher signal
        assert (tmp_path / "sigints").read_text() == "SIGINT\n"  # once, never twice
        assert not list(tool_records.folder().glob("*.json"))
    finally:
        _cleanup(tool, provider)


def test_a_provider_left_alone_by_its_dead_terraform_is_found_by_its_marker(tmp_path):
    """Stand-ins as above; after the owner's SIGKILL the fake Terraform itself ends (as the
    real one does at its next write to the closed pipe) and only its provider is left,
    reparented to init. Its pid was never recorded: the marker in its environment says it
    is ours. `petstore-tui leftovers` stops it."""
    tool, provider = _owner_killed(tmp_path, "stream", "leader-exits")
    try:
        (tmp_path / "exit-now").write_text("")
        deadline = time.monotonic() + 10
        while _alive(tool):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert _alive(provider)
        assert cli.main(["leftovers", "--grace", "5"]) == 0
        assert not _alive(provider)
        assert not list(tool_records.folder().glob("*.json"))
    finally:
        _cleanup(tool, provider)


def test_process_run_tools_are_recorded_and_stopped_in_their_own_group(tmp_path):
    """process.run's tool leads a session of its own since round 18 (its group can be
    stopped whole): the reaper stops the tool and its child, and this test process (the
    operator's shell job) is never in that group."""
    tool, provider = _owner_killed(tmp_path, "run")
    try:
        record = json.loads(next(tool_records.folder().glob("*.json")).read_text())
        assert record["own_group"] is True
        assert tool_records.proc_info(tool).sid == tool != os.getsid(0)  # type: ignore[union-attr]
        done = tool_records.reap(grace=5)
        assert {item.pid for item in done.stopped} == {tool, provider}
        assert not _alive(tool) and not _alive(provider)
    finally:
        _cleanup(tool, provider)


def _dead_run_record(pid: int, start: int, program: str, suffix: str = ".json") -> Path:
    """A record of tool `pid` (process start `start`) written by a run that has ended: its
    owner is a pid that just exited. `suffix` ".tmp" is the file record() writes before its
    rename."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, timeout=30)
    folder = tool_records.folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{dead.stdout.strip()}-1-{pid}{suffix}"
    path.write_text(json.dumps({
        "pid": pid, "start": start, "boot": tool_records.boot_id(), "program": program,
        "uid": os.getuid(), "owner_pid": int(dead.stdout), "owner_start": 1, "marker": "1.1.none",
        "own_group": True, "started_at": time.time()}))
    return path


def test_a_reused_pid_is_left_alone_and_its_record_dropped(tmp_path):
    """Stand-in for pid reuse: a stranger `sleep` (not started by us) holds the pid of a
    record from a dead run, with another start time. It is not touched; the record goes."""
    stranger = subprocess.Popen(["sleep", "60"])
    try:
        info = tool_records.proc_info(stranger.pid)
        assert info is not None
        path = _dead_run_record(stranger.pid, info.start - 1, "terraform")
        done = tool_records.reap(grace=1)
        assert stranger.poll() is None, "a stranger with a reused pid was stopped"
        assert not done.stopped
        assert [rec.pid for rec, _ in done.strangers] == [stranger.pid]
        assert not path.exists()
    finally:
        stranger.kill()
        stranger.wait()


def test_records_of_a_live_run_are_left_alone(tmp_path):
    """A record whose owner (this test process) is alive belongs to a run in progress
    (a TUI in another terminal): neither its tool nor its record is touched."""
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        marker = tool_records.new_marker()
        path = tool_records.record(sleeper.pid, "/usr/bin/sleep", marker, own_group=False)
        assert path is not None and path.exists()
        done = tool_records.reap(grace=1)
        assert done.live_owner == 1 and not done.stopped
        assert sleeper.poll() is None and path.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


async def test_records_hold_the_program_name_only_and_go_when_the_tool_ends(tmp_path):
    """Stand-in tool: `sh` printing the records while it runs. Each holds the program's
    name, never an argument (a token on the command line stays out of the state folder);
    none is left once the call has returned, by stream or by run."""
    secret = "--token=AKIAFAKEFAKEFAKE0000-hunter2"
    folder = tool_records.folder()
    # the record is written just after the tool starts: wait for it, then print it
    show = (f'for i in $(seq 200); do ls "{folder}"/*.json >/dev/null 2>&1 && break; sleep 0.05; done; '
            f'cat "{folder}"/*.json; : "{secret}"')
    streamed = await process.stream(["sh", "-c", show, "sh", secret], timeout=30)
    ran = process.run(["sh", "-c", show, "sh", secret], timeout=30)
    for done in (streamed, ran):
        assert done.ok, done.stderr
        record = json.loads(done.stdout)
        assert record["program"] == "sh"
        assert "hunter2" not in done.stdout and "AKIA" not in done.stdout
    assert not list(tool_records.folder().glob("*.json"))


# Stand-in for a tool that writes steadily (Terraform's -json lines during an apply): one
# numbered line a tenth of a second on stdout and, every fifth, one on stderr; on SIGINT
# it says so, writes its "state" (the file `state`: how many lines it wrote) and ends, as
# Terraform does. Python ignores SIGPIPE: a write to a pipe nobody reads raises
# BrokenPipeError and ends it, as Go's runtime ends Terraform with status 141.
CHATTY = textwrap.dedent("""\
    #!{python}
    import os, signal, sys, time
    here = sys.argv[1]
    stop = []
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    with open(os.path.join(here, "pid"), "w") as out:
        out.write(str(os.getpid()))
    n = 0
    while not stop:
        n += 1
        print(f"line {{n}}", flush=True)
        if n % 5 == 0:
            print(f"note {{n}}", file=sys.stderr, flush=True)
        time.sleep(0.1)
    print("Interrupt received: state written", flush=True)
    with open(os.path.join(here, "state"), "w") as out:
        out.write(str(n))
""")

CHATTY_OWNER = textwrap.dedent("""\
    import asyncio, sys
    from petstore_core import process
    asyncio.run(process.stream(sys.argv[1:], timeout=600, outlive_us=True,
                               on_line=lambda line: print(line.stream, line.text, flush=True)))
""")


def _chatty(tmp_path: Path) -> Path:
    exe = tmp_path / "chatty"
    exe.write_text(CHATTY.format(python=sys.executable))
    exe.chmod(0o755)
    return exe


async def test_outlive_us_streams_lines_as_they_come_from_files_and_leaves_none(tmp_path):
    """Stand-in: the chatty tool above. With `outlive_us` its output goes to files we follow:
    lines still come as they are written, stdout and stderr tagged, in order; a timeout
    stops it with one SIGINT as with pipes; the files and the record are gone afterwards."""
    seen: list[tuple[float, process.Line]] = []
    started = time.monotonic()
    done = await process.stream([str(_chatty(tmp_path)), str(tmp_path)], timeout=1.5, outlive_us=True,
                                on_line=lambda line: seen.append((time.monotonic() - started, line)))
    assert done.timed_out
    out = [line.text for _, line in seen if line.stream == "stdout"]
    assert out[:3] == ["line 1", "line 2", "line 3"] and out[-1] == "Interrupt received: state written"
    assert "note 5" in [line.text for _, line in seen if line.stream == "stderr"]
    first = next(at for at, line in seen if line.text == "line 1")
    assert first < 1.0, f"the first line came {first:.2f} s after the start: not as it came"
    assert int((tmp_path / "state").read_text()) == len(out) - 1
    assert not list(tool_records.folder().iterdir()), "records or output files were left"


def _chatty_owner_killed(tmp_path: Path, after: str) -> int:
    """The chatty tool started with `outlive_us` by process.stream in a subprocess, which is
    SIGKILLed once the tool's line `after` came through: the tool's pid."""
    owner = subprocess.Popen([sys.executable, "-c", CHATTY_OWNER, str(_chatty(tmp_path)), str(tmp_path)],
                             stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        for line in owner.stdout:  # type: ignore[union-attr]
            if line.startswith(after):
                break
        return int((tmp_path / "pid").read_text())
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=30)


def test_a_tool_that_outlives_its_killed_run_keeps_running_and_is_stopped_with_its_last_lines(tmp_path, capsys):
    """Stand-ins: the chatty tool run with `outlive_us` by process.stream in a subprocess that
    is SIGKILLed. Its next writes do not end it (no pipe to break): it is still writing a
    second later. The next start stops it with one SIGINT; it writes its "state"; the
    operator reads its last lines and where its whole output is kept."""
    tool = _chatty_owner_killed(tmp_path, after="stdout line 3")
    try:
        (record,) = tool_records.records()
        assert len(record.outputs) == 2
        written = Path(record.outputs[0]).stat().st_size
        time.sleep(1.0)
        assert _alive(tool), "the tool died with its run"
        assert Path(record.outputs[0]).stat().st_size > written, "the tool stopped writing"
        cli.reap_at_start()
        assert not _alive(tool)
        said = capsys.readouterr().err
        assert f"stopped pid {tool} (chatty)" in said and "with SIGINT" in said, said
        assert "Interrupt received: state written" in said, said
        kept = tool_records.folder() / tool_records.ENDED / "chatty.stdout"
        assert str(kept) in said and kept.read_text().endswith("Interrupt received: state written\n")
        assert (tmp_path / "state").exists(), "the tool was not let to write its state"
        assert not list(tool_records.folder().glob("*.json"))
        assert not list(tool_records.folder().glob("*.std*"))
    finally:
        _cleanup(tool)


def test_a_tool_that_ended_after_its_killed_run_is_reported_with_its_last_lines(tmp_path, capsys):
    """Stand-ins as above; the tool ends by itself (SIGINT sent here, not by the reaper)
    before the next start, which finds nothing to stop and tells how it ended."""
    tool = _chatty_owner_killed(tmp_path, after="stdout line 2")
    try:
        os.kill(tool, signal.SIGINT)
        _wait_for(tmp_path / "state")
        deadline = time.monotonic() + 10
        while _alive(tool):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        cli.reap_at_start()
        said = capsys.readouterr().err
        assert "stopped pid" not in said
        assert "the chatty call" in said and "ran to its end after it" in said, said
        assert "Interrupt received: state written" in said, said
    finally:
        _cleanup(tool)


# Stand-in for a wrapper (a tfenv or asdf shim, `aws` running a credential_process): it
# forks a grandchild that ignores SIGINT (as a go-plugin server does) and sleeps, writes
# both pids, and waits for the grandchild.
WRAPPER = textwrap.dedent("""\
    #!{python}
    import os, signal, sys, time
    here = sys.argv[1]
    child = os.fork()
    if child == 0:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        time.sleep(600)
        os._exit(0)
    with open(os.path.join(here, "pids.tmp"), "w") as out:
        out.write(f"{{os.getpid()}} {{child}}")
    os.replace(os.path.join(here, "pids.tmp"), os.path.join(here, "pids"))
    os.waitpid(child, 0)
""")


def _wrapper(tmp_path: Path) -> Path:
    exe = tmp_path / "wrapper"
    exe.write_text(WRAPPER.format(python=sys.executable))
    exe.chmod(0o755)
    return exe


def test_run_timeout_stops_the_wrappers_grandchild_too(tmp_path):
    """Stand-in: the wrapper above under process.run with a 1 s timeout. The call returns
    timed out, and neither the wrapper nor its grandchild is left running."""
    started = time.monotonic()
    done = process.run([str(_wrapper(tmp_path)), str(tmp_path)], timeout=1.0)
    wrapper, grandchild = map(int, _wait_for(tmp_path / "pids").split())
    try:
        assert done.timed_out and time.monotonic() - started < 10
        time.sleep(0.2)
        assert not _alive(wrapper)
        assert not _alive(grandchild), "the wrapper's child outlived the timeout"
    finally:
        _cleanup(wrapper, grandchild)


RUN_OWNER = textwrap.dedent("""\
    import sys
    from petstore_core import process
    try:
        process.run(sys.argv[1:], timeout=600)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(130)
""")


def test_ctrl_c_during_run_stops_the_whole_tree_and_reaches_the_caller(tmp_path):
    """Stand-ins: the wrapper under process.run in a subprocess leading its own process
    group, as a command in a terminal does; Ctrl-C is SIGINT to that group. The command gets
    its KeyboardInterrupt at once (within the 2 s grace), and the wrapper's grandchild,
    which ignores SIGINT, is gone too."""
    owner = subprocess.Popen([sys.executable, "-c", RUN_OWNER, str(_wrapper(tmp_path)), str(tmp_path)],
                             stdout=subprocess.PIPE, text=True, env=os.environ.copy(), start_new_session=True)
    wrapper = grandchild = 0
    try:
        wrapper, grandchild = map(int, _wait_for(tmp_path / "pids").split())
        time.sleep(0.2)  # the record is written, the grandchild's handler is set
        os.killpg(owner.pid, signal.SIGINT)  # the terminal's Ctrl-C
        out, _ = owner.communicate(timeout=30)
        assert owner.returncode == 130 and "interrupted" in out
        time.sleep(0.2)
        assert not _alive(wrapper)
        assert not _alive(grandchild), "the wrapper's child outlived Ctrl-C"
        assert not list(tool_records.folder().glob("*.json"))
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
        _cleanup(wrapper, grandchild)
# Stand-in for a leftover tool that ignores SIGINT (a provider plugin, a hung Terraform).
DEAF = "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); print('ready', flush=True); time.sleep(600)"


def _deaf_leftover() -> tuple[subprocess.Popen, Path]:
    """The stand-in, recorded as a terraform call of a run that has ended (a dead pid)."""
    deaf = subprocess.Popen([sys.executable, "-c", DEAF], stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert deaf.stdout.readline() == "ready\n"
    info = tool_records.proc_info(deaf.pid)
    return deaf, _dead_run_record(deaf.pid, info.start, "terraform")


def test_a_leftover_deaf_to_sigint_is_named_at_once_with_the_wait(capsys):
    """Stand-in: a Python process ignoring SIGINT, recorded as a dead run's terraform. The
    start's reap says at once which pid it waits for, how long at most, and that Ctrl-C
    skips the wait; after the grace, SIGTERM stops it."""
    deaf, path = _deaf_leftover()
    try:
        cli.reap_at_start(grace=1.5)
        said = capsys.readouterr().err
        assert f"waiting up to 6 seconds for pid {deaf.pid} (python" in said, said
        assert "Ctrl-C skips the wait and leaves it running" in said
        assert said.index("waiting up to") < said.index(f"stopped pid {deaf.pid}")
        assert "with SIGTERM" in said and deaf.wait(timeout=10) is not None
        assert not path.exists()
    finally:
        deaf.kill()
        deaf.wait()


def test_ctrl_c_during_the_wait_leaves_the_tool_running_and_says_so(capsys, monkeypatch):
    """Stand-in as above; the operator's Ctrl-C (a KeyboardInterrupt raised while waiting)
    skips the wait: the command goes on, the tool and its record are left, and the line
    says so and how to stop it later."""
    deaf, path = _deaf_leftover()
    waits = []

    def interrupted(procs, seconds, sleep):
        waits.append(seconds)
        if len(waits) > 1:  # the quiet half-second passed and the wait was announced
            raise KeyboardInterrupt
        return procs

    monkeypatch.setattr(tool_records, "_wait", interrupted)
    try:
        cli.reap_at_start()
        said = capsys.readouterr().err
        assert "waiting up to 34 seconds" in said, said
        assert f"not waited: pid {deaf.pid} (python" in said and "still running" in said, said
        assert "petstore-tui leftovers" in said
        assert deaf.poll() is None and path.exists()
    finally:
        deaf.kill()
        deaf.wait()
        path.unlink(missing_ok=True)


# Stand-in for petstore-tui killed by SIGKILL inside process.stream's `outlive_us` start:
# after the output files were made, before the record is written. `spawned` kills it just
# after the tool started (tool_records.record replaced by a SIGKILL to itself); `files`
# kills it before the tool started (the spawn replaced by the same).
KILLED_BEFORE_RECORD = textwrap.dedent("""\
    import asyncio, os, signal, sys
    from petstore_core import process, tool_records
    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)
    if sys.argv[1] == "spawned":
        tool_records.record = die
    else:
        asyncio.create_subprocess_exec = die
    asyncio.run(process.stream(sys.argv[2:], timeout=600, outlive_us=True))
""")


def test_output_files_of_a_run_killed_before_its_record_are_found_at_the_next_start(tmp_path, capsys):
    """Stand-ins: the chatty tool (a line every 0.1 s, its "state" written on SIGINT), started
    with `outlive_us` by process.stream in a subprocess that SIGKILLs itself between making
    the two output files and writing the record. The tool runs on, unrecorded, writing to
    files no record names. The next start finds them by their name (the call's marker),
    stops the tool that carries that marker with one SIGINT, keeps its output as an ended
    call's and says so; nothing is left in children/."""
    owner = subprocess.run([sys.executable, "-c", KILLED_BEFORE_RECORD, "spawned", str(_chatty(tmp_path)),
                            str(tmp_path)], env=os.environ.copy(), timeout=60)
    assert owner.returncode == -signal.SIGKILL
    tool = int(_wait_for(tmp_path / "pid"))
    try:
        assert not tool_records.records() and len(list(tool_records.folder().glob("*.std*"))) == 2
        time.sleep(0.5)
        assert _alive(tool), "the stand-in should be running, unrecorded"
        cli.reap_at_start()
        assert not _alive(tool), "the next start left the unrecorded tool running"
        said = capsys.readouterr().err
        assert f"stopped pid {tool} (chatty)" in said and "with SIGINT" in said, said
        assert "Interrupt received: state written" in said, said
        assert (tmp_path / "state").exists(), "the tool was not let to write its state"
        assert not list(tool_records.folder().glob("*.std*")), "the output files were left"
        assert not list(tool_records.folder().glob("*.json"))
    finally:
        _cleanup(tool)


def test_empty_output_files_of_a_run_killed_before_its_tool_started_are_removed(tmp_path, capsys):
    """Stand-in: process.stream with `outlive_us` in a subprocess that SIGKILLs itself after
    making the two output files, before the tool starts. The next start removes the two
    empty files (nothing ran, nothing to tell); `leftovers --list` beforehand names them
    and changes nothing."""
    owner = subprocess.run([sys.executable, "-c", KILLED_BEFORE_RECORD, "files", str(_chatty(tmp_path)),
                            str(tmp_path)], env=os.environ.copy(), timeout=60)
    assert owner.returncode == -signal.SIGKILL
    files = sorted(tool_records.folder().glob("*.std*"))
    assert [f.suffix for f in files] == [".stderr", ".stdout"] and not any(f.stat().st_size for f in files)
    assert cli.main(["leftovers", "--list"]) == 0
    assert all(f.exists() for f in files)
    capsys.readouterr()
    cli.reap_at_start()
    assert not any(f.exists() for f in files), "the killed run's empty output files were left"


def test_a_record_a_killed_run_left_half_written_is_read_or_dropped(tmp_path):
    """Stand-ins: a `sleep` in its own session, and the temporary files tool_records.record
    writes before its rename: a whole one (the run killed just before the rename) of a dead
    run naming the sleep, a cut one of a dead run, and one of a live run (this process).
    The reap stops the sleep and removes both dead runs' files; the live run's is left."""
    sleeper = subprocess.Popen(["sleep", "600"], start_new_session=True)
    try:
        info = tool_records.proc_info(sleeper.pid)
        whole = _dead_run_record(sleeper.pid, info.start, "sleep", ".tmp")
        folder = whole.parent
        cut = folder / f"{whole.name.split('-', 1)[0]}-1-99999999.tmp"
        cut.write_text('{"pid": 9999')
        me = tool_records.proc_info(os.getpid())
        live = folder / f"{os.getpid()}-{me.start}-99999998.tmp"
        live.write_text('{"pid": 9999')
        done = tool_records.reap(grace=5)
        assert [item.pid for item in done.stopped] == [sleeper.pid]
        assert sleeper.wait(timeout=10) is not None
        assert not whole.exists() and not cut.exists()
        assert live.exists(), "a live run's record being written was removed"
    finally:
        sleeper.kill()
        sleeper.wait()
