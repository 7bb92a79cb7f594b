"""config.duplicate-outputs: no Terraform output is defined twice (main.tf and outputs.tf)."""

from __future__ import annotations

from collections import defaultdict

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import terraform
from checks.preflight.context import CheckContext
from petstore_core.words import counted


class DuplicateOutputsCheck(BlockingCheck):
    id = "config.duplicate-outputs"
    group = "config"
    title = "No duplicate Terraform outputs"
    failure_id = "terraform-duplicate-output"

    def _check(self, ctx: CheckContext) -> CheckResult:
        tf = terraform(ctx)
        if not tf.raw:
            return self.skipped("no terraform/*.tf files")
        where: dict[str, list[str]] = defaultdict(list)
        for name, file in tf.outputs:
            where[name].append(file)
        duplicates = {n: f for n, f in where.items() if len(f) > 1}
        if duplicates:
            lines = [f'output "{n}" in {", ".join(f)}' for n, f in sorted(duplicates.items())]
            return self.failed(f"{counted(len(duplicates), 'output')} defined more than once: {', '.join(sorted(duplicates))}",
                               "\n".join(lines), "keep outputs in terraform/outputs.tf only; delete the other copy")
        if tf.errors:
            return self.warned("some Terraform files could not be parsed", "\n".join(tf.errors))
        return self.passed(f"{len(where)} outputs, each defined once")
