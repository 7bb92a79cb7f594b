"""The Terraform adapter: -json lines parsed into typed events, and the real CLI on a provider-free config."""

from __future__ import annotations

import json

from petstore_tui.services import terraform as tf

# Lines as Terraform 1.11 prints them with -json (trimmed of timestamps).
LINES = {
    "planned": '{"@level":"info","@message":"aws_vpc.this: Plan to create","type":"planned_change",'
               '"change":{"resource":{"addr":"aws_vpc.this","resource_type":"aws_vpc"},"action":"create"}}',
    "drift": '{"@level":"info","@message":"aws_iam_role.node: Drift detected (update)","type":"resource_drift",'
             '"change":{"resource":{"addr":"aws_iam_role.node","resource_type":"aws_iam_role"},"action":"update"}}',
    "summary": '{"@level":"info","@message":"Plan: 43 to add, 0 to change, 0 to destroy.","type":"change_summary",'
               '"changes":{"add":43,"change":0,"import":0,"remove":0,"operation":"plan"}}',
    "start": '{"@level":"info","@message":"aws_vpc.this: Creating...","type":"apply_start",'
             '"hook":{"resource":{"addr":"aws_vpc.this"},"action":"create"}}',
    "progress": '{"@level":"info","@message":"aws_eks_cluster.this: Still creating... [10s elapsed]",'
                '"type":"apply_progress","hook":{"resource":{"addr":"aws_eks_cluster.this"},"action":"create","elapsed_seconds":10}}',
    "complete": '{"@level":"info","@message":"aws_vpc.this: Creation complete after 1s","type":"apply_complete",'
                '"hook":{"resource":{"addr":"aws_vpc.this"},"action":"create","id_key":"id","id_value":"vpc-1","elapsed_seconds":1}}',
    "errored": '{"@level":"error","@message":"aws_eks_addon.x: Creation errored after 0s","type":"apply_errored",'
               '"hook":{"resource":{"addr":"aws_eks_addon.x"},"action":"create","elapsed_seconds":0}}',
    "diagnostic": '{"@level":"error","@message":"Error: creating EKS Add-On","type":"diagnostic","diagnostic":'
                  '{"severity":"error","summary":"creating EKS Add-On (petstore:coredns): 404","detail":"not implemented",'
                  '"address":"aws_eks_addon.x"}}',
    "outputs": '{"@level":"info","@message":"Outputs: 1","type":"outputs","outputs":{"vpc_id":{"sensitive":false,'
               '"type":"string","value":"vpc-1"}}}',
}


def test_every_event_kind_is_typed():
    """Stand-in: none (recorded -json lines of Terraform 1.11)."""
    assert tf.parse_line(LINES["planned"]) == tf.PlannedChange("aws_vpc.this", "create")
    drift = tf.parse_line(LINES["drift"])
    assert drift == tf.Drift("aws_iam_role.node", "update")
    assert tf.event_text(drift) == "aws_iam_role.node: Drift detected (update)"
    summary = tf.parse_line(LINES["summary"])
    assert summary == tf.ChangeSummary(43, 0, 0, 0, "plan") and summary.total == 43
    assert summary.describe() == "43 to add, 0 to change, 0 to destroy"
    assert tf.parse_line(LINES["start"]) == tf.ApplyStart("aws_vpc.this", "create")
    assert tf.parse_line(LINES["progress"]) == tf.ApplyProgress("aws_eks_cluster.this", "create", 10.0)
    assert tf.parse_line(LINES["complete"]) == tf.ApplyComplete("aws_vpc.this", "create", 1.0)
    assert tf.parse_line(LINES["errored"]) == tf.ApplyErrored("aws_eks_addon.x", "create", 0.0)
    diag = tf.parse_line(LINES["diagnostic"])
    assert diag == tf.Diagnostic("error", "creating EKS Add-On (petstore:coredns): 404", "not implemented",
                                 "aws_eks_addon.x")
    assert tf.event_text(diag) == ("error: creating EKS Add-On (petstore:coredns): 404 (aws_eks_addon.x): "
                                   "not implemented")
    assert tf.parse_line(LINES["outputs"]) == tf.Outputs({"vpc_id": "vpc-1"})
    assert tf.parse_line("panic: runtime error") == tf.Message("info", "panic: runtime error")
    assert tf.parse_line('{"@level":"warn","@message":"Warning: x","type":"log"}') == tf.Message("warn", "Warning: x")


CONFIG = '''
resource "terraform_data" "a" { input = var.name }
resource "terraform_data" "b" { input = "${terraform_data.a.output}-b" }
variable "name" { type = string }
output "name" { value = terraform_data.b.output }
output "secret" {
  value     = "hunter2"
  sensitive = true
}
'''


async def test_init_plan_apply_output_destroy(terraform_bin, tmp_path, monkeypatch):
    """Stand-in: the real terraform on a configuration using only the built-in
    terraform_data resource (no provider, no network). Plan summarises, apply reports each
    resource, output leaves sensitive values out, destroy removes both."""
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(tmp_path / "missing.tfrc"))  # ours replaces a broken preset
    (tmp_path / "main.tf").write_text(CONFIG)
    events: list = []
    adapter = tf.Terraform(tmp_path, on_event=events.append)
    assert (await adapter.init()).ok
    plan = await adapter.plan(tmp_path / "p.tfplan", ["-var", "name=pet"])
    assert plan.ok and plan.summary == tf.ChangeSummary(2, 0, 0, 0, "plan")
    assert [e.address for e in events if isinstance(e, tf.PlannedChange)] == ["terraform_data.a", "terraform_data.b"]
    applied = await adapter.apply(tmp_path / "p.tfplan")
    assert applied.ok and applied.completed == 2
    assert await adapter.output() == {"name": "pet-b"}
    assert adapter.env()["TF_IN_AUTOMATION"] == "1" and adapter.env()["TF_INPUT"] == "0"
    destroyed = await adapter.destroy(["-var", "name=pet"])
    assert destroyed.ok and destroyed.completed == 2
    state = json.loads((tmp_path / "terraform.tfstate").read_text())
    assert state["resources"] == []
    assert adapter.time_inside > 0 and not adapter.state_locked()


async def test_failure_carries_the_diagnostic(terraform_bin, tmp_path):
    """Stand-in: the real terraform on a configuration with a duplicate output."""
    (tmp_path / "main.tf").write_text('output "x" { value = 1 }\noutput "x" { value = 2 }\n')
    adapter = tf.Terraform(tmp_path)
    result = await adapter.init()
    assert not result.ok
    assert "Duplicate output definition" in result.error_text()


def test_working_copy_keeps_state_and_skips_overrides(tmp_path):
    """Stand-in: none (files). The copy refreshes .tf files, keeps its own state and
    .terraform, and never takes state, plans or overrides from the source."""
    src, dest = tmp_path / "src", tmp_path / "dest"
    (src / "policies").mkdir(parents=True)
    (src / "main.tf").write_text("# v2")
    (src / "policies" / "p.json").write_text("{}")
    (src / "terraform.tfstate").write_text("source state")
    (src / "local_override.tf").write_text("# override")
    (dest / ".terraform").mkdir(parents=True)
    (dest / "terraform.tfstate").write_text("our state")
    (dest / "old.tf").write_text("# removed upstream")
    tf.working_copy(src, dest)
    assert sorted(p.name for p in dest.iterdir()) == [".terraform", "main.tf", "policies", "terraform.tfstate"]
    assert (dest / "terraform.tfstate").read_text() == "our state"
