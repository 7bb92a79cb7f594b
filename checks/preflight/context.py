"""CheckContext: what every preflight check and live probe is given (target, project folder, AWS and Kubernetes client factories, a replaceable tool runner, timeouts)."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from petstore_core import aws, errors, kube, process
from petstore_core.errors import error_code
from petstore_core.settings import Target

# (argv, timeout) -> Completed (petstore_core.process.Completed). Raises
# ToolNotFound when the executable is missing. Tests pass their own.
ToolRunner = Callable[[Sequence[str], float], Awaitable[Any]]

DEFAULT_TIMEOUT = 10.0
# Checks running at once. Each check's time limit counts from when a worker takes it up:
# on a loaded machine, checks all started at once share the CPU (and Python's import and
# memo locks) and time out on each other's work (docs/preflight-json.md, time limits).
DEFAULT_WORKERS = 8


async def default_tool_runner(argv: Sequence[str], timeout: float):
    # Short graces: a version command that ignores SIGINT is not worth a minute's wait.
    env = dict(os.environ)
    env.setdefault("CHECKPOINT_DISABLE", "1")  # terraform version must not phone home
    return await process.stream(argv, timeout=timeout, env=env, interrupt_grace=0.5,
                                terminate_grace=1.0)


@dataclass
class CheckContext:
    target: Target = field(default_factory=Target)
    project_dir: Path | None = None
    timeout: float = DEFAULT_TIMEOUT  # per check, unless the check sets its own
    timeout_override: float | None = None  # --timeout: every check's, whatever it sets
    workers: int = DEFAULT_WORKERS  # checks running at once
    tool_runner: ToolRunner = default_tool_runner
    session_factory: Callable[[], Any] | None = None  # -> boto3.Session
    client_factory: Callable[[str], Any] | None = None  # service -> boto3 client
    kube_factory: Callable[[], Any] | None = None  # -> kubernetes.client.ApiClient
    today: date = field(default_factory=date.today)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    # Terraform outputs, when known (the runbook passes them): role ARNs, VPC id...
    terraform_outputs: dict[str, Any] = field(default_factory=dict)
    # The -var / -var-file arguments Terraform will get, in order: ("var", "name=value") or
    # ("var-file", path). None: those the runbook passes for the target.
    terraform_cli: list[tuple[str, str]] | None = None

    def __post_init__(self) -> None:
        if self.project_dir is None:
            self.project_dir = self.target.project
        self._memo: dict[str, Any] = {}
        self._memo_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self._session = None

    @classmethod
    def for_target(cls, target: Target, **kwargs: Any) -> CheckContext:
        """The context the CLI, the TUI and the runbook use: the target's project folder."""
        return cls(target=target, project_dir=target.project, **kwargs)

    # -- factories ---------------------------------------------------------------------------
    def aws_session(self):
        if self.session_factory is not None:
            return self.session_factory()
        with self._lock:
            if self._session is None:
                self._session = aws.session(self.target)
            return self._session

    def aws_client(self, service: str):
        if self.client_factory is not None:
            return self.client_factory(service)

        return aws.client(self.target, service, boto_session=self.aws_session())

    def kube_api(self):
        if self.kube_factory is not None:
            return self.kube_factory()
        return self.memo("kube-api", lambda: _kube_api(self.target))

    async def run_tool(self, argv: Sequence[str], timeout: float | None = None):
        return await self.tool_runner(list(argv), timeout or self.timeout)

    # -- shared lookups ----------------------------------------------------------------------
    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """Compute once per context, even when checks in several threads ask at once;
        an exception is remembered and raised to every caller."""
        with self._lock:
            lock = self._memo_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._memo:
                try:
                    self._memo[key] = (True, compute())
                except Exception as exc:
                    self._memo[key] = (False, exc)
            ok, value = self._memo[key]
        if not ok:
            raise value
        return value

    async def amemo(self, key: str, factory: Callable[[], Awaitable[Any]]) -> Any:
        """The async counterpart of `memo`: concurrent awaiters share one task."""
        task = self._memo.get(f"async:{key}")
        if task is None:
            task = asyncio.ensure_future(factory())
            self._memo[f"async:{key}"] = task
        return await asyncio.shield(task)

    def cluster(self) -> dict | None:
        """eks.describe_cluster()['cluster'] for the target's cluster, None when it does
        not exist; other errors raise."""

        def fetch():
            eks = self.aws_client("eks")
            try:
                return eks.describe_cluster(name=self.target.cluster_name)["cluster"]
            except Exception as exc:
                if error_code(exc) == "ResourceNotFoundException":
                    return None
                raise

        return self.memo("eks-cluster", fetch)


def _kube_api(target: Target):
    if target.sandbox and not target.context:
        # The emulator plays AWS only; the kubeconfig's current context may be a real
        # cluster, which a --sandbox run must never touch.
        raise errors.KubeConfigError("the sandbox has no Kubernetes API server (pass --context to name one)")
    return kube.api_client(target)


async def in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """Run blocking work (boto3, the kubernetes client) in a daemon thread.

    Not asyncio.to_thread: a check cut at its timeout leaves its thread running, and the
    default executor's threads are joined at exit, so one stuck socket would hold the
    command open long after it printed its results. A daemon thread is simply abandoned.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future = loop.create_future()

    def deliver(ok: bool, value: Any) -> None:
        if future.done():
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def work() -> None:
        try:
            value, ok = fn(*args), True
        except BaseException as exc:  # handed to the awaiting task, which reports it
            value, ok = exc, False
        try:
            loop.call_soon_threadsafe(deliver, ok, value)
        except RuntimeError:  # the loop closed while we worked: nobody is waiting
            pass

    threading.Thread(target=work, name=f"check:{getattr(fn, '__name__', 'work')}", daemon=True).start()
    return await future
