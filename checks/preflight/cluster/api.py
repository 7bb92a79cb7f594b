"""cluster.api: the kubeconfig reaches the cluster's API server and is authorised."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.cluster._probe import could_not_run
from checks.preflight.context import CheckContext
from petstore_core import errors, kube

# What --sandbox and --context give together, said where a named context cannot be used.
SANDBOX_CONTEXT = ("with --sandbox, --context NAME names a Kubernetes cluster of your own (kind, minikube, "
                   "k3d) whose API the cluster checks use, found in --kubeconfig FILE, else $KUBECONFIG, "
                   "else ~/.kube/config: create that context, or pass --kubeconfig with the file that has it; "
                   "the sandbox itself emulates AWS only (EKS, ECR, IAM, EC2: no Kubernetes API server), "
                   "so without --context these checks are skipped")


class ClusterApiCheck(BlockingCheck):
    id = "cluster.api"
    group = "cluster"
    title = "kubeconfig reaches the API"

    def _check(self, ctx: CheckContext) -> CheckResult:
        unknown: Exception | None = None
        try:
            cluster = ctx.cluster()
        except Exception as exc:
            cluster, unknown = None, exc
        if unknown is None and cluster is None:
            return self.skipped(f"cluster {ctx.target.cluster_name} does not exist yet")
        update = kube.update_kubeconfig_command(ctx.target)
        paths = kube.kubeconfig_paths(ctx.target.kubeconfig)
        if unknown is not None and not any(p.is_file() for p in paths):
            # neither the cluster nor a kubeconfig: nothing to check the API server with
            result = could_not_run(self, unknown)
            result.detail = (f"no kubeconfig at {', '.join(map(str, paths))} either; once the cluster "
                             f"exists, {update} writes it")
            return result
        try:
            api = ctx.kube_api()
        except errors.KubeConfigError as exc:
            if unknown is not None:
                result = could_not_run(self, unknown)
                result.detail = str(exc)
                return result
            if ctx.target.sandbox and ctx.target.context:
                # the operator named a cluster of their own to check beside the emulator
                return self.failed(f"--context {ctx.target.context}: {exc}", fix=SANDBOX_CONTEXT)
            if ctx.target.sandbox:
                return self.skipped("the sandbox emulates AWS only (no Kubernetes API server to reach); "
                                    "--context NAME checks a cluster of your own instead")
            return self.failed(str(exc), fix=update)
        try:
            version = kube.server_version(api)
        except Exception as exc:
            message = errors.describe_kube_error(exc)
            failure = "kubectl-unauthorized" if getattr(exc, "status", None) == 401 else "eks-endpoint-unreachable"
            return self.failed(f"the API server: {message}", fix=update, failure_id=failure)
        try:
            # start-up: the kubernetes client is ~300 modules; only a cluster call loads it
            from kubernetes import client

            client.CoreV1Api(api).list_namespace(limit=1, _request_timeout=kube.REQUEST_TIMEOUT)
        except Exception as exc:
            message = errors.describe_kube_error(exc)
            failure = "kubectl-unauthorized" if getattr(exc, "status", None) in (401, 403) else None
            return self.failed(f"reached {version}, but {message}",
                               fix="grant the identity an access entry (cluster admin) or aws-auth mapping",
                               failure_id=failure)
        host = getattr(api.configuration, "host", "")
        return self.passed(f"API server {version} at {host}")
