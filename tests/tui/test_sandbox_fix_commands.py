"""In the sandbox the app runs under podman and no Kubernetes API answers: a finding's fix
shows and copies (`c`) commands that work there. The SQLite entry's kubectl commands become
`podman exec` into the app's container, the pod as podman played it, and the rollout as the
deploy playing the manifests again; a kubectl command with no equivalent there is left out,
and the detail says how many. With --context (a cluster of the operator's) kubectl stays.

Stand-ins: run_probes returning a finding with the real catalog entry's fix, and a stand_in
service naming a pod and container as `podman kube play` names them (no podman call)."""

from __future__ import annotations

from checks.catalog_loader import load_catalog
from checks.model import Finding, Severity
from petstore_tui.app import PetstoreApp
from petstore_tui.stand_in_commands import REDEPLOY, StandIn, for_stand_in
from petstore_tui.widgets.detail import FindingDetail
from tests.tui import fakes
from tests.tui.conftest import settle
from tests.tui.test_findings_title_80 import _table_after_probes

STAND_IN = StandIn("petstore-4a1ce-pod-0", "petstore-4a1ce-pod-0-petstore")


def _finding(failure_id: str) -> Finding:
    entry = next(e for e in load_catalog() if e.id == failure_id)
    return Finding(failure_id=entry.id, title=entry.title, severity=Severity.ERROR,
                   resource="pod/petstore-4a1ce-pod-0", source="app", first_seen=fakes.FROZEN,
                   last_seen=fakes.FROZEN, evidence=["unable to open database file"], fix=entry.fix)


async def _shown(services) -> tuple[str, str]:
    app = PetstoreApp(services, initial="troubleshoot")
    async with app.run_test(size=(120, 36)) as pilot:
        await _table_after_probes(pilot, app)
        await settle(app, pilot)
        await pilot.press("c")
        return app.screen.query_one(FindingDetail).plain, app.clipboard


async def test_the_sqlite_fix_in_the_sandbox_names_podman_not_kubectl():
    finding = _finding("sqlite-unable-to-open-database")
    plain, copied = await _shown(fakes.services(run_probes=lambda: [finding], stand_in=lambda: STAND_IN))
    assert "kubectl" not in plain and "kubectl" not in copied
    assert ("$ podman exec petstore-4a1ce-pod-0-petstore sh -c 'id; ls -ld /app /app/data'") in plain
    assert "$ podman kube generate petstore-4a1ce-pod-0" in plain
    assert f"$ {REDEPLOY}" in plain
    assert copied.splitlines()[0].startswith("podman exec petstore-4a1ce-pod-0-petstore ")


async def test_with_a_cluster_of_the_operators_kubectl_stays():
    finding = _finding("sqlite-unable-to-open-database")
    services = fakes.services(run_probes=lambda: [finding], stand_in=lambda: STAND_IN)
    services = services.replace(target=services.target.replace(context="kind-dev"))  # --context kind-dev
    plain, copied = await _shown(services)
    assert "podman" not in plain
    assert copied.startswith("kubectl --context kind-dev exec -n petstore deploy/petstore")


async def test_without_the_app_under_podman_kubectl_is_left_out_and_said():
    finding = _finding("sqlite-unable-to-open-database")
    plain, copied = await _shown(fakes.services(run_probes=lambda: [finding], stand_in=lambda: None))
    assert "kubectl" not in copied
    assert "3 kubectl commands left out: the sandbox has no Kubernetes API" in plain


def test_the_controllers_commands_have_no_sandbox_equivalent():
    assert for_stand_in("kubectl logs -n kube-system deployment/aws-load-balancer-controller", STAND_IN) is None
    assert for_stand_in("terraform -chdir=terraform apply", STAND_IN) == "terraform -chdir=terraform apply"


async def test_x_on_the_sqlite_finding_in_the_sandbox_says_the_podman_commands():
    """`x` has no one-key fix for this entry and says what to do by hand: there too the
    commands fit the sandbox (they were the kubectl ones)."""
    from textual.widgets import Static

    from petstore_tui.screens.fix_dialog import FixDialog

    finding = _finding("sqlite-unable-to-open-database")
    app = PetstoreApp(fakes.services(run_probes=lambda: [finding], stand_in=lambda: STAND_IN),
                      initial="troubleshoot")
    async with app.run_test(size=(160, 50)) as pilot:
        await _table_after_probes(pilot, app)
        await pilot.press("x")
        await settle(app, pilot)
        for _ in range(200):  # bounded: the plan is made in a worker
            dialog = app.screen
            if isinstance(dialog, FixDialog) and dialog.state != "planning":
                break
            await pilot.pause(0.02)
        status = str(app.screen.query_one("#fix-status", Static).render())
        assert status.startswith("No one-key fix for sqlite-unable-to-open-database"), status
        assert "$ podman exec petstore-4a1ce-pod-0-petstore sh -c" in status and "kubectl" not in status
