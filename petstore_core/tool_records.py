"""Which external tools this run started, written down while they run, so that a run that
was killed (SIGKILL, a closed terminal, an OOM kill: nothing in the dying process can act)
leaves enough behind for the next one to stop exactly its tools, and never a stranger's.

One JSON file a tool in `state_dir()/children/`, written by `process.run`/`process.stream`
as the tool starts and removed when it has ended. It holds the tool's pid and start time
(`/proc/PID/stat` field 22, clock ticks since boot), the boot id, the program's name (never
its arguments: they can hold secrets), our uid, the owner (this run's pid and start time)
and a random marker that the tool and every descendant carry in their environment
(`PETSTORE_TOOL_CALL`). `reap()` looks at the records whose owner is gone:

- the tool's pid alive with the recorded start time: it is ours, and so is its process group
  (a number in use as a group or session id is never given to a new process: the sources
  are in docs/knowledge/orphaned-tool-processes.md);
- the tool's pid gone or taken by another process (its start time differs): only processes
  that carry the record's marker in `/proc/PID/environ` (a random token no stranger has)
  and started no earlier than the tool are ours, e.g. Terraform's provider plugin after
  Terraform itself died;
- anything else is a stranger and is left alone; the record is dropped.

A tool that must outlive us (Terraform: process.stream's `outlive_us`) writes to two files
named in its record instead of to our pipes, so our death does not kill it mid-apply; the
reaper shows the operator its last lines and keeps its output in `children/ended/`.

Ours are stopped as a terminal's Ctrl-C and then the helper's own stop would: one SIGINT to
the group (Terraform stops gracefully, writing its state and releasing the lock; its
go-plugin providers ignore SIGINT and are ended by Terraform), SIGTERM after the grace, then
SIGKILL. Never by name: `pkill terraform` would stop the operator's other runs.

A run killed inside a call's start, after it made the call's files and before their record
was complete, leaves files no record names: output files named by the call's marker (the
tool started or not) and a record's temporary file. `reap()` finds those of dead runs too
(the owner is in each name): the tool carrying the marker is stopped as a recorded one is,
output that was written is kept as an ended call's, empty files are removed.

Linux only (/proc); elsewhere nothing is recorded and nothing is reaped.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from petstore_core import settings
from petstore_core.private_file import write_private

MARKER = "PETSTORE_TOOL_CALL"
FOLDER = "children"
_PROC = Path("/proc")


# ---------------------------------------------------------------- what /proc says
@dataclass(frozen=True)
class ProcInfo:
    pid: int
    ppid: int
    pgid: int
    sid: int
    start: int  # clock ticks after boot (stat field 22): with the pid, a process's identity
    state: str  # R, S, D, Z, ...
    uid: int | None
    name: str  # comm: the kernel's 15-character name, for the report only


def proc_info(pid: int) -> ProcInfo | None:
    """The process `pid` as /proc sees it now, None when there is none (or no /proc)."""
    try:
        stat = (_PROC / str(pid) / "stat").read_bytes().decode("utf-8", "replace")
    except (OSError, ValueError):
        return None
    # comm is in parentheses and may hold spaces or ')': the fields follow the last ')'
    left, right = stat.find("("), stat.rfind(")")
    if left < 0 or right < 0:
        return None
    fields = stat[right + 2:].split()
    try:
        state, ppid, pgid, sid = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
        start = int(fields[19])  # field 22 of the whole line; fields[0] is field 3
    except (IndexError, ValueError):
        return None
    try:
        uid = (_PROC / str(pid)).stat().st_uid
    except OSError:
        uid = None
    return ProcInfo(pid, ppid, pgid, sid, start, state, uid, stat[left + 1:right])


def boot_id() -> str:
    try:
        return (_PROC / "sys" / "kernel" / "random" / "boot_id").read_text().strip()
    except OSError:
        return ""


def environ_holds(pid: int, name: str, value: str) -> bool:
    """Whether `pid`'s environment (as it was at exec) holds `name=value`."""
    try:
        environ = (_PROC / str(pid) / "environ").read_bytes()
    except OSError:
        return False
    return f"{name}={value}".encode() in environ.split(b"\0")


def _carries(pid: int, marker: str) -> bool:
    return environ_holds(pid, MARKER, marker)


def all_pids() -> list[int]:
    try:
        return [int(name) for name in os.listdir(_PROC) if name.isdigit()]
    except OSError:
        return []


