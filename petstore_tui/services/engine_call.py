"""Bounded, stoppable python-on-whales calls: every Docker/Podman command runs under a timeout and can be stopped.

python-on-whales runs its commands with `subprocess.run`/`Popen` and no timeout. So each
call gets its own client whose `client_call` is

    env PETSTORE_ENGINE_CALL=<id> [settings...] timeout --foreground --kill-after=G T <engine>

`timeout` (coreutils) bounds it even if this process is stuck; the marker in its
environment is the kill path: `stop()` finds our child carrying it (through /proc) and
sends it SIGTERM, which `timeout` forwards to the engine, then SIGKILL after a grace.
Calls run in a worker thread (python-on-whales blocks), so an async caller awaits them
and a cancellation reaches the engine as that SIGTERM.

Every call is also recorded as Terraform's are (petstore_core/tool_records.py): the prefix
carries the record's marker (`PETSTORE_TOOL_CALL`), and once our child (`timeout`) is seen
its record is written, so a killed petstore-tui's next start stops a hung engine call with
SIGINT (which `timeout` passes on to the engine, as a terminal's Ctrl-C would reach both),
then SIGTERM, instead of leaving it for up to its whole timeout. What the engine leaves on
purpose does not carry the marker: measured with podman 4.3.1, neither conmon nor the
container of a `podman run -d` holds it (docs/knowledge/orphaned-tool-processes.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import shutil
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from python_on_whales import DockerClient
from python_on_whales.client_config import ClientNotFoundError
from python_on_whales.exceptions import DockerException

from petstore_core import tool_records
from petstore_core.redact import redact

T = TypeVar("T")
MARKER = "PETSTORE_ENGINE_CALL"
KILL_GRACE = 10  # seconds between SIGTERM (forwarded by `timeout`) and SIGKILL
_SYSTEM_BIN = "/usr/bin:/bin:/usr/local/bin"


class EngineCallError(RuntimeError):
    """An engine command failed, timed out or was stopped; the message says which, in one line."""

    def __init__(self, message: str, *, timed_out: bool = False, stopped: bool = False,
                 returncode: int | None = None, stderr: str = ""):
        super().__init__(message)
        self.timed_out = timed_out
        self.stopped = stopped
        self.returncode = returncode
        self.stderr = stderr


def _tool(name: str) -> str | None:
    """Coreutils found whatever PATH holds (tests replace PATH with fakes)."""
    return shutil.which(name) or shutil.which(name, path=_SYSTEM_BIN)


@dataclass
class Caller:
    """Makes bounded clients for one engine binary with fixed extra environment."""

    engine: str  # docker | podman
    path: str  # absolute path of the engine binary
    env: Mapping[str, str] = field(default_factory=dict)  # e.g. CONTAINERS_CONF (sandbox only)

    def client(self, timeout: float, call_id: str, env: Mapping[str, str] | None = None,
               record_marker: str | None = None):
        settings = {**self.env, **(env or {})}
        prefix = [_tool("env") or "/usr/bin/env", f"{MARKER}={call_id}",
                  *([f"{tool_records.MARKER}={record_marker}"] if record_marker else []),
                  *(f"{k}={v}" for k, v in settings.items())]
        bound = _tool("timeout")
        if bound:  # without coreutils' timeout, only our watchdog bounds the call
            prefix += [bound, "--foreground", f"--kill-after={KILL_GRACE}", f"{max(1, int(timeout))}"]
        kind = self.engine if self.engine in ("docker", "podman") else "unknown"
        return DockerClient(client_call=[*prefix, self.path], client_type=kind)

    # ---------------------------------------------------------------- one call
    def call(self, what: str, fn: Callable[[Any], T], *, timeout: float,
             env: Mapping[str, str] | None = None, stop: threading.Event | None = None) -> T:
        """`fn(client)` in a worker thread, bounded by `timeout`; `stop` (or Ctrl+C in
        the calling thread) ends the engine command. Raises EngineCallError."""
        call_id = uuid.uuid4().hex
        record = _Record(self.path, call_id)
        client = self.client(timeout, call_id, env, record.marker)
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["value"] = fn(client)
            except BaseException as exc:  # handed to the caller
                box["error"] = exc

        thread = threading.Thread(target=work, name=f"engine-{what}", daemon=True)
        thread.start()
        deadline = time.monotonic() + timeout + KILL_GRACE + 5  # `timeout` fires first
        try:
            while thread.is_alive():
                thread.join(0.1 if record.done else 0.02)
                record.when_seen()
                if stop is not None and stop.is_set():
                    kill(call_id)
                    thread.join(KILL_GRACE + 5)
                    raise EngineCallError(f"{self.engine} {what}: stopped", stopped=True)
                if time.monotonic() > deadline:
                    kill(call_id)
                    raise EngineCallError(f"{self.engine} {what}: no answer in {timeout:.0f}s", timed_out=True)
        except KeyboardInterrupt:
            kill(call_id)
            thread.join(KILL_GRACE + 5)
            raise
        finally:
            record.forget()
        if "error" in box:
            raise translate(self.engine, what, box["error"], timeout) from None
        return box.get("value")  # type: ignore[return-value]

    async def acall(self, what: str, fn: Callable[[Any], T], *, timeout: float,
                    env: Mapping[str, str] | None = None) -> T:
        """`call` for async code: a cancelled task stops the engine command."""
        stop = threading.Event()
        try:
            return await asyncio.shield(asyncio.to_thread(
                self.call, what, fn, timeout=timeout, env=env, stop=stop))
        except asyncio.CancelledError:
            stop.set()
            raise

    # ---------------------------------------------------------------- streamed output
    def stream(self, what: str, produce: Callable[[Any], Iterable], *, timeout: float,
               env: Mapping[str, str] | None = None, stop: threading.Event | None = None) -> Iterator[str]:
        """Lines of a streaming python-on-whales call (`stream_logs=True`, logs with
        `follow`, events) as they come, in this thread. Ends at the stream's end, at
        `timeout`, or when `stop` is set; a failure raises EngineCallError after the lines."""
        call_id = uuid.uuid4().hex
        record = _Record(self.path, call_id)
        client = self.client(timeout, call_id, env, record.marker)
        lines: queue.Queue = queue.Queue(maxsize=10000)
        done = object()
        box: dict[str, BaseException] = {}

        def work() -> None:
            try:
                for item in produce(client):
                    data = item[1] if isinstance(item, tuple) else item
                    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
                    for line in text.splitlines():
                        lines.put(line)
            except BaseException as exc:  # noqa: BLE001 - handed to the reader
                box["error"] = exc
            finally:
                lines.put(done)

        threading.Thread(target=work, name=f"engine-{what}", daemon=True).start()
        deadline = time.monotonic() + timeout + KILL_GRACE + 5
        try:
            while True:
                if stop is not None and stop.is_set():
                    kill(call_id)
                    return
                if time.monotonic() > deadline:
                    kill(call_id)
                    raise EngineCallError(f"{self.engine} {what}: no end in {timeout:.0f}s", timed_out=True)
                try:
                    item = lines.get(timeout=0.2 if record.done else 0.02)
                except queue.Empty:
                    continue
                finally:
                    record.when_seen()
                if item is done:
                    break
                yield item
        finally:
            kill(call_id)  # a reader that stops early leaves nothing behind
            record.forget()
        if "error" in box:
            raise translate(self.engine, what, box["error"], timeout) from None

    async def astream(self, what: str, produce: Callable[[Any], Iterable], on_line: Callable[[str], None],
                      *, timeout: float, env: Mapping[str, str] | None = None) -> None:
        """`stream` for async code: each line to `on_line` on the event loop; a
        cancelled task stops the engine command, and is cancelled once it has ended
        (what cleans up after a stopped build must not race the build)."""
        loop = asyncio.get_running_loop()
        stop = threading.Event()

        def pump() -> None:
            for line in self.stream(what, produce, timeout=timeout, env=env, stop=stop):
                loop.call_soon_threadsafe(on_line, line)

        pumping = asyncio.ensure_future(asyncio.to_thread(pump))
        try:
            await asyncio.shield(pumping)
        except asyncio.CancelledError:
            stop.set()
            with contextlib.suppress(BaseException):  # its own failure is not the news here
                await asyncio.wait_for(asyncio.shield(pumping), KILL_GRACE + 5)
            raise


def translate(engine: str, what: str, exc: BaseException, timeout: float) -> EngineCallError:
    """One redacted line for what python-on-whales raised (never its whole command line,
    which may hold file names of secrets)."""
    if isinstance(exc, EngineCallError):
        return exc
    if isinstance(exc, ClientNotFoundError):
        return EngineCallError(f"{engine} not found on PATH")
    if isinstance(exc, DockerException):
        stderr = exc.stderr or ""
        if isinstance(stderr, bytes):
            stderr = stderr.decode("utf-8", "replace")
        code = exc.return_code
        if code == 124 or (code == 137 and not stderr.strip()):  # coreutils timeout: TERM, then KILL
            return EngineCallError(f"{engine} {what}: no answer in {timeout:.0f}s", timed_out=True,
                                   returncode=code, stderr=redact(stderr))
        last = [line.strip() for line in stderr.splitlines() if line.strip()]
        reason = last[-1] if last else f"exit {code}"
        return EngineCallError(redact(f"{engine} {what}: {reason}")[:500], returncode=code,
                               stderr=redact(stderr))
    return EngineCallError(redact(f"{engine} {what}: {type(exc).__name__}: {exc}")[:500])


class _Record:
    """The tool record of one engine call (petstore_core/tool_records.py). python-on-whales
    starts the process out of our sight: it is written once our child carrying the call's
    id is seen, and a call that ends before that is never recorded (nothing to leave)."""

    def __init__(self, path: str, call_id: str):
        self.program = path
        self.call_id = call_id
        self.marker = tool_records.new_marker()
        self.path = None
        self.done = self.marker is None  # nothing can be recorded here (no /proc)

    def when_seen(self) -> None:
        if self.done:
            return
        pids = marked_children(self.call_id)
        if pids:
            self.path = tool_records.record(pids[0], self.program, self.marker, own_group=False)
            self.done = True

    def forget(self) -> None:
        tool_records.forget(self.path)
        self.path = None
        self.done = True


# ------------------------------------------------------------------ the kill path
def marked_children(call_id: str) -> list[int]:
    """Our child processes whose environment carries this call's marker."""
    mine = os.getpid()
    return [pid for pid in tool_records.all_pids()
            if (info := tool_records.proc_info(pid)) is not None and info.ppid == mine
            and tool_records.environ_holds(pid, MARKER, call_id)]


def kill(call_id: str, grace: float = KILL_GRACE) -> None:
    """SIGTERM to the call's process (timeout forwards it), SIGKILL after `grace`."""
    pids = marked_children(call_id)
    if not pids:
        return
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not any(_alive(pid) for pid in pids):
            return
        time.sleep(0.05)
    for pid in pids:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            _signal(pid, signal.SIGKILL)


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _alive(pid: int) -> bool:
    return tool_records.alive(tool_records.proc_info(pid))
