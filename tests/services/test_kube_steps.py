"""The Kubernetes steps against the stub API server: IngressClass before ServiceAccount, the app applied, cleanup deletes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from petstore_core import settings
from petstore_tui.runbook.deploy_cluster_steps import app_apply, controller_prereqs, fill_manifests
from petstore_tui.runbook.destroy import ingress_delete, namespace_delete
from petstore_tui.runbook.model import StepFailed
from petstore_tui.services import manifests
from petstore_tui.services.manifests import MANAGED_BY
from tests.support.project_copy import copy_project

REPO = Path(__file__).resolve().parents[2]
TF_OUT = {"cluster_name": "petstore-eks", "region": "eu-west-1", "vpc_id": "vpc-0abc",
          "lb_controller_role_arn": "arn:aws:iam::123456789012:role/petstore-eks-lb-controller",
          "ecr_repository_url": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/petstore"}

needs_kubectl = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (with kustomize) not on PATH")


async def _filled(step_ctx, kube_stub, namespace: str = "petstore", project: Path = REPO):
    ctx, rec = step_ctx(settings.Target(region="eu-west-1", project_dir=project, namespace=namespace),
                        {"terraform": TF_OUT, "image": TF_OUT["ecr_repository_url"], "image_tag": "abc123",
                         "kubeconfig": str(kube_stub.kubeconfig), "kube_context": "stub"})
    result = await fill_manifests(ctx)
    assert result.status.value == "done", result.summary
    ctx.outputs.update(result.outputs)
    return ctx, rec


@needs_kubectl
async def test_a_missing_controller_file_is_named_as_the_checkout_has_it(step_ctx, kube_stub, tmp_path):
    """Stand-ins: stub Kubernetes API server, a copy of this repository without the
    IngressClass file. The step names the file to restore, not the state folder's copy."""
    project = copy_project(tmp_path / "checkout")
    (project / "kubernetes/controller/ingressclass.yaml").unlink()
    ctx, _ = await _filled(step_ctx, kube_stub, project=project)
    with pytest.raises(StepFailed, match=r"^kubernetes/controller/ingressclass.yaml is missing: this step applies it") as failed:
        await controller_prereqs(ctx)
    # the checkout is not the current folder: the git command names it (-C), pasteable here
    assert f"git -C {project} checkout -- kubernetes/controller/ingressclass.yaml" in str(failed.value)


@needs_kubectl
async def test_ingressclass_first_then_service_account(step_ctx, kube_stub):
    """Stand-in: stub Kubernetes API server. Both objects go by server-side apply, the
    IngressClass first, with Helm's adoption annotations and the role ARN from Terraform."""
    ctx, _ = await _filled(step_ctx, kube_stub)
    result = await controller_prereqs(ctx)
    assert result.status.value == "done", result.summary
    patches = kube_stub.requests_for("PATCH")
    assert [r.path for r in patches] == [
        "/apis/networking.k8s.io/v1/ingressclasses/alb",
        "/api/v1/namespaces/kube-system/serviceaccounts/aws-load-balancer-controller"]
    assert all(r.content_type.startswith("application/apply-patch+yaml") for r in patches)
    assert all(r.query.get("fieldManager") == "petstore-tui" and r.query.get("force") == "true" for r in patches)
    ingress_class, account = patches[0].body, patches[1].body
    assert ingress_class["spec"]["controller"] == "ingress.k8s.aws/alb"
    assert ingress_class["metadata"]["annotations"]["ingressclass.kubernetes.io/is-default-class"] == "true"
    assert ingress_class["metadata"]["annotations"]["meta.helm.sh/release-name"] == "aws-load-balancer-controller"
    assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == TF_OUT["lb_controller_role_arn"]
    assert kube_stub.get("v1", "ServiceAccount", "aws-load-balancer-controller", "kube-system") is not None


