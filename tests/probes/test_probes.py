"""Live probes against moto_server (AWS) and the stub Kubernetes API server."""

from __future__ import annotations

import pytest

from checks.model import Status
from checks.probes import (
    probe_controller_policy,
    probe_ingressclass,
    probe_oidc,
    probe_pods,
    probe_service_account,
    probe_subnets,
    run_probes,
)
from tests.preflight.conftest import make_ctx
from tests.probes.aws_world import build, policy_without

ALB_CLASS = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "alb"},
             "spec": {"controller": "ingress.k8s.aws/alb"}}


def controller_sa(arn: str | None) -> dict:
    meta = {"name": "aws-load-balancer-controller", "namespace": "kube-system"}
    if arn:
        meta["annotations"] = {"eks.amazonaws.com/role-arn": arn}
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta}


def controller_deployment(tag: str) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "aws-load-balancer-controller", "namespace": "kube-system"},
            "spec": {"selector": {"matchLabels": {"app.kubernetes.io/name": "aws-load-balancer-controller"}},
                     "template": {"metadata": {"labels": {"app.kubernetes.io/name": "aws-load-balancer-controller"}},
                                  "spec": {"containers": [
                                      {"name": "controller",
                                       "image": f"public.ecr.aws/eks/aws-load-balancer-controller:{tag}"}]}}}}


def test_subnets_tagged_in_three_zones_pass(aws):
    """moto_server: public subnets tagged kubernetes.io/role/elb in three zones."""
    build()
    result = probe_subnets(make_ctx())
    assert result.status == Status.PASS, result.detail
    assert "3 zones" in result.summary


def test_untagged_subnets_without_internet_route_fail_with_catalog_id(aws):
    """moto_server: no subnet carries kubernetes.io/role/elb and none routes to an internet
    gateway, so controller v3.5.0's reachability fallback finds nothing either."""
    world = build(tag_public=False)
    result = probe_subnets(make_ctx())
    assert result.status == Status.FAIL
    assert result.failure_id == "alb-controller-subnet-discovery-failed"
    assert world.public[0] in result.detail
    assert "v3.5.0" in result.summary
    assert "Evaluated 0 subnets" in result.detail  # v3.5.0's own wording


def test_untagged_public_subnets_with_internet_route_pass_at_the_pinned_release(aws):
    """moto_server: the role tags deleted from every public subnet, which still route to an
    internet gateway: v3.5.0 falls back to discovery by reachability (v2.13.0+), the ALB
    gets its three zones."""
    build(tag_public=False, igw_route=True)
    result = probe_subnets(make_ctx())
    assert result.status == Status.PASS, result.detail
    assert "3 zones" in result.summary and "v3.5.0" in result.summary
    assert "reachability" in result.detail


@pytest.mark.parametrize("values, igw, status", [
    (("true", "true", "true"), True, Status.PASS),    # matches nothing: the fallback applies
    (("true", "true", "true"), False, Status.FAIL),   # ... and finds no public subnet
    (("1", "true", "true"), True, Status.FAIL),       # one subnet matches: no fallback, 1 zone
    (("1", None, None), True, Status.FAIL),           # tagged in one zone only: 1 < 2
    (("", "1", None), False, Status.PASS),            # empty value counts: two zones
])
def test_role_tag_values_follow_the_controllers_filter(aws, values, igw, status):
    """moto_server: kubernetes.io/role/elb values per public subnet, with or without a
    route to an internet gateway; the filter takes "1" or empty only."""
    build(role_values=values, igw_route=igw)
    result = probe_subnets(make_ctx())
    assert result.status == status, result.detail
    if "true" in values:
        assert "matches nothing" in result.detail
    if status == Status.FAIL and "1" in values:
        assert "subnets count less than minimal required count: 1 < 2" in result.detail


def test_one_zone_is_not_enough(aws):
    """moto_server: tagged public subnets in a single zone (an ALB needs two)."""
    build(zones=1)
    assert probe_subnets(make_ctx()).status == Status.FAIL


def test_subnets_tagged_for_another_cluster_are_excluded(aws):
    """moto_server: role-tagged subnets whose cluster tag names another cluster."""
    build(other_cluster_tag=True)
    result = probe_subnets(make_ctx())
    assert result.status == Status.FAIL
    assert "another cluster" in result.detail


def test_subnets_with_too_few_free_addresses_are_dropped(aws):
    """moto_server: /29 public subnets (3 free addresses each)."""
    build(public_cidr_prefix=29)
    result = probe_subnets(make_ctx())
    assert result.status == Status.FAIL
    assert "free addresses" in result.detail


def test_subnet_probe_skips_without_cluster(aws):
    """moto_server: no EKS cluster yet."""
    build(cluster=False)
    assert probe_subnets(make_ctx()).status == Status.SKIP


def test_complete_policy_passes_statically_when_simulator_missing(aws):
    """moto_server (simulate_principal_policy answers 500): role with the complete policy."""
    build()
    result = probe_controller_policy(make_ctx())
    assert result.status == Status.PASS, result.detail
    assert "static comparison (simulator unavailable" in result.detail


