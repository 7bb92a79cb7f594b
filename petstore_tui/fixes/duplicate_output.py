"""Fix: remove a Terraform output defined twice, keeping the definition in terraform/outputs.tf (where terraform/outputs.tf's header says every output lives) and cutting the copy elsewhere."""

from __future__ import annotations

from pathlib import Path

from petstore_core.words import counted
from petstore_tui.fixes import hcl_blocks
from petstore_tui.fixes.base import FixContext
from petstore_tui.fixes.model import FixRefused, NothingToFix, Plan
from petstore_tui.fixes.repository import RepositoryFix

CANONICAL = "outputs.tf"


def terraform_files(project: Path) -> dict[str, str]:
    """{terraform/NAME.tf: text}, in Terraform's order (by name)."""
    return {f"terraform/{p.name}": p.read_text(encoding="utf-8")
            for p in sorted((project / "terraform").glob("*.tf"))}


class DuplicateOutputFix(RepositoryFix):
    id = "duplicate-terraform-output"
    title = "Remove the copy of a Terraform output defined outside terraform/outputs.tf"
    catalog_ids = ("terraform-duplicate-output",)
    check_ids = ("config.duplicate-outputs",)
    check = "config.duplicate-outputs"

    def plan(self, ctx: FixContext, failure_id: str, resource: str | None) -> Plan:
        texts = terraform_files(ctx.project)
        where: dict[str, list[tuple[str, hcl_blocks.Block]]] = {}
        for rel, text in texts.items():
            for block in hcl_blocks.top_level_blocks(text):
                if block.kind == "output" and block.labels:
                    where.setdefault(block.labels[0], []).append((rel, block))
        twice = {name: found for name, found in where.items() if len(found) > 1 and (not resource or name == resource)}
        if not twice:
            raise NothingToFix("no output is defined twice" + (f" named {resource!r}" if resource else ""))
        plan = self.new_plan(ctx, failure_id, ",".join(sorted(twice)))
        cuts: dict[str, list[hcl_blocks.Block]] = {}
        for name, found in sorted(twice.items()):
            kept = [(rel, b) for rel, b in found if rel == f"terraform/{CANONICAL}"]
            if len(kept) != 1:
                raise FixRefused(f'output "{name}" is defined in {", ".join(rel for rel, _ in found)}: with '
                                 f"{counted(len(kept), 'definition')} in terraform/{CANONICAL} there is no canonical one "
                                 "to keep; delete the wrong copy by hand")
            for rel, block in found:
                if (rel, block) != kept[0]:
                    cuts.setdefault(rel, []).append(block)
                    if texts[rel][block.start:block.end] != texts[kept[0][0]][kept[0][1].start:kept[0][1].end]:
                        plan.notes.append(f'the copy of output "{name}" in {rel} (line {block.line}) differs from '
                                          f"terraform/{CANONICAL}'s: the one in {CANONICAL} is kept; check its value")
        for rel, blocks in sorted(cuts.items()):
            after = texts[rel]
            for block in sorted(blocks, key=lambda b: b.start, reverse=True):
                after = hcl_blocks.cut_block(after, block)
            self.add_edit(plan, rel, texts[rel], after,
                          f"remove output {', '.join(b.labels[0] for b in blocks)} from {rel} "
                          f"(kept in terraform/{CANONICAL})")
        return plan
