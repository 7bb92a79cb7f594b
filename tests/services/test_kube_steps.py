"""The Kubernetes steps against the stub API server: IngressClass before ServiceAccount, the app applied, cleanup deletes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from petstore_tui import settings
from petstore_tui.runbook.deploy import app_apply, controller_prereqs, fill_manifests
from petstore_tui.runbook.destroy import namespace_delete
from petstore_tui.services import manifests

REPO = Path(__file__).resolve().parents[2]
TF_OUT = {"cluster_name": "petstore-eks", "region": "eu-west-1", "vpc_id": "vpc-0abc",
          "lb_controller_role_arn": "arn:aws:iam::123456789012:role/petstore-eks-lb-controller",
          "ecr_repository_url": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/petstore"}

needs_kubectl = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (with kustomize) not on PATH")


async def _filled(step_ctx, kube_stub):
    ctx, rec = step_ctx(settings.Target(region="eu-west-1", project_dir=REPO),
                        {"terraform": TF_OUT, "image": TF_OUT["ecr_repository_url"], "image_tag": "abc123",
                         "kubeconfig": str(kube_stub.kubeconfig), "kube_context": "stub"})
    result = await fill_manifests(ctx)
    assert result.status.value == "done", result.summary
    ctx.outputs.update(result.outputs)
    return ctx, rec


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
    """Stand-in: stub Kubernetes API server. The namespace is deleted (foreground) and the
    step returns once a GET answers 404; a second run finds it already gone."""
    kube_stub.add({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "petstore"}})
    ctx, _ = step_ctx(settings.Target(), {"kubeconfig": str(kube_stub.kubeconfig), "kube_context": "stub"})
    result = await namespace_delete(ctx)
    assert result.summary == "namespace petstore deleted"
    delete = kube_stub.requests_for("DELETE")[0]
    assert delete.path == "/api/v1/namespaces/petstore" and delete.body["propagationPolicy"] == "Foreground"
    assert (await namespace_delete(ctx)).summary == "namespace petstore was already gone"


async def test_unreachable_api_is_a_skip_reason(step_ctx, tmp_path):
    """Stand-in: a kubeconfig pointing at a closed loopback port (no API server)."""
    from petstore_tui.runbook.common import kube_reason
    from petstore_tui.services.sandbox import free_port

    path = tmp_path / "kubeconfig"
    path.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: x\n"
        f"clusters: [{{name: x, cluster: {{server: 'http://127.0.0.1:{free_port()}'}}}}]\n"
        "users: [{name: x, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: x, user: x}}]\n")
    ctx, _ = step_ctx(settings.Target(), {"kubeconfig": str(path), "kube_context": "x"})
    reason = await kube_reason(ctx)
    assert reason is not None and reason.startswith("no Kubernetes API reachable")
