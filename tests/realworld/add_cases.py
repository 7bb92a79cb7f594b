"""Add real-world cases to the corpus, choosing each one's split (tune or sealed) as it lands.

Rules (REPORT.md "Split"), never depending on a case's text or on what the catalog makes
of it: issue 13's cases were drawn by a keyed hash of source URL and file name (SALT, P_SEALED:
kept so the draw can be recomputed). Each sealed round is measured once and then opened:
its cases move to the tune split, marked `opened: <round>` (sealed v1 and sealed v2 on
2026-12-05). A new case joins the current sealed round first (`sealed_first: <round>`)
while the sealed split holds less than a third of the corpus; after that the round's own
seeded draw decides (`draw: <round>`; ROUND_SALTS). A case is never re-drawn: adding a file
name that exists in either split is refused.

Input: a staging file of blocks, each

    @@@ <kind>/<name>.log
    @ note: ...            (optional; also damage:, derived:, secrets: a,b)
    @ derived_from: k/f.log (a damage variant: keeps that case's split instead of a draw)
    @ json                 (optional: the body is a JSON string's inside, as a search tool
                            printed it; physical lines are joined and decoded)
    # source: https://...
    <body lines, exactly as pasted>

Run: .venv/bin/python tests/realworld/add_cases.py STAGING_FILE
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from datetime import date
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SPLIT_DIRS = {"tune": HERE / "logs", "sealed": HERE / "sealed"}
MANIFESTS = {"tune": HERE / "cases.yaml", "sealed": HERE / "sealed" / "cases.yaml"}

# Chosen (random) before any sealed case was collected; never change it.
SALT = "issue-13/7c832272f28f1c69"
# The old 215 cases were all tuned on, so about 2/3 of new ones must be sealed to make the
# sealed split about a third of the corpus.
P_SEALED = 0.70
# Issue 13's collection is over (its draw above is kept to recompute the old cases).
COLLECTING_ISSUE_13 = False
# Sealed rounds measured once and opened (moved to the tune split), oldest first. The
# sealed split holds SEALED_ROUND only.
OPENED = ("sealed-v1", "sealed-v2", "sealed-v3", "sealed-v4", "sealed-v5", "sealed-v6", "sealed-v7",
          "sealed-v8", "sealed-v9", "sealed-v10", "sealed-v11", "sealed-v12", "sealed-v13",
          "sealed-v14", "sealed-v15", "sealed-v16", "sealed-v17", "sealed-v18",
          "sealed-v19", "sealed-v20", "sealed-v21", "sealed-v22", "sealed-v23", "sealed-v24",
          "sealed-v25")
SEALED_ROUND = "sealed-v26"
# Each round's draw, used once its sealed split holds a third of the corpus. Each salt was
# chosen (random) before any case of its round was collected; never change one. 1/3 keeps
# the sealed split a third.
ROUND_SALTS = {"sealed-v2": "sealed-v2/3ac2d8a1cbcd89e5", "sealed-v3": "sealed-v3/9b48eaa3446ee114",
               "sealed-v4": "sealed-v4/c307a697ea56a3c6",
               "sealed-v5": "sealed-v5/80a9ee1079bb4d15",
               "sealed-v6": "sealed-v6/4a7adfd1fedb7fe2",
               "sealed-v7": "sealed-v7/c5eae19c4e19a5f8",
               "sealed-v8": "sealed-v8/58d06ec041fc721d",
               "sealed-v9": "sealed-v9/285e79843c960465",
               "sealed-v10": "sealed-v10/91062f1038cf2a08",
               "sealed-v11": "sealed-v11/b94bf9dc45ac93c4",
               "sealed-v12": "sealed-v12/dc4d19a4915d3f2d",
               "sealed-v13": "sealed-v13/e0970930b5588329",
               "sealed-v14": "sealed-v14/884d12aa484552e4",
               "sealed-v15": "sealed-v15/20d0aa6c07eca65f",
               "sealed-v16": "sealed-v16/112b722b767021e6",
               "sealed-v17": "sealed-v17/6587d4a0db8cb64f",
               "sealed-v18": "sealed-v18/5c3ad3bbf114f8c0",
               "sealed-v19": "sealed-v19/9fef5b1c0bf38c59",
               "sealed-v20": "sealed-v20/40eba7f2d3647e31",
               "sealed-v21": "sealed-v21/362e8802ad1c0f0a",
               "sealed-v22": "sealed-v22/f3f26d11136a0fc0",
               "sealed-v23": "sealed-v23/bdc7eac03bf350ae",
               "sealed-v24": "sealed-v24/ce17c4cd9ced24ab",
               "sealed-v25": "sealed-v25/a0ac28e1e9ece726",
               "sealed-v26": "sealed-v26/ef97f391b181965a"}
P_SEALED_ROUND = 1 / 3

# Placeholder account ids people already use; anything else 12-digit in an ARN or an ECR
# host is replaced by a fake of the same shape.
FAKE_ACCOUNTS = {"123456789012", "111122223333", "000000000000", "123456789123", "999999999999"}
# AWS's own public registries for EKS images (pause, add-ons) and App Mesh's (its controller
# and Envoy images): not anybody's account, kept.
AWS_SERVICE_ACCOUNTS = {"602401143452", "877085696533", "800184023465", "558608220178",
                        "590381155156", "900889452093", "296578399912", "759879836304",
                        "840364872350"}
ACCOUNT_RES = (
    re.compile(r"(arn:aws[\w-]*:[\w-]*:[\w-]*:)(\d{12})(?=:)"),
    re.compile(r"(?<![\d])()(\d{12})(?=\.dkr\.ecr\.)"),
    # any AWS host named by its account (an ECR host whose `dkr.ecr` the writer dropped, S3 Control)
    re.compile(r"(?<![\w.-])()(\d{12})(?=\.[\w.-]*\.amazonaws\.com)"),
    # ECR's "... in the registry with id '123456789012'" and the account fields of AWS's JSON
    re.compile(r"(registry\s+with\s+id\s+\\?['\"]?)(\d{12})(?!\d)"),
    re.compile(r"(\\?\"(?:registryId|Account|AccountId|OwnerId|owner_id)\\?\"\s*:\s*\\?\"?)(\d{12})(?!\d)"),
)
# An ARN broken inside its account id by a terminal's or the writer's wrap: the two runs of
# digits (indent or quote marks between) make one id.
WRAPPED_ARN_ACCOUNT_RE = re.compile(r"(arn:aws[\w-]*:[\w-]*:[\w-]*:)(\d{1,11})(\r?\n[ \t>|]*)(\d{1,11})(?=:)")
# EKS prints its endpoint ids in upper case; people retype or lower-case them (kubeconfigs,
# browsers), so both are replaced, keeping the case.
EKS_HOST_RE = re.compile(r"(?<![0-9A-Fa-f])([0-9A-F]{32}|[0-9a-f]{32})(?=\.(?:[a-z]{2}\d|gr7|yl4|sk1)\.[a-z0-9-]+\.eks\.amazonaws\.com)")
# Access key ids: long-term (AKIA) and temporary STS ones (ASIA); AWS's documentation example is kept.
ACCESS_KEY_RE = re.compile(r"(?<![A-Z0-9])(AKIA|ASIA)([A-Z0-9]{16})(?![A-Z0-9])")
DOC_ACCESS_KEYS = {"AKIAIOSFODNN7EXAMPLE"}


def draw(source: str, rel: str, rule: str = "issue-13") -> str:
    """The seeded draw: issue 13's (`rule="issue-13"`) or a sealed round's (a ROUND_SALTS key)."""
    salt, p_sealed = (SALT, P_SEALED) if rule == "issue-13" else (ROUND_SALTS[rule], P_SEALED_ROUND)
    digest = hashlib.sha256(f"{salt}|{source}|{rel}".encode()).hexdigest()
    return "sealed" if int(digest[:8], 16) / 2**32 < p_sealed else "tune"


def _fake_digits(real: str, width: int, alphabet: str) -> str:
    digest = hashlib.sha256(("fake|" + real).encode()).hexdigest()
    out = "".join(alphabet[int(digest[i : i + 2], 16) % len(alphabet)] for i in range(0, 2 * width, 2))
    return out


def sanitize(text: str) -> tuple[str, list[str]]:
    """Real account ids, EKS endpoint ids and access key ids -> fakes of the same shape (deterministic)."""
    changed: list[str] = []

    wrapped = [m for m in WRAPPED_ARN_ACCOUNT_RE.finditer(text) if len(m.group(2) + m.group(4)) == 12]
    found = [m.group(2) for rx in ACCOUNT_RES for m in rx.finditer(text)]
    found += [m.group(2) + m.group(4) for m in wrapped]
    real_ids = {real for real in found if real not in FAKE_ACCOUNTS | AWS_SERVICE_ACCOUNTS and len(set(real)) > 2}

    def fake_account(real: str) -> str:
        return "4" + _fake_digits(real, 11, "0123456789")

    def rewrap(m: re.Match) -> str:
        real = m.group(2) + m.group(4)
        if real not in real_ids:
            return m.group(0)
        fake = fake_account(real)
        return m.group(1) + fake[: len(m.group(2))] + m.group(3) + fake[len(m.group(2)) :]

    text = WRAPPED_ARN_ACCOUNT_RE.sub(rewrap, text)
    for real in sorted(real_ids):  # every occurrence (owner_id = "...", "Account": ...) too
        changed.append("account id")
        text = re.sub(rf"(?<!\d){real}(?!\d)", fake_account(real), text)

    def host(m: re.Match) -> str:
        changed.append("EKS endpoint id")
        fake = _fake_digits(m.group(1), 32, "0123456789ABCDEF")
        return fake.lower() if m.group(1).islower() else fake

    def access_key(m: re.Match) -> str:
        if m.group(0) in DOC_ACCESS_KEYS:
            return m.group(0)
        changed.append("access key id")
        return m.group(1) + _fake_digits(m.group(0), 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    text = EKS_HOST_RE.sub(host, text)
    text = ACCESS_KEY_RE.sub(access_key, text)
    return text, sorted(set(changed))


def parse(staging: str) -> list[dict]:
    blocks = []
    for chunk in re.split(r"^@@@ ", staging, flags=re.M)[1:]:
        header, _, rest = chunk.partition("\n")
        block = {"rel": header.strip(), "json": False}
        lines = rest.split("\n")
        while lines and lines[0].startswith("@ "):
            key, _, value = lines.pop(0)[2:].partition(":")
            if key.strip() == "json":
                block["json"] = True
            else:
                block[key.strip()] = value.strip()
        assert lines and lines[0].startswith("# source: https://"), block["rel"]
        block["source"] = lines.pop(0)[len("# source: ") :].strip()
        body_lines = lines
        while body_lines and body_lines[-1] == "":
            body_lines.pop()
        if block["json"]:
            body = json.loads('"' + "".join(body_lines) + '"')
        else:
            body = "\n".join(body_lines)
        block["body"] = body.rstrip("\n")
        blocks.append(block)
    return blocks


def existing_bodies() -> dict[str, str]:
    seen = {}
    for folder in SPLIT_DIRS.values():
        for log in folder.rglob("*.log"):
            body = log.read_bytes().split(b"\n", 1)[-1]
            seen[hashlib.sha256(body.strip()).hexdigest()] = str(log.relative_to(HERE))
    return seen


def significant_lines(text: str) -> set[str]:
    return {s for s in (line.strip() for line in text.split("\n")) if len(s) > 15 and not s.startswith("```")}


def same_paste(source: str, body: str) -> str | None:
    """An existing case from the same thread holding most of these lines is the same paste
    trimmed differently: it would leak a tuned case into the sealed split."""
    mine = significant_lines(body)
    if not mine:
        return None
    for folder in SPLIT_DIRS.values():
        for log in folder.rglob("*.log"):
            first, _, rest = log.read_text(encoding="utf-8", errors="replace").partition("\n")
            if first.strip() != f"# source: {source}":
                continue
            if len(mine & significant_lines(rest)) / len(mine) >= 0.6:
                return str(log.relative_to(HERE))
    return None


def load_manifest(split: str) -> list[dict]:
    path = MANIFESTS[split]
    if not path.exists():
        return []
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("cases") or []


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    blocks = parse(Path(argv[1]).read_text(encoding="utf-8"))
    for block in blocks:  # every name checked before anything is written
        kind, _, name = block["rel"].partition("/")
        if not (re.fullmatch(r"[a-z0-9-]+", kind) and re.fullmatch(r"[a-z0-9-]+\.log", name)):
            print(f"bad case name (lower-case kind/name.log): {block['rel']}", file=sys.stderr)
            return 2
    seen = existing_bodies()
    manifests = {split: load_manifest(split) for split in MANIFESTS}
    listed = {c["file"] for cases in manifests.values() for c in cases}
    try:
        for block in blocks:
            add_one(block, seen, manifests, listed)
    finally:
        for split, cases in manifests.items():
            write_manifest(split, cases)
    return 0


def choose_split(block: dict, manifests: dict) -> tuple[str, dict]:
    """(split, the manifest fields that record why) for a new case; REPORT.md "Split"."""
    if block.get("derived_from"):
        # A damage variant stays in its original's split, so neither split holds a near
        # copy of a case from the other.
        original = block["derived_from"]
        return next(s for s, f in SPLIT_DIRS.items() if (f / original).exists()), {}
    if COLLECTING_ISSUE_13:
        return draw(block["source"], block["rel"]), {}
    # The sealed round is topped up, never left below a third: a case finding it short
    # joins it; otherwise the round's draw decides (so it stays within one case of a third).
    total = sum(len(cases) for cases in manifests.values())
    if 3 * len(manifests["sealed"]) < total:
        return "sealed", {"sealed_first": SEALED_ROUND}
    # deterministic: recomputing it is not a re-draw
    return draw(block["source"], block["rel"], SEALED_ROUND), {"draw": SEALED_ROUND}


def add_one(block: dict, seen: dict, manifests: dict, listed: set) -> None:
    rel = block["rel"]
    kind = rel.partition("/")[0]
    body, changed = sanitize(block["body"])
    content = f"# source: {block['source']}\n{body}\n".encode()
    split, why = choose_split(block, manifests)
    path = SPLIT_DIRS[split] / rel
    # A file written by an interrupted run (same draw, same text, not yet listed) is adopted.
    adopt = rel not in listed and path.exists() and path.read_bytes() == content
    if not adopt:
        if any((folder / rel).exists() for folder in SPLIT_DIRS.values()):
            print(f"refused (exists, never re-drawn): {rel}")
            return
        key = hashlib.sha256(body.encode().strip()).hexdigest()
        twin = seen.get(key) or (None if block.get("derived_from") else same_paste(block["source"], body))
        if twin:
            print(f"refused (same paste as {twin}): {rel}")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        seen[key] = str(path.relative_to(HERE))
    case = {"file": rel, "kind": kind, "source": block["source"], "added": str(date.today())}
    for extra in ("damage", "derived", "derived_from", "note"):
        if block.get(extra):
            case[extra] = block[extra]
    if changed:
        note = f"real {' and '.join(changed)} replaced by fake ones of the same shape"
        case["note"] = (case.get("note", "") + "; " + note).lstrip("; ")
    case.update(why)
    if block.get("secrets"):
        case["secrets"] = [s.strip() for s in block["secrets"].split(",") if s.strip()]
    manifests[split].append(case)
    listed.add(rel)
    print(f"{split:6} {rel}" + ("  (adopted)" if adopt else ""))


HEADERS = {
    "tune": """\