@needs_kubectl
async def test_app_applied_with_our_image_and_rollout_awaited(step_ctx, kube_stub):
    """Stand-in: stub Kubernetes API server with the Deployment already rolled out. Every
    object of the kustomized overlay is applied, namespace first, Ingress last, with the
    pushed image in place of `petstore`."""
    ctx, rec = await _filled(step_ctx, kube_stub)
    expected = manifests.kustomize(Path(ctx.outputs["manifests"]) / "app")
    deployment = next(o for o in expected if o["kind"] == "Deployment")
    kube_stub.add({**deployment, "status": {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2,
                                            "availableReplicas": 2}})
    result = await app_apply(ctx)
    assert result.status.value == "done", result.summary
    kinds = [r.body["kind"] for r in kube_stub.requests_for("PATCH")]
    assert kinds[0] == "Namespace" and kinds[-1] == "Ingress"
    assert sorted(kinds) == sorted(o["kind"] for o in expected)
    sent = next(r.body for r in kube_stub.requests_for("PATCH") if r.body["kind"] == "Deployment")
    images = [c["image"] for c in sent["spec"]["template"]["spec"]["containers"]]
    assert f"{TF_OUT['ecr_repository_url']}:abc123" in images
    assert result.outputs["ingress"]["namespace"] == "petstore"
    assert rec.progress and rec.progress[-1][:2] == (2, 2)


async def test_namespace_delete_waits_until_gone(step_ctx, kube_stub):
    """Stand-in: stub Kubernetes API server. Our namespace (labelled at render) is deleted
    (foreground) and the step returns once a GET answers 404; a second run finds it
    already gone."""
    kube_stub.add({"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": "petstore", "labels": dict([MANAGED_BY])}})
    ctx, _ = step_ctx(settings.Target(), {"kubeconfig": str(kube_stub.kubeconfig), "kube_context": "stub"})
    result = await namespace_delete(ctx)
    assert result.summary == "namespace petstore deleted"
    delete = kube_stub.requests_for("DELETE")[0]
    assert delete.path == "/api/v1/namespaces/petstore" and delete.body["propagationPolicy"] == "Foreground"
    assert (await namespace_delete(ctx)).summary == "namespace petstore was already gone"


async def test_unreachable_api_is_a_skip_reason(step_ctx, tmp_path):
    """Stand-in: a kubeconfig pointing at a closed loopback port (no API server)."""
    from petstore_tui.runbook.common import kube_reason
    from petstore_tui.services.ports import free_port

    path = tmp_path / "kubeconfig"
    path.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: x\n"
        f"clusters: [{{name: x, cluster: {{server: 'http://127.0.0.1:{free_port()}'}}}}]\n"
        "users: [{name: x, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: x, user: x}}]\n")
    ctx, _ = step_ctx(settings.Target(), {"kubeconfig": str(path), "kube_context": "x"})
    reason = await kube_reason(ctx)
    assert reason is not None and reason.startswith("no Kubernetes API reachable")


@needs_kubectl
async def test_deploy_n_applies_to_that_namespace(step_ctx, kube_stub):
    """Stand-in: stub Kubernetes API server; real `kubectl kustomize` of the tracked overlay
    (whose base fixes `namespace: petstore`). `deploy -n team-a` renders every object into
    team-a with our managed-by label, applies them there (the Namespace team-a itself
    first), waits for the rollout there and records team-a for the later steps."""
    ctx, _ = await _filled(step_ctx, kube_stub, namespace="team-a")
    assert ctx.outputs["app_namespace"] == "team-a"
    rendered = manifests.kustomize(Path(ctx.outputs["manifests"]) / "app")
    assert {o["metadata"].get("namespace") for o in rendered if o["kind"] != "Namespace"} == {"team-a"}
    assert [o["metadata"]["name"] for o in rendered if o["kind"] == "Namespace"] == ["team-a"]
    assert all(manifests.managed(o) for o in rendered)
    deployment = next(o for o in rendered if o["kind"] == "Deployment")
    kube_stub.add({**deployment, "status": {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2,
                                            "availableReplicas": 2}})
    result = await app_apply(ctx)
    assert result.status.value == "done", result.summary
    paths = [r.path for r in kube_stub.requests_for("PATCH")]
    assert paths[0] == "/api/v1/namespaces/team-a"
    assert all("/namespaces/petstore" not in path for path in paths)
    assert all(path.startswith(("/api/v1/namespaces/team-a", "/apis/")) for path in paths)
    assert [p for p in paths if "/namespaces/" in p and not p.endswith("/namespaces/team-a")] == [
        p for p in paths if "/namespaces/team-a/" in p]
    assert result.outputs["ingress"] == {"name": "petstore", "namespace": "team-a"}
    assert manifests.managed(kube_stub.get("v1", "Namespace", "team-a"))


