"""Headless runs: a Runner's events printed as step headers, lines and progress; terminal
confirmations; Ctrl+C stops cleanly, a second Ctrl+C during that clean stop kills the tool."""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
from typing import TextIO

from petstore_core.paragraph import for_terminal, terminal_width, wrap
from petstore_tui.events import (
    ConfirmationRequested,
    RunFinished,
    StepFindings,
    StepFinished,
    StepOutput,
    StepProgress,
    StepStarted,
    StepStatus,
)
from petstore_tui.runbook.stopping import terraform_chdir, what_stopping_now_does

# a second Ctrl+C killed the running tool during its clean stop: "interrupted", as every
# command's Ctrl+C, and never 1, which a script may answer by simply running again
KILLED_EXIT = 130
# after the first Ctrl+C, a step still running this long is in its tool's grace (Terraform:
# up to 15 min), and only then is "Ctrl+C again stops it at once" said: a step that stops
# at once (a wait, an API call, a tool that exits on its SIGINT) has ended by then
GRACE_HINT_AFTER = 0.5

_MARK = {StepStatus.DONE: "done", StepStatus.SKIPPED: "skipped", StepStatus.FAILED: "FAILED",
         StepStatus.STOPPED: "stopped"}


def terminal_confirm(yes: bool, out: TextIO | None = None):
    """The confirm callback of the CLI: --yes agrees to everything (typed confirmations
    included); otherwise ask on the terminal, and refuse when there is none."""

    async def confirm(request: ConfirmationRequested) -> bool | str:
        stream = out or sys.stdout
        if yes:
            return True
        if not sys.stdin or not sys.stdin.isatty():
            print(f"    {request.prompt}\n    no terminal to answer on: pass --yes to agree",
                  file=stream, flush=True)
            return False
        if request.detail:
            print(f"    {request.detail}", file=stream)
        if request.expected_text is not None:
            question = f"    {request.prompt}\n    type {request.expected_text!r}: "
        else:
            question = f"    {request.prompt} [y/N] "
        try:
            answer = await _ask(question)
        except (EOFError, KeyboardInterrupt):
            return False
        if request.expected_text is not None:
            return answer.strip()
        return answer.strip().lower() in ("y", "yes")

    return confirm


