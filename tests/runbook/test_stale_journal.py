"""A journal entry is a hint: before a resume skips a done step, what it made is checked, and what no longer stands runs again, saying why."""

from __future__ import annotations

import json
import shutil
import time

import pytest

from petstore_core import settings
from petstore_tui import cli
from petstore_tui.runbook.deploy import deploy_runbook
from petstore_tui.runbook.journal import Journal
from petstore_tui.runbook.runner import Runner
from petstore_tui.services import kubeconfig
from tests.support.fake_tools import FakeTools
from tests.support.kube_stub import kube_stub  # noqa: F401  (fixture)

REGION = "us-east-1"
IMAGE = f"123456789012.dkr.ecr.{REGION}.amazonaws.com/petstore"


def _world(aws_endpoint: str, stub, project) -> dict:
    """What a finished deploy made: an EKS cluster and an image in ECR (moto), the
    controller's objects and the app rolled out with an ALB address (the stub API)."""
    import boto3

    eks = boto3.client("eks", region_name=REGION)
    eks.create_cluster(name="petstore-eks", roleArn="arn:aws:iam::123456789012:role/eks",
                       resourcesVpcConfig={"subnetIds": ["subnet-1", "subnet-2"]})
    ecr = boto3.client("ecr", region_name=REGION)
    ecr.create_repository(repositoryName="petstore")
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1,
                           "digest": "sha256:" + "0" * 64}, "layers": []}
    ecr.put_image(repositoryName="petstore", imageManifest=json.dumps(manifest), imageTag="abc123")
    ready = {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2}
    stub.add({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "alb"}})
    stub.add({"apiVersion": "v1", "kind": "ServiceAccount",
              "metadata": {"name": "aws-load-balancer-controller", "namespace": "kube-system"}})
    for name, namespace in (("aws-load-balancer-controller", "kube-system"), ("petstore", "petstore")):
        stub.add({"apiVersion": "apps/v1", "kind": "Deployment",
                  "metadata": {"name": name, "namespace": namespace, "generation": 1},
                  "spec": {"replicas": 2}, "status": ready})
    host = "k8s-petstore-1234.us-east-1.elb.amazonaws.com"
    stub.add({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
              "metadata": {"name": "petstore", "namespace": "petstore"},
              "status": {"loadBalancer": {"ingress": [{"hostname": host}]}}})
    (project / "terraform" / ".terraform").mkdir(parents=True)
    rendered = project / "rendered"
    (rendered / "app").mkdir(parents=True)
    (rendered / "app" / "kustomization.yaml").write_text("resources: []\n")
    return {"terraform": {"cluster_name": "petstore-eks", "ecr_repository_url": IMAGE},
            "image": IMAGE, "image_tag": "abc123", "manifests": str(rendered), "app_namespace": "petstore",
            "ingress": {"name": "petstore", "namespace": "petstore"}, "deployments": ["petstore/petstore"],
            "url": f"http://{host}"}


def test_a_thing_deleted_by_hand_runs_again(aws, kube_stub, tmp_path, monkeypatch):  # noqa: F811
    """Stand-in: moto_server as the AWS account (EKS, ECR), the stub Kubernetes API server
    reached through --kubeconfig/--context, a fake `terraform` answering `output -json`.
    A journal of a finished deploy whose results all stand resumes nothing. Then one
    thing at a time is deleted by hand, and the resume starts at the step that made it
    (or its resume point), naming what is gone."""
    project = tmp_path / "project"
    (project / "kubernetes").mkdir(parents=True)
    made = _world(aws, kube_stub, project)
    tools = FakeTools(tmp_path / "bin", monkeypatch)
    tools.add("terraform", responses={f"-chdir={project / 'terraform'} output -json": (
        0, json.dumps({k: {"value": v} for k, v in made["terraform"].items()}), "")})
    tools.use(only=False)
    target = settings.Target(region=REGION, project_dir=project, kubeconfig=kube_stub.kubeconfig,
                             context="stub")
    written, context = kubeconfig.write_for_cluster(target.with_(context=None), tmp_path / "eks-kubeconfig")
    outputs = {**made, "kubeconfig": str(written), "kube_context": context}
    journal = Journal(target)
    steps = deploy_runbook(target)
    for step in steps:
        journal.record("deploy", step.id, "done", started=time.time(), elapsed=1.0, outputs=outputs)
    runner = Runner(target, steps, engine_factory=None)

    async def resume_point():
        stale = await runner.verify_journal(Journal.load(target), journal.outputs("deploy"), {})
        plan = runner.plan(Journal.load(target), None, None, stale[0] if stale else None)
        return stale, (plan[0].id if plan else None)

    import asyncio

    assert asyncio.run(resume_point()) == (None, None)

    kube_stub.remove("Deployment", "petstore", "petstore")
    assert asyncio.run(resume_point()) == (
        ("app-apply", "deployment petstore/petstore is not in the cluster"), "app-apply")

    kube_stub.remove("IngressClass", "alb")
    assert asyncio.run(resume_point())[1] == "controller-prereqs"

    import boto3

    boto3.client("ecr", region_name=REGION).batch_delete_image(repositoryName="petstore",
                                                               imageIds=[{"imageTag": "abc123"}])
    assert asyncio.run(resume_point()) == (("image-push", "image petstore:abc123 is not in ECR"), "image-build")

    boto3.client("eks", region_name=REGION).delete_cluster(name="petstore-eks")
    assert asyncio.run(resume_point()) == (
        ("terraform-apply", f"EKS cluster petstore-eks does not exist in {REGION}"), "terraform-plan")


