"""One log line drawn for the panel: a short coloured source tag, then time, level,
origin and message, the other fields dimmed after it (petstore_tui/log_lines.py splits
it). Every piece is redacted on its own: a secret JSON-escaped in the raw line is masked
once decoded too."""

from __future__ import annotations

import re
import zlib

from rich.text import Text

from petstore_core.redact import redact
from petstore_tui.log_lines import parse, split_tag

LEVEL_STYLE = {"DEBUG": "dim", "INFO": "green", "WARN": "bold yellow", "ERROR": "bold red",
               "CRIT": "bold white on red", "FATAL": "bold white on red"}
# distinct on dark and light themes; a source keeps its colour for the whole session
SOURCE_COLOURS = ("cyan", "magenta", "bright_blue", "yellow", "green", "bright_magenta",
                  "bright_cyan", "orange3")
SIMULATED = " simulated"

# A line goes to the terminal as text: its escape sequences (colour, cursor moves, a
# screen clear, a window title) would act there. CSI, OSC and two-character escapes are
# dropped; any other control character (C0, DEL, C1) shows as one replacement character,
# as Textual's own Log does, so the styled spans keep their places.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    return _CONTROLS.sub("\ufffd", _ESCAPES.sub("", text).expandtabs())


def short_tag(tag: str, width: int) -> str:
    """A source's tag in `width` cells: a file by its name, a drill by its id; a
    simulated source keeps its mark whatever the width."""
    simulated = tag.endswith(SIMULATED)
    name = tag[: -len(SIMULATED)] if simulated else tag
    if name.startswith("file:"):
        name = name.rsplit("/", 1)[-1]
    elif ":" in name:
        name = name.split(":", 1)[1]
    mark = "~sim" if simulated else ""
    return name[: max(1, width - len(mark))] + mark


def source_colour(tag: str) -> str:
    return SOURCE_COLOURS[zlib.crc32(tag.encode()) % len(SOURCE_COLOURS)]


def shorten_middle(text: str, width: int) -> str:
    """`text` in `width` cells, its middle replaced by …: a pod's hash and a path's file
    name stay readable (the full text is in the detail pane)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return text[:width]
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head):]


def short_origin(origin: str, width: int = 18) -> str:
    """A dotted logger name shortened by its dots: c.m.controller.ingress
    (docs/knowledge/log-display.md); any other name shortened in the middle."""
    if len(origin) <= width:
        return origin
    if "." not in origin or "/" in origin:
        return shorten_middle(origin, width)
    parts = origin.split(".")
    while len(parts) > 1 and len(".".join(parts)) > width:
        short = next((i for i, part in enumerate(parts[:-1]) if len(part) > 1), None)
        if short is None:
            break
        parts[short] = parts[short][0]
    text = ".".join(parts)
    return text if len(text) <= width else "…" + text[-(width - 1):]


def render(line: str, *, tag_width: int = 10, raw: bool = False, show_time: bool = True,
           folded: bool = False, origin_width: int = 18, in_traceback: bool = False) -> Text:
    """A stored panel line (`[source] ` + what the source printed) as styled text, with
    nothing a terminal would act on."""
    out = _render(line, tag_width, raw, show_time, folded, origin_width, in_traceback)
    if _CONTROLS.search(out.plain):  # from a decoded JSON field: same length, spans kept
        out.plain = _CONTROLS.sub("\ufffd", out.plain)
    return out


def _render(line: str, tag_width: int, raw: bool, show_time: bool, folded: bool,
            origin_width: int, in_traceback: bool) -> Text:
    tag, body = split_tag(line)
    body = printable(body)
    out = Text(no_wrap=True, end="")
    if tag:
        out.append(short_tag(tag, tag_width).ljust(tag_width), style=source_colour(tag))
        out.append(" ")
    if raw:
        out.append(redact(body))
        return out
    parsed = parse(redact(body), in_traceback)
    if parsed.kind == "traceback-start":
        out.append("▸ Traceback (z unfolds)" if folded else "▾ Traceback (most recent call last)",
                   style="bold red")
        return out
    if parsed.kind == "traceback-body":
        out.append("│ ", style="red")
        out.append(redact(parsed.message.strip()), style="dim")
        return out
    if parsed.kind == "traceback-end":
        out.append("└ ", style="red")
        out.append(redact(parsed.message), style="bold red")
        return out
    if show_time and parsed.time:
        out.append(parsed.time[:12].ljust(12), style="dim")
        out.append(" ")
    if parsed.level:
        out.append(parsed.level.ljust(5), style=LEVEL_STYLE.get(parsed.level, "bold"))
        out.append(" ")
    if parsed.origin:
        out.append(redact(short_origin(parsed.origin, origin_width)), style="italic " + source_colour(parsed.origin))
        out.append(" ")
    out.append(redact(parsed.message))
    for key, value in parsed.extras:
        out.append(" ")
        out.append(redact(f"{key}={value}"), style="dim")
    return out
