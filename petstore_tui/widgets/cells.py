"""Table cells the widgets share."""

from __future__ import annotations

from rich.text import Text

from checks.redact import redact

# A summary column grows to its longest text up to this width; the pane beside each
# table shows the whole text of the selected row.
SUMMARY_WIDTH = 72


def summary_cell(text: str) -> Text:
    """One line of redacted text, cut with an ellipsis past SUMMARY_WIDTH."""
    text = redact(text)
    if len(text) > SUMMARY_WIDTH:
        text = text[: SUMMARY_WIDTH - 1] + "…"
    return Text(text, no_wrap=True)
