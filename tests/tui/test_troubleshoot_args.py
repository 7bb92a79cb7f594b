"""`petstore-tui troubleshoot --file PATH`: a path that cannot be followed is refused before
the screen opens (before, the panel opened and followed nothing, with no word of why)."""

from __future__ import annotations

import pytest

from petstore_tui import cli


@pytest.mark.parametrize(("kind", "message"), [("missing", "no such file"), ("folder", "is a directory")])
def test_a_file_that_cannot_be_followed_is_a_usage_error(tmp_path, capsys, monkeypatch, kind, message):
    """Stand-in: a path that does not exist, a folder; the app class replaced by one that
    fails the test if it is ever built (the check must come first)."""
    import petstore_tui.app

    def opened(*_args, **_kwargs):
        raise AssertionError("the TUI opened")

    monkeypatch.setattr(petstore_tui.app, "PetstoreApp", opened)
    path = tmp_path / "app.log" if kind == "missing" else tmp_path
    assert cli.main(["--sandbox", "troubleshoot", "--file", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: {message}" in err and "Traceback" not in err


def test_stdin_as_a_file_says_what_to_use_instead(capsys, monkeypatch):
    """`troubleshoot --file -` (as `diagnose -` takes standard input) said "-: no such
    file", naming the wrong thing; the panel reads the operator's keys from the terminal, so
    it says where standard input can go instead. The app class fails the test if built."""
    import petstore_tui.app

    def opened(*_args, **_kwargs):
        raise AssertionError("the TUI opened")

    monkeypatch.setattr(petstore_tui.app, "PetstoreApp", opened)
    assert cli.main(["troubleshoot", "--file", "-"]) == 2
    err = capsys.readouterr().err
    assert "no such file" not in err and "standard input" in err and "diagnose -" in err


def test_a_compressed_file_is_refused_with_the_way_to_follow_it(tmp_path, capsys, monkeypatch):
    """`--file app.log.1.gz` showed its compressed bytes as garbage lines and found
    nothing (operator review): refused before the screen opens, naming the command that
    follows its text. The app class fails the test if built. Stand-in: gzip."""
    import gzip

    import petstore_tui.app

    def opened(*_args, **_kwargs):
        raise AssertionError("the TUI opened")

    monkeypatch.setattr(petstore_tui.app, "PetstoreApp", opened)
    path = tmp_path / "app.log.1.gz"
    path.write_bytes(gzip.compress(b"attempt to write a readonly database\n"))
    assert cli.main(["--sandbox", "troubleshoot", "--file", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: gzip-compressed" in err and f"--file <(gzip -dc {path})" in err, err
