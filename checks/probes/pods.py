"""Probe: pods' waiting and terminated reasons (CrashLoopBackOff, ImagePullBackOff, OOMKilled...), one result per problem container."""

from __future__ import annotations

from checks.model import CheckResult, Status
from checks.preflight.context import CheckContext
from checks.probes._common import kube_call, kube_error, result
from petstore_core.kube import kubectl_command
from petstore_core.words import counted

ID = "cluster.pods"

# reason -> (catalog id, what to do)
REASONS: dict[str, tuple[str | None, str]] = {
    "CrashLoopBackOff": ("pod-crashloopbackoff", "read the previous container's log: kubectl logs -p"),
    "ImagePullBackOff": ("ecr-image-not-found", "check the image URL and tag were pushed, and the node role's ECR read access"),
    "ErrImagePull": ("ecr-image-not-found", "check the image URL and tag were pushed, and the node role's ECR read access"),
    "InvalidImageName": ("ecr-image-not-found", "fix the image reference in the Deployment"),
    "CreateContainerConfigError": (None, "a ConfigMap or Secret the pod reads is missing"),
    "OOMKilled": ("pod-oomkilled", "raise the memory limit or lower gunicorn's workers"),
    "Error": ("pod-crashloopbackoff", "read the container's log"),
}


def pod_lines(pods) -> list[str]:
    """Pod status rendered as lines for the diagnostics engine (source pod-status)."""
    lines = []
    for pod in pods:
        name = pod.metadata.name
        for status in (pod.status.container_statuses or []) + (pod.status.init_container_statuses or []):
            for label, state in (("", status.state), ("last ", status.last_state)):
                if state is None:
                    continue
                if state.waiting and state.waiting.reason:
                    lines.append(f"pod/{name} container {status.name} {label}waiting: {state.waiting.reason}"
                                 + (f": {state.waiting.message}" if state.waiting.message else ""))
                if state.terminated and state.terminated.reason:
                    lines.append(f"pod/{name} container {status.name} {label}terminated: {state.terminated.reason} "
                                 f"(exit code {state.terminated.exit_code})")
    return lines


def evaluate_pods(pods, namespace: str, target=None) -> list[CheckResult]:
    """One failed result per container waiting or terminated for a known reason; `target`
    (the operator's --context and --kubeconfig) goes into the kubectl command it names."""
    results: list[CheckResult] = []
    for pod in pods:
        name = pod.metadata.name
        for status in (pod.status.container_statuses or []) + (pod.status.init_container_statuses or []):
            state, last = status.state, status.last_state
            reason, message = None, ""
            if state and state.waiting and state.waiting.reason in REASONS:
                reason, message = state.waiting.reason, state.waiting.message or ""
            elif state and state.terminated and state.terminated.reason in REASONS:
                reason = state.terminated.reason
            if reason is None and last and last.terminated and last.terminated.reason == "OOMKilled":
                reason = "OOMKilled"
            if reason is None:
                continue
            failure_id, fix = REASONS[reason]
            if reason == "CrashLoopBackOff":  # the whole command, for this pod and container
                fix = "read the previous container's log: " + kubectl_command(
                    target, "logs", "-p", "-n", namespace, name, "-c", status.name)
            if reason in ("ImagePullBackOff", "ErrImagePull") and message:
                lowered = message.lower()
                if "no basic auth" in lowered:
                    failure_id = "ecr-no-basic-auth"
                elif "403" in lowered or "forbidden" in lowered or "not authorized" in lowered:
                    failure_id = "ecr-pull-forbidden"
            results.append(result(
                ID, Status.FAIL,
                f"pod {namespace}/{name} container {status.name}: {reason}"
                + (f" (restarts {status.restart_count})" if status.restart_count else ""),
                message[:500], fix, failure_id))
    return results


def probe_pods(ctx: CheckContext, namespace: str | None = None) -> list[CheckResult]:
    namespace = namespace or ctx.target.namespace
    try:
        pods = kube_call(ctx, "CoreV1Api", "list_namespaced_pod", namespace).items
    except Exception as exc:
        return [kube_error(ID, exc, f"cannot list pods in {namespace}")]
    problems = evaluate_pods(pods, namespace, ctx.target)
    if problems:
        return problems
    if not pods:
        return [result(ID, Status.WARN, f"no pods in namespace {namespace}")]
    return [result(ID, Status.PASS, f"{counted(len(pods), 'pod')} in {namespace}, none waiting or crashed")]