@needs_kubectl
async def test_apply_into_a_namespace_not_ours_never_takes_it_over(step_ctx, kube_stub):
    """Stand-in: stub Kubernetes API server with a namespace `shared` someone else made and,
    in a second case, their own Deployment `petstore` in it. The namespace is used but not
    labelled as ours; their Deployment is refused by name, never overwritten."""
    kube_stub.add({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shared"}})
    ctx, rec = await _filled(step_ctx, kube_stub, namespace="shared")
    theirs = {"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": {"name": "petstore", "namespace": "shared", "labels": {"team": "b"}},
              "spec": {"replicas": 1}}
    kube_stub.add(theirs)
    with pytest.raises(StepFailed, match="Deployment shared/petstore exists and was not created by petstore-tui"):
        await app_apply(ctx)
    assert not manifests.managed(kube_stub.get("v1", "Namespace", "shared"))
    assert not kube_stub.requests_for("PATCH", "/namespaces/shared/deployments")
    assert not any(r.path == "/api/v1/namespaces/shared" for r in kube_stub.requests_for("PATCH"))
    assert "not created by petstore-tui: deploying into it" in rec.text()


async def test_destroy_deletes_only_what_the_runbook_made(step_ctx, kube_stub):
    """Stand-in: stub Kubernetes API server. In a namespace someone else made, the destroy
    deletes the objects carrying our label and nothing else, and leaves the namespace; an
    Ingress without our label is refused, not deleted; `destroy -n X` after a deploy to
    another namespace is refused before anything is deleted."""
    ours = dict([MANAGED_BY])
    kube_stub.add({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shared"}})
    kube_stub.add({"apiVersion": "apps/v1", "kind": "Deployment",
                   "metadata": {"name": "petstore", "namespace": "shared", "labels": ours}})
    kube_stub.add({"apiVersion": "v1", "kind": "Service",
                   "metadata": {"name": "petstore", "namespace": "shared", "labels": ours}})
    kube_stub.add({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "their-config", "namespace": "shared", "labels": {"team": "b"}}})
    kube_stub.add({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                   "metadata": {"name": "petstore", "namespace": "shared", "labels": {"team": "b"}}})
    access = {"kubeconfig": str(kube_stub.kubeconfig), "kube_context": "stub"}
    ctx, _ = step_ctx(settings.Target(region="eu-west-1", namespace="shared"), access)

    with pytest.raises(StepFailed, match="Ingress shared/petstore was not created by petstore-tui"):
        await ingress_delete(ctx)
    result = await namespace_delete(ctx)
    assert "left in place" in result.summary and "2 of our objects" in result.summary
    assert kube_stub.get("v1", "Namespace", "shared") is not None
    assert kube_stub.get("v1", "ConfigMap", "their-config", "shared") is not None
    assert kube_stub.get("networking.k8s.io/v1", "Ingress", "petstore", "shared") is not None
    assert kube_stub.get("apps/v1", "Deployment", "petstore", "shared") is None
    assert all(r.path != "/api/v1/namespaces/shared" for r in kube_stub.requests_for("DELETE"))

    elsewhere, _ = step_ctx(settings.Target(region="eu-west-1", namespace="petstore"),
                            {**access, "app_namespace": "shared"})
    before = len(kube_stub.requests_for("DELETE"))
    with pytest.raises(StepFailed, match=r"deployed to namespace shared \(journal\), not petstore: pass -n shared"):
        await namespace_delete(elsewhere)
    assert len(kube_stub.requests_for("DELETE")) == before
