"""End to end with real Terraform: a petstore-tui SIGKILLed during `terraform apply` leaves
Terraform's process tree running; the next start stops exactly that tree and the state lock
goes with it (a plan with -lock-timeout=0s runs at once)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from petstore_core import sandbox_state, settings, tool_records
from petstore_tui.services import terraform as tf

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="Linux /proc needed")]
TARGET = settings.Target(sandbox=True)

# Stand-in for petstore-tui's deploy: the real runbook (terraform-init, plan, apply) in a
# process of its own, which prints "applying" at the first resource Terraform creates.
OWNER = textwrap.dedent("""\
    import asyncio
    from petstore_core import settings
    from petstore_tui.events import StepOutput
    from petstore_tui.runbook.deploy import deploy_runbook
    from petstore_tui.runbook.runner import Runner

    target = settings.Target(sandbox=True)

    async def yes(request):
        return True

    async def main():
        runner = Runner(target, deploy_runbook(target), yes, engine_factory=None)
        async for event in runner.run(from_step="terraform-init"):
            if isinstance(event, StepOutput) and event.step == "terraform-apply" and "create started" in event.line:
                print("applying", flush=True)

    asyncio.run(main())
""")


def _marked(marker: str) -> list[int]:
    """The live processes whose environment carries this tool call's marker."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        info = tool_records.proc_info(int(name))
        if info is None or info.state in ("Z", "X"):
            continue
        try:
            environ = open(f"/proc/{name}/environ", "rb").read()
        except OSError:
            continue
        if f"{tool_records.MARKER}={marker}".encode() in environ.split(b"\0"):
            found.append(int(name))
    return found


# Stand-in for a Terraform step that keeps quiet for a while (a long create, between its
# "still creating" lines): a terraform_data resource whose local-exec provisioner sleeps;
# Terraform runs it as `sh -c "sleep 120"`, a grandchild, as it runs a provider plugin.
QUIET_CONFIG = """
resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep 120"
  }
}
"""

APPLY_OWNER = textwrap.dedent("""\
    import asyncio, sys
    from petstore_core import process
    asyncio.run(process.stream(["terraform", f"-chdir={sys.argv[1]}", "apply", "-input=false",
                                "-json", "-auto-approve"], timeout=600, on_line=lambda line: print(line.text, flush=True)))
""")


