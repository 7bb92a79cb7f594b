"""`diagnose --live`: the cluster read once (or, in the sandbox, its containers, local app
and drills) and the live probes, added to the engine's findings and the report."""

from __future__ import annotations

import asyncio
import time

from checks.model import CheckResult, Finding, Fix, Severity, Status
from checks.preflight.context import CheckContext
from petstore_core.errors import describe_kube_error
from petstore_core.kube import api_client
from petstore_core.redact import redact
from petstore_core.settings import CONTROLLER_NAMESPACE
from petstore_tui.services import sandbox_live
from petstore_tui.services.kube_scan import scan_live

PROBE_TIMEOUT = 180.0


def scan_live_sources(engine, target, report) -> None:
    """`diagnose --live`: the cluster (or the sandbox's containers), then the probes, into `report`."""
    if target.sandbox:  # no Kubernetes API: containers, the local app and drills instead
        sandbox_live.scan(engine, target, report)
        run_probes_into(engine, target, report)
        return
    try:
        api = api_client(target)
    except Exception as exc:  # KubeConfigError, no kubernetes client, and friends: one sentence
        report.errors.append(f"kubernetes: {describe_kube_error(exc)}")
    else:
        with api:
            part = scan_live(engine, api, target.namespace, controller_namespace=CONTROLLER_NAMESPACE)
        report.sources.extend(part.sources)
        report.errors.extend(part.errors)
        report.skipped.extend(part.skipped)
    run_probes_into(engine, target, report)


def run_probes_into(engine, target, report) -> None:
    """Every live probe, its failures added to the engine as findings."""
    try:
        # optional: without the probes (tests/services/test_scans.py leaves them out)
        # --live still reads the cluster, and says the probes were skipped
        from checks.probes import run_probes
    except ImportError as exc:
        report.skipped.append(f"probes unavailable: {exc}")
        return
    try:
        results = asyncio.run(asyncio.wait_for(run_probes(CheckContext(target=target)), PROBE_TIMEOUT))
    except TimeoutError:
        report.errors.append(f"probes: no answer within {PROBE_TIMEOUT:.0f} s")
        return
    except Exception as exc:  # a probe bug must not hide what the logs showed
        report.errors.append(redact(f"probes: {type(exc).__name__}: {exc}"))
        return
    # a source only when some probe answered: probes that all failed to ask read nothing,
    # and `diagnose --live` must not call that an all-clear (exit 2, docs/diagnose-json.md)
    if any(isinstance(r, Finding) or getattr(r, "status", Status.ERROR) not in (Status.ERROR, Status.SKIP)
           for r in results or []):
        report.sources.append("probes")
    now = time.time()
    for result in results or []:
        if isinstance(result, Finding):
            engine.add_finding(result)
            continue
        if not isinstance(result, CheckResult):
            continue
        if result.status == Status.ERROR:
            report.errors.append(redact(f"probe {result.id}: {result.summary}"))
            continue
        if result.status not in (Status.FAIL, Status.WARN):
            continue
        evidence = [line for line in (result.summary, result.detail) if line]
        entry = engine.by_id.get(result.failure_id or "")
        if entry is None:  # a probe the catalog has no entry for: still worth showing
            engine.add_finding(Finding(
                failure_id=result.failure_id or result.id, title=result.summary,
                severity=Severity.ERROR if result.status == Status.FAIL else Severity.WARNING,
                resource=f"probe:{result.id}", source=f"probe:{result.id}", first_seen=now,
                last_seen=now, evidence=evidence, fix=Fix(result.fix) if result.fix else None))
            continue
        engine.add_finding(Finding(
            failure_id=entry.id, title=entry.title, severity=entry.severity,
            resource=f"probe:{result.id}", source=f"probe:{result.id}", first_seen=now, last_seen=now,
            evidence=evidence, fix=entry.fix, explanation=entry.explanation, details=dict(entry.extra),
        ))