@pytest.mark.slow
def test_sandbox_restarted_empty_deploys_again(terraform_cli_config, monkeypatch, capsys, tmp_path):
    """Stand-in: moto_server started by `sandbox start`, the real terraform with the
    provider mirror (no container engine, helm or Kubernetes API: those steps skip). A
    finished sandbox deploy, then `sandbox stop` and `sandbox start` (an empty emulator):
    the next deploy must not say "every deploy step is already done"; it says the cluster
    is gone and applies again from the plan. Then only the local app is stopped: the next
    deploy starts it alone. Then nothing is left to do."""
    only = tmp_path / "bin"  # these tools and no container engine, helm or aws
    only.mkdir()
    for tool in ("terraform", "kubectl", "git"):
        if shutil.which(tool):
            (only / tool).symlink_to(shutil.which(tool))
    monkeypatch.setenv("PATH", str(only))
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert cli.main(["sandbox", "start"]) == 0
    try:
        assert cli.main(["--sandbox", "deploy", "--yes"]) == 0
        capsys.readouterr()
        assert cli.main(["sandbox", "stop"]) == 0
        assert cli.main(["sandbox", "start"]) == 0
        capsys.readouterr()

        assert cli.main(["--sandbox", "deploy", "--yes"]) == 0
        out = capsys.readouterr().out
        assert "every deploy step is already done" not in out
        assert ("the journal says terraform-apply is done, but EKS cluster petstore-sandbox does not exist "
                "in the sandbox's emulator: running again from terraform-plan") in " ".join(out.split())  # a wrapped note
        assert "<== terraform-apply done" in out and "<== local-app done" in out
        from petstore_core import aws

        assert aws.client(settings.Target(sandbox=True), "eks").list_clusters()["clusters"] == ["petstore-sandbox"]

        from petstore_tui.services import local_app

        local_app.stop()
        assert cli.main(["--sandbox", "deploy", "--yes"]) == 0
        out = capsys.readouterr().out
        assert [line.split()[2] for line in out.splitlines() if line.startswith("==> [")] == ["local-app:"]
        assert "the local app is not running" in out

        assert cli.main(["--sandbox", "deploy", "--yes"]) == 0
        assert "every deploy step is already done" in capsys.readouterr().out
    finally:
        cli.main(["sandbox", "stop"])


def test_an_apply_without_its_saved_plan_names_the_command_that_plans_again(tmp_path):
    """Stand-in: none; Terraform is never run (the saved plan is gone, as after a done apply
    run again with `o` or `deploy --only terraform-apply`). The failure prints the command
    that works, with the target's options, not only the step's name."""
    import asyncio

    from petstore_tui.runbook.deploy_aws_steps import terraform_apply
    from petstore_tui.runbook.model import StepContext, StepFailed

    target = settings.Target(region="eu-west-1", profile="prod")
    with pytest.raises(StepFailed) as failed:
        asyncio.run(terraform_apply(StepContext(target, {"planned": 3}, tmp_path, {})))
    assert "petstore-tui --profile prod --region eu-west-1 deploy --from terraform-plan" in str(failed.value)
