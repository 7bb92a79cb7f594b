"""Stand-ins for the app's services: a scripted preflight, runner, engine and log sources."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from checks.model import CheckResult, Finding, Fix, Severity, Status
from petstore_core.settings import Target
from petstore_tui import events as ev
from petstore_tui.contracts import AppServices, CheckInfo, LogSource

FROZEN = 1_790_000_000.0  # a fixed "now" so no snapshot ever shows a moving clock

CHECKS = [
    CheckInfo("tool-terraform", "tools", "Terraform >= 1.5"),
    CheckInfo("tool-kubectl", "tools", "kubectl"),
    CheckInfo("aws-identity", "aws", "AWS caller identity"),
    CheckInfo("config-subnet-tags", "config", "Subnets tagged for the ALB"),
]

RESULTS = {
    "tool-terraform": CheckResult("tool-terraform", "tools", Status.PASS, "Terraform 1.11.4"),
    "tool-kubectl": CheckResult("tool-kubectl", "tools", Status.WARN, "kubectl 1.32 (cluster unknown)",
                                detail="Could not read the cluster version.", fix="Create the cluster first."),
    "aws-identity": CheckResult("aws-identity", "aws", Status.PASS,
                                "arn:aws:iam::123456789012:user/sandbox"),
    "config-subnet-tags": CheckResult(
        "config-subnet-tags", "config", Status.FAIL, "public subnets lack kubernetes.io/role/elb",
        detail="terraform/network.tf: aws_subnet.public has no tags.",
        fix="Add kubernetes.io/role/elb = 1 to the public subnets.",
        failure_id="alb-subnet-discovery-failed"),
}


def fake_preflight(order: list[str] | None = None, gate: threading.Event | None = None):
    """An async preflight that yields RESULTS in `order`; waits on `gate` before the last."""

    async def run(ids: list[str] | None) -> AsyncIterator[CheckResult]:
        wanted = ids or order or list(RESULTS)
        for index, check_id in enumerate(wanted):
            if gate is not None and index == len(wanted) - 1:
                await asyncio.to_thread(gate.wait, 5)
            await asyncio.sleep(0)
            yield RESULTS[check_id]

    return run


@dataclass
class FakeStep:
    id: str
    title: str


DEPLOY_STEPS = [
    FakeStep("preflight", "Preflight gate"),
    FakeStep("terraform-plan", "Terraform plan"),
    FakeStep("terraform-apply", "Terraform apply"),
    FakeStep("image-build", "Build the image"),
    FakeStep("local-app", "Start the local app"),
]


class FakeRunner:
    """Yields real petstore_tui.events for a sandbox deploy: apply asks for confirmation,
    the image build is skipped (no container engine), the rest finish."""

    def __init__(self, confirm, steps=DEPLOY_STEPS, destructive=False):
        self.steps = list(steps)
        self.confirm = confirm
        self.runs: list[tuple[str | None, str | None]] = []
        self.answers: list[Any] = []
        self.stopped = False
        self.destructive = destructive

    def stop(self) -> None:
        self.stopped = True

    async def run(self, from_step: str | None = None, only: str | None = None):
        self.runs.append((from_step, only))
        ids = [s.id for s in self.steps]
        todo = [only] if only else ids[ids.index(from_step):] if from_step else ids
        for step in self.steps:
            if step.id not in todo:
                continue
            yield ev.StepStarted(step.id, step.title, FROZEN)
            if self.stopped:
                yield ev.StepFinished(step.id, ev.StepStatus.STOPPED, 0.0, "stopped")
                yield ev.RunFinished(False, step.id, 1.0)
                return
            for n in range(3):
                yield ev.StepOutput(step.id, f"{step.id}: line {n} password=hunter2")
            if step.id == "terraform-apply" or (self.destructive and step is self.steps[0]):
                yield ev.StepProgress(step.id, 12, 25, "resources")
                request = ev.ConfirmationRequested(
                    step.id, f"Run {step.title}?", "25 to add",
                    "petstore-sandbox" if self.destructive else None)
                yield request
                answer = await self.confirm(request)
                self.answers.append(answer)
                if not answer:
                    yield ev.StepFinished(step.id, ev.StepStatus.STOPPED, 2.0, "not confirmed")
                    yield ev.RunFinished(False, step.id, 3.0)
                    return
                yield ev.StepProgress(step.id, 25, 25, "resources")
            if step.id == "image-build":
                yield ev.StepFinished(step.id, ev.StepStatus.SKIPPED, 0.0, "no container engine")
                continue
            yield ev.StepFinished(step.id, ev.StepStatus.DONE, 3.0, "ok")
        yield ev.RunFinished(True, None, 9.0)


READONLY_FAILURE = Finding(
    failure_id="sqlite-readonly-database", title="SQLite database is read-only",
    severity=Severity.ERROR, resource="local-app", source="app", count=1,
    first_seen=FROZEN, last_seen=FROZEN,
    evidence=["sqlite3.OperationalError: attempt to write a readonly database"],
    explanation="The app user cannot write the SQLite file or its folder.",
    fix=Fix("Make the database folder writable by the app user.",
            steps=("chown the folder to the app user",),
            commands=("chown -R petstore:petstore /app/data",)))


class FakeEngine:
    """A one-rule engine: 'readonly database' lines become READONLY_FAILURE, counted."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str], Finding] = {}
        self.fed = 0

    def feed(self, line, source: str = "any", resource: str = "", simulated: bool = False) -> list[Finding]:
        self.fed += 1
        text = line.decode() if isinstance(line, bytes) else line
        if not re.search(r"readonly\s+database", text, re.I):
            return []
        key = (READONLY_FAILURE.failure_id, READONLY_FAILURE.resource)
        if key in self.found:
            self.found[key].count += 1
        else:
            self.found[key] = Finding(**{**READONLY_FAILURE.__dict__, "evidence": [text]})
        return [self.found[key]]

    def feed_lines(self, lines, source: str = "any", resource: str = "", simulated: bool = False) -> list[Finding]:
        changed = {f.key: f for line in lines for f in self.feed(line, source, resource, simulated)}
        return list(changed.values())

    def flush(self, source: str | None = None, resource: str | None = None) -> list[Finding]:
        return []

    def findings(self, include_acknowledged: bool = True) -> list[Finding]:
        return list(self.found.values())


