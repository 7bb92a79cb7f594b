"""Quitting while a deploy or cleanup step runs: ask first, naming the step and what stopping
does; on yes stop it the one way the runner stops steps (RunbookActions.action_stop, so
Runner.stop: one SIGINT and the tool's grace), let the runner journal it, then quit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from petstore_tui.runbook.stopping import (
    terraform_chdir,
    what_stopping_does,
    what_stopping_now_does,
)
from petstore_tui.screens.dialogs import ConfirmDialog

if TYPE_CHECKING:
    from petstore_tui.app import PetstoreApp


class QuitWhileRunningDialog(ConfirmDialog):
    """The question `q`, Ctrl+Q and Ctrl+C ask while a step runs; Escape or Cancel keeps it
    running. Its own class, so a second `q` while it is open is told apart."""


class QuitNowDialog(QuitWhileRunningDialog):
    """The question a quit asks while a stop is under way (Terraform's grace can last 15
    min): kill the tool now, with what that leaves and what to run next; Cancel waits."""


def running_step(screen: Any) -> tuple[str | None, str]:
    """(step id, title) of what `screen`'s run is doing now; the id is None between steps."""
    step = getattr(screen, "current", None)
    titles = {}
    for item in getattr(getattr(screen, "runner", None), "steps", None) or ():
        titles[getattr(item, "id", None)] = getattr(item, "title", None)
    return step, (titles.get(step) or step or f"the {screen.TITLE.lower()} run")


def ask_before_quitting(app: PetstoreApp, screens: list[Any]) -> None:
    """Ask to stop `screens`' runs and quit; while the stop is under way, say what it waits for."""
    if isinstance(app.screen, QuitWhileRunningDialog):
        return
    if app.quit_after_stop:
        ask_to_stop_now(app, screens)
        return
    screen = screens[0]
    step, title = running_step(screen)
    runbook = getattr(getattr(screen, "runner", None), "runbook", None) or screen.KIND
    prompt = f"{title} is running: stop it and quit?"
    if len(screens) > 1:
        prompt = f"{title} and {len(screens) - 1} other run are running: stop them and quit?"
    detail = what_stopping_does(step, runbook)

    def answered(stop: bool | None) -> None:
        if not stop:
            app.notify(f"Still running {title}.", timeout=3)
            return
        app.quit_after_stop = True
        for each in screens:
            each.action_stop()
        if not app.active_runs:  # every run had already ended while the question was open
            app.exit()

    app.push_screen(QuitWhileRunningDialog(prompt, detail, yes="Stop it and quit"), callback=answered)


def ask_to_stop_now(app: PetstoreApp, screens: list[Any]) -> None:
    """A quit during a stop's grace: offer to kill the tool now, saying what it may leave
    and what to run next; yes kills it (RunbookActions.action_stop_now), and the same
    paragraph is printed as the TUI ends (app.exit_notes), where it outlives the screen."""
    if getattr(app, "stop_now_asked", False):
        app.notify("Stopping at once: petstore-tui quits in a moment.", severity="warning", timeout=4)
        return
    screen = screens[0]
    step, title = running_step(screen)
    detail = what_stopping_now_does(step, terraform_chdir(getattr(screen, "runner", None)))

    def answered(now: bool | None) -> None:
        if not now:
            app.notify(f"Still stopping {title} cleanly: petstore-tui quits once it has stopped.", timeout=4)
            return
        app.stop_now_asked = True
        app.exit_notes.append(f"petstore-tui: {title} was killed during its clean stop. {detail}")
        for each in screens:
            each.action_stop_now()

    app.push_screen(QuitNowDialog(f"{title} is still stopping cleanly: stop it now and quit?", detail,
                                  yes="Stop now and quit"), callback=answered)
