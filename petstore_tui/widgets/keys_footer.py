"""The footer every screen uses: Textual's, but when its keys do not fit the width, the keys
that matter stay (Quit, `?` for the rest, the screens, then the screen's own keys in its
FOOTER_FIRST order) instead of the row being cut at its right end (where Quit was)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.events import Resize
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel

# The app's keys that always stay, and those that switch screens (shown as one label when
# narrow: "1-4 Screens"). Actions as the bindings name them.
KEEP = ("quit", "app.quit")
SCREEN_SWITCH = ("show(", "app.show(")
SCREENS_LABEL = "1-4 Screens"
MORE_LABEL = "? Keys"  # said when keys are left out: `?` lists every key of the screen


def key_width(key: FooterKey) -> int:
    """Columns a FooterKey takes in the footer's default (not compact) style: the key with a
    space each side, the description and one space after it."""
    if key.description:
        return len(key.key_display) + 2 + len(key.description) + 1
    return len(key.key_display) + 2


def fit(keys: list[FooterKey], width: int, first: tuple[str, ...]) -> tuple[list[FooterKey], bool]:
    """The keys that fit `width` columns, in their order, and whether the screen keys were
    folded into one label. Nothing is dropped when everything fits. Otherwise Quit and a
    `? Keys` reminder stay, the screen switches become SCREENS_LABEL, and the screen's own
    keys are kept by priority (`first`'s actions in its order, then the rest as declared)
    while they fit."""
    if sum(key_width(k) for k in keys) <= width:
        return keys, False
    kept = [k for k in keys if k.action in KEEP]
    switches = [k for k in keys if k.action.startswith(SCREEN_SWITCH)]
    own = [k for k in keys if k not in kept and k not in switches]
    labels = (len(SCREENS_LABEL) + 2 if switches else 0) + len(MORE_LABEL) + 2  # a space each side
    room = width - sum(key_width(k) for k in kept) - labels
    rank = {action: n for n, action in enumerate(first)}
    chosen: set[int] = set()
    ranked = sorted(enumerate(own), key=lambda pair: (rank.get(pair[1].action, len(rank)), pair[0]))
    for _, key in ranked:
        if key_width(key) <= room:
            chosen.add(id(key))
            room -= key_width(key)
    return [k for k in keys if id(k) in chosen or k in kept], bool(switches)


class KeysFooter(Footer):
    """Footer that keeps the keys that matter when the row is too narrow for all of them;
    every key still acts and `?` lists them all."""

    DEFAULT_CSS = """
    KeysFooter FooterLabel {
        margin: 0;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        items = list(super().compose())
        palette = [item for item in items if item.has_class("-command-palette")]
        keys = [item for item in items if isinstance(item, FooterKey) and item not in palette]
        if len(keys) + len(palette) != len(items):  # a binding group: Textual's own layout
            yield from items
            return
        width = self.app.size.width - sum(key_width(p) for p in palette)
        first = tuple(getattr(self.screen, "FOOTER_FIRST", ()))
        shown, folded = fit(keys, width, first)
        for key in shown:
            if shown != keys and key.action in KEEP:
                if folded:
                    yield FooterLabel(SCREENS_LABEL)
                yield FooterLabel(MORE_LABEL)
            yield key
        yield from palette

    def on_resize(self, event: Resize) -> None:
        self.call_after_refresh(self.recompose)
