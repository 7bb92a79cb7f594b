"""The panel names the pod a finding came from when its source follows many pods.

Stand-ins: a source shaped like the sandbox's and the cluster's "App pods" (one stream, no
resource of its own, each line behind kubectl's `--prefix`, as services/container_follow.py
and services/kube_pod_logs.py yield them) replaying the SQLite drill container's traceback;
the real engine."""

from __future__ import annotations

import pytest

from petstore_tui.app import PetstoreApp
from petstore_tui.contracts import LogSource
from petstore_tui.widgets.detail import FindingDetail
from petstore_tui.widgets.findings_table import FindingsTable
from tests.checks.test_engine import CANTOPEN
from tests.tui import fakes
from tests.tui.test_troubleshoot import _wait_for

engine_mod = pytest.importorskip("checks.engine")
POD = "pod/petstore-pod-0/petstore"


async def test_the_sqlite_drills_finding_names_its_pod():
    lines = [f"[{POD}] {line.decode()}" for line in CANTOPEN]
    pods = LogSource("pods", "App pods (podman)", "app", fakes.lines_source(lines).follow)
    app = PetstoreApp(fakes.services(sources=[pods], engine=engine_mod.load_default_engine()),
                      initial="troubleshoot")
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.screen.query_one(FindingsTable)
        assert await _wait_for(pilot, lambda: table.selected() is not None, rounds=300)
        assert (table.selected().failure_id, table.selected().resource) == ("sqlite-unable-to-open-database", POD)
        detail = app.screen.query_one(FindingDetail)
        assert await _wait_for(pilot, lambda: POD in detail.plain)
        assert "resource unknown" not in detail.plain
