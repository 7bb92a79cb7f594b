"""config.duplicate-sg-rules: no security group rule is declared twice (same group, direction, protocol, ports and source) across aws_security_group_rule, aws_vpc_security_group_*_rule and inline blocks."""

from __future__ import annotations

from collections import defaultdict

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import terraform
from checks.preflight.context import CheckContext
from checks.project.security_groups import security_group_rules
from petstore_core.words import counted


class DuplicateSgRulesCheck(BlockingCheck):
    id = "config.duplicate-sg-rules"
    group = "config"
    title = "No duplicate security group rules"
    failure_id = "terraform-duplicate-sg-rule"

    def _check(self, ctx: CheckContext) -> CheckResult:
        tf = terraform(ctx)
        if not tf.raw:
            return self.skipped("no terraform/*.tf files")
        rules = security_group_rules(tf)
        if not rules:
            return self.skipped("no security group rules in terraform/*.tf", "\n".join(tf.errors))
        by_key: dict[tuple, list] = defaultdict(list)
        for rule in rules:
            by_key[rule.key].append(rule)
        duplicates = [same for same in by_key.values() if len(same) > 1]
        if duplicates:
            lines = []
            for same in duplicates:
                lines.append(f"{same[0].describe().split(': ', 1)[1]}, declared by:")
                lines += [f"  {rule.where}" for rule in same]
            first = duplicates[0]
            return self.failed(f"{counted(len(duplicates), 'security group rule')} declared twice: "
                               + " and ".join(r.where.split(" (")[0] for r in first),
                               "AWS keys a rule by group, protocol, ports and source (not description): "
                               "apply fails with 'A duplicate Security Group rule was found'\n" + "\n".join(lines),
                               "delete the hand-made copy (keep one rule per group, protocol, ports and source) "
                               "in terraform/eks.tf")
        return self.passed(f"{len(rules)} security group rules, each declared once")