def alive(info: ProcInfo | None) -> bool:
    return info is not None and info.state not in ("Z", "X")


# ---------------------------------------------------------------- this run, its records
@dataclass(frozen=True)
class Record:
    pid: int
    start: int
    boot: str
    program: str  # the executable's name only: arguments can hold secrets
    uid: int
    owner_pid: int
    owner_start: int
    marker: str
    own_group: bool  # the tool leads its own session and group (stream, and run since round 18)
    started_at: float
    outputs: tuple[str, ...] = ()  # stdout and stderr files of a tool that may outlive us
    path: Path | None = field(default=None, compare=False)


_session: tuple[int, int] | None = None


def _owner() -> tuple[int, int] | None:
    """(pid, start) of this process, computed again after a fork."""
    global _session
    pid = os.getpid()
    if _session is None or _session[0] != pid:
        info = proc_info(pid)
        if info is None:
            return None
        _session = (pid, info.start)
    return _session


def folder() -> Path:
    return settings.state_dir() / FOLDER


def enabled() -> bool:
    return _PROC.joinpath("self", "stat").exists()


def new_marker() -> str | None:
    """A token for one tool call, None where nothing can be recorded (no /proc)."""
    owner = _owner()
    if owner is None:
        return None
    return f"{owner[0]}.{owner[1]}.{os.urandom(6).hex()}"


def with_marker(env: dict[str, str] | None, marker: str | None) -> dict[str, str] | None:
    """The child's environment with the marker added (the caller's mapping is not changed)."""
    if marker is None:
        return env
    return {**(os.environ if env is None else env), MARKER: marker}


def output_files(marker: str | None) -> tuple[Path, Path] | None:
    """Where a tool that must outlive us (process.stream's `outlive_us`) writes its stdout and
    stderr: two new files named by the call's marker, None where nothing can be recorded."""
    if marker is None:
        return None
    try:
        where = folder()
        where.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return where / f"{marker}.stdout", where / f"{marker}.stderr"


def forget_outputs(outputs: Iterable[str | os.PathLike]) -> None:
    for name in outputs:
        forget(Path(name))


def record(pid: int, program: str, marker: str | None, *, own_group: bool,
           outputs: Iterable[str | os.PathLike] | None = None) -> Path | None:
    """Write the record of a tool that just started; None when it cannot be written (no
    /proc, a read-only state folder): the tool runs anyway, it only goes unrecorded."""
    owner = _owner()
    info = proc_info(pid)
    if marker is None or owner is None or info is None:
        return None
    rec = Record(pid=pid, start=info.start, boot=boot_id(), program=os.path.basename(program),
                 uid=os.getuid(), owner_pid=owner[0], owner_start=owner[1], marker=marker,
                 own_group=own_group, started_at=round(time.time(), 3),
                 outputs=tuple(str(name) for name in outputs or ()))
    try:
        where = folder()
        where.mkdir(parents=True, exist_ok=True)
        path = where / f"{owner[0]}-{owner[1]}-{pid}.json"
        data = {k: v for k, v in asdict(rec).items() if k != "path"}
        write_private(path, json.dumps(data))
    except OSError:
        return None
    return path


def forget(path: Path | None) -> None:
    if path is not None:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def records() -> list[Record]:
    """Every record in the state folder (unreadable ones are dropped on sight), and the
    temporary file of one a dead run was writing (`record`: killed before its rename), read
    as a record when whole, dropped when not."""
    try:
        paths = sorted(folder().glob("*.json"))
        unfinished = sorted(folder().glob("*.tmp"))
    except OSError:
        return []
    paths += [path for path in unfinished if not _name_owner_alive(path.stem, "-")]
    found = []
    for path in paths:
        try:
            data = json.loads(path.read_text())
            found.append(Record(**data, path=path))
        except (OSError, ValueError, TypeError):
            forget(path)
    return found


def _name_owner_alive(name: str, sep: str) -> bool:
    """Whether the run named at the start of a file name (`<pid><sep><start><sep>...`: a
    record's or a marker's) is still running; a name that says no owner counts as alive
    (never ours to remove)."""
    parts = name.split(sep)
    try:
        pid, start = int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return True
    info = proc_info(pid)
    return alive(info) and info.start == start  # type: ignore[union-attr]


