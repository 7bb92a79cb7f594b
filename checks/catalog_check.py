"""Run catalog entries against their own samples: every positive fires its entry (and
only entries its `overlaps` allow), no negative fires it, evidence shows no secret, every
signature matches at least one positive, every `ruled_out_by` pattern at least one negative,
and every signature compiles for Hyperscan. The catalog test and `petstore-tui catalog test
DIR` both use this, so a user entry is held to exactly the built-in entries' bar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from checks.catalog_entry import RULED_OUT_FLAGS
from checks.catalog_loader import load_samples, sample_lines
from checks.engine.grouping import Grouper
from checks.engine.matcher import compile_signature
from checks.engine.normalize import prepare_line_and_width
from checks.model import KnownFailure
from petstore_core.redact import redact

_TOKEN = re.compile(r"[A-Za-z0-9/+=_\-.]{8,}")  # what redaction may have masked in a sample


@dataclass(frozen=True)
class SampleCheck:
    """One verdict: on a sample file, or on the entry itself (`sample` empty)."""

    entry_id: str
    sample: str  # the sample's path, "" for the entry
    kind: str  # positive | negative | entry
    problem: str = ""  # empty: passed

    @property
    def ok(self) -> bool:
        return not self.problem


def hyperscan_problems(entry: KnownFailure) -> list[str]:
    """Signatures Hyperscan cannot compile (the engine would fall back to a slow path)."""
    try:
        # optional: the hyperscan package may be absent; then nothing is checked against it
        import hyperscan
    except ImportError:
        return []
    problems = []
    for number, signature in enumerate(entry.signatures, 1):
        db = hyperscan.Database()
        try:
            db.compile(expressions=[signature.encode()], flags=[hyperscan.HS_FLAG_CASELESS])
        except hyperscan.error as exc:
            problems.append(f"signature {number} does not compile in Hyperscan ({exc}): {signature!r}")
    return problems


def silent_signatures(entry: KnownFailure, positives: list[Path]) -> list[str]:
    """Signatures that match no event of the entry's own positive samples: each one must
    be shown to catch a real wording, or it is a guess nobody checked."""
    events: list[tuple[bytes, int]] = []  # event text (with the line it peeks at), its own length
    for path in positives:
        grouper = Grouper()
        for line in sample_lines(path):
            for event, peek in grouper.push_peeking(*prepare_line_and_width(line)):
                text = b"\n".join(event)
                events.append((text + b"\n" + peek, len(text)) if peek is not None else (text, len(text)))
        events.extend((text, len(text)) for text in map(b"\n".join, grouper.flush()))
    problems = []
    for number, signature in enumerate(entry.signatures, 1):
        pattern = compile_signature(signature)
        if not any((m := pattern.search(text)) and m.start() < size for text, size in events):
            problems.append(f"signature {number} ({entry.signature_kind(number - 1)}) matches none of the "
                            f"positive samples: add one in the program's wording: {signature!r}")
    return problems


def idle_rule_outs(entry: KnownFailure, negatives: list[Path]) -> list[str]:
    """`ruled_out_by` (and `ruled_out_by_context`) patterns that match none of the entry's
    negative samples: each one must be shown on the other program's real wording it is there for."""
    texts = [b"\n".join(sample_lines(path)) for path in negatives]
    fields = [("ruled_out_by", entry.ruled_out_by), ("ruled_out_by_context pattern", entry.ruled_out_by_context)]
    return [f"{field} {number} matches none of the negative samples: add one in the other "
            f"program's wording: {pattern!r}"
            for field, patterns in fields
            for number, pattern in enumerate(patterns, 1)
            if not any(re.search(pattern.encode("utf-8"), text, RULED_OUT_FLAGS) for text in texts)]


def scan_sample(engine, path: Path) -> tuple[dict[str, list], str]:
    """Findings of one sample by failure id, and a problem when the line-by-line path
    and the bulk path disagree."""
    lines = sample_lines(path)
    engine.reset()
    engine.feed_many(lines, resource=path.name)
    engine.flush()
    by_line = sorted((f.failure_id, f.resource, f.count) for f in engine.findings())
    engine.reset()
    engine.scan_bytes(b"\n".join(lines), resource=path.name)
    findings = engine.findings()
    problem = ""
    if sorted((f.failure_id, f.resource, f.count) for f in findings) != by_line:
        problem = "the bulk path and the line-by-line path disagree"
    found: dict[str, list] = {}
    for finding in findings:
        found.setdefault(finding.failure_id, []).append(finding)
    return found, problem


def _leaks(path: Path, found: dict[str, list]) -> bool:
    secrets: set[str] = set()
    for line in sample_lines(path):
        text = line.decode("utf-8", "replace")
        secrets |= set(_TOKEN.findall(text)) - set(_TOKEN.findall(redact(text)))
    for findings in found.values():
        for finding in findings:
            for evidence in finding.evidence:
                if redact(evidence) != evidence or any(s in evidence for s in secrets):
                    return True
    return False


def check_entry(entry: KnownFailure, entry_dir: Path, engines: dict[str, object]) -> list[SampleCheck]:
    """Every verdict on one entry: its signatures, then each sample with each engine
    (`engines`: matcher name -> an Engine over the whole catalog the entry lives in)."""
    checks = [SampleCheck(entry.id, "", "entry", problem) for problem in hyperscan_problems(entry)]
    samples = load_samples(entry_dir)
    if samples["positive"]:
        checks += [SampleCheck(entry.id, "", "entry", problem)
                   for problem in silent_signatures(entry, samples["positive"])]
    checks += [SampleCheck(entry.id, "", "entry", problem)
               for problem in idle_rule_outs(entry, samples["negative"])]
    for kind in ("positive", "negative"):
        if not samples[kind]:
            checks.append(SampleCheck(entry.id, "", "entry", f"no {kind} sample ({kind}/*.log)"))
    for kind in ("positive", "negative"):
        for path in samples[kind]:
            problems: dict[str, list[str]] = {}  # problem -> the matchers that show it
            for name, engine in engines.items():
                for problem in _sample_problems(entry, kind, path, engine):
                    problems.setdefault(problem, []).append(name)
            text = "; ".join(f"{problem} ({', '.join(names)} matcher{'s' if len(names) > 1 else ''})"
                             for problem, names in problems.items())
            checks.append(SampleCheck(entry.id, str(path), kind, text))
    return checks


def _sample_problems(entry: KnownFailure, kind: str, path: Path, engine) -> list[str]:
    found, problem = scan_sample(engine, path)
    problems = [problem] if problem else []
    if kind == "negative":
        if entry.id in found:
            problems.append(f"fires {entry.id}")
        return problems
    if entry.id not in found:
        problems.append(f"does not fire {entry.id}")
    for other in sorted(set(found) - {entry.id} - set(entry.overlaps)):
        owner = engine.by_id.get(other)
        if owner is None or entry.id not in owner.overlaps:
            problems.append(f"also fires {other}; list one in the other's `overlaps` or tighten the signatures")
    if _leaks(path, found):
        problems.append("evidence shows a secret unmasked")
    return problems
