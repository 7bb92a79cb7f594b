"""Terraform through its CLI: `terraform -chdir=DIR <cmd> -json`, streamed and parsed into typed events."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from petstore_core import process, settings
from petstore_core.redact import redact

# Terraform treats a second SIGINT as "abandon state writes": the one SIGINT process.stream
# sends must be given all the time Terraform needs to finish writing state and unlock it.
INTERRUPT_GRACE = 900.0
INIT_TIMEOUT = 600.0
PLAN_TIMEOUT = 1800.0
APPLY_TIMEOUT = 5400.0  # an EKS cluster and node group take 15-25 minutes on real AWS
OUTPUT_TIMEOUT = 120.0


class TerraformError(RuntimeError):
    """A terraform command failed; `diagnostics` holds what Terraform said about it."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.diagnostics = diagnostics or []


# ---- events parsed from `-json` lines ---------------------------------------------------

@dataclass(frozen=True)
class Message:
    """Any line: a JSON message without a typed event below, or plain text."""

    level: str
    text: str


@dataclass(frozen=True)
class PlannedChange:
    address: str
    action: str  # create | update | delete | replace | read | noop | move | import


@dataclass(frozen=True)
class Drift:
    """A resource whose refreshed remote object differs from the state (`resource_drift`).
    The JSON view lists every one, relevant to the plan or not; Terraform's human view shows
    only those the plan depends on (docs/knowledge/terraform.md)."""

    address: str
    action: str  # update | delete


@dataclass(frozen=True)
class ChangeSummary:
    add: int = 0
    change: int = 0
    remove: int = 0
    import_: int = 0
    operation: str = "plan"  # plan | apply | destroy

    @property
    def total(self) -> int:
        return self.add + self.change + self.remove

    def describe(self) -> str:
        text = f"{self.add} to add, {self.change} to change, {self.remove} to destroy"
        return text + (f", {self.import_} to import" if self.import_ else "")


@dataclass(frozen=True)
class ApplyStart:
    address: str
    action: str


@dataclass(frozen=True)
class ApplyProgress:
    address: str
    action: str
    elapsed: float


@dataclass(frozen=True)
class ApplyComplete:
    address: str
    action: str
    elapsed: float


@dataclass(frozen=True)
class ApplyErrored:
    address: str
    action: str
    elapsed: float


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # error | warning
    summary: str
    detail: str = ""
    address: str = ""

    def describe(self) -> str:
        where = f" ({self.address})" if self.address else ""
        return f"{self.severity}: {self.summary}{where}" + (f": {self.detail}" if self.detail else "")


@dataclass(frozen=True)
class Outputs:
    values: dict[str, Any]


TerraformEvent = (Message | PlannedChange | Drift | ChangeSummary | ApplyStart | ApplyProgress
                  | ApplyComplete | ApplyErrored | Diagnostic | Outputs)


def _hook(obj: dict) -> tuple[str, str, float]:
    hook = obj.get("hook") or {}
    resource = hook.get("resource") or {}
    return (str(resource.get("addr") or ""), str(hook.get("action") or ""),
            float(hook.get("elapsed_seconds") or 0))


def parse_line(text: str) -> TerraformEvent:
    """One line of `terraform ... -json` output as a typed event (plain text -> Message)."""
    try:
        obj = json.loads(text)
    except ValueError:
        return Message("info", text)
    if not isinstance(obj, dict):
        return Message("info", text)
    kind = obj.get("type")
    message = str(obj.get("@message") or "")
    if kind == "planned_change":
        change = obj.get("change") or {}
        return PlannedChange(str((change.get("resource") or {}).get("addr") or ""),
                             str(change.get("action") or ""))
    if kind == "resource_drift":
        change = obj.get("change") or {}
        return Drift(str((change.get("resource") or {}).get("addr") or ""), str(change.get("action") or ""))
    if kind == "change_summary":
        c = obj.get("changes") or {}
        return ChangeSummary(int(c.get("add") or 0), int(c.get("change") or 0),
                             int(c.get("remove") or 0), int(c.get("import") or 0),
                             str(c.get("operation") or "plan"))
    if kind in ("apply_start", "apply_progress", "apply_complete", "apply_errored"):
        addr, action, elapsed = _hook(obj)
        cls = {"apply_start": ApplyStart, "apply_progress": ApplyProgress,
               "apply_complete": ApplyComplete, "apply_errored": ApplyErrored}[kind]
        return cls(addr, action) if cls is ApplyStart else cls(addr, action, elapsed)
    if kind == "diagnostic":
        d = obj.get("diagnostic") or {}
        return Diagnostic(str(d.get("severity") or obj.get("@level") or "error"),
                          str(d.get("summary") or message), str(d.get("detail") or ""),
                          str(d.get("address") or ""))
    if kind == "outputs":
        outputs = obj.get("outputs") or {}
        return Outputs({k: v.get("value") for k, v in outputs.items() if isinstance(v, dict)})
    return Message(str(obj.get("@level") or "info"), message)


