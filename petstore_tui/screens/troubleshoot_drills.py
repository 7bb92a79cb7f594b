"""The troubleshooting panel's drills: plant or undo a headline failure in the sandbox."""

from __future__ import annotations

from textual import work

from petstore_core.redact import redact
from petstore_tui.contracts import LogSource
from petstore_tui.screens.dialogs import DrillDialog
from petstore_tui.screens.troubleshoot_messages import DrillDone, FindingsChanged, LinesBatch
from petstore_tui.widgets.findings_table import FindingsTable, finding_key


class DrillActions:
    """The drills dialog and the worker that plants, replays and undoes a drill."""

    def action_drills(self) -> None:
        if not self.app.target.sandbox:
            self.notify("Drills plant real failures: they run in the sandbox only (--sandbox).",
                        severity="warning")
            return
        if not self.drills:
            self.drills = list(self.app.services.drills())
        if not self.drills:
            self.notify("No drills available here.", severity="warning")
            return
        # planted in an earlier session: the drill keeps a memo on disk
        self.planted |= {d.id for d in self.drills if getattr(d, "planted", False) is True}

        def chosen(value: tuple[str, str] | None) -> None:
            if value:
                self.run_drill(*value)

        self.app.push_screen(DrillDialog(self.drills, self.planted), chosen)

    @work(thread=True, group="drill", exit_on_error=False)
    def run_drill(self, drill_id: str, what: str) -> None:
        drill = next((d for d in self.drills if d.id == drill_id), None)
        if drill is None:
            return
        try:
            outcome = drill.run_plant() if what == "plant" else drill.undo()
        except Exception as exc:  # the drill could not be planted or undone: say why
            self.post_message(DrillDone(redact(f"Drill {drill.title}: {exc}"), False))
            return
        self._replay(drill, getattr(outcome, "replay", ()) or (), getattr(outcome, "resource", "") or "",
                     getattr(outcome, "simulated", True))
        if getattr(outcome, "probe", False):
            try:
                # even when empty: the probes' answer clears what they no longer report
                self.post_message(FindingsChanged(list(self.app.services.run_probes()), "live probes"))
            except Exception as exc:  # the probe is a bonus; the drill itself worked
                self.post_message(DrillDone(redact(f"probes failed: {exc}"), False))
        if what == "undo":  # its simulated lines' finding goes with it: nothing printed them
            self.app.call_from_thread(self._clear_drill_findings, drill.id)
        verb = "planted" if what == "plant" else "undone"
        self.post_message(DrillDone(redact(f"Drill {verb}: {outcome.message}"), True))
        self.app.call_from_thread(self._mark_drill, drill.id, what == "plant")

    def _replay(self, drill, replay, resource: str, simulated: bool) -> None:
        """Feed a drill's lines to the engine and the log, tagged simulated when no program
        printed them (worker thread)."""
        changed: dict = {}
        if replay:
            lines = []
            tag = f"drill:{drill.id} simulated" if simulated else f"drill:{drill.id}"
            for kind, line in replay:
                fake = LogSource(f"drill-{drill.id}", drill.title, kind, lambda _s: iter(()), resource=resource)
                self._feed(line, fake, changed, simulated=simulated)
                lines.append(f"[{tag}] {line}")
            self._flush_engine(LogSource("drill", "drill", "any", lambda _s: iter(())), changed)
            self.post_message(LinesBatch(f"drill-{drill.id}", lines))
        if changed:
            # what the drill's lines raised: its undo clears those resting on them alone
            self.drill_findings.setdefault(drill.id, set()).update(finding_key(f) for f in changed.values())
            self.post_message(FindingsChanged(list(changed.values()), f"drill {drill.id}"))

    @work(thread=True, group="drill", exit_on_error=False)
    def replay_planted(self) -> None:
        """Drills planted before this panel opened (headless, or in an earlier session) keep
        their lines on disk: feed them as if planted here, as `diagnose --live --sandbox`
        does (petstore_tui/services/sandbox_live.py), or the panel shows none of them."""
        if not self.app.target.sandbox:
            return
        try:
            drills = list(self.app.services.drills())
        except Exception:  # no drills here: nothing was planted
            return
        for drill in drills:
            replayed = getattr(drill, "replayed", None)
            if getattr(drill, "planted", False) is not True or replayed is None:
                continue
            try:
                lines, resource, simulated = replayed()
            except Exception:  # an unreadable memo: the drill's own undo says more
                continue
            self._replay(drill, lines, resource or f"drill:{drill.id}", simulated)
            self.app.call_from_thread(self._mark_drill, drill.id, True)

    def _clear_drill_findings(self, drill_id: str) -> None:
        """An undone drill's findings that rest only on the lines it fed (simulated) leave
        the table and the report (the subnet drill's line makes two); they come back if
        seen again."""
        cleared = self.query_one(FindingsTable).clear_simulated(self.drill_findings.pop(drill_id, set()))
        self.cleared.update(cleared)
        for key in cleared:
            self.note(f"finding {key.replace('|', ' on ')} cleared: drill {drill_id} was undone")
            self._status_dirty = True
            self._detail_dirty = True

    def _mark_drill(self, drill_id: str, planted: bool) -> None:
        if planted:
            self.planted.add(drill_id)
        else:
            self.planted.discard(drill_id)

    def on_drill_done(self, message: DrillDone) -> None:
        self.note(message.text)
        self.notify(message.text, severity="information" if message.ok else "error", timeout=8)