def lines_source(lines: list[str], source_id: str = "app", kind: str = "app",
                 hold: bool = True) -> LogSource:
    """A source that yields `lines` then (when `hold`) waits for its stop like a follow."""

    def follow(stop: threading.Event) -> Iterator[str]:
        yield from lines
        while hold and not stop.is_set():
            stop.wait(0.05)

    return LogSource(source_id, "Local app (gunicorn)", kind, follow, resource="local-app")


@dataclass
class FakeDrill:
    id: str = "sqlite-readonly"
    title: str = "SQLite file read-only"
    description: str = "restart the local app unable to write its database"
    plants: int = 0
    undos: int = 0
    replay: list = field(default_factory=lambda: [
        ("app", "sqlite3.OperationalError: attempt to write a readonly database")])
    simulated: bool = False  # whether the replayed lines stand in for a program's
    planted: bool = False  # planted before the panel opened (headless, or an earlier session)

    def replayed(self):
        """What the real drills keep on disk: (lines, resource, simulated) once planted."""
        return (list(self.replay), "local-app", self.simulated) if self.planted else ([], "", self.simulated)

    def plant(self):
        self.plants += 1
        return type("Outcome", (), {"message": "database made read-only", "replay": self.replay,
                                    "probe": False, "resource": "local-app", "simulated": self.simulated})()

    run_plant = plant  # the real drills keep their replayed lines on disk as well

    def undo(self):
        self.undos += 1
        return type("Outcome", (), {"message": "database writable again", "replay": [],
                                    "probe": False, "resource": ""})()


def services(*, sandbox: bool = True, runner_factory=None, engine=None, sources=None,
             preflight=None, drills=None, **overrides) -> AppServices:
    target = Target(sandbox=sandbox)
    made: dict[str, Any] = {}

    def make_runner(kind, confirm):
        made["runner"] = (runner_factory or FakeRunner)(confirm)
        made[kind] = made["runner"]
        return made["runner"]

    svc = AppServices(
        target=target,
        preflight_checks=overrides.pop("preflight_checks", lambda: list(CHECKS)),
        run_preflight=preflight or fake_preflight(),
        make_runner=overrides.pop("make_runner", make_runner),
        make_engine=overrides.pop("make_engine", lambda: engine if engine is not None else FakeEngine()),
        log_sources=lambda: list(sources or []),
        drills=lambda: list(drills or []),
        clock=lambda: FROZEN,
        **overrides,
    )
    svc.made = made  # type: ignore[attr-defined]
    return svc


# A log mixing the app's JSON lines, the controller's (controller-runtime JSON), plain
# gunicorn lines and a Python traceback; written for the panel tests (simulated: no program
# printed them), in the shapes docs/knowledge/log-wordings.md and petstore-app/petstore/logs.py give.
MIXED_LINES = [
    '[2026-12-05 03:00:00 +0000] [12] [INFO] Booting worker with pid: 12',
    '{"ts": "2026-12-05T03:00:01.120Z", "level": "INFO", "logger": "petstore.access", "message": "GET /api/v1/pets 200", '
    '"request_id": "4f1c", "method": "GET", "path": "/api/v1/pets", "status": 200, "duration_ms": 3.1}',
    '{"ts": "2026-12-05T03:00:02.480Z", "level": "WARNING", "logger": "petstore.db", "message": "slow query on pets table", '
    '"duration_ms": 812.4, "db_url": "postgresql://app:s3cret@db/pets"}',
    'Traceback (most recent call last):',
    '  File "/app/petstore/db.py", line 41, in add_pet',
    '    conn.execute("INSERT INTO pets (name) VALUES (?)", (name,))',
    'sqlite3.OperationalError: attempt to write a readonly database',
    '{"ts": "2026-12-05T03:00:03.002Z", "level": "ERROR", "logger": "petstore.api", "message": '
    '"POST /api/v1/pets failed: attempt to write a readonly database", "request_id": "9a0b", "status": 500}',
    '[pod/aws-load-balancer-controller-7d9f8b6c5-x2k4l/aws-load-balancer-controller] {"level":"error","ts":1796439604.5,'
    '"logger":"controller-runtime.manager.controller.ingress","msg":"Reconciler error","name":"petstore",'
    '"namespace":"petstore","error":"AccessDenied: User is not authorized to perform: elasticloadbalancing:AddTags"}',
    'GET /api/v1/health 200 password=hunter2',
]
