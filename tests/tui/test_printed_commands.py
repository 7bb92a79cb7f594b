"""The catalog's fix commands, printed for the operator, name the cluster the operator named.

Stand-ins: a log line written by the test, the real engine; a kubeconfig path nothing reads."""

from __future__ import annotations

from petstore_core.settings import Target
from petstore_tui import cli
from petstore_tui.reports import render_report


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

    from checks.engine import load_default_engine

    engine = load_default_engine()
    engine.feed(log.read_text().strip(), source="alb-controller")
    engine.flush()
    finding = next(f for f in engine.findings() if f.failure_id == "alb-controller-addtags-denied")
    target = Target(region="eu-west-1", context="prod-eu", kubeconfig="/tmp/f17-kubeconfig")
    assert any(c.startswith(wanted[2:]) for c in fix_commands(finding, target))
    report = render_report(target, [finding], [], ["Controller"], 1_790_000_000.0)
    assert wanted[2:] in report and "\nkubectl rollout" not in report
