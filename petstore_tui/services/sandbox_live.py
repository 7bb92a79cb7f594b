"""What `diagnose --live --sandbox` reads where a cluster would be: the app's containers and the engine's events
(or the local app's log), and the lines planted drills replayed, fed as simulated when no program printed them."""

from __future__ import annotations

from petstore_tui.drills.registry import all_drills
from petstore_tui.services import container_follow, docker, local_app, sandbox_inventory


def scan(engine, target, report) -> None:
    """Feed the diagnostics `engine`; names what was read in `report` (a ScanReport)."""
    report.skipped.append("Kubernetes API: the sandbox has none; its containers stand in for the pods")
    if sandbox_inventory.read().get("app"):
        _containers(engine, report)
    elif local_app.log_file().exists():
        path = local_app.log_file()
        engine.scan_file(path, "app", "local-app")
        report.sources.append(f"file:{path}")
    _drills(engine, target, report)


def _containers(engine, report) -> None:
    try:
        podman = docker.find_engine(("podman",), sandbox=True)
    except docker.EngineUnavailable as exc:
        report.errors.append(f"containers: {exc}")
        return
    snap = container_follow.scan(
        podman, lambda line, source, resource: engine.feed(line, source=source, resource=resource))
    engine.flush()
    report.sources.extend(snap.sources)
    report.errors.extend(snap.errors)


def _drills(engine, target, report) -> None:
    for drill in all_drills(target):
        lines, resource, simulated = drill.replayed()
        if not lines or not drill.planted:
            continue
        where = resource or f"drill:{drill.id}"
        for kind, line in lines:
            engine.feed(line, source=kind, resource=where, simulated=simulated)
        engine.flush(resource=where)
        report.sources.append(f"drill:{drill.id}" + (" (simulated)" if simulated else ""))
