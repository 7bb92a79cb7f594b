"""The panel's `p` says how many findings the live probes returned, in plain English.

Stand-in: run_probes returning the fakes' one read-only finding (no AWS, no cluster)."""

from __future__ import annotations

from petstore_tui.app import PetstoreApp
from tests.tui import fakes
from tests.tui.conftest import settle


async def test_one_probe_finding_is_one_finding():
    app = PetstoreApp(fakes.services(run_probes=lambda: [fakes.READONLY_FAILURE]), initial="troubleshoot")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        said = [n.message for n in app._notifications]
        assert "Probes done: 1 finding." in said, said  # was "1 finding(s)"
