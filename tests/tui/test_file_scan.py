"""A log file added to the panel is diagnosed whole first, then followed as it grows.

Stand-ins: a file written by the test (the real follower and the real engine read it)."""

from __future__ import annotations

import pytest

from petstore_tui.app import PetstoreApp
from petstore_tui.commands.tui import file_source
from petstore_tui.widgets.findings_table import FindingsTable
from petstore_tui.widgets.log_view import LogView
from tests.tui import fakes
from tests.tui.test_troubleshoot import _wait_for

READONLY = "sqlite3.OperationalError: attempt to write a readonly database"


def _log_with_errors(path, lines: int, errors: int) -> None:
    every = lines // errors
    with open(path, "w") as out:
        for n in range(lines):
            if n % every == every // 2:
                out.write(f"2026-12-05 03:00:00 ERROR petstore {READONLY}\n")
            else:
                out.write(f"2026-12-05 03:00:00 INFO gunicorn GET /api/v1/pets/{n} 200\n")


def _readonly(table):
    return [f for f in table.findings.values() if f.failure_id == "sqlite-readonly-database"]


async def test_an_added_file_is_diagnosed_whole_then_followed(tmp_path):
    """20 read-only errors spread through 60,000 lines (more than the 64 KiB a tail shows):
    all 20 counted, the last lines shown, then a line appended is matched too."""
    engine_mod = pytest.importorskip("checks.engine")
    log = tmp_path / "app.log"
    _log_with_errors(log, 60_000, 20)
    app = PetstoreApp(fakes.services(engine=engine_mod.load_default_engine(), file_source=file_source),
                      initial="troubleshoot")
    async with app.run_test(size=(140, 40)) as pilot:
        await _wait_for(pilot, lambda: app.screen.engine is not None)
        app.screen.add_source(file_source(log, "app"))
        table = app.screen.query_one(FindingsTable)
        assert await _wait_for(pilot, lambda: sum(f.count for f in _readonly(table)) == 20, 400)
        view = app.screen.query_one(LogView)
        assert await _wait_for(pilot, lambda: any("/pets/59999 " in line for line in view.lines))
        assert not any("/pets/1 " in line for line in view.lines)  # recent lines only
        with open(log, "a") as out:
            out.write(f"2026-12-05 03:01:00 ERROR petstore {READONLY}\n")
        assert await _wait_for(pilot, lambda: sum(f.count for f in _readonly(table)) == 21, 400)
        assert not app.screen.query_one("#scan-bar").display


async def test_a_line_cut_at_64_kib_is_said_in_the_panel_as_diagnose_says_it(tmp_path):
    """`diagnose` says when lines longer than 64 KiB were searched only in part
    (`lines_cut`); the panel said nothing, so an operator could not tell a miss in the
    cut tail from an all-clear (operator review). The note of the scan (the timeline and
    the exported report) uses diagnose's words, and the log's status line counts them.
    Stand-ins: a file written by the test, the real engine and file_source."""
    engine_mod = pytest.importorskip("checks.engine")
    log = tmp_path / "app.log"
    log.write_text(f"2026-12-05 03:00:00 ERROR petstore {READONLY}\n"
                   + "x" * (70 * 1024) + " tail\n" + "2026-12-05 03:00:01 INFO ok\n")
    app = PetstoreApp(fakes.services(engine=engine_mod.load_default_engine(), file_source=file_source),
                      initial="troubleshoot")
    async with app.run_test(size=(160, 40)) as pilot:
        await _wait_for(pilot, lambda: app.screen.engine is not None)
        app.screen.add_source(file_source(log, "app"))
        assert await _wait_for(pilot, lambda: any("scanned" in text and "app.log" in text
                                                  for _, text in app.screen.timeline), 400)
        assert await _wait_for(pilot, lambda: any(
            "1 line was longer than 64 KiB: only the first 64 KiB of it was searched" in text
            for _, text in app.screen.timeline)), app.screen.timeline
        assert await _wait_for(pilot, lambda: "1 line cut at 64 KiB"
                               in str(app.screen.query_one("#log-status").render()))


def test_a_scan_stops_when_the_source_is_stopped_and_tail_lines_are_whole(tmp_path):
    import threading

    from petstore_tui.commands.tui import follow_file
    from petstore_tui.services.log_file import ScanStopped, WholeFile, tail_lines

    engine_mod = pytest.importorskip("checks.engine")
    log = tmp_path / "app.log"
    _log_with_errors(log, 5_000, 5)
    stop = threading.Event()
    stop.set()
    whole = WholeFile(log, follow_file)
    with pytest.raises(ScanStopped):
        whole.scan(engine_mod.load_default_engine(), source="app", resource="x", stop=stop,
                   on_progress=lambda read, total: None)
    size = log.stat().st_size
    lines = tail_lines(log, size, max_bytes=200)
    assert lines and all(line.startswith(b"2026-12-05 ") for line in lines)
    assert lines[-1].endswith(b"/pets/4999 200")


