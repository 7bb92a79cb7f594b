"""The header at 80x24: the target and the sandbox's state always show whole.

Found walking the sandbox deploy at 80x24 in tmux: the header read `petstore-tui │
Preflight │ SANDBOX · us-east-1 · petstore-sandbox  sandbox:` and stopped there, the
sandbox's state ("started at http://127.0.0.1:36819") and the check counts cut off.
Stand-in: the app over tests.tui.fakes (fake_preflight), the emulator's state set as the
app's sandbox worker sets it."""

from __future__ import annotations

from petstore_core.settings import Target
from petstore_tui.app import PetstoreApp
from petstore_tui.widgets.target_header import TargetHeader
from tests.tui import fakes
from tests.tui.conftest import settle

STARTED = "started at http://127.0.0.1:36819"


def _shown(app) -> str:
    header = app.screen.query_one(TargetHeader)
    text = header.render()
    assert text.cell_len <= header.size.width == 80, text.plain  # nothing left for the terminal to cut
    return text.plain


async def test_the_sandbox_header_keeps_its_state_and_the_counts_at_80_columns():
    """The operator at 80 columns sees SANDBOX, that the emulator runs, and the preflight's
    counts, worst first; the app's name and the emulator's URL give way."""
    app = PetstoreApp(fakes.services())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.sandbox_state = STARTED
        await settle(app, pilot)
        shown = _shown(app)
        assert "SANDBOX" in shown and "sandbox: running" in shown, shown
        assert "4/4 checks" in shown and "1 fail" in shown, shown


async def test_an_aws_header_keeps_profile_and_region_at_80_columns(monkeypatch):
    """On a real account the profile and the region are never cut: the cluster's name
    gives way first, then the status's tail."""
    services = fakes.services(sandbox=False)
    services.target = Target(profile="production-admin", region="ap-southeast-2", cluster="petstore-eks-prod")
    app = PetstoreApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.screen.query_one(TargetHeader).status = "43/43 checks · 1 fail · 1 warn · 32 pass · 9 skip"
        await settle(app, pilot)
        shown = _shown(app)
        assert "production-admin · ap-southeast-2" in shown and "1 fail" in shown, shown


def test_wide_terminals_keep_everything():
    """At 200 columns nothing gives way: the name, the URL and the cluster all show."""
    from petstore_tui.widgets.target_header import header_line

    line = header_line("Preflight", "SANDBOX · us-east-1 · petstore-sandbox", STARTED,
                       "43/43 checks · 1 fail", sandbox=True, width=200).plain
    assert line.startswith(" petstore-tui │ Preflight") and STARTED in line and "petstore-sandbox" in line
