"""Logs read once into the engine: files and stdin (through the engine's bulk path) and a
tool's output as it runs. What a scan read and what went wrong is a ScanReport."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from checks.model import Source
from petstore_core.record import Default, Record


class ScanReport(Record):
    """What a live scan read and what went wrong (messages, never tracebacks)."""

    sources: list[str] = Default(list)
    errors: list[str] = Default(list)
    skipped: list[str] = Default(list)
    # sources read whole that held no line at all (an empty file, a pipe that carried
    # nothing): nothing in them was checked, which an all-clear must not hide
    empty: list[str] = Default(list)


def scan_paths(engine, paths: Sequence[str], source: str = Source.ANY.value,
               report: ScanReport | None = None) -> ScanReport:
    """Files (or `-` for stdin) through the engine's bulk path. Unreadable paths are
    reported in `errors`, the others are still scanned. Into `report` when given: a scan
    interrupted by Ctrl-C leaves there what it read, the source it was in included."""
    report = ScanReport() if report is None else report
    for path in paths:
        before = engine.lines_read
        if path == "-":
            try:
                engine.scan_stream(sys.stdin.buffer, source, "stdin")
            except KeyboardInterrupt:
                report.sources.append("stdin")
                raise
            report.sources.append("stdin")
            if engine.lines_read == before:
                report.empty.append("stdin")
            continue
        try:
            # the absolute path: an acknowledgement of this file holds however it is spelled
            engine.scan_file(path, source, os.path.abspath(path))
        except KeyboardInterrupt:
            report.sources.append(f"file:{path}")
            raise
        except IsADirectoryError:
            report.errors.append(f"{path}: is a directory (give log files, or - for stdin)")
            continue
        except FileNotFoundError:
            report.errors.append(f"{path}: no such file")
            continue
        except PermissionError:
            report.errors.append(f"{path}: permission denied")
            continue
        except OSError as exc:
            report.errors.append(f"{path}: cannot read: {exc.strerror or exc}")
            continue
        report.sources.append(f"file:{path}")
        if engine.lines_read == before:
            report.empty.append(f"file:{path}")
    return report


async def scan_process(engine, argv: Sequence[str], *, timeout: float, source: str = Source.ANY.value,
                       resource: str = "", **kwargs):
    """Run a tool through petstore_core.process.stream and feed every line of its
    output (stdout and stderr) to the engine as it comes. Returns the Completed result."""
    from petstore_core import process  # start-up time: asyncio and subprocess only when a tool runs

    def on_line(line) -> None:
        engine.feed(line.text, source=source, resource=resource)

    result = await process.stream(argv, timeout=timeout, on_line=on_line, keep_lines=False, **kwargs)
    engine.flush(source, resource)
    return result