def test_policy_without_addtags_create_statement_names_addtags(aws):
    """moto_server: the policy lacks its AddTags statements (an old policy)."""
    build(policy=policy_without("elasticloadbalancing:AddTags"))
    result = probe_controller_policy(make_ctx())
    assert result.status == Status.FAIL
    assert result.failure_id == "alb-controller-addtags-denied"
    assert "elasticloadbalancing:AddTags" in result.detail and "v2.5.0" in result.detail


def test_policy_missing_newer_actions_names_releases(aws):
    """moto_server: a v2.8-era policy on a controller running v2.13.0 (stub Kubernetes API)."""
    build(policy=policy_without("elasticloadbalancing:DescribeListenerAttributes", "ec2:DescribeRouteTables"))
    result = probe_controller_policy(make_ctx())
    assert result.status == Status.FAIL
    assert result.failure_id == "alb-controller-iam-denied"
    assert "v2.9.0" in result.detail and "v2.13.0" in result.detail


def test_policy_judged_against_running_release(aws, kube_stub):
    """moto_server + stub Kubernetes API: the controller runs v2.8.0, which needs neither
    listener attributes nor route tables; the role is found from the SA annotation."""
    world = build(policy=policy_without("elasticloadbalancing:DescribeListenerAttributes",
                                        "elasticloadbalancing:ModifyListenerAttributes",
                                        "ec2:DescribeRouteTables", "ec2:GetSecurityGroupsForVpc",
                                        "elasticloadbalancing:DescribeCapacityReservation",
                                        "elasticloadbalancing:ModifyCapacityReservation",
                                        "ec2:DescribeIpamPools", "elasticloadbalancing:ModifyIpPools",
                                        "elasticloadbalancing:SetRulePriorities"))
    kube_stub.add(controller_deployment("v2.8.0"))
    kube_stub.add(controller_sa(world.role_arn))
    result = probe_controller_policy(make_ctx())
    assert result.status == Status.PASS, result.detail
    assert "release v2.8.0 (from running image" in result.detail
    assert "the ServiceAccount's annotation" in result.detail


def test_policy_with_wildcards_passes(aws):
    """moto_server: a policy of `elasticloadbalancing:*`, `ec2:*` and the rest by service wildcard."""
    wide = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
        "elasticloadbalancing:*", "ec2:*", "iam:*", "acm:*", "cognito-idp:*", "waf-regional:*", "wafv2:*",
        "shield:*"]}]}
    build(policy=wide)
    assert probe_controller_policy(make_ctx()).status == Status.PASS


def test_policy_with_deny_fails(aws):
    """moto_server: the complete policy plus an unconditional Deny of ec2:CreateSecurityGroup."""
    from tests.probes.aws_world import full_policy

    doc = full_policy()
    doc["Statement"].append({"Effect": "Deny", "Action": "ec2:CreateSecurityGroup", "Resource": "*"})
    build(policy=doc)
    result = probe_controller_policy(make_ctx())
    assert result.status == Status.FAIL
    assert "ec2:CreateSecurityGroup" in result.detail


def test_no_controller_role_fails(aws):
    """moto_server: a cluster but no controller role."""
    build(with_role=False)
    result = probe_controller_policy(make_ctx())
    assert result.status == Status.FAIL
    assert "no IAM role" in result.summary


def test_oidc_provider_present_and_missing(aws):
    """moto_server: the cluster's issuer with and without an IAM OIDC provider."""
    build()
    assert probe_oidc(make_ctx()).status == Status.PASS


def test_oidc_provider_missing(aws):
    """moto_server: no IAM OIDC provider for the issuer."""
    build(oidc=False)
    result = probe_oidc(make_ctx())
    assert result.status == Status.FAIL and result.failure_id == "alb-controller-irsa-web-identity-failed"


def test_ingressclass_present(kube_stub):
    """Stub Kubernetes API: IngressClass alb for ingress.k8s.aws/alb."""
    kube_stub.add(ALB_CLASS)
    assert probe_ingressclass(make_ctx()).status == Status.PASS


def test_ingressclass_missing(kube_stub):
    """Stub Kubernetes API: no IngressClass."""
    result = probe_ingressclass(make_ctx())
    assert result.status == Status.FAIL and result.failure_id == "alb-controller-ingressclass-missing"


def test_ingressclass_wrong_controller(kube_stub):
    """Stub Kubernetes API: IngressClass alb naming the nginx controller."""
    kube_stub.add({**ALB_CLASS, "spec": {"controller": "k8s.io/ingress-nginx"}})
    assert probe_ingressclass(make_ctx()).status == Status.FAIL


