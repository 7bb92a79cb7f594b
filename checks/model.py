"""The shared vocabulary: known failures, findings, and check results.

Everything that detects something (the log engine, the live probes, the preflight checks)
speaks in these types, and everything that shows something (the CLI, the TUI, reports)
reads them. Nothing here does I/O.
"""

from __future__ import annotations

from enum import Enum

from petstore_core.record import Default, Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of diagnose's start)
if TYPE_CHECKING:
    from typing import Any


class Severity(str, Enum):
    CRITICAL = "critical"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse; sorts findings and decides exit status."""
        return {"critical": 3, "error": 2, "warning": 1, "info": 0}[self.value]


class Source(str, Enum):
    """Where a failure shows. A catalog entry lists the sources it can be seen in."""

    ALB_CONTROLLER = "alb-controller"  # logs of kube-system/aws-load-balancer-controller
    APP = "app"  # logs of the Pet Store pods (or the local app in the sandbox)
    K8S_EVENTS = "k8s-events"  # Kubernetes events, one line each
    POD_STATUS = "pod-status"  # waiting/terminated reasons rendered as lines
    TERRAFORM = "terraform"  # terraform plan/apply/validate output (human or -json)
    IMAGE_BUILD = "image-build"  # docker/podman build and push output
    KUBECTL = "kubectl"  # kubectl, helm and kubernetes-client errors
    HELM = "helm"
    AWS = "aws"  # AWS CLI / boto3 errors and live probes
    ANY = "any"  # a file or stdin whose origin is unknown


class Fix(Record, frozen=True):
    """What to do about a failure, in the order an operator does it."""

    summary: str
    steps: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()  # copyable, one command each
    files: tuple[str, ...] = ()  # files of this repository to change


# How a signature recognises its failure, most confident first (docs/ARCHITECTURE.md,
# "The catalog entry format"): the program's own wording, another real wording of the same
# message (other release, other client, a fragment that survives wrapping), or a cue in the
# shape around the words (a status column, an event reason, a port on a network error).
RECOGNITION_KINDS = ("known", "variant", "structural")
BUILT_IN = "built-in"  # KnownFailure.origin of the entries shipped in checks/catalog/


class KnownFailure(Record, frozen=True):
    """One entry of the catalog (checks/catalog/<id>/failure.yaml)."""

    id: str
    title: str
    severity: Severity
    sources: tuple[Source, ...]
    signatures: tuple[str, ...]  # regexes, case-insensitive, Hyperscan-compatible
    explanation: str
    fix: Fix
    docs: tuple[str, ...] = ()
    resource_pattern: str | None = None  # regex with a group named `resource`
    overlaps: tuple[str, ...] = ()  # ids that may also fire on this entry's positives
    # regexes (Python re only): another program's wording which, in the same event, rules
    # the finding out (the same SDK or IAM line printed by another caller)
    ruled_out_by: tuple[str, ...] = ()
    # regexes (Python re only): another system named in the `context_lines` lines of the same
    # source before the line that closed the event (an endpoint, a client's name a few lines
    # earlier), which rules the finding out as `ruled_out_by` does in the event
    ruled_out_by_context: tuple[str, ...] = ()
    context_lines: int = 0
    context_when_event: str | None = None  # a regex the event must hold for its context to count
    extra: dict[str, Any] = Default(dict)  # entry-specific data, e.g. actions
    signature_kinds: tuple[str, ...] = ()  # RECOGNITION_KINDS value of each signature; () = all known
    origin: str = BUILT_IN  # BUILT_IN, or the user catalog folder the entry came from
    overrides: bool = False  # a user entry that replaces the built-in entry of its id

    def signature_kind(self, index: int) -> str:
        return self.signature_kinds[index] if self.signature_kinds else RECOGNITION_KINDS[0]


class Finding(Record):
    """One failure seen on one resource: repeated hits fold into one finding."""

    failure_id: str
    title: str
    severity: Severity
    resource: str  # pod, file, subnet, role... or "" when unknown
    source: str  # a Source value or a free-form origin ("file:/tmp/x.log", "probe:subnets")
    count: int = 1
    first_seen: float = 0.0  # unix time
    last_seen: float = 0.0
    evidence: list[str] = Default(list)  # redacted, a few lines at most
    fix: Fix | None = None
    explanation: str = ""
    details: dict[str, Any] = Default(dict)  # e.g. {"action": ..., "release": ...}
    acknowledged: bool = False
    # True while every line behind it was fed as simulated: fed by a drill, printed by no
    # program in this run (written by this project for a controller it cannot run, or a
    # real program's output recorded earlier and replayed)
    simulated: bool = False
    recognition: dict[str, int] = Default(dict)  # events per RECOGNITION_KINDS value

    @property
    def recognised_as(self) -> str | None:
        """The most confident way any of its events was recognised (None: not from a log
        signature, e.g. a live probe)."""
        return next((kind for kind in RECOGNITION_KINDS if self.recognition.get(kind)), None)

    @property
    def key(self) -> tuple[str, str]:
        return (self.failure_id, self.resource)


_RECOGNITION_WORDS = {"known": "known wording", "variant": "a variant wording", "structural": "a structural cue"}


def recognition_text(finding: Finding) -> str:
    """How a finding's events were recognised, most confident first, as the CLI and the
    panel say it: `known wording (3), a structural cue (1)`; "" for a live probe's."""
    return ", ".join(f"{_RECOGNITION_WORDS[kind]} ({finding.recognition[kind]})"
                     for kind in RECOGNITION_KINDS if finding.recognition.get(kind))


class Status(str, Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"
    ERROR = "error"


class CheckResult(Record):
    """The outcome of one preflight check or live probe."""

    id: str
    group: str  # tools | aws | config | cluster
    status: Status
    summary: str  # one line
    detail: str = ""
    fix: str = ""
    failure_id: str | None = None  # the catalog entry this result is evidence of
    duration: float = 0.0