def test_real_terraform_and_its_grandchild_left_by_a_killed_run_are_stopped(terraform_bin, tmp_path):
    """Real terraform (no provider to download: terraform_data is built in) applying a
    resource whose provisioner sleeps, under process.stream in a subprocess that is
    SIGKILLed. Terraform and its `sh`/`sleep` grandchild are still running a second later;
    reap() stops exactly them, and the next plan with -lock-timeout=0s is not blocked."""
    work = tmp_path / "tf"
    work.mkdir()
    (work / "main.tf").write_text(QUIET_CONFIG)
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_CLI_CONFIG_FILE": str(tmp_path / "none.tfrc")}
    (tmp_path / "none.tfrc").write_text("")
    init = subprocess.run([terraform_bin, f"-chdir={work}", "init", "-input=false"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert init.returncode == 0, init.stderr
    owner = subprocess.Popen([sys.executable, "-c", APPLY_OWNER, str(work)], stdout=subprocess.PIPE,
                             text=True, env=env)
    marker = ""
    try:
        deadline = time.monotonic() + 120
        for line in owner.stdout:  # type: ignore[union-attr]
            if '"provision_start"' in line:
                break
            assert time.monotonic() < deadline, "the provisioner never started"
        time.sleep(0.5)  # the sleep is running
        (record,) = tool_records.records()
        marker = record.marker
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=30)
    try:
        time.sleep(1.0)
        left = {pid: tool_records.proc_info(pid).name for pid in _marked(marker)}  # type: ignore[union-attr]
        assert "terraform" in left.values() and "sleep" in left.values(), left

        done = tool_records.reap(grace=30)
        assert {item.pid for item in done.stopped} == set(left), (done.stopped, left)
        assert _marked(marker) == []
        assert not list(tool_records.folder().glob("*.json"))
        plan = subprocess.run([terraform_bin, f"-chdir={work}", "plan", "-input=false", "-lock-timeout=0s"],
                              env=env, capture_output=True, text=True, timeout=300)
        assert plan.returncode == 0, plan.stderr
    finally:
        for pid in _marked(marker) if marker else []:
            os.kill(pid, signal.SIGKILL)


# What the emulator holds of what terraform/ makes, by resource type (the VPC, its subnets,
# the ECR repository, the IAM roles and the controller's policy: made in the first seconds
# of an apply), against what the state file says of the same types.
COUNTED = ("aws_vpc", "aws_subnet", "aws_ecr_repository", "aws_iam_role", "aws_iam_policy")


def _state_counts(path) -> dict[str, int]:
    import json

    text = path.read_text() if path.exists() else ""
    resources = json.loads(text)["resources"] if text.strip() else []
    return {kind: sum(len(r["instances"]) for r in resources if r["type"] == kind and r["mode"] == "managed")
            for kind in COUNTED}


def _moto_counts(endpoint: str) -> dict[str, int]:
    import boto3

    def client(name):
        return boto3.client(name, endpoint_url=endpoint, region_name=TARGET.region_name)

    ec2 = client("ec2")
    return {
        "aws_vpc": len([v for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]),
        "aws_subnet": len([s for s in ec2.describe_subnets()["Subnets"] if not s.get("DefaultForAz")]),
        "aws_ecr_repository": len(client("ecr").describe_repositories()["repositories"]),
        "aws_iam_role": len(client("iam").list_roles()["Roles"]),
        "aws_iam_policy": len(client("iam").list_policies(Scope="Local")["Policies"]),
    }


def _state_addresses(path) -> set[str]:
    import json

    text = path.read_text() if path.exists() else ""
    found = set()
    for res in json.loads(text)["resources"] if text.strip() else []:
        if res["mode"] != "managed":
            continue
        for inst in res["instances"]:
            key = f"[{json.dumps(inst['index_key'])}]" if "index_key" in inst else ""
            found.add(f"{res['type']}.{res['name']}{key}")
    return found


def _completed(path) -> set[str]:
    """The resources Terraform said it created, from its -json lines in `path`."""
    import json

    done = set()
    for line in path.read_text().splitlines() if path.exists() else []:
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("type") == "apply_complete" and msg["hook"].get("action") == "create":
            done.add(msg["hook"]["resource"]["addr"])
    return done


async def test_real_terraform_against_moto_killed_deploy_leaves_nothing_after_the_next_start(aws, terraform_cli_config):
    """Stand-ins: moto_server (the `aws` fixture, recorded as the sandbox) and the runbook in a
    subprocess; real terraform and its real AWS provider from the local mirror. The
    subprocess is SIGKILLed at Terraform's first create. Terraform writes to files, not to
    pipes (process.stream's `outlive_us`): it runs on and creates more after the kill;
    reap() stops it with one SIGINT and it writes its state, which holds every resource it
    said it created (round 17 measured a 0-byte state here, with pipes). After reap()
    nothing carrying the call's marker runs, no record is left, and a plan with
    -lock-timeout=0s runs at once."""
    sandbox_state.write(sandbox_state.SandboxState(endpoint=aws, pid=os.getpid(), started_at=time.time()))
    owner = subprocess.Popen([sys.executable, "-c", OWNER], stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    marker = ""
    try:
        deadline = time.monotonic() + 600
        for line in owner.stdout:  # type: ignore[union-attr]
            if line.strip() == "applying":
                break
            assert time.monotonic() < deadline, "terraform apply never started"
        else:
            pytest.fail("the runbook ended before terraform apply created anything")
        records = [r for r in tool_records.records() if r.program == "terraform"]
        assert len(records) == 1, records
        marker = records[0].marker
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=30)
    try:
        output = Path(records[0].outputs[0])
        deadline = time.monotonic() + 120
        while not _completed(output):  # Terraform lives on after its run: it finishes a create
            assert time.monotonic() < deadline, "terraform created nothing after its run was killed"
            time.sleep(0.2)
        left = set(_marked(marker))
        done = tool_records.reap(grace=120)
        assert not done.not_stopped
        assert {item.pid for item in done.stopped} >= left
        assert any(item.name == "terraform" and item.signal == "SIGINT" for item in done.stopped), done.stopped
        assert _marked(marker) == []
        assert not list(tool_records.folder().glob("*.json"))

        workdir = settings.state_dir() / "work" / TARGET.key / "terraform"
        said = _completed(tool_records.folder() / tool_records.ENDED / "terraform.stdout")
        in_state = _state_addresses(workdir / "terraform.tfstate")
        size = (workdir / "terraform.tfstate").stat().st_size if (workdir / "terraform.tfstate").exists() else None
        print(f"after the kill and reap: {done.lines()}; created by its own account {len(said)}; "
              f"state ({size} bytes) {_state_counts(workdir / 'terraform.tfstate')}; emulator {_moto_counts(aws)}")
        assert said and said <= in_state, f"created but not in the state: {sorted(said - in_state)}"
        from petstore_core.terraform_vars import sandbox_var_args

        plan = await tf.Terraform(workdir).plan(
            workdir / "after.tfplan",
            sandbox_var_args({"cluster_name": TARGET.cluster_name, "region": TARGET.region_name}),
            lock_timeout="0s")
        assert plan.ok, plan.error_text()
    finally:
        for pid in _marked(marker) if marker else []:
            os.kill(pid, signal.SIGKILL)


# Stand-in for an AWS API that is slow to answer a create (an EKS CreateCluster, or any call
# in flight when the reaper's SIGINT comes): an HTTP endpoint that accepts the request and
# never answers. It notes each request in `requests`.
SILENT_EC2 = textwrap.dedent("""\
    import os, socket, sys, threading, time
    here = sys.argv[1]
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.5)
    print(server.getsockname()[1], flush=True)
    held = []
    def hold(conn):
        conn.recv(65536)
        with open(os.path.join(here, "requests"), "a") as out:
            out.write("request\\n")
        held.append(conn)
    deadline = time.time() + 300
    while time.time() < deadline and not os.path.exists(os.path.join(here, "stop")):
        try:
            conn, _ = server.accept()
        except socket.timeout:
            continue
        threading.Thread(target=hold, args=(conn,), daemon=True).start()
""")

VPC_ONLY = textwrap.dedent("""\
    terraform {{
      required_providers {{
        aws = {{ source = "hashicorp/aws" }}
      }}
    }}
    provider "aws" {{
      region                      = "us-east-1"
      access_key                  = "testing"
      secret_key                  = "testing"
      skip_credentials_validation = true
      skip_requesting_account_id  = true
      skip_metadata_api_check     = true
      skip_region_validation      = true
      endpoints {{
        ec2 = "http://127.0.0.1:{port}"
      }}
    }}
    resource "aws_vpc" "x" {{
      cidr_block = "10.0.0.0/16"
    }}
""")


def test_one_sigint_stops_real_terraform_with_a_create_in_flight_well_within_the_default_grace(
        terraform_cli_config, tmp_path):
    """Stand-ins: real Terraform and its AWS provider (the local mirror) creating a VPC
    against an EC2 endpoint that never answers (SILENT_EC2: a create in flight, as an EKS
    cluster's is for minutes), recorded as the call of a killed run. The reap's one SIGINT
    ends it (Terraform asks the provider to stop, and the provider's gRPC layer cancels the
    call in flight: docs/knowledge/orphaned-tool-processes.md, round 19) long before the
    default grace (tool_records.SIGINT_GRACE) would send SIGTERM, which Terraform would take
    as a second interrupt; the state it writes on the way out is whole JSON."""
    import json as _json

    silent = subprocess.Popen([sys.executable, "-c", SILENT_EC2, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    tf_proc = None
    try:
        port = int(silent.stdout.readline())  # type: ignore[union-attr]
        work = tmp_path / "tf"
        work.mkdir()
        (work / "main.tf").write_text(VPC_ONLY.format(port=port))
        env = {**os.environ, "TF_CLI_CONFIG_FILE": str(terraform_cli_config), "TF_IN_AUTOMATION": "1"}
        init = subprocess.run(["terraform", f"-chdir={work}", "init", "-input=false", "-no-color"],
                              env=env, capture_output=True, text=True, timeout=300)
        assert init.returncode == 0, init.stdout + init.stderr
        tf_proc = subprocess.Popen(["terraform", f"-chdir={work}", "apply", "-auto-approve", "-input=false",
                                    "-no-color"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, start_new_session=True)
        deadline = time.monotonic() + 180
        while not (tmp_path / "requests").exists():
            assert time.monotonic() < deadline and tf_proc.poll() is None, "the create never reached the endpoint"
            time.sleep(0.1)
        time.sleep(1.0)  # the call is in flight, unanswered
        info = tool_records.proc_info(tf_proc.pid)
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, timeout=30)
        folder = tool_records.folder()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{dead.stdout.strip()}-1-{tf_proc.pid}.json").write_text(_json.dumps({
            "pid": tf_proc.pid, "start": info.start, "boot": tool_records.boot_id(),  # type: ignore[union-attr]
            "program": "terraform", "uid": os.getuid(), "owner_pid": int(dead.stdout), "owner_start": 1,
            "marker": "1.1.none", "own_group": True, "started_at": time.time()}))
        started = time.monotonic()
        done = tool_records.reap()
        took = time.monotonic() - started
        out, _ = tf_proc.communicate(timeout=30)
        assert [item.signal for item in done.stopped if item.pid == tf_proc.pid] == ["SIGINT"], (done, out)
        assert took < tool_records.SIGINT_GRACE / 3, f"{took:.1f} s after one SIGINT (load {os.getloadavg()[0]:.1f})"
        assert "context canceled" in out and "Two interrupts" not in out, out[-1500:]
        _json.loads((work / "terraform.tfstate").read_text())
    finally:
        (tmp_path / "stop").write_text("")
        if tf_proc is not None and tf_proc.poll() is None:
            os.killpg(tf_proc.pid, signal.SIGKILL)
            tf_proc.wait()
        silent.wait(timeout=30)