async def test_the_progress_bar_shows_while_a_file_is_diagnosed():
    """Stand-in: ScanProgress posted as the source's worker posts it."""
    from textual.widgets import ProgressBar

    from petstore_tui.screens.troubleshoot_messages import ScanProgress

    app = PetstoreApp(fakes.services(), initial="troubleshoot")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.post_message(ScanProgress("file:/tmp/app.log", 250, 1000))
        await pilot.pause()
        bar = screen.query_one("#scan-progress", ProgressBar)
        assert screen.query_one("#scan-bar").display and bar.percentage == 0.25
        assert "diagnosing file:/tmp/app.log" in str(screen.query_one("#scan-note").render())
        screen.post_message(ScanProgress("file:/tmp/app.log", 1000, 1000, done=True))
        await pilot.pause()
        assert not screen.query_one("#scan-bar").display
        assert any("scanned file:/tmp/app.log whole" in text for _, text in screen.timeline)


async def test_a_folder_given_to_add_file_is_named_not_followed_silently(tmp_path):
    """`a` then a folder's path: the sources list marks it n/a and the note says it is a
    directory, as `--file DIR` and `diagnose DIR` refuse it; before, it showed as a plain
    source with 0 lines while its follower retried the open for ever, saying nothing.
    Stand-ins: the fake services with the real file_source factory; tmp_path as the folder."""
    from textual.widgets import SelectionList

    app = PetstoreApp(fakes.services(file_source=file_source), initial="troubleshoot")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        for char in str(tmp_path):
            await pilot.press(char)
        await pilot.press("enter")
        await pilot.pause()
        source = app.screen.sources[f"file:{tmp_path}"]
        assert "is a directory" in source.unavailable
        labels = [str(option.prompt) for option in app.screen.query_one(SelectionList)._options]
        assert f"(n/a) {source.title}" in labels


async def test_a_source_not_available_is_marked_so_at_160_columns_and_not_reported_as_followed(tmp_path):
    """At 160 columns (the sources list open) "File core.bin (n/a)" was cut to "File
    core.bin …": the mark that says it is not followed was the part hidden. The exported
    report listed it under "Sources followed". Now the mark is what the list shows first,
    and the report names it apart with its reason. Stand-ins: the fake services with the
    real file_source factory; bytes made by the test."""
    import random

    from textual.widgets import SelectionList

    binary = tmp_path / "core.bin"
    binary.write_bytes(bytes([0x7F]) + b"ELF" + random.Random(7).randbytes(6000))
    report = tmp_path / "report.md"
    app = PetstoreApp(fakes.services(file_source=file_source), initial="troubleshoot")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.add_source(file_source(binary))
        await pilot.pause()
        shown = screen.query_one(SelectionList)
        rows = ["".join(segment.text for segment in shown.render_line(y)) for y in range(shown.size.height)]
        assert any("(n/a) File" in row for row in rows), rows  # the name may be cut; the mark is not
        screen.write_report(report)
        assert await _wait_for(pilot, report.exists)
    text = report.read_text()
    followed = next(line for line in text.splitlines() if line.startswith("- Sources followed:"))
    assert "core.bin" not in followed, followed
    unavailable = next(line for line in text.splitlines() if line.startswith("- Sources not available:"))
    assert "File core.bin (" in unavailable and "binary data, not a text log" in unavailable, unavailable


def test_a_compressed_file_given_to_add_file_is_named_not_shown_as_garbage(tmp_path):
    """`a` then a rotated log (app.log.1.gz): its compressed bytes showed as lines of
    replacement characters that broke the log view's borders, and nothing was found
    (operator review). n/a, with the format and the command that follows its text, as
    `--file` and `diagnose` say. Stand-in: the real file_source factory, gzip."""
    import gzip

    path = tmp_path / "app.log.1.gz"
    path.write_bytes(gzip.compress(b"attempt to write a readonly database\n"))
    source = file_source(path)
    assert "gzip-compressed" in source.unavailable and "gzip -dc" in source.unavailable
    assert file_source(tmp_path / "plain.log").unavailable.endswith("does not exist")