def orphan_outputs(named: Iterable[str] = ()) -> dict[str, list[Path]]:
    """Output files (`output_files`) that no record names and whose run has ended, by the
    call's marker: a run killed between making them and recording its tool."""
    named = {str(name) for name in named}
    try:
        paths = sorted(p for p in folder().glob("*.std*") if p.suffix in (".stdout", ".stderr"))
    except OSError:
        return {}
    found: dict[str, list[Path]] = {}
    for path in paths:
        if str(path) not in named and not _name_owner_alive(path.stem, "."):
            found.setdefault(path.stem, []).append(path)
    return found


def leftovers_present() -> bool:
    """Whether the folder holds anything a reap could act on (a record, a record being
    written, an output file): one look at the folder."""
    try:
        return any(p.suffix in (".json", ".tmp", ".stdout", ".stderr") for p in folder().iterdir())
    except OSError:
        return False


def owner_alive(rec: Record, boot: str | None = None) -> bool:
    """Whether the run that wrote `rec` is still running (same boot, pid and start time)."""
    if rec.boot != (boot if boot is not None else boot_id()):
        return False
    info = proc_info(rec.owner_pid)
    return alive(info) and info.start == rec.owner_start  # type: ignore[union-attr]


# ---------------------------------------------------------------- the reaper
@dataclass
class Leftover:
    """One process of a dead run's tool, found ours and stopped."""

    pid: int
    name: str
    program: str  # the recorded tool this process belongs to
    signal: str = ""  # the last signal it needed: SIGINT, SIGTERM or SIGKILL
    stopped: bool = False


@dataclass
class Reaped:
    stopped: list[Leftover] = field(default_factory=list)
    not_stopped: list[Leftover] = field(default_factory=list)  # survived SIGKILL (D state)
    strangers: list[tuple[Record, str]] = field(default_factory=list)  # record dropped, why
    gone: list[Record] = field(default_factory=list)  # the tool had already ended
    live_owner: int = 0  # records of runs still running: left as they are
    outputs: list[str] = field(default_factory=list)  # what a tool that outlived its run said last

    def lines(self) -> list[str]:
        """What an operator reads: one line a process stopped or left alone."""
        out = []
        for item in self.stopped:
            out.append(f"stopped pid {item.pid} ({item.name}), left running by a killed petstore-tui "
                       f"(its {item.program} call) with {item.signal}")
        for item in self.not_stopped:
            out.append(f"could not stop pid {item.pid} ({item.name}), left by a killed petstore-tui "
                       f"(its {item.program} call): still there after SIGKILL")
        for rec, why in self.strangers:
            out.append(f"left pid {rec.pid} alone: {why} (record of a {rec.program} call dropped)")
        return out + self.outputs

    @property
    def terraform_stopped(self) -> bool:
        return any(item.program == "terraform" for item in self.stopped + self.not_stopped)


def _ours(rec: Record, pids: Iterable[int]) -> tuple[list[ProcInfo], str]:
    """The live processes of `rec`'s tool, and why none are when the list is empty."""
    uid = os.getuid()
    leader = proc_info(rec.pid)
    found: dict[int, ProcInfo] = {}
    why = "the tool had already ended"
    if alive(leader) and leader.start == rec.start and leader.uid == uid:  # type: ignore[union-attr]
        found[rec.pid] = leader  # type: ignore[assignment]
    elif alive(leader):
        why = f"pid {rec.pid} is now another process (start time {leader.start}, recorded {rec.start})"  # type: ignore[union-attr]
    for pid in pids:
        if pid in found or pid == os.getpid():
            continue
        info = proc_info(pid)
        if not alive(info) or info.uid != uid:  # type: ignore[union-attr]
            continue
        in_group = rec.pid in found and rec.own_group and rec.pid in (info.pgid, info.sid)  # type: ignore[union-attr]
        if in_group or (info.start >= rec.start and _carries(pid, rec.marker)):  # type: ignore[union-attr]
            found[pid] = info  # type: ignore[assignment]
    return list(found.values()), why