@pytest.mark.parametrize("annotation, status", [
    ("arn:aws:iam::123456789012:role/petstore-eks-lb-ctrl-1", Status.PASS),
    (None, Status.FAIL),
    ("${LB_CONTROLLER_ROLE_ARN}", Status.FAIL),
])
def test_service_account_annotation(kube_stub, annotation, status):
    """Stub Kubernetes API: the controller's ServiceAccount with a role ARN, none, a placeholder."""
    kube_stub.add(controller_sa(annotation))
    result = probe_service_account(make_ctx())
    assert result.status == status
    if status == Status.FAIL:
        assert result.failure_id == "alb-controller-serviceaccount-role-missing"


def test_probe_fixes_name_the_project_dir_from_the_current_folder(kube_stub, tmp_path, monkeypatch):
    """Stub Kubernetes API: no IngressClass, a ServiceAccount without its role. The operator
    runs from another folder with --project-dir: each printed command names the checkout's
    files so that it works pasted there; run from the checkout, the paths stay short."""
    from tests.preflight.conftest import REPO

    kube_stub.add(controller_sa(None))
    monkeypatch.chdir(tmp_path)
    ingress = probe_ingressclass(make_ctx(project_dir=REPO)).fix
    account = probe_service_account(make_ctx(project_dir=REPO)).fix
    assert f"apply -f {REPO}/kubernetes/controller/ingressclass.yaml" in ingress, ingress
    assert f"terraform -chdir={REPO}/terraform output -raw lb_controller_role_arn" in account, account
    monkeypatch.chdir(REPO)
    assert "terraform -chdir=terraform output" in probe_service_account(make_ctx(project_dir=REPO)).fix


def test_service_account_missing(kube_stub):
    """Stub Kubernetes API: no ServiceAccount at all."""
    assert probe_service_account(make_ctx()).status == Status.FAIL


def test_pods_waiting_and_terminated_reasons(kube_stub):
    """Stub Kubernetes API: pods in CrashLoopBackOff, ImagePullBackOff (403), OOMKilled last time, healthy."""
    kube_stub.add_pod("petstore-a", waiting_reason="CrashLoopBackOff", restart_count=7)
    kube_stub.add_pod("petstore-b", waiting_reason="ImagePullBackOff",
                      waiting_message="pull access denied: 403 Forbidden")
    kube_stub.add_pod("petstore-c", last_terminated_reason="OOMKilled", restart_count=1)
    kube_stub.add_pod("petstore-d")
    results = probe_pods(make_ctx())
    by_pod = {r.summary.split()[1]: r for r in results}
    assert set(by_pod) == {"petstore/petstore-a", "petstore/petstore-b", "petstore/petstore-c"}
    assert by_pod["petstore/petstore-a"].failure_id == "pod-crashloopbackoff"
    assert "restarts 7" in by_pod["petstore/petstore-a"].summary
    assert by_pod["petstore/petstore-b"].failure_id == "ecr-pull-forbidden"
    assert by_pod["petstore/petstore-c"].failure_id == "pod-oomkilled"


def test_healthy_pods_pass(kube_stub):
    """Stub Kubernetes API: two running pods."""
    kube_stub.add_pod("petstore-a")
    kube_stub.add_pod("petstore-b")
    [result] = probe_pods(make_ctx())
    assert result.status == Status.PASS and "2 pods in" in result.summary


def test_pods_probe_reports_unreachable_api(kube_stub):
    """Stub Kubernetes API, stopped: the probe reports, never raises."""
    kube_stub.server.stop()
    [result] = probe_pods(make_ctx())
    assert result.status == Status.ERROR
    assert "cannot list pods" in result.summary


def test_probes_skip_kube_without_kubeconfig(tmp_path, monkeypatch):
    """No stand-in: KUBECONFIG points at a missing file."""
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "nope"))
    result = probe_ingressclass(make_ctx())
    assert result.status == Status.SKIP and "no kubeconfig" in result.summary


async def test_run_probes_collects_everything(aws, kube_stub):
    """moto_server + stub Kubernetes API: a healthy world gives no failure."""
    world = build()
    kube_stub.add(ALB_CLASS)
    kube_stub.add(controller_sa(world.role_arn))
    kube_stub.add_pod("petstore-a")
    results = await run_probes(make_ctx())
    ids = {r.id for r in results}
    assert {"cluster.subnets", "cluster.controller-policy", "cluster.oidc", "cluster.ingressclass",
            "cluster.service-account", "cluster.pods"} <= ids
    assert not [r for r in results if r.status in (Status.FAIL, Status.ERROR)], results


async def test_run_probes_cuts_a_hung_probe(monkeypatch, aws):
    """No stand-in beyond moto: a probe replaced by one that blocks is cut at ctx.timeout."""
    import threading

    import checks.probes as probes

    gate = threading.Event()
    monkeypatch.setattr(probes, "ALL_PROBES", (("cluster.stuck", lambda ctx: gate.wait(30)),))
    results = await probes.run_probes(make_ctx(timeout=0.5))
    gate.set()
    assert [(r.id, r.status, r.summary) for r in results] == [("cluster.stuck", Status.ERROR, "timed out after 0.5s")]
