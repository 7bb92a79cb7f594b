"""checks.acks: the acknowledgement file, its targets, and bad files."""

from __future__ import annotations

import json

import pytest

from checks.acks import AckError, acks_path, add_ack, load_acks, parse_target, remove_ack


def test_parse_target():
    """Stand-in: none."""
    assert parse_target("alb-x") == ("alb-x", None)
    assert parse_target("alb-x:pod/a") == ("alb-x", "pod/a")
    assert parse_target("alb-x:file:/tmp/a.log") == ("alb-x", "file:/tmp/a.log")
    with pytest.raises(AckError):
        parse_target(":pod/a")


def test_add_replace_remove(monkeypatch):
    """Stand-in: a temp state folder (conftest's PETSTORE_TUI_HOME)."""
    monkeypatch.setenv("USER", "bob")
    add_ack("a-b:r1", "first")
    add_ack("a-b:r1", "second token=abc12345", by="carol")
    add_ack("a-b", "all resources")
    acks = load_acks()
    assert [(a.id, a.resource, a.by) for a in acks] == [("a-b", None, "bob"), ("a-b", "r1", "carol")]
    assert acks[1].reason == "second token=****"  # reasons are stored redacted
    assert json.loads(acks_path().read_text())["acks"][0]["id"] == "a-b"
    assert remove_ack("a-b:r1") is True
    assert remove_ack("a-b:r1") is False
    assert [a.target for a in load_acks()] == ["a-b"]


def test_reason_required():
    """Stand-in: none."""
    with pytest.raises(AckError, match="reason"):
        add_ack("a-b", "  ")


@pytest.mark.parametrize("content", ["{not json", "[]", '{"acks": [{"reason": "no id"}]}', "\xff"])
def test_broken_file_is_a_clear_error(content):
    """Stand-in: a corrupt acks.json in the temp state folder."""
    acks_path().write_bytes(content.encode("latin-1"))
    with pytest.raises(AckError, match="acks.json"):
        load_acks()


def test_missing_and_empty_files_mean_no_acks():
    """Stand-in: a temp state folder with no acks.json, then an empty one."""
    assert load_acks() == []
    acks_path().write_text("")
    assert load_acks() == []


def test_who_acknowledged_falls_back_to_the_account(monkeypatch):
    """Stand-in: a temp state folder; an environment with neither USER nor USERNAME (a
    container's shell), so the uid's passwd entry names the operator."""
    import os
    import pwd

    monkeypatch.delenv("USER", raising=False)
    monkeypatch.delenv("USERNAME", raising=False)
    ack = add_ack("a-b:r1", "noisy in staging")
    assert ack.by == pwd.getpwuid(os.getuid()).pw_name != "unknown"
