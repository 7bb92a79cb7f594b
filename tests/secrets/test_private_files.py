"""Files that may hold evidence are the operator's only (0600), whatever the umask."""

from __future__ import annotations

import os
import stat

import pytest

from petstore_core import settings
from petstore_core.private_file import write_private


@pytest.fixture
def open_umask():
    old = os.umask(0o022)  # the usual umask: a plain write_text gives 0644
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_an_incident_report_is_written_0600_and_never_over_a_file(tmp_path, open_umask):
    """Stand-in: none. An operator's report (the panel's e) was written 0644: readable by
    every account on the host, with the incident's evidence in it."""
    from petstore_tui.reports import write_report_file

    path = write_report_file(tmp_path / "reports" / "incident.md", "# Incident report\n")
    assert mode(path) == 0o600
    with pytest.raises(FileExistsError):
        write_report_file(path, "again")
    assert path.read_text() == "# Incident report\n"


def test_the_runbook_journal_and_the_fix_journal_are_0600(open_umask):
    """Stand-in: none; a step's summary and outputs go to the journal (redacted, but a
    secret redaction misses would be readable by anyone)."""
    from petstore_tui.runbook.journal import Journal, journal_path

    target = settings.Target(sandbox=True)
    journal = Journal(target)
    journal.record("deploy", "preflight", "done", started=1.0, elapsed=0.5, summary="ok")
    assert mode(journal_path(target)) == 0o600
    journal.save()  # a second save replaces the file: still 0600
    assert mode(journal_path(target)) == 0o600
    assert not list(journal_path(target).parent.glob("*.tmp"))


def test_write_private_replaces_atomically_even_over_a_stale_tmp(tmp_path, open_umask):
    """Stand-in: none; a .tmp left 0644 by an older run does not hand its mode on."""
    stale = tmp_path / "x.json.tmp"
    stale.write_text("old")
    os.chmod(stale, 0o644)
    write_private(tmp_path / "x.json", "{}")
    assert mode(tmp_path / "x.json") == 0o600 and (tmp_path / "x.json").read_text() == "{}"
    assert not stale.exists()