# Real-world corpus, TUNE split: logs pasted in public threads, with their paste damage.
# Tune signatures on these only. The SEALED split (sealed/, its own manifest) is never
# opened while tuning; see REPORT.md "Split". `opened: sealed-v1` (v2 to v25)
# mark the cases of a sealed round, measured once (REPORT.md) and then moved here as
# tuning material.
# Each case: file (under logs/), kind (expected failure kind; `none` = near-miss negative),
# source (the thread), optional derived (a damage variant built from that thread's text:
# the damage is named), damage (what the paste came with), added (date), optional secrets
# (planted values that must never come out unredacted), optional note. The kind -> catalog
# ids map lives in test_realworld.py.
""",
    "sealed": """\
# Real-world corpus, SEALED split (sealed v26: collected after sealed v25 was opened, never
# tuned on). Do not open this folder while tuning the catalog: its rate
# (tests/realworld/REPORT.md) is the one that counts. Same fields as ../cases.yaml;
# file is under sealed/; `sealed_first: sealed-v26` or `draw: sealed-v26` says why it is here.
""",
}


def write_manifest(split: str, cases: list[dict]) -> None:
    cases = sorted(cases, key=lambda c: c["file"])
    path = MANIFESTS[split]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADERS[split])
        yaml.safe_dump({"cases": cases}, out, sort_keys=False, width=200, allow_unicode=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
