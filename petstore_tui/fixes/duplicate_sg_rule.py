"""Fix: remove a security group rule declared twice (the same group, direction, protocol, ports and source, as checks/project/security_groups.py keys it). The declaration kept is the first in the file that declares the security group itself (a rule lives beside its group), else the first overall; only standalone rule resources are removed, never inline blocks, and never one that something else refers to."""

from __future__ import annotations

import re
import shlex
from collections import defaultdict

from checks.preflight.config._sources import terraform
from checks.project.security_groups import security_group_rules
from petstore_core.settings import shown_path
from petstore_tui.fixes import hcl_blocks
from petstore_tui.fixes.base import FixContext
from petstore_tui.fixes.duplicate_output import terraform_files
from petstore_tui.fixes.model import FixRefused, NothingToFix, Plan
from petstore_tui.fixes.repository import RepositoryFix

_STANDALONE = re.compile(r"^(aws_security_group_rule|aws_vpc_security_group_(?:ingress|egress)_rule)\.([\w-]+) \(([^)]+)\)$")


class DuplicateSgRuleFix(RepositoryFix):
    id = "duplicate-sg-rule"
    title = "Remove the second declaration of a duplicate security group rule"
    catalog_ids = ("terraform-duplicate-sg-rule",)
    check_ids = ("config.duplicate-sg-rules",)
    check = "config.duplicate-sg-rules"

    def plan(self, ctx: FixContext, failure_id: str, resource: str | None) -> Plan:
        tf = terraform(ctx.checks)
        by_key = defaultdict(list)
        for rule in security_group_rules(tf):
            by_key[rule.key].append(rule)
        groups = [same for same in by_key.values() if len(same) > 1]
        if not groups:
            raise NothingToFix("no security group rule is declared twice")
        texts = terraform_files(ctx.project)
        blocks = {(rel, b.labels): b for rel, text in texts.items() for b in hcl_blocks.top_level_blocks(text)
                  if b.kind == "resource"}
        plan = self.new_plan(ctx, failure_id, "")
        cuts: dict[str, list[tuple[str, hcl_blocks.Block]]] = defaultdict(list)
        for same in groups:
            keep = self._keeper(same, blocks)
            for rule in same:
                if rule is keep:
                    continue
                match = _STANDALONE.match(rule.where)
                if not match:
                    raise FixRefused(f"{rule.where} duplicates {keep.where} but is an inline block: remove it by hand")
                type_, name, file = match.groups()
                if resource and resource not in (f"{type_}.{name}", name):
                    continue
                rel = f"terraform/{file}"
                block = blocks.get((rel, (type_, name)))
                if block is None:
                    raise FixRefused(f"cannot find {type_}.{name} in {rel}")
                used = [r for r, text in texts.items()
                        if re.search(rf"\b{re.escape(type_)}\.{re.escape(name)}\b",
                                     text[:block.start] + text[block.end:] if r == rel else text)]
                if used:
                    raise FixRefused(f"{type_}.{name} is referred to in {', '.join(used)}: remove it by hand")
                cuts[rel].append((f"{type_}.{name}", block))
                plan.notes.append(f"{type_}.{name} ({rel}, line {block.line}) duplicates {keep.where}: removed")
                state_rm = shlex.join(["terraform", f"-chdir={shown_path(ctx.project / 'terraform')}",
                                       "state", "rm", f"{type_}.{name}"])
                plan.notes.append(f"if {type_}.{name} is in Terraform state, run {state_rm} "
                                  f"first, or the next apply deletes the AWS rule the kept "
                                  "declaration also manages")
        if not cuts:
            raise NothingToFix(f"no duplicate rule named {resource!r}")
        for rel, found in sorted(cuts.items()):
            after = texts[rel]
            for _address, block in sorted(found, key=lambda item: item[1].start, reverse=True):
                after = hcl_blocks.cut_block(after, block)
            self.add_edit(plan, rel, texts[rel], after,
                          f"remove {', '.join(address for address, _ in found)} from {rel}")
        plan.resource = ",".join(address for found in cuts.values() for address, _ in found)
        return plan

    @staticmethod
    def _keeper(same, blocks):
        """The rule declared in the file of its security group, first in that file; else the first."""
        group = same[0].group  # e.g. aws_security_group.node
        kind, _, name = group.partition(".")
        home = next((rel.removeprefix("terraform/") for (rel, labels) in blocks if labels == (kind, name)), None)
        at_home = [r for r in same if r.where.endswith(f"({home})")]
        pool = at_home or same

        def order(rule):
            match = _STANDALONE.match(rule.where)
            if not match:
                return (0, 0)  # inline blocks sit in the group itself: keep them
            block = blocks.get((f"terraform/{match.group(3)}", (match.group(1), match.group(2))))
            return (1, block.start if block else 0)
        return min(pool, key=order)
