"""Regenerate both manifests (cases.yaml for logs/, sealed/cases.yaml for sealed/) from the
case files, keeping each listed case's extra fields. New cases are added with
add_cases.py, which draws their split; this only repairs a manifest after a file was edited
or removed. Run: .venv/bin/python tests/realworld/make_manifest.py"""

from __future__ import annotations

from add_cases import SPLIT_DIRS, load_manifest, write_manifest


def main() -> None:
    for split, folder in SPLIT_DIRS.items():
        old = {c["file"]: c for c in load_manifest(split)}
        cases = []
        for log in sorted(folder.rglob("*.log")):
            rel = str(log.relative_to(folder))
            first = log.read_bytes().split(b"\n", 1)[0].decode("utf-8").strip()
            assert first.startswith("# source: https://"), rel
            case = {"file": rel, "kind": rel.split("/")[0], "source": first[len("# source: ") :]}
            for key, value in old.get(rel, {}).items():
                case.setdefault(key, value)
            cases.append(case)
        write_manifest(split, cases)
        negatives = sum(c["kind"] == "none" for c in cases)
        print(f"{split}: {len(cases)} cases, {negatives} negatives")


if __name__ == "__main__":
    main()
