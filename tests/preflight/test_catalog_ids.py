"""Every catalog id a preflight check or live probe names exists in checks/catalog/ (no stand-in: the source and the catalog folders)."""

from __future__ import annotations

import re
from pathlib import Path

from checks.preflight.registry import ALL_CHECKS
from checks.probes.pods import REASONS

REPO = Path(__file__).resolve().parents[2]
CATALOG = {p.name for p in (REPO / "checks" / "catalog").iterdir() if (p / "failure.yaml").is_file()}
# failure_id="x", failure_id = "x", failure = "x" if ..., FAILURE_ID = "x", ..._FAILURE = "x", or "x"
ID_IN_SOURCE = re.compile(r'(?:failure(?:_id)?|FAILURE\w*)\s*(?:=|or)\s*\(?"([a-z0-9-]+)"'
                          r'|(?:else|or)\s+"([a-z0-9]+(?:-[a-z0-9]+)+)"')


def source_ids() -> set[str]:
    found = set()
    for folder in ("checks/preflight", "checks/probes"):
        for path in (REPO / folder).rglob("*.py"):
            for match in ID_IN_SOURCE.finditer(path.read_text()):
                found.add(match.group(1) or match.group(2))
    return found


def test_ids_named_by_checks_and_probes_exist():
    """No stand-in: the check classes, the probes' source and checks/catalog/*/failure.yaml."""
    named = {c.failure_id for c in ALL_CHECKS if c.failure_id}
    named |= {fid for fid, _fix in REASONS.values() if fid}
    named |= source_ids()
    assert len(named) >= 15  # the scan found them (a broken regex would pass vacuously)
    assert named - CATALOG == set()
