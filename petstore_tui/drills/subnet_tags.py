"""Drill: remove the ALB discovery tags from the sandbox's subnets (boto3 delete_tags)."""

from __future__ import annotations

import json
import time

from petstore_tui.drills import Drill, DrillError, DrillOutcome

DISCOVERY_KEYS = ("kubernetes.io/role/elb", "kubernetes.io/role/internal-elb")


class SubnetTagsDrill(Drill):
    id = "subnet-tags"
    title = "Subnet discovery tags removed"
    description = "delete kubernetes.io/role/elb tags from the sandbox subnets (boto3)"
    failure_id = "alb-controller-subnet-discovery-failed"

    def _ec2(self):
        from petstore_tui.services import aws

        return aws.client(self.target, "ec2")

    def plant(self) -> DrillOutcome:
        if self.planted:
            raise DrillError("already planted: undo it first")
        ec2 = self._ec2()
        cluster_key = f"kubernetes.io/cluster/{self.target.cluster_name}"
        removed: dict[str, list[dict]] = {}
        for subnet in ec2.describe_subnets()["Subnets"]:
            tags = [t for t in subnet.get("Tags", []) if t["Key"] in (*DISCOVERY_KEYS, cluster_key)]
            if tags:
                removed[subnet["SubnetId"]] = tags
        if not removed:
            raise DrillError("no subnet carries discovery tags: run the sandbox deploy first")
        self.save({"removed": removed})  # before deleting: an interrupted drill can be undone
        for subnet_id, tags in removed.items():
            ec2.delete_tags(Resources=[subnet_id], Tags=[{"Key": t["Key"]} for t in tags])
        keys = sorted({t["Key"] for tags in removed.values() for t in tags if t["Key"] in DISCOVERY_KEYS})
        return DrillOutcome(
            f"removed discovery tags from {len(removed)} subnet(s)",
            replay=[("alb-controller", controller_line(keys or ["kubernetes.io/role/elb"]))],
            probe=True, resource="ingress/petstore")

    def undo(self) -> DrillOutcome:
        memo = self.load()
        if memo is None:
            raise DrillError("not planted")
        ec2 = self._ec2()
        for subnet_id, tags in memo["removed"].items():
            ec2.create_tags(Resources=[subnet_id], Tags=[{"Key": t["Key"], "Value": t.get("Value", "")}
                                                         for t in tags])
        self.forget()
        return DrillOutcome(f"restored the tags of {len(memo['removed'])} subnet(s)", probe=True)


def controller_line(keys: list[str]) -> str:
    """The line the controller (v2.12+) logs when no subnet matches, in its JSON shape."""
    return json.dumps({
        "level": "error", "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "msg": "Reconciler error", "controller": "ingress",
        "object": {"name": "petstore", "namespace": "petstore"},
        "error": f"couldn't auto-discover subnets: unable to resolve at least one subnet "
                 f"(0 match VPC and tags: [{' '.join(keys)}])",
    })