def _signal(procs: list[ProcInfo], rec: Record, sig: int) -> None:
    """`sig` once to every process: to the tool's group when it leads one and is still ours
    (Terraform takes a second SIGINT as "abandon state writes": a member of that group must
    not get another one of its own), to the others one by one, each only while its identity
    (pid and start time) still holds."""
    group = 0
    if rec.own_group:
        leader = proc_info(rec.pid)
        if alive(leader) and leader.start == rec.start:  # type: ignore[union-attr]
            try:
                os.killpg(rec.pid, sig)
                group = rec.pid
            except (ProcessLookupError, PermissionError):
                pass
    for item in procs:
        now = proc_info(item.pid)
        if alive(now) and now.start == item.start and not (group and now.pgid == group):  # type: ignore[union-attr]
            try:
                os.kill(item.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass


def _wait(procs: list[ProcInfo], seconds: float, sleep: Callable[[float], None]) -> list[ProcInfo]:
    deadline = time.monotonic() + seconds
    while True:
        left = [p for p in procs if alive(now := proc_info(p.pid)) and now.start == p.start]  # type: ignore[union-attr]
        if not left or time.monotonic() >= deadline:
            return left
        sleep(0.05)


# How long a leftover may take to stop on SIGINT before the operator is told what is waited for.
QUIET_WAIT = 0.5

# How long a leftover may take to stop after its SIGINT before it gets SIGTERM (which Terraform
# takes as a second interrupt: "Exiting immediately", in-flight state writes abandoned).
# Terraform 1.11's graceful stop cancels what its providers have in flight (an EKS create's
# wait included) and writes its state: measured 0.1 s with a create in flight; the reasons,
# and why a longer default would only make a start wait on a deaf tool, are in
# docs/knowledge/orphaned-tool-processes.md (round 19).
SIGINT_GRACE = 30.0


def reap(*, grace: float = SIGINT_GRACE, term_grace: float = 5.0, dry_run: bool = False,
         sleep: Callable[[float], None] = time.sleep,
         on_wait: Callable[[list[Leftover], float], None] | None = None) -> Reaped:
    """Stop what killed runs of petstore-tui left running (see the module docstring) and
    drop their records. `dry_run` finds them and changes nothing. `on_wait(leftovers,
    seconds)` is called when a tool has not stopped QUIET_WAIT after its SIGINT: what is
    waited for, and for how long at most (a record is dropped only once its tool is
    stopped: a KeyboardInterrupt raised meanwhile leaves it for the next reap)."""
    result = Reaped()
    if not enabled():
        return result
    boot = boot_id()
    pending = []
    every = records()
    named = [name for rec in every for name in rec.outputs]
    for rec in every:
        if owner_alive(rec, boot):
            result.live_owner += 1
            continue
        if rec.boot != boot:  # a reboot ended everything the record knew
            result.gone.append(rec)
            if not dry_run:
                _keep_output(rec, result, "ran until the machine restarted")
                forget(rec.path)
            continue
        pending.append(rec)
    orphans = orphan_outputs(named)
    if not pending and not orphans:
        return result
    pids = all_pids()
    pending += [_orphan_record(marker, paths, pids) for marker, paths in orphans.items()]
    for rec in pending:
        procs, why = _ours(rec, pids)
        if rec.pid == 0 and not procs:  # an unrecorded call's files, its tool ended or never started
            if not dry_run:
                _keep_output(rec, result, "ran to its end after it")
            else:
                result.outputs.append(f"would keep or remove {', '.join(rec.outputs)}: the files of a call a "
                                      "killed petstore-tui never recorded")
            continue
        if not procs:
            (result.gone.append(rec) if why.startswith("the tool") else result.strangers.append((rec, why)))
        elif dry_run:
            result.stopped.extend(Leftover(p.pid, p.name, rec.program) for p in procs)
        else:
            result.stopped.extend(_stop(rec, procs, grace, term_grace, sleep, result, on_wait))
        if not dry_run:
            _keep_output(rec, result, "was stopped" if procs else "ran to its end after it")
            forget(rec.path)
    return result


def _orphan_record(marker: str, paths: list[Path], pids: Iterable[int]) -> Record:
    """A record for output files no record names, made from the running process that
    carries their marker, if any: the tool leads its own session (process.stream), so the
    carrier whose pid is its session id is the tool. pid 0 when none runs."""
    uid = os.getuid()
    carriers = [info for pid in pids if _carries(pid, marker)
                and alive(info := proc_info(pid)) and info.uid == uid]  # type: ignore[union-attr]
    leader = next((info for info in carriers if info.pid == info.sid), None)
    first = leader or min(carriers, key=lambda info: info.start, default=None)
    parts = marker.split(".")
    return Record(pid=first.pid if first else 0, start=first.start if first else 0, boot=boot_id(),
                  program=first.name if first else UNRECORDED, uid=uid,
                  owner_pid=int(parts[0]), owner_start=int(parts[1]), marker=marker,
                  own_group=leader is not None, started_at=0.0,
                  outputs=tuple(str(path) for path in sorted(paths, key=lambda p: p.suffix != ".stdout")))


UNRECORDED = "unrecorded"  # the program of output files whose tool was never recorded and has ended

ENDED = "ended"  # under folder(): the output of the last such call of each program
LAST_LINES = 3


def _keep_output(rec: Record, result: Reaped, how: str) -> None:
    """A tool that wrote to files (process.stream's `outlive_us`) may have run on after its
    run was killed: tell the operator how it ended, in its own last lines, and keep its whole
    output in ended/<program>.stdout|.stderr (the previous one of that program replaced)."""
    if not rec.outputs:
        return
    kept, last = [], []
    for name in rec.outputs:
        path = Path(name)
        if path.parent != folder():  # only files this module named (output_files)
            continue
        try:
            if rec.pid == 0 and not path.stat().st_size:  # made, never written: nothing to tell
                forget(path)
                continue
        except OSError:
            continue
        last += _last_lines(path)
        try:
            where = folder() / ENDED
            where.mkdir(exist_ok=True)
            target = where / f"{rec.program}{path.suffix}"
            os.replace(path, target)
            kept.append(str(target))
        except OSError:
            forget(path)
    if not kept:
        return
    # start-up: the redactor's module loads only when there is something to show
    from petstore_core.redact import redact

    said = " | ".join(redact(line) for line in last[-LAST_LINES:]) or "(nothing)"
    call = (f"a call that a killed petstore-tui never recorded (its output files {rec.marker}.*)"
            if rec.pid == 0 else f"the {rec.program} call (pid {rec.pid}) of a killed petstore-tui")
    result.outputs.append(f"{call} {how}; its last lines: {said}; all of its output: {', '.join(kept)}")


def _last_lines(path: Path, size: int = 16 * 1024) -> list[str]:
    """The last non-empty lines of a file, Terraform's -json messages as their text."""
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - size))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return []
    lines = []
    for line in text.splitlines()[-LAST_LINES:]:
        line = line.strip()
        if line.startswith("{"):
            try:
                line = str(json.loads(line).get("@message") or line)
            except (ValueError, AttributeError):
                pass
        if line:
            lines.append(line[:300])
    return lines


