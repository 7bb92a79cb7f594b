"""Regenerate cases.yaml from logs/<kind>/*.log, keeping each listed case's extra fields
(derived, secrets, note). Run: .venv/bin/python tests/realworld/make_manifest.py"""

from __future__ import annotations

from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
LOGS = HERE / "logs"
HEADER = """\
# Held-out real-world corpus: logs pasted in public GitHub threads, with their paste damage.
# Each case: file (under logs/), kind (expected failure kind; `none` = near-miss negative),
# source (the thread), optional derived (a damage variant built from that thread's text:
# the damage is named), optional secrets (planted values that must never come out
# unredacted), optional note. The kind -> catalog ids map lives in test_realworld.py.
"""


def main() -> None:
    path = HERE / "cases.yaml"
    old = {}
    if path.exists():
        old = {
            c["file"]: c
            for c in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("cases", [])
        }
    cases = []
    for log in sorted(LOGS.rglob("*.log")):
        rel = str(log.relative_to(LOGS))
        kind = rel.split("/")[0]
        first = log.read_bytes().split(b"\n", 1)[0].decode("utf-8").strip()
        assert first.startswith("# source: https://"), rel
        case = {"file": rel, "kind": kind, "source": first[len("# source: ") :]}
        for extra in ("derived", "secrets", "note"):
            if extra in old.get(rel, {}):
                case[extra] = old[rel][extra]
        cases.append(case)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        yaml.safe_dump({"cases": cases}, out, sort_keys=False, width=200, allow_unicode=True)
    kinds = {c["kind"] for c in cases} - {"none"}
    print(
        f"{len(cases)} cases, {len(kinds)} kinds, {sum(c['kind'] == 'none' for c in cases)} negatives"
    )


if __name__ == "__main__":
    main()