_PROGRESS_VERBS = {"create": "creating", "update": "modifying", "delete": "destroying", "read": "reading"}


def event_text(event: TerraformEvent) -> str | None:
    """The human line for an event (what the operator reads and the engine matches)."""
    if isinstance(event, Message):
        return event.text or None
    if isinstance(event, Diagnostic):
        return event.describe()
    if isinstance(event, PlannedChange):
        return f"{event.address}: plan to {event.action}"
    if isinstance(event, Drift):
        return f"{event.address}: Drift detected ({event.action})"  # Terraform's own @message
    if isinstance(event, ChangeSummary):
        return f"{event.operation.capitalize()}: {event.describe()}"
    if isinstance(event, ApplyStart):
        return f"{event.address}: {event.action} started"
    if isinstance(event, ApplyProgress):  # Terraform's own words for its 10-second progress
        verb = _PROGRESS_VERBS.get(event.action, f"{event.action}ing")
        return f"{event.address}: Still {verb}... [{event.elapsed:.0f}s elapsed]"
    if isinstance(event, ApplyComplete):
        return f"{event.address}: {event.action} complete after {event.elapsed:.0f}s"
    if isinstance(event, ApplyErrored):
        return f"{event.address}: {event.action} errored after {event.elapsed:.0f}s"
    return None


# ---- the adapter -------------------------------------------------------------------------

@dataclass
class RunResult:
    ok: bool
    returncode: int | None
    timed_out: bool = False
    summary: ChangeSummary | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    completed: int = 0  # resources applied or destroyed
    elapsed: float = 0.0  # wall time inside terraform

    def error_text(self) -> str:
        errors = [d for d in self.diagnostics if d.severity == "error"]
        if errors:
            return redact(errors[0].describe())
        if self.timed_out:
            return "terraform timed out"
        return f"terraform exited with status {self.returncode}"


