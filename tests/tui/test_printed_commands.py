"""The catalog's fix commands, printed for the operator, name the cluster the operator named.

Stand-ins: a log line written by the test, the real engine; a kubeconfig path nothing reads."""

from __future__ import annotations

from checks.engine import load_default_engine
from petstore_core.settings import Target
from petstore_tui import cli
from petstore_tui.reports import render_report


def _addtags_finding(log):
    """The real engine's alb-controller-addtags-denied finding on `log` (the catalog's fix)."""
    engine = load_default_engine()
    engine.feed(log.read_text().strip(), source="alb-controller")
    engine.flush()
    return next(f for f in engine.findings() if f.failure_id == "alb-controller-addtags-denied")


def test_a_catalog_fix_command_names_the_operators_context_in_diagnose_the_panel_and_report(tmp_path, capsys):
    """The catalog's fix commands are written for kubectl's current context ("kubectl
    rollout restart ..."): printed for an operator who gave --context and --kubeconfig, they
    would act on another cluster. diagnose, the panel's copy and the report print them with
    the operator's options (petstore_core/kube.py for_target). Stand-ins: a log line written
    by the test (the controller's AddTags denial, as the catalog's samples have it), the real
    engine; a fake kubeconfig path that nothing reads."""
    from petstore_tui.widgets.detail import fix_commands

    log = tmp_path / "controller.log"
    log.write_text('{"level":"error","msg":"Reconciler error","error":"AccessDenied: User: arn:aws:sts::123456789012:'
                   'assumed-role/lb-ctrl/1 is not authorized to perform: elasticloadbalancing:AddTags on resource: '
                   'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/k8s-x/1 because no '
                   'identity-based policy allows the elasticloadbalancing:AddTags action"}\n')
    given = ["--context", "prod-eu", "--kubeconfig", "/tmp/f17-kubeconfig"]
    assert cli.main([*given, "diagnose", str(log)]) == 1
    out = capsys.readouterr().out
    wanted = "$ kubectl --kubeconfig /tmp/f17-kubeconfig --context prod-eu rollout restart deployment"
    assert wanted in out, out
    assert "$ kubectl rollout" not in out

    finding = _addtags_finding(log)
    target = Target(region="eu-west-1", context="prod-eu", kubeconfig="/tmp/f17-kubeconfig")
    assert any(c.startswith(wanted[2:]) for c in fix_commands(finding, target))
    report = render_report(target, [finding], [], ["Controller"], 1_790_000_000.0)
    assert wanted[2:] in report and "\nkubectl rollout" not in report


def test_for_target_gives_every_kubectl_command_in_prose_the_target_and_leaves_other_words():
    """A fix step's prose holds kubectl commands among words ("(kubectl top pod) under
    load", "retry kubectl apply or helm"), and the word kubectl that is no command ("Keep
    kubectl within one minor version"). Only the commands get the operator's options; a
    pipe's second kubectl too. No stand-in: strings in, strings out."""
    from petstore_core.kube import for_target

    target = Target(context="prod-eu", kubeconfig="/tmp/k c")
    opts = "kubectl --kubeconfig '/tmp/k c' --context prod-eu"
    assert for_target("Measure real usage (kubectl top pod) under load.", target) == \
        f"Measure real usage ({opts} top pod) under load."
    assert for_target("kubectl describe ingress to see the newest event.", target) == \
        f"{opts} describe ingress to see the newest event."
    assert for_target("Wait, then retry kubectl apply or helm.", target) == f"Wait, then retry {opts} apply or helm."
    assert for_target("kubectl create secret generic s --dry-run=client -o yaml | kubectl apply -f -", target) == \
        f"{opts} create secret generic s --dry-run=client -o yaml | {opts} apply -f -"
    for words in ("Keep kubectl within one minor version of it, then terraform apply.",
                  "where you run kubectl when you use the private endpoint",
                  "kubectl's column", "kubectl --context other get pods", "kubectl-neat get pods"):
        assert for_target(words, target) == words
    assert for_target("kubectl top pod", None) == "kubectl top pod"
    assert for_target("kubectl top pod", Target()) == "kubectl top pod"


