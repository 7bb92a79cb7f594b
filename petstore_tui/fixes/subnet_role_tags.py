"""Fix: tag the VPC's public subnets kubernetes.io/role/elb=1 (EC2 CreateTags) so the pinned controller release discovers subnets for the ALB, by its rules in checks/alb_subnets.py (docs/knowledge/alb-subnet-discovery.md): only subnets it would keep (not tagged for another cluster, 8 free addresses), the value "1", and only if the result gives it two zones."""

from __future__ import annotations

import re
from typing import Any

from checks import alb_subnets
from checks.preflight.config._sources import terraform
from checks.probes.subnets import cluster_vpc_id
from checks.project.network import public_subnet_names, subnet_facts
from petstore_core import aws
from petstore_core.words import counted
from petstore_tui.fixes import files, hcl_blocks
from petstore_tui.fixes.base import Fix, FixContext
from petstore_tui.fixes.model import Change, FixRefused, NothingToFix, Plan, command_for

SCHEME = "internet-facing"  # kubernetes/base/ingress.yaml
VALUE = "1"  # the controller's filter takes "1" or "" (alb_subnets.ROLE_VALUES)
NETWORK_TF = "terraform/network.tf"


class SubnetRoleTagsFix(Fix):
    id = "subnet-role-tags"
    title = "Tag the public subnets for the ALB (kubernetes.io/role/elb=1)"
    kind = "aws"
    catalog_ids = ("alb-controller-subnet-discovery-failed",)
    check_ids = ("cluster.subnets",)
    check = "cluster.subnets"
    needs = ("eks:DescribeCluster", "ec2:DescribeSubnets", "ec2:DescribeRouteTables", "ec2:CreateTags",
             "ec2:DeleteTags")

    def _vpc_state(self, ctx: FixContext) -> tuple[Any, str, list[dict], list[dict]]:
        cluster = ctx.checks.cluster()
        if cluster is None:
            raise FixRefused(f"cluster {ctx.target.cluster_name} does not exist in {ctx.target.region_name}")
        ec2 = ctx.aws("ec2")
        vpc = cluster_vpc_id(ec2, cluster)
        if not vpc:
            raise FixRefused(f"cluster {ctx.target.cluster_name} names no VPC")
        in_vpc = [{"Name": "vpc-id", "Values": [vpc]}]
        subnets = [s for page in ec2.get_paginator("describe_subnets").paginate(Filters=in_vpc) for s in page["Subnets"]]
        tables = [t for page in ec2.get_paginator("describe_route_tables").paginate(Filters=in_vpc)
                  for t in page["RouteTables"]]
        return ec2, vpc, subnets, tables

    def plan(self, ctx: FixContext, failure_id: str, resource: str | None) -> Plan:
        _ec2, vpc, subnets, tables = self._vpc_state(ctx)
        cluster = ctx.target.cluster_name
        release = alb_subnets.INSTALLED_RELEASE
        key = alb_subnets.ROLE_TAG[SCHEME]
        facts = alb_subnets.facts_from_aws(subnets, tables)
        now = alb_subnets.discover(facts, cluster, SCHEME)
        if now.status == "ok":
            raise NothingToFix(f"controller {release} already finds subnets in {len(now.zones)} zones "
                               f"(by {now.basis})")
        public, how = self._public(ctx, subnets, facts, resource)
        by_id = {f.id: f for f in facts}
        chosen, skipped = [], []
        for subnet_id in public:
            fact = by_id[subnet_id]
            ok, why = alb_subnets.cluster_tag_state(fact.tags, cluster, release)
            if ok is False:
                skipped.append(f"{fact.label}: not tagged, {why} (the controller drops it)")
            elif fact.free_addresses is not None and fact.free_addresses < alb_subnets.MIN_FREE_ADDRESSES:
                skipped.append(f"{fact.label}: not tagged, {fact.free_addresses} free addresses (< 8)")
            else:
                chosen.append(fact)
        to_tag = [f for f in chosen if alb_subnets.role_tag_state(f.tags, key) is not True]
        after = [alb_subnets.SubnetFacts(f.id, f.label, f.zone, {**(f.tags or {}), key: VALUE}, f.free_addresses,
                                         f.reaches_igw) if f in to_tag else f for f in facts]
        then = alb_subnets.discover(after, cluster, SCHEME)
        if not to_tag or then.status != "ok":
            raise FixRefused(f"tagging {how} would not be enough: controller {release} would still find "
                             f"subnets in {counted(len(then.zones), 'zone')}, needs {alb_subnets.MIN_ALB_ZONES}"
                             + ("; " + "; ".join(skipped) if skipped else "")
                             + ". Name the subnets to tag: " + command_for(ctx.target, "fix", f"{failure_id}:subnet-a,subnet-b"))
        ids = [f.id for f in to_tag]
        params = {"Resources": ids, "Tags": [{"Key": key, "Value": VALUE}]}
        plan = self.new_plan(ctx, failure_id, ",".join(ids))
        plan.changes.append(Change(
            "aws-call", f"ec2 CreateTags {key}={VALUE} on {counted(len(ids), 'subnet')} of {vpc}",
            # the same call as a line to paste (aimed where this tool acts: region, profile, or
            # the sandbox's endpoint); the parameters stay in `data` for --json
            aws.cli_command(ctx.target, "ec2", "create-tags", "--resources", *ids,
                            "--tags", f"Key={key},Value={VALUE}"),
            {"service": "ec2", "operation": "CreateTags", "parameters": params}))
        plan.notes.append(f"public subnets from {how}: "
                          + ", ".join(f.label for f in to_tag))
        plan.notes.append(f"after the change controller {release} finds subnets in zones "
                          f"{', '.join(then.zones)} (by role tags)")
        plan.notes += skipped
        no_route = [f.label for f in to_tag if f.reaches_igw is False]
        if no_route:
            plan.notes.append("no route to an internet gateway from " + ", ".join(no_route) + ": discovery "
                              "passes, but an internet-facing ALB there gets no traffic until the route is back "
                              "(aws_route_table.public in terraform/network.tf: terraform apply)")
        plan.notes += self._drift(ctx, key)
        plan.state = {"vpc": vpc, "key": key,
                      "previous": {f.id: (f.tags or {}).get(key) for f in to_tag}}
        return plan

    def _public(self, ctx: FixContext, subnets: list[dict], facts, resource: str | None) -> tuple[list[str], str]:
        """The subnets meant to be public: named by the operator, else Terraform's
        public_subnet_ids, else those routing to an internet gateway, else those whose
        Name says public (terraform/network.tf names them <cluster>-public-<zone>)."""
        ids = [s["SubnetId"] for s in subnets]
        if resource:
            named = [s for s in re.split(r"[,\s]+", resource) if s]
            strangers = [s for s in named if s not in ids]
            if strangers:
                raise FixRefused(f"not subnets of the cluster's VPC: {', '.join(strangers)}")
            return named, "the subnets you named"
        output = ctx.terraform_output("public_subnet_ids")
        if isinstance(output, list) and output:
            inside = [s for s in output if s in ids]
            if inside:
                return inside, "Terraform output public_subnet_ids"
        reaching = [f.id for f in facts if f.reaches_igw]
        if reaching:
            return reaching, "their route to an internet gateway"
        named = [s["SubnetId"] for s in subnets
                 if re.search(r"(^|[-_ ])public([-_ ]|$)",
                              next((t["Value"] for t in s.get("Tags") or [] if t["Key"] == "Name"), ""), re.I)]
        if named:
            return named, "their Name tag (…-public-…)"
        raise FixRefused("cannot tell which subnets are public (no Terraform output public_subnet_ids, no "
                         "internet gateway route, no Name with 'public'): name them, "
                         + command_for(ctx.target, "fix", "alb-controller-subnet-discovery-failed:subnet-a,subnet-b"))

    def _drift(self, ctx: FixContext, key: str) -> list[str]:
        """Whether terraform/network.tf declares the tag (then this puts back what Terraform
        declares), and the change to make there when it does not (advice: not applied)."""
        try:
            tf = terraform(ctx.checks)
            facts, _ = subnet_facts(tf)
            names = public_subnet_names(tf)
        except Exception:  # no readable terraform/: say what to do in words
            facts, names = [], set()
        public = [f for f in facts if f.id.removeprefix("aws_subnet.").split("[")[0] in names]
        if public and all(alb_subnets.role_tag_state(f.tags, key) is True for f in public):
            return [f"{NETWORK_TF} declares {key}=\"1\" on the public subnets: this puts back what Terraform "
                    "declares (no drift)"]
        advice = (f"Terraform drift: {NETWORK_TF} does not declare {key} on the public subnets, so the next "
                  f"terraform apply removes these tags; add it there")
        diff = self._network_tf_diff(ctx, key, sorted(names) or ["public"])
        return [advice + (":\n" + diff if diff else ' ("' + key + '" = "1" in the public aws_subnet\'s tags)')]

    @staticmethod
    def _network_tf_diff(ctx: FixContext, key: str, names: list[str]) -> str:
        path = ctx.project / NETWORK_TF
        try:
            text = path.read_text()
        except OSError:
            return ""
        block = next((b for b in hcl_blocks.top_level_blocks(text)
                      if b.kind == "resource" and b.labels[:1] == ("aws_subnet",) and b.labels[1:] == (names[0],)), None)
        if block is None:
            return ""
        body = text[block.start:block.end]
        name_line = re.search(r"^([ \t]+)Name\s*=.*\n", body, re.M)
        if name_line is None:
            return ""
        insert = block.start + name_line.end()
        after = text[:insert] + f'{name_line.group(1)}"{key}" = "{VALUE}"\n' + text[insert:]
        return files.unified(NETWORK_TF, text, after)

    def apply(self, ctx: FixContext, plan: Plan) -> dict[str, Any]:
        undo = {"key": plan.state["key"], "previous": plan.state["previous"]}
        ctx.record(undo)  # before the call: an interrupted fix is still undoable
        params = plan.changes[0].data["parameters"]
        ctx.aws("ec2").create_tags(**params)
        return undo

    def undo(self, ctx: FixContext, undo: dict[str, Any]) -> list[str]:
        ec2 = ctx.aws("ec2")
        key, previous = undo["key"], undo["previous"]
        current = {s["SubnetId"]: {t["Key"]: t.get("Value", "") for t in s.get("Tags") or []}
                   for s in ec2.describe_subnets(SubnetIds=list(previous))["Subnets"]}
        now = {s: current.get(s, {}).get(key) for s in previous}
        same = [s for s in previous if now[s] == previous[s]]  # never changed (a refused call) or put back
        ours = [s for s in previous if now[s] == VALUE and s not in same]  # another value since: left alone
        removed = [s for s in ours if previous[s] is None]
        if removed:
            ec2.delete_tags(Resources=removed, Tags=[{"Key": key}])
        for subnet in (s for s in ours if previous[s] is not None):
            ec2.create_tags(Resources=[subnet], Tags=[{"Key": key, "Value": previous[subnet]}])
        lines = [f"{key} removed from {', '.join(removed)}"] if removed else []
        lines += [f"{key}={previous[s]!r} back on {s}" for s in ours if previous[s] is not None]
        if same:
            lines.append(f"{key} already as before on {', '.join(same)}")
        left = [s for s in previous if s not in ours and s not in same]
        if left:
            lines.append(f"left alone (changed since the fix): {', '.join(left)}")
        return lines
