"""An input box that takes focus only when its key asks for it (docs/knowledge/log-display.md).

Tab never lands in it, so a letter pressed anywhere on the screen is a command, never text
typed by accident; Escape or Enter hands focus back (the screen decides to whom). While it
holds focus its screen has the class `-typing`, so a small layout can show it only then."""

from __future__ import annotations

from textual.events import Blur
from textual.widgets import Input


class KeyInput(Input):
    can_focus = False

    def activate(self) -> None:
        """Focusable for as long as it holds focus."""
        self.can_focus = True
        self.screen.add_class("-typing")
        self.focus()

    def _on_blur(self, event: Blur) -> None:
        self.can_focus = False
        if self.is_attached:
            self.screen.remove_class("-typing")
        super()._on_blur(event)
