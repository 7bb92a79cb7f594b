"""Run external tools: argument lists only, a timeout on every call, output streamed line by
line with stderr tagged, and a polite stop (SIGINT, then SIGTERM, then SIGKILL).

The child runs in its own session so a Ctrl+C in the terminal reaches only us; we then
send the child exactly one SIGINT. Terraform treats a second SIGINT as "abandon state
writes", so that one must never be sent twice.

Every tool is recorded while it runs (petstore_core/tool_records.py): if this process is
killed outright, the next start stops what it left, and only that.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from petstore_core import tool_records

MAX_LINE = 64 * 1024  # longer lines are cut: a 10 MB line must not take 10 MB per copy
_CHUNK = 64 * 1024


class ToolNotFound(Exception):
    """The executable is not on PATH (or the given path does not exist)."""

    def __init__(self, tool: str):
        super().__init__(f"{tool} not found on PATH")
        self.tool = tool


@dataclass(frozen=True)
class Line:
    text: str
    stream: str  # "stdout" | "stderr"


@dataclass
class Completed:
    argv: list[str]
    returncode: int | None
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False
    lines: list[Line] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def which(tool: str, env: Mapping[str, str] | None = None) -> str | None:
    path = (env or os.environ).get("PATH")
    return shutil.which(tool, path=path)


def _resolve(argv: Sequence[str], env: Mapping[str, str] | None) -> list[str]:
    if not argv:
        raise ValueError("empty command")
    exe = argv[0]
    found = exe if os.sep in exe and os.path.exists(exe) else which(exe, env)
    if not found:
        raise ToolNotFound(exe)
    return [found, *argv[1:]]


def run(
    argv: Sequence[str],
    *,
    timeout: float,
    cwd: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    input: bytes | None = None,
) -> Completed:
    """Run to completion (short tools: version checks, `kubectl kustomize`).

    The tool runs in its own session, as in `stream`: on timeout its whole process group
    gets SIGKILL (a wrapper, a tfenv or asdf shim, `aws` running a credential_process, would
    otherwise leave its own child running); on Ctrl+C (the terminal's SIGINT reaches only
    us) the group gets one SIGINT, RUN_INTERRUPT_GRACE seconds, then SIGKILL, and the
    KeyboardInterrupt goes on."""
    full = _resolve(argv, env)
    marker = tool_records.new_marker()
    proc = subprocess.Popen(  # noqa: S603 - argument list, no shell
        full,
        cwd=cwd,
        env=tool_records.with_marker(dict(env) if env is not None else None, marker),
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    recorded = tool_records.record(proc.pid, full[0], marker, own_group=True)
    try:
        with proc:  # closes the pipes and waits for the child whatever happens below
            try:
                out, err = proc.communicate(input, timeout=timeout)
            except subprocess.TimeoutExpired as exc:
                # as subprocess.run on POSIX: the output so far is in exc; a second
                # communicate() would wait for a grandchild that still holds the pipes
                _killpg_sync(proc, signal.SIGKILL)
                proc.wait()
                return Completed(list(argv), None, _decode(exc.stdout or b""), _decode(exc.stderr or b""),
                                 timed_out=True)
            except BaseException:
                _interrupt_sync(proc)
                raise
    finally:
        tool_records.forget(recorded)
    return Completed(list(argv), proc.returncode, _decode(out), _decode(err))


RUN_INTERRUPT_GRACE = 2.0  # `run` is for short tools: Ctrl+C must not hang the terminal


def _killpg_sync(proc: subprocess.Popen, sig: int) -> None:
    """`sig` to the group `proc` leads (start_new_session), the child gone or not: while any
    process is in that group its id stays allocated to it (tool_records.py's docstring)."""
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _ended_unreaped(proc: subprocess.Popen) -> bool:
    """Whether the child has exited, leaving it a zombie: while it is one, its group id
    cannot be given to another process, so a killpg after this reaches only its own."""
    if proc.returncode is not None:
        return True
    try:
        return os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def _interrupt_sync(proc: subprocess.Popen) -> None:
    """As a terminal's Ctrl+C would have done before the child had a session of its own:
    one SIGINT to its group, a short wait for the child, then SIGKILL to whatever of the
    group is left (a grandchild that ignores SIGINT, as go-plugin servers do)."""
    if not _ended_unreaped(proc):
        _killpg_sync(proc, signal.SIGINT)
        deadline = time.monotonic() + RUN_INTERRUPT_GRACE
        while not _ended_unreaped(proc) and time.monotonic() < deadline:
            time.sleep(0.02)
    _killpg_sync(proc, signal.SIGKILL)
    proc.wait()


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


class _Follow:
    """Reads a file a tool writes to, as `asyncio.StreamReader.read` reads a pipe: the data
    as it comes (looked for every FOLLOW_POLL seconds), then b"" once the tool has ended and
    all it wrote is read."""

    def __init__(self, path: os.PathLike | str, ended: Callable[[], bool]):
        self.fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        self.ended = ended

    async def read(self, size: int) -> bytes:
        while True:
            ended = self.ended()  # before the read: what it wrote before it ended is there
            data = os.read(self.fd, size)
            if data or ended:
                return data
            await asyncio.sleep(FOLLOW_POLL)

    def close(self) -> None:
        os.close(self.fd)


FOLLOW_POLL = 0.05


async def _pump(
    reader: asyncio.StreamReader | _Follow, stream: str, sink: Callable[[Line], None]
) -> None:
    pending = b""
    overflow = False
    while True:
        chunk = await reader.read(_CHUNK)
        if not chunk:
            break
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for raw in complete:
            if overflow:
                overflow = False  # the tail of a cut line: already reported
                continue
            sink(Line(_decode(raw[:MAX_LINE]).rstrip("\r"), stream))
        if len(pending) > MAX_LINE:
            if not overflow:
                sink(Line(_decode(pending[:MAX_LINE]) + " …[line cut]", stream))
            overflow = True
            pending = b""
    if pending and not overflow:
        sink(Line(_decode(pending[:MAX_LINE]).rstrip("\r"), stream))


def _open_output(path: os.PathLike | str) -> int:
    """A new file, ours only (a tool's output can hold what the operator alone may read)."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o600)


def _signal_group(proc: asyncio.subprocess.Process, sig: int) -> None:
    """`sig` to the child's whole session (it leads its own: start_new_session), as a
    terminal's Ctrl-C would: a wrapper script (a tfenv or asdf shim) that only passed it on
    would leave its own child holding our pipes."""
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            proc.send_signal(sig)
        except ProcessLookupError:
            pass


def _kill_leftovers(proc: asyncio.subprocess.Process) -> None:
    """SIGKILL to what is left of the child's session (the child gone or not): called when
    its pipes are still open after it was stopped, or when stopping it was cut short."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


async def _wait_or_stop(proc: asyncio.subprocess.Process, work: asyncio.Future, timeout: float,
                        interrupt_grace: float, terminate_grace: float) -> bool:
    """Wait up to `timeout` for `work` (the tool's input and output); on timeout or
    cancellation stop the tool (`_stop`). True when it timed out. Whatever happens, nothing
    of the tool outlives the call."""
    try:
        await asyncio.wait_for(asyncio.shield(work), timeout)
        return False
    except TimeoutError:
        await _stop(proc, interrupt_grace, terminate_grace)
        await asyncio.wait([work], timeout=terminate_grace)
        return True
    except asyncio.CancelledError:
        await _stop(proc, interrupt_grace, terminate_grace)
        await asyncio.wait([work], timeout=terminate_grace)
        raise
    finally:
        if not work.done():
            # stopped, yet its pipes are still held (a grandchild), or the stop itself
            # was cut short by the caller's own deadline: nothing of it may outlive us
            _kill_leftovers(proc)
            # its pipes close now: let them, or asyncio reports the transport's end
            # after the loop is gone (a traceback on the operator's stderr)
            await asyncio.wait([work], timeout=terminate_grace)
        if not work.done():
            work.cancel()


async def _stop(proc: asyncio.subprocess.Process, interrupt_grace: float, terminate_grace: float) -> None:
    for sig, grace in ((signal.SIGINT, interrupt_grace), (signal.SIGTERM, terminate_grace)):
        if proc.returncode is not None:
            return
        _signal_group(proc, sig)
        try:
            await asyncio.wait_for(proc.wait(), grace)
            return
        except TimeoutError:
            continue
    if proc.returncode is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        await proc.wait()


async def stream(
    argv: Sequence[str],
    *,
    timeout: float,
    on_line: Callable[[Line], None] | None = None,
    cwd: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    input: bytes | None = None,
    interrupt_grace: float = 60.0,
    terminate_grace: float = 10.0,
    keep_lines: bool = True,
    outlive_us: bool = False,
) -> Completed:
    """Run a tool, calling `on_line` for each line of stdout and stderr as it comes.

    On timeout the child is stopped politely and `timed_out` is set. When the calling task
    is cancelled (the operator pressed stop), the child gets SIGINT and time to exit
    cleanly before anything harsher, and the cancellation is re-raised.

    `outlive_us`: the tool writes its stdout and stderr to files in the state folder, which
    we follow, instead of to pipes: if this process is killed outright, the tool's next
    write does not kill it (SIGPIPE on a pipe nobody reads: Terraform then dies mid-apply and
    its state is lost, docs/knowledge/orphaned-tool-processes.md). The record of the call
    names the files; the next start stops the tool with one SIGINT or, if it has ended,
    shows its last lines (tool_records.reap). Where nothing can be recorded (no /proc), pipes.
    """
    full = _resolve(argv, env)
    result = Completed(list(argv), None)

    def sink(line: Line) -> None:
        if keep_lines:
            result.lines.append(line)
        if on_line is not None:
            on_line(line)

    marker = tool_records.new_marker()
    outputs = tool_records.output_files(marker) if outlive_us else None
    out_fd = err_fd = asyncio.subprocess.PIPE
    if outputs is not None:
        try:
            out_fd = _open_output(outputs[0])
            err_fd = _open_output(outputs[1])
        except OSError:  # a full disk, a read-only folder: pipes, as without a record
            if out_fd != asyncio.subprocess.PIPE:
                os.close(out_fd)
            out_fd = err_fd = asyncio.subprocess.PIPE
            tool_records.forget_outputs(outputs)
            outputs = None
    try:
        proc = await asyncio.create_subprocess_exec(
            *full,
            cwd=cwd,
            env=tool_records.with_marker(dict(env) if env is not None else None, marker),
            stdin=asyncio.subprocess.PIPE if input is not None else asyncio.subprocess.DEVNULL,
            stdout=out_fd,
            stderr=err_fd,
            start_new_session=True,
        )
    except BaseException:
        if outputs is not None:
            tool_records.forget_outputs(outputs)
        raise
    finally:
        if outputs is not None:  # the child has its own copies
            os.close(out_fd)
            os.close(err_fd)
    recorded = tool_records.record(proc.pid, full[0], marker, own_group=True, outputs=outputs)
    readers: list[asyncio.StreamReader | _Follow]
    if outputs is not None:
        def ended() -> bool:
            return proc.returncode is not None

        readers = [_Follow(outputs[0], ended), _Follow(outputs[1], ended)]
    else:
        readers = [proc.stdout, proc.stderr]  # type: ignore[list-item]

    async def feed() -> None:
        if input is not None and proc.stdin is not None:
            try:
                proc.stdin.write(input)
                await proc.stdin.drain()
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                proc.stdin.close()

    async def communicate() -> None:
        await asyncio.gather(
            feed(), _pump(readers[0], "stdout", sink), _pump(readers[1], "stderr", sink)
        )
        await proc.wait()
        if outputs is not None:
            # no pipe kept us waiting for what the tool left in its session: nothing of it
            # may outlive the call (as _kill_leftovers after a stop)
            _kill_leftovers(proc)

    work = asyncio.ensure_future(communicate())
    try:
        result.timed_out = await _wait_or_stop(proc, work, timeout, interrupt_grace, terminate_grace)
    finally:
        tool_records.forget(recorded)
        if outputs is not None:
            for reader in readers:
                reader.close()  # type: ignore[union-attr]
            tool_records.forget_outputs(outputs)
    result.returncode = proc.returncode
    result.stdout = "\n".join(line.text for line in result.lines if line.stream == "stdout")
    result.stderr = "\n".join(line.text for line in result.lines if line.stream == "stderr")
    return result


@dataclass
class Captured:
    returncode: int | None
    stdout: bytes = b""
    stderr: bytes = b""
    timed_out: bool = False


async def capture(
    argv: Sequence[str],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    input: bytes | None = None,
    interrupt_grace: float = 60.0,
    terminate_grace: float = 10.0,
) -> Captured:
    """Run a tool and keep its whole output as bytes, unsplit (`stream` cuts lines at
    MAX_LINE: `helm upgrade --output json` prints the release, manifest included, on one
    line). Recorded, in its own session, stopped on timeout or cancellation as `stream`
    stops its tool: one SIGINT, then SIGTERM, then SIGKILL."""
    full = _resolve(argv, env)
    marker = tool_records.new_marker()
    proc = await asyncio.create_subprocess_exec(
        *full,
        env=tool_records.with_marker(dict(env) if env is not None else None, marker),
        stdin=asyncio.subprocess.PIPE if input is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    recorded = tool_records.record(proc.pid, full[0], marker, own_group=True)
    work = asyncio.ensure_future(proc.communicate(input))
    result = Captured(None)
    try:
        result.timed_out = await _wait_or_stop(proc, work, timeout, interrupt_grace, terminate_grace)
    finally:
        if work.done() and not work.cancelled() and work.exception() is None:
            result.stdout, result.stderr = work.result()
        tool_records.forget(recorded)
    result.returncode = proc.returncode
    return result


def spawn_detached(
    argv: Sequence[str],
    *,
    log_path: str | os.PathLike,
    cwd: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """Start a long-lived background service (the sandbox emulator, the local app) in its
    own session, output appended to `log_path`; returns its pid. It outlives this process,
    so there is no timeout here: callers health-check it with one and stop it by pid."""
    full = _resolve(argv, env)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(  # noqa: S603 - argument list, no shell
            full,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return proc.pid


def exited(pid: int) -> bool:
    """True when `pid`, our own child, has exited (and reaps it: a zombie looks alive to kill(0))."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == pid
    except ChildProcessError:
        return False


def stop_pid(pid: int, *, grace: float = 10.0) -> bool:
    """Stop a background service started by spawn_detached: SIGINT, then SIGTERM, then
    SIGKILL to its process group, each after `grace` seconds. True when it is gone."""
    def gone() -> bool:
        try:  # reap it when it is our own child, else a zombie would look alive
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done == pid:
                return True
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if gone():
            return True
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return True
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if gone():
                return True
            time.sleep(0.05)
    return gone()


def run_streamed(argv: Sequence[str], *, timeout: float, on_line: Callable[[str], None],
                 **kwargs) -> Completed:
    """`stream` for synchronous code (a worker thread, a headless command): each line to
    `on_line` as it comes; Ctrl+C stops the child as a cancelled `stream` does. The last
    200 lines are kept in `lines`."""
    tail: deque[Line] = deque(maxlen=200)

    def sink(line: Line) -> None:
        tail.append(line)
        on_line(line.text)

    done = asyncio.run(stream(argv, timeout=timeout, on_line=sink, keep_lines=False, **kwargs))
    done.lines = list(tail)
    return done
