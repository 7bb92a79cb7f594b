"""Cluster group checks against moto_server (AWS) and the stub Kubernetes API server."""

from __future__ import annotations

import pytest

from checks.model import Status
from checks.preflight.cluster.api import ClusterApiCheck
from checks.preflight.cluster.controller_policy import ControllerPolicyCheck
from checks.preflight.cluster.endpoint import ClusterEndpointCheck
from checks.preflight.cluster.ingressclass import IngressClassCheck
from checks.preflight.cluster.oidc import OidcCheck
from checks.preflight.cluster.service_account import ServiceAccountCheck
from checks.preflight.cluster.status import ClusterStatusCheck
from checks.preflight.cluster.subnets import SubnetsCheck
from checks.preflight.cluster.version import ClusterVersionCheck
from checks.preflight.runner import run_check, run_preflight
from tests.preflight.conftest import make_ctx
from tests.probes.aws_world import build, policy_without
from tests.probes.test_probes import ALB_CLASS, controller_sa

CLUSTER_CHECKS = (ClusterStatusCheck, ClusterVersionCheck, ClusterEndpointCheck, OidcCheck, SubnetsCheck,
                  ControllerPolicyCheck, ClusterApiCheck, IngressClassCheck, ServiceAccountCheck)


async def test_healthy_cluster_passes_every_check(aws, kube_stub):
    """moto_server (cluster 1.35, tagged subnets, full policy, OIDC) + stub Kubernetes API."""
    world = build()
    kube_stub.add(ALB_CLASS)
    kube_stub.add(controller_sa(world.role_arn))
    ctx = make_ctx()
    results = {r.id: r async for r in run_preflight(ctx, groups=["cluster"])}
    assert set(results) == {c.id for c in CLUSTER_CHECKS}
    bad = {i: (r.status, r.summary) for i, r in results.items() if r.status != Status.PASS}
    assert not bad


async def test_every_cluster_check_skips_without_a_cluster(aws):
    """moto_server with no EKS cluster."""
    ctx = make_ctx()
    for check in CLUSTER_CHECKS:
        result = await run_check(check(), ctx)
        assert result.status == Status.SKIP, result
        assert "does not exist" in result.summary


async def test_unsupported_version_fails(aws):
    """moto_server: a 1.28 cluster (out of support on 2026-11-28)."""
    build(version="1.28")
    result = await run_check(ClusterVersionCheck(), make_ctx())
    assert result.status == Status.FAIL
    assert "calendar; EKS API unavailable" in result.summary
    assert "1.34" in result.fix


async def test_extended_support_version_warns(aws):
    """moto_server: a 1.32 cluster (extended support on 2026-11-28)."""
    build(version="1.32")
    assert (await run_check(ClusterVersionCheck(), make_ctx())).status == Status.WARN


async def test_private_endpoint_fails(aws):
    """moto_server: a cluster with the public endpoint off."""
    build(endpoint_public=False)
    result = await run_check(ClusterEndpointCheck(), make_ctx())
    assert result.status == Status.FAIL and "private only" in result.summary


@pytest.mark.parametrize("check, kwargs, failure_id", [
    (SubnetsCheck, {"tag_public": False}, "alb-controller-subnet-discovery-failed"),
    (OidcCheck, {"oidc": False}, "alb-controller-irsa-web-identity-failed"),
    (ControllerPolicyCheck, {"policy": policy_without("elasticloadbalancing:AddTags")},
     "alb-controller-addtags-denied"),
])
async def test_probe_backed_checks_fail(aws, check, kwargs, failure_id):
    """moto_server with one defect each."""
    build(**kwargs)
    result = await run_check(check(), make_ctx())
    assert result.status == Status.FAIL
    assert result.failure_id == failure_id
    assert result.id == check.id and result.group == "cluster"


async def test_kube_checks_fail_on_missing_objects(aws, kube_stub):
    """moto_server cluster + stub Kubernetes API without IngressClass or ServiceAccount."""
    build()
    ctx = make_ctx()
    assert (await run_check(IngressClassCheck(), ctx)).failure_id == "alb-controller-ingressclass-missing"
    assert (await run_check(ServiceAccountCheck(), ctx)).failure_id == "alb-controller-serviceaccount-role-missing"


async def test_api_check_names_missing_kubeconfig(aws):
    """moto_server cluster; KUBECONFIG points at nothing."""
    build()
    result = await run_check(ClusterApiCheck(), make_ctx())
    assert result.status == Status.FAIL
    assert "update-kubeconfig" in result.fix


async def test_missing_kubeconfig_gives_the_exact_update_kubeconfig_command(aws, tmp_path):
    """moto_server cluster; the operator's --profile, --region, --cluster and --kubeconfig
    (a file not there yet). The fix is the command to paste, with their values, writing the
    file they named; with no AWS answer (the profile unknown) the check could not run: an
    error naming the prerequisite, and the command for later in its detail."""
    from petstore_core.settings import Target

    build()
    missing = tmp_path / "kube config"
    target = Target(region="us-east-1", cluster="petstore-eks", kubeconfig=missing)
    result = await run_check(ClusterApiCheck(), make_ctx(target=target))
    assert result.status == Status.FAIL
    assert result.fix == (f"aws eks update-kubeconfig --name petstore-eks --region us-east-1 "
                          f"--kubeconfig '{missing}'"), result.fix
    assert str(missing) in result.summary

    nosuch = Target(profile="nosuch", region="eu-west-1", cluster="prod-x", kubeconfig=missing)
    result = await run_check(ClusterApiCheck(), make_ctx(target=nosuch))
    assert result.status == Status.ERROR
    assert result.summary.startswith("could not run (needs aws.credentials): AWS profile 'nosuch' not found")
    assert (f"aws eks update-kubeconfig --name prod-x --region eu-west-1 --profile nosuch "
            f"--kubeconfig '{missing}'") in result.detail, result.detail