def _stop(rec: Record, procs: list[ProcInfo], grace: float, term_grace: float,
          sleep: Callable[[float], None], result: Reaped,
          on_wait: Callable[[list[Leftover], float], None] | None = None) -> list[Leftover]:
    done = {p.pid: Leftover(p.pid, p.name, rec.program) for p in procs}
    left = procs
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, term_grace), (signal.SIGKILL, 2.0)):
        if not left:
            break
        _signal(left, rec, sig)
        for item in left:
            done[item.pid].signal = signal.Signals(sig).name
        if sig == signal.SIGINT and on_wait is not None and wait > QUIET_WAIT:
            left = _wait(left, QUIET_WAIT, sleep)
            if left:
                on_wait([done[p.pid] for p in left], wait - QUIET_WAIT + term_grace)
            wait -= QUIET_WAIT
        left = _wait(left, wait, sleep)
    still = {p.pid for p in left}
    for pid, item in done.items():
        item.stopped = pid not in still
        if not item.stopped:
            result.not_stopped.append(item)
    return [item for item in done.values() if item.stopped]


def terraform_lock_notes() -> list[str]:
    """Terraform's lock info files left in our working folders, with how the lock is released.
    Our configuration keeps its state locally (terraform/ declares no backend): the lock is
    an fcntl lock the kernel drops when the last Terraform holding it ends, and the info file
    it leaves is overwritten by the next run (measured: docs/knowledge/orphaned-tool-processes.md).
    A remote backend's lock outlives the process; the operator releases it, never we."""
    notes = []
    try:
        infos = sorted((settings.state_dir() / "work").glob("*/terraform/.terraform.tfstate.lock.info"))
    except OSError:
        return notes
    for info in infos:
        try:
            lock_id = str(json.loads(info.read_text()).get("ID") or "")
        except (OSError, ValueError, AttributeError):
            lock_id = ""
        workdir = info.parent
        notes.append(
            f"Terraform's state lock {lock_id or '(no id)'} was left in {workdir}. Its state is local: the "
            f"lock went with the last Terraform there, nothing to do. With a remote backend it stays "
            f"until you release it, once no Terraform runs against that state: "
            f"terraform -chdir={workdir} force-unlock {lock_id or 'LOCK_ID'}")
    return notes
