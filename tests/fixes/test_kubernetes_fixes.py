"""The Kubernetes fixes against the stub Kubernetes API server (tests/support/kube_stub.py, the stand-in for a cluster's API server): IngressClass alb created from kubernetes/controller/ingressclass.yaml, the controller ServiceAccount annotated (patched, or created) and the controller restarted as `kubectl rollout restart` does; each verified by its probe and undone. The role's lookup by name uses moto's server as IAM."""

from __future__ import annotations

import json

from petstore_tui import cli
from tests.probes.test_probes import ALB_CLASS, controller_deployment, controller_sa

TARGET = ["--region", "us-east-1"]  # AWS and Kubernetes fixes journal per target
ROLE_ARN = "arn:aws:iam::123456789012:role/petstore-eks-lb-ctrl-20261128"
ANNOTATION = "eks.amazonaws.com/role-arn"


def fix(*args: str) -> int:
    return cli.main([*TARGET, "fix", *args])


def test_ingressclass_created_verified_and_undone(kube_stub, capsys):
    assert fix("alb-controller-ingressclass-missing", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "[kube-object] create IngressClass alb from" in out
    assert "+++ after-fix/ingressclasses/alb" in out and "+  controller: ingress.k8s.aws/alb" in out
    assert not kube_stub.requests_for("POST") and not kube_stub.objects("IngressClass")

    assert fix("cluster.ingressclass", "--yes") == 0
    assert "fixed and verified: cluster.ingressclass passes" in capsys.readouterr().out
    made = kube_stub.get("networking.k8s.io/v1", "IngressClass", "alb")
    assert made["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "Helm"  # Helm can adopt it
    assert made["metadata"]["annotations"]["meta.helm.sh/release-name"] == "aws-load-balancer-controller"

    assert fix("undo", "ingressclass-alb-1", "--yes") == 0
    assert "deleted IngressClass alb (made by the fix)" in capsys.readouterr().out
    assert not kube_stub.objects("IngressClass")


def test_ingressclass_of_another_controller_is_left_alone(kube_stub, capsys):
    kube_stub.add({**ALB_CLASS, "spec": {"controller": "k8s.io/ingress-nginx"}})
    assert fix("cluster.ingressclass", "--yes") == 1
    assert "exists with controller 'k8s.io/ingress-nginx'" in capsys.readouterr().out
    assert not kube_stub.requests_for("DELETE") and not kube_stub.requests_for("POST")


def test_ingressclass_recreated_since_the_fix_is_not_deleted(kube_stub, capsys):
    assert fix("cluster.ingressclass", "--yes") == 0
    kube_stub.remove("IngressClass", "alb")
    kube_stub.add(dict(ALB_CLASS))  # someone else's, with a new uid
    capsys.readouterr()
    assert fix("undo", "ingressclass-alb-1", "--yes") == 1
    assert "recreated since the fix: not deleted" in capsys.readouterr().out
    assert kube_stub.objects("IngressClass")


def test_fix_list_says_an_ingressclass_recreated_since_cannot_be_undone(kube_stub, capsys):
    """Stand-in: the stub Kubernetes API server. Someone recreated IngressClass alb after
    the fix made it: its undo refuses (not ours to delete), so `fix list` must not offer
    the undo command; it lists the entry with the reason, beside the destroyed ones."""
    assert fix("cluster.ingressclass", "--yes") == 0
    kube_stub.remove("IngressClass", "alb")
    kube_stub.add(dict(ALB_CLASS))  # someone else's, with a new uid
    capsys.readouterr()
    code = fix("list", "--json")
    listed = json.loads(capsys.readouterr().out)
    assert code == (3 if listed["not_checked"] else 0)  # 3: a list with checks it could not run
    assert listed["undoable"] == []
    assert [(g["entry"], g["reason"]) for g in listed["gone"]] == [
        ("ingressclass-alb-1", "IngressClass alb was recreated since the fix")]
    assert fix("list") == code
    out = capsys.readouterr().out
    assert "fix undo ingressclass-alb-1" not in out
    assert "ingressclass-alb-1" in out and "recreated since the fix" in out


def test_service_account_annotated_and_controller_restarted(kube_stub, capsys):
    kube_stub.add(controller_sa(None))
    kube_stub.add(controller_deployment("v3.5.0"))
    spec = f"cluster.service-account:{ROLE_ARN}"
    assert fix(spec, "--dry-run") == 0
    out = capsys.readouterr().out
    assert f"[kube-object] patch ServiceAccount kube-system/aws-load-balancer-controller: {ANNOTATION}={ROLE_ARN}" in out
    assert f"+    {ANNOTATION}: {ROLE_ARN}" in out
    assert "restart deployment kube-system/aws-load-balancer-controller" in out
    assert not kube_stub.requests_for("PATCH")

    assert fix(spec, "--yes") == 0
    assert "fixed and verified: cluster.service-account passes" in capsys.readouterr().out
    sa = kube_stub.get("v1", "ServiceAccount", "aws-load-balancer-controller", "kube-system")
    assert sa["metadata"]["annotations"][ANNOTATION] == ROLE_ARN
    patches = kube_stub.requests_for("PATCH")
    assert [p.content_type for p in patches] == ["application/merge-patch+json"] * 2
    deployment = kube_stub.get("apps/v1", "Deployment", "aws-load-balancer-controller", "kube-system")
    assert "kubectl.kubernetes.io/restartedAt" in deployment["spec"]["template"]["metadata"]["annotations"]

    assert fix("undo", "service-account-role-1", "--yes") == 0
    out = capsys.readouterr().out
    assert f"{ANNOTATION} removed" in out and "cluster.service-account now fail" in out
    sa = kube_stub.get("v1", "ServiceAccount", "aws-load-balancer-controller", "kube-system")
    assert ANNOTATION not in (sa["metadata"].get("annotations") or {})


def test_service_account_created_with_the_role_found_in_iam(kube_stub, aws, capsys):
    import boto3

    iam = boto3.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                                                     "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/x"}}]}
    arn = iam.create_role(RoleName="petstore-eks-lb-ctrl-20261128", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.create_role(RoleName="petstore-eks-node-20261128", AssumeRolePolicyDocument=json.dumps(trust))

    assert fix("alb-controller-serviceaccount-role-missing", "--yes", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "fixed", report
    assert any(f"role {arn} from the one IAM role named petstore-eks-lb-ctrl-*" == n for n in report["plan"]["notes"])
    assert "the controller is not installed yet" in " ".join(report["plan"]["notes"])
    sa = kube_stub.get("v1", "ServiceAccount", "aws-load-balancer-controller", "kube-system")
    assert sa["metadata"]["annotations"][ANNOTATION] == arn
    assert sa["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "Helm"

    assert fix("undo", report["entry"], "--yes") == 0
    assert kube_stub.get("v1", "ServiceAccount", "aws-load-balancer-controller", "kube-system") is None


def test_a_forbidden_patch_is_the_permission_finding(kube_stub, capsys):
    kube_stub.add(controller_sa(None))
    kube_stub.fail(r"/serviceaccounts/aws-load-balancer-controller$", 403,
                   'serviceaccounts "aws-load-balancer-controller" is forbidden: User "oncall" cannot patch '
                   'resource "serviceaccounts" in API group "" in the namespace "kube-system"')
    assert fix(f"cluster.service-account:{ROLE_ARN}", "--yes", "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "denied", report
    assert report["finding"]["id"] == "fix-permission-denied"
    assert "cannot patch resource" in report["finding"]["evidence"][0]
    assert any("patch" in need for need in report["finding"]["details"]["actions"])


def test_a_refusal_names_the_command_to_copy_with_the_target_options(kube_stub, aws, capsys):
    """Stand-ins: the stub Kubernetes API server, and moto as IAM (no controller role there).
    The commands a refusal tells the operator to run next carry the options this run was
    given (fixes/model.py command_for), as `undo with:` does: as printed they act on the
    same target, not on the default profile's."""
    kube_stub.add({**ALB_CLASS, "spec": {"controller": "k8s.io/ingress-nginx"}})
    assert fix("cluster.ingressclass", "--yes") == 1
    assert "then petstore-tui --region us-east-1 fix alb-controller-ingressclass-missing" in capsys.readouterr().out

    kube_stub.add(controller_sa(None))
    assert fix("cluster.service-account", "--yes") == 1
    assert ("name it: petstore-tui --region us-east-1 fix "
            "cluster.service-account:arn:aws:iam::ACCOUNT:role/NAME") in capsys.readouterr().out


def test_a_printed_kubectl_command_names_the_operators_context_and_kubeconfig(kube_stub, capsys):
    """Stand-in: the stub Kubernetes API server (its kubeconfig has context `stub`). The
    operator pointed the tool at a context and a kubeconfig: the `kubectl delete` the
    refusal tells them to run must act on that cluster, not on kubectl's current context."""
    kube_stub.add({**ALB_CLASS, "spec": {"controller": "k8s.io/ingress-nginx"}})
    options = ["--context", "stub", "--kubeconfig", str(kube_stub.kubeconfig)]
    assert cli.main([*TARGET, *options, "fix", "cluster.ingressclass", "--yes"]) == 1
    out = capsys.readouterr().out
    assert f"kubectl --kubeconfig {kube_stub.kubeconfig} --context stub delete ingressclass alb, then" in out, out
    assert not kube_stub.requests_for("DELETE")
