"""Table cells the widgets share."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from petstore_core.redact import redact

# A summary column grows to its longest text up to this width; the pane beside each
# table shows the whole text of the selected row.
SUMMARY_WIDTH = 72


def summary_cell(text: str) -> Text:
    """One line of redacted text, cut with an ellipsis past SUMMARY_WIDTH."""
    text = redact(text)
    if len(text) > SUMMARY_WIDTH:
        text = text[: SUMMARY_WIDTH - 1] + "…"
    return Text(text, no_wrap=True)


def update_summary(table: DataTable, row_key: str, text: str) -> None:
    """Set a row's summary, widening the column at once. Textual widens it on its next idle,
    but rows drawn in between stay cached at the old width (their cache key is the table's
    update count, which widening does not bump): widened first, the update's own bump
    redraws every row at the new width."""
    cell = summary_cell(text)
    column = table.columns["summary"]
    column.content_width = max(column.content_width, cell.cell_len)
    table.update_cell(row_key, "summary", cell, update_width=True)


def cursor_row_key(table: DataTable) -> str | None:
    """The key of the row under the cursor, or None while the table is empty or changing."""
    if not table.row_count:
        return None
    try:
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:  # empty or moving table
        return None
    return None if key is None else str(key)