class Terraform:
    """One Terraform working directory. `on_event` sees every parsed event, `on_line`
    every raw stderr line that is not JSON (crash output, provider panics)."""

    def __init__(
        self,
        workdir: str | os.PathLike,
        *,
        binary: str = "terraform",
        env: dict[str, str | None] | None = None,
        cli_config: Path | None = None,
        on_event: Callable[[TerraformEvent], None] | None = None,
    ):
        self.workdir = Path(workdir)
        self.binary = binary
        self.extra_env = dict(env or {})
        self.cli_config = cli_config
        self.on_event = on_event
        self.time_inside = 0.0  # seconds spent in terraform processes, for the benchmark

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({"TF_IN_AUTOMATION": "1", "TF_INPUT": "0"})
        config = self.cli_config or default_cli_config()
        if config is not None:
            env["TF_CLI_CONFIG_FILE"] = str(config)
        for name, value in self.extra_env.items():  # None: unset it
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    async def _run(self, args: list[str], *, timeout: float) -> RunResult:
        result = RunResult(ok=False, returncode=None)

        def on_line(line: process.Line) -> None:
            event = parse_line(line.text)
            if isinstance(event, ChangeSummary):
                result.summary = event
            elif isinstance(event, Diagnostic):
                result.diagnostics.append(event)
            elif isinstance(event, ApplyComplete) and event.action != "read":
                result.completed += 1  # data sources are read, not counted as changes
            if self.on_event is not None:
                self.on_event(event)

        argv = [self.binary, f"-chdir={self.workdir}", *args]
        started = time.monotonic()
        try:
            # outlive_us: a petstore-tui killed outright must not take Terraform with it
            # mid-apply (SIGPIPE at its next line, its state lost); the next start stops it
            # with one SIGINT and it writes its state (petstore_core/tool_records.py)
            done = await process.stream(argv, timeout=timeout, on_line=on_line,
                                        env=self.env(), interrupt_grace=INTERRUPT_GRACE,
                                        keep_lines=False, outlive_us=True)
        finally:
            self.time_inside += time.monotonic() - started
        result.elapsed = time.monotonic() - started
        result.returncode = done.returncode
        result.timed_out = done.timed_out
        result.ok = done.ok
        return result

    async def init(self) -> RunResult:
        return await self._run(["init", "-input=false", "-no-color", "-json"], timeout=INIT_TIMEOUT)

    async def plan(self, out: str | os.PathLike, var_args: list[str] | None = None, *,
                   destroy: bool = False, lock_timeout: str = "0s") -> RunResult:
        """Write a plan file; the result's `summary` says what will change. Exit code 2 of
        -detailed-exitcode (changes present) counts as success."""
        args = ["plan", "-input=false", "-json", f"-out={out}", "-detailed-exitcode",
                f"-lock-timeout={lock_timeout}", *(var_args or [])]
        if destroy:
            args.append("-destroy")
        result = await self._run(args, timeout=PLAN_TIMEOUT)
        if result.returncode == 2 and not result.timed_out:
            result.ok = True
        return result

    async def apply(self, planfile: str | os.PathLike) -> RunResult:
        return await self._run(["apply", "-input=false", "-json", "-auto-approve", str(planfile)],
                               timeout=APPLY_TIMEOUT)

    async def destroy(self, var_args: list[str] | None = None) -> RunResult:
        return await self._run(["destroy", "-input=false", "-json", "-auto-approve",
                                *(var_args or [])], timeout=APPLY_TIMEOUT)

    async def output(self) -> dict[str, Any]:
        """`terraform output -json` as {name: value}; sensitive values are left out."""
        started = time.monotonic()
        try:
            done = await process.stream([self.binary, f"-chdir={self.workdir}", "output", "-json"],
                                        timeout=OUTPUT_TIMEOUT, env=self.env())
        finally:
            self.time_inside += time.monotonic() - started
        if not done.ok:
            raise TerraformError(redact(f"terraform output failed: {done.stderr.strip()[:300]}"))
        try:
            data = json.loads(done.stdout or "{}")
        except ValueError as exc:
            raise TerraformError(f"terraform output -json printed no JSON: {exc}") from None
        return {name: item.get("value") for name, item in data.items()
                if isinstance(item, dict) and not item.get("sensitive")}

    def state_locked(self) -> bool:
        """True when a local state lock is held (the lock info file exists)."""
        return (self.workdir / ".terraform.tfstate.lock.info").exists()


def default_cli_config() -> Path | None:
    """A CLI config installing providers from the local mirror, when one is found. The
    preset TF_CLI_CONFIG_FILE on some machines names a missing file, so ours replaces it."""
    mirror = settings.provider_mirror()
    if mirror is None:
        preset = os.environ.get("TF_CLI_CONFIG_FILE")
        return Path(preset) if preset and Path(preset).is_file() else None
    dest = settings.state_dir() / "terraform" / "terraformrc"
    if not dest.is_file() or str(mirror) not in dest.read_text():
        settings.terraform_cli_config(mirror, dest)
    return dest


def working_copy(source: Path, dest: Path) -> Path:
    """Copy the tracked Terraform files of `source` into `dest`, keeping dest's own
    .terraform folder, lock file and state (so the sandbox never writes into terraform/)."""
    dest.mkdir(parents=True, exist_ok=True)
    keep = {".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup",
            ".terraform.tfstate.lock.info"}
    for item in dest.iterdir():
        if item.name in keep:
            continue
        if item.is_dir():
            shutil.rmtree(item)
        else:
            item.unlink()
    for item in source.iterdir():
        if (item.name in keep or item.name.startswith(".")
                or item.name.endswith((".tfstate", ".tfplan", "override.tf", "override.tf.json"))):
            continue  # state, plans and overrides of terraform/ never reach the copy
        if item.is_dir():
            shutil.copytree(item, dest / item.name, ignore=shutil.ignore_patterns(".terraform"))
        else:
            shutil.copy2(item, dest / item.name)
    return dest