def test_a_binary_file_is_refused_by_the_panel_and_diagnose_alike(tmp_path, capsys):
    """`a` then a binary file (not compressed: a core dump, a journald file) showed lines of
    replacement characters that pushed the log view's borders off (operator review), while
    `diagnose` said "no known failures". One rule for both (commands/log_paths.py): n/a in
    the panel, exit 2 from diagnose, with the same words. A log that is text with a hole of
    NULs (copytruncate while the app writes) or a few Latin-1 bytes stays readable.
    Stand-in: the real file_source factory and diagnose; bytes made by the test."""
    import random

    from petstore_tui import cli

    binary = tmp_path / "core.bin"
    binary.write_bytes(bytes([0x7F]) + b"ELF" + random.Random(7).randbytes(6000))
    source = file_source(binary)
    assert "binary data, not a text log" in source.unavailable, source.unavailable
    capsys.readouterr()
    assert cli.main(["diagnose", str(binary)]) == 2
    assert "binary data, not a text log" in capsys.readouterr().err

    holed = tmp_path / "app.log"
    holed.write_bytes(b"\x00" * 5000 + b"ERROR attempt to write a readonly database\n" * 20)
    latin = tmp_path / "old.log"
    latin.write_bytes("caf\xe9 ferm\xe9: attempt to write a readonly database\n".encode("latin-1") * 50)
    for path in (holed, latin):
        assert file_source(path).unavailable == "", path
        assert cli.main(["diagnose", str(path)]) == 1, capsys.readouterr()
        capsys.readouterr()



def test_a_utf16_log_is_named_with_the_command_that_gives_its_text(tmp_path, capsys):
    """`kubectl logs POD > app.log` in Windows PowerShell 5.1 writes UTF-16 with a byte-order
    mark: every character has a NUL beside it, no UTF-8 signature matches, and the file was
    called "binary data" with no way out (lead's check of the binary rule). Named as UTF-16
    text with the iconv command that gives its text, in the panel and diagnose alike; the
    command as printed works. Stand-in: the real file_source factory, diagnose and iconv."""
    import shutil
    import subprocess

    from petstore_tui import cli

    text = "sqlite3.OperationalError: attempt to write a readonly database\n" * 20
    for name, data in (("ps.log", text.encode("utf-16")), ("nobom.log", text.encode("utf-16-le"))):
        path = tmp_path / name
        path.write_bytes(data)
        assert "UTF-16 text" in file_source(path).unavailable
        capsys.readouterr()
        assert cli.main(["diagnose", str(path)]) == 2
        err = capsys.readouterr().err
        assert f"iconv -f UTF-16 -t UTF-8 {path} | petstore-tui diagnose -" in err, err
    if shutil.which("iconv"):
        printed = subprocess.run(["iconv", "-f", "UTF-16", "-t", "UTF-8", str(tmp_path / "ps.log")],
                                 capture_output=True, timeout=30, check=True).stdout
        assert printed.decode() == text
    assert file_source(tmp_path / "ps.log").unavailable != ""
    plain = tmp_path / "plain.log"
    plain.write_text(text)
    assert file_source(plain).unavailable == ""

def test_following_a_fifo_without_a_writer_stops_when_asked(tmp_path):
    """`troubleshoot --file FIFO` (or `--file <(kubectl logs -f ...)`), then q: the
    follower must notice its stop event. Before, open() of a FIFO nobody writes to blocked
    the source's thread for ever, so the process hung after the screen closed (Ctrl-C
    printed 'interrupted' and still hung). Lines written once a writer comes still arrive.
    Stand-in: a FIFO made by the test (os.mkfifo)."""
    import os
    import threading
    import time

    from petstore_tui.commands.tui import follow_file

    fifo = tmp_path / "pipe.log"
    os.mkfifo(fifo)

    def start(stop: threading.Event, seen: list[bytes]) -> threading.Thread:
        thread = threading.Thread(target=lambda: seen.extend(follow_file(fifo, stop)), daemon=True)
        thread.start()
        time.sleep(0.5)  # the follower is in open() or polling by now
        return thread

    idle_stop = threading.Event()
    idle = start(idle_stop, [])
    try:
        idle_stop.set()
        idle.join(timeout=3)
        assert not idle.is_alive(), "the follower of a FIFO without a writer did not stop"
    finally:
        if idle.is_alive():  # release a thread stuck in open() so the test run can end
            os.close(os.open(fifo, os.O_WRONLY))

    stop, seen = threading.Event(), []
    follower = start(stop, seen)
    writer = os.open(fifo, os.O_WRONLY)
    os.write(writer, b"ERROR attempt to write a readonly database\n")
    for _ in range(50):
        if seen:
            break
        time.sleep(0.1)
    stop.set()
    os.close(writer)
    follower.join(timeout=3)
    assert seen == [b"ERROR attempt to write a readonly database"]
    assert not follower.is_alive()