def test_a_catalog_fix_step_names_the_operators_context_in_diagnose_the_panel_the_report_and_fix(tmp_path, capsys):
    """The steps' prose holds kubectl commands too ("Find the controller version that runs
    (kubectl get deployment ...)"): printed for an operator who gave --context, each carries
    it in diagnose, the panel's detail, the report and `fix ID`'s "fix it by hand". Stand-ins:
    the controller's AddTags denial written by the test (as the catalog's samples have it),
    the real engine; a kubeconfig path that nothing reads."""
    from petstore_tui.widgets.detail import FindingDetail

    log = tmp_path / "controller.log"
    log.write_text('{"level":"error","msg":"Reconciler error","error":"AccessDenied: User: arn:aws:sts::123456789012:'
                   'assumed-role/lb-ctrl/1 is not authorized to perform: elasticloadbalancing:AddTags on resource: '
                   'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/k8s-x/1 because no '
                   'identity-based policy allows the elasticloadbalancing:AddTags action"}\n')
    wanted = "(kubectl --context prod-eu get deployment"
    assert cli.main(["--context", "prod-eu", "diagnose", str(log)]) == 1
    out = " ".join(capsys.readouterr().out.split())  # diagnose wraps the steps
    assert wanted in out, out
    assert "(kubectl get" not in out

    finding = _addtags_finding(log)
    target = Target(region="eu-west-1", context="prod-eu")
    detail = FindingDetail()
    detail.show(finding, target)
    assert wanted in detail.plain and "(kubectl get" not in detail.plain
    report = render_report(target, [finding], [], ["Controller"], 1_790_000_000.0)
    assert wanted in report and "(kubectl get" not in report

    assert cli.main(["--context", "prod-eu", "--region", "eu-west-1", "fix", "pod-oomkilled"]) == 1
    out = capsys.readouterr().out
    assert "(kubectl --context prod-eu top pod) under load" in out, out
    assert "(kubectl top" not in out


def test_a_catalog_command_naming_repository_paths_runs_in_the_checkout_when_pasted_elsewhere(tmp_path, capsys,
                                                                                             monkeypatch):
    """The catalog's commands name the checkout's files from its root (`terraform
    -chdir=terraform apply`, `docker build -f docker/Dockerfile ... .`). Run from another
    folder with --project-dir, they are printed in a subshell that enters the checkout, so
    they work pasted there and leave the operator's shell where it was; commands naming no
    such path, and every command run from the checkout, print as written. Stand-ins: the
    controller's AddTags denial written by the test, the real engine."""
    from petstore_tui.widgets.detail import fix_commands
    from tests.support.project_copy import REPO

    log = tmp_path / "controller.log"
    log.write_text('{"level":"error","msg":"Reconciler error","error":"AccessDenied: User: arn:aws:sts::123456789012:'
                   'assumed-role/lb-ctrl/1 is not authorized to perform: elasticloadbalancing:AddTags on resource: '
                   'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/k8s-x/1 because no '
                   'identity-based policy allows the elasticloadbalancing:AddTags action"}\n')
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--project-dir", str(REPO), "diagnose", str(log)]) == 1
    out = capsys.readouterr().out
    assert f"$ (cd {REPO} && terraform -chdir=terraform apply)" in out, out
    assert "$ kubectl rollout restart deployment" in out  # no path: as written

    finding = _addtags_finding(log)
    target = Target(region="eu-west-1", project_dir=REPO)
    assert f"(cd {REPO} && terraform -chdir=terraform apply)" in fix_commands(finding, target)
    report = render_report(target, [finding], [], ["Controller"], 1_790_000_000.0)
    assert f"(cd {REPO} && terraform -chdir=terraform apply)" in report
    monkeypatch.chdir(REPO)
    assert "terraform -chdir=terraform apply" in fix_commands(finding, target)