def test_the_kube_client_names_the_command_for_the_target(tmp_path):
    """No stand-in: a kubeconfig path that does not exist. The error every caller of
    api_client shows (the panel, diagnose --live, the runbook) gives the command to paste."""
    from petstore_core import kube
    from petstore_core.errors import KubeConfigError
    from petstore_core.settings import Target

    target = Target(region="eu-west-1", cluster="prod-x", kubeconfig=tmp_path / "none")
    with pytest.raises(KubeConfigError) as failed:
        kube.api_client(target)
    assert (f"aws eks update-kubeconfig --name prod-x --region eu-west-1 --kubeconfig {tmp_path}/none"
            in str(failed.value)), failed.value
    assert "<cluster>" not in str(failed.value)


async def test_api_check_names_unauthorized(aws, kube_stub):
    """moto_server cluster + stub Kubernetes API answering 401."""
    build()
    kube_stub.unauthorized = True
    result = await run_check(ClusterApiCheck(), make_ctx())
    assert result.status == Status.FAIL
    assert "401 Unauthorized" in result.summary
    assert result.failure_id == "kubectl-unauthorized"


async def test_api_check_names_unreachable_server(aws, kube_stub):
    """moto_server cluster + a stub Kubernetes API server that was stopped."""
    build()
    kube_stub.server.stop()
    result = await run_check(ClusterApiCheck(), make_ctx())
    assert result.status == Status.FAIL
    assert "cannot reach the Kubernetes API server" in result.summary


def test_no_kubeconfig_in_a_sandbox_session_names_no_placeholder_command(tmp_path):
    """No stand-in: a sandbox target with --context and a kubeconfig path that does not
    exist (`petstore-tui --sandbox preflight --context NAME`). The error the cluster checks
    show holds no command with a `<cluster>` placeholder (pasted, the shell reads `<cluster`
    as a redirection from a file named cluster); it says what writes the file."""
    from petstore_core import kube
    from petstore_core.errors import KubeConfigError
    from petstore_core.settings import Target

    target = Target(sandbox=True, context="nosuch-ctx", kubeconfig=tmp_path / "none")
    with pytest.raises(KubeConfigError) as failed:
        kube.api_client(target)
    message = str(failed.value)
    assert "<" not in message and str(tmp_path / "none") in message, message
    assert "kubeconfig step" in message and "--kubeconfig" in message, message


@pytest.mark.parametrize("kubeconfig", ["none", "other-contexts"])
def test_sandbox_with_a_context_it_cannot_use_says_what_the_options_give(tmp_path, kubeconfig):
    """Stand-in: a context whose cluster exists in the emulator (after a sandbox deploy) and
    whose kubeconfig is missing or lacks the named context. Before, `--sandbox --context
    NAME` read "the sandbox emulates AWS only" and skipped, naming neither the context
    nor what to do."""
    from types import SimpleNamespace

    from checks.preflight.context import _kube_api
    from petstore_core.settings import Target

    path = tmp_path / "config"
    if kubeconfig == "other-contexts":
        path.write_text("apiVersion: v1\nkind: Config\ncontexts: [{name: kind-a, context: {cluster: a}}]\n"
                        "clusters: [{name: a, cluster: {server: 'https://127.0.0.1:1'}}]\ncurrent-context: kind-a\n")
    target = Target(sandbox=True, context="kind-petstore", kubeconfig=path)
    ctx = SimpleNamespace(target=target, cluster=lambda: {"name": target.cluster_name},
                          kube_api=lambda: _kube_api(target))
    result = ClusterApiCheck()._check(ctx)
    assert result.status == Status.FAIL
    assert result.summary.startswith("--context kind-petstore: "), result.summary
    assert "emulates AWS only" in result.fix and "--kubeconfig" in result.fix and "kind" in result.fix

    ctx.target = Target(sandbox=True, kubeconfig=path)  # no --context: skipped, saying what --context does
    result = ClusterApiCheck()._check(ctx)
    assert result.status == Status.SKIP and "--context NAME" in result.summary


def test_a_broken_profile_config_sends_the_operator_to_the_profile_not_the_network():
    """A profile whose source_profile does not exist (botocore's InvalidConfigError): the
    cluster checks could not run because of the profile, as aws.ec2 says; before, they
    named "the EKS API" and told the operator to check the network, proxy or region."""
    from botocore.exceptions import InvalidConfigError

    from checks.preflight.cluster._probe import could_not_run

    exc = InvalidConfigError(error_msg='The source_profile "missing" referenced in the profile "broken" does not exist')
    result = could_not_run(ClusterStatusCheck(), exc)
    assert result.status is Status.ERROR
    assert "(needs aws.credentials)" in result.summary and 'source_profile "missing"' in result.summary
    assert "network" not in result.fix and "--profile" in result.fix
