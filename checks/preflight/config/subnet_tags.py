"""config.subnet-tags: Terraform tags public subnets kubernetes.io/role/elb and private ones kubernetes.io/role/internal-elb."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.config._project import public_subnet_names, tag_value, terraform
from checks.preflight.context import CheckContext, in_thread


class SubnetTagsCheck(Check):
    id = "config.subnet-tags"
    group = "config"
    title = "Subnet discovery tags in Terraform"
    failure_id = "alb-controller-subnet-discovery-failed"

    async def run(self, ctx: CheckContext) -> CheckResult:
        return await in_thread(self._check, ctx)

    def _check(self, ctx: CheckContext) -> CheckResult:
        tf = terraform(ctx)
        subnets = tf.of_type("aws_subnet")
        if not subnets:
            return self.skipped("no aws_subnet in terraform/*.tf", "; ".join(tf.errors))
        public = public_subnet_names(tf)
        problems = []
        for subnet in subnets:
            wanted = "kubernetes.io/role/elb" if subnet.name in public else "kubernetes.io/role/internal-elb"
            value = tag_value(tf, subnet.body.get("tags"), wanted)
            kind = "public" if subnet.name in public else "private"
            if value is None:
                problems.append(f"aws_subnet.{subnet.name} ({kind}, {subnet.file}) has no {wanted} tag")
            elif value not in ("1", ""):
                problems.append(f"aws_subnet.{subnet.name} ({kind}) has {wanted}={value!r}; use 1")
        if problems:
            return self.failed(problems[0] + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""),
                               "\n".join(problems),
                               'add "kubernetes.io/role/elb" = "1" to public subnets and '
                               '"kubernetes.io/role/internal-elb" = "1" to private ones in terraform/network.tf')
        names = ", ".join(f"{s.name} ({'public' if s.name in public else 'private'})" for s in subnets)
        return self.passed(f"{len(subnets)} subnet resource(s) carry their role tags", names)