async def _ask(question: str) -> str:
    """input() in a daemon thread: a stop while the prompt waits must not leave the
    event loop's executor waiting for an Enter at shutdown."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future = loop.create_future()

    def settle(value, exc) -> None:
        if not future.done():
            future.set_exception(exc) if exc is not None else future.set_result(value)

    def work() -> None:
        try:
            value, exc = input(question), None
        except BaseException as error:  # EOFError on a closed terminal
            value, exc = None, error
        loop.call_soon_threadsafe(settle, value, exc)

    threading.Thread(target=work, name="petstore-confirm", daemon=True).start()
    return await future


async def run_headless(runner, *, from_step: str | None = None, only: str | None = None,
                       out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run and print; 0 when every step ended done or skipped, KILLED_EXIT when a second
    Ctrl+C killed the running tool during its clean stop, else 1."""
    out = out or sys.stdout
    err = err or sys.stderr
    loop = asyncio.get_running_loop()
    interrupts = {"count": 0, "killed": False}
    steps = {step.id: step for step in runner.steps}
    running: dict[str, str | None] = {"step": None}
    hint: list[asyncio.TimerHandle] = []

    def say_ctrl_c_again(step, terraform: bool) -> None:
        """Only while `step` is in its grace: still running, not yet killed."""
        if running["step"] == step.id and runner.step_running and not interrupts["killed"]:
            risk = ": its state may stay locked" if terraform else ""
            print(for_terminal(f"Ctrl+C again stops it at once (SIGKILL){risk}; what to check is said then",
                               stream=err), file=err, flush=True)

    def on_sigint() -> None:
        interrupts["count"] += 1
        step = steps.get(running["step"] or "")
        if interrupts["count"] == 1:
            terraform = bool(step and step.source == "terraform")
            why = " (Terraform writes its state and releases the lock)" if terraform else ""
            print("\n" + for_terminal(f"stopping: the running tool got one interrupt and is finishing "
                                      f"cleanly{why}...", stream=err), file=err, flush=True)
            if step is not None:
                hint.append(loop.call_later(GRACE_HINT_AFTER, say_ctrl_c_again, step, terraform))
            runner.stop()
        elif step is not None and runner.step_running and not interrupts["killed"]:
            # A second interrupt is never forwarded (Terraform reads it as "abandon state
            # writes"); the operator asked to stop now: kill it, as the TUI's "stop now".
            interrupts["killed"] = True
            said = f"stopping now: {step.title} killed during its clean stop. " \
                   f"{what_stopping_now_does(step.id, terraform_chdir(runner))}"
            print(for_terminal(said, stream=err), file=err, flush=True)  # its commands whole, to copy
            runner.stop_now()
        else:
            print("already stopping; the run ends in a moment", file=err, flush=True)

    try:
        loop.add_signal_handler(signal.SIGINT, on_sigint)
        installed = True
    except (NotImplementedError, RuntimeError, ValueError):
        installed = False
    ok = False
    total = len(runner.steps)
    index = {step.id: i + 1 for i, step in enumerate(runner.steps)}
    last_progress: dict[str, tuple] = {}
    last_started = None
    try:
        async for event in runner.run(from_step=from_step, only=only):
            if isinstance(event, StepStarted):
                last_started = running["step"] = event.step
                print(f"==> [{index.get(event.step, '?')}/{total}] {event.step}: {event.title}",
                      file=out, flush=True)
            elif isinstance(event, StepOutput) and event.stream == "info":
                # petstore-tui's own note: wrapped to its stream as every text report is
                # (petstore_core/paragraph.py), its later lines under its first word
                lead = "    " + event.line[:len(event.line) - len(event.line.lstrip(" "))]  # its own indent kept
                print("\n".join(wrap(event.line, terminal_width(out), first=lead, hang=lead + "  ")),
                      file=out, flush=True)
            elif isinstance(event, StepOutput) and event.stream == "journal":
                print(f"    | {event.line}", file=out, flush=True)  # the last run's, marked apart from this one's
            elif isinstance(event, StepOutput):
                # a tool's own line, as it printed it: a table or a JSON line rewrapped is unreadable
                print(f"    {event.line}", file=err if event.stream == "stderr" else out, flush=True)
            elif isinstance(event, StepProgress):
                key = (event.done, event.total, event.label)
                if last_progress.get(event.step) != key:
                    last_progress[event.step] = key
                    of = f"/{event.total}" if event.total else ""
                    print(f"    [{event.done}{of}] {event.label}", file=out, flush=True)
            elif isinstance(event, StepFindings):
                pass  # shown once, with the step's result
            elif isinstance(event, ConfirmationRequested):
                pass  # the confirm callback prints the question
            elif isinstance(event, StepFinished):
                running["step"] = None  # a Ctrl+C from here on has no tool to kill
                stream = err if event.status is StepStatus.FAILED else out
                # wrapped as the notes are: a killed step's summary ran to 125 columns
                said = (f"<== {event.step} {_MARK.get(event.status, event.status.value)} "
                        f"({event.elapsed:.1f}s){': ' + event.summary if event.summary else ''}")
                print(for_terminal(said, stream=stream, hang="    "), file=stream, flush=True)
                if event.status is StepStatus.FAILED:
                    for finding in event.findings[:5]:
                        said = f"    finding [{finding.severity.value}] {finding.title}" + (
                            f" ({finding.resource})" if finding.resource else "")
                        print(for_terminal(said, stream=err, hang="      "), file=err)
                        if finding.fix is not None:
                            print(for_terminal(f"      fix: {finding.fix.summary}", stream=err, hang="        "),
                                  file=err)
                            for command in finding.fix.commands[:3]:
                                print(f"        $ {command}", file=err)
            elif isinstance(event, RunFinished):
                ok = event.ok
                if event.ok and not last_started:
                    print(f"every {runner.runbook} step is already done; `--from STEP` runs "
                          "from STEP again (--list-steps)", file=out)
                elif event.ok:
                    print(f"{runner.runbook} finished in {event.elapsed:.1f}s", file=out)
                elif interrupts["killed"]:
                    print(for_terminal(f"{runner.runbook} stopped at {event.stopped_at}, its tool killed: do "
                                       "the checks above, then run the same command again to resume there", stream=err),
                          file=err)
                else:
                    print(for_terminal(f"{runner.runbook} stopped at {event.stopped_at}; run the same command "
                                       "again to resume there", stream=err), file=err)
    finally:
        for handle in hint:
            handle.cancel()
        if installed:
            loop.remove_signal_handler(signal.SIGINT)
    if interrupts["killed"]:
        return KILLED_EXIT
    return 0 if ok else 1
