"""The base of fixes that edit files of this repository: the plan holds each file's text before and after; apply writes them (backups beside the journal), undo puts them back only while the files are still what the fix wrote."""

from __future__ import annotations

from typing import Any

from petstore_tui.fixes import files
from petstore_tui.fixes.base import Fix, FixContext
from petstore_tui.fixes.model import FixError, FixRefused, Plan


class RepositoryFix(Fix):
    kind = "repository"
    needs = ("write access to the checkout",)

    def add_edit(self, plan: Plan, rel: str, before: str, after: str, summary: str) -> None:
        plan.changes.append(files.file_change(rel, before, after, summary))
        plan.state.setdefault("edits", []).append({"path": rel, "before": before, "after": after})

    def apply(self, ctx: FixContext, plan: Plan) -> dict[str, Any]:
        undo: dict[str, Any] = {"files": []}
        for edit in plan.state["edits"]:
            if ctx.backups is None:
                raise FixError("no backup folder for this fix")
            undo["files"].append(files.apply_edit(ctx.project, edit["path"], edit["before"], edit["after"],
                                                  ctx.backups))
            ctx.record(undo)
        return undo

    def altered(self, ctx: FixContext, undo: dict[str, Any]) -> str:
        return "; ".join(filter(None, (files.altered(ctx.project, record) for record in undo.get("files") or [])))

    def undo(self, ctx: FixContext, undo: dict[str, Any]) -> list[str]:
        for record in undo.get("files") or []:  # before any file is put back: all of the fix's files or none
            altered = files.altered(ctx.project, record)
            if altered:
                raise FixRefused(f"{altered}: not undone (the earlier text is in {record['backup']})")
        return [files.undo_edit(ctx.project, record) for record in reversed(undo.get("files") or [])]
