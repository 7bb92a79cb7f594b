"""config.nodegroup-size: each managed node group's scaling_config holds 0 <= min_size <= desired_size <= max_size and max_size >= 1 (EKS refuses anything else), with the sizes as a plan sees them."""

from __future__ import annotations

import re

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import terraform
from checks.preflight.context import CheckContext
from checks.project.terraform_values import as_int, expanded_blocks


class NodegroupSizeCheck(BlockingCheck):
    id = "config.nodegroup-size"
    group = "config"
    title = "Node group min <= desired <= max"
    failure_id = "eks-nodegroup-create-failed"

    def _check(self, ctx: CheckContext) -> CheckResult:
        tf = terraform(ctx)
        groups = tf.of_type("aws_eks_node_group")
        if not groups:
            if tf.problems:
                return self.warned("unknown: terraform/ does not parse (config.files says where)", "\n".join(tf.errors))
            return self.skipped("no aws_eks_node_group in terraform/*.tf")
        problems, warnings, notes = [], [], []
        for group in groups:
            raw = ((group.body.get("scaling_config") or [{}])[0]) if group.body.get("scaling_config") else {}
            raw = {key: raw.get(f"{key}_size") for key in ("min", "desired", "max")}
            scaling = (expanded_blocks(tf, group, "scaling_config") or [{}])[0]
            size = {key: as_int(tf, scaling.get(f"{key}_size")) for key in raw}
            shown = ", ".join(f"{k} {size[k] if size[k] is not None else raw[k]}" + self._source(tf, raw[k])
                              for k in size)
            label = f"aws_eks_node_group.{group.name}"
            if None in size.values():
                warnings.append(f"unknown: {label} sizes known only after apply ({shown})")
                continue
            low, want, high = size["min"], size["desired"], size["max"]
            if high < 1:
                problems.append(f"{label}: max_size {high} (EKS wants at least 1) - {shown}")
            elif low < 0 or not low <= want <= high:
                problems.append(f"{label}: needs min <= desired <= max, has {shown}")
            elif want == 0:
                warnings.append(f"{label}: desired_size 0 - no node runs, every pod stays Pending ({shown})")
            else:
                notes.append(f"{label}: {shown}")
        if problems:
            return self.failed(problems[0], "\n".join(problems + warnings + notes),
                               "set node_min_size <= node_desired_size <= node_max_size (terraform/terraform.tfvars; "
                               "2 <= 2 <= 5 for this app)")
        if warnings:
            return self.warned(warnings[0], "\n".join(warnings + notes))
        return self.passed("; ".join(notes))

    @staticmethod
    def _source(tf, raw) -> str:
        named = re.fullmatch(r"\$\{\s*var\.(\w+)\s*\}", str(raw or ""))
        return f" (var.{named.group(1)} from {tf.value_source(named.group(1))})" if named else ""
