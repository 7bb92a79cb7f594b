"""Draft reachability rows (tests/realworld/reachability.yaml) for positive misses not yet judged.

Usage: .venv/bin/python tests/realworld/judge_reachability.py [--opened ROUND]

For every tune case in KNOWN_MISSES that is a positive (not "FALSE POSITIVE", not `none`) and
has no row in reachability.yaml yet (only those of opened round ROUND with --opened), prints a
YAML row: reachable when a word naming the kind's subsystem and a word naming its fault stand
within two lines of the excerpt (its `# source:` header left out). The word lists are below;
the criterion is docs/knowledge/log-wordings.md "Round 18, reachability and the misses".
Tune split only: it never reads tests/realworld/sealed/. Review the rows before adding them.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE))

def R(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


PG = r"postgres|psql|psycopg|libpq|\bpg\b|pgx|npgsql|asyncpg|epgsql|pgmoon|pgsql|5432|postgrex|PSQLException"
W = {  # kind: (subsystem, fault, subsystem label, fault label)
 "alb-iam-addtags": (r"elasticloadbalancing|load.?balancer|target.?group|\bALB\b|\bLB\b|controller", r"AddTags|CreateTags|not authorized|AccessDenied|can(no|')?t tag", "the load balancer controller / ELB", "a denied tagging call"),
 "alb-iam-other": (r"elasticloadbalancing|acm|ListCertificates|load.?balancer|controller", r"not authorized|AccessDenied", "ELB/ACM", "a denied IAM action"),
 "alb-imds": (r"IMDS|metadata|169\.254\.169\.254|ec2metadata", r"timeout|timed out|refused|unreachable|firewall|block|no EC2 IMDS role|failed", "the instance metadata service", "no answer"),
 "alb-ingress-no-address": (r"ingress|\bADDRESS\b", r"no address|empty|pending|not (get|have|assigned)|<none>|never", "the Ingress", "no address"),
 "alb-ingressclass-missing": (r"ingress.?class|ingressClassName", r"not found|missing|none|no object|doesn.t exist|ignor", "the IngressClass", "missing"),
 "alb-irsa": (r"WebIdentity|web.identity|IRSA|AWS_ROLE_ARN|AWS_WEB_IDENTITY_TOKEN_FILE|service.?account.{0,40}role|assume", r"fail|error|denied|not authorized|invalid|NullPointer|empty|unable", "the web identity exchange", "a failure"),
 "alb-sa-role-missing": (r"service.?account|iamserviceaccount|role-arn|eks\.amazonaws\.com/role-arn", r"missing|not found|no serviceaccount|not listed|not annotated|does not exist", "the service account / its role", "missing"),
 "alb-subnets": (r"subnet", r"unable to (discover|resolve)|discover|couldn.t|failed|no (valid )?subnet", "subnets", "not discovered"),
 "aws-credentials-invalid": (r"\bAWS\b|\bS3\b|\bSTS\b|IMDS|boto|aws.?sdk|amazonaws|SSO|credential.process", r"no credentials|credentials? (not|provided|missing)|unable to (locate|load|fetch|find)[^\n]{0,30}credential|credential[^\n]{0,40}(invalid|expired|fail|unable|missing|nil|empty)|SignatureDoesNotMatch|InvalidAccessKeyId|missing authentication token|no signing credentials", "AWS credentials", "none, invalid or expired"),
 "crashloop": (r"crash|back.?off|CrashLoop", r"crash.?(loop|back)|back.?off", "a container restart", "the back-off"),
 "ecr-forbidden": (r"\.ecr\.|\bECR\b|public\.ecr\.aws|BatchGetImage|GetDownloadUrlForLayer|InitiateLayerUpload", r"403|forbidden|denied|not authorized", "ECR", "403 / denied"),
 "ecr-no-auth": (r"\.ecr\.|\bECR\b", r"no basic auth|401|unauthorized|authentication required", "ECR", "no / bad registry auth"),
 "ecr-not-found": (r"\.ecr\.|\bECR\b|algorithm container", r"not found|does not exist|name unknown|manifest unknown|cannot pull|nonexistent", "an ECR image", "not found"),
 "eks-access-entry": (r"access.?entr|authentication.?mode|aws-auth|EKS", r"not (set|found|authorized)|unauthorized|must|denied|invalid", "EKS access entries", "refused / unset"),
 "eks-endpoint-unreachable": (r"eks\.amazonaws\.com|\bEKS\b|api.?server|kubernetes cluster|cluster unreachable|:443|:6443|kubectl|kubeconfig", r"i/o timeout|timed out|timeout|no such host|NXDOMAIN|unreachable|connection refused", "the EKS / Kubernetes API endpoint", "no connection"),
 "eks-unsupported-version": (r"version|eksctl|kubernetes", r"unsupported|not supported|invalid|no longer", "the EKS version", "unsupported"),
 "exec-format-error": (r"exec|arm64|amd64|architecture|platform|binary", r"exec format error|format error|wrong architecture", "the image's binary", "wrong architecture"),
 "flask-dependency-import": (r"flask|werkzeug|jinja2|markupsafe|itsdangerous|import", r"ImportError|cannot import|ModuleNotFoundError|No module named|has no attribute", "Flask's dependency import", "the import error"),
 "gunicorn-boot": (r"gunicorn", r"failed to boot|boot|no such option|exception in worker", "gunicorn's worker", "boot failure"),
 "gunicorn-timeout": (r"gunicorn|WORKER TIMEOUT", r"WORKER TIMEOUT|timed? ?out|timeout", "gunicorn's worker", "timeout"),
 "helm-chart-missing": (r"helm|chart|HelmRepository|HelmChart", r"not found|404|not a valid chart|no such|EOF|fails", "a Helm chart / repository", "missing"),
 "helm-ownership": (r"helm|meta\.helm\.sh", r"already exists|ownership|invalid ownership|ResourceExists|exists", "Helm's resource ownership", "a conflict"),
 "kubectl-unauthorized": (r"kubectl|kubernetes|k8s|EKS|api.?server|kubeconfig|kube-apiserver", r"Unauthorized|\b401\b|must be logged in|provide credentials|token.{0,20}expired", "the Kubernetes API", "401 / unauthorized"),
 "nodegroup-failed": (r"node.?group|\bASG\b|auto.?scaling|launch template|worker node|kubelet|CreateNodegroup", r"fail|invalid|not authorized|CREATE_FAILED|rollback|cannot|not supported|not initialized|missing", "the node group", "a create failure"),
 "oomkilled": (r"OOM|memory", r"OOMKilled|oom.?kill|out of memory|killed|exceeded|137", "the container's memory", "the OOM kill"),
 "pg-auth": (PG + r"|FATAL", r"password authentication failed|authentication failed|pg_hba|ident|credentials|not valid|user.{0,20}not found|invalid authorization|P1000|contrase", "PostgreSQL", "authentication"),
 "pg-refused": (PG, r"ECONNREFUSED|connection refused|ConnectionRefused|refused|os error 61|os error 111|no such file.{0,40}socket|pool timed out|timed out", "PostgreSQL", "a refused connection"),
 "pg-unreachable": (PG + r"|materialize", r"ENOTFOUND|no such host|Name or service not known|name not known|UnknownHost|timed out|timeout|P1001|can.t reach|could not translate", "PostgreSQL", "unreachable host"),
 "probe-failed": (r"probe|readiness|liveness|kubelet", r"fail|refused|timeout|timed out|restart|killed", "a probe", "its failure"),
 "sqlite-open": (r"sqlite|\.db\b|\.sqlite3?\b", r"unable to open|cannot open|does not exist|no such", "SQLite", "cannot open"),
 "sqlite-readonly": (r"sqlite|readonly database|\.db\b", r"readonly database|read-only|readonly|只读", "SQLite", "read-only"),
 "tf-duplicate-output": (r"output", r"duplicate|same name|already", "a Terraform output", "duplicate"),
 "tf-duplicate-resource": (r"resource", r"duplicate|same name|already", "a Terraform resource", "duplicate"),
 "tf-duplicate-sg-rule": (r"security.?group|sg.?rule|InvalidPermission|prefix list|rule", r"Duplicate|already exists", "a security group rule", "duplicate"),
 "werkzeug-import": (r"werkzeug|flask|url_quote|url_encode|safe_str_cmp|secure_filename|BaseResponse|JSONMixin|import", r"ImportError|cannot import|no longer|removed|has no attribute|ModuleNotFoundError", "Werkzeug's removed API", "the import error"),
}


def judge(kind: str, text: str, why_recorded: str) -> tuple[bool, str]:
    s, flt, sl, fl = W[kind]
    S, F = R(s), R(flt)
    lines = [line for line in text.splitlines() if not line.startswith("# source")]
    hit = any(S.search(w) and F.search(w) for w in ("\n".join(lines[i:i + 2]) for i in range(len(lines))))
    anyS = any(S.search(line) for line in lines)
    anyF = any(F.search(line) for line in lines)
    if hit:
        why = f"{sl} and {fl} named together (same or next line)"
    elif anyS and anyF:
        why = f"{sl} and {fl} named only apart (not within two lines)"
    elif anyF:
        why = f"{fl} without {sl} named"
    elif anyS:
        why = f"{sl} named, {fl} not (only the consequence or the program)"
    else:
        why = f"neither {sl} nor {fl} named"
    for note in ("decided not to fire", "label question"):
        if note in why_recorded:
            why += f"; KNOWN_MISSES: {note}"
    return hit, why


def main(argv: list[str]) -> int:
    os.environ["PETSTORE_REALWORLD_SPLITS"] = "tune"
    opened = None
    if argv[:1] == ["--opened"] and len(argv) == 2:
        opened = argv[1]
    elif argv:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    import test_realworld as rw

    judged = rw.reachability()
    rows = []
    for case in rw.TUNE:
        name = case["file"]
        recorded = rw.KNOWN_MISSES.get(name)
        if recorded is None or case["kind"] == "none" or "FALSE POSITIVE" in recorded or name in judged:
            continue
        if opened is not None and case.get("opened") != opened:
            continue
        if case["kind"] not in W:
            rows.append({"file": name, "reachable": False, "why": "no word lists for this kind yet: judge by hand"})
            continue
        text = (rw.HERE / "logs" / name).read_text(encoding="utf-8", errors="replace")
        hit, why = judge(case["kind"], text, recorded)
        rows.append({"file": name, "reachable": hit, "why": why})
    if rows:
        yaml.safe_dump(rows, sys.stdout, sort_keys=False, width=200, allow_unicode=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
